"""A mean-field Gaussian posterior `q(w) = N(mu, S^2)` over a weight tensor.

The pieces every Bayesian layer of kreg needs, once: how the positive scale
`S` is parameterized by a free variable (`"exp"` or `"softplus"`), the free
variable's name and default initializer, a reparameterized sample
`mu + S * eps`, and the KL term `KL(q || prior)` (in closed form or as the
one-sample Monte Carlo estimate). The layer owns the variables; these
functions take them (or tensors) and return tensors.
"""

import math

from keras import initializers, ops

from kreg import random as kreg_random
from kreg.argument_checks import invalid_argument

SCALE_PARAMETERIZATIONS = ("softplus", "exp")
KL_ESTIMATES = ("auto", "closed_form", "monte_carlo")
# The free variable of a scale, named for what it holds: `<tensor>_<suffix>`
# (`kernel_log_scale`, `bias_untransformed_scale`, ...).
SCALE_SUFFIXES = {"exp": "log_scale", "softplus": "untransformed_scale"}
# `S = softplus(rho) + SCALE_FLOOR`: the floor keeps `log S >= -11.5` in the
# KL term. (TFP adds float32's machine epsilon, 1.2e-7, instead.)
SCALE_FLOOR = 1e-5
# TFP's default posterior init for the softplus scale: `rho ~ N(-3, 0.1^2)`,
# so `S` starts near `softplus(-3) = 0.0486`.
_SOFTPLUS_INIT_MEAN = -3.0
_SOFTPLUS_INIT_STDDEV = 0.1
# The exp scale's default init: `S = 1e-3`, a small initial noise as in
# Bayes by backprop.
_EXP_INIT_SCALE = 1e-3
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def default_scale_initializer(parameterization, seed=None):
    """The default initializer of a scale's free variable: TFP's
    `RandomNormal(mean=-3, stddev=0.1)` for `"softplus"` (`S` near 0.049),
    `Constant(log(1e-3))` for `"exp"` (`S = 1e-3`)."""
    if parameterization == "softplus":
        return initializers.RandomNormal(
            mean=_SOFTPLUS_INIT_MEAN, stddev=_SOFTPLUS_INIT_STDDEV, seed=seed)
    return initializers.Constant(math.log(_EXP_INIT_SCALE))


def scale_from(raw, parameterization):
    """`S` from its free parameter `raw` (a tensor): `exp(raw)` or
    `softplus(raw) + 1e-5`."""
    if parameterization == "exp":
        return ops.exp(raw)
    return ops.add(ops.softplus(raw), SCALE_FLOOR)


def log_scale_from(raw, parameterization, scale=None):
    """`log S` from its free parameter `raw` (a tensor), or from `S` itself
    when given (`scale_from(raw, parameterization)`)."""
    if parameterization == "exp":
        return raw
    if scale is None:
        scale = scale_from(raw, parameterization)
    return ops.log(scale)


def check_kl_estimate(kl_estimate, prior):
    """Raises unless the prior has the closed form `kl_estimate` asks for."""
    if kl_estimate == "closed_form" and not prior.has_closed_form_kl:
        raise invalid_argument(
            "kl_estimate", f"'auto' or 'monte_carlo' with {prior!r}, whose KL "
            "divergence has no closed form", kl_estimate)


def perturbation(raw, parameterization, seed):
    """`S * eps` for one sample of the posterior, in the dtype of `raw`, and
    its standard-normal `eps` (which the Monte Carlo KL estimate reuses).
    `seed`: a `keras.random.SeedGenerator`."""
    raw = ops.convert_to_tensor(raw)
    eps = kreg_random.normal(tuple(raw.shape), seed, dtype=raw.dtype)
    return ops.multiply(scale_from(raw, parameterization), eps), eps


def sample(mean, raw, parameterization, seed, dtype):
    """One sample `mu + S * eps` of the posterior, computed in the variables'
    dtype and cast to `dtype`, and its `eps` (see `perturbation`)."""
    noise, eps = perturbation(raw, parameterization, seed)
    return ops.cast(ops.add(ops.convert_to_tensor(mean), noise), dtype), eps


def kl_divergence(prior, mean, raw, parameterization, kl_estimate, eps=None,
                  seed=None):
    """`KL(q(w) || p(w))` summed over the tensor, in float32.

    In closed form when the prior has one, unless `kl_estimate` is
    `"monte_carlo"`; else the one-sample Monte Carlo estimate
    `sum(log q(w) - log p(w))` at `w = mu + S * eps`, with the call's own
    `eps` when given (so that its gradient is the reparameterization
    gradient of the sample the call used), else a fresh one drawn from
    `seed`.
    """
    mean = ops.cast(mean, "float32")
    raw = ops.cast(raw, "float32")
    scale = scale_from(raw, parameterization)
    log_scale = log_scale_from(raw, parameterization, scale)
    if kl_estimate != "monte_carlo":
        closed = prior.kl_from(mean, log_scale, sigma=scale)
        if closed is not None:
            return ops.sum(closed)
    if eps is None:
        eps = kreg_random.normal(tuple(mean.shape), seed, dtype="float32")
    eps = ops.cast(eps, "float32")
    weights = ops.add(mean, ops.multiply(scale, eps))
    log_q = -log_scale - _LOG_SQRT_2PI - 0.5 * ops.square(eps)
    return ops.sum(log_q - prior.log_prob(weights))
