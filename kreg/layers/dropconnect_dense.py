"""`DropConnectDense`: a dense layer that drops weights instead of units."""

import keras
from keras import activations, constraints, initializers, ops, regularizers

from kreg import random as kreg_random
from kreg.argument_checks import (
    check_bool,
    check_choice,
    check_positive_int,
    check_rate,
    check_seed,
)
from kreg.kernels import kernel
from kreg.layers.deprecations import warn_deprecated

_SAMPLINGS = ("per_example", "per_batch", "gaussian")
_INFERENCES = ("mean", "sample", "moment_matched")
# The words of kreg 0.2, still read (with a DeprecationWarning, until
# `kreg.layers.deprecations.REMOVED_IN`) so that layers made or saved with
# them load: `mask=` is `sampling=`, and the old `inference` values map to
# the new ones.
_OLD_INFERENCES = {"deterministic": "mean", "gaussian": "moment_matched"}
# Stateless seed of the Gaussian inference draws when `seed` is None.
_DEFAULT_INFERENCE_SEED = 0
# The least variance whose square root the Gaussian mode differentiates
# (far below any variance that matters; a float32 normal number).
_VARIANCE_FLOOR = 1e-30


@keras.saving.register_keras_serializable(package="kreg")
class DropConnectDense(keras.layers.Layer):
    """Densely-connected layer with DropConnect on its weights.

    DropConnect (Wan et al., 2013) is the generalization of dropout to
    weights: at training time every entry of the `kernel` is set to zero
    with probability `rate`, independently, and the unit outputs are
    computed with the masked kernel. Dropout drops whole rows of the
    kernel (one input unit); DropConnect drops single connections.

    The layer uses *inverted* scaling: with keep probability
    `p = 1 - rate`, the masked kernel is `mask * kernel / p`, so that its
    expectation is `kernel` and the deterministic inference uses the
    kernel unchanged, `activation(dot(inputs, kernel) + bias)`, exactly as
    `keras.layers.Dense`.

    Training noise (`sampling` argument):

    - `"per_example"` (default, as in Wan et al.): every example of the
        batch draws its own mask of the kernel, and the layer computes
        `out[b] = x[b] @ (M[b] * W) / p` with
        `einsum("b...i,bij->b...j")`. This materializes a tensor of shape
        `(batch_size, input_dim, units)` (twice: the mask and the masked
        kernel), i.e. `batch_size` times the memory of the kernel: fine for
        moderate sizes (batch 128, 1024x1024 kernel: 512 MiB in float32),
        too heavy for large layers. For inputs of rank > 2, e.g.
        `(batch_size, timesteps, input_dim)`, one mask is drawn per batch
        entry (axis 0) and shared by all positions of that entry.
    - `"per_batch"`: one mask shared by the whole batch, cheap
        (`x @ (M * W) / p`); for inputs of rank > 2 the last axis is
        contracted, like `Dense`.
    - `"gaussian"`: per-example DropConnect at the price of a `Dense`. Given
        the input, each example's pre-activation under a per-example mask is
        a sum of many independent terms; it is sampled from the Gaussian with
        the same mean and variance, `mean = x @ W (+ b)` and
        `var = rate / (1 - rate) * (x * x) @ (W * W)` (plus
        `rate / (1 - rate) * b * b` with `drop_bias`), as Wan et al. do at
        inference and Wang & Manning's fast dropout does at training. It
        draws `batch x units` normal numbers instead of
        `batch x input_dim x units` mask bits, and costs about two matmuls.
        Given the input, the units of an example are independent under real
        masks (each has its own column of the mask), and so they are here;
        the Gaussian matches each pre-activation's mean and variance
        exactly, not its higher moments (a sum of few or very unequal terms
        is skewed). For inputs of rank > 2 every position draws its own
        value, where a real per-example mask is shared by the positions.

    The masks and normal draws come from `kreg.random` (counter-based and
    cheap under XLA; see `kreg.layers.InvertedDropout`): a rate that is a
    multiple of 1/65536 is drawn exactly from packed bits, any other from
    one 32-bit word per weight, within 1.2e-10 of the rate.

    Inference (`inference` argument, the words of
    `kreg.layers.BayesianDense`), when `training` is false:

    - `"mean"` (default): the deterministic expected layer,
        `activation(dot(inputs, kernel) + bias)`, as `keras.layers.Dense`.
    - `"sample"`: a fresh draw on every call, exactly as at training (the
        noise that `sampling` says: per-example masks, one mask for the
        batch, or the moment-matched Gaussian pre-activations), for Monte
        Carlo predictions (MC DropConnect).
    - `"moment_matched"`: the moment matching of Wan et al. (Algorithm 2),
        deterministic. The
        training pre-activation `u_j = sum_i x_i m_ij W_ij / p + b_j`
        (`m_ij ~ Bernoulli(p)`, `E[m / p] = 1`, `Var[m / p] = (1 - p) / p`)
        is approximated by a Gaussian with
        `mean = dot(x, kernel) + bias` and
        `var = (1 - p) / p * dot(x * x, kernel * kernel)`
        (plus `(1 - p) / p * bias * bias` when `drop_bias=True`). This is
        Wan et al.'s mean `p W v` and variance `p (1 - p) (W * W)(v * v)`
        (no inverted scaling) divided by `p` and `p ** 2`. The layer draws
        `num_inference_samples` values of `u`, applies the activation to
        each and returns their average, an estimate of
        `E[activation(u)]` (which differs from `activation(E[u])` for
        nonlinear activations, the point of the method). The draws use a
        fixed stateless seed (`seed`, or 0 when `seed` is None) and are
        shared by all the examples of a batch, so inference is
        deterministic: the same example always gives the same output,
        whatever the batch it sits in. With a linear activation the exact
        mean `dot(x, kernel) + bias` is returned. Memory:
        `num_inference_samples` times the output.

    Args:
        units: Positive integer, dimensionality of the output space.
        rate: Float in `[0, 1)`, probability to drop each weight.
        activation: Activation function to use. If you don't specify
            anything, no activation is applied (ie. "linear" activation:
            `a(x) = x`).
        use_bias: Boolean, whether the layer uses a bias vector.
        sampling: How the training noise is drawn: `"per_example"`
            (default), `"per_batch"` or `"gaussian"`, see above. (Formerly
            `mask`, still accepted with a `DeprecationWarning` until kreg
            0.5.0.)
        drop_bias: Boolean, whether bias entries are dropped too (with the
            same `rate`, per example or per batch following `sampling`, and
            the same inverted scaling). Ignored when `use_bias=False`.
        inference: `"mean"` (default), `"sample"` or `"moment_matched"`,
            see above. (The former `"deterministic"` and `"gaussian"` are
            still accepted, with a `DeprecationWarning` until kreg 0.5.0,
            as `"mean"` and `"moment_matched"`.)
        num_inference_samples: Positive integer, number of Gaussian draws
            averaged by `inference="moment_matched"`. Defaults to `100`.
        kernel_initializer: Initializer for the `kernel` weights matrix.
        bias_initializer: Initializer for the bias vector.
        kernel_regularizer: Regularizer function applied to
            the `kernel` weights matrix.
        bias_regularizer: Regularizer function applied to the bias vector.
        kernel_constraint: Constraint function applied to
            the `kernel` weights matrix.
        bias_constraint: Constraint function applied to the bias vector.
        seed: A Python integer to use as random seed.

    Call arguments:
        inputs: Input tensor of shape `(batch_size, ..., input_dim)`.
        training: Python boolean indicating whether the layer should behave
            in training mode (masked weights) or in inference mode.

    Input shape:
        N-D tensor with shape: `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor with shape: `(batch_size, ..., units)`.

    Example:

    >>> layer = DropConnectDense(4, rate=0.5, seed=1)
    >>> x = keras.ops.ones((2, 3))
    >>> tuple(layer(x, training=True).shape)
    (2, 4)
    >>> y = layer(x, training=False)  # equal to x @ kernel + bias

    Reference:
        - [Wan et al., 2013. Regularization of Neural Networks using
          DropConnect](https://proceedings.mlr.press/v28/wan13.html)
    """

    def __init__(
        self,
        units,
        rate=0.5,
        activation=None,
        use_bias=True,
        sampling="per_example",
        drop_bias=False,
        inference="mean",
        num_inference_samples=100,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        seed=None,
        **kwargs,
    ):
        sampling, inference = _renamed_arguments(sampling, inference, kwargs)
        check_positive_int("units", units)
        check_rate("rate", rate)
        check_choice("sampling", sampling, _SAMPLINGS)
        check_choice("inference", inference, _INFERENCES)
        check_positive_int("num_inference_samples", num_inference_samples)
        check_seed(seed)
        check_bool("use_bias", use_bias)
        check_bool("drop_bias", drop_bias)
        super().__init__(**kwargs)
        self.units = units
        self.rate = rate
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.sampling = sampling
        self.drop_bias = drop_bias
        self.inference = inference
        self.num_inference_samples = num_inference_samples
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
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
        """The kernel, for kreg's helpers (penalties, pruning, max-norm)."""
        return [kernel(self, "kernel", (-1,))]

    # Every draw is a counter-based `kreg.random` draw, which XLA compiles
    # well (unlike `keras.random` on a CPU); read by the suite's compiled loop.
    xla_friendly_random = True

    def _keep_mask(self, shape):
        """Bernoulli(keep prob) mask divided by the keep prob."""
        keep = kreg_random.keep_mask(shape, self.rate, self.seed_generator,
                                     dtype=self.compute_dtype)
        return ops.multiply(keep, ops.cast(1.0 / (1.0 - self.rate), keep.dtype))

    def _variance(self, inputs, kernel, bias):
        """Variance of the pre-activation under per-example masks, in at
        least float32 (the sums of squares overflow float16)."""
        wide = "float32" if self.compute_dtype in ("float16", "bfloat16") else (
            self.compute_dtype)
        variance = ops.matmul(
            ops.square(ops.cast(inputs, wide)), ops.square(ops.cast(kernel, wide))
        )
        if bias is not None and self.drop_bias:
            variance = ops.add(variance, ops.square(ops.cast(bias, wide)))
        return ops.multiply(
            variance, ops.cast(self.rate / (1.0 - self.rate), variance.dtype)
        )

    def _dense(self, inputs, kernel, bias):
        outputs = ops.matmul(inputs, kernel)
        if bias is not None:
            outputs = ops.add(outputs, bias)
        return outputs

    def _dropconnect(self, inputs, kernel, bias):
        rank = len(inputs.shape)
        if self.sampling == "gaussian":
            # The floor keeps the gradient finite where the variance is 0
            # (an all-zero input row, e.g. after a ReLU): there the maximum
            # passes no gradient to the variance, instead of inf * 0 = nan.
            variance = self._variance(inputs, kernel, bias)
            stddev = ops.sqrt(ops.maximum(
                variance, ops.cast(_VARIANCE_FLOOR, variance.dtype)))
            outputs = ops.matmul(inputs, kernel)
            noise = kreg_random.normal(ops.shape(outputs), self.seed_generator,
                                       dtype=stddev.dtype)
            outputs = ops.add(outputs, ops.cast(ops.multiply(stddev, noise),
                                                outputs.dtype))
            # The bias comes after the noise. On TensorFlow with its oneDNN
            # rewrites (the default on x86 CPUs), `x @ W + b + noise` then a
            # relu, relu6 or elu is fused into one node that leaves an empty
            # node behind: the train step's graph optimizations fail, with
            # three `tfg_optimizer_hook ... has an empty op name` errors.
            return outputs if bias is None else ops.add(outputs, bias)
        if self.sampling == "per_batch":
            kernel = ops.multiply(kernel, self._keep_mask(ops.shape(kernel)))
            if bias is not None and self.drop_bias:
                bias = ops.multiply(bias, self._keep_mask((self.units,)))
            return self._dense(inputs, kernel, bias)
        batch_size = ops.shape(inputs)[0]
        kernel_shape = (batch_size,) + tuple(ops.shape(kernel))
        kernels = ops.multiply(kernel, self._keep_mask(kernel_shape))
        outputs = ops.einsum("b...i,bij->b...j", inputs, kernels)
        if bias is not None:
            if self.drop_bias:
                bias_shape = (batch_size,) + (1,) * (rank - 2) + (self.units,)
                bias = ops.multiply(bias, self._keep_mask(bias_shape))
            outputs = ops.add(outputs, bias)
        return outputs

    def _gaussian_inference(self, inputs, kernel, bias):
        mean = self._dense(inputs, kernel, bias)
        if self.rate == 0:
            return self.activation(mean)
        if self.activation is activations.linear:
            return mean
        variance = self._variance(inputs, kernel, bias)
        stddev = ops.cast(ops.sqrt(ops.maximum(variance, 0.0)), self.compute_dtype)
        rank = len(inputs.shape)
        seed = _DEFAULT_INFERENCE_SEED if self.seed is None else self.seed
        noise = kreg_random.normal(
            (self.num_inference_samples,) + (1,) * (rank - 1) + (self.units,),
            seed, dtype=self.compute_dtype,
        )
        samples = ops.add(
            ops.expand_dims(mean, 0),
            ops.multiply(ops.expand_dims(stddev, 0), noise),
        )
        return ops.mean(self.activation(samples), axis=0)

    def call(self, inputs, training=None):
        inputs = ops.cast(inputs, self.compute_dtype)
        kernel = ops.cast(self.kernel, self.compute_dtype)
        bias = None
        if self.bias is not None:
            bias = ops.cast(self.bias, self.compute_dtype)
        if self.rate > 0 and (training or self.inference == "sample"):
            outputs = self._dropconnect(inputs, kernel, bias)
        elif self.inference == "moment_matched":
            return self._gaussian_inference(inputs, kernel, bias)
        else:
            outputs = self._dense(inputs, kernel, bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        output_shape[-1] = self.units
        return tuple(output_shape)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "rate": self.rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "sampling": self.sampling,
            "drop_bias": self.drop_bias,
            "inference": self.inference,
            "num_inference_samples": self.num_inference_samples,
            "kernel_initializer": initializers.serialize(
                self.kernel_initializer
            ),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(
                self.kernel_regularizer
            ),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }
        return {**base_config, **config}


def _renamed_arguments(sampling, inference, kwargs):
    """`(sampling, inference)` with the former words mapped to the new
    ones, each with a `DeprecationWarning`: a `mask` keyword argument
    (popped from `kwargs`; it named what is now `sampling`, and clashed with
    Keras's `mask`) and `inference="deterministic"` or `"gaussian"`. A layer
    saved with them loads through `from_config`, which calls `__init__`."""
    if "mask" in kwargs:
        old = kwargs.pop("mask")
        if sampling != "per_example" and sampling != old:
            raise ValueError(
                "Invalid value received for argument `mask`. Expected it "
                "left out: it is the former name of `sampling`. Received: "
                f"mask={old} and sampling={sampling}")
        warn_deprecated(
            f"DropConnectDense(mask={old!r}) is deprecated: use "
            f"sampling={old!r}.", stacklevel=3)
        sampling = old
    if isinstance(inference, str) and inference in _OLD_INFERENCES:
        new = _OLD_INFERENCES[inference]
        warn_deprecated(
            f"DropConnectDense(inference={inference!r}) is deprecated: use "
            f"inference={new!r}.", stacklevel=3)
        inference = new
    return sampling, inference
