"""`DropConnect`: DropConnect on the kernel(s) of any Keras layer."""

import keras
from keras import ops

from kreg import random as kreg_random
from kreg.argument_checks import check_bool, check_choice, check_rate, check_seed
from kreg.kernels import INPUT_ROLES, RECURRENT_KERNEL, model_kernels
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
    `kreg.layers.DropConnectDense` (its `sampling="gaussian"` gives them at
    the price of a Dense layer); a generic wrapper cannot draw a kernel per
    example without materializing batch-many kernels.

    With `variational=True` (AWD-LSTM's `WeightDrop(variational=True)`) the
    mask keeps or drops whole output units instead of single weights: one
    Bernoulli draw per output unit of each masked kernel, shared by all of
    that unit's incoming weights, the kept units' weights divided by
    `1 - rate`. AWD-LSTM draws a mask of shape `(rows, 1)` for PyTorch's
    weight of shape `(out, in)` (`weight_hh` of an LSTM is
    `(4 * hidden, hidden)`: one draw per row, i.e. per gate pre-activation).
    Keras stores kernels transposed, `(in, out)` (an LSTM's
    `recurrent_kernel` is `(units, 4 * units)`, gates in the same order
    i, f, c, o), so a PyTorch row is a Keras column: the mask has shape
    `(1, 4 * units)`, broadcast over the rows. In general the mask has the
    kernel's size along its unit axes (`kreg.kernels`: the last axis of a
    dense, convolution or recurrent kernel) and 1 along the others. Unlike
    AWD-LSTM, whose variational mask is drawn in evaluation mode too, the
    layer is the wrapped layer unchanged at inference, as without
    `variational`.

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
        variational: Boolean (default `False`: each weight its own draw).
            If `True`, one draw per output unit of each kernel, see above.
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

    def __init__(self, layer, rate=0.5, kernels="input", seed=None,
                 variational=False, **kwargs):
        check_rate("rate", rate)
        check_choice("kernels", kernels, tuple(_KERNELS))
        check_seed(seed)
        check_bool("variational", variational)
        super().__init__(layer, **kwargs)
        self.rate = rate
        self.kernels = kernels
        self.variational = variational
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
        return model_kernels(self.layer)

    def call(self, inputs, training=None, mask=None):
        kwargs = {} if mask is None else {"mask": mask}
        if not training or self.rate == 0:
            return self.layer(inputs, training=training, **kwargs)
        scale = 1.0 / (1.0 - self.rate)
        substitutes = []
        for target in self._targets:
            variable = target.variable
            # `keep`, not `mask`: that is the call's Keras mask.
            keep = kreg_random.keep_mask(self._mask_shape(target), self.rate,
                                         self.seed_generator, dtype=variable.dtype)
            substitutes.append(
                (variable, ops.multiply(ops.multiply(variable, keep), scale))
            )
        return call_with_weights(self.layer, substitutes, inputs,
                                 training=training, **kwargs)

    def _mask_shape(self, target):
        """The kernel's shape, or with `variational` its size along the unit
        axes and 1 along the others (one draw per output unit)."""
        shape = tuple(target.variable.shape)
        if not self.variational:
            return shape
        return tuple(size if axis in target.unit_axes else 1
                     for axis, size in enumerate(shape))

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
        config = {"rate": self.rate, "kernels": self.kernels, "seed": self.seed,
                  "variational": self.variational}
        return {**base_config, **config}
