"""Tests for `kreg.layers.bayesian_dense`: the posterior's samples (weights,
Flipout, local reparameterization, inference), the bias posterior, the KL
term (closed form, Monte Carlo, scale-mixture prior), the scale
parameterizations, config and saving.

Statistical checks use fixed seeds and tolerances of 5 standard errors
computed from the number of draws (a false failure rate below 1e-6 per
check for a Gaussian statistic)."""

import math

import keras
import numpy as np
import pytest

from kreg import kernels
from kreg.layers import BayesianDense, GaussianPrior, ScaleMixturePrior
from tests.kreg.layers.gaussian_layer_checks import (
    check_penalties_and_constraints_on_mean_and_bias,
)
from tests.kreg.layers.keras_layer_checks import run_keras_layer_test
from tests.kreg.repeated_calls import training_call_losses, training_calls

_np = keras.ops.convert_to_numpy
INPUT_DIM, UNITS = 6, 3
SOFTPLUS_FLOOR = 1e-5  # the documented `S = softplus(rho) + 1e-5`
Z = 5  # standard errors allowed


def softplus(v):
    return np.logaddexp(0.0, v)


def bayesian(sampling="weights", scale="exp", seed=1, **kwargs):
    """A built layer with known, varied means and scales (so that a
    transposed or misplaced scale would show)."""
    layer = BayesianDense(
        UNITS, sampling=sampling, use_bias=False,
        scale_parameterization=scale, seed=seed, **kwargs)
    layer.build((None, INPUT_DIM))
    rng = np.random.default_rng(0)
    mu = rng.normal(0.0, 0.5, (INPUT_DIM, UNITS)).astype("float32")
    sigma = rng.uniform(0.1, 0.5, (INPUT_DIM, UNITS)).astype("float32")
    layer.kernel_mean.assign(mu)
    if scale == "exp":
        layer.kernel_log_scale.assign(np.log(sigma))
    else:
        layer.kernel_untransformed_scale.assign(
            np.log(np.expm1(sigma - SOFTPLUS_FLOOR)))
    np.testing.assert_allclose(_np(layer.kernel_scale()), sigma, rtol=1e-5)
    return layer, mu, sigma


def calls(layer, x, n):
    return training_calls(layer, x, n)


# --------------------------------------------------------------------------
# Flipout and local reparameterization against weight sampling.


def test_output_moments_match_weight_sampling():
    """Over many calls one example's output has the mean `x @ mu` and the
    variance `(x * x) @ S^2` of `x @ w`, w ~ N(mu, S^2), with Flipout and
    local reparameterization as with weight sampling; and two examples of
    one call are uncorrelated (one shared kernel makes them equal)."""
    x = np.random.default_rng(1).normal(size=(1, INPUT_DIM)).astype("float32")
    pair = np.repeat(x, 2, axis=0)  # two identical examples a call
    n = 1000
    out = {}
    for mode in ("weights", "local", "flipout"):
        layer, mu, sigma = bayesian(mode)
        out[mode] = calls(layer, pair, n)  # (n, 2, UNITS)
    mean = x[0] @ mu
    variance = (x[0] ** 2) @ sigma**2
    for mode, draws in out.items():
        first = draws[:, 0]
        # The output is Gaussian: the sample mean has standard error
        # sqrt(var / n), the sample variance var * sqrt(2 / (n - 1)).
        np.testing.assert_array_less(np.abs(first.mean(0) - mean),
                                     Z * np.sqrt(variance / n), err_msg=mode)
        np.testing.assert_array_less(np.abs(first.var(0, ddof=1) - variance),
                                     Z * variance * math.sqrt(2 / (n - 1)),
                                     err_msg=mode)
    # Against weight sampling: the difference of two independent means has
    # standard error sqrt(2 var / n); the log of the ratio of two independent
    # sample variances has standard error sqrt(4 / (n - 1)).
    a = out["weights"][:, 0]
    for mode in ("local", "flipout"):
        b = out[mode][:, 0]
        np.testing.assert_array_less(np.abs(a.mean(0) - b.mean(0)),
                                     Z * np.sqrt(2 * variance / n), err_msg=mode)
        np.testing.assert_array_less(
            np.abs(np.log(a.var(0, ddof=1) / b.var(0, ddof=1))),
            Z * math.sqrt(4 / (n - 1)), err_msg=mode)
    # Within one call: weight sampling gives identical examples; Flipout and
    # local reparameterization uncorrelated ones. Flipout's two perturbations
    # are uncorrelated but not independent: the variance of their product is
    # at most 3 var^2 (a fourth moment of the shared eps), so the sample
    # correlation has standard error at most sqrt(3 / n).
    np.testing.assert_array_equal(out["weights"][:, 0], out["weights"][:, 1])
    for mode in ("local", "flipout"):
        for j in range(UNITS):
            r = np.corrcoef(out[mode][:, 0, j], out[mode][:, 1, j])[0, 1]
            assert abs(r) < Z * math.sqrt(3 / n), (mode, j, r)


