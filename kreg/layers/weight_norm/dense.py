"""Densely-connected layer with a weight-normalized kernel."""

import keras
from keras import ops

from kreg.argument_checks import (
    check_bool,
    check_choice,
    check_positive_float,
    check_positive_int,
)
from kreg.kernels import kernel
from kreg.layers.weight_norm.core import WeightNormCore, norm_initializer

_NORMS = ("unit", "matrix")


@keras.saving.register_keras_serializable(package="kreg")
class WeightNormDense(WeightNormCore, keras.layers.Layer):
    """Dense layer whose kernel is reparameterized as `w = g * v / ||v||`.

    `WeightNormDense` implements
    `output = activation(dot(input, kernel) + bias)` where the effective
    `kernel` is not a variable but is computed from a direction variable
    `kernel_v` (`v`) and a scale variable `g`:

    - `norm="unit"` (weight normalization, Salimans & Kingma 2016): each
      column (output unit) of `v` is divided by its L2 norm and multiplied by
      its own scale, `w[:, j] = g[j] * v[:, j] / ||v[:, j]||`, so the norm of
      every column of `w` is `|g[j]|`.
    - `norm="matrix"`: the whole matrix is divided by its Frobenius norm and
      multiplied by a single scalar `g`, `w = g * v / ||v||_F`.

    With `use_scale=False` there is no `g` (`g = 1`): `norm="matrix",
    use_scale=False, use_bias=False` is the `W = W_hat / ||W_hat||_F` layer
    of Sam Greydanus' "Regularization for neural networks".

    `g` is initialized to `||v||` (per column, or of the whole matrix), as
    `kreg.layers.WeightNormalization` and PyTorch's `weight_norm` do, so the
    initial effective kernel is `v` itself: the layer starts as the `Dense`
    layer with the same initializer. With `data_init=True`, the first batch
    seen with `training=True` instead sets the scale and the bias so that
    this batch's pre-activations have mean 0 and variance 1 per unit: with
    `t = x @ (v / ||v||)`, of mean `mu` and standard deviation `sigma` over
    all axes but the last, the effective scale becomes `1 / (sigma +
    epsilon)` and the effective bias `-mu / (sigma + epsilon)`. Without a
    bias (`use_bias=False`) only the scale is set: variance 1, the mean
    kept.
    This happens once; the non-trainable boolean weight `initialized` records
    it and is saved with the model. It works inside a compiled train step on
    every backend. Because Keras' JAX trainer discards assignments to
    trainable variables made inside `call`, the data-dependent values are
    stored in the non-trainable weights `g_offset` and `bias_offset`, added to
    `g` and `bias`: the effective scale is `scale = g + g_offset`, the
    effective bias `effective_bias = bias + bias_offset`. A constant offset
    does not change gradients, so training is the same as overwriting `g` and
    `bias`.

    The regularizers and constraints act on the variables: `kernel_regularizer`
    and `kernel_constraint` on the direction `v` (not on the effective
    kernel), `bias_regularizer` and `bias_constraint` on `bias`.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function to use. `None` means linear.
        use_bias: Boolean, whether the layer uses a bias vector.
        norm: `"unit"` (one norm and one scale per output unit) or
            `"matrix"` (Frobenius norm of the whole kernel, scalar scale).
        use_scale: Boolean, whether to learn the scale `g`. If `False`,
            `g = 1` and the effective kernel has unit-norm columns
            (`norm="unit"`) or unit Frobenius norm (`norm="matrix"`).
        data_init: Boolean, whether to use the data-dependent initialization
            on the first training batch. Requires `use_scale=True` and
            `norm="unit"`; without a bias, only the scale is set.
        epsilon: Small positive float. Lower bound on the squared norm of `v`,
            and added to the standard deviation in the data-dependent
            initialization.
        kernel_initializer: Initializer for the direction `kernel_v`.
        bias_initializer: Initializer for the bias vector.
        kernel_regularizer: Regularizer function applied to `kernel_v`.
        bias_regularizer: Regularizer function applied to the bias vector.
        kernel_constraint: Constraint function applied to `kernel_v`.
        bias_constraint: Constraint function applied to the bias vector.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: Input tensor of shape `(batch_size, ..., input_dim)`.
        training: Python boolean. Only matters with `data_init=True`: the
            first call with `training=True` performs the data-dependent
            initialization. Otherwise the layer is deterministic and behaves
            the same in training and inference.

    Example:

    >>> layer = WeightNormDense(3)
    >>> y = layer(np.ones((2, 4)))
    >>> tuple(y.shape)
    (2, 3)
    >>> kernel = keras.ops.convert_to_numpy(layer.kernel)
    >>> np.allclose(kernel, keras.ops.convert_to_numpy(layer.kernel_v))
    True
    >>> _ = layer.g.assign(np.ones(3))  # unit-norm columns
    >>> kernel = keras.ops.convert_to_numpy(layer.kernel)
    >>> np.allclose(np.linalg.norm(kernel, axis=0), 1.0)
    True

    Reference:

    - [Salimans & Kingma, 2016](https://arxiv.org/abs/1602.07868), Weight
      Normalization: A Simple Reparameterization to Accelerate Training of
      Deep Neural Networks.
    - [Greydanus, 2017](https://greydanus.github.io/2017/02/03/regularization/),
      Regularization for neural networks.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        norm="unit",
        use_scale=True,
        data_init=False,
        epsilon=1e-12,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        check_positive_int("units", units)
        check_choice("norm", norm, _NORMS)
        check_bool("use_bias", use_bias)
        check_bool("use_scale", use_scale)
        check_bool("data_init", data_init)
        check_positive_float("epsilon", epsilon)
        if data_init and not (use_scale and norm == "unit"):
            raise ValueError(
                "Invalid value received for argument `data_init`. "
                "`data_init=True` requires `use_scale=True` and "
                f"`norm='unit'`. Received: data_init={data_init}, "
                f"use_scale={use_scale}, norm={norm}"
            )
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.norm = norm
        self.use_scale = use_scale
        self.data_init = data_init
        self.epsilon = float(epsilon)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel_v = self.add_weight(
            name="kernel_v",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            autocast=False,
        )
        scale_shape = (self.units,) if self.norm == "unit" else ()
        self._build_scale(scale_shape,
                          norm_initializer(self.kernel_v, self._norm_axes),
                          self.use_scale)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                autocast=False,
            )
        self._build_data_init(scale_shape,
                              (self.units,) if self.use_bias else None)
        self.input_spec = keras.layers.InputSpec(
            min_ndim=2, axes={-1: input_dim}
        )

    @property
    def _norm_axes(self):
        return (0,) if self.norm == "unit" else None

    def _bias_variable(self):
        return self.bias

    def kreg_kernels(self):
        """The direction `v`, for kreg's helpers (penalties, pruning, ...)."""
        return [kernel(self, "kernel_v", (-1,))]

    def call(self, inputs, training=None):
        # `x @ (g * v / ||v||) = (x @ v) * (g / ||v||)`: the kernel is never
        # materialized (see `WeightNormCore._weight_normalized_outputs`).
        raw = ops.matmul(inputs, ops.cast(self.kernel_v, self.compute_dtype))
        return self._weight_normalized_outputs(raw, training, self.activation)

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        output_shape[-1] = self.units
        return tuple(output_shape)

    def to_dense(self):
        """Returns a plain `keras.layers.Dense` with the folded kernel.

        The returned layer has the same `units`, `activation`, `use_bias`,
        initializers, name and dtype policy; its `kernel` is the effective
        kernel of this layer and its `bias` the effective bias, so it computes
        the same function (for export). It has no regularizers or
        constraints, since those of this layer act on `v`.
        """
        if not self.built:
            raise ValueError(
                "You must build the layer before calling `to_dense()`."
            )
        dense = keras.layers.Dense(
            self.units,
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            dtype=self.dtype_policy,
            name=self.name,
        )
        dense.build((None, self.kernel_v.shape[0]))
        dense.kernel.assign(ops.cast(self.kernel, dense.kernel.dtype))
        if self.use_bias:
            dense.bias.assign(ops.cast(self.effective_bias, dense.bias.dtype))
        return dense

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "norm": self.norm,
            "use_scale": self.use_scale,
            "data_init": self.data_init,
            "epsilon": self.epsilon,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer
            ),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer
            ),
            "kernel_regularizer": keras.regularizers.serialize(
                self.kernel_regularizer
            ),
            "bias_regularizer": keras.regularizers.serialize(
                self.bias_regularizer
            ),
            "kernel_constraint": keras.constraints.serialize(
                self.kernel_constraint
            ),
            "bias_constraint": keras.constraints.serialize(
                self.bias_constraint
            ),
        }
        return {**base_config, **config}
