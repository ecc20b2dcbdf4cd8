"""`InvertedDropout`: Keras's dropout, drawn from cheap exact random bits."""

import keras
from keras import ops

from kreg.layers.dropout_base import DropoutBase


@keras.saving.register_keras_serializable(package="kreg")
class InvertedDropout(DropoutBase):
    """Applies inverted dropout: a drop-in for `keras.layers.Dropout`.

    At training time each input entry is kept with probability
    `p = 1 - rate` and divided by `p`, so that its expectation is the input;
    at inference the layer is the identity. This is exactly what
    `keras.layers.Dropout` computes; the difference is how the mask is drawn:
    from a counter-based hash (`kreg.random.keep_mask`), with no
    random-number kernel, so that a model using it can be compiled with XLA
    on a CPU, where XLA's own random numbers are slow. A rate that is a
    multiple of 1/65536 (0.5, 0.25, 0.125, 0.375, ...) is drawn exactly,
    `P(keep) = 1 - rate`, from packed bits (one random bit per entry at rate
    0.5 instead of one 32-bit float); any other rate (0.1, 0.2, ...) from one
    32-bit word per entry, within 1.2e-10 of the rate
    (`kreg.random.drawn_rate`; Keras's float32 uniform is within ~6e-8).
    A fresh, independent mask is drawn for every example on every call.

    Its arguments, their checks and error messages, its configuration and
    its behaviour are those of `keras.layers.Dropout` (tests/kreg/migration/
    test_keras_dropout.py encodes every check of Keras's own Dropout tests):
    `rate=1` drops everything (zeros at training), and the layer, which has
    no weights, is built as soon as it is created.

    Args:
        rate: Float between 0 and 1. Fraction of the input units to drop.
        noise_shape: 1D integer tuple or list, the shape of the binary mask
            that multiplies the input (`None` entries take the input's
            size), e.g. `(batch_size, 1, features)` to share a mask across
            time steps.
        seed: A Python integer to use as random seed.

    Call arguments:
        inputs: Input tensor (of any rank).
        training: Python boolean indicating whether the layer should behave
            in training mode (dropping and rescaling) or in inference mode
            (the identity).

    Example:

    >>> layer = InvertedDropout(0.5, seed=1)
    >>> y = layer(keras.ops.ones((2, 4)), training=True)  # entries 0 or 2
    >>> keras.ops.convert_to_numpy(layer(keras.ops.ones((1, 3)))).tolist()
    [[1.0, 1.0, 1.0]]
    >>> everything = InvertedDropout(1.0)
    >>> keras.ops.convert_to_numpy(
    ...     everything(keras.ops.ones((1, 3)), training=True)).tolist()
    [[0.0, 0.0, 0.0]]

    Reference:
        - [Srivastava et al., 2014. Dropout: A Simple Way to Prevent Neural
          Networks from Overfitting](
          https://jmlr.org/papers/v15/srivastava14a.html)
    """

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        outputs = ops.multiply(inputs, self.keep_mask(inputs))
        if self.rate == 1:
            return outputs  # every entry dropped: zeros, as Keras's Dropout
        scale = ops.cast(1.0 / (1.0 - self.rate), inputs.dtype)
        return ops.multiply(outputs, scale)
