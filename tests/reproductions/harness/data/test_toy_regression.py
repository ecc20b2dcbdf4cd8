"""`harness.data.toy_regression`: the toy 1-D regression's data."""

import numpy as np

from harness.data.toy_regression import make_toy_regression


def test_mean_features_hold_the_noise_input_at_zero():
    grid = np.linspace(-2, 2, 7)
    noisy = make_toy_regression(seed=0, noise_feature=True)
    features = noisy.mean_features(grid)
    np.testing.assert_array_equal(features[:, -1], 0.0)
    np.testing.assert_array_equal(features[:, :4], noisy.features(grid)[:, :4])
    np.testing.assert_allclose(features[:, 1], grid ** 2, rtol=1e-6)
    plain = make_toy_regression(seed=0)
    np.testing.assert_array_equal(plain.mean_features(grid), plain.features(grid))
