"""`harness.analysis.pruning_masks`: magnitude against random pruning."""

import keras
import numpy as np

from harness.analysis.pruning_masks import kernels, pruned_accuracies, random_mask


def test_random_mask_prunes_as_many_as_the_magnitude_mask():
    mask = random_mask((10, 7), 0.3, np.random.default_rng(0))
    assert mask.shape == (10, 7) and int((mask == 0).sum()) == 21


def test_magnitude_pruning_keeps_what_matters_and_restores_the_weights():
    # One large weight carries the class, many small ones are noise: the
    # magnitude mask keeps the large one, a random mask often drops it.
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(2, use_bias=False)])
    kernel = np.full((20, 2), 0.001, "float32")
    kernel[0] = [5.0, -5.0]
    model.layers[0].kernel.assign(kernel)
    x = np.zeros((200, 20), "float32")
    x[:, 0] = np.where(np.arange(200) % 2, 1.0, -1.0)
    y = np.eye(2)[(np.arange(200) % 2 == 0).astype(int)]
    found = [pruned_accuracies(model, x, y, 0.9, seed) for seed in range(5)]
    assert all(f["magnitude"] == 1.0 for f in found)
    assert min(f["random"] for f in found) < 1.0
    np.testing.assert_array_equal(kernels(model)[0].numpy(), kernel)
