"""`kreg.layers.weight_priors`: the priors of a Bayesian layer's KL term."""

import math

import keras
import numpy as np
import pytest
from keras import ops

from kreg.layers import BayesianDense, GaussianPrior, ScaleMixturePrior
from kreg.layers.weight_priors import WeightPrior, prior_config, resolve_prior

_np = ops.convert_to_numpy


def normal_pdf(w, s):
    return np.exp(-0.5 * (w / s) ** 2) / (s * math.sqrt(2 * math.pi))


def test_gaussian_prior_log_density_and_closed_form_kl():
    prior = GaussianPrior(0.5)
    w = np.linspace(-3, 3, 41)
    np.testing.assert_allclose(_np(prior.log_prob(w.astype("float32"))),
                               np.log(normal_pdf(w, 0.5)), rtol=1e-5)
    mean = np.array([0.0, 0.3, -1.2])
    sigma = np.array([0.5, 0.1, 2.0])
    expected = np.log(0.5 / sigma) + (sigma**2 + mean**2) / (2 * 0.25) - 0.5
    kl = prior.kl_from(mean.astype("float32"), np.log(sigma).astype("float32"))
    np.testing.assert_allclose(_np(kl), expected, rtol=1e-5, atol=1e-6)
    assert _np(kl)[0] == pytest.approx(0.0, abs=1e-6)  # q = p
    # The same with `sigma` given (as the layer gives it).
    kl = prior.kl_from(mean.astype("float32"), np.log(sigma).astype("float32"),
                       sigma=sigma.astype("float32"))
    np.testing.assert_allclose(_np(kl), expected, rtol=1e-5, atol=1e-6)
    assert prior.has_closed_form_kl


def test_scale_mixture_log_density_against_numpy():
    prior = ScaleMixturePrior(pi=0.25, sigma1=1.0, sigma2=0.01)
    w = np.linspace(-3, 3, 61)
    expected = np.log(0.25 * normal_pdf(w, 1.0) + 0.75 * normal_pdf(w, 0.01))
    np.testing.assert_allclose(_np(prior.log_prob(w.astype("float32"))),
                               expected, rtol=1e-5)
    # Far in the tails, where both densities underflow in float32, the log
    # density stays finite: the wide component's.
    far = np.array([-60.0, 45.0])
    np.testing.assert_allclose(
        _np(prior.log_prob(far.astype("float32"))),
        np.log(0.25) - 0.5 * far**2 - 0.5 * math.log(2 * math.pi), rtol=1e-6)
    # The mixture's density integrates to 1 (so pi weights the first
    # component, not the second).
    grid = np.linspace(-8, 8, 400_001)
    density = np.exp(_np(prior.log_prob(grid.astype("float32"))).astype("float64"))
    assert abs(density.sum() * (grid[1] - grid[0]) - 1.0) < 1e-3
    assert not prior.has_closed_form_kl
    assert prior.kl_from(np.zeros(2), np.zeros(2)) is None


@pytest.mark.parametrize("prior", [GaussianPrior(0.3),
                                   ScaleMixturePrior(0.7, 2.0, 0.05)])
def test_priors_serialize(prior):
    config = keras.saving.serialize_keras_object(prior)
    restored = keras.saving.deserialize_keras_object(config, safe_mode=True)
    assert type(restored) is type(prior)
    assert restored.get_config() == prior.get_config()
    assert repr(restored) == repr(prior)
    w = np.linspace(-1, 1, 5).astype("float32")
    np.testing.assert_array_equal(_np(restored.log_prob(w)), _np(prior.log_prob(w)))


