import numpy as np
import pytest

from harness.data.subsets import stratified_subset


def test_subset_keeps_class_shares_and_order():
    labels = np.repeat(np.arange(3), [50, 30, 20])
    x = np.arange(100)[:, None]
    y = np.eye(3)[labels]
    xs, ys = stratified_subset(x, y, 10, seed=0)
    np.testing.assert_array_equal(ys.sum(axis=0), [5, 3, 2])
    assert np.all(np.diff(xs[:, 0]) > 0)
    xs2, _ = stratified_subset(x, labels, 10, seed=0)
    np.testing.assert_array_equal(xs, xs2)


def test_whole_set_when_size_is_large_and_bad_size():
    x, y = np.zeros((5, 2)), np.arange(5)
    assert stratified_subset(x, y, 9, seed=0)[0] is x
    with pytest.raises(ValueError, match="positive"):
        stratified_subset(x, y, 0, seed=0)
