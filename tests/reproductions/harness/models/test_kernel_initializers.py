"""`harness.models.kernel_initializers`: Keras's default kernels, seeded
from a run's seed alone."""

import random

import keras
import numpy as np

from harness.models.kernel_initializers import glorot_kernels

SHAPES = [(5, 5, 1, 6), (120, 84), (84, 10)]


def test_the_kernels_keras_defaults_draw_after_set_random_seed():
    keras.utils.set_random_seed(11)
    defaults = [keras.initializers.get("glorot_uniform")(shape) for shape in SHAPES]
    random.random()  # a draw from the global random changes nothing here
    seeded = [init(shape) for init, shape in zip(glorot_kernels(11, 3), SHAPES)]
    for default, ours in zip(defaults, seeded):
        np.testing.assert_array_equal(ours, default)
    # The global random, drawn from again, now gives other kernels.
    assert not np.array_equal(keras.initializers.get("glorot_uniform")(SHAPES[0]),
                              seeded[0])


def test_seeds_differ_between_kernels_and_runs():
    first, second = glorot_kernels(0, 2)
    assert first.seed != second.seed
    assert [i.seed for i in glorot_kernels(0, 2)] == [first.seed, second.seed]
    assert glorot_kernels(1, 1)[0].seed != first.seed
    # Glorot's limit, sqrt(6 / (fan_in + fan_out)), whatever the seed.
    kernel = keras.ops.convert_to_numpy(first((120, 84)))
    assert np.abs(kernel).max() <= np.sqrt(6 / (120 + 84))
