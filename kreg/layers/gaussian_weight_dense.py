"""Dense layer whose weights are Gaussian distributions."""

import math

import keras
from keras import activations
from keras import constraints
from keras import initializers
from keras import ops
from keras import regularizers

from kreg import random as kreg_random
from kreg.argument_checks import (
    check_bool,
    check_choice,
    check_non_negative_float,
    check_positive_float,
    check_positive_int,
    check_seed,
    invalid_argument,
)
from kreg.kernels import kernel as kernel_spec
from kreg.layers.weight_priors import GaussianPrior, WeightPrior

_MODES = ("gaussian_function", "reparameterized")
_INFERENCE_MODES = ("mean", "sample")
_SAMPLING = ("weights", "local", "flipout")
_SCALES = ("exp", "softplus")
_KL_ESTIMATES = ("auto", "closed_form", "monte_carlo")
# The variable holding the scale's free parameter, named for what it holds.
_SCALE_VARIABLES = {"exp": "kernel_log_scale",
                    "softplus": "kernel_untransformed_scale"}
# `S = softplus(rho) + _SCALE_FLOOR`: the floor keeps `log S >= -11.5` in the
# KL term. (TFP adds float32's machine epsilon, 1.2e-7, instead.)
_SCALE_FLOOR = 1e-5
# TFP's default posterior init for the softplus scale: `rho ~ N(-3, 0.1^2)`,
# so `S` starts near `softplus(-3) = 0.0486`.
_SOFTPLUS_INIT_MEAN = -3.0
_SOFTPLUS_INIT_STDDEV = 0.1
# The local reparameterization's variance is floored here before its square
# root, whose derivative is infinite at 0 (an all-zero input row).
_TINY_VARIANCE = 1e-30
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
# Arguments of mode "reparameterized" only: must keep their defaults in the
# article's mode, where they would do nothing.
_REPARAMETERIZED_ONLY = (("kl_weight", 0), ("sampling", "weights"),
                         ("scale_parameterization", "exp"),
                         ("kl_estimate", "auto"), ("prior", None))


def _normal(shape, seed, dtype):
    """Standard normal numbers: every Gaussian draw of this layer."""
    return kreg_random.normal(shape, seed, dtype=dtype)


def _signs(shape, seed, dtype):
    """+1 or -1 with probability 1/2 each: Flipout's sign flips."""
    return kreg_random.random_signs(shape, seed, dtype=dtype)


