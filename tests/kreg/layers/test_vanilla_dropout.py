"""Tests for `kreg.layers.vanilla_dropout.VanillaDropout`."""

import math

import keras
import numpy as np
import pytest
from keras import ops

from kreg.layers.inverted_dropout import InvertedDropout
from kreg.layers.vanilla_dropout import VanillaDropout


def _np(x):
    return ops.convert_to_numpy(x)


def test_invalid_rate():
    for rate in (1.5, -0.1, "0.5", None):
        with pytest.raises(
            ValueError,
            match=r"argument `rate`\. Expected a float value between 0 and "
            rf"1\. Received: rate={rate}",
        ):
            VanillaDropout(rate)


def test_invalid_noise_shape_and_seed():
    for noise_shape, expected in (
        ("ab", "a tuple or list of integers"),
        (3, r"an iterable of integers \(e\.g\., a tuple or list\)"),
        ((2.5,), "all elements to be integers or None"),
        ((0, 2), "all dimensions to be positive integers or None"),
        ((-1, None), "all dimensions to be positive integers or None"),
    ):
        with pytest.raises(
            ValueError,
            match=rf"argument `noise_shape`\. Expected {expected}\. "
            r"Received: noise_shape=",
        ):
            VanillaDropout(0.5, noise_shape=noise_shape)
    with pytest.raises(ValueError, match=r"argument `seed`.*Received: seed=a"):
        VanillaDropout(0.5, seed="a")


def test_compute_output_shape(rng):
    layer = VanillaDropout(0.5, seed=1)
    assert layer.compute_output_shape((None, 7, 3)) == (None, 7, 3)
    x = rng.normal(size=(4, 7, 3)).astype("float32")
    for training in (True, False):
        assert tuple(layer(x, training=training).shape) == (4, 7, 3)


def test_inference_output_is_keep_prob_times_input_exactly(rng):
    x = rng.normal(size=(16, 5)).astype("float32")
    for rate in (0.25, 0.5, 0.8):
        layer = VanillaDropout(rate, seed=1)
        expected = x * np.float32(1 - rate)
        outs = (layer(x), layer(x, training=False), layer(x, training=None))
        for out in outs:
            np.testing.assert_array_equal(_np(out), expected)
    model = keras.Sequential([keras.Input((5,)), VanillaDropout(0.25)])
    np.testing.assert_array_equal(
        model.predict(x, verbose=0), x * np.float32(0.75)
    )


def test_training_masks_without_rescaling(rng):
    layer = VanillaDropout(0.4, seed=2)
    x = rng.normal(size=(64, 32)).astype("float32")
    first = _np(layer(x, training=True))
    second = _np(layer(x, training=True))
    # Every entry is either dropped or passed through unscaled.
    assert np.all((first == 0) | (first == x))
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, x)


def test_rate_zero_is_identity(rng):
    layer = VanillaDropout(0.0)
    x = rng.normal(size=(8, 3)).astype("float32")
    for training in (True, False):
        np.testing.assert_array_equal(_np(layer(x, training=training)), x)


def test_training_expectation_is_keep_prob_times_input(rng):
    rate = 0.3
    keep = 1 - rate
    n = 20000
    row = rng.normal(size=(1, 6)).astype("float32")
    layer = VanillaDropout(rate, seed=3)
    out = _np(layer(np.repeat(row, n, axis=0), training=True))
    standard_error = np.abs(row[0]) * math.sqrt(keep * (1 - keep) / n)
    z = np.abs(out.mean(axis=0) - keep * row[0]) / standard_error
    assert np.all(z < 5), z


def test_fraction_of_zeros_matches_rate():
    x = np.ones((200, 100), dtype="float32")
    n = x.size
    for rate in (0.1, 0.5, 0.9):
        out = _np(VanillaDropout(rate, seed=4)(x, training=True))
        standard_error = math.sqrt(rate * (1 - rate) / n)
        assert abs(np.mean(out == 0) - rate) < 5 * standard_error


def test_expectation_relation_with_keras_inverted_dropout():
    rate = 0.4
    keep = 1 - rate
    x = np.full((200, 100), 2.0, dtype="float32")
    n = x.size
    vanilla = VanillaDropout(rate, seed=5)
    inverted = keras.layers.Dropout(rate, seed=5)
    vanilla_train = _np(vanilla(x, training=True)).mean()
    vanilla_test = _np(vanilla(x, training=False)).mean()
    inverted_train = _np(inverted(x, training=True)).mean()
    inverted_test = _np(inverted(x, training=False)).mean()
    # Vanilla: test output is p * x; inverted: test output is x.
    assert vanilla_test == pytest.approx(keep * 2.0, rel=1e-6)
    assert inverted_test == pytest.approx(2.0, rel=1e-6)
    # Both: E[train output] / test output == 1.
    tolerance = 5 * math.sqrt((1 - keep) / (keep * n))
    assert vanilla_train / vanilla_test == pytest.approx(1, abs=tolerance)
    assert inverted_train / inverted_test == pytest.approx(1, abs=tolerance)
    # And the two training means differ by the factor 1 / p.
    assert inverted_train * keep / vanilla_train == pytest.approx(
        1, abs=2 * tolerance
    )


