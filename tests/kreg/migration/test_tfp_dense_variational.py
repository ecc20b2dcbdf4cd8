"""Migrating from TensorFlow Probability's dense variational layers.

`tfp.layers.DenseReparameterization`, `DenseLocalReparameterization` and
`DenseFlipout` are `kreg.layers.BayesianDense` with `sampling="weights"`,
`"local"` and `"flipout"`. These tests encode the behaviour TFP's own tests
(`tensorflow_probability/python/layers/dense_variational_test.py`) check,
for the kreg layer, on every backend:

- output shapes for rank-2 and rank-3 inputs, and in a `Sequential` of the
  three kinds;
- no loss before the first call, then one scalar KL loss per layer (two,
  kernel then bias, with a bias posterior), also collected in
  `model.losses`, after training and inference calls alike;
- the output formulas: `x @ W + b` for one kernel sample `W` and bias
  sample `b` a call (`"weights"`); seeds decide Flipout's outputs;
- the KL values: the closed-form Gaussian KL of the posterior's mean and
  scale, against NumPy;
- stochastic outputs: two training calls differ; at inference
  `inference="mean"` is deterministic and `inference="sample"` (TFP's
  behaviour: its layers always sample) is not;
- the KL is in `fit`'s and `evaluate`'s loss.

That Flipout, the local reparameterization and weight sampling give outputs
with the same mean and variance is tested in
`tests/kreg/layers/test_bayesian_dense.py`
(`test_output_moments_match_weight_sampling`), not repeated here.
"""

import keras
import numpy as np
import pytest

from kreg.layers import BayesianDense

_np = keras.ops.convert_to_numpy
SAMPLINGS = ("weights", "local", "flipout")


def softplus(v):
    return np.logaddexp(0.0, v)


def np_gaussian_kl(mu, sigma, prior_stddev):
    """`KL(N(mu, sigma^2) || N(0, prior_stddev^2))`, summed, in float64."""
    mu, sigma = np.asarray(mu, "float64"), np.asarray(sigma, "float64")
    return float(np.sum(np.log(prior_stddev / sigma)
                        + (sigma**2 + mu**2) / (2 * prior_stddev**2) - 0.5))


@pytest.mark.parametrize("sampling", SAMPLINGS)
def test_output_shapes_and_one_scalar_kl_loss_per_call(sampling):
    layer = BayesianDense(3, sampling=sampling, seed=0)
    assert layer.losses == []  # no loss before the first call
    x = np.random.default_rng(0).uniform(size=(3, 2)).astype("float32")
    for training in (None, True, False):
        y = layer(x, training=training)
        assert tuple(y.shape) == (3, 3)
        assert len(layer.losses) == 1, training  # replaced, not accumulated
        assert tuple(layer.losses[0].shape) == ()
    rank_3 = np.ones((2, 5, 2), "float32")
    for training in (True, False):
        assert tuple(layer(rank_3, training=training).shape) == (2, 5, 3)
    assert layer.compute_output_shape((None, None, 2)) == (None, None, 3)


def test_bias_posterior_adds_a_second_kl_loss():
    layer = BayesianDense(2, bias_posterior=True, seed=0)
    assert layer.losses == []
    layer(np.ones((2, 3), "float32"))
    kernel_kl, bias_kl = (float(_np(loss)) for loss in layer.losses)
    np.testing.assert_allclose(kernel_kl, np_gaussian_kl(
        _np(layer.kernel_mean), _np(layer.kernel_scale()), 1.0), rtol=1e-5)
    np.testing.assert_allclose(bias_kl, np_gaussian_kl(
        _np(layer.bias), _np(layer.bias_scale()), 1.0), rtol=1e-5)


def test_a_sequential_of_the_three_kinds():
    model = keras.Sequential([
        keras.Input((3,)),
        BayesianDense(6, sampling="weights", activation="relu"),
        BayesianDense(6, sampling="flipout", activation="relu"),
        BayesianDense(4, sampling="local"),
    ])
    x = np.random.default_rng(1).uniform(size=(2, 3)).astype("float32")
    for training in (True, False):
        assert tuple(model(x, training=training).shape) == (2, 4)
        # One KL loss per layer in the model's losses, in both modes.
        assert len(model.losses) == 3, training
    expected = sum(np_gaussian_kl(_np(layer.kernel_mean),
                                  _np(layer.kernel_scale()), 1.0)
                   for layer in model.layers)
    np.testing.assert_allclose(sum(float(_np(v)) for v in model.losses),
                               expected, rtol=1e-5)


