import numpy as np
import pytest

from harness.data.iris import TEST_FRACTIONS, load_iris


def test_stratified_split_of_the_bundled_iris():
    data = load_iris(0.2, seed=3)
    assert data.sizes == {"train": 120, "validation": 0, "test": 30}
    np.testing.assert_array_equal(data.y_test.sum(axis=0), [10, 10, 10])
    assert data.x_train.dtype == np.float32 and data.x_train.shape[1] == 4
    assert data.x_train.min() > 0  # raw measurements in cm
    again = load_iris(0.2, seed=3)
    np.testing.assert_array_equal(again.x_test, data.x_test)
    assert not np.array_equal(load_iris(0.2, seed=4).x_test, data.x_test)


def test_rejects_bad_fraction():
    with pytest.raises(ValueError, match="test_fraction"):
        load_iris(1.0)
    with pytest.raises(ValueError, match="every species"):
        load_iris(1e-6)  # 0 flowers to test: no stratified split


def test_ends_of_the_allowed_fractions_split_every_species():
    for fraction, tested in zip(TEST_FRACTIONS, (3, 147)):
        data = load_iris(fraction)
        assert data.sizes["test"] == tested
        np.testing.assert_array_equal(data.y_test.sum(axis=0) > 0, True)
        np.testing.assert_array_equal(data.y_train.sum(axis=0) > 0, True)
