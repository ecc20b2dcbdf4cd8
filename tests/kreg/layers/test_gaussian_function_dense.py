"""Tests for `kreg.layers.gaussian_function_dense`: article 000's
Gaussian-function weights."""

import keras
import numpy as np
import pytest
from keras import ops

from kreg.layers import GaussianFunctionDense
from tests.kreg.layers.gaussian_layer_checks import (
    check_penalties_and_constraints_on_mean_and_bias,
)
from tests.kreg.layers.keras_layer_checks import run_keras_layer_test

INPUT_DIM = 4
UNITS = 3


def _np(x):
    return ops.convert_to_numpy(x)


def _np_gaussian_function(mu, s_hat, n):
    """The article's weight, written independently in numpy."""
    s = np.exp(s_hat)
    exponent = -(((n - mu) / s) ** 2) / (2 * s**2)
    return np.exp(exponent) / (np.sqrt(2 * np.pi) * s)



def _built_layer(rng, noise_scale=0.5, **kwargs):
    """A gaussian_function layer with known mu, s_hat, noise and bias."""
    layer = GaussianFunctionDense(
        UNITS, noise_scale=noise_scale, seed=1, **kwargs
    )
    layer.build((None, INPUT_DIM))
    shape = (INPUT_DIM, UNITS)
    mu = rng.normal(0.0, 0.3, shape).astype("float32")
    s_hat = rng.normal(0.0, 0.2, shape).astype("float32")
    noise = rng.normal(0.0, 1.0, shape).astype("float32")
    layer.kernel_mean.assign(mu)
    layer.kernel_log_scale.assign(s_hat)
    layer.noise.assign(noise)
    if layer.use_bias:
        layer.bias.assign(rng.normal(0.0, 0.1, (UNITS,)).astype("float32"))
    return layer, mu, s_hat, noise


# --------------------------------------------------------------------------
# Validation.


_INVALID_ARGUMENTS = [
    ({"units": 0}, "`units`.*Received: units=0"),
    ({"units": -2}, "`units`.*Received: units=-2"),
    ({"units": 2.0}, "`units`.*Received: units=2.0"),
    ({"units": True}, "`units`.*Received: units=True"),
    ({"use_bias": 1}, "`use_bias`.*Received: use_bias=1"),
    ({"noise_scale": -0.1}, "`noise_scale`.*Received: noise_scale=-0.1"),
    ({"noise_scale": "a"}, "`noise_scale`.*Received: noise_scale=a"),
    ({"seed": 1.5}, "`seed`.*Received: seed=1.5"),
]


def test_invalid_arguments_raise():
    # One test for all cases: each test pays for a Keras session reset.
    for kwargs, match in _INVALID_ARGUMENTS:
        kwargs = {"units": 3, **kwargs}
        with pytest.raises(ValueError, match=match):
            GaussianFunctionDense(**kwargs)
    # Edge values that are allowed.
    GaussianFunctionDense(1, noise_scale=0)
    # The Bayesian layer's arguments mean nothing here: they do not exist.
    for name, value in (("kl_weight", 0.0), ("inference", "sample"),
                        ("sampling", "weights"), ("prior_stddev", 1.0),
                        ("mode", "gaussian_function")):
        with pytest.raises(ValueError, match=f"Unrecognized keyword.*{name}"):
            GaussianFunctionDense(1, **{name: value})


# --------------------------------------------------------------------------
# The article's layer.


