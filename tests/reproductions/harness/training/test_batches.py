import numpy as np
import pytest

from harness.training import epoch_batch_indices


def test_each_epoch_is_a_permutation():
    idx = epoch_batch_indices(10, 3, 10, seed=0)  # 30 indices = 3 epochs
    assert idx.shape == (10, 3) and idx.dtype == np.int32
    flat = idx.reshape(-1)
    for epoch in range(3):
        np.testing.assert_array_equal(np.sort(flat[10 * epoch:10 * epoch + 10]),
                                      np.arange(10))
    # Reshuffled: the epochs are not all in the same order.
    assert not np.array_equal(flat[:10], flat[10:20])


def test_batch_straddles_epoch_end():
    idx = epoch_batch_indices(5, 2, 5, seed=1).reshape(-1)
    np.testing.assert_array_equal(np.sort(idx[:5]), np.arange(5))
    np.testing.assert_array_equal(np.sort(idx[5:10]), np.arange(5))


def test_seeded():
    a = epoch_batch_indices(100, 8, 50, seed=3)
    np.testing.assert_array_equal(a, epoch_batch_indices(100, 8, 50, seed=3))
    assert not np.array_equal(a, epoch_batch_indices(100, 8, 50, seed=4))


@pytest.mark.parametrize("name", ["num_examples", "batch_size", "steps"])
def test_rejects_non_positive(name):
    kwargs = {"num_examples": 10, "batch_size": 2, "steps": 3, name: 0}
    with pytest.raises(ValueError, match=f"argument `{name}`.*Received: {name}=0"):
        epoch_batch_indices(seed=0, **kwargs)
