"""Weight-normalization wrapper for `Dense` and `Conv1D`/`Conv2D`/`Conv3D`."""

import keras
from keras import ops

from kreg.argument_checks import (
    check_bool,
    check_positive_float,
)
from kreg.layers.weight_norm_math import data_dependent_init
from kreg.layers.weight_norm_math import weight_norm

_SUPPORTED_LAYERS = (
    keras.layers.Dense,
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
)


@keras.saving.register_keras_serializable(package="kreg")
class WeightNormalization(keras.layers.Wrapper):
    """Weight normalization of the kernel of a `Dense` or `ConvND` layer.

    A Keras 3 replacement for `tfa.layers.WeightNormalization` (TensorFlow
    Addons). The wrapped layer's kernel is reparameterized per output unit
    (its last axis) as `w = g * v / ||v||`, the norm being taken over all
    other kernel axes, so the norm of every output unit's filter of the
    effective kernel `w` is `|g|`.

    Design: `v` is the wrapped layer's own `kernel` variable (exposed as
    `kernel_v`, not duplicated), `g` is a variable of the wrapper, of shape
    `(units,)` or `(filters,)`, initialized to `||v||` so that the wrapped
    function is initially unchanged. `call` does not call the wrapped layer:
    it computes `w` and applies the wrapped layer's operation with
    `keras.ops` (`matmul` for `Dense`; `conv` with the layer's `strides`,
    `padding` (including causal), `dilation_rate` and `data_format` for
    `ConvND`), then adds the wrapped layer's bias and applies its activation.
    Gradients therefore reach `v` and `g` directly on every backend, and no
    variable is overwritten during the forward pass. Only exactly
    `keras.layers.Dense`, `Conv1D`, `Conv2D` and `Conv3D` are supported
    (subclasses may change `call`, which is not used), without LoRA or
    quantization.

    With `data_init=True`, the first batch seen with `training=True` sets the
    scale and bias so that this batch's pre-activations have mean 0 and
    variance 1 per output channel (Salimans & Kingma, 2016): with
    `t = op(x, v / ||v||)`, of mean `mu` and standard deviation `sigma` over
    all axes but the channel axis, the effective scale becomes
    `1 / (sigma + epsilon)` and the effective bias `-mu / (sigma + epsilon)`.
    This happens once; the non-trainable boolean weight `initialized` records
    it and is saved with the model. It works inside a compiled train step on
    every backend. Because Keras' JAX trainer discards assignments to
    trainable variables made inside `call`, the data-dependent values are
    stored in the non-trainable weights `g_offset` and `bias_offset`, added to
    `g` and to the wrapped layer's `bias`: the effective scale is
    `scale = g + g_offset`, the effective bias `effective_bias`. A constant
    offset does not change gradients, so training is the same as overwriting
    `g` and `bias`.

    The wrapped layer's `kernel_regularizer` and `kernel_constraint` act on
    `v`. After wrapping, calling the wrapped layer directly computes with `v`,
    not `w`; use `to_layer()` to get a plain layer with the folded kernel.

    Args:
        layer: A `keras.layers.Dense`, `Conv1D`, `Conv2D` or `Conv3D`
            instance.
        data_init: Boolean, whether to use the data-dependent initialization
            on the first training batch. Requires the wrapped layer to have a
            bias (`use_bias=True`).
        epsilon: Small positive float. Lower bound on the squared norm of `v`,
            and added to the standard deviation in the data-dependent
            initialization.
        **kwargs: Base wrapper keyword arguments, such as `name`.

    Call arguments:
        inputs: Input tensor, as for the wrapped layer.
        training: Python boolean. Only matters with `data_init=True`: the
            first call with `training=True` performs the data-dependent
            initialization. Otherwise the layer is deterministic and behaves
            the same in training and inference.

    Example:

    >>> x = np.random.rand(2, 8, 8, 3)
    >>> conv = WeightNormalization(keras.layers.Conv2D(4, 3))
    >>> y = conv(x)
    >>> tuple(y.shape)
    (2, 6, 6, 4)
    >>> plain = conv.to_layer()
    >>> np.allclose(
    ...     keras.ops.convert_to_numpy(plain(x)),
    ...     keras.ops.convert_to_numpy(y),
    ...     atol=1e-6,
    ... )
    True

    Reference:

    - [Salimans & Kingma, 2016](https://arxiv.org/abs/1602.07868), Weight
      Normalization: A Simple Reparameterization to Accelerate Training of
      Deep Neural Networks.
    """

    def __init__(self, layer, data_init=False, epsilon=1e-12, **kwargs):
        if type(layer) not in _SUPPORTED_LAYERS:
            raise ValueError(
                "Invalid value received for argument `layer`. Expected an "
                "instance of keras.layers.Dense, Conv1D, Conv2D or Conv3D "
                "(a layer with a `kernel` whose last axis is the output "
                f"units). Received: layer={layer!r} of type "
                f"{type(layer).__name__}"
            )
        if getattr(layer, "lora_rank", None) or getattr(
            layer, "lora_enabled", False
        ):
            raise ValueError(
                "Invalid value received for argument `layer`. LoRA is not "
                f"supported. Received: layer={layer.name} with "
                f"lora_rank={layer.lora_rank}"
            )
        if layer.quantization_mode is not None:
            raise ValueError(
                "Invalid value received for argument `layer`. Quantized "
                f"layers are not supported. Received: layer={layer.name} with "
                f"quantization_mode={layer.quantization_mode}"
            )
        check_bool("data_init", data_init)
        if data_init and not layer.use_bias:
            raise ValueError(
                "Invalid value received for argument `data_init`. "
                "`data_init=True` requires the wrapped layer to have a bias. "
                f"Received: data_init={data_init} and layer={layer.name} with "
                "use_bias=False"
            )
        check_positive_float("epsilon", epsilon)
        super().__init__(layer, **kwargs)
        self.data_init = data_init
        self.epsilon = float(epsilon)
        self.supports_masking = layer.supports_masking
        self._is_dense = isinstance(layer, keras.layers.Dense)

    def build(self, input_shape):
        super().build(input_shape)
        kernel_v = self.kernel_v
        units = kernel_v.shape[-1]

        def norm_of_v(shape, dtype=None):
            squared = ops.square(ops.cast(kernel_v, "float32"))
            norm = ops.sqrt(ops.sum(squared, axis=self._norm_axes))
            return ops.cast(norm, dtype)

        # `autocast=False`: under `mixed_float16` the normalization reads the
        # float32 scale, and only the effective kernel is cast down.
        self.g = self.add_weight(
            name="g",
            shape=(units,),
            initializer=norm_of_v,
            dtype=kernel_v.dtype,
            autocast=False,
        )
        if self.data_init:
            self.initialized = self.add_weight(
                name="initialized",
                shape=(),
                initializer="zeros",
                dtype="bool",
                trainable=False,
            )
            self.g_offset = self.add_weight(
                name="g_offset",
                shape=(units,),
                initializer="zeros",
                dtype=kernel_v.dtype,
                trainable=False,
                autocast=False,
            )
            self.bias_offset = self.add_weight(
                name="bias_offset",
                shape=(units,),
                initializer="zeros",
                dtype=kernel_v.dtype,
                trainable=False,
                autocast=False,
            )

    @property
    def kernel_v(self):
        """The direction `v`: the wrapped layer's `kernel` variable."""
        return self.layer.kernel

    @property
    def _norm_axes(self):
        return tuple(range(len(self.kernel_v.shape) - 1))

    @property
    def _channel_axis(self):
        if self._is_dense or self.layer.data_format == "channels_last":
            return -1
        return 1

    @property
    def scale(self):
        """The effective scale `g` (with the data-init offset)."""
        if self.data_init:
            return ops.add(self.g, self.g_offset)
        return ops.convert_to_tensor(self.g)

    @property
    def effective_bias(self):
        """The effective bias (with the data-init offset), or `None`."""
        if not self.layer.use_bias:
            return None
        bias = ops.cast(self.layer.bias, self.g.dtype)
        if self.data_init:
            return ops.add(bias, self.bias_offset)
        return bias

    @property
    def kernel(self):
        """The effective kernel `g * v / ||v||`, a tensor (not a variable)."""
        if not self.built:
            raise AttributeError(
                "You must build the layer before accessing `kernel`."
            )
        return weight_norm(
            self.kernel_v,
            self.scale,
            axis=self._norm_axes,
            epsilon=self.epsilon,
        )

    def _linear(self, inputs, kernel):
        """The wrapped layer's operation without bias and activation."""
        if self._is_dense:
            return ops.matmul(inputs, kernel)
        layer = self.layer
        padding = layer.padding
        if padding == "causal":
            left_pad = layer.dilation_rate[0] * (layer.kernel_size[0] - 1)
            if layer.data_format == "channels_last":
                pad_width = [[0, 0], [left_pad, 0], [0, 0]]
            else:
                pad_width = [[0, 0], [0, 0], [left_pad, 0]]
            inputs = ops.pad(inputs, pad_width)
            padding = "valid"
        return ops.conv(
            inputs,
            kernel,
            strides=list(layer.strides),
            padding=padding,
            dilation_rate=layer.dilation_rate,
            data_format=layer.data_format,
        )

    def _add_bias(self, outputs, bias):
        if self._channel_axis == 1:
            rank = len(outputs.shape) - 2
            bias = ops.reshape(bias, (1, -1) + (1,) * rank)
        return ops.add(outputs, bias)

    def call(self, inputs, training=None):
        scale, bias = self.scale, self.effective_bias
        if self.data_init and training:
            ndim = len(inputs.shape)
            channel_axis = self._channel_axis % ndim

            def unit_preactivations():
                unit_kernel = weight_norm(
                    self.kernel_v, axis=self._norm_axes, epsilon=self.epsilon
                )
                return self._linear(
                    ops.cast(inputs, unit_kernel.dtype), unit_kernel
                )

            g_offset, bias_offset = data_dependent_init(
                self.initialized,
                self.g,
                self.g_offset,
                self.layer.bias,
                self.bias_offset,
                unit_preactivations,
                axis=tuple(i for i in range(ndim) if i != channel_axis),
                epsilon=self.epsilon,
            )
            scale = ops.add(self.g, g_offset)
            bias = ops.add(ops.cast(self.layer.bias, self.g.dtype), bias_offset)
        kernel = weight_norm(
            self.kernel_v, scale, axis=self._norm_axes, epsilon=self.epsilon
        )
        outputs = self._linear(inputs, ops.cast(kernel, self.compute_dtype))
        if bias is not None:
            outputs = self._add_bias(
                outputs, ops.cast(bias, self.compute_dtype)
            )
        if self.layer.activation is not None:
            outputs = self.layer.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def to_layer(self):
        """Returns a plain layer of the wrapped type with the folded kernel.

        Like `remove()` of the TensorFlow Addons wrapper: a new, built layer
        with the wrapped layer's config, whose `kernel` is the effective
        kernel and whose `bias` is the effective bias, so it computes the
        same function (for export). The wrapped layer is left unchanged.
        """
        if not self.built:
            raise ValueError(
                "You must build the layer before calling `to_layer()`."
            )
        layer = self.layer.__class__.from_config(self.layer.get_config())
        layer.build_from_config(self.layer.get_build_config())
        layer.kernel.assign(ops.cast(self.kernel, layer.kernel.dtype))
        if layer.use_bias:
            layer.bias.assign(ops.cast(self.effective_bias, layer.bias.dtype))
        return layer

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # `Wrapper.from_config` pops "layer": work on a copy.
        return super().from_config(dict(config), custom_objects=custom_objects)

    def get_config(self):
        base_config = super().get_config()
        config = {"data_init": self.data_init, "epsilon": self.epsilon}
        return {**base_config, **config}