def test_flipout_shares_one_perturbation_per_call():
    """With one input feature an example's perturbation is
    `s_in * x * (S * eps) * s_out`: the same magnitude for every example of
    a call (one `eps` a call), with random signs (per example)."""
    layer = BayesianDense(4, sampling="flipout", use_bias=False, seed=3,
                          scale_initializer=keras.initializers.Constant(0.0))
    x = np.ones((200, 1), "float32")
    first = _np(layer(x, training=True))
    mean = x @ _np(layer.kernel_mean)
    second = _np(layer(x, training=True))
    for out in (first, second):
        magnitude = np.abs(out - mean)
        # `out - mean` carries the float32 rounding of `mean + p` (an ulp of
        # |out|, which oneDNN or not may round either way) and of the
        # subtraction: two ulps of the largest output.
        ulps = 2 * np.finfo(np.float32).eps * np.abs(out).max()
        np.testing.assert_allclose(magnitude, np.broadcast_to(
            magnitude[:1], magnitude.shape), rtol=0, atol=ulps)
        signs = np.sign(out - mean)
        # 200 examples: each sign pattern of a unit is +/- with probability
        # 1/2; both occur unless all 200 agree (probability 2^-199).
        assert np.all(signs.min(0) < 0) and np.all(signs.max(0) > 0)
    assert not np.allclose(np.abs(first - mean), np.abs(second - mean))


def test_flipout_examples_of_one_call_differ():
    layer = BayesianDense(3, sampling="flipout", seed=1)
    # 20 inputs: 2^21 sign patterns, so 500 examples almost never share one.
    out = _np(layer(np.ones((500, 20), "float32"), training=True))
    assert len(np.unique(out[:, 0])) > 450  # not one shared sample
    assert layer.xla_friendly_random


