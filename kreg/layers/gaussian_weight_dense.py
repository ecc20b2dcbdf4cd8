"""Dense layer whose weights are Gaussian distributions."""

import math

import keras
from keras import activations
from keras import constraints
from keras import initializers
from keras import ops
from keras import regularizers

from kreg import random as kreg_random
from kreg.kernels import kernel as kernel_spec
from kreg.layers.weight_priors import GaussianPrior, ScaleMixturePrior
from kreg.argument_checks import (
    check_bool,
    check_choice,
    check_non_negative_float,
    check_positive_float,
    check_positive_int,
    check_seed,
)

_MODES = ("gaussian_function", "reparameterized")
_INFERENCE_MODES = ("mean", "sample")
_SAMPLING = ("weights", "local", "flipout")
_SCALES = ("exp", "softplus")
_KL_ESTIMATES = ("auto", "closed_form", "monte_carlo")
# The softplus scale is `softplus(rho) + _SCALE_FLOOR`, as TFP's default.
_SCALE_FLOOR = 1e-5


@keras.saving.register_keras_serializable(package="kreg")
class GaussianWeightDense(keras.layers.Layer):
    """Densely-connected layer whose weights are Gaussian distributions.

    Every weight `w_ij` has a mean `mu_ij` (the variable `kernel_mean`) and
    a positive scale `S_ij = exp(s_hat_ij)` (the variable `kernel_log_scale`
    holds `s_hat`). The layer computes
    `output = activation(dot(input, W) + bias)`, where the kernel `W` is
    built from `mu` and `S` in one of two ways, chosen by `mode`:

    - `"gaussian_function"` (Greydanus, 2016): the weight is the *value* of a
      Gaussian probability density function evaluated at a noise point `n`,

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
      `n = 0`. This mode has no KL term (`kl_weight` must be 0).
    - `"reparameterized"` (Graves, 2011; Blundell et al., 2015, "Bayes by
      backprop"): during training `w = mu + sigma * eps`, with
      `sigma = exp(s_hat)` (the same parameterization as the other mode,
      not softplus) and `eps ~ N(0, 1)` drawn afresh on every call. When
      `kl_weight > 0`, `kl_weight * KL(q(w) || N(0, prior_stddev**2))`,
      summed over all kernel weights in closed form, is added with
      `add_loss` on training calls. At inference the kernel is `mu`
      (`inference="mean"`) or a fresh sample on every call
      (`inference="sample"`, for Monte Carlo averaging). The weights
      `noise` and `step` are not created in this mode.

    The bias, when used, is a plain point estimate in both modes.

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
        scale_initializer: Initializer for `kernel_log_scale`, the
            logarithm of the scale. Defaults to
            `TruncatedNormal(stddev=0.075)` (the article's, so `S` starts
            near 1) in `"gaussian_function"` mode and to
            `Constant(log(1e-3))` (`sigma = 1e-3`, a small initial noise as
            in Bayes by backprop) in `"reparameterized"` mode.
        bias_initializer: Initializer for the bias vector.
        noise_scale: Non-negative float, the standard deviation of the
            noise point `n` in `"gaussian_function"` mode. Unused in
            `"reparameterized"` mode.
        prior_stddev: Positive float, standard deviation of the zero-mean
            Gaussian prior of the KL term in `"reparameterized"` mode.
        kl_weight: Non-negative finite float, multiplier of the KL term.
            Must be 0 in `"gaussian_function"` mode.
        inference: `"mean"` (default) or `"sample"`, the kernel used by
            `"reparameterized"` mode at inference.
        sampling: `"weights"` (default) or `"local"`, how
            `"reparameterized"` mode draws at training. `"weights"` samples
            the kernel `w = mu + sigma * eps` once per call (Blundell et al.),
            shared by the batch. `"local"` is the local reparameterization
            trick (Kingma et al., 2015): the pre-activations, which are
            Gaussian given the input, are sampled directly per example,
            `x @ mu + sqrt((x * x) @ sigma^2) * eps`, with `eps` of the output
            shape: independent weights per example, lower-variance gradients,
            and far fewer random numbers (cheaper on a CPU).
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
    >>> y = layer(x)
    >>> bool(np.all(keras.ops.convert_to_numpy(layer.effective_kernel()) > 0))
    True

    Reference:
        - [Greydanus, 2016. Regularization for neural networks](
            https://greydanus.github.io/2016/09/05/regularization/)
        - [Graves, 2011. Practical variational inference for neural
            networks](https://papers.nips.cc/paper/4329)
        - [Blundell et al., 2015. Weight uncertainty in neural networks](
            https://arxiv.org/abs/1505.05424)
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
        check_choice("sampling", sampling, _SAMPLING)
        check_choice("inference", inference, _INFERENCE_MODES)
        check_choice("scale_parameterization", scale_parameterization, _SCALES)
        check_choice("kl_estimate", kl_estimate, _KL_ESTIMATES)
        prior = self._resolve_prior(prior, prior_stddev)
        if kl_estimate == "closed_form" and isinstance(prior, ScaleMixturePrior):
            raise ValueError(
                "Invalid value received for argument `kl_estimate`. The "
                "scale-mixture prior has no closed-form KL divergence; use "
                "'monte_carlo' or 'auto'. Received: kl_estimate=closed_form"
            )
        if mode == "gaussian_function" and scale_parameterization != "exp":
            raise ValueError(
                "Invalid value received for argument `scale_parameterization`. "
                "The article's mode='gaussian_function' uses S = exp(s_hat). "
                f"Received: scale_parameterization={scale_parameterization}"
            )
        check_non_negative_float("noise_scale", noise_scale)
        check_positive_float("prior_stddev", prior_stddev)
        check_non_negative_float("kl_weight", kl_weight)
        if mode == "gaussian_function" and kl_weight != 0:
            raise ValueError(
                "Invalid value received for argument `kl_weight`. Expected "
                "0 when mode='gaussian_function' (this mode has no KL term). "
                f"Received: kl_weight={kl_weight}"
            )
        check_seed(seed)
        super().__init__(**kwargs)
        self.units = units
        self.mode = mode
        self.activation = activations.get(activation)
        check_bool("use_bias", use_bias)
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
                # TFP's mean-field default: softplus(-3) ~ 0.049.
                scale_initializer = initializers.RandomNormal(
                    mean=-3.0, stddev=0.1, seed=seed)
            else:
                scale_initializer = initializers.Constant(math.log(1e-3))
        self.mean_initializer = initializers.get(mean_initializer)
        self.scale_initializer = initializers.get(scale_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.noise_scale = float(noise_scale)
        self.prior_stddev = float(prior_stddev)
        self.kl_weight = float(kl_weight)
        self.inference = inference
        self.sampling = sampling
        self.scale_parameterization = scale_parameterization
        self.prior = prior
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

    def build(self, input_shape):
        input_dim = input_shape[-1]
        kernel_shape = (input_dim, self.units)
        self.kernel_mean = self.add_weight(
            name="kernel_mean",
            shape=kernel_shape,
            initializer=self.mean_initializer,
            regularizer=self.mean_regularizer,
            constraint=self.mean_constraint,
        )
        # The scale's free parameter: `s_hat` with `S = exp(s_hat)`, or `rho`
        # with `S = softplus(rho) + 1e-5`; named for what it holds.
        scale_name = ("kernel_log_scale" if self.scale_parameterization == "exp"
                      else "kernel_untransformed_scale")
        self._scale_parameter = self.add_weight(
            name=scale_name,
            shape=kernel_shape,
            initializer=self.scale_initializer,
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

    @staticmethod
    def _resolve_prior(prior, prior_stddev):
        check_positive_float("prior_stddev", prior_stddev)
        if prior is None:
            return GaussianPrior(prior_stddev)
        if isinstance(prior, dict):
            prior = keras.saving.deserialize_keras_object(prior)
        if not isinstance(prior, (GaussianPrior, ScaleMixturePrior)):
            raise ValueError(
                "Invalid value received for argument `prior`. Expected None, a "
                "kreg.layers.GaussianPrior or a kreg.layers.ScaleMixturePrior. "
                f"Received: prior={prior!r}"
            )
        if prior_stddev != 1.0:
            raise ValueError(
                "Invalid value received for argument `prior_stddev`. Give the "
                "prior's scale through `prior` or `prior_stddev`, not both. "
                f"Received: prior_stddev={prior_stddev}, prior={prior!r}"
            )
        return prior

    @property
    def xla_friendly_random(self):
        """All draws are counter-based `kreg.random` draws."""
        return True

    def _log_sigma(self, dtype):
        raw = ops.cast(self._scale_parameter, dtype)
        if self.scale_parameterization == "exp":
            return raw
        return ops.log(ops.softplus(raw) + _SCALE_FLOOR)

    def _sigma(self, dtype):
        raw = ops.cast(self._scale_parameter, dtype)
        if self.scale_parameterization == "exp":
            return ops.exp(raw)
        return ops.softplus(raw) + _SCALE_FLOOR

    def kernel_scale(self):
        """Returns the scale `S` of every weight: `exp(kernel_log_scale)`, or
        `softplus(kernel_untransformed_scale) + 1e-5`."""
        return self._sigma(self._scale_parameter.dtype)

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
            return self._sampled_kernel(dtype)
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

    def _normal(self, shape, dtype):
        return kreg_random.normal(shape, self.seed_generator, dtype=dtype)

    def _sampled_kernel(self, dtype):
        mean = ops.cast(self.kernel_mean, dtype)
        eps = self._normal(tuple(self.kernel_mean.shape), dtype)
        return mean + self._sigma(dtype) * eps

    def _kl_divergence(self, kernel=None):
        """`KL(q(w) || p(w))` summed over the kernel, in float32: in closed
        form for the Gaussian prior (unless `kl_estimate="monte_carlo"`),
        else the one-sample Monte Carlo estimate `log q(w) - log p(w)` at
        `kernel` (a sample of the weights; drawn here if `None`)."""
        mean = ops.cast(self.kernel_mean, "float32")
        log_sigma = self._log_sigma("float32")
        if self.kl_estimate != "monte_carlo":
            closed = self.prior.kl_from(mean, log_sigma)
            if closed is not None:
                return ops.sum(closed)
        if kernel is None:
            eps = self._normal(tuple(self.kernel_mean.shape), "float32")
        else:
            eps = (ops.cast(kernel, "float32") - mean) / ops.exp(log_sigma)
        weights = mean + ops.exp(log_sigma) * eps
        log_q = -log_sigma - 0.5 * math.log(2.0 * math.pi) - 0.5 * ops.square(eps)
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
        if training and self.sampling == "local":
            outputs = self._local_preactivations(inputs, dtype)
            kernel = None
        elif training and self.sampling == "flipout":
            outputs = self._flipout_preactivations(inputs, dtype)
            kernel = None
        elif training or self.inference == "sample":
            kernel = self._sampled_kernel(dtype)
            outputs = ops.matmul(inputs, kernel)
        else:
            kernel = None
            outputs = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        if training and self.kl_weight > 0:
            self.add_loss(self.kl_weight * self._kl_divergence(kernel))
        return self._finish(outputs)

    def _local_preactivations(self, inputs, dtype):
        mean = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        variance = ops.matmul(ops.square(inputs), ops.square(self._sigma(dtype)))
        eps = self._normal(ops.shape(mean), dtype)
        return mean + ops.sqrt(variance) * eps

    def _flipout_preactivations(self, inputs, dtype):
        """Flipout (Wen et al., 2018): one weight perturbation `sigma * eps`
        per call, decorrelated across examples by random sign flips of the
        inputs and outputs, `x @ mu + ((x * s_in) @ (sigma * eps)) * s_out`."""
        mean = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        perturbation = self._sigma(dtype) * self._normal(
            tuple(self.kernel_mean.shape), dtype)
        signs_in = kreg_random.random_signs(ops.shape(inputs), self.seed_generator,
                                            dtype=dtype)
        signs_out = kreg_random.random_signs(ops.shape(mean), self.seed_generator,
                                             dtype=dtype)
        flipped = ops.matmul(ops.multiply(inputs, signs_in), perturbation)
        return mean + ops.multiply(flipped, signs_out)

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
            "scale_parameterization": self.scale_parameterization,
            "prior": (None if type(self.prior) is GaussianPrior
                      else keras.saving.serialize_keras_object(self.prior)),
            "kl_estimate": self.kl_estimate,
            "kl_weight": self.kl_weight,
            "inference": self.inference,
            "sampling": self.sampling,
            "seed": self.seed,
            "mean_regularizer": regularizers.serialize(self.mean_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "mean_constraint": constraints.serialize(self.mean_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**base_config, **config}

