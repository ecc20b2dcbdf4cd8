"""Tests for `kreg.layers.dropconnect_dense.DropConnectDense`."""

import json
import math
import warnings
import zipfile

import keras
import numpy as np
import pytest
from keras import ops

from kreg.layers.dropconnect_dense import DropConnectDense
from tests.kreg.layers.keras_layer_checks import run_keras_layer_test
from tests.kreg.repeated_calls import inference_calls, training_calls

SAMPLINGS = ["per_example", "per_batch"]


def _np(x):
    return ops.convert_to_numpy(x)


def _built(units=4, input_dim=3, rng=None, **kwargs):
    """A built layer with random kernel and bias."""
    layer = DropConnectDense(units, **kwargs)
    layer.build((None, input_dim))
    if rng is not None:
        weights = [rng.normal(size=(input_dim, units)).astype("float32")]
        if layer.use_bias:
            weights.append(rng.normal(size=(units,)).astype("float32"))
        layer.set_weights(weights)
    return layer


def _dense_np(layer, x):
    out = x @ _np(layer.kernel)
    if layer.bias is not None:
        out = out + _np(layer.bias)
    return out


def _relu_gaussian_mean(mu, sigma):
    """E[relu(u)] for u ~ N(mu, sigma^2), elementwise."""
    mu = np.asarray(mu, dtype="float64")
    sigma = np.asarray(sigma, dtype="float64")
    z = mu / sigma
    pdf = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    return mu * cdf + sigma * pdf


# ----------------------------------------------------------------------------
# Argument validation.


def test_invalid_units():
    for units in (0, -2, 2.5, True):
        with pytest.raises(
            ValueError,
            match=r"argument `units`\. Expected a positive integer\. "
            rf"Received: units={units}",
        ):
            DropConnectDense(units)


def test_invalid_rate():
    for rate in (1, 1.0, 1.5, -0.1, "0.5", None):
        with pytest.raises(
            ValueError,
            match=r"argument `rate`\. Expected a float value in the range "
            rf"\[0, 1\)\. Received: rate={rate}",
        ):
            DropConnectDense(2, rate=rate)


def test_invalid_sampling_inference_and_seed():
    with pytest.raises(
        ValueError, match=r"argument `sampling`.*Received: sampling=per_unit"
    ):
        DropConnectDense(2, sampling="per_unit")
    with pytest.raises(ValueError, match=r"argument `mask`.*former name of "
                       r"`sampling`.*mask=per_batch and sampling=gaussian"):
        DropConnectDense(2, sampling="gaussian", mask="per_batch")
    with pytest.raises(
        ValueError, match=r"argument `inference`.*Received: inference=mc"
    ):
        DropConnectDense(2, inference="mc")
    with pytest.raises(
        ValueError, match=r"argument `seed`.*Received: seed=1.5"
    ):
        DropConnectDense(2, seed=1.5)


def test_invalid_num_inference_samples():
    for n in (0, -1, 2.0, True, None):
        with pytest.raises(
            ValueError,
            match=r"argument `num_inference_samples`\. Expected a positive "
            rf"integer\. Received: num_inference_samples={n}",
        ):
            DropConnectDense(2, num_inference_samples=n)


# ----------------------------------------------------------------------------
# Shapes, training flag, serialization, mixed precision.


def test_compute_output_shape(rng):
    for sampling in SAMPLINGS:
        for input_shape in [(5, 3), (5, 7, 3)]:
            layer = DropConnectDense(4, sampling=sampling, drop_bias=True, seed=1)
            assert layer.compute_output_shape(
                (None,) + input_shape[1:]
            ) == ((None,) + input_shape[1:-1] + (4,))
            x = rng.normal(size=input_shape).astype("float32")
            for training in (True, False):
                assert tuple(layer(x, training=training).shape) == (
                    input_shape[:-1] + (4,)
                )
    for input_shape in [(5, 3), (5, 7, 3)]:
        x = rng.normal(size=input_shape).astype("float32")
        gaussian = DropConnectDense(4, activation="relu", inference="moment_matched")
        assert tuple(gaussian(x).shape) == input_shape[:-1] + (4,)


