"""Dense layer whose weights are values of a Gaussian function (article 000)."""

import math

import keras
from keras import activations, constraints, initializers, ops, regularizers

from kreg.argument_checks import (
    check_bool,
    check_non_negative_float,
    check_positive_int,
    check_seed,
)
from kreg.kernels import kernel
from kreg.layers.gaussian_posterior import scale_from

# The article's initializer of both `mu` and `s_hat` (so `S` starts near 1).
_ARTICLE_INIT_STDDEV = 0.075
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


@keras.saving.register_keras_serializable(package="kreg")
class GaussianFunctionDense(keras.layers.Layer):
    """Densely-connected layer whose weights are Gaussian function values.

    The "Gaussian weight" layer of Greydanus (2016): every weight `w_ij` has
    a mean `mu_ij` (the variable `kernel_mean`) and a positive scale
    `S_ij = exp(s_hat_ij)` (`s_hat` is the variable `kernel_log_scale`), and
    the weight is the *value* of a Gaussian probability density function at
    a noise point `n`:

    `W = exp(-((n - mu) / S)**2 / (2 * S**2)) / (sqrt(2 * pi) * S)`,

    `output = activation(dot(input, W) + bias)`.

    Note the quirk, kept on purpose to match the article: `S` appears twice
    in the exponent, so in effect
    `W = exp(-(n - mu)**2 / (2 * S**4)) / (sqrt(2 * pi) * S)`. All weights
    are therefore positive. During training
    `n = noise_scale * roll(noise, t)`, where `noise` is a standard-normal
    tensor of the kernel's shape drawn once when the layer is built (from
    `seed`) and stored as the non-trainable weight `noise`, and `t` is the
    non-trainable integer weight `step`, which counts training calls
    (`t = 0` at the first one). `roll` flattens `noise` and shifts it
    cyclically by `t` elements, like `np.roll(noise, t)`:
    `n.flat[i] = noise_scale * noise.flat[(i - t) mod N]`. At inference
    `n = 0`, so the layer is deterministic.

    This is not a Bayesian layer: it has no posterior, no prior and no KL
    term (for Bayes by backprop see `kreg.layers.BayesianDense`). The bias,
    when used, is a plain point estimate.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function to use. If you don't specify
            anything, no activation is applied (ie. "linear" activation:
            `a(x) = x`).
        use_bias: Boolean, whether the layer uses a bias vector.
        mean_initializer: Initializer for `kernel_mean`. Defaults to the
            article's `TruncatedNormal(stddev=0.075)`.
        scale_initializer: Initializer for `kernel_log_scale`. Defaults to
            the article's `TruncatedNormal(stddev=0.075)` (so `S` starts
            near 1).
        bias_initializer: Initializer for the bias vector.
        noise_scale: Non-negative float, the standard deviation of the
            noise point `n` during training.
        seed: Optional integer, seed of the fixed noise tensor.
        mean_regularizer: Regularizer function applied to `kernel_mean`.
        bias_regularizer: Regularizer function applied to the bias vector.
        mean_constraint: Constraint function applied to `kernel_mean`.
        bias_constraint: Constraint function applied to the bias vector.
        **kwargs: Base layer keyword arguments, such as `name`, `dtype` and
            `activity_regularizer`.

    Call arguments:
        inputs: N-D tensor with shape `(batch_size, ..., input_dim)`.
        training: Python boolean indicating whether the layer should behave
            in training mode (noise point `n` from the rolled noise, and the
            `step` counter incremented) or in inference mode (`n = 0`).

    Input shape:
        N-D tensor with shape `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor with shape `(batch_size, ..., units)`.

    Example:

    >>> layer = kreg.layers.GaussianFunctionDense(3, seed=0)
    >>> x = np.ones((2, 4), dtype="float32")
    >>> y = layer(x, training=True)
    >>> int(keras.ops.convert_to_numpy(layer.step))
    1
    >>> bool(np.all(keras.ops.convert_to_numpy(layer.effective_kernel()) > 0))
    True

    Reference:
        - [Greydanus, 2016. Regularization for neural networks](
            https://greydanus.github.io/2016/09/05/regularization/)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        mean_initializer=None,
        scale_initializer=None,
        bias_initializer="zeros",
        noise_scale=0.5,
        seed=None,
        mean_regularizer=None,
        bias_regularizer=None,
        mean_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        check_positive_int("units", units)
        check_bool("use_bias", use_bias)
        check_non_negative_float("noise_scale", noise_scale)
        check_seed(seed)
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        if mean_initializer is None:
            mean_initializer = initializers.TruncatedNormal(
                stddev=_ARTICLE_INIT_STDDEV)
        if scale_initializer is None:
            scale_initializer = initializers.TruncatedNormal(
                stddev=_ARTICLE_INIT_STDDEV)
        self.mean_initializer = initializers.get(mean_initializer)
        self.scale_initializer = initializers.get(scale_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.noise_scale = float(noise_scale)
        self.seed = seed
        self.mean_regularizer = regularizers.get(mean_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.mean_constraint = constraints.get(mean_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        kernel_shape = (input_dim, self.units)
        # The order of the weights is the order of the saved files (of this
        # layer and of `GaussianWeightDense(mode="gaussian_function")`).
        # `autocast=False`: the kernel is computed from the variables in the
        # compute dtype by `_kernel`, which casts them itself.
        self.kernel_mean = self.add_weight(
            name="kernel_mean",
            shape=kernel_shape,
            initializer=self.mean_initializer,
            regularizer=self.mean_regularizer,
            constraint=self.mean_constraint,
            autocast=False,
        )
        self.kernel_log_scale = self.add_weight(
            name="kernel_log_scale",
            shape=kernel_shape,
            initializer=self.scale_initializer,
            autocast=False,
        )
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
        max-norm)."""
        return [kernel(self, "kernel_mean", (-1,),
                       regularizer_attribute="mean_regularizer")]

    def kernel_scale(self):
        """Returns the scale `S = exp(kernel_log_scale)` of every weight."""
        return scale_from(ops.convert_to_tensor(self.kernel_log_scale), "exp")

    def effective_kernel(self, training=False):
        """Returns the kernel `W` the layer multiplies its inputs with.

        Args:
            training: If `False` (default), the kernel used at inference,
                the Gaussian function value at `n = 0`. If `True`, the kernel
                a training call would use now, at the current `step` (which
                is not incremented).

        Returns:
            A tensor of shape `(input_dim, units)`, in the variable dtype.
        """
        dtype = self.variable_dtype
        return self._kernel(self._rolled_noise(dtype) if training else None,
                            dtype)

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

    def _kernel(self, noise, dtype):
        """The Gaussian function values at the noise point `noise` (`None`:
        at 0), in `dtype`."""
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
            - _LOG_SQRT_2PI
        )
        return ops.exp(log_kernel)

    def call(self, inputs, training=None):
        dtype = self.compute_dtype
        if training:
            kernel = self._kernel(self._rolled_noise(dtype), dtype)
            self.step.assign(self.step + 1)
        else:
            kernel = self._kernel(None, dtype)
        outputs = ops.matmul(inputs, kernel)
        if self.bias is not None:
            outputs = ops.add(outputs, ops.cast(self.bias, dtype))
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.units,)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "mean_initializer": initializers.serialize(self.mean_initializer),
            "scale_initializer": initializers.serialize(
                self.scale_initializer
            ),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "noise_scale": self.noise_scale,
            "seed": self.seed,
            "mean_regularizer": regularizers.serialize(self.mean_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "mean_constraint": constraints.serialize(self.mean_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**base_config, **config}
