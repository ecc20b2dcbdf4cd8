"""Priors over a Bayesian layer's weights, for its KL term."""

import math

import keras
from keras import ops

from kreg.argument_checks import check_positive_float, invalid_argument, is_real


@keras.saving.register_keras_serializable(package="kreg")
class GaussianPrior:
    """The prior `N(0, stddev^2)` on every weight.

    Its KL divergence from a Gaussian posterior has a closed form, which
    `GaussianWeightDense` uses unless asked for a Monte Carlo estimate.

    Args:
        stddev: positive finite float.
    """

    def __init__(self, stddev=1.0):
        check_positive_float("stddev", stddev)
        self.stddev = float(stddev)

    def log_prob(self, w):
        """Elementwise log density of the weights `w`."""
        return (-0.5 * ops.square(w) / self.stddev**2
                - math.log(self.stddev) - 0.5 * math.log(2.0 * math.pi))

    def kl_from(self, mean, log_sigma):
        """`KL(N(mean, sigma^2) || N(0, stddev^2))`, elementwise, closed form."""
        return (math.log(self.stddev) - log_sigma
                + (ops.exp(2.0 * log_sigma) + ops.square(mean))
                / (2.0 * self.stddev**2) - 0.5)

    def get_config(self):
        return {"stddev": self.stddev}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras.saving.register_keras_serializable(package="kreg")
class ScaleMixturePrior:
    """The scale-mixture prior of Blundell et al. (2015) on every weight:
    `pi N(0, sigma1^2) + (1 - pi) N(0, sigma2^2)`.

    A wide component (`sigma1`, e.g. 1) and a narrow one (`sigma2`, e.g.
    `exp(-6)`) give a heavy-tailed prior that concentrates many weights
    near 0. Its KL divergence has no closed form: `GaussianWeightDense`
    estimates it by Monte Carlo, `log q(w) - log p(w)` at sampled weights.

    Args:
        pi: mixing weight of the first component, in (0, 1).
        sigma1: standard deviation of the first component, positive.
        sigma2: standard deviation of the second, positive.

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
        """Elementwise log density, computed stably as a log-sum-exp."""
        parts = []
        for weight, sigma in ((self.pi, self.sigma1), (1 - self.pi, self.sigma2)):
            parts.append(math.log(weight) - math.log(sigma)
                         - 0.5 * math.log(2.0 * math.pi)
                         - 0.5 * ops.square(w) / sigma**2)
        return ops.logaddexp(parts[0], parts[1])

    def kl_from(self, mean, log_sigma):
        """No closed form: `None`."""
        return None

    def get_config(self):
        return {"pi": self.pi, "sigma1": self.sigma1, "sigma2": self.sigma2}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