@pytest.mark.parametrize("sampling", ["weights", "local", "flipout"])
def test_rank_3_inputs_dynamic_batch_and_inference_sample(sampling):
    layer = BayesianDense(UNITS, sampling=sampling, inference="sample",
                          kl_weight=1e-3, seed=0,
                          scale_initializer=keras.initializers.Constant(-1.0))
    model = keras.Sequential([keras.Input((7, INPUT_DIM)), layer])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    x = np.random.default_rng(0).normal(size=(10, 7, INPUT_DIM)).astype("float32")
    history = model.fit(x, np.zeros((10, 7, UNITS), "float32"), batch_size=4,
                        epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert tuple(layer(x, training=True).shape) == (10, 7, UNITS)
    # At inference, `inference="sample"` is one kernel a call, whatever the
    # training sampling: identical examples give identical outputs.
    same = np.repeat(x[:1], 3, axis=0)
    out = _np(layer(same))
    np.testing.assert_array_equal(out[0], out[1])
    assert not np.allclose(out, _np(layer(same)))


@pytest.mark.parametrize("sampling", ["weights", "local", "flipout"])
def test_zero_input_rows_keep_gradients_finite(sampling):
    """The local reparameterization's `sqrt` of a zero variance (an all-zero
    input row) must not turn the scales' gradients into NaN."""
    layer = BayesianDense(UNITS, sampling=sampling, kl_weight=1e-3, seed=0)
    model = keras.Sequential([keras.Input((INPUT_DIM,)), layer])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.zeros((8, INPUT_DIM), "float32")
    x[:4] = 1.0
    before = _np(layer.kernel_untransformed_scale).copy()
    model.fit(x, np.ones((8, UNITS), "float32"), batch_size=8, verbose=0)
    for weight in layer.weights:
        assert np.all(np.isfinite(_np(weight))), weight.name
    assert not np.allclose(_np(layer.kernel_untransformed_scale), before)


# --------------------------------------------------------------------------
# The KL term: closed form, Monte Carlo estimate, scale-mixture prior.


def kl_values(layer, n, x=None):
    x = np.ones((2, INPUT_DIM), "float32") if x is None else x
    return training_call_losses(layer, x, n)[:, 0]


def np_gaussian_kl(mu, sigma, prior):
    return float(np.sum(np.log(prior / sigma) + (sigma**2 + mu**2)
                        / (2 * prior**2) - 0.5))


@pytest.mark.parametrize("scale", ["exp", "softplus"])
def test_closed_form_kl(scale):
    layer, mu, sigma = bayesian(scale=scale, kl_weight=0.5, prior_stddev=0.7)
    np.testing.assert_allclose(kl_values(layer, 1)[0],
                               0.5 * np_gaussian_kl(mu, sigma, 0.7), rtol=1e-5)


def test_monte_carlo_kl_mean_matches_the_closed_form():
    closed = np_gaussian_kl(*bayesian()[1:], 0.5)
    for sampling in ("weights", "local", "flipout"):
        for scale in ("exp", "softplus"):
            layer = bayesian(sampling, scale, kl_weight=1.0, prior_stddev=0.5,
                             kl_estimate="monte_carlo")[0]
            estimates = kl_values(layer, 400)
            se = estimates.std(ddof=1) / math.sqrt(len(estimates))
            assert abs(estimates.mean() - closed) < Z * se, (sampling, scale)
            assert estimates.std() > 0  # a real estimate, not the closed form


def np_log_q_minus_log_p(w, mu, sigma, log_prior):
    log_q = (-0.5 * ((w - mu) / sigma) ** 2 - np.log(sigma)
             - 0.5 * np.log(2 * np.pi))
    return float(np.sum(log_q - log_prior(w)))


@pytest.mark.parametrize("prior", [None, ScaleMixturePrior(0.25, 1.0, 0.05)])
def test_monte_carlo_kl_is_taken_at_the_calls_kernel_sample(prior):
    """With `sampling="weights"` the estimate is `log q(w) - log p(w)` at
    the very kernel the call used (read back through an identity input)."""
    kwargs = {"prior": prior} if prior else {"kl_estimate": "monte_carlo"}
    layer, mu, sigma = bayesian(kl_weight=1.0, **kwargs)
    identity = np.eye(INPUT_DIM, dtype="float32")
    if prior is None:
        def log_prior(w):
            return -0.5 * w**2 - 0.5 * np.log(2 * np.pi)
    else:
        def log_prior(w):
            return np.logaddexp(
                np.log(0.25) - 0.5 * w**2 - 0.5 * np.log(2 * np.pi),
                np.log(0.75) - 0.5 * (w / 0.05) ** 2 - np.log(0.05)
                - 0.5 * np.log(2 * np.pi))
    for _ in range(3):
        kernel = _np(layer(identity, training=True)).astype("float64")
        expected = np_log_q_minus_log_p(kernel, mu, sigma, log_prior)
        np.testing.assert_allclose(_np(layer.losses[0]), expected,
                                   rtol=1e-4, atol=1e-3)


def test_scale_mixture_kl_estimate_is_unbiased():
    """The Monte Carlo KL to the scale mixture, averaged over many calls,
    matches `E_q[log q - log p]` computed by Gauss-Hermite quadrature."""
    prior = ScaleMixturePrior(pi=0.5, sigma1=1.0, sigma2=math.exp(-3))
    layer, mu, sigma = bayesian("flipout", kl_weight=1.0, prior=prior)
    assert layer.kl_estimate == "auto"
    nodes, weights = np.polynomial.hermite_e.hermegauss(200)
    weights = weights / weights.sum()  # E over N(0, 1)
    w = mu[..., None] + sigma[..., None] * nodes
    log_p = np.logaddexp(
        np.log(0.5) - 0.5 * w**2 - 0.5 * np.log(2 * np.pi),
        np.log(0.5) - 0.5 * (w / prior.sigma2) ** 2 - np.log(prior.sigma2)
        - 0.5 * np.log(2 * np.pi))
    entropy = np.log(sigma) + 0.5 * np.log(2 * np.pi * np.e)
    exact = float(np.sum(-entropy - (log_p * weights).sum(-1)))
    estimates = kl_values(layer, 400)
    se = estimates.std(ddof=1) / math.sqrt(len(estimates))
    assert abs(estimates.mean() - exact) < Z * se, (estimates.mean(), exact, se)
    # The Gaussian prior's closed form would be another number.
    assert abs(np_gaussian_kl(mu, sigma, 1.0) - exact) > 10 * se


def test_kl_under_mixed_precision_reads_float32_variables(mixed_precision):
    """The KL term is computed in float32 from the float32 variables (not
    from float16 copies of them)."""
    layer, mu, sigma = bayesian("flipout", kl_weight=1.0)
    assert layer.compute_dtype == "float16"
    layer(np.ones((2, INPUT_DIM), "float32"), training=True)
    assert keras.backend.standardize_dtype(layer.losses[0].dtype) == "float32"
    value = float(_np(layer.losses[0]))
    np.testing.assert_allclose(value, np_gaussian_kl(mu, sigma, 1.0), rtol=1e-5)


def test_local_variance_is_float32_under_mixed_precision(mixed_precision):
    """With S = 1e-4, S^2 = 1e-8 is 0 in float16; the variance is computed
    in float32, so the outputs still have the right spread."""
    layer = BayesianDense(
        UNITS, sampling="local", use_bias=False, mean_initializer="zeros",
        scale_parameterization="exp",
        scale_initializer=keras.initializers.Constant(math.log(1e-4)), seed=0)
    n = 2000
    out = _np(layer(np.ones((n, INPUT_DIM), "float32"), training=True))
    assert out.dtype == np.float16
    expected = math.sqrt(INPUT_DIM) * 1e-4
    # The sample std of n normals: relative standard error 1 / sqrt(2 n).
    np.testing.assert_allclose(out.astype("float64").std(0), expected,
                               rtol=Z / math.sqrt(2 * n))


@pytest.mark.parametrize("sampling", ["weights", "local", "flipout"])
def test_every_sampling_under_mixed_precision(mixed_precision, sampling):
    layer = BayesianDense(4, sampling=sampling, prior=ScaleMixturePrior(),
                          kl_weight=1e-3, seed=0, bias_posterior=True)
    x = np.ones((3, 5), "float32")
    y = layer(x, training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    assert np.isfinite(_np(y)).all() and np.isfinite(_np(layer.losses[0]))
    for weight in layer.weights:
        assert weight.dtype == "float32", weight.name
    assert len(layer.losses) == 2
    np.testing.assert_allclose(_np(layer(x)), x @ _np(layer.kernel_mean),
                               rtol=1e-2, atol=1e-2)


# --------------------------------------------------------------------------
# The softplus scale.


def test_softplus_scale_with_tfp_like_init():
    layer = BayesianDense(200, seed=0)  # the default scale
    layer.build((None, 50))
    assert sorted(w.name for w in layer.weights) == [
        "bias", "kernel_mean", "kernel_untransformed_scale"]
    assert not hasattr(layer, "kernel_log_scale")
    raw = _np(layer.kernel_untransformed_scale).astype("float64")
    n = raw.size
    # rho ~ N(-3, 0.1^2): the sample mean has standard error 0.1 / sqrt(n),
    # the sample std 0.1 / sqrt(2 n).
    assert abs(raw.mean() + 3) < Z * 0.1 / math.sqrt(n)
    assert abs(raw.std() - 0.1) < Z * 0.1 / math.sqrt(2 * n)
    scale = _np(layer.kernel_scale()).astype("float64")
    np.testing.assert_allclose(scale, softplus(raw) + SOFTPLUS_FLOOR, rtol=1e-5)
    # The stated initial scale: E[softplus(-3 + 0.1 z)] + 1e-5 ~ 0.0488.
    nodes, weights = np.polynomial.hermite_e.hermegauss(50)
    expected = float((softplus(-3 + 0.1 * nodes) * weights).sum()
                     / weights.sum()) + SOFTPLUS_FLOOR
    assert abs(scale.mean() - expected) < Z * scale.std() / math.sqrt(n)
    assert 0.045 < expected < 0.052  # "near softplus(-3) = 0.049"


def test_softplus_scale_trains_and_saves(keras_roundtrip):
    keras.utils.set_random_seed(0)
    layer = BayesianDense(UNITS, sampling="local", kl_weight=0.1, seed=4)
    model = keras.Sequential([keras.Input((INPUT_DIM,)), layer])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    before = _np(layer.kernel_untransformed_scale).copy()
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(32, INPUT_DIM)).astype("float32"),
              rng.normal(size=(32, UNITS)).astype("float32"),
              batch_size=8, verbose=0)
    assert np.mean(np.abs(_np(layer.kernel_untransformed_scale) - before)
                   > 1e-6) > 0.75
    loaded = keras_roundtrip(model).layers[0]
    np.testing.assert_array_equal(_np(loaded.kernel_untransformed_scale),
                                  _np(layer.kernel_untransformed_scale))
    np.testing.assert_array_equal(_np(loaded.kernel_scale()),
                                  _np(layer.kernel_scale()))