def test_weight_sampling_output_is_x_times_one_kernel_sample_plus_bias():
    """One call: rows of the identity read the kernel sample plus the bias
    sample, a zero row the bias sample, and every other row is
    `x @ W + b` for that one `W` and `b`."""
    in_size, out_size = 3, 4
    layer = BayesianDense(out_size, bias_posterior=True, seed=42,
                          scale_initializer=keras.initializers.Constant(-1.0),
                          bias_initializer="ones")
    x = np.random.default_rng(2).uniform(size=(5, in_size)).astype("float32")
    batch = np.concatenate([np.eye(in_size, dtype="float32"),
                            np.zeros((1, in_size), "float32"), x])
    out = _np(layer(batch, training=True)).astype("float64")
    bias = out[in_size]
    kernel = out[:in_size] - bias
    np.testing.assert_allclose(out[in_size + 1:], x @ kernel + bias,
                               rtol=1e-5, atol=1e-5)
    # A sample, not the mean: it moved by about S = softplus(-1) = 0.31.
    assert np.abs(kernel - _np(layer.kernel_mean)).mean() > 0.05
    assert np.abs(bias - 1.0).mean() > 0.05


def test_flipout_outputs_depend_on_the_seed():
    x = np.random.default_rng(3).uniform(size=(2, 3)).astype("float32")

    def output(seed):
        layer = BayesianDense(4, sampling="flipout", seed=seed,
                              mean_initializer="ones",
                              scale_initializer=keras.initializers.Constant(0.0))
        return _np(layer(x, training=True))

    one, two = output(44), output(45)
    # Fewer than one output's worth of entries coincide (TFP's check).
    assert np.sum(np.isclose(one, two)) < 4
    np.testing.assert_array_equal(one, output(44))


@pytest.mark.parametrize("sampling", SAMPLINGS)
def test_stochastic_in_training_deterministic_mean_at_inference(sampling):
    layer = BayesianDense(4, sampling=sampling, seed=1)
    x = np.random.default_rng(4).uniform(size=(8, 3)).astype("float32")
    assert not np.allclose(_np(layer(x, training=True)),
                           _np(layer(x, training=True)))
    at_mean = x @ _np(layer.kernel_mean) + _np(layer.bias)
    for training in (False, None):
        np.testing.assert_allclose(_np(layer(x, training=training)), at_mean,
                                   rtol=1e-5, atol=1e-6)
    # TFP's layers sample at inference too: `inference="sample"`.
    sampler = BayesianDense(4, sampling=sampling, inference="sample", seed=1)
    first = _np(sampler(x))
    assert not np.allclose(first, _np(sampler(x)))
    assert len(sampler.losses) == 1


@pytest.mark.parametrize("prior_stddev", [1.0, 0.3])
def test_kl_value_against_numpy(prior_stddev):
    """The default posterior (softplus scale, `S = softplus(rho) + 1e-5`;
    TFP adds 1.2e-7 instead) against a `N(0, prior_stddev^2)` prior, for a
    known mean and `rho`; `kl_weight` scales it as a TFP user's
    `kernel_divergence_fn=lambda q, p, _: kl(q, p) / n` does."""
    rng = np.random.default_rng(5)
    mu = rng.normal(0.0, 0.5, (3, 2)).astype("float32")
    rho = rng.normal(-3.0, 0.5, (3, 2)).astype("float32")
    expected = np_gaussian_kl(mu, softplus(rho.astype("float64")) + 1e-5,
                              prior_stddev)
    for kl_weight in (1.0, 1 / 1000):
        layer = BayesianDense(2, prior_stddev=prior_stddev, kl_weight=kl_weight,
                              use_bias=False)
        layer.build((None, 3))
        layer.kernel_mean.assign(mu)
        layer.kernel_untransformed_scale.assign(rho)
        layer(np.ones((1, 3), "float32"))
        np.testing.assert_allclose(_np(layer.losses[0]), kl_weight * expected,
                                   rtol=1e-5)


def test_fit_and_evaluate_count_the_kl():
    """TFP adds the KL on every call, so `evaluate` reports the data loss
    plus the KL, as `fit` does."""
    n = 64
    rng = np.random.default_rng(6)
    x = rng.uniform(size=(n, 3)).astype("float32")
    y = rng.uniform(size=(n, 2)).astype("float32")
    layer = BayesianDense(2, kl_weight=1 / n, seed=2)
    model = keras.Sequential([keras.Input((3,)), layer])
    model.compile(keras.optimizers.SGD(0.0), "mse")  # nothing moves
    fit_loss = model.fit(x, y, batch_size=n, verbose=0).history["loss"][0]
    kl = np_gaussian_kl(_np(layer.kernel_mean), _np(layer.kernel_scale()),
                        1.0) / n
    data_loss = float(np.mean((x @ _np(layer.kernel_mean) - y) ** 2))
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), data_loss + kl,
                               rtol=1e-4)
    # Training samples the kernel: its data loss is noisy around the mean's.
    assert fit_loss > kl
