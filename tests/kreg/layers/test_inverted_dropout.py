"""`InvertedDropout` against `keras.layers.Dropout`: the same distribution.

Tolerances are numbers of standard errors from the sample sizes; the seeds
are fixed, so the tests are deterministic.
"""

import math

import keras
import numpy as np
import pytest

from kreg.layers import InvertedDropout
from tests.kreg.repeated_calls import training_calls

_np = keras.ops.convert_to_numpy


def test_same_arguments_and_errors_as_keras_dropout():
    # Keras's wording; every check of Keras's own tests is encoded in
    # tests/kreg/migration/test_keras_dropout.py.
    with pytest.raises(ValueError, match=r"argument `rate`\. Expected a float "
                       r"value between 0 and 1\. Received: rate=1.5"):
        InvertedDropout(1.5)
    layer = InvertedDropout(0.25, noise_shape=(None, 1), seed=3, name="d")
    assert InvertedDropout.from_config(layer.get_config()).get_config() == \
        layer.get_config()
    ours = set(layer.get_config()) - {"dtype", "trainable", "name"}
    theirs = set(keras.layers.Dropout(0.25).get_config()) - {
        "dtype", "trainable", "name"}
    assert ours == theirs


def _draws(layer, x, steps):
    """`steps` training outputs of `layer` on `x`, stacked."""
    return training_calls(layer, x, steps)


@pytest.mark.parametrize("rate", [0.5, 0.25, 0.1])
def test_matches_keras_dropout_in_distribution(rate):
    """Over 300 steps on one batch: the keep rate, the kept values, the
    expected output of every entry, and the independence of the masks
    across steps and across examples agree with `keras.layers.Dropout`'s."""
    x = np.random.default_rng(0).normal(size=(32, 48)).astype("float32")
    steps = 300
    keep = 1 - rate
    ours = _draws(InvertedDropout(rate, seed=1), x, steps)
    theirs = _draws(keras.layers.Dropout(rate, seed=1), x, steps)
    n = ours.size
    masks = {}
    for name, out in (("ours", ours), ("keras", theirs)):
        kept = out != 0
        masks[name] = kept.astype(np.float64)
        # Keep rate: a binomial proportion.
        assert abs(kept.mean() - keep) < 5 * math.sqrt(keep * rate / n), name
        # Kept entries are the input over the keep probability.
        np.testing.assert_allclose(out[kept], np.broadcast_to(x, out.shape)[kept]
                                   / keep, rtol=1e-6)
        # Masks uncorrelated across steps and across examples.
        centred = masks[name] - keep
        limit = 5 / math.sqrt(n)
        for a, b in ((centred[:-1], centred[1:]),
                     (centred[:, :-1], centred[:, 1:])):
            corr = np.mean(a * b) / (keep * rate)
            assert abs(corr) < limit, (name, corr)
    # The keep rates of the two layers agree with each other.
    assert abs(masks["ours"].mean() - masks["keras"].mean()) < 5 * math.sqrt(
        2 * keep * rate / n)
    # Per entry: E[out] = x for both, and the two means agree. Each mean over
    # `steps` draws has standard error |x| sqrt(rate / keep / steps).
    se = np.abs(x) * math.sqrt(rate / keep / steps) + 1e-12
    z_ours = (ours.mean(axis=0) - x) / se
    z_diff = (ours.mean(axis=0) - theirs.mean(axis=0)) / (math.sqrt(2) * se)
    # 1,536 entries: the largest of 1,536 standard normals exceeds 5 with
    # probability ~1e-3.
    assert np.max(np.abs(z_ours)) < 5 and np.max(np.abs(z_diff)) < 5
    # The spread of the outputs: Var[out] = x**2 rate / keep, for both. The
    # sum over entries of the sample variances (ddof 1) has the variance
    # sum(sigma**4 ((kurtosis - 1) / n + 2 / (n (n - 1)))), with the
    # kurtosis of a two-valued variable, (1 - 3 rate keep) / (rate keep).
    sigma2 = x.astype(np.float64) ** 2 * rate / keep
    kurtosis = (1 - 3 * rate * keep) / (rate * keep)
    se_sum = math.sqrt(np.sum(sigma2 ** 2) * (
        (kurtosis - 1) / steps + 2 / (steps * (steps - 1))))
    for out in (ours, theirs):
        total = out.astype(np.float64).var(axis=0, ddof=1).sum()
        assert abs(total - sigma2.sum()) < 5 * se_sum
    np.testing.assert_array_equal(_np(InvertedDropout(rate)(x)), x)


