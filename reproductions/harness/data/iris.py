"""Fisher's iris flowers, as scikit-learn bundles them (offline)."""

import numpy as np

from harness.data.splits import Splits, one_hot

# The test fractions a stratified split of the 150 flowers can honour: each
# set holds at least one flower of each of the 3 species (3 flowers at 2 %,
# 3 left for training at 98 %).
TEST_FRACTIONS = (0.02, 0.98)


def load_iris(test_fraction=0.2, seed=0):
    """The 150 iris flowers split into training and test sets.

    The split is stratified (10 test flowers per species at the default
    20 %) with a fixed seed. Features are the four raw measurements in cm,
    float32, not standardized (as the TensorFlow iris examples fed them);
    labels are one-hot over the 3 species. There is no validation set: its
    arrays are empty.

    Args:
        test_fraction: float in `TEST_FRACTIONS` (both ends included), the
            share of flowers held out.
        seed: the seed of the split.

    Returns:
        A `harness.data.Splits`.
    """
    # scikit-learn is imported here, not with the module: a script's command
    # line reads `TEST_FRACTIONS` before it loads anything heavy.
    from sklearn.datasets import load_iris as _sklearn_iris
    from sklearn.model_selection import train_test_split

    low, high = TEST_FRACTIONS
    if not low <= test_fraction <= high:
        raise ValueError(
            "Invalid value received for argument `test_fraction`. Expected a "
            f"float in [{low:g}, {high:g}], which leaves every species in both "
            f"sets. Received: test_fraction={test_fraction}"
        )
    iris = _sklearn_iris()
    x = iris.data.astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(
        x, iris.target, test_size=test_fraction, stratify=iris.target,
        random_state=seed,
    )
    return Splits(
        x_train=x_train,
        y_train=one_hot(y_train, 3),
        x_val=np.zeros((0, 4), np.float32),
        y_val=np.zeros((0, 3), np.float32),
        x_test=x_test,
        y_test=one_hot(y_test, 3),
        source="sklearn-iris",
        description=(
            "scikit-learn's bundled iris (150 flowers, 4 raw features), "
            f"stratified {1 - test_fraction:.0%} / {test_fraction:.0%} split "
            f"with seed {seed}"
        ),
    )
