"""Weight normalization for any Keras layer with a kernel."""

import contextlib

import keras
from keras import ops

from kreg.argument_checks import check_bool, check_positive_float, invalid_argument
from kreg.kernels import INPUT_ROLES, layer_kernels
from kreg.layers.call_with_weights import call_with_weights
from kreg.layers.weight_norm_core import WeightNormCore


@contextlib.contextmanager
def _linear(layer):
    """`layer` without its activation for the duration (trace time)."""
    activation = getattr(layer, "activation", None)
    if activation is None:
        yield
        return
    layer.activation = keras.activations.linear
    try:
        yield
    finally:
        layer.activation = activation


@keras.saving.register_keras_serializable(package="kreg")
class WeightNormalization(WeightNormCore, keras.layers.Wrapper):
    """Weight normalization of the kernel of any Keras layer that has one.

    A Keras 3 replacement for `tfa.layers.WeightNormalization` (TensorFlow
    Addons), for every layer whose kernel `kreg.kernels` knows: `Dense`,
    `EinsumDense`, `Conv1D/2D/3D`, `Conv1D/2D/3DTranspose`,
    `DepthwiseConv1D/2D`, `SeparableConv1D/2D`, `SimpleRNN`, `LSTM`, `GRU`,
    kreg's own layers and any layer with a `kreg_kernels()` method; it also
    runs inside `keras.layers.TimeDistributed`. The kernel is
    reparameterized per output unit as `w = g * v / ||v||`: `v` is the
    wrapped layer's own kernel variable (exposed as `kernel_v`, not
    duplicated), the norm is taken over the kernel's non-unit axes (for a
    transposed convolution `(*window, filters, in)` the unit axis is the
    filters axis; for a depthwise kernel `(*window, in, multiplier)` each
    (channel, multiplier) pair is a unit), and `g` has one entry per unit,
    initialized to `||v||` so that the wrapped function is unchanged at
    wrapping time. The kernel normalized is the one that produces the
    layer's outputs: the pointwise kernel of a separable convolution, the
    input kernel of a recurrent cell (as TF Addons; the recurrent kernel
    keeps its plain parameterization).

    `call` runs the wrapped layer's own operation (`kreg.layers.
    call_with_weights`, built on Keras's `Layer.stateless_call`), so any
    option of the wrapped layer (strides, padding, dilation, data format,
    groups, recurrent dropout) behaves as usual, gradients reach `v` and `g`
    on every backend, and no variable is overwritten during the forward
    pass. Since the operation is linear in each output unit's slice of the
    kernel, `op(x, g * v / ||v||) = op(x, v) * g / ||v||`: the wrapper runs
    the layer with `v`, no bias and no activation, scales each output
    channel, then adds the bias and applies the activation, which spares the
    kernel-sized elementwise work of materializing `w` (a recurrent layer,
    whose recurrence is not linear, runs with `w` substituted for `v`).
    LoRA-enabled and quantized layers are refused.

    With `data_init=True`, the first batch seen with `training=True` sets the
    scale and bias so that this batch's pre-activations (the wrapped layer's
    output without bias and activation, computed with the unit-norm kernel)
    have mean 0 and variance 1 per output channel (Salimans & Kingma, 2016).
    This happens once; the non-trainable boolean weight `initialized` records
    it and is saved with the model. It works inside a compiled train step on
    every backend: because Keras' JAX trainer discards assignments to
    trainable variables made inside `call`, the data-dependent values are
    stored in the non-trainable weights `g_offset` and `bias_offset`, added to
    `g` and to the wrapped layer's `bias`. A constant offset does not change
    gradients, so training is the same as overwriting `g` and `bias`.
    `data_init` needs a bias and one output channel per unit of the kernel;
    it is refused for recurrent layers, whose outputs are not
    pre-activations.

    The wrapped layer's `kernel_regularizer` and `kernel_constraint` act on
    `v`. After wrapping, calling the wrapped layer directly computes with `v`,
    not `w`; use `to_layer()` to get a plain layer with the folded kernel.

    Args:
        layer: A Keras layer with a kernel (see above).
        data_init: Boolean, whether to use the data-dependent initialization
            on the first training batch.
        epsilon: Small positive float. Lower bound on the squared norm of `v`,
            and added to the standard deviation in the data-dependent
            initialization.
        **kwargs: Base wrapper keyword arguments, such as `name`.

    Call arguments:
        inputs: Input tensor, as for the wrapped layer.
        training: Python boolean, passed to the wrapped layer. With
            `data_init=True`, the first call with `training=True` performs
            the data-dependent initialization.

    Example:

    >>> x = np.random.rand(2, 8, 8, 3)
    >>> up = WeightNormalization(keras.layers.Conv2DTranspose(4, 3, strides=2))
    >>> y = up(x)
    >>> tuple(y.shape)
    (2, 17, 17, 4)
    >>> plain = up.to_layer()
    >>> np.allclose(
    ...     keras.ops.convert_to_numpy(plain(x)),
    ...     keras.ops.convert_to_numpy(y),
    ...     atol=1e-5,
    ... )
    True

    Reference:

    - [Salimans & Kingma, 2016](https://arxiv.org/abs/1602.07868), Weight
      Normalization: A Simple Reparameterization to Accelerate Training of
      Deep Neural Networks.
    """

    def __init__(self, layer, data_init=False, epsilon=1e-12, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise invalid_argument("layer", "a Keras layer with a kernel", layer)
        if getattr(layer, "lora_rank", None) or getattr(
            layer, "lora_enabled", False
        ):
            raise ValueError(
                "Invalid value received for argument `layer`. LoRA is not "
                f"supported. Received: layer={layer.name} with "
                f"lora_rank={layer.lora_rank}"
            )
        if getattr(layer, "quantization_mode", None) is not None:
            raise ValueError(
                "Invalid value received for argument `layer`. Quantized "
                f"layers are not supported. Received: layer={layer.name} with "
                f"quantization_mode={layer.quantization_mode}"
            )
        check_bool("data_init", data_init)
        has_bias = getattr(layer, "use_bias",
                           getattr(layer, "bias_axes", None) is not None)
        if data_init and not has_bias:
            raise ValueError(
                "Invalid value received for argument `data_init`. "
                "`data_init=True` requires the wrapped layer to have a bias. "
                f"Received: data_init={data_init} and layer={layer.name} with "
                f"use_bias={has_bias}"
            )
        if data_init and hasattr(layer, "cell"):
            raise ValueError(
                "Invalid value received for argument `data_init`. A recurrent "
                "layer's outputs are not pre-activations, so `data_init=True` "
                f"is not supported. Received: layer={layer.name} of type "
                f"{type(layer).__name__}"
            )
        check_positive_float("epsilon", epsilon)
        super().__init__(layer, **kwargs)
        self.data_init = data_init
        self.epsilon = float(epsilon)
        self.supports_masking = layer.supports_masking

    def build(self, input_shape):
        super().build(input_shape)
        self._target = self._find_kernel()
        kernel_v = self.kernel_v
        unit_axes = self._target.unit_axes
        scale_shape = tuple(kernel_v.shape[a] for a in unit_axes)

        def norm_of_v(shape, dtype=None):
            squared = ops.square(ops.cast(kernel_v, "float32"))
            norm = ops.sqrt(ops.sum(squared, axis=self._norm_axes))
            return ops.cast(ops.reshape(norm, shape), dtype)

        self._build_scale(scale_shape, norm_of_v, True)
        # One output channel per unit of the kernel (not a recurrent layer):
        # the outputs can be scaled instead of the kernel.
        self._scales_outputs = not hasattr(self.layer, "cell") and (
            self._output_channels(input_shape) == _size(scale_shape))
        if self.data_init:
            bias = self._bias_variable()
            if (bias is None or bias.shape[-1] != _size(scale_shape)
                    or not self._scales_outputs):
                raise ValueError(
                    "Invalid value received for argument `data_init`. It "
                    "needs one bias entry per unit of the normalized kernel. "
                    f"Received: layer={self.layer.name} with kernel "
                    f"{tuple(kernel_v.shape)} and bias "
                    f"{None if bias is None else tuple(bias.shape)}"
                )
        self._build_data_init(scale_shape, (_size(scale_shape),))

    def _find_kernel(self):
        found = [k for sub in self.layer._flatten_layers(include_self=True)
                 for k in layer_kernels(sub) if k.role in INPUT_ROLES]
        if not found:
            raise ValueError(
                "Invalid value received for argument `layer`. Expected a "
                "layer with a kernel that kreg knows (Dense, EinsumDense, any "
                "convolution, a recurrent layer, or a layer with a "
                f"`kreg_kernels()` method). Received: layer={self.layer.name} "
                f"of type {type(self.layer).__name__}"
            )
        # The kernel that produces the outputs: the last one (a separable
        # convolution's pointwise kernel).
        return found[-1]

    @property
    def kernel_v(self):
        """The direction `v`: the wrapped layer's kernel variable."""
        return self._target.variable

    @property
    def _norm_axes(self):
        return self._target.norm_axes

    def _bias_variable(self):
        bias = getattr(self._target.layer, "bias", None)
        return bias if isinstance(bias, keras.Variable) else None

    def kreg_kernels(self):
        """The wrapped layer's kernels (the direction `v` among them)."""
        return [k for sub in self.layer._flatten_layers(include_self=True)
                for k in layer_kernels(sub)]

    def _output_channels(self, input_shape):
        try:
            shape = self.layer.compute_output_shape(input_shape)
        except Exception:  # a layer that cannot say: use substitution
            return None
        if not isinstance(shape, (tuple, list)) or not shape or isinstance(
                shape[0], (tuple, list)):
            return None
        return shape[self._channel_axis(len(shape))]

    def _channel_axis(self, rank):
        if getattr(self.layer, "data_format", "channels_last") == "channels_first":
            return 1
        return rank - 1

    def _run(self, inputs, kernel, bias, training):
        substitutes = [(self.kernel_v, ops.cast(kernel, self.kernel_v.dtype))]
        bias_variable = self._bias_variable()
        if bias is not None and bias_variable is not None:
            substitutes.append((bias_variable,
                                ops.cast(bias, bias_variable.dtype)))
        return call_with_weights(self.layer, substitutes, inputs,
                                 training=training)

    def _linear_outputs(self, inputs, training):
        """The wrapped layer's outputs with its own kernel `v`, no bias and
        no activation."""
        bias = self._bias_variable()
        substitutes = [] if bias is None else [(bias, ops.zeros(bias.shape,
                                                                bias.dtype))]
        with _linear(self.layer):
            return call_with_weights(self.layer, substitutes, inputs,
                                     training=training)

    def _per_channel(self, values, rank):
        """`values` (one per output channel) shaped to broadcast against the
        outputs."""
        shape = [1] * rank
        shape[self._channel_axis(rank)] = -1
        return ops.reshape(values, shape)

    def call(self, inputs, training=None):
        if not self._scales_outputs:
            # A recurrent layer: run its own step with `w` substituted.
            return self._run(inputs, self.kernel, self.effective_bias, training)
        # `op(x, g * v / ||v||) = op(x, v) * (g / ||v||)` per output channel:
        # the normalized kernel is never materialized.
        raw = self._linear_outputs(inputs, training)
        rank = len(raw.shape)
        channel = self._channel_axis(rank)

        def unit_preactivations():
            unit = self._per_channel(self._output_factors(None), rank)
            return ops.multiply(ops.cast(raw, "float32"), unit)

        stats_axes = tuple(a for a in range(rank) if a != channel)
        scale, bias = self._scale_and_bias(training, unit_preactivations,
                                           stats_axes)
        dtype = raw.dtype
        outputs = ops.multiply(raw, ops.cast(
            self._per_channel(self._output_factors(scale), rank), dtype))
        if bias is not None:
            outputs = ops.add(outputs, ops.cast(
                self._per_channel(ops.reshape(bias, (-1,)), rank), dtype))
        activation = getattr(self.layer, "activation", None)
        if activation is not None:
            outputs = activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def to_layer(self):
        """Returns a plain layer of the wrapped type with the folded kernel.

        Like `remove()` of the TensorFlow Addons wrapper: a new, built layer
        with the wrapped layer's config and weights, whose normalized kernel
        is the effective kernel and whose bias is the effective bias, so it
        computes the same function (for export). The wrapped layer is left
        unchanged.
        """
        if not self.built:
            raise ValueError(
                "You must build the layer before calling `to_layer()`."
            )
        layer = self.layer.__class__.from_config(self.layer.get_config())
        layer.build_from_config(self.layer.get_build_config())
        layer.set_weights(self.layer.get_weights())
        index = next(i for i, v in enumerate(self.layer.weights)
                     if v is self.kernel_v)
        target = layer.weights[index]
        target.assign(ops.cast(self.kernel, target.dtype))
        bias_variable = self._bias_variable()
        if bias_variable is not None:
            index = next(i for i, v in enumerate(self.layer.weights)
                         if v is bias_variable)
            bias = layer.weights[index]
            bias.assign(ops.cast(self.effective_bias, bias.dtype))
        return layer

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # `Wrapper.from_config` pops "layer": work on a copy.
        return super().from_config(dict(config), custom_objects=custom_objects)

    def get_config(self):
        base_config = super().get_config()
        config = {"data_init": self.data_init, "epsilon": self.epsilon}
        return {**base_config, **config}


def _size(shape):
    size = 1
    for dim in shape:
        size *= dim
    return size
