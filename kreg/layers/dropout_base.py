"""What vanilla and inverted dropout share: arguments and the keep mask."""

import keras
from keras import ops

from kreg import random as kreg_random
from kreg.argument_checks import check_rate, check_seed, check_shape


class DropoutBase(keras.layers.Layer):
    """Base of `InvertedDropout` and `VanillaDropout`: one mask, two scalings.

    The mask comes from `kreg.random.keep_mask`, one piece of code for every
    mask of kreg: every entry of every example is kept independently with
    probability `1 - rate`, afresh on every call. A rate that is a multiple
    of 1/65536 (0.5, 0.25, 0.125, 0.375, ...) is drawn exactly from packed
    random bits (one bit an entry at rate 0.5, far cheaper than one float);
    any other rate (0.1, 0.2, ...) from one 32-bit word an entry, within
    1.2e-10 of the rate (`kreg.random.drawn_rate`). Either way the draw is a
    counter-based hash that XLA fuses, cheap inside a compiled train step.
    """

    # Every draw is a counter-based `kreg.random` draw, which XLA compiles
    # well (unlike `keras.random` on a CPU); read by the suite's compiled loop.
    xla_friendly_random = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        check_rate("rate", rate, include_one=True)
        check_seed(seed)
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = check_shape("noise_shape", noise_shape)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        # No weights: built from the start, as `keras.layers.Dropout`,
        # unless a subclass brings a `build` of its own.
        if type(self).build is keras.layers.Layer.build:
            self.built = True

    def keep_mask(self, inputs):
        """A 0/1 mask for `inputs` (shape `noise_shape`, `None` entries
        taking the input's size), in the inputs' dtype; all zeros at
        `rate=1` (every entry dropped, nothing drawn)."""
        shape = ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(
                shape[i] if dim is None else dim
                for i, dim in enumerate(self.noise_shape)
            )
        if self.rate == 1:
            return ops.zeros(shape, dtype=inputs.dtype)
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
