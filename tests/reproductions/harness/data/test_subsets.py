import numpy as np
import pytest

from harness.data.splits import Splits
from harness.data.subsets import (
    capped_with_small_set,
    cut_training_set,
    stratified_subset,
)


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


def test_training_set_cut_in_place_said_in_the_description():
    labels = np.repeat(np.arange(2), [30, 10])
    data = Splits(np.arange(40.0)[:, None], np.eye(2)[labels], np.zeros((5, 1)),
                  np.zeros((5, 2)), np.zeros((7, 1)), np.zeros((7, 2)), "sample",
                  "a sample")
    assert cut_training_set(data, 8, seed=0) is data
    np.testing.assert_array_equal(data.y_train.sum(axis=0), [6, 2])
    assert data.sizes == {"train": 8, "validation": 5, "test": 7}
    assert data.description == ("a sample; training set cut to 8 digits "
                                "(class-balanced, seed 0)")
    same = stratified_subset(np.arange(40.0)[:, None], labels, 8, seed=0)[0]
    np.testing.assert_array_equal(data.x_train, same)
    # No smaller: whole, and nothing said.
    assert cut_training_set(data, 8, seed=1).description.count("cut") == 1
    assert len(data.x_train) == 8


def test_capped_with_small_set_draws_the_small_set_from_the_capped_one():
    labels = np.repeat(np.arange(2), [60, 40])
    x = np.arange(100)[:, None]

    def load():
        return Splits(x, np.eye(2)[labels], x[:5], labels[:5], x[:5], labels[:5],
                      "toy", "toy")

    data, (x_small, y_small) = capped_with_small_set(load(), 50, 10, seed=3)
    assert len(data.x_train) == 50 and data.y_train.sum(axis=0).tolist() == [30, 20]
    assert y_small.sum(axis=0).tolist() == [6, 4]
    assert set(x_small[:, 0]) <= set(data.x_train[:, 0])
    again, (x_again, _) = capped_with_small_set(load(), 50, 10, seed=3)
    np.testing.assert_array_equal(again.x_train, data.x_train)
    np.testing.assert_array_equal(x_again, x_small)
    whole, (x_whole_small, _) = capped_with_small_set(load(), None, 10, seed=3)
    assert len(whole.x_train) == 100 and len(x_whole_small) == 10
    assert not np.array_equal(x_whole_small, x_small)  # drawn from all 100 rows