@keras.saving.register_keras_serializable(package="kreg")
class GaussianWeightDense(keras.layers.Layer):
    """Densely-connected layer whose weights are Gaussian distributions.

    Every weight `w_ij` has a mean `mu_ij` (the variable `kernel_mean`) and
    a positive scale `S_ij`. The layer computes
    `output = activation(dot(input, W) + bias)`, where the kernel `W` is
    built from `mu` and `S` in one of two ways, chosen by `mode`:

    - `"gaussian_function"` (Greydanus, 2016): the weight is the *value* of a
      Gaussian probability density function evaluated at a noise point `n`,
      with `S = exp(s_hat)` (`s_hat` is the variable `kernel_log_scale`),

      `W = exp(-((n - mu) / S)**2 / (2 * S**2)) / (sqrt(2 * pi) * S)`.

      Note the quirk, kept on purpose to match the article: `S` appears
      twice in the exponent, so in effect
      `W = exp(-(n - mu)**2 / (2 * S**4)) / (sqrt(2 * pi) * S)`.
      All weights are therefore positive. During training
      `n = noise_scale * roll(noise, t)`, where `noise` is a standard-normal
      tensor of the kernel's shape drawn once when the layer is built (from
      `seed`) and stored as the non-trainable weight `noise`, and `t` is the
      non-trainable integer weight `step`, which counts training calls
      (`t = 0` at the first one). `roll` flattens `noise` and shifts it
      cyclically by `t` elements, like `np.roll(noise, t)`:
      `n.flat[i] = noise_scale * noise.flat[(i - t) mod N]`. At inference
      `n = 0`. This mode has no KL term; the arguments of the other mode
      (`kl_weight`, `sampling`, `scale_parameterization`, `prior`,
      `kl_estimate`) must keep their defaults.
    - `"reparameterized"` (Graves, 2011; Blundell et al., 2015, "Bayes by
      backprop"): a mean-field Gaussian posterior `q(w) = N(mu, S^2)`.
      During training the layer draws from it afresh on every call (see
      `sampling`), and when `kl_weight > 0` it adds
      `kl_weight * KL(q || prior)`, summed over the kernel, with `add_loss`
      on training calls (`kl_weight = 1 / number of training examples` makes
      the loss the negative ELBO per example). At inference the kernel is
      `mu` (`inference="mean"`) or a fresh sample on every call
      (`inference="sample"`, for Monte Carlo predictions). The weights
      `noise` and `step` are not created in this mode.

    The bias, when used, is a plain point estimate in both modes.

    The prior is an object (`kreg.layers.GaussianPrior`,
    `kreg.layers.ScaleMixturePrior`, or a subclass of
    `kreg.layers.weight_priors.WeightPrior`) rather than more layer
    arguments: each prior has its own parameters and checks, and knows its
    log density and whether its KL from a Gaussian has a closed form, so the
    layer needs no change for a new prior and its config stays flat (the
    prior saves itself). The common case keeps its one argument,
    `prior_stddev`.

    Under a mixed precision policy the means and scales stay in float32:
    the matmuls run in the compute dtype, the kernel sample, the local
    reparameterization's variance and the KL term are computed in float32
    (a scale of 1e-3 has a square below float16's normal range).

    Args:
        units: Positive integer, dimensionality of the output space.
        mode: `"gaussian_function"` (default) or `"reparameterized"`, see
            above.
        activation: Activation function to use. If you don't specify
            anything, no activation is applied (ie. "linear" activation:
            `a(x) = x`).
        use_bias: Boolean, whether the layer uses a bias vector.
        mean_initializer: Initializer for `kernel_mean`. Defaults to
            `TruncatedNormal(stddev=0.075)` (the article's) in
            `"gaussian_function"` mode and to `"glorot_uniform"` (as
            `keras.layers.Dense`) in `"reparameterized"` mode.
        scale_initializer: Initializer for the scale's free variable (see
            `scale_parameterization`). Defaults to
            `TruncatedNormal(stddev=0.075)` (the article's, so `S` starts
            near 1) in `"gaussian_function"` mode; in `"reparameterized"`
            mode to `Constant(log(1e-3))` with the `"exp"` scale
            (`S = 1e-3`, a small initial noise as in Bayes by backprop) and
            to `RandomNormal(mean=-3, stddev=0.1)` with the `"softplus"`
            scale (TFP's default mean-field posterior: `S` near
            `softplus(-3) = 0.049`).
        bias_initializer: Initializer for the bias vector.
        noise_scale: Non-negative float, the standard deviation of the
            noise point `n` in `"gaussian_function"` mode. Unused in
            `"reparameterized"` mode.
        prior_stddev: Positive float, standard deviation of the zero-mean
            Gaussian prior `N(0, prior_stddev^2)` of the KL term, used when
            `prior` is `None`. Give the prior in one place: it must be left
            at 1.0 when `prior` is given.
        kl_weight: Non-negative finite float, multiplier of the KL term.
            Must be 0 in `"gaussian_function"` mode.
        inference: `"mean"` (default) or `"sample"`, the kernel used by
            `"reparameterized"` mode at inference: `mu`, or one sample
            `mu + S * eps` a call shared by the batch (whatever `sampling`
            is), so that each call is one draw of the network.
        sampling: How `"reparameterized"` mode draws at training:
            - `"weights"` (default): one kernel `w = mu + S * eps` a call
              (Blundell et al.), shared by the batch.
            - `"local"`: the local reparameterization trick (Kingma et al.,
              2015). The pre-activations, Gaussian given the input, are
              drawn directly for each example,
              `x @ mu + sqrt((x * x) @ S^2) * eps`, `eps` of the output's
              shape: independent weights per example, lower-variance
              gradients, `batch x units` random numbers.
            - `"flipout"` (Wen et al., 2018): one perturbation `S * eps` a
              call, made pseudo-independent across examples by random signs
              `s_in` (the input's shape) and `s_out` (the output's shape),
              `x @ mu + ((x * s_in) @ (S * eps)) * s_out`. Each example's
              output has the same distribution as with `"weights"`, and two
              examples' perturbations are uncorrelated; about two matmuls.
        scale_parameterization: How the scale `S` is made positive:
            - `"exp"` (default, the article's): `S = exp(s_hat)`, the
              variable `kernel_log_scale` holding `s_hat`.
            - `"softplus"` (`"reparameterized"` mode only; Blundell et al.,
              TFP): `S = softplus(rho) + 1e-5`, the variable
              `kernel_untransformed_scale` holding `rho` (TFP's name: it is
              not a logarithm). Its gradient does not explode for large
              `rho` as `exp`'s does.
        prior: `None` (default: `GaussianPrior(prior_stddev)`) or a
            `kreg.layers.weight_priors.WeightPrior` such as
            `kreg.layers.ScaleMixturePrior(pi, sigma1, sigma2)`, the prior
            of the KL term.
        kl_estimate: How the KL term is computed:
            - `"auto"` (default): in closed form when the prior has one (the
              Gaussian prior), else the Monte Carlo estimate.
            - `"closed_form"`: in closed form; an error for a prior without
              one.
            - `"monte_carlo"`: the one-sample estimate
              `sum(log q(w) - log p(w))` at sampled weights `w` (unbiased;
              its gradient is the reparameterization gradient). It uses the
              call's kernel sample with `sampling="weights"` or
              `"flipout"`, and draws a kernel sample of its own with
              `"local"`.
        seed: Optional integer, seed of the fixed noise (mode
            `"gaussian_function"`) or of the per-call samples (mode
            `"reparameterized"`).
        mean_regularizer: Regularizer function applied to `kernel_mean`.
        bias_regularizer: Regularizer function applied to the bias vector.
        mean_constraint: Constraint function applied to `kernel_mean`.
        bias_constraint: Constraint function applied to the bias vector.
        **kwargs: Base layer keyword arguments, such as `name`, `dtype` and
            `activity_regularizer`.

    Call arguments:
        inputs: N-D tensor with shape `(batch_size, ..., input_dim)`.
        training: Python boolean indicating whether the layer should behave
            in training mode (noisy kernel; in `"gaussian_function"` mode
            the `step` counter is also incremented) or in inference mode.

    Input shape:
        N-D tensor with shape `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor with shape `(batch_size, ..., units)`.

    Example:

    >>> layer = GaussianWeightDense(3, seed=0)
    >>> x = np.ones((2, 4), dtype="float32")
    >>> y = layer(x, training=True)
    >>> int(keras.ops.convert_to_numpy(layer.step))
    1
    >>> bool(np.all(keras.ops.convert_to_numpy(layer.effective_kernel()) > 0))
    True
    >>> bayes = GaussianWeightDense(
    ...     3, mode="reparameterized", sampling="flipout",
    ...     scale_parameterization="softplus", kl_weight=1 / 1000, seed=0)
    >>> y = bayes(np.ones((5, 4), dtype="float32"), training=True)
    >>> [tuple(y.shape), len(bayes.losses)]
    [(5, 3), 1]
    >>> np.allclose(keras.ops.convert_to_numpy(bayes(x)),
    ...             x @ keras.ops.convert_to_numpy(bayes.kernel_mean))
    True

    Reference:
        - [Greydanus, 2016. Regularization for neural networks](
            https://greydanus.github.io/2016/09/05/regularization/)
        - [Graves, 2011. Practical variational inference for neural
            networks](https://papers.nips.cc/paper/4329)
        - [Blundell et al., 2015. Weight uncertainty in neural networks](
            https://arxiv.org/abs/1505.05424)
        - [Kingma et al., 2015. Variational dropout and the local
            reparameterization trick](https://arxiv.org/abs/1506.02557)
        - [Wen et al., 2018. Flipout: efficient pseudo-independent weight
            perturbations on mini-batches](https://arxiv.org/abs/1803.04386)
    """

    def __init__(
        self,
        units,
        mode="gaussian_function",
        activation=None,
        use_bias=True,
        mean_initializer=None,
        scale_initializer=None,
        bias_initializer="zeros",
        noise_scale=0.5,
        prior_stddev=1.0,
        kl_weight=0.0,
        inference="mean",
        sampling="weights",
        scale_parameterization="exp",
        prior=None,
        kl_estimate="auto",
        seed=None,
        mean_regularizer=None,
        bias_regularizer=None,
        mean_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        check_positive_int("units", units)
        check_choice("mode", mode, _MODES)
        check_bool("use_bias", use_bias)
        check_choice("inference", inference, _INFERENCE_MODES)
        check_choice("sampling", sampling, _SAMPLING)
        check_choice("scale_parameterization", scale_parameterization, _SCALES)
        check_choice("kl_estimate", kl_estimate, _KL_ESTIMATES)
        check_non_negative_float("noise_scale", noise_scale)
        check_positive_float("prior_stddev", prior_stddev)
        check_non_negative_float("kl_weight", kl_weight)
        check_seed(seed)
        if mode == "gaussian_function":
            given = {"kl_weight": kl_weight, "sampling": sampling,
                     "scale_parameterization": scale_parameterization,
                     "kl_estimate": kl_estimate, "prior": prior}
            for name, default in _REPARAMETERIZED_ONLY:
                if (given[name] is not None) if default is None else (
                        given[name] != default):
                    raise invalid_argument(
                        name, f"{default!r} when mode='gaussian_function' (the "
                        "article's mode: Gaussian-function weights, no KL "
                        "term, S = exp(s_hat))", given[name])
        prior = self._resolve_prior(prior, prior_stddev)
        if kl_estimate == "closed_form" and not prior.has_closed_form_kl:
            raise invalid_argument(
                "kl_estimate", f"'auto' or 'monte_carlo' with {prior!r}, "
                "whose KL divergence has no closed form", kl_estimate)
        super().__init__(**kwargs)
        self.units = units
        self.mode = mode
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        if mean_initializer is None:
            if mode == "gaussian_function":
                mean_initializer = initializers.TruncatedNormal(stddev=0.075)
            else:
                mean_initializer = "glorot_uniform"
        if scale_initializer is None:
            if mode == "gaussian_function":
                scale_initializer = initializers.TruncatedNormal(stddev=0.075)
            elif scale_parameterization == "softplus":
                scale_initializer = initializers.RandomNormal(
                    mean=_SOFTPLUS_INIT_MEAN, stddev=_SOFTPLUS_INIT_STDDEV,
                    seed=seed)
            else:
                scale_initializer = initializers.Constant(math.log(1e-3))
        self.mean_initializer = initializers.get(mean_initializer)
        self.scale_initializer = initializers.get(scale_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.noise_scale = float(noise_scale)
        # A plain GaussianPrior is saved as `prior_stddev` (one config for one
        # prior, however it was given).
        self.prior = prior
        self.prior_stddev = (prior.stddev if type(prior) is GaussianPrior
                             else float(prior_stddev))
        self.kl_weight = float(kl_weight)
        self.inference = inference
        self.sampling = sampling
        self.scale_parameterization = scale_parameterization
        self.kl_estimate = kl_estimate
        self.seed = seed
        self.mean_regularizer = regularizers.get(mean_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.mean_constraint = constraints.get(mean_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        if mode == "reparameterized":
            self.seed_generator = keras.random.SeedGenerator(seed)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    @staticmethod
    def _resolve_prior(prior, prior_stddev):
        """The prior object of the arguments `prior` and `prior_stddev`."""
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

    # Every draw is a counter-based `kreg.random` draw, cheap under XLA.
    xla_friendly_random = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        kernel_shape = (input_dim, self.units)
        # `autocast=False`: under mixed precision the layer reads the float32
        # values and casts for the matmuls itself (see the class docstring).
        self.kernel_mean = self.add_weight(
            name="kernel_mean",
            shape=kernel_shape,
            initializer=self.mean_initializer,
            regularizer=self.mean_regularizer,
            constraint=self.mean_constraint,
            autocast=False,
        )
        scale_name = _SCALE_VARIABLES[self.scale_parameterization]
        self._scale_parameter = self.add_weight(
            name=scale_name,
            shape=kernel_shape,
            initializer=self.scale_initializer,
            autocast=False,
        )
        setattr(self, scale_name, self._scale_parameter)
        if self.mode == "gaussian_function":
            self.noise = self.add_weight(
                name="noise",
                shape=kernel_shape,
                initializer=initializers.RandomNormal(
                    mean=0.0, stddev=1.0, seed=self.seed
                ),
                trainable=False,
            )
            self.step = self.add_weight(
                name="step",
                shape=(),
                initializer="zeros",
                dtype="int32",
                trainable=False,
                aggregation="only_first_replica",
            )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = keras.layers.InputSpec(
            min_ndim=2, axes={-1: input_dim}
        )

    def kreg_kernels(self):
        """The mean kernel `mu`, for kreg's helpers (penalties, pruning,
        max-norm): the kernel of the layer's point estimate."""
        return [kernel_spec(self, "kernel_mean", (-1,),
                            regularizer_attribute="mean_regularizer")]

    def _scale_from(self, raw):
        """`S` from its free parameter `raw` (a tensor)."""
        if self.scale_parameterization == "exp":
            return ops.exp(raw)
        return ops.add(ops.softplus(raw), _SCALE_FLOOR)

    def _log_scale_from(self, raw):
        """`log S` from its free parameter `raw` (a tensor)."""
        if self.scale_parameterization == "exp":
            return raw
        return ops.log(ops.add(ops.softplus(raw), _SCALE_FLOOR))

    def kernel_scale(self):
        """Returns the scale `S` of every weight, in the variable dtype:
        `exp(kernel_log_scale)`, or `softplus(kernel_untransformed_scale) +
        1e-5`."""
        return self._scale_from(ops.convert_to_tensor(self._scale_parameter))

    def effective_kernel(self, training=False):
        """Returns the kernel `W` the layer multiplies its inputs with.

        Args:
            training: If `False` (default), the kernel used at inference:
                in `"gaussian_function"` mode the Gaussian function value at
                `n = 0`, in `"reparameterized"` mode the mean `mu` (even
                when `inference="sample"`). If `True`, the kernel a training
                call would use now: in `"gaussian_function"` mode the one
                at the current `step` (which is not incremented), in
                `"reparameterized"` mode a fresh sample.

        Returns:
            A tensor of shape `(input_dim, units)`, in the variable dtype.
        """
        dtype = self.variable_dtype
        if self.mode == "gaussian_function":
            noise = self._rolled_noise(dtype) if training else None
            return self._gaussian_function_kernel(noise, dtype)
        if training:
            return self._sampled_kernel(dtype)[0]
        return ops.convert_to_tensor(self.kernel_mean)

    def _rolled_noise(self, dtype):
        # `n.flat[i] = noise.flat[(i - t) mod N]`, i.e. `np.roll(noise, t)`,
        # written as a gather so that `t` may be a tensor (graph, XLA, jit).
        # (A dynamic slice of the noise repeated twice measured slower
        # under XLA on a CPU.)
        size = int(math.prod(self.noise.shape))
        step = ops.mod(ops.cast(self.step, "int32"), size)
        index = ops.mod(ops.arange(size, dtype="int32") + size - step, size)
        noise = ops.take(ops.reshape(self.noise, (-1,)), index, axis=0)
        noise = ops.reshape(ops.cast(noise, dtype), self.noise.shape)
        return self.noise_scale * noise

    def _gaussian_function_kernel(self, noise, dtype):
        mean = ops.cast(self.kernel_mean, dtype)
        log_scale = ops.cast(self.kernel_log_scale, dtype)
        diff = -mean if noise is None else noise - mean
        # Kept as in the article: `S` divides `diff` and also `2 S^2`, so the
        # exponent is `-(n - mu)^2 / (2 S^4)`. Written in log space,
        # `log W = -(n - mu)^2 exp(-4 s_hat) / 2 - s_hat - log(sqrt(2 pi))`:
        # the same function with two exponentials and no division, which
        # makes the article's variant ~1.5x cheaper to differentiate.
        log_kernel = (
            -0.5 * ops.square(diff) * ops.exp(-4.0 * log_scale)
            - log_scale
            - 0.5 * math.log(2.0 * math.pi)
        )
        return ops.exp(log_kernel)

    def _noise(self):
        """`S * eps` for one kernel sample, in the variable dtype, and its
        standard-normal `eps` (which the Monte Carlo KL estimate reuses)."""
        parameter = self._scale_parameter
        eps = _normal(tuple(parameter.shape), self.seed_generator,
                      self.variable_dtype)
        return ops.multiply(self._scale_from(ops.convert_to_tensor(parameter)),
                            eps), eps

    def _sampled_kernel(self, dtype):
        """One kernel sample `mu + S * eps`, computed in the variable dtype
        and cast to `dtype`, and its `eps`."""
        noise, eps = self._noise()
        kernel = ops.add(ops.convert_to_tensor(self.kernel_mean), noise)
        return ops.cast(kernel, dtype), eps

    def _kl_divergence(self, eps=None):
        """`KL(q(w) || p(w))` summed over the kernel, in float32: in closed
        form when the prior has one (unless `kl_estimate="monte_carlo"`),
        else the one-sample Monte Carlo estimate `log q(w) - log p(w)` at
        `w = mu + S * eps` (`eps` drawn here when `None`)."""
        mean = ops.cast(self.kernel_mean, "float32")
        raw = ops.cast(self._scale_parameter, "float32")
        log_scale = self._log_scale_from(raw)
        if self.kl_estimate != "monte_carlo":
            closed = self.prior.kl_from(mean, log_scale)
            if closed is not None:
                return ops.sum(closed)
        if eps is None:
            eps = _normal(tuple(self.kernel_mean.shape), self.seed_generator,
                          "float32")
        eps = ops.cast(eps, "float32")
        weights = ops.add(mean, ops.multiply(self._scale_from(raw), eps))
        log_q = -log_scale - _LOG_SQRT_2PI - 0.5 * ops.square(eps)
        return ops.sum(log_q - self.prior.log_prob(weights))

    def call(self, inputs, training=None):
        dtype = self.compute_dtype
        if self.mode == "gaussian_function":
            if training:
                kernel = self._gaussian_function_kernel(
                    self._rolled_noise(dtype), dtype
                )
                self.step.assign(self.step + 1)
            else:
                kernel = self._gaussian_function_kernel(None, dtype)
            return self._finish(ops.matmul(inputs, kernel))
        eps = None  # the standard normals of this call's kernel sample
        if training and self.sampling == "local":
            outputs = self._local_preactivations(inputs, dtype)
        elif training and self.sampling == "flipout":
            outputs, eps = self._flipout_preactivations(inputs, dtype)
        elif training or self.inference == "sample":
            kernel, eps = self._sampled_kernel(dtype)
            outputs = ops.matmul(inputs, kernel)
        else:
            outputs = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        if training and self.kl_weight > 0:
            self.add_loss(self.kl_weight * self._kl_divergence(eps))
        return self._finish(outputs)

    def _local_preactivations(self, inputs, dtype):
        """`x @ mu + sqrt((x * x) @ S^2) * eps`, `eps` of the output's shape;
        the variance in the variable dtype."""
        mean = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        variable_dtype = self.variable_dtype
        scale = self._scale_from(ops.convert_to_tensor(self._scale_parameter))
        variance = ops.matmul(ops.square(ops.cast(inputs, variable_dtype)),
                              ops.square(scale))
        eps = _normal(ops.shape(mean), self.seed_generator, variable_dtype)
        noise = ops.sqrt(ops.maximum(variance, _TINY_VARIANCE)) * eps
        return ops.add(mean, ops.cast(noise, dtype))

    def _flipout_preactivations(self, inputs, dtype):
        """Flipout (Wen et al., 2018): one weight perturbation `S * eps` a
        call, decorrelated across examples by random sign flips of the
        inputs and outputs, `x @ mu + ((x * s_in) @ (S * eps)) * s_out`.
        Returns the pre-activations and `eps`."""
        mean = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        noise, eps = self._noise()
        signs_in = _signs(ops.shape(inputs), self.seed_generator, dtype)
        signs_out = _signs(ops.shape(mean), self.seed_generator, dtype)
        flipped = ops.matmul(ops.multiply(inputs, signs_in),
                             ops.cast(noise, dtype))
        return ops.add(mean, ops.multiply(flipped, signs_out)), eps

    def _finish(self, x):
        """Adds the bias and applies the activation."""
        dtype = self.compute_dtype
        if self.bias is not None:
            x = ops.add(x, ops.cast(self.bias, dtype))
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        output_shape[-1] = self.units
        return tuple(output_shape)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "mode": self.mode,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "mean_initializer": initializers.serialize(self.mean_initializer),
            "scale_initializer": initializers.serialize(
                self.scale_initializer
            ),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "noise_scale": self.noise_scale,
            "prior_stddev": self.prior_stddev,
            "kl_weight": self.kl_weight,
            "inference": self.inference,
            "sampling": self.sampling,
            "scale_parameterization": self.scale_parameterization,
            "prior": (None if type(self.prior) is GaussianPrior
                      else keras.saving.serialize_keras_object(self.prior)),
            "kl_estimate": self.kl_estimate,
            "seed": self.seed,
            "mean_regularizer": regularizers.serialize(self.mean_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "mean_constraint": constraints.serialize(self.mean_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**base_config, **config}