# --------------------------------------------------------------------------
# Arguments, config, saving, kernels.


def test_new_options_round_trip(keras_roundtrip):
    layer = BayesianDense(
        3, sampling="flipout", kl_weight=0.1, bias_posterior=True,
        prior=ScaleMixturePrior(0.5, 1.0, 0.1), kl_estimate="monte_carlo",
        seed=2)
    model = keras.Sequential([keras.Input((4,)), layer])
    loaded = keras_roundtrip(model).layers[0]
    config = loaded.get_config()
    assert config == layer.get_config()
    assert config["sampling"] == "flipout"
    assert config["scale_parameterization"] == "softplus"
    assert config["kl_estimate"] == "monte_carlo"
    assert isinstance(loaded.prior, ScaleMixturePrior)
    assert loaded.prior.get_config() == {"pi": 0.5, "sigma1": 1.0, "sigma2": 0.1}
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)


def test_a_gaussian_prior_object_saves_as_prior_stddev(keras_roundtrip):
    layer, mu, sigma = bayesian(kl_weight=1.0, prior=GaussianPrior(2.0))
    config = layer.get_config()
    assert config["prior"] is None and config["prior_stddev"] == 2.0
    model = keras.Sequential([keras.Input((INPUT_DIM,)), layer])
    loaded = keras_roundtrip(model).layers[0]
    assert loaded.prior.stddev == 2.0
    expected = np_gaussian_kl(mu, sigma, 2.0)
    for each in (layer, loaded):
        np.testing.assert_allclose(kl_values(each, 1)[0], expected, rtol=1e-5)


_INVALID = [
    ({"units": 0}, r"`units`.*Received: units=0"),
    ({"sampling": "batch"}, r"`sampling`.*Received: sampling=batch"),
    ({"inference": "median"}, r"`inference`.*Received: inference=median"),
    ({"scale_parameterization": "tanh"},
     r"`scale_parameterization`.*Received: scale_parameterization=tanh"),
    ({"kl_estimate": "exact"}, r"`kl_estimate`.*Received: kl_estimate=exact"),
    ({"kl_weight": -1e-3}, r"`kl_weight`.*>= 0.*Received: kl_weight=-0.001"),
    ({"kl_weight": float("inf")}, r"`kl_weight`.*finite.*Received: kl_weight=inf"),
    ({"kl_weight": float("nan")}, r"`kl_weight`.*Received: kl_weight=nan"),
    ({"prior_stddev": 0.0}, r"`prior_stddev`.*Received: prior_stddev=0.0"),
    ({"prior": "wide"}, r"`prior`.*WeightPrior.*Received: prior='wide'"),
    ({"prior_stddev": 2.0, "prior": ScaleMixturePrior()},
     r"`prior_stddev`.*not both"),
    ({"prior": ScaleMixturePrior(), "kl_estimate": "closed_form"},
     r"`kl_estimate`.*no closed form.*Received: kl_estimate=closed_form"),
    ({"bias_posterior": 1}, r"`bias_posterior`.*Received: bias_posterior=1"),
    ({"bias_posterior": True, "use_bias": False},
     r"`bias_posterior`.*use_bias=False.*Received: bias_posterior=True"),
    ({"seed": 1.5}, r"`seed`.*Received: seed=1.5"),
]


