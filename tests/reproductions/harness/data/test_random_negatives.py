"""`harness.data.random_negatives`: shuffled digits as an extra class."""

import numpy as np

from harness.data.random_negatives import shuffled_pixels, with_negatives


def test_shuffled_pictures_keep_their_ink_not_their_order():
    x = np.random.default_rng(0).random((3, 784)).astype("float32")
    shuffled = shuffled_pixels(x, 1)
    np.testing.assert_array_equal(np.sort(shuffled, axis=1), np.sort(x, axis=1))
    assert not np.array_equal(shuffled, x)
    np.testing.assert_array_equal(shuffled, shuffled_pixels(x, 1))  # same seed


def test_negatives_are_an_extra_class():
    x = np.ones((20, 784), "float32")
    y = np.eye(10, dtype="float32")[np.arange(20) % 10]
    x2, y2 = with_negatives(x, y, 0, share=0.1)
    assert x2.shape == (22, 784) and y2.shape == (22, 11)
    np.testing.assert_array_equal(y2[:20, :10], y)
    assert (y2[20:, 10] == 1).all() and (y2[:20, 10] == 0).all()
