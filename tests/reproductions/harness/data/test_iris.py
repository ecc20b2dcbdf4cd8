import numpy as np
import pytest

from harness.data.iris import load_iris


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