def test_training_flag_honoured(rng):
    for sampling in SAMPLINGS:
        layer = _built(rng=rng, sampling=sampling, activation="tanh", seed=3)
        x = rng.normal(size=(6, 3)).astype("float32")
        expected = np.tanh(_dense_np(layer, x))
        outs = (layer(x), layer(x, training=False), layer(x, training=None))
        for out in outs:
            np.testing.assert_allclose(
                _np(out), expected, rtol=1e-5, atol=1e-6
            )
        first = _np(layer(x, training=True))
        second = _np(layer(x, training=True))
        assert not np.allclose(first, expected)
        assert not np.allclose(first, second)


def test_rate_zero_equals_dense_exactly(rng):
    x = rng.normal(size=(8, 5, 3)).astype("float32")
    weights = [
        rng.normal(size=(3, 4)).astype("float32"),
        rng.normal(size=(4,)).astype("float32"),
    ]
    dense = keras.layers.Dense(4, activation="relu")
    dense.build(x.shape)
    dense.set_weights(weights)
    for sampling in SAMPLINGS:
        layer = DropConnectDense(
            4, rate=0.0, sampling=sampling, activation="relu", drop_bias=True
        )
        layer.build(x.shape)
        layer.set_weights(weights)
        for training in (True, False):
            np.testing.assert_array_equal(
                _np(layer(x, training=training)), _np(dense(x))
            )


def test_get_config_round_trip(rng):
    for inference in ("mean", "moment_matched"):
        layer = _built(
            rng=rng,
            rate=0.3,
            activation="relu",
            sampling="per_batch",
            drop_bias=True,
            inference=inference,
            num_inference_samples=7,
            kernel_regularizer=keras.regularizers.L2(0.01),
            bias_constraint=keras.constraints.NonNeg(),
            seed=11,
        )
        config = layer.get_config()
        clone = DropConnectDense.from_config(config)
        assert clone.get_config() == config
        assert isinstance(clone.kernel_regularizer, keras.regularizers.L2)
        assert isinstance(clone.bias_constraint, keras.constraints.NonNeg)
        clone.build((None, 3))
        clone.set_weights(layer.get_weights())
        x = rng.normal(size=(5, 3)).astype("float32")
        np.testing.assert_array_equal(_np(clone(x)), _np(layer(x)))
        # Same seed, same first mask.
        fresh = DropConnectDense.from_config(config)
        fresh.build((None, 3))
        fresh.set_weights(layer.get_weights())
        np.testing.assert_array_equal(
            _np(fresh(x, training=True)), _np(clone(x, training=True))
        )


def test_keras_save_load_round_trip(keras_roundtrip, rng):
    model = keras.Sequential(
        [
            keras.Input((3,)),
            DropConnectDense(
                8,
                sampling="per_example",
                activation="relu",
                inference="moment_matched",
                num_inference_samples=16,
                drop_bias=True,
                seed=5,
            ),
            DropConnectDense(2, sampling="per_batch", seed=6),
        ]
    )
    x = rng.normal(size=(4, 3)).astype("float32")
    expected = model.predict(x, verbose=0)
    loaded = keras_roundtrip(model)
    for original, restored in zip(model.layers, loaded.layers):
        assert isinstance(restored, DropConnectDense)
        assert restored.get_config() == original.get_config()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)


