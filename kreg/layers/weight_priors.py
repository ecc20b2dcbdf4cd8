"""Priors over a Bayesian layer's weights, for its KL term.

A prior is a small serializable object, not a set of layer arguments: a
prior is one idea with its own parameters and checks, its log density and its
closed-form KL divergence from a Gaussian posterior (when there is one) belong
together, and the layer only asks it `kl_from(...)` (a closed form, or `None`)
and `log_prob(w)` (for the Monte Carlo estimate). A new prior is a subclass of
`WeightPrior` registered with `keras.saving.register_keras_serializable`; the
layer needs no change.
"""

import math

import keras
from keras import ops

from kreg.argument_checks import check_positive_float, invalid_argument, is_real

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


class WeightPrior:
    """The interface of a prior `p(w)` on every weight of a Bayesian layer
    (independent and identical over the weights).

    A subclass implements `log_prob` and, when the KL divergence from a
    Gaussian posterior has a closed form, `kl_from`; it saves itself with
    `get_config` (the arguments of its `__init__`).
    """

    def log_prob(self, w):
        """Elementwise log density `log p(w)` of the weights `w` (a tensor),
        in the dtype of `w`."""
        raise NotImplementedError

    def kl_from(self, mean, log_sigma, sigma=None):
        """Elementwise `KL(N(mean, sigma^2) || p)` in closed form, or `None`
        when there is none (the layer then estimates it by Monte Carlo).
        `log_sigma` is `log(sigma)`; `sigma`, when given, is `exp(log_sigma)`
        already computed by the caller (a closed form may use it to save an
        exponential). This default: `None`; a prior with a closed form
        overrides it."""
        return None

    @property
    def has_closed_form_kl(self):
        """Whether `kl_from` gives a closed form (it is overridden)."""
        return type(self).kl_from is not WeightPrior.kl_from

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


@keras.saving.register_keras_serializable(package="kreg")
class GaussianPrior(WeightPrior):
    """The prior `N(0, stddev^2)` on every weight.

    Its KL divergence from a Gaussian posterior has a closed form, which
    `BayesianDense` uses unless asked for a Monte Carlo estimate
    (`kl_estimate="monte_carlo"`). `BayesianDense(prior_stddev=s)` is the
    same as `prior=GaussianPrior(s)`.

    Args:
        stddev: Positive finite float, the prior's standard deviation.

    Example:

    >>> prior = GaussianPrior(2.0)
    >>> w = np.array([0.0, 2.0], dtype="float32")
    >>> [round(float(v), 4) for v in keras.ops.convert_to_numpy(prior.log_prob(w))]
    [-1.6121, -2.1121]
    """

    def __init__(self, stddev=1.0):
        check_positive_float("stddev", stddev)
        self.stddev = float(stddev)

    def log_prob(self, w):
        return (-0.5 * ops.square(w) / self.stddev**2
                - math.log(self.stddev) - _LOG_SQRT_2PI)

    def kl_from(self, mean, log_sigma, sigma=None):
        """`log(s / sigma) + (sigma^2 + mean^2) / (2 s^2) - 1/2`, `s` the
        prior's standard deviation."""
        mean = ops.convert_to_tensor(mean)
        log_sigma = ops.convert_to_tensor(log_sigma)
        variance = (ops.exp(2.0 * log_sigma) if sigma is None
                    else ops.square(sigma))
        return (math.log(self.stddev) - log_sigma
                + (variance + ops.square(mean)) / (2.0 * self.stddev**2) - 0.5)

    def get_config(self):
        return {"stddev": self.stddev}


@keras.saving.register_keras_serializable(package="kreg")
class ScaleMixturePrior(WeightPrior):
    """The scale-mixture prior of Blundell et al. (2015) on every weight:
    `pi N(0, sigma1^2) + (1 - pi) N(0, sigma2^2)`.

    A wide component (`sigma1`, e.g. 1) and a narrow one (`sigma2`, e.g.
    `exp(-6)`) give a heavy-tailed prior that pulls many weights close to 0
    and lets a few be large. Its KL divergence from a Gaussian has no closed
    form: `BayesianDense` estimates it by Monte Carlo, `log q(w) - log p(w)`
    at sampled weights (unbiased, one sample a call).

    Args:
        pi: Float in (0, 1), the weight of the first component.
        sigma1: Positive finite float, the first component's standard
            deviation.
        sigma2: Positive finite float, the second component's standard
            deviation.

    Example:

    >>> prior = ScaleMixturePrior(pi=0.5, sigma1=1.0, sigma2=0.01)
    >>> w = np.array([0.0, 1.0], dtype="float32")
    >>> [round(float(v), 4) for v in keras.ops.convert_to_numpy(prior.log_prob(w))]
    [3.003, -2.1121]

    Reference:
        - [Blundell et al., 2015. Weight uncertainty in neural networks](
          https://arxiv.org/abs/1505.05424)
    """

    def __init__(self, pi=0.5, sigma1=1.0, sigma2=math.exp(-6)):
        if not is_real(pi) or not 0 < pi < 1:
            raise invalid_argument("pi", "a float value in the range (0, 1)", pi)
        check_positive_float("sigma1", sigma1)
        check_positive_float("sigma2", sigma2)
        self.pi, self.sigma1, self.sigma2 = float(pi), float(sigma1), float(sigma2)

    def log_prob(self, w):
        """Elementwise log density, as a log-sum-exp of the two components'
        (finite for any weight, however far in the narrow one's tail)."""
        parts = []
        for weight, sigma in ((self.pi, self.sigma1), (1 - self.pi, self.sigma2)):
            parts.append(math.log(weight) - math.log(sigma) - _LOG_SQRT_2PI
                         - 0.5 * ops.square(w) / sigma**2)
        return ops.logaddexp(parts[0], parts[1])

    def get_config(self):
        return {"pi": self.pi, "sigma1": self.sigma1, "sigma2": self.sigma2}


def resolve_prior(prior, prior_stddev):
    """The prior object of a layer's arguments `prior` (`None`, a
    `WeightPrior` or its saved config) and `prior_stddev` (the standard
    deviation of the default `GaussianPrior`, which must keep its default
    1.0 when `prior` is given: one prior, given in one place)."""
    if prior is None:
        return GaussianPrior(prior_stddev)
    if isinstance(prior, dict):
        prior = keras.saving.deserialize_keras_object(prior)
    if not isinstance(prior, WeightPrior):
        raise invalid_argument(
            "prior", "None or a kreg.layers.weight_priors.WeightPrior "
            "(GaussianPrior, ScaleMixturePrior)", repr(prior))
    if prior_stddev != 1.0:
        raise invalid_argument(
            "prior_stddev", f"the default 1.0 when prior={prior!r} is given "
            "(give the prior's scale in `prior` or `prior_stddev`, not both)",
            prior_stddev)
    return prior


def prior_config(prior):
    """The layer config entries `prior` and `prior_stddev` of a prior: a
    plain `GaussianPrior` is saved as `prior_stddev` alone (one config for
    one prior, however it was given)."""
    if type(prior) is GaussianPrior:
        return {"prior": None, "prior_stddev": prior.stddev}
    return {"prior": keras.saving.serialize_keras_object(prior),
            "prior_stddev": 1.0}
