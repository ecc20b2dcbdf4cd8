"""`DropConnect`: DropConnect on the kernel(s) of any Keras layer."""

import keras
from keras import ops

from kreg import random as kreg_random
from kreg.argument_checks import check_choice, check_rate, check_seed
from kreg.kernels import INPUT_ROLES, RECURRENT_KERNEL, layer_kernels
from kreg.layers.call_with_weights import call_with_weights

_KERNELS = {
    "input": INPUT_ROLES,
    "recurrent": (RECURRENT_KERNEL,),
    "all": INPUT_ROLES + (RECURRENT_KERNEL,),
}


@keras.saving.register_keras_serializable(package="kreg")
class DropConnect(keras.layers.Wrapper):
    """DropConnect on the kernels of any layer, recurrent kernels included.

    At training time each entry of the wrapped layer's chosen kernel(s) is
    dropped with probability `rate` and the kept entries are divided by
    `1 - rate` (inverted scaling, so inference is the wrapped layer
    unchanged); the layer's own operation then runs with the masked kernel
    (`kreg.layers.call_with_weights`). One mask is drawn per call and shared
    by the whole batch and, for a recurrent layer, by every time step: the
    WeightDrop of AWD-LSTM (Merity et al., 2018), which masks an LSTM's
    recurrent kernel without touching the cuDNN-style recurrence. For the
    per-example masks of Wan et al. on a dense layer, use
    `kreg.layers.DropConnectDense` (its `mask="gaussian"` gives them at the
    price of a Dense layer); a generic wrapper cannot draw a kernel per
    example without materializing batch-many kernels.

    Which kernels are masked (`kreg.kernels` finds them): `"input"` (the
    input kernel of `Dense`, `EinsumDense`, any convolution, a recurrent
    cell), `"recurrent"` (a recurrent cell's recurrent kernel, AWD-LSTM's
    choice) or `"all"`. The masks are drawn with `kreg.random` (exact packed
    bits for a rate that is a multiple of 1/65536, one 32-bit word per
    weight within 1.2e-10 of any other rate).

    Args:
        layer: A Keras layer with a kernel.
        rate: Float in `[0, 1)`, the probability to drop each weight.
        kernels: `"input"` (default), `"recurrent"` or `"all"`.
        seed: A Python integer to use as random seed.
        **kwargs: Base wrapper keyword arguments, such as `name`.

    Call arguments:
        inputs: Input tensor, as for the wrapped layer.
        training: Python boolean: masked kernels at training, the wrapped
            layer unchanged at inference.

    Example:

    >>> lstm = DropConnect(keras.layers.LSTM(8), rate=0.5,
    ...                    kernels="recurrent", seed=0)
    >>> y = lstm(np.ones((2, 5, 3), "float32"), training=True)
    >>> tuple(y.shape)
    (2, 8)

    Reference:
        - [Wan et al., 2013. Regularization of Neural Networks using
          DropConnect](https://proceedings.mlr.press/v28/wan13.html)
        - [Merity et al., 2018. Regularizing and Optimizing LSTM Language
          Models](https://arxiv.org/abs/1708.02182)
    """

    def __init__(self, layer, rate=0.5, kernels="input", seed=None, **kwargs):
        check_rate("rate", rate)
        check_choice("kernels", kernels, tuple(_KERNELS))
        check_seed(seed)
        super().__init__(layer, **kwargs)
        self.rate = rate
        self.kernels = kernels
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = layer.supports_masking

    def build(self, input_shape):
        super().build(input_shape)
        roles = _KERNELS[self.kernels]
        self._targets = [k for k in self.kreg_kernels() if k.role in roles]
        if not self._targets:
            raise ValueError(
                "Invalid value received for argument `layer`. Expected a "
                f"layer with a {self.kernels} kernel that kreg knows. "
                f"Received: layer={self.layer.name} of type "
                f"{type(self.layer).__name__}"
            )

    # The masks are counter-based `kreg.random` draws, which XLA compiles
    # well; read by the suite's compiled loop. (The wrapped layer's own
    # draws, e.g. an LSTM's dropout, are its own.)
    xla_friendly_random = True

    def kreg_kernels(self):
        """The wrapped layer's kernels."""
        return [k for sub in self.layer._flatten_layers(include_self=True)
                for k in layer_kernels(sub)]

    def call(self, inputs, training=None, mask=None):
        kwargs = {} if mask is None else {"mask": mask}
        if not training or self.rate == 0:
            return self.layer(inputs, training=training, **kwargs)
        scale = 1.0 / (1.0 - self.rate)
        substitutes = []
        for target in self._targets:
            variable = target.variable
            mask = kreg_random.keep_mask(tuple(variable.shape), self.rate,
                                         self.seed_generator, dtype=variable.dtype)
            substitutes.append(
                (variable, ops.multiply(ops.multiply(variable, mask), scale))
            )
        return call_with_weights(self.layer, substitutes, inputs,
                                 training=training, **kwargs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        return self.layer.compute_mask(inputs, mask)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # `Wrapper.from_config` pops "layer": work on a copy.
        return super().from_config(dict(config), custom_objects=custom_objects)

    def get_config(self):
        base_config = super().get_config()
        config = {"rate": self.rate, "kernels": self.kernels, "seed": self.seed}
        return {**base_config, **config}