def test_invalid_arguments_raise():
    for kwargs, match in _INVALID:
        with pytest.raises(ValueError, match=match):
            BayesianDense(**{"units": 3, **kwargs})
    # Allowed: the mixture prior with the explicit Monte Carlo estimate, the
    # closed form with the Gaussian prior, a NumPy kl_weight, 0.
    BayesianDense(3, prior=ScaleMixturePrior(), kl_estimate="monte_carlo")
    BayesianDense(3, prior=GaussianPrior(0.3), kl_estimate="closed_form")
    BayesianDense(3, kl_weight=np.float32(0.5))
    BayesianDense(3, kl_weight=0)
    # The article layer's arguments mean nothing here: they do not exist.
    for name, value in (("noise_scale", 0.5), ("mode", "reparameterized")):
        with pytest.raises(ValueError, match=f"Unrecognized keyword.*{name}"):
            BayesianDense(3, **{name: value})


@pytest.mark.parametrize("scale", ["exp", "softplus"])
def test_declares_its_mean_kernel(scale):
    layer = BayesianDense(UNITS, scale_parameterization=scale)
    layer.build((None, INPUT_DIM))
    (kernel,) = kernels.layer_kernels(layer)
    assert kernel.variable is layer.kernel_mean
    assert kernel.unit_axes == (1,)
    assert kernel.regularizer_attribute == "mean_regularizer"


# --------------------------------------------------------------------------
# The library guide's example (docs/guide/library.md): predictive uncertainty
# far from the data.


def predictive_sd_near_and_far(seed):
    """The library guide's Bayesian MLP (two Flipout layers, softplus scales,
    kl_weight = 1 / N) trained on sin(3x) for x in [-1, 1]; the mean over
    inputs of the std over 100 Monte Carlo predictions, on [-1, 1] (near)
    and on [3, 4] (far)."""
    rng = np.random.default_rng(seed)
    x_train = rng.uniform(-1, 1, (1024, 1)).astype("float32")
    y_train = (np.sin(3 * x_train)
               + 0.1 * rng.normal(size=x_train.shape)).astype("float32")

    def bayesian_dense(units, **kwargs):
        return BayesianDense(
            units, sampling="flipout", inference="sample",
            kl_weight=1 / len(x_train), **kwargs)

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((1,)),
                              bayesian_dense(32, activation="relu"),
                              bayesian_dense(1)])
    model.compile(keras.optimizers.Adam(0.02), "mse")
    model.fit(x_train, y_train, epochs=12, batch_size=32, verbose=0)
    inputs = np.concatenate([np.linspace(-1, 1, 50),
                             np.linspace(3, 4, 50)]).astype("float32")[:, None]
    draws = np.stack([_np(model(inputs)) for _ in range(100)])[..., 0]
    sd = draws.std(axis=0)
    return float(sd[:50].mean()), float(sd[50:].mean())


@pytest.mark.parametrize("seed", [0, 1])
def test_bayesian_mlp_is_more_uncertain_far_from_the_data(seed):
    # Far from the data the prior's weight uncertainty is extrapolated
    # linearly by the ReLU net; near it the likelihood has shrunk it. The
    # ratio was far above 3 for every seed and backend tried (see the
    # report of issue 10), so 3 is a margin, not a measurement.
    near, far = predictive_sd_near_and_far(seed)
    assert far > 3 * near, (near, far)


# --------------------------------------------------------------------------
# Defaults, samples at training and inference.


def np_kl_exp(mu, s_hat, prior_stddev):
    """Closed-form KL(N(mu, exp(s_hat)^2) || N(0, prior^2)), summed."""
    return np_gaussian_kl(mu, np.exp(s_hat), prior_stddev)


def exp_layer(rng, log_sigma=-1.0, **kwargs):
    """A built layer with the exp scale, known `mu`, `s_hat` and bias."""
    layer = BayesianDense(UNITS, scale_parameterization="exp", seed=3, **kwargs)
    layer.build((None, INPUT_DIM))
    shape = (INPUT_DIM, UNITS)
    mu = rng.normal(0.0, 0.5, shape).astype("float32")
    s_hat = (log_sigma + rng.normal(0.0, 0.1, shape)).astype("float32")
    layer.kernel_mean.assign(mu)
    layer.kernel_log_scale.assign(s_hat)
    layer.bias.assign(rng.normal(0.0, 0.1, (UNITS,)).astype("float32"))
    return layer, mu, s_hat


