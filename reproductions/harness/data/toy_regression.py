"""The toy 1-D regression of Chen's "Dropout vs BatchNorm vs L2" (article 003).

The article's formula was an image that did not survive; its text keeps the
facts: 200 samples split 100 / 100, Gaussian noise on the targets and a
degree-4 polynomial basis `[x, x^2, x^3, x^4]` as the network input. This
module defines its own target in that spirit and documents it:

    x ~ Uniform(-2, 2),    y = sin(2 x) + x / 2 + eps,    eps ~ N(0, noise^2)

with `noise = 0.3` by default. The noise-feature variant appends one extra
input column drawn from N(0, 1), independent of everything else.
"""

import dataclasses

import numpy as np


def true_function(x):
    """The noise-free target, `sin(2 x) + x / 2`."""
    return np.sin(2.0 * x) + 0.5 * x


@dataclasses.dataclass
class ToyRegression:
    """Train and test halves; `features_*` are the network inputs."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    features_train: np.ndarray
    features_test: np.ndarray
    noise_feature: bool

    def features(self, x, seed=None):
        """Network inputs for arbitrary `x` (e.g. a plotting grid). The noise
        column, if any, is drawn afresh from N(0, 1) with `seed`."""
        return polynomial_features(x, self.noise_feature, np.random.default_rng(seed))

    def mean_features(self, x):
        """Network inputs for `x` with the noise column, if any, at its mean,
        0: what a model gives for them is its learned function of `x`."""
        features = self.features(x, seed=0)
        if self.noise_feature:
            features[:, -1] = 0.0
        return features


def polynomial_features(x, noise_feature, rng):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    columns = [x ** k for k in range(1, 5)]
    if noise_feature:
        columns.append(rng.standard_normal(len(x)))
    return np.stack(columns, axis=1).astype(np.float32)


def make_toy_regression(seed=0, num_samples=200, noise=0.3, noise_feature=False):
    """200 samples, the first half (in random order) for training.

    The same `seed` gives the same `x`, `y` and split with or without the
    noise feature, so the two variants differ only by that column.
    """
    if num_samples < 2 or num_samples % 2:
        raise ValueError(
            "Invalid value received for argument `num_samples`. Expected an "
            f"even integer >= 2. Received: num_samples={num_samples}"
        )
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, num_samples)
    y = true_function(x) + noise * rng.standard_normal(num_samples)
    noise_rng = np.random.default_rng([seed, 1])
    features = polynomial_features(x, noise_feature, noise_rng)
    half = num_samples // 2
    y = y.astype(np.float32).reshape(-1, 1)
    return ToyRegression(
        x_train=x[:half], y_train=y[:half], x_test=x[half:], y_test=y[half:],
        features_train=features[:half], features_test=features[half:],
        noise_feature=noise_feature,
    )