def test_mixed_float16(mixed_precision, rng):
    x = rng.normal(size=(6, 3)).astype("float32")
    for sampling in SAMPLINGS:
        for inference in ("mean", "moment_matched"):
            layer = DropConnectDense(
                4,
                sampling=sampling,
                inference=inference,
                activation="relu",
                drop_bias=True,
                seed=2,
            )
            for training in (True, False):
                out = layer(x, training=training)
                dtype = keras.backend.standardize_dtype(out.dtype)
                assert dtype == "float16"
                assert np.all(np.isfinite(_np(out)))
            assert layer.kernel.dtype == "float32"
            assert layer.bias.dtype == "float32"
            if inference == "mean":
                np.testing.assert_allclose(
                    _np(layer(x)).astype("float32"),
                    np.maximum(_dense_np(layer, x), 0),
                    rtol=1e-2,
                    atol=1e-2,
                )


def test_fit_updates_kernel_and_bias(rng):
    layers = [
        DropConnectDense(4, sampling="per_example", drop_bias=True, seed=0),
        DropConnectDense(4, sampling="per_batch", drop_bias=False, seed=1),
    ]
    model = keras.Sequential([keras.Input((3,))] + layers)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    x = rng.normal(size=(32, 3)).astype("float32")
    y = rng.normal(size=(32, 4)).astype("float32")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for old, new in zip(before, model.get_weights()):
        assert not np.allclose(old, new)


# ----------------------------------------------------------------------------
# DropConnect statistics.


@pytest.mark.parametrize("sampling", SAMPLINGS)
def test_mean_over_masks_approaches_dense_output(sampling, rng):
    rate = 0.5
    keep = 1 - rate
    layer = _built(units=4, input_dim=6, rng=rng, rate=rate, sampling=sampling, seed=7)
    x = rng.normal(size=(1, 6)).astype("float32")
    if sampling == "per_example":
        n = 4000
        samples = _np(layer(np.repeat(x, n, axis=0), training=True))
    else:
        n = 200
        samples = training_calls(layer, x, n).reshape((n, -1))
    expected = _dense_np(layer, x)[0]
    variance = (1 - keep) / keep * (x**2 @ _np(layer.kernel) ** 2)[0]
    standard_error = np.sqrt(variance / n)
    z = np.abs(samples.mean(axis=0) - expected) / standard_error
    assert np.all(z < 5), z
    # The spread itself matches the derived variance.
    np.testing.assert_allclose(samples.var(axis=0), variance, rtol=0.25)


def test_per_example_rows_differ_per_batch_rows_equal(rng):
    x = np.repeat(rng.normal(size=(1, 3)).astype("float32"), 16, axis=0)
    layer = _built(rng=rng, sampling="per_example", seed=1)
    out = _np(layer(x, training=True))
    assert len({tuple(row) for row in out.round(6)}) > 4
    layer = _built(rng=rng, sampling="per_batch", seed=1)
    out = _np(layer(x, training=True))
    np.testing.assert_array_equal(out, np.repeat(out[:1], 16, axis=0))
    # ... but it changes between calls.
    assert not np.array_equal(out, _np(layer(x, training=True)))


def test_per_example_rank3_mask_shared_within_example(rng):
    layer = _built(rng=rng, sampling="per_example", seed=4)
    row = rng.normal(size=(1, 1, 3)).astype("float32")
    x = np.tile(row, (12, 5, 1))
    out = _np(layer(x, training=True))
    # All positions of an example share its mask...
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 5, axis=1))
    # ... and the examples have their own masks.
    assert len({tuple(r) for r in out[:, 0].round(6)}) > 3


@pytest.mark.parametrize("sampling", SAMPLINGS)
def test_fraction_of_dropped_weights_matches_rate(sampling):
    for rate in (0.2, 0.5, 0.8):
        _check_fraction_of_dropped_weights(sampling, rate)