def test_defaults():
    layer = BayesianDense(UNITS, seed=0)
    assert (layer.sampling, layer.inference, layer.kl_weight, layer.kl_estimate,
            layer.scale_parameterization, layer.bias_posterior) == (
        "weights", "mean", 1.0, "auto", "softplus", False)
    assert isinstance(layer.prior, GaussianPrior) and layer.prior.stddev == 1.0
    layer.build((None, INPUT_DIM))
    # Saved in this order (the order of the former layer's files).
    assert [w.name for w in layer.weights] == [
        "kernel_mean", "kernel_untransformed_scale", "bias"]
    assert isinstance(layer.mean_initializer, keras.initializers.GlorotUniform)
    assert layer.bias_scale() is None
    np.testing.assert_array_equal(
        _np(layer.effective_kernel()), _np(layer.kernel_mean))
    # The exp scale's default: S = 1e-3.
    exp = BayesianDense(UNITS, scale_parameterization="exp")
    exp.build((None, INPUT_DIM))
    np.testing.assert_allclose(_np(exp.kernel_scale()), 1e-3, rtol=1e-5)


def test_training_samples_vary_and_average_to_mean_output(rng):
    layer, mu, s_hat = exp_layer(rng, log_sigma=-1.0)
    x = rng.normal(size=(1, INPUT_DIM)).astype("float32")
    mean_output = x @ mu + _np(layer.bias)
    n = 300
    outputs = calls(layer, x, n)[:, 0]
    assert np.unique(outputs[:, 0]).size == n
    # y_j = sum_i x_i w_ij, independent w_ij ~ N(mu_ij, sigma_ij^2): std
    # sqrt(sum_i x_i^2 sigma_ij^2); the mean of n has standard error
    # std / sqrt(n), the sample std a relative one of 1 / sqrt(2 n).
    std = np.sqrt((x[0][:, None] ** 2 * np.exp(2 * s_hat)).sum(axis=0))
    np.testing.assert_array_less(
        np.abs(outputs.mean(axis=0) - mean_output[0]), Z * std / np.sqrt(n))
    np.testing.assert_allclose(outputs.std(axis=0), std,
                               rtol=Z / np.sqrt(2 * n))