def test_weights_and_default_initializers_gaussian_function():
    layer = GaussianFunctionDense(UNITS, seed=0)
    layer.build((None, 50))
    names = sorted(w.name for w in layer.weights)
    assert names == ["bias", "kernel_log_scale", "kernel_mean", "noise", "step"]
    assert [w.name for w in layer.trainable_weights] == [
        "kernel_mean",
        "kernel_log_scale",
        "bias",
    ]
    assert layer.step.dtype.startswith("int")
    assert int(_np(layer.step)) == 0
    # The article's TruncatedNormal(stddev=0.075) for both mu and s_hat.
    for init in (layer.mean_initializer, layer.scale_initializer):
        assert isinstance(init, keras.initializers.TruncatedNormal)
        assert init.stddev == pytest.approx(0.075)
    mu, s_hat = _np(layer.kernel_mean), _np(layer.kernel_log_scale)
    # Two independent draws, both within 2 stddev (truncation).
    assert not np.allclose(mu, s_hat)
    assert np.abs(mu).max() <= 2 * 0.075 + 1e-6
    assert np.abs(s_hat).max() <= 2 * 0.075 + 1e-6
    np.testing.assert_allclose(
        _np(layer.kernel_scale()), np.exp(s_hat), rtol=1e-6
    )


def test_noise_is_a_seeded_standard_normal_draw():
    a = GaussianFunctionDense(50, seed=7)
    a.build((None, 100))
    b = GaussianFunctionDense(50, seed=7)
    b.build((None, 100))
    c = GaussianFunctionDense(50, seed=8)
    c.build((None, 100))
    noise = _np(a.noise)
    assert not a.noise.trainable
    np.testing.assert_array_equal(noise, _np(b.noise))
    assert not np.allclose(noise, _np(c.noise))
    # 5000 N(0, 1) draws: standard error of the mean is 0.014 and of the
    # standard deviation 0.01, so 0.06 is more than four standard errors.
    assert abs(noise.mean()) < 0.06
    assert abs(noise.std() - 1.0) < 0.06


def test_training_kernel_matches_formula_and_is_positive(rng):
    layer, mu, s_hat, noise = _built_layer(rng, noise_scale=0.7)
    layer.step.assign(5)
    expected = _np_gaussian_function(mu, s_hat, 0.7 * np.roll(noise, 5))
    kernel = _np(layer.effective_kernel(training=True))
    np.testing.assert_allclose(kernel, expected, rtol=1e-5, atol=1e-6)
    assert np.all(kernel > 0)
    # The quirk: S appears twice, i.e. exp(-(n - mu)^2 / (2 S^4)).
    s = np.exp(s_hat)
    n = 0.7 * np.roll(noise, 5)
    quirk = np.exp(-((n - mu) ** 2) / (2 * s**4)) / (np.sqrt(2 * np.pi) * s)
    np.testing.assert_allclose(kernel, quirk, rtol=1e-5, atol=1e-6)
    # ...which differs from the textbook density exp(-(n-mu)^2 / (2 S^2)).
    textbook = np.exp(-((n - mu) ** 2) / (2 * s**2)) / (np.sqrt(2 * np.pi) * s)
    assert not np.allclose(kernel, textbook, rtol=1e-3)
    # effective_kernel does not advance the step counter.
    assert int(_np(layer.step)) == 5


def test_training_call_uses_current_step_then_increments(rng):
    layer, mu, s_hat, noise = _built_layer(rng)
    bias = _np(layer.bias)
    x = rng.normal(size=(6, INPUT_DIM)).astype("float32")
    layer.step.assign(7)
    y = _np(layer(x, training=True))
    w = _np_gaussian_function(mu, s_hat, 0.5 * np.roll(noise, 7))
    np.testing.assert_allclose(y, x @ w + bias, rtol=1e-5, atol=1e-5)
    assert int(_np(layer.step)) == 8
    # Not the kernel of the neighbouring steps.
    w6 = _np_gaussian_function(mu, s_hat, 0.5 * np.roll(noise, 6))
    w8 = _np_gaussian_function(mu, s_hat, 0.5 * np.roll(noise, 8))
    assert not np.allclose(y, x @ w6 + bias, atol=1e-4)
    assert not np.allclose(y, x @ w8 + bias, atol=1e-4)


