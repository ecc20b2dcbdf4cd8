"""A smaller, class-balanced part of a labelled set (or of a training set)."""

import numpy as np


def stratified_subset(x, y, size, seed):
    """Returns `(x, y)` restricted to `size` rows drawn class by class.

    Each class keeps its share of `size` (rounded, largest remainders
    first), rows drawn without replacement with a fixed seed and kept in
    their original order. With `size >= len(x)` the arrays come back whole.

    Args:
        x: inputs, an array with one row per example.
        y: one-hot or integer labels.
        size: positive integer, the number of rows wanted.
        seed: the seed of the draw.
    """
    x, y = np.asarray(x), np.asarray(y)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(
            "Invalid value received for argument `size`. Expected a positive "
            f"integer. Received: size={size!r}"
        )
    if size >= len(x):
        return x, y
    labels = y.argmax(axis=-1) if y.ndim == 2 else y
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * size / len(labels)
    quota = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - quota), kind="stable")[: size - quota.sum()]:
        quota[i] += 1
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(labels == c), q, replace=False)
              for c, q in zip(classes, quota)]
    rows = np.sort(np.concatenate(chosen))
    return x[rows], y[rows]


def cut_training_set(data, size, seed):
    """`data`'s training set cut to `size` digits class by class, in place.

    Args:
        data: a `harness.data.Splits`; its validation and test sets stay
            whole, its description says what was cut.
        size: positive integer; at least the training set's size: no cut.
        seed: the seed of the draw (`stratified_subset`).

    Returns:
        `data`.
    """
    if size < len(data.x_train):
        data.x_train, data.y_train = stratified_subset(
            data.x_train, data.y_train, size, seed=seed)
        data.description += (f"; training set cut to {size:,} digits "
                             f"(class-balanced, seed {seed})")
    return data


def capped_with_small_set(data, limit, small_size, seed):
    """`(data, (x_small, y_small))`: `data` (a `harness.data.Splits`) with
    its training set cut to `limit` rows (`None`: whole; `cut_training_set`),
    and a small training set of `small_size` of those rows, each drawn class
    by class with `seed` (`stratified_subset`): the same rows in every
    process."""
    if limit:
        cut_training_set(data, limit, seed)
    return data, stratified_subset(data.x_train, data.y_train, small_size, seed=seed)