def test_inference_mean_is_deterministic_and_sample_is_not(rng):
    layer, mu, _ = exp_layer(rng)
    x = rng.normal(size=(5, INPUT_DIM)).astype("float32")
    expected = x @ mu + _np(layer.bias)
    for training in (False, None):
        np.testing.assert_allclose(
            _np(layer(x, training=training)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(_np(layer(x)), _np(layer(x)))

    sampler = BayesianDense(UNITS, inference="sample",
                            scale_parameterization="exp")
    sampler.build((None, INPUT_DIM))
    sampler.set_weights(layer.get_weights())
    a, b = _np(sampler(x)), _np(sampler(x, training=False))
    assert not np.allclose(a, b)
    assert not np.allclose(a, expected)
    # effective_kernel() is still the mean.
    np.testing.assert_array_equal(_np(sampler.effective_kernel()), mu)


def test_seeded_samples_are_reproducible(rng):
    x = rng.normal(size=(2, INPUT_DIM)).astype("float32")
    outs = []
    for _ in range(2):
        layer = BayesianDense(
            UNITS, scale_initializer=keras.initializers.Constant(-1.0),
            mean_initializer="zeros", seed=11)
        outs.append([_np(layer(x, training=True)) for _ in range(2)])
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert not np.allclose(outs[0][0], outs[0][1])


def test_local_reparameterization_samples_each_example():
    """`sampling="local"` draws pre-activations with the mean and variance
    of `x @ w`, w ~ N(mu, sigma^2), independently per example."""
    rng = np.random.default_rng(0)
    layer = BayesianDense(3, sampling="local", use_bias=False,
                          scale_parameterization="exp",
                          scale_initializer=keras.initializers.Constant(
                              np.log(0.2)), seed=1)
    n = 2000
    x = np.repeat(rng.normal(size=(1, 5)).astype("float32"), n, axis=0)
    layer.build(x.shape)
    out = _np(layer(x, training=True))
    mu = _np(layer.kernel_mean)
    expected_mean = x[0] @ mu
    expected_std = np.sqrt((x[0] ** 2) @ np.full_like(mu, 0.04))
    np.testing.assert_array_less(np.abs(out.mean(0) - expected_mean),
                                 Z * expected_std / np.sqrt(n))
    np.testing.assert_allclose(out.std(0), expected_std, rtol=Z / np.sqrt(2 * n))
    # Identical rows, own samples: (almost) all distinct, and uncorrelated
    # from one row to the next. (A few float32 values may coincide by chance:
    # 2,000 draws from a distribution resolved to ~2^-24.)
    assert len(np.unique(out[:, 0])) > 1990
    assert abs(np.corrcoef(out[:-1, 0], out[1:, 0])[0, 1]) < Z / np.sqrt(n)
    inference = _np(layer(x[:2], training=False))
    np.testing.assert_allclose(inference[0], expected_mean, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------
# The KL loss: on every call, weighted.


def test_kl_loss_on_every_call_and_weighted(rng):
    x = rng.normal(size=(3, INPUT_DIM)).astype("float32")
    layer, mu, s_hat = exp_layer(rng, log_sigma=-2.0, kl_weight=0.01,
                                 prior_stddev=2.0)
    expected = 0.01 * np_kl_exp(mu, s_hat, 2.0)
    # Training and inference calls alike: the KL is the posterior's.
    for training in (True, False, None):
        layer(x, training=training)
        assert len(layer.losses) == 1, training
        np.testing.assert_allclose(_np(layer.losses[0]), expected, rtol=1e-5)
    # A wrong prior would give a different value.
    assert not np.isclose(expected, 0.01 * np_kl_exp(mu, s_hat, 1.0), rtol=1e-2)
    # Linear in kl_weight.
    tripled = BayesianDense(UNITS, kl_weight=0.03, prior_stddev=2.0,
                            scale_parameterization="exp")
    tripled.build((None, INPUT_DIM))
    tripled.set_weights(layer.get_weights())
    tripled(x)
    np.testing.assert_allclose(_np(tripled.losses[0]), 3 * expected, rtol=1e-5)
    # No loss with kl_weight=0.
    unweighted = BayesianDense(UNITS, kl_weight=0)
    unweighted(x, training=True)
    unweighted(x)
    assert unweighted.losses == []


def test_np_kl_reference_matches_monte_carlo(rng):
    # Independent check of the NumPy reference: KL = E_q[log q - log p].
    mu = rng.normal(0.0, 0.5, (INPUT_DIM, UNITS))
    s_hat = rng.normal(-1.0, 0.2, (INPUT_DIM, UNITS))
    sigma, prior = np.exp(s_hat), 1.5
    w = mu + sigma * rng.normal(size=(200_000,) + mu.shape)
    log_q = -0.5 * ((w - mu) / sigma) ** 2 - np.log(sigma)
    log_p = -0.5 * (w / prior) ** 2 - np.log(prior)
    mc = (log_q - log_p).mean(axis=0).sum()
    np.testing.assert_allclose(np_kl_exp(mu, s_hat, prior), mc, rtol=0.02)


def test_kl_loss_is_in_the_training_and_the_evaluation_loss():
    layer = BayesianDense(UNITS, kl_weight=0.5, seed=4)
    inputs = keras.Input((INPUT_DIM,))
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = np.zeros((8, INPUT_DIM), dtype="float32")
    y = np.zeros((8, UNITS), dtype="float32")
    # With x = 0 and zero bias the data loss is 0: the loss is the KL.
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    expected = 0.5 * np_gaussian_kl(
        _np(layer.kernel_mean), _np(layer.kernel_scale()), 1.0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
    # Evaluation counts it too, as TFP's layers do.
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected,
                               rtol=1e-4)


def fit_changes_mean_and_scale(layer):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, INPUT_DIM)).astype("float32")
    y = rng.normal(size=(32, UNITS)).astype("float32")
    inputs = keras.Input((INPUT_DIM,))
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [_np(w).copy() for w in layer.trainable_weights]
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    # Every variable received gradients: (almost) every element moved. A
    # single element can move very little when its gradients over the few
    # steps happen to cancel, hence 75% rather than all.
    for weight, old in zip(layer.trainable_weights, before):
        change = np.abs(_np(weight) - old)
        assert np.mean(change > 1e-6) >= 0.75, weight.name
        assert change.max() > 1e-4, weight.name
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    return model


@pytest.mark.parametrize("sampling", ["weights", "local", "flipout"])
def test_fit_updates_every_variable(sampling):
    keras.utils.set_random_seed(0)
    layer = BayesianDense(UNITS, sampling=sampling, bias_posterior=True,
                          scale_initializer=keras.initializers.Constant(-2.0),
                          kl_weight=1e-3, seed=5)
    fit_changes_mean_and_scale(layer)


# --------------------------------------------------------------------------
# The bias posterior.


def bias_layer(sampling="weights", **kwargs):
    layer = BayesianDense(UNITS, sampling=sampling, bias_posterior=True,
                          scale_parameterization="exp", seed=2, **kwargs)
    layer.build((None, INPUT_DIM))
    bias_mean = np.array([0.5, -1.0, 2.0], "float32")
    bias_sigma = np.array([0.1, 0.3, 0.2], "float32")
    layer.bias.assign(bias_mean)
    layer.bias_log_scale.assign(np.log(bias_sigma))
    return layer, bias_mean, bias_sigma


def test_bias_posterior_weights_and_kl():
    layer, bias_mean, bias_sigma = bias_layer(kl_weight=0.1, prior_stddev=0.5)
    assert [w.name for w in layer.weights] == [
        "kernel_mean", "kernel_log_scale", "bias", "bias_log_scale"]
    np.testing.assert_allclose(_np(layer.bias_scale()), bias_sigma, rtol=1e-6)
    layer(np.ones((2, INPUT_DIM), "float32"))
    kernel_kl, bias_kl = (float(_np(loss)) for loss in layer.losses)
    np.testing.assert_allclose(kernel_kl, 0.1 * np_gaussian_kl(
        _np(layer.kernel_mean), _np(layer.kernel_scale()), 0.5), rtol=1e-5)
    np.testing.assert_allclose(
        bias_kl, 0.1 * np_gaussian_kl(bias_mean, bias_sigma, 0.5), rtol=1e-5)


@pytest.mark.parametrize("sampling", ["weights", "local", "flipout"])
def test_bias_posterior_samples(sampling):
    """With a zero input the output is the bias sample: mean `bias`, std
    `S_b`; shared by the batch of a call (one sample a call), except with
    the local reparameterization (one a example). At inference: the mean."""
    layer, bias_mean, bias_sigma = bias_layer(sampling)
    n = 200
    out = calls(layer, np.zeros((4, INPUT_DIM), "float32"), n)  # (n, 4, UNITS)
    first = out[:, 0]
    np.testing.assert_array_less(np.abs(first.mean(0) - bias_mean),
                                 Z * bias_sigma / math.sqrt(n))
    np.testing.assert_allclose(first.std(0), bias_sigma, rtol=Z / math.sqrt(2 * n))
    if sampling == "local":
        r = np.corrcoef(out[:, 0, 0], out[:, 1, 0])[0, 1]
        assert abs(r) < Z / math.sqrt(n)
    else:
        np.testing.assert_array_equal(out[:, 0], out[:, 3])
    np.testing.assert_array_equal(
        _np(layer(np.zeros((2, INPUT_DIM), "float32"))),
        np.broadcast_to(bias_mean, (2, UNITS)))


# --------------------------------------------------------------------------
# Shapes, regularizers, config, saving.


def test_compute_output_shape_activation_and_no_bias(rng):
    layer = BayesianDense(5, activation="relu", use_bias=False)
    assert layer.compute_output_shape((None, 7, INPUT_DIM)) == (None, 7, 5)
    assert layer.compute_output_shape((2, INPUT_DIM)) == (2, 5)
    x = rng.normal(size=(20, INPUT_DIM)).astype("float32")
    y = _np(layer(x))
    assert layer.bias is None
    assert "bias" not in [w.name for w in layer.weights]
    np.testing.assert_allclose(
        y, np.maximum(x @ _np(layer.kernel_mean), 0), rtol=1e-5, atol=1e-6)


def test_regularizers_and_constraints_apply_to_mean_and_bias():
    check_penalties_and_constraints_on_mean_and_bias(
        BayesianDense, "kernel_untransformed_scale", INPUT_DIM, kl_weight=0)


def test_get_config_round_trip(rng):
    kwargs = {"kl_weight": 0.2, "prior_stddev": 0.5, "inference": "sample",
              "sampling": "local", "seed": 9, "bias_posterior": True,
              "scale_parameterization": "exp", "kl_estimate": "monte_carlo"}
    layer = BayesianDense(UNITS, mean_regularizer="l2", **kwargs)
    layer.build((None, INPUT_DIM))
    config = layer.get_config()
    for key, value in kwargs.items():
        assert config[key] == value
    assert "mode" not in config and "noise_scale" not in config
    clone = BayesianDense.from_config(config)
    clone.build((None, INPUT_DIM))
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == config
    np.testing.assert_allclose(
        _np(clone.effective_kernel()), _np(layer.effective_kernel()))


def test_keras_round_trip(keras_roundtrip, rng):
    layer = BayesianDense(UNITS, kl_weight=0.1, bias_posterior=True)
    inputs = keras.Input((INPUT_DIM,))
    model = keras.Model(inputs, layer(inputs))
    loaded = keras_roundtrip(model)
    new = loaded.layers[-1]
    assert type(new) is BayesianDense
    assert new.get_config() == layer.get_config()
    x = rng.normal(size=(6, INPUT_DIM)).astype("float32")
    np.testing.assert_array_equal(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for old, loaded_weight in zip(layer.weights, new.weights):
        np.testing.assert_array_equal(_np(old), _np(loaded_weight))


def test_mixed_float16(mixed_precision, rng):
    layer = BayesianDense(UNITS, kl_weight=0.1, seed=1)
    x = rng.normal(size=(5, INPUT_DIM)).astype("float32")
    y_train = layer(x, training=True)
    y_inf = layer(x)
    for weight in layer.weights:
        assert weight.dtype == "float32", weight.name
    for y in (y_train, y_inf):
        assert keras.backend.standardize_dtype(y.dtype) == "float16"
        assert np.all(np.isfinite(_np(y)))
    expected = x @ _np(layer.kernel_mean) + _np(layer.bias)
    np.testing.assert_allclose(_np(y_inf), expected, rtol=1e-2, atol=1e-2)
    loss = layer.losses[0]
    assert keras.backend.standardize_dtype(loss.dtype) == "float32"
    assert np.isfinite(_np(loss))


@pytest.mark.parametrize("sampling", ["weights", "local", "flipout"])
def test_keras_layer_checks(sampling):
    # The kernel's mean and scale, the bias and the bias's scale; one seed
    # generator; the KL terms of the kernel and of the bias.
    run_keras_layer_test(
        BayesianDense, {"units": UNITS, "sampling": sampling,
                        "bias_posterior": True, "seed": 1},
        input_shape=(2, INPUT_DIM), call_kwargs={"training": True},
        expected_output_shape=(2, UNITS), expected_num_trainable_weights=4,
        expected_num_non_trainable_weights=0, expected_num_seed_generators=1,
        expected_num_losses=2, supports_masking=True)
