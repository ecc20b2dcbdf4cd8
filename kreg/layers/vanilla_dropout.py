"""`VanillaDropout`: the original, non-inverted dropout."""

import keras
from keras import ops

from kreg.argument_checks import (
    check_rate,
    check_seed,
    check_shape,
)


@keras.saving.register_keras_serializable(package="kreg")
class VanillaDropout(keras.layers.Layer):
    """Applies the original (non-inverted) dropout to the input.

    At training time each input unit is multiplied by a Bernoulli mask that
    keeps it with probability `p = 1 - rate`, *without* rescaling. At
    inference the activations are multiplied by `p`, so that the inference
    output equals the expected training output, `p * x`. This is the
    dropout of Srivastava et al. (2014) as written in the CS231n notes.

    `keras.layers.Dropout` is the *inverted* variant: it divides the kept
    units by `p` at training time and is the identity at inference. The two
    agree in expectation up to the factor `p`: for both,
    `E[training output] / inference output == 1`. Prefer
    `keras.layers.Dropout` for new models (no work at inference); this
    layer reproduces the original formulation.

    Args:
        rate: Float in `[0, 1)`. Fraction of the input units to drop.
        noise_shape: 1D integer tuple representing the shape of the
            binary dropout mask that will be multiplied with the input.
            For instance, if your inputs have shape
            `(batch_size, timesteps, features)` and
            you want the dropout mask to be the same for all timesteps,
            you can use `noise_shape=(batch_size, 1, features)`; `None`
            entries take the size of the input.
        seed: A Python integer to use as random seed.

    Call arguments:
        inputs: Input tensor (of any rank).
        training: Python boolean indicating whether the layer should behave
            in training mode (masking the inputs) or in inference mode
            (multiplying them by `1 - rate`).

    Example:

    >>> layer = VanillaDropout(0.25, seed=1)
    >>> x = keras.ops.ones((2, 4))
    >>> keras.ops.convert_to_numpy(layer(x, training=False))[0].tolist()
    [0.75, 0.75, 0.75, 0.75]
    >>> y = layer(x, training=True)  # entries are 0 or 1

    Reference:
        - [Srivastava et al., 2014. Dropout: A Simple Way to Prevent Neural
          Networks from Overfitting](
          https://jmlr.org/papers/v15/srivastava14a.html)
        - [CS231n notes, Regularization: Dropout](
          https://cs231n.github.io/neural-networks-2/#reg)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        check_rate("rate", rate)
        check_seed(seed)
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = check_shape("noise_shape", noise_shape)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        keep_prob = 1.0 - self.rate
        if self.rate == 0:
            return inputs
        if not training:
            return ops.multiply(inputs, ops.cast(keep_prob, inputs.dtype))
        noise_shape = self.noise_shape
        if noise_shape is None:
            noise_shape = ops.shape(inputs)
        else:
            input_shape = ops.shape(inputs)
            noise_shape = tuple(
                input_shape[i] if dim is None else dim
                for i, dim in enumerate(noise_shape)
            )
        noise = keras.random.uniform(noise_shape, seed=self.seed_generator)
        keep = ops.cast(ops.less(noise, keep_prob), inputs.dtype)
        return ops.multiply(inputs, keep)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base_config = super().get_config()
        config = {
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }
        return {**base_config, **config}
