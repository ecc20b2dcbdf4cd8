"""`harness.models.digit_augmentation`: the article's shifts, rotations and
zooms of a digit."""

import numpy as np

from harness.models.digit_augmentation import augmented_draws, digit_augmentation


def digits(n=3):
    x = np.zeros((n, 28, 28), "float32")
    x[:, 10:18, 12:16] = 1.0  # a bar in the middle of a black image
    return x.reshape(n, 784)


def test_only_the_amounts_asked_for_become_layers():
    assert [layer.name for layer in digit_augmentation(0.1, 10, 0.1, seed=0)] == [
        "translate", "rotate", "zoom"]
    assert [layer.name for layer in digit_augmentation(0.1, 0, 0, seed=0)] == ["translate"]
    assert digit_augmentation(0, 0, 0, seed=0) == []


def test_draws_move_the_digit_and_keep_a_black_background():
    x = digits()
    draws = augmented_draws(x, digit_augmentation(0.1, 10, 0.1, seed=0), seed=0)
    assert draws.shape == (3, 5, 28, 28)
    np.testing.assert_array_equal(draws[:, 0], x.reshape(3, 28, 28))
    assert all(not np.allclose(draws[:, 0], draws[:, j]) for j in range(1, 5))
    # The corners stay black (filled with 0, not reflected ink).
    assert np.all(draws[:, :, 0, 0] == 0) and np.all(draws[:, :, -1, -1] == 0)
    # The same seed, the same draws; without layers, the originals again.
    again = augmented_draws(x, digit_augmentation(0.1, 10, 0.1, seed=0), seed=0)
    np.testing.assert_array_equal(draws, again)
    plain = augmented_draws(x, [], seed=0, versions=2)
    np.testing.assert_array_equal(plain[:, 1], plain[:, 0])