def test_noise_shifts_one_element_per_training_call_only(rng):
    # mu = 0, S = 1 and distinct non-negative noise make the noise point
    # recoverable from the kernel: n = sqrt(-2 log(W sqrt(2 pi))).
    layer = GaussianFunctionDense(UNITS, noise_scale=1.0, use_bias=False)
    layer.build((None, INPUT_DIM))
    size = INPUT_DIM * UNITS
    noise = (np.arange(size, dtype="float32") * 0.1).reshape(INPUT_DIM, UNITS)
    layer.kernel_mean.assign(np.zeros_like(noise))
    layer.kernel_log_scale.assign(np.zeros_like(noise))
    layer.noise.assign(noise)
    eye = np.eye(INPUT_DIM, dtype="float32")

    def recovered_noise(kernel):
        return np.sqrt(np.maximum(-2 * np.log(kernel * np.sqrt(2 * np.pi)), 0))

    for t in range(size + 2):
        # Inference calls in between leave the noise where it is.
        layer(eye, training=False)
        layer(eye)
        assert int(_np(layer.step)) == t
        kernel = _np(layer(eye, training=True))  # x = I gives the kernel
        assert int(_np(layer.step)) == t + 1
        n = recovered_noise(kernel)
        np.testing.assert_allclose(n, np.roll(noise, t), atol=2e-3)
        # Element by element: n_t.flat[i] = noise.flat[(i - t) mod N].
        flat = noise.reshape(-1)
        index = (np.arange(size) - t) % size
        np.testing.assert_allclose(n.reshape(-1), flat[index], atol=2e-3)


def test_inference_output_is_noise_free_gaussian_function(rng):
    layer, mu, s_hat, _ = _built_layer(rng)
    layer.step.assign(3)
    x = rng.normal(size=(5, INPUT_DIM)).astype("float32")
    w0 = _np_gaussian_function(mu, s_hat, 0.0)
    expected = x @ w0 + _np(layer.bias)
    for training in (False, None):
        np.testing.assert_allclose(
            _np(layer(x, training=training)), expected, rtol=1e-5, atol=1e-5
        )
    np.testing.assert_allclose(
        _np(layer.effective_kernel()), w0, rtol=1e-5, atol=1e-6
    )
    assert np.all(_np(layer.effective_kernel()) > 0)
    # Deterministic, and the counter did not move.
    np.testing.assert_array_equal(_np(layer(x)), _np(layer(x)))
    assert int(_np(layer.step)) == 3
    # A training call differs from inference.
    assert not np.allclose(_np(layer(x, training=True)), expected, atol=1e-3)


def test_zero_noise_scale_training_equals_inference(rng):
    layer, _, _, _ = _built_layer(rng, noise_scale=0.0)
    x = rng.normal(size=(5, INPUT_DIM)).astype("float32")
    np.testing.assert_allclose(
        _np(layer(x, training=True)), _np(layer(x)), rtol=1e-6, atol=1e-6
    )


def _fit_changes_both(layer, steps_expected):
    x = np.random.default_rng(0).normal(size=(32, INPUT_DIM)).astype("float32")
    y = np.random.default_rng(1).normal(size=(32, UNITS)).astype("float32")
    inputs = keras.Input((INPUT_DIM,))
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    mu0 = _np(layer.kernel_mean).copy()
    s0 = _np(layer.kernel_log_scale).copy()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    mu_change = np.abs(_np(layer.kernel_mean) - mu0)
    s_change = np.abs(_np(layer.kernel_log_scale) - s0)
    # Both variables received gradients: (almost) every element moved. A
    # single element can move very little when its gradients over the few
    # steps happen to cancel, hence 75% rather than all.
    for change in (mu_change, s_change):
        assert np.mean(change > 1e-6) >= 0.75, change
        assert change.max() > 1e-4, change
    if steps_expected is not None:
        assert int(_np(layer.step)) == steps_expected
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    return model


def test_fit_updates_mean_and_log_scale_and_counts_steps():
    keras.utils.set_random_seed(0)
    layer = GaussianFunctionDense(UNITS, seed=2)
    # 32 samples / batch 8 = 4 training calls; predict/evaluate add none.
    _fit_changes_both(layer, steps_expected=4)
    assert int(_np(layer.step)) == 4