def test_fresh_independent_mask_per_example_and_step():
    layer = InvertedDropout(0.5, seed=2)
    x = np.ones((512, 64), "float32")
    steps = [(_np(layer(x, training=True)) != 0).astype(float) for _ in range(3)]
    limit = 5 / math.sqrt(x.size)
    for a, b in ((steps[0], steps[1]), (steps[1], steps[2]),
                 (steps[0][:-1], steps[0][1:])):
        assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < limit


@pytest.mark.parametrize("rate", [0.5, 0.2])
@pytest.mark.parametrize("jit", [True, False])
def test_a_new_mask_every_compiled_train_step(rate, jit):
    """Inside `fit`'s compiled train step (with and without XLA on
    TensorFlow and JAX; the batch size unknown when traced), the layer's
    seed generator advances once a step, so every step draws a new mask
    (distinct states give distinct words: tests/kreg/random), and the
    training loss is that of the keep rate."""
    layer = InvertedDropout(rate, seed=7)
    model = keras.Sequential([keras.Input((8,)), layer, keras.layers.Dense(
        1, use_bias=False, kernel_initializer="ones")])
    jit = jit and keras.backend.backend() != "torch"
    model.compile(keras.optimizers.SGD(0.0), "mse", jit_compile=jit)
    x = np.ones((256, 8), "float32")
    history = model.fit(x, np.full((256, 1), 8.0), batch_size=64, epochs=2,
                        verbose=0)
    np.testing.assert_array_equal(_np(layer.seed_generator.state), [7, 8])
    # out - 8 = D, a sum of n = 8 independent Y = m / keep - 1 (mean 0,
    # variance s2 = rate / keep, fourth moment m4): the loss D**2 has mean
    # n s2 and variance n m4 + (2 n**2 - 3 n) s2**2; an epoch averages 256.
    n, keep = 8, 1 - rate
    s2 = rate / keep
    m4 = keep * s2 ** 4 + rate
    se = math.sqrt((n * m4 + (2 * n * n - 3 * n) * s2 ** 2) / 256)
    for loss in history.history["loss"]:
        assert abs(loss - n * s2) < 5 * se


def test_noise_shape_shares_the_mask():
    out = _np(InvertedDropout(0.5, noise_shape=(None, 1, 6), seed=4)(
        np.ones((8, 5, 6), "float32"), training=True))
    assert np.all(out == out[:, :1, :])
    assert 0 < np.mean(out == 0) < 1


def test_trains_in_a_model_and_round_trips(keras_roundtrip):
    model = keras.Sequential([keras.Input((6,)), InvertedDropout(0.5, seed=1),
                              keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).normal(size=(32, 6)).astype("float32")
    model.fit(x, np.zeros((32, 2)), epochs=1, verbose=0)
    loaded = keras_roundtrip(model)
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)
    assert isinstance(loaded.layers[0], InvertedDropout)
    assert loaded.layers[0].get_config()["rate"] == 0.5


def test_mixed_precision(mixed_precision):
    layer = InvertedDropout(0.5, seed=1)
    out = layer(np.ones((4, 8), "float32"), training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert set(np.unique(_np(out))) == {0.0, 2.0}


def test_every_rate_is_xla_friendly():
    """The suite's compiled loop keeps XLA for layers that say so: every
    rate is drawn by the counter-based hash."""
    assert InvertedDropout(0.5).xla_friendly_random
    assert InvertedDropout(0.1).xla_friendly_random
