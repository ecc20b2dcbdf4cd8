"""`GaussianWeightDense` as a Bayesian layer: Flipout, the scale-mixture
prior, the Monte Carlo KL estimate and the softplus scale. Statistics use
fixed seeds and tolerances in standard errors of the number of draws."""

import math

import keras
import numpy as np
import pytest

from kreg.layers import GaussianWeightDense, ScaleMixturePrior

_np = keras.ops.convert_to_numpy
SIGMA = 0.3


def bayesian(sampling, **kwargs):
    keras.utils.set_random_seed(0)
    layer = GaussianWeightDense(
        3, mode="reparameterized", sampling=sampling, use_bias=False,
        scale_initializer=keras.initializers.Constant(math.log(SIGMA)), seed=1,
        **kwargs)
    layer.build((None, 6))
    return layer


@pytest.mark.parametrize("sampling", ["local", "flipout"])
def test_output_moments_match_weight_sampling(sampling):
    """Over many calls one example's output has the mean `x @ mu` and the
    variance `(x * x) @ sigma^2` of `x @ w`, w ~ N(mu, sigma^2), as with
    weight sampling."""
    x = np.random.default_rng(0).normal(size=(1, 6)).astype("float32")
    draws = 800
    outputs = {}
    for mode in ("weights", sampling):
        layer = bayesian(mode)
        outputs[mode] = np.concatenate(
            [_np(layer(x, training=True)) for _ in range(draws)])
    mu = _np(layer.kernel_mean)
    mean = x[0] @ mu
    variance = (x[0] ** 2) @ np.full_like(mu, SIGMA ** 2)
    for mode, out in outputs.items():
        assert np.all(np.abs(out.mean(axis=0) - mean)
                      < 5 * np.sqrt(variance / draws)), mode
        assert np.all(np.abs(out.var(axis=0) - variance)
                      < 5 * variance * math.sqrt(2 / draws)), mode
    difference = outputs["weights"].mean(axis=0) - outputs[sampling].mean(axis=0)
    assert np.all(np.abs(difference) < 5 * np.sqrt(2 * variance / draws))


def test_flipout_examples_of_one_call_differ():
    layer = GaussianWeightDense(3, mode="reparameterized", sampling="flipout",
                                seed=1)
    # 20 inputs: 2^21 sign patterns, so 500 examples almost never share one.
    out = _np(layer(np.ones((500, 20), "float32"), training=True))
    assert len(np.unique(out[:, 0])) > 450  # not one shared sample
    assert layer.xla_friendly_random


def kl_values(layer, calls):
    x = np.ones((2, 6), "float32")
    values = []
    for _ in range(calls):
        layer(x, training=True)
        values.append(float(_np(layer.losses[0])))
    return np.array(values)


def test_monte_carlo_kl_mean_matches_the_closed_form():
    closed = kl_values(bayesian("weights", kl_weight=1.0, prior_stddev=0.5), 1)[0]
    for sampling in ("weights", "local", "flipout"):
        estimates = kl_values(bayesian(sampling, kl_weight=1.0, prior_stddev=0.5,
                                       kl_estimate="monte_carlo"), 400)
        se = estimates.std(ddof=1) / math.sqrt(len(estimates))
        assert abs(estimates.mean() - closed) < 5 * se, sampling
        assert estimates.std() > 0  # a real estimate, not the closed form


def test_scale_mixture_prior_log_density_and_kl():
    prior = ScaleMixturePrior(pi=0.25, sigma1=1.0, sigma2=0.01)
    w = np.linspace(-3, 3, 41).astype("float32")

    def normal_pdf(v, s):
        return np.exp(-0.5 * (v / s) ** 2) / (s * math.sqrt(2 * math.pi))

    expected = np.log(0.25 * normal_pdf(w, 1.0) + 0.75 * normal_pdf(w, 0.01))
    np.testing.assert_allclose(_np(prior.log_prob(w)), expected, rtol=1e-5)
    layer = bayesian("weights", kl_weight=1.0, prior=prior)
    assert layer.kl_estimate == "auto"
    values = kl_values(layer, 20)
    assert np.all(np.isfinite(values)) and values.std() > 0  # Monte Carlo
    with pytest.raises(ValueError, match="argument `kl_estimate`.*no closed-form"):
        GaussianWeightDense(3, mode="reparameterized", prior=prior,
                            kl_estimate="closed_form")


def test_softplus_scale_with_tfp_like_init():
    layer = GaussianWeightDense(200, mode="reparameterized",
                                scale_parameterization="softplus", seed=0)
    layer.build((None, 50))
    raw = _np(layer.kernel_untransformed_scale)
    assert not hasattr(layer, "kernel_log_scale")
    assert abs(raw.mean() + 3) < 5 * 0.1 / math.sqrt(raw.size)
    assert abs(raw.std() - 0.1) < 0.01
    np.testing.assert_allclose(_np(layer.kernel_scale()),
                               np.log1p(np.exp(raw)) + 1e-5, rtol=1e-5)
    assert abs(_np(layer.kernel_scale()).mean() - math.log1p(math.exp(-3))) < 0.002


def test_new_options_round_trip_and_validate(keras_roundtrip):
    layer = GaussianWeightDense(
        3, mode="reparameterized", sampling="flipout",
        scale_parameterization="softplus", kl_weight=0.1,
        prior=ScaleMixturePrior(0.5, 1.0, 0.1), seed=2)
    model = keras.Sequential([keras.Input((4,)), layer])
    loaded = keras_roundtrip(model)
    config = loaded.layers[0].get_config()
    assert config["sampling"] == "flipout"
    assert config["scale_parameterization"] == "softplus"
    assert loaded.layers[0].prior.get_config() == {"pi": 0.5, "sigma1": 1.0,
                                                    "sigma2": 0.1}
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)
    for kwargs, match in [
        ({"scale_parameterization": "softplus"}, "scale_parameterization"),
        ({"mode": "reparameterized", "prior": "wide"}, "argument `prior`"),
        ({"mode": "reparameterized", "prior_stddev": 2.0,
          "prior": ScaleMixturePrior()}, "not both"),
    ]:
        with pytest.raises(ValueError, match=match):
            GaussianWeightDense(3, **kwargs)
    with pytest.raises(ValueError, match=r"argument `pi`.*Received: pi=1"):
        ScaleMixturePrior(pi=1)


def test_flipout_and_kl_under_mixed_precision(mixed_precision):
    layer = GaussianWeightDense(4, mode="reparameterized", sampling="flipout",
                                kl_weight=1e-3, seed=0)
    y = layer(np.ones((3, 5), "float32"), training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    assert np.isfinite(_np(y)).all() and np.isfinite(_np(layer.losses[0]))
