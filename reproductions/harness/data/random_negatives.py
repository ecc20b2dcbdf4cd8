"""Random negatives for a digit classifier: pictures that are no digit, as
an extra class. Each is a digit with its pixels shuffled (one permutation
per picture): the same ink, no shape."""

import numpy as np


def shuffled_pixels(x, seed):
    """Copies of the flattened pictures `x` (one per row), each with its
    pixels in a random order of its own, drawn from `seed`."""
    rng = np.random.default_rng(seed)
    return np.stack([row[rng.permutation(row.size)] for row in np.asarray(x)])


def with_negatives(x, y, seed, share=0.1):
    """`(x, y)` with `share * len(x)` shuffled pictures of `x` appended as
    an extra class (one-hot labels grow one column, the negatives' class
    last)."""
    count = max(1, round(share * len(x)))
    negatives = shuffled_pixels(x[:count], seed)
    y = np.asarray(y)
    labels = np.zeros((len(y) + count, y.shape[1] + 1), dtype=y.dtype)
    labels[:len(y), :-1] = y
    labels[len(y):, -1] = 1
    return np.concatenate([x, negatives]).astype(np.asarray(x).dtype), labels
