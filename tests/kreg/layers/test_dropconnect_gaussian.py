"""`DropConnectDense(sampling="gaussian")`: each example's pre-activation drawn
from the Gaussian with the mean and variance of real per-example masks."""

import math

import keras
import numpy as np
import pytest

from kreg.layers import DropConnectDense

N = 20_000  # examples, each its own draw


def outputs(sampling, rate, x_row, drop_bias=False):
    keras.utils.set_random_seed(0)
    layer = DropConnectDense(5, rate=rate, sampling=sampling, drop_bias=drop_bias,
                             bias_initializer="ones", seed=3)
    layer.build((None, x_row.shape[-1]))
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    x = np.repeat(x_row[None], N, axis=0)
    return keras.ops.convert_to_numpy(layer(x, training=True)), kernel


@pytest.mark.parametrize("rate, drop_bias", [(0.5, False), (0.25, True)])
def test_mean_and_variance_match_per_example_masks(rate, drop_bias):
    x_row = np.random.default_rng(1).normal(size=12).astype("float32")
    real, kernel = outputs("per_example", rate, x_row, drop_bias)
    fast, _ = outputs("gaussian", rate, x_row, drop_bias)
    mean = x_row @ kernel + 1.0
    variance = rate / (1 - rate) * ((x_row ** 2) @ (kernel ** 2)
                                    + (1.0 if drop_bias else 0.0))
    for sample in (real, fast):
        # Standard errors of a mean and of a variance from N draws (the
        # variance's with the sample's own fourth moment).
        se_mean = np.sqrt(variance / N)
        centred = sample - sample.mean(axis=0)
        se_var = np.sqrt((np.mean(centred ** 4, axis=0) - variance ** 2) / N)
        assert np.all(np.abs(sample.mean(axis=0) - mean) < 5 * se_mean)
        assert np.all(np.abs(sample.var(axis=0) - variance) < 5 * se_var)
    # The real masks' sums and the Gaussian agree with each other too.
    assert np.all(np.abs(real.mean(axis=0) - fast.mean(axis=0))
                  < 5 * math.sqrt(2) * np.sqrt(variance / N))


def test_gaussian_mode_examples_are_independent_and_inference_exact():
    layer = DropConnectDense(4, rate=0.5, sampling="gaussian", seed=0)
    x = np.ones((2000, 6), "float32")
    out = keras.ops.convert_to_numpy(layer(x, training=True))
    assert abs(np.corrcoef(out[:-1, 0], out[1:, 0])[0, 1]) < 5 / math.sqrt(2000)
    second = keras.ops.convert_to_numpy(layer(x, training=True))
    assert not np.array_equal(out, second)
    dense = x @ keras.ops.convert_to_numpy(layer.kernel)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), dense,
                               rtol=1e-5, atol=1e-6)
    assert layer.xla_friendly_random


def test_gaussian_mode_round_trips(keras_roundtrip):
    model = keras.Sequential([keras.Input((6,)), DropConnectDense(
        3, rate=0.3, sampling="gaussian", seed=1)])
    loaded = keras_roundtrip(model)
    assert loaded.layers[0].get_config()["sampling"] == "gaussian"


def test_gaussian_mode_gradient_finite_at_zero_variance():
    """An all-zero input row (e.g. after a ReLU) has zero variance: the
    gradient stays finite and the step changes only what it should."""
    model = keras.Sequential([keras.Input((4,)), DropConnectDense(
        3, rate=0.5, sampling="gaussian", seed=0)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.zeros((4, 4), "float32")
    x[0] = 1.0
    before = keras.ops.convert_to_numpy(model.layers[0].kernel).copy()
    model.fit(x, np.ones((4, 3)), verbose=0, epochs=1, batch_size=4)
    after = keras.ops.convert_to_numpy(model.layers[0].kernel)
    assert np.all(np.isfinite(after))
    assert np.abs(after - before).max() > 0


def test_gaussian_mode_under_mixed_precision_trains(mixed_precision):
    model = keras.Sequential([keras.Input((6,)), DropConnectDense(
        4, rate=0.5, sampling="gaussian", activation="relu", seed=0),
        keras.layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")
    model.fit(x, np.zeros((32, 1)), verbose=0, epochs=2)
    out = model.layers[0](x, training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(out)))
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(model.layers[0].kernel)))