_INVALID = [
    (ScaleMixturePrior, {"pi": 0}, r"`pi`.*range \(0, 1\).*Received: pi=0"),
    (ScaleMixturePrior, {"pi": 1.0}, r"`pi`.*Received: pi=1.0"),
    (ScaleMixturePrior, {"pi": True}, r"`pi`.*Received: pi=True"),
    (ScaleMixturePrior, {"pi": "a"}, r"`pi`.*Received: pi=a"),
    (ScaleMixturePrior, {"pi": float("nan")}, r"`pi`.*Received: pi=nan"),
    (ScaleMixturePrior, {"sigma1": 0.0}, r"`sigma1`.*> 0.*Received: sigma1=0.0"),
    (ScaleMixturePrior, {"sigma2": -1}, r"`sigma2`.*Received: sigma2=-1"),
    (ScaleMixturePrior, {"sigma1": float("inf")}, r"`sigma1`.*finite"),
    (GaussianPrior, {"stddev": 0}, r"`stddev`.*Received: stddev=0"),
    (GaussianPrior, {"stddev": "1"}, r"`stddev`.*Received: stddev=1"),
]


def test_invalid_arguments_raise():
    for cls, kwargs, match in _INVALID:
        with pytest.raises(ValueError, match=match):
            cls(**kwargs)


@keras.saving.register_keras_serializable(package="kreg_tests")
class LaplacePrior(WeightPrior):
    """A prior written by a user: `p(w) = exp(-|w| / b) / (2 b)`."""

    def __init__(self, b=1.0):
        self.b = float(b)

    def log_prob(self, w):
        return -ops.abs(w) / self.b - math.log(2 * self.b)

    def get_config(self):
        return {"b": self.b}


def test_a_new_prior_needs_no_change_of_the_layer(keras_roundtrip):
    """A `WeightPrior` subclass without a closed form gets the Monte Carlo
    estimate, `log q(w) - log p(w)` at the call's kernel sample, and saves
    with the layer."""
    prior = LaplacePrior(0.5)
    assert not prior.has_closed_form_kl
    with pytest.raises(ValueError, match="`kl_estimate`.*LaplacePrior"):
        BayesianDense(2, prior=prior, kl_estimate="closed_form")
    layer = BayesianDense(2, prior=prior, use_bias=False, seed=0,
                          scale_parameterization="exp",
                          scale_initializer=keras.initializers.Constant(-1.0))
    model = keras.Sequential([keras.Input((3,)), layer])
    kernel = _np(layer(np.eye(3, dtype="float32"), training=True)).astype("float64")
    mu = _np(layer.kernel_mean).astype("float64")
    sigma = math.exp(-1.0)
    log_q = (-0.5 * ((kernel - mu) / sigma) ** 2 - math.log(sigma)
             - 0.5 * math.log(2 * math.pi))
    log_p = -np.abs(kernel) / 0.5 - math.log(1.0)
    np.testing.assert_allclose(_np(layer.losses[0]), np.sum(log_q - log_p),
                               rtol=1e-5, atol=1e-5)
    loaded = keras_roundtrip(model).layers[0]
    assert isinstance(loaded.prior, LaplacePrior) and loaded.prior.b == 0.5


def test_resolve_prior_and_prior_config():
    prior = resolve_prior(None, 0.5)
    assert type(prior) is GaussianPrior and prior.stddev == 0.5
    assert prior_config(prior) == {"prior": None, "prior_stddev": 0.5}
    # A Gaussian prior given as an object saves as `prior_stddev` too.
    assert prior_config(resolve_prior(GaussianPrior(2.0), 1.0)) == {
        "prior": None, "prior_stddev": 2.0}
    mixture = ScaleMixturePrior(0.5, 1.0, 0.1)
    config = prior_config(mixture)
    assert config["prior_stddev"] == 1.0
    restored = resolve_prior(config["prior"], 1.0)
    assert type(restored) is ScaleMixturePrior
    assert restored.get_config() == mixture.get_config()
    with pytest.raises(ValueError, match="`prior_stddev`.*not both"):
        resolve_prior(mixture, 0.5)
    with pytest.raises(ValueError, match="`prior`.*WeightPrior"):
        resolve_prior("wide", 1.0)
