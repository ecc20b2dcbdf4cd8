"""`InvertedDropout` against `keras.layers.Dropout`: the same distribution."""

import math

import keras
import numpy as np
import pytest

from kreg.layers import InvertedDropout

_np = keras.ops.convert_to_numpy


def test_same_arguments_and_errors_as_keras_dropout():
    with pytest.raises(ValueError, match=r"argument `rate`\. Expected a float "
                       r"value in the range \[0, 1\)\. Received: rate=1"):
        InvertedDropout(1)
    layer = InvertedDropout(0.25, noise_shape=(None, 1), seed=3, name="d")
    assert InvertedDropout.from_config(layer.get_config()).get_config() == \
        layer.get_config()


@pytest.mark.parametrize("rate", [0.5, 0.25, 0.1])
def test_matches_keras_dropout_in_distribution(rate):
    """Keep rate, values and expected output: ours and Keras's agree within
    sampling error; inference is the identity for both."""
    x = np.random.default_rng(0).normal(size=(4000, 50)).astype("float32")
    ours = _np(InvertedDropout(rate, seed=1)(x, training=True))
    theirs = _np(keras.layers.Dropout(rate, seed=1)(x, training=True))
    n = x.size
    keep = 1 - rate
    for out in (ours, theirs):
        kept = out != 0
        assert abs(kept.mean() - keep) < 5 * math.sqrt(keep * rate / n)
        np.testing.assert_allclose(out[kept], x[kept] / keep, rtol=1e-6)
    # E[out] = x: the mean of out - x over entries is noise of known size.
    sd = np.sqrt(np.mean(x ** 2) * rate / keep / n)
    assert abs(np.mean(ours - x)) < 5 * sd and abs(np.mean(theirs - x)) < 5 * sd
    np.testing.assert_array_equal(_np(InvertedDropout(rate)(x)), x)


def test_fresh_independent_mask_per_example_and_step():
    layer = InvertedDropout(0.5, seed=2)
    x = np.ones((512, 64), "float32")
    steps = [(_np(layer(x, training=True)) != 0).astype(float) for _ in range(3)]
    limit = 5 / math.sqrt(x.size)
    for a, b in ((steps[0], steps[1]), (steps[1], steps[2]),
                 (steps[0][:-1], steps[0][1:])):
        assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < limit


def test_noise_shape_shares_the_mask():
    out = _np(InvertedDropout(0.5, noise_shape=(None, 1, 6), seed=4)(
        np.ones((8, 5, 6), "float32"), training=True))
    assert np.all(out == out[:, :1, :])


def test_trains_in_a_model_and_round_trips(keras_roundtrip):
    model = keras.Sequential([keras.Input((6,)), InvertedDropout(0.5, seed=1),
                              keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).normal(size=(32, 6)).astype("float32")
    model.fit(x, np.zeros((32, 2)), epochs=1, verbose=0)
    loaded = keras_roundtrip(model)
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)
    assert isinstance(loaded.layers[0], InvertedDropout)


def test_mixed_precision(mixed_precision):
    layer = InvertedDropout(0.5, seed=1)
    out = layer(np.ones((4, 8), "float32"), training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert set(np.unique(_np(out))) <= {0.0, 2.0}


def test_packed_rates_are_xla_friendly():
    assert InvertedDropout(0.5).xla_friendly_random
    assert not InvertedDropout(0.1).xla_friendly_random
