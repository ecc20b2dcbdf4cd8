"""The one weight-normalization core of `WeightNormDense` and
`WeightNormalization`.

Both layers reparameterize a direction `v` (a kernel variable) as
`w = g * v / ||v||` and support the data-dependent initialization of
Salimans & Kingma (2016). What they share lives here, once, as PyTorch's
`nn.utils.parametrizations` has one weight-norm core for a per-unit and a
whole-tensor norm: the scale `g` and the data-init variables, the effective
scale, bias and kernel, and the whole tail of `call` once the layer's own
operation has run with `v` (the data-init branch, the per-unit scaling of the
outputs, the bias, the activation). A layer using it says where `v` and the
bias are (`kernel_v`, `_bias_variable`) and which axes the norm reduces
(`_norm_axes`: a tuple, or `None` for the whole tensor).
"""

from keras import ops

from kreg.layers.weight_norm.formulas import data_dependent_init, weight_norm


def _float32_norm(kernel, axes):
    """`||kernel||` over `axes` (`None`: the whole tensor), in float32."""
    squared = ops.square(ops.cast(kernel, "float32"))
    return ops.sqrt(ops.sum(squared, axis=axes))


def norm_initializer(kernel, axes):
    """An initializer that sets a scale to `||kernel||` over `axes`, so that
    `g * v / ||v||` starts equal to `v` (a wrapped layer is unchanged at
    wrapping time)."""

    def initializer(shape, dtype=None):
        return ops.cast(ops.reshape(_float32_norm(kernel, axes), shape), dtype)

    return initializer


class WeightNormCore:
    """Mixin for a `keras.layers.Layer` with a weight-normalized kernel."""

    def _add_scale(self, name, shape, initializer):
        """A scale variable for the kernel `kernel_v`'s dtype.

        `autocast=False`: under `mixed_float16` the normalization reads the
        float32 variables, and only the outputs are cast down.
        """
        return self.add_weight(
            name=name, shape=shape, initializer=initializer,
            dtype=self.kernel_v.dtype, autocast=False,
        )

    def _build_scale(self, scale_shape, initializer, use_scale):
        """Creates `g` (or sets it to `None` without `use_scale`). Call it
        in `build`, after the direction `kernel_v` exists."""
        self.g = None
        if use_scale:
            self.g = self._add_scale("g", scale_shape, initializer)

    def _build_data_init(self, scale_shape, bias_shape):
        """With `data_init`, creates the non-trainable variables of the
        data-dependent initialization (last, after every other weight);
        `bias_shape=None`: no bias, so no `bias_offset`."""
        if not self.data_init:
            return
        dtype = self.kernel_v.dtype
        self.initialized = self.add_weight(
            name="initialized", shape=(), initializer="zeros",
            dtype="bool", trainable=False,
        )
        self.g_offset = self.add_weight(
            name="g_offset", shape=scale_shape, initializer="zeros",
            dtype=dtype, trainable=False, autocast=False,
        )
        self.bias_offset = None
        if bias_shape is not None:
            self.bias_offset = self.add_weight(
                name="bias_offset", shape=bias_shape, initializer="zeros",
                dtype=dtype, trainable=False, autocast=False,
            )

    @property
    def scale(self):
        """The effective scale `g` (with the data-init offset), or `None`."""
        if self.g is None:
            return None
        if self.data_init:
            return ops.add(self.g, self.g_offset)
        return ops.convert_to_tensor(self.g)

    @property
    def effective_bias(self):
        """The effective bias (with the data-init offset), or `None`."""
        bias = self._bias_variable()
        if bias is None:
            return None
        bias = ops.cast(bias, self.kernel_v.dtype)
        if self.data_init:
            return ops.add(bias, self.bias_offset)
        return bias

    def _normalized(self, scale):
        """`scale * v / ||v||` with the layer's norm; `scale=None`: `g = 1`."""
        return weight_norm(self.kernel_v, scale, axis=self._norm_axes,
                           epsilon=self.epsilon)

    def _output_factors(self, scale):
        """`scale / ||v||` per output unit, flattened (a scalar for a norm
        over the whole tensor), in float32.

        `op(x, g * v / ||v||) = op(x, v) * (g / ||v||)` for any operation
        linear in each unit's slice of the kernel (a matmul, any
        convolution): scaling the outputs instead of the kernel saves the
        kernel-sized elementwise work of the forward and backward passes.
        """
        v = ops.cast(self.kernel_v, "float32")
        squared = ops.sum(ops.square(v), axis=self._norm_axes)
        inverse_norm = ops.rsqrt(ops.maximum(squared, self.epsilon))
        factors = inverse_norm if scale is None else ops.multiply(
            ops.cast(scale, "float32"), inverse_norm)
        return factors if self._norm_axes is None else ops.reshape(factors, (-1,))

    @property
    def kernel(self):
        """The effective kernel `g * v / ||v||`, a tensor (not a variable)."""
        if not self.built:
            raise AttributeError(
                "You must build the layer before accessing `kernel`."
            )
        return self._normalized(self.scale)

    def _scale_and_bias(self, training, unit_preactivations, stats_axes):
        """The scale and bias of this call.

        On the first training call with `data_init=True` they are set from
        the batch (see `formulas.data_dependent_init`; without a bias, only
        the scale):
        `unit_preactivations()` gives the pre-activations with the unit-norm
        kernel and no bias, whose per-channel statistics are taken over
        `stats_axes`.
        """
        if not (self.data_init and training):
            return self.scale, self.effective_bias
        bias = self._bias_variable()
        g_offset, bias_offset = data_dependent_init(
            self.initialized, self.g, self.g_offset, bias, self.bias_offset,
            unit_preactivations, axis=stats_axes, epsilon=self.epsilon,
        )
        if bias is None:
            return ops.add(self.g, g_offset), None
        return (ops.add(self.g, g_offset),
                ops.add(ops.cast(bias, self.g.dtype), bias_offset))

    def _weight_normalized_outputs(self, raw, training, activation,
                                   unit_shape=None, stats_axes=None):
        """The layer's outputs from `raw`, its own operation run with `v`.

        `raw = op(x, v)` with no bias and no activation, for an `op` linear
        in each output unit's slice of the kernel. Returns
        `activation(raw * g / ||v|| + bias)`, which is
        `activation(op(x, g * v / ||v||) + bias)`, after the data-dependent
        initialization on the first training call with `data_init=True`.

        Args:
            raw: The outputs of `op(x, v)`, in the compute dtype.
            training: The call's `training` argument.
            activation: The activation function, or `None`.
            unit_shape: The shape that makes one value per output unit
                broadcast against `raw` (the units at their output axes, 1
                elsewhere); `None` when the units are the last axis.
            stats_axes: The axes of `raw` that are not output units (the
                data-init statistics reduce them); `None`: all but the last.
        """
        rank = len(raw.shape)
        if stats_axes is None:
            stats_axes = tuple(range(rank - 1))

        def per_unit(values):
            return values if unit_shape is None else ops.reshape(
                values, unit_shape)

        def unit_preactivations():
            unit = per_unit(self._output_factors(None))
            return ops.multiply(ops.cast(raw, "float32"), unit)

        scale, bias = self._scale_and_bias(training, unit_preactivations,
                                           stats_axes)
        dtype = raw.dtype
        outputs = ops.multiply(
            raw, ops.cast(per_unit(self._output_factors(scale)), dtype))
        if bias is not None:
            outputs = ops.add(outputs, ops.cast(per_unit(bias), dtype))
        if activation is not None:
            outputs = activation(outputs)
        return outputs