# --------------------------------------------------------------------------
# Shapes, config, saving, mixed precision.


def test_compute_output_shape_and_rank_3_inputs(rng):
    layer = GaussianFunctionDense(5)
    assert layer.compute_output_shape((None, 7, INPUT_DIM)) == (None, 7, 5)
    assert layer.compute_output_shape((2, INPUT_DIM)) == (2, 5)
    x = rng.normal(size=(2, 7, INPUT_DIM)).astype("float32")
    for training in (True, False):
        assert tuple(layer(x, training=training).shape) == (2, 7, 5)
    w0 = _np(layer.effective_kernel())
    np.testing.assert_allclose(_np(layer(x)), x @ w0, rtol=1e-5, atol=1e-6)


def test_regularizers_and_constraints_apply_to_mean_and_bias():
    check_penalties_and_constraints_on_mean_and_bias(
        GaussianFunctionDense, "kernel_log_scale", INPUT_DIM)


def test_get_config_round_trip(rng):
    kwargs = {"noise_scale": 0.3, "activation": "tanh", "seed": 3}
    layer = GaussianFunctionDense(UNITS, **kwargs)
    layer.build((None, INPUT_DIM))
    config = layer.get_config()
    for key, value in kwargs.items():
        assert config[key] == value
    assert not {"mode", "kl_weight", "inference", "sampling"} & set(config)
    clone = GaussianFunctionDense.from_config(config)
    clone.build((None, INPUT_DIM))
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == config
    x = rng.normal(size=(4, INPUT_DIM)).astype("float32")
    np.testing.assert_allclose(
        _np(clone.effective_kernel()), _np(layer.effective_kernel())
    )
    np.testing.assert_allclose(_np(clone(x)), _np(layer(x)), rtol=1e-6)
    np.testing.assert_allclose(
        _np(clone(x, training=True)), _np(layer(x, training=True)), rtol=1e-6
    )


def test_keras_round_trip_gaussian_function(keras_roundtrip):
    keras.utils.set_random_seed(0)
    layer = GaussianFunctionDense(UNITS, activation="sigmoid", seed=6)
    model = _fit_changes_both(layer, steps_expected=4)
    loaded = keras_roundtrip(model)
    new = loaded.layers[-1]
    assert isinstance(new, GaussianFunctionDense)
    assert int(_np(new.step)) == 4
    np.testing.assert_array_equal(_np(new.noise), _np(layer.noise))
    x = np.random.default_rng(2).normal(size=(6, INPUT_DIM)).astype("float32")
    np.testing.assert_array_equal(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
    # The next training kernel is the same too (same step, same noise).
    np.testing.assert_allclose(
        _np(new.effective_kernel(training=True)),
        _np(layer.effective_kernel(training=True)),
    )


def test_mixed_float16(mixed_precision, rng):
    layer = GaussianFunctionDense(UNITS, seed=1)
    x = rng.normal(size=(5, INPUT_DIM)).astype("float32")
    y_train = layer(x, training=True)
    y_inf = layer(x)
    for weight in layer.weights:
        if weight.name == "step":
            assert weight.dtype == "int32"
        else:
            assert weight.dtype == "float32", weight.name
    for y in (y_train, y_inf):
        assert keras.backend.standardize_dtype(y.dtype) == "float16"
        assert np.all(np.isfinite(_np(y)))
    w0 = _np(layer.effective_kernel())
    assert w0.dtype == np.float32
    expected = x @ w0 + _np(layer.bias)
    np.testing.assert_allclose(_np(y_inf), expected, rtol=1e-2, atol=1e-2)
    assert int(_np(layer.step)) == 1


def test_keras_layer_checks():
    # The kernel's mean and log scale and the bias; the noise and the step.
    run_keras_layer_test(
        GaussianFunctionDense, {"units": UNITS, "seed": 1},
        input_shape=(2, INPUT_DIM), call_kwargs={"training": True},
        expected_output_shape=(2, UNITS), expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=2, expected_num_seed_generators=0,
        expected_num_losses=0, supports_masking=True)
