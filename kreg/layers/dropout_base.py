"""What vanilla and inverted dropout share: arguments and the keep mask."""

import keras
from keras import ops

from kreg import random as kreg_random
from kreg.argument_checks import check_rate, check_seed, check_shape


class DropoutBase(keras.layers.Layer):
    """Base of `InvertedDropout` and `VanillaDropout`: one mask, two scalings.

    The mask comes from `kreg.random.keep_mask`: for a rate that is a
    multiple of 1/256 (0.5, 0.25, 0.125, 0.2 is not) it is drawn exactly from
    packed random bits, far cheaper than one float per entry and fast inside
    XLA; any other rate is drawn with `keras.random.uniform`, as
    `keras.layers.Dropout` does. Either way every entry of every example is
    kept independently with probability `1 - rate`, afresh on every call.
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

    @property
    def xla_friendly_random(self):
        """Whether every draw is a counter-based `kreg.random` draw (cheap
        under XLA), rather than a `keras.random` kernel (slow under XLA on a
        CPU)."""
        return kreg_random.is_packed_rate(self.rate)

    def keep_mask(self, inputs):
        """A 0/1 mask for `inputs` (shape `noise_shape`, `None` entries
        taking the input's size), in the inputs' dtype."""
        shape = ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(
                shape[i] if dim is None else dim
                for i, dim in enumerate(self.noise_shape)
            )
        return kreg_random.keep_mask(
            shape, self.rate, self.seed_generator, dtype=inputs.dtype
        )

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
