"""Bayesian dense layer: a Gaussian posterior over the weights (Bayes by
backprop), sampled by weights, local reparameterization or Flipout."""

import keras
from keras import activations, constraints, initializers, ops, regularizers

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
from kreg.kernels import kernel
from kreg.layers import gaussian_posterior as posterior
from kreg.layers.weight_priors import prior_config, resolve_prior

_SAMPLING = ("weights", "local", "flipout")
_INFERENCE_MODES = ("mean", "sample")
# The local reparameterization's variance is floored here before its square
# root, whose derivative is infinite at 0 (an all-zero input row).
_TINY_VARIANCE = 1e-30


@keras.saving.register_keras_serializable(package="kreg")
class BayesianDense(keras.layers.Layer):
    """Densely-connected layer with a Gaussian posterior over its weights.

    Bayes by backprop (Graves, 2011; Blundell et al., 2015): every weight
    `w_ij` has a mean-field Gaussian posterior `q(w) = N(mu, S^2)`, `mu` the
    variable `kernel_mean` and `S` a positive scale (see
    `scale_parameterization`). The layer computes
    `output = activation(dot(input, W) + bias)` with the kernel `W` drawn
    from `q` afresh on every training call (see `sampling`), and adds
    `kl_weight * KL(q || prior)`, summed over the kernel, with `add_loss`
    on every call (see `kl_weight`). At inference `W` is `mu`
    (`inference="mean"`) or a fresh sample on every call
    (`inference="sample"`, for Monte Carlo predictions).

    The bias is a point estimate (the variable `bias`) unless
    `bias_posterior=True`, which gives it a Gaussian posterior of its own,
    sampled with the kernel, with its own KL term (a second loss).

    This is TFP's `DenseReparameterization` (`sampling="weights"`),
    `DenseLocalReparameterization` (`"local"`) and `DenseFlipout`
    (`"flipout"`) with their default posteriors, prior and divergence:
    softplus scales initialized near 0.049, a `N(0, 1)` prior, the full KL
    added on every call, training or not (so `model.evaluate` reports the
    same loss as TFP's), and a point-mass bias.

    The prior is an object (`kreg.layers.GaussianPrior`,
    `kreg.layers.ScaleMixturePrior`, or a subclass of
    `kreg.layers.weight_priors.WeightPrior`): each prior has its own
    parameters and checks, and knows its log density and whether its KL
    from a Gaussian has a closed form, so the layer needs no change for a
    new prior. The common case keeps its one argument, `prior_stddev`.

    Under a mixed precision policy the means and scales stay in float32:
    the matmuls run in the compute dtype; the samples, the local
    reparameterization's variance and the KL term are computed in float32
    (a scale of 1e-3 has a square below float16's normal range).

    Args:
        units: Positive integer, dimensionality of the output space.
        sampling: How a training call draws from the posterior:
            - `"weights"` (default; TFP's `DenseReparameterization`): one
              kernel `w = mu + S * eps` a call, shared by the batch.
            - `"local"` (TFP's `DenseLocalReparameterization`; Kingma et
              al., 2015): the pre-activations, Gaussian given the input, are
              drawn directly for each example,
              `x @ mu + sqrt((x * x) @ S^2) * eps`, `eps` of the output's
              shape: independent weights per example, lower-variance
              gradients, `batch x units` random numbers.
            - `"flipout"` (TFP's `DenseFlipout`; Wen et al., 2018): one
              perturbation `S * eps` a call, made pseudo-independent across
              examples by random signs `s_in` (the input's shape) and
              `s_out` (the output's shape),
              `x @ mu + ((x * s_in) @ (S * eps)) * s_out`. Each example's
              output has the same distribution as with `"weights"`, and two
              examples' perturbations are uncorrelated; about two matmuls.
        inference: `"mean"` (default) or `"sample"`, the kernel at
            inference: `mu`, or one sample `mu + S * eps` a call shared by
            the batch (whatever `sampling` is), so that each call is one
            draw of the network (TFP's layers always sample).
        activation: Activation function to use. If you don't specify
            anything, no activation is applied (ie. "linear" activation:
            `a(x) = x`).
        use_bias: Boolean, whether the layer uses a bias vector.
        bias_posterior: Boolean (default `False`, TFP's point-mass bias).
            If `True`, the bias has a Gaussian posterior `N(bias, S_b^2)`
            too, its scale parameterized and initialized as the kernel's
            (the variable `bias_untransformed_scale` or `bias_log_scale`),
            sampled once a call (per example with `sampling="local"`), under
            the same prior, with its own KL term. Requires `use_bias`.
        kl_weight: Non-negative finite float (default 1.0), multiplier of
            each KL term. The default adds the full KL on every call, as
            TFP's default `kernel_divergence_fn` does; with a loss averaged
            over a batch, `kl_weight = 1 / number of training examples`
            makes the loss the negative ELBO per example (TFP users write
            it as a `kernel_divergence_fn` dividing by the same number). 0
            adds no loss.
        prior: `None` (default: `GaussianPrior(prior_stddev)`) or a
            `kreg.layers.weight_priors.WeightPrior` such as
            `kreg.layers.ScaleMixturePrior(pi, sigma1, sigma2)`.
        prior_stddev: Positive float, standard deviation of the zero-mean
            Gaussian prior `N(0, prior_stddev^2)` used when `prior` is
            `None`. Give the prior in one place: it must be left at 1.0 when
            `prior` is given.
        kl_estimate: How the KL term is computed:
            - `"auto"` (default): in closed form when the prior has one (the
              Gaussian prior), else the Monte Carlo estimate.
            - `"closed_form"`: in closed form; an error for a prior without
              one.
            - `"monte_carlo"`: the one-sample estimate
              `sum(log q(w) - log p(w))` at sampled weights `w` (unbiased;
              its gradient is the reparameterization gradient). It uses the
              call's own sample when the call drew one (`sampling="weights"`
              or `"flipout"` in training, `inference="sample"`), else draws
              one of its own.
        scale_parameterization: How the scale `S` is made positive:
            - `"softplus"` (default; Blundell et al., TFP):
              `S = softplus(rho) + 1e-5`, the variable
              `kernel_untransformed_scale` holding `rho` (TFP's name: it is
              not a logarithm). Its gradient does not explode for large
              `rho` as `exp`'s does.
            - `"exp"`: `S = exp(s_hat)`, the variable `kernel_log_scale`
              holding `s_hat`.
        mean_initializer: Initializer for `kernel_mean` (default
            `"glorot_uniform"`, as `keras.layers.Dense`; TFP's is
            `RandomNormal(stddev=0.1)`).
        scale_initializer: Initializer for the scales' free variables.
            Defaults to TFP's `RandomNormal(mean=-3, stddev=0.1)` with the
            `"softplus"` scale (`S` near `softplus(-3) = 0.049`) and to
            `Constant(log(1e-3))` with the `"exp"` scale (`S = 1e-3`).
        bias_initializer: Initializer for the bias (its mean when
            `bias_posterior=True`).
        seed: Optional integer, seed of the samples (and of the default
            scale initializer).
        mean_regularizer: Regularizer function applied to `kernel_mean`.
        bias_regularizer: Regularizer function applied to the bias (mean).
        mean_constraint: Constraint function applied to `kernel_mean`.
        bias_constraint: Constraint function applied to the bias (mean).
        **kwargs: Base layer keyword arguments, such as `name`, `dtype` and
            `activity_regularizer`.

    Call arguments:
        inputs: N-D tensor with shape `(batch_size, ..., input_dim)`.
        training: Python boolean indicating whether the layer should behave
            in training mode (a fresh sample, see `sampling`) or in
            inference mode (see `inference`). The KL term is added either
            way.

    Input shape:
        N-D tensor with shape `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor with shape `(batch_size, ..., units)`.

    Example:

    >>> layer = kreg.layers.BayesianDense(3, sampling="flipout",
    ...                                   kl_weight=1 / 1000, seed=0)
    >>> x = np.ones((5, 4), dtype="float32")
    >>> y = layer(x, training=True)
    >>> [tuple(y.shape), len(layer.losses)]
    [(5, 3), 1]
    >>> np.allclose(keras.ops.convert_to_numpy(layer(x)),
    ...             x @ keras.ops.convert_to_numpy(layer.kernel_mean))
    True
    >>> len(layer.losses)  # the KL term is added at inference too
    1

    Reference:
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
        sampling="weights",
        inference="mean",
        activation=None,
        use_bias=True,
        bias_posterior=False,
        kl_weight=1.0,
        prior=None,
        prior_stddev=1.0,
        kl_estimate="auto",
        scale_parameterization="softplus",
        mean_initializer="glorot_uniform",
        scale_initializer=None,
        bias_initializer="zeros",
        seed=None,
        mean_regularizer=None,
        bias_regularizer=None,
        mean_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        check_positive_int("units", units)
        check_choice("sampling", sampling, _SAMPLING)
        check_choice("inference", inference, _INFERENCE_MODES)
        check_bool("use_bias", use_bias)
        check_bool("bias_posterior", bias_posterior)
        if bias_posterior and not use_bias:
            raise invalid_argument(
                "bias_posterior", "False when use_bias=False (there is no "
                "bias to give a posterior)", bias_posterior)
        check_non_negative_float("kl_weight", kl_weight)
        check_positive_float("prior_stddev", prior_stddev)
        check_choice("kl_estimate", kl_estimate, posterior.KL_ESTIMATES)
        check_choice("scale_parameterization", scale_parameterization,
                     posterior.SCALE_PARAMETERIZATIONS)
        check_seed(seed)
        prior = resolve_prior(prior, prior_stddev)
        posterior.check_kl_estimate(kl_estimate, prior)
        super().__init__(**kwargs)
        self.units = units
        self.sampling = sampling
        self.inference = inference
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.bias_posterior = bias_posterior
        self.kl_weight = float(kl_weight)
        self.prior = prior
        self.kl_estimate = kl_estimate
        self.scale_parameterization = scale_parameterization
        if scale_initializer is None:
            scale_initializer = posterior.default_scale_initializer(
                scale_parameterization, seed)
        self.mean_initializer = initializers.get(mean_initializer)
        self.scale_initializer = initializers.get(scale_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.seed = seed
        self.mean_regularizer = regularizers.get(mean_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.mean_constraint = constraints.get(mean_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    # Every draw is a counter-based `kreg.random` draw, cheap under XLA.
    xla_friendly_random = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        kernel_shape = (input_dim, self.units)
        suffix = posterior.SCALE_SUFFIXES[self.scale_parameterization]
        # The order of the weights is the order of the saved files (of this
        # layer and of `GaussianWeightDense(mode="reparameterized")`).
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
        self._kernel_scale_parameter = self.add_weight(
            name=f"kernel_{suffix}",
            shape=kernel_shape,
            initializer=self.scale_initializer,
            autocast=False,
        )
        setattr(self, f"kernel_{suffix}", self._kernel_scale_parameter)
        self.bias = self._bias_scale_parameter = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                autocast=False,
            )
        if self.bias_posterior:
            self._bias_scale_parameter = self.add_weight(
                name=f"bias_{suffix}",
                shape=(self.units,),
                initializer=self.scale_initializer,
                autocast=False,
            )
            setattr(self, f"bias_{suffix}", self._bias_scale_parameter)
        self.input_spec = keras.layers.InputSpec(
            min_ndim=2, axes={-1: input_dim}
        )

    def kreg_kernels(self):
        """The mean kernel `mu`, for kreg's helpers (penalties, pruning,
        max-norm): the kernel of the layer's point estimate."""
        return [kernel(self, "kernel_mean", (-1,),
                       regularizer_attribute="mean_regularizer")]

    def _scale(self, parameter):
        return posterior.scale_from(ops.convert_to_tensor(parameter),
                                    self.scale_parameterization)

    def kernel_scale(self):
        """Returns the scale `S` of every weight, in the variable dtype:
        `softplus(kernel_untransformed_scale) + 1e-5` or
        `exp(kernel_log_scale)`."""
        return self._scale(self._kernel_scale_parameter)

    def bias_scale(self):
        """Returns the scale `S_b` of the bias posterior (`None` without
        one)."""
        if self._bias_scale_parameter is None:
            return None
        return self._scale(self._bias_scale_parameter)

    def effective_kernel(self, training=False):
        """Returns a kernel `W` the layer multiplies its inputs with.

        Args:
            training: If `False` (default), the mean `mu` (even when
                `inference="sample"`); if `True`, a fresh sample
                `mu + S * eps`.

        Returns:
            A tensor of shape `(input_dim, units)`, in the variable dtype.
        """
        if training:
            return self._sample(self.kernel_mean, self._kernel_scale_parameter,
                                self.variable_dtype)[0]
        return ops.convert_to_tensor(self.kernel_mean)

    def _sample(self, mean, parameter, dtype):
        return posterior.sample(mean, parameter, self.scale_parameterization,
                                self.seed_generator, dtype)

    def _kl_divergence(self, mean, parameter, eps):
        return posterior.kl_divergence(
            self.prior, mean, parameter, self.scale_parameterization,
            self.kl_estimate, eps=eps, seed=self.seed_generator)

    def call(self, inputs, training=None):
        dtype = self.compute_dtype
        sample = bool(training) or self.inference == "sample"
        local = bool(training) and self.sampling == "local"
        kernel_eps = bias_eps = None  # the standard normals of the samples
        if local:
            outputs = self._local_preactivations(inputs, dtype)
        elif training and self.sampling == "flipout":
            outputs, kernel_eps = self._flipout_preactivations(inputs, dtype)
        elif sample:
            kernel, kernel_eps = self._sample(
                self.kernel_mean, self._kernel_scale_parameter, dtype)
            outputs = ops.matmul(inputs, kernel)
        else:
            outputs = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        if self.bias is not None:
            if self.bias_posterior and sample and not local:
                bias, bias_eps = self._sample(
                    self.bias, self._bias_scale_parameter, dtype)
            else:  # the mean (the local noise is in the pre-activations)
                bias = ops.cast(self.bias, dtype)
            outputs = ops.add(outputs, bias)
        if self.kl_weight > 0:
            self.add_loss(self.kl_weight * self._kl_divergence(
                self.kernel_mean, self._kernel_scale_parameter, kernel_eps))
            if self.bias_posterior:
                self.add_loss(self.kl_weight * self._kl_divergence(
                    self.bias, self._bias_scale_parameter, bias_eps))
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def _local_preactivations(self, inputs, dtype):
        """`x @ mu + sqrt((x * x) @ S^2 + S_b^2) * eps` (no `S_b` without a
        bias posterior), `eps` of the output's shape; the variance in the
        variable dtype."""
        mean = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        variable_dtype = self.variable_dtype
        variance = ops.matmul(ops.square(ops.cast(inputs, variable_dtype)),
                              ops.square(self.kernel_scale()))
        if self.bias_posterior:
            variance = ops.add(variance, ops.square(self.bias_scale()))
        eps = kreg_random.normal(ops.shape(mean), self.seed_generator,
                                 variable_dtype)
        noise = ops.sqrt(ops.maximum(variance, _TINY_VARIANCE)) * eps
        return ops.add(mean, ops.cast(noise, dtype))

    def _flipout_preactivations(self, inputs, dtype):
        """Flipout (Wen et al., 2018): one weight perturbation `S * eps` a
        call, decorrelated across examples by random sign flips of the
        inputs and outputs, `x @ mu + ((x * s_in) @ (S * eps)) * s_out`.
        Returns the pre-activations and `eps`."""
        mean = ops.matmul(inputs, ops.cast(self.kernel_mean, dtype))
        perturbation, eps = posterior.perturbation(
            self._kernel_scale_parameter, self.scale_parameterization,
            self.seed_generator)
        signs_in = kreg_random.random_signs(
            ops.shape(inputs), self.seed_generator, dtype)
        signs_out = kreg_random.random_signs(
            ops.shape(mean), self.seed_generator, dtype)
        flipped = ops.matmul(ops.multiply(inputs, signs_in),
                            ops.cast(perturbation, dtype))
        return ops.add(mean, ops.multiply(flipped, signs_out)), eps

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.units,)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "sampling": self.sampling,
            "inference": self.inference,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_posterior": self.bias_posterior,
            "kl_weight": self.kl_weight,
            **prior_config(self.prior),
            "kl_estimate": self.kl_estimate,
            "scale_parameterization": self.scale_parameterization,
            "mean_initializer": initializers.serialize(self.mean_initializer),
            "scale_initializer": initializers.serialize(
                self.scale_initializer
            ),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "seed": self.seed,
            "mean_regularizer": regularizers.serialize(self.mean_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "mean_constraint": constraints.serialize(self.mean_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        return {**base_config, **config}