def test_noise_shape_shares_mask(rng):
    layer = VanillaDropout(0.5, noise_shape=(None, 1, 4), seed=6)
    x = rng.uniform(1, 2, size=(32, 5, 4)).astype("float32")
    out = _np(layer(x, training=True))
    kept = out != 0
    np.testing.assert_array_equal(kept, np.repeat(kept[:, :1], 5, axis=1))
    assert 0 < kept.mean() < 1
    np.testing.assert_array_equal(out[kept], x[kept])


def test_get_config_round_trip(rng):
    layer = VanillaDropout(0.35, noise_shape=(None, 1), seed=7)
    config = layer.get_config()
    clone = VanillaDropout.from_config(config)
    assert clone.get_config() == config
    assert clone.noise_shape == (None, 1)
    x = rng.normal(size=(10, 3)).astype("float32")
    np.testing.assert_array_equal(_np(clone(x)), _np(layer(x)))
    # Same seed, same first mask.
    np.testing.assert_array_equal(
        _np(clone(x, training=True)), _np(layer(x, training=True))
    )


def test_keras_save_load_round_trip(keras_roundtrip, rng):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3),
            VanillaDropout(0.5, noise_shape=(None, 3), seed=8),
        ]
    )
    x = rng.normal(size=(5, 4)).astype("float32")
    expected = model.predict(x, verbose=0)
    loaded = keras_roundtrip(model)
    assert isinstance(loaded.layers[-1], VanillaDropout)
    assert loaded.layers[-1].get_config() == model.layers[-1].get_config()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)


def test_mixed_float16(mixed_precision, rng):
    layer = VanillaDropout(0.25, seed=9)
    x = rng.normal(size=(6, 3)).astype("float32")
    for training in (True, False):
        out = layer(x, training=training)
        assert keras.backend.standardize_dtype(out.dtype) == "float16"
        assert np.all(np.isfinite(_np(out)))
    np.testing.assert_array_equal(
        _np(layer(x)), x.astype("float16") * np.float16(0.75)
    )


def test_fit_trains_with_mask_and_evaluates_with_scaling():
    # Fixed identity weight (learning rate 0), x = y = 1: the training loss
    # is E[(m - 1)^2] = rate (inverted dropout would give rate / p, no
    # dropout 0) and the evaluation loss is (p - 1)^2 = rate^2.
    rate = 0.3
    model = keras.Sequential(
        [
            keras.Input((1,)),
            VanillaDropout(rate, seed=10),
            keras.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = np.ones((2000, 1), dtype="float32")
    history = model.fit(x, x, epochs=1, batch_size=200, verbose=0)
    standard_error = math.sqrt(rate * (1 - rate) / len(x))
    assert abs(history.history["loss"][0] - rate) < 5 * standard_error
    assert model.evaluate(x, x, verbose=0) == pytest.approx(rate**2, rel=1e-5)


def test_differs_from_keras_dropout_by_the_keep_probability(rng):
    """Where the meaning differs from `keras.layers.Dropout` (documented):
    with the same mask, training outputs are Keras's times `p = 1 - rate`
    (no rescaling) and inference outputs are `p * x` where Keras's are `x`;
    the ratio of training expectation to inference output is 1 for both."""
    rate, keep = 0.25, 0.75
    x = rng.normal(size=(8, 16)).astype("float32")
    ours = _np(VanillaDropout(rate, seed=3)(x, training=True))
    inverted = _np(InvertedDropout(rate, seed=3)(x, training=True))
    np.testing.assert_allclose(ours, inverted * keep, rtol=1e-6)
    np.testing.assert_allclose(_np(VanillaDropout(rate)(x)), keep * x)
    np.testing.assert_array_equal(_np(keras.layers.Dropout(rate)(x)), x)


def test_rate_one_gives_zeros_at_training_and_inference(rng):
    """`rate=1` is accepted as by `keras.layers.Dropout`; with `p = 0` the
    output is zeros at training and, unlike Keras's, at inference too."""
    x = rng.normal(size=(4, 5)).astype("float32")
    layer = VanillaDropout(1.0, seed=0)
    for training in (True, False):
        np.testing.assert_array_equal(_np(layer(x, training=training)), 0.0)
    assert layer.built
