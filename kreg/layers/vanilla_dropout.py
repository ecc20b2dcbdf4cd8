"""`VanillaDropout`: the original, non-inverted dropout."""

import keras
from keras import ops

from kreg.layers.dropout_base import DropoutBase


@keras.saving.register_keras_serializable(package="kreg")
class VanillaDropout(DropoutBase):
    """Applies the original (non-inverted) dropout to the input.

    At training time each input unit is multiplied by a Bernoulli mask that
    keeps it with probability `p = 1 - rate`, *without* rescaling. At
    inference the activations are multiplied by `p`, so that the inference
    output equals the expected training output, `p * x`. This is the
    dropout of Srivastava et al. (2014) as written in the CS231n notes.

    Where it differs from `keras.layers.Dropout` (and
    `kreg.layers.InvertedDropout`), which is the *inverted* variant: that
    layer divides the kept units by `p` at training time and is the
    identity at inference; this one does not rescale at training and
    multiplies by `p` at inference, so it is *not* a drop-in replacement:
    a model trained with one and evaluated with the other is off by the
    factor `p`. The two agree in the ratio: for both,
    `E[training output] / inference output == 1`. Its arguments, their
    checks and messages, and `rate=1` (zeros at training *and* at
    inference, since `p = 0`) are those of `keras.layers.Dropout`. Prefer
    `keras.layers.Dropout` for new models (no work at inference); this
    layer reproduces the original formulation.

    The mask is that of `InvertedDropout` (see `kreg.layers.DropoutBase`):
    drawn by `kreg.random.keep_mask`, exact for a rate that is a multiple of
    1/65536 and within 1.2e-10 of any other rate.

    Args:
        rate: Float between 0 and 1. Fraction of the input units to drop.
        noise_shape: 1D integer tuple or list representing the shape of the
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

    def call(self, inputs, training=None):
        if self.rate == 0:
            return inputs
        if not training:
            return ops.multiply(inputs, ops.cast(1.0 - self.rate, inputs.dtype))
        return ops.multiply(inputs, self.keep_mask(inputs))