def _check_fraction_of_dropped_weights(sampling, rate):
    # Kernel of ones, one-hot inputs: the outputs read the scaled mask.
    dim = 64
    layer = DropConnectDense(
        dim,
        rate=rate,
        sampling=sampling,
        use_bias=False,
        kernel_initializer="ones",
        seed=9,
    )
    reps = 10 if sampling == "per_example" else 1
    x = np.tile(np.eye(dim, dtype="float32"), (reps, 1))
    masks = np.concatenate(
        [_np(layer(x, training=True)) for _ in range(10 // reps)]
    )
    keep = 1 - rate
    # Inverted scaling: kept weights are divided by the keep probability.
    np.testing.assert_allclose(
        np.unique(masks), [0.0, 1.0 / keep], rtol=1e-6
    )
    n = masks.size
    standard_error = math.sqrt(rate * (1 - rate) / n)
    assert abs(np.mean(masks == 0) - rate) < 5 * standard_error


@pytest.mark.parametrize("sampling", SAMPLINGS)
def test_drop_bias(sampling):
    rate = 0.4
    kwargs = dict(
        rate=rate,
        sampling=sampling,
        kernel_initializer="zeros",
        bias_initializer="ones",
        seed=3,
    )
    x = np.ones((500, 2), dtype="float32")
    kept = _np(DropConnectDense(8, **kwargs)(x, training=True))
    np.testing.assert_array_equal(kept, np.ones_like(kept))
    out = _np(DropConnectDense(8, drop_bias=True, **kwargs)(x, training=True))
    np.testing.assert_allclose(np.unique(out), [0, 1 / (1 - rate)], rtol=1e-6)
    if sampling == "per_example":
        standard_error = math.sqrt(rate * (1 - rate) / out.size)
        assert abs(np.mean(out == 0) - rate) < 5 * standard_error
        assert len({tuple(row) for row in out}) > 10
    else:
        np.testing.assert_array_equal(out, np.repeat(out[:1], 500, axis=0))
    # Inference keeps the bias unchanged.
    layer = DropConnectDense(8, drop_bias=True, **kwargs)
    np.testing.assert_array_equal(_np(layer(x)), np.ones((500, 8)))


# ----------------------------------------------------------------------------
# Gaussian inference.


def test_gaussian_inference_matches_closed_form(rng):
    rate = 0.5
    keep = 1 - rate
    n_samples = 4000
    layer = _built(
        units=6,
        input_dim=5,
        rng=rng,
        rate=rate,
        activation="relu",
        inference="moment_matched",
        num_inference_samples=n_samples,
        seed=1,
    )
    x = rng.normal(size=(3, 5)).astype("float32")
    mean = _dense_np(layer, x)
    variance = (1 - keep) / keep * (x**2 @ _np(layer.kernel) ** 2)
    expected = _relu_gaussian_mean(mean, np.sqrt(variance))
    out = _np(layer(x))
    # Monte Carlo error of the average of relu(u): below sd(u) / sqrt(n).
    tolerance = 5 * np.sqrt(variance / n_samples)
    assert np.all(np.abs(out - expected) < tolerance)


def test_gaussian_inference_bias_variance():
    for drop_bias in (False, True):
        _check_gaussian_inference_bias_variance(drop_bias)


def _check_gaussian_inference_bias_variance(drop_bias):
    rate = 0.5
    n_samples = 4000
    layer = DropConnectDense(
        3,
        rate=rate,
        activation="relu",
        drop_bias=drop_bias,
        inference="moment_matched",
        num_inference_samples=n_samples,
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(-1.0),
        seed=1,
    )
    out = _np(layer(np.zeros((2, 4), dtype="float32")))
    if not drop_bias:
        np.testing.assert_array_equal(out, np.zeros_like(out))
    else:
        sigma = math.sqrt(rate / (1 - rate))  # (1-p)/p * b^2, b = -1
        expected = _relu_gaussian_mean(-1.0, sigma)
        np.testing.assert_allclose(
            out, expected, atol=5 * sigma / math.sqrt(n_samples)
        )


def test_gaussian_inference_beats_deterministic_on_dropconnect_mean(rng):
    rate = 0.5
    layer = _built(
        units=8,
        input_dim=20,
        rng=rng,
        rate=rate,
        activation="relu",
        inference="moment_matched",
        num_inference_samples=2000,
        seed=2,
    )
    x = rng.normal(size=(1, 20)).astype("float32")
    n = 8000
    empirical = _np(layer(np.repeat(x, n, axis=0), training=True)).mean(0)
    gaussian = _np(layer(x))[0]
    deterministic = np.maximum(_dense_np(layer, x)[0], 0)
    gaussian_error = np.abs(gaussian - empirical).mean()
    deterministic_error = np.abs(deterministic - empirical).mean()
    assert gaussian_error < 0.5 * deterministic_error, (
        gaussian_error,
        deterministic_error,
    )


def test_gaussian_inference_is_deterministic_and_batch_independent(rng):
    layer = _built(
        rng=rng, activation="sigmoid", inference="moment_matched", seed=None
    )
    x = rng.normal(size=(6, 3)).astype("float32")
    full = _np(layer(x))
    np.testing.assert_array_equal(full, _np(layer(x, training=False)))
    np.testing.assert_allclose(_np(layer(x[3:5])), full[3:5], rtol=1e-6)
    # It is not the deterministic inference: the activation is inside.
    assert not np.allclose(full, 1 / (1 + np.exp(-_dense_np(layer, x))))


def test_gaussian_inference_linear_activation_is_exact_mean(rng):
    layer = _built(rng=rng, inference="moment_matched", num_inference_samples=3)
    x = rng.normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(
        _np(layer(x)), _dense_np(layer, x), rtol=1e-5, atol=1e-6
    )


def test_gaussian_inference_finite_under_mixed_float16(mixed_precision):
    """The variance sums 784 squared pixels: it must not overflow float16."""
    layer = DropConnectDense(8, rate=0.5, inference="moment_matched",
                             activation="relu", seed=0)
    x = np.full((4, 784), 255.0, dtype="float32")
    out = keras.ops.convert_to_numpy(layer(x, training=False))
    assert out.dtype == np.float16
    assert np.all(np.isfinite(out))


# ----------------------------------------------------------------------------
# The vocabulary of the stochastic layers, and the former one.


def test_sample_inference_draws_as_at_training(rng):
    """`inference="sample"` (the word of `BayesianDense`): every inference
    call is a fresh draw of the training noise, whichever `sampling`; its
    average over calls is the mean layer (linear activation)."""
    x = rng.normal(size=(6, 3)).astype("float32")
    for sampling in ("per_example", "per_batch", "gaussian"):
        layer = _built(rng=rng, sampling=sampling, inference="sample", seed=4)
        twin = _built(rng=None, sampling=sampling, seed=4)
        twin.set_weights(layer.get_weights())
        first, second = _np(layer(x)), _np(layer(x, training=False))
        assert not np.allclose(first, second)
        # The same draws as training calls of a layer with the same seed.
        np.testing.assert_allclose(first, _np(twin(x, training=True)),
                                   rtol=1e-6, atol=1e-6)
        draws = inference_calls(layer, x, 400)
        se = draws.std(axis=0) / math.sqrt(len(draws))
        z = np.abs(draws.mean(axis=0) - _dense_np(layer, x)) / np.maximum(se, 1e-6)
        assert np.max(z) < 5, sampling
    # At rate 0 there is no noise to draw: the mean layer.
    layer = _built(rng=rng, rate=0.0, inference="sample")
    np.testing.assert_array_equal(_np(layer(x)), _np(layer(x, training=True)))


@pytest.mark.parametrize("old, new", [
    ({"mask": "per_batch"}, {"sampling": "per_batch"}),
    ({"mask": "gaussian", "inference": "gaussian"},
     {"sampling": "gaussian", "inference": "moment_matched"}),
    ({"inference": "deterministic"}, {"inference": "mean"}),
])
def test_former_arguments_still_work_with_a_warning(old, new, rng):
    with pytest.warns(DeprecationWarning, match="is deprecated: use"):
        layer = DropConnectDense(4, seed=1, **old)
    for name, value in new.items():
        assert layer.get_config()[name] == value
    assert "mask" not in layer.get_config()
    twin = DropConnectDense(4, seed=1, **new)
    assert twin.get_config() == {**layer.get_config(), "name": twin.name}
    x = rng.normal(size=(5, 3)).astype("float32")
    layer.build(x.shape)
    twin.build(x.shape)
    twin.set_weights(layer.get_weights())
    for training in (True, False):
        np.testing.assert_array_equal(_np(layer(x, training=training)),
                                      _np(twin(x, training=training)))
    # Keras's ways of making the layer again take its config, in the new
    # words, without a warning.
    model = keras.Sequential([keras.Input((3,)), layer])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        copies = [keras.models.clone_model(model).layers[0],
                  DropConnectDense.from_config(layer.get_config())]
    for copy in copies:
        assert copy.get_config() == layer.get_config()


@pytest.mark.parametrize("init_kwargs", [
    {"sampling": "gaussian", "inference": "moment_matched"},
    # The former words, while they are kept.
    {"mask": "gaussian", "inference": "gaussian"},
    {"mask": "per_batch", "inference": "deterministic"},
])
def test_keras_layer_checks(init_kwargs):
    # The kernel and the bias; one seed generator.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        run_keras_layer_test(
            DropConnectDense, {"units": 4, "activation": "relu", "seed": 1,
                               **init_kwargs},
            input_shape=(2, 3), call_kwargs={"training": True},
            expected_output_shape=(2, 4), expected_num_trainable_weights=2,
            expected_num_non_trainable_weights=0, expected_num_seed_generators=1,
            expected_num_losses=0, supports_masking=True)


def test_a_file_saved_with_the_former_words_loads(tmp_path, rng):
    """A `.keras` file of an earlier kreg stores `mask` and the former
    `inference` words in the layer's config: it loads (with a warning) into
    the new arguments and predicts as it did."""
    model = keras.Sequential([keras.Input((3,)), DropConnectDense(
        6, sampling="per_batch", inference="moment_matched", activation="relu",
        num_inference_samples=8, seed=2, name="dc")])
    x = rng.normal(size=(4, 3)).astype("float32")
    expected = model.predict(x, verbose=0)
    saved = tmp_path / "new.keras"
    model.save(saved)
    # Rewrite the saved configuration as the former kreg wrote it.
    old_file = tmp_path / "old.keras"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(old_file, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                layer_config = config["config"]["layers"][1]["config"]
                layer_config["mask"] = layer_config.pop("sampling")
                layer_config["inference"] = "gaussian"
                data = json.dumps(config).encode()
            dst.writestr(item, data)
    with pytest.warns(DeprecationWarning, match="is deprecated: use"):
        loaded = keras.saving.load_model(old_file, safe_mode=True)
    restored = loaded.get_layer("dc")
    assert restored.sampling == "per_batch"
    assert restored.inference == "moment_matched"
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)


def test_keras_mask_passes_through(rng):
    """`mask` is only Keras's mask: like `Dense`, the layer passes the mask
    of its inputs on (`supports_masking`), so that an LSTM after it skips
    the masked time steps."""
    layer = DropConnectDense(4, rate=0.5, seed=0)
    assert layer.supports_masking and "mask" not in layer.get_config()
    model = keras.Sequential([keras.Input((None, 3)), keras.layers.Masking(0.0),
                              layer, keras.layers.LSTM(2)])
    x = rng.normal(size=(1, 5, 3)).astype("float32")
    padded = np.concatenate([x[:, :3], np.zeros((1, 2, 3), "float32")], axis=1)
    np.testing.assert_allclose(_np(model(padded)), _np(model(x[:, :3])),
                               rtol=1e-5, atol=1e-6)
