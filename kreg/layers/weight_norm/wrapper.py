"""`WeightNormalization`: weight normalization of any Keras layer's kernel."""

import contextlib

import keras
from keras import ops

from kreg.argument_checks import (
    check_axis,
    check_bool,
    check_choice,
    check_positive_float,
    invalid_argument,
    is_int,
)
from kreg.kernels import (
    EMBEDDINGS,
    INPUT_ROLES,
    RECURRENT_KERNEL,
    einsum_subscripts,
    einsum_unit_axes,
    model_kernels,
)
from kreg.layers.call_with_weights import call_with_weights
from kreg.layers.weight_norm.core import WeightNormCore, norm_initializer
from kreg.layers.weight_norm.formulas import weight_norm

_KERNELS = ("main", "recurrent", "all")
_UNITS = "units"

_L = keras.layers
# Layers whose `call` is `activation(op(x, kernels) + bias)`, with `op` linear
# in each output unit's slice of the main kernel and one output channel per
# unit, on the axis that `data_format` names: the outputs can be scaled
# instead of the kernel, and their statistics taken per unit (data init).
_CHANNEL_LAYERS = (
    _L.Dense, _L.Conv1D, _L.Conv2D, _L.Conv3D,
    _L.Conv1DTranspose, _L.Conv2DTranspose, _L.Conv3DTranspose,
    _L.DepthwiseConv1D, _L.DepthwiseConv2D,
    _L.SeparableConv1D, _L.SeparableConv2D,
)


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


def _einsum_unit_positions(layer):
    """The output axes of an `EinsumDense` that hold the units of its kernel,
    in the kernel's order (negative when the output spec starts with
    `...`), or `None` when the outputs cannot be scaled per unit: the units
    appear in another order in the output, or the bias is not one value per
    unit."""
    _, kernel_subscripts, output = einsum_subscripts(layer.equation)
    letters = [kernel_subscripts[a] for a in einsum_unit_axes(layer.equation)]
    bias_axes = getattr(layer, "bias_axes", None)
    if bias_axes is not None and sorted(bias_axes) != sorted(letters):
        return None
    if output.count("...") > 1 or (
            "..." in output and not (output.startswith("...")
                                     or output.endswith("..."))):
        return None
    spec = output.replace("...", "")
    positions = [spec.index(letter) for letter in letters]
    if positions != sorted(positions):
        return None
    if output.startswith("..."):
        return tuple(p - len(spec) for p in positions)
    return tuple(positions)


def _unit_positions(layer):
    """The output axes holding one output unit each (see `_einsum_unit_
    positions`), or `None` when they are not known."""
    if isinstance(layer, _L.EinsumDense):
        return _einsum_unit_positions(layer)
    if isinstance(layer, _CHANNEL_LAYERS):
        if getattr(layer, "data_format", None) == "channels_first":
            return (1,)
        return (-1,)
    return None


def _is_recurrent(layer):
    return isinstance(layer, (_L.RNN, _L.Bidirectional)) or hasattr(
        layer, "cell")


def _check_scale_axes(scale_axes):
    """`"units"`, `None`, an integer or a tuple of distinct integers;
    returns it with a list turned into a tuple."""
    if isinstance(scale_axes, str) and scale_axes == _UNITS:
        return scale_axes
    expected = ("'units', None, an integer or a non-empty tuple of distinct "
                "integers")
    try:
        scale_axes = check_axis("scale_axes", scale_axes)
    except ValueError:
        raise invalid_argument("scale_axes", expected, scale_axes) from None
    if scale_axes is None or is_int(scale_axes):
        return None if scale_axes is None else int(scale_axes)
    if len(set(scale_axes)) != len(scale_axes):
        raise invalid_argument("scale_axes", expected, scale_axes)
    return tuple(int(a) for a in scale_axes)


@keras.saving.register_keras_serializable(package="kreg")
class WeightNormalization(WeightNormCore, keras.layers.Wrapper):
    """Weight normalization of the kernel of any Keras layer that has one.

    A Keras 3 replacement for `tfa.layers.WeightNormalization` (TensorFlow
    Addons) and `torch.nn.utils.parametrizations.weight_norm`, for every
    layer whose kernel `kreg.kernels` knows: `Dense`, `EinsumDense`,
    `Conv1D/2D/3D`, `Conv1D/2D/3DTranspose`, `DepthwiseConv1D/2D`,
    `SeparableConv1D/2D`, `SimpleRNN`, `LSTM`, `GRU`, `ConvLSTM1D/2D/3D`,
    `Bidirectional`, subclasses of these, kreg's own layers and any layer
    with a `kreg_kernels()` method; it also runs inside
    `keras.layers.TimeDistributed`. A layer with no kernel that kreg knows is
    refused with an error naming it.

    Each normalized kernel is reparameterized as `w = g * v / ||v||`: `v` is
    the wrapped layer's own kernel variable (not duplicated) and `g` has one
    entry per index of the kernel axes `scale_axes`; the norm is taken over
    all the other axes. `g` starts at `||v||`, so that the wrapped function
    is unchanged at wrapping time (as in PyTorch).

    Which axes `g` indexes (`scale_axes`, PyTorch's `dim` in Keras's kernel
    layout):

    - `"units"` (default): the kernel's output units as `kreg.kernels` gives
      them, the paper's one norm per neuron: the last axis of a `Dense`,
      convolution or recurrent kernel; the filters (second to last axis) of
      a transposed convolution's kernel `(*window, filters, in)`; the
      (channel, multiplier) pairs (last two axes) of a depthwise kernel; the
      output axes of an `EinsumDense` kernel.
    - an integer or a tuple of integers: those axes of each normalized
      kernel (negative counts from the end). `-1` is TensorFlow Addons'
      choice for every layer and PyTorch's default `dim=0` for `Linear`,
      `ConvNd` and `ConvTransposeNd`; it differs from `"units"` only for a
      transposed convolution (then `g` indexes its *input* channels, as
      MelGAN / HiFi-GAN generators trained with PyTorch or TensorFlow Addons
      expect) and for depthwise and `EinsumDense` kernels. PyTorch's `dim=1`
      is `-2` (a transposed convolution's filters, a convolution's input
      channels).
    - `None`: one norm over the whole kernel and a scalar `g` (PyTorch's
      `dim=None`; `WeightNormDense(norm="matrix")`).

    Which kernels are normalized (`kernels`):

    - `"main"` (default): the kernel that maps each sublayer's inputs to its
      units: the kernel of a `Dense` or convolution, the depthwise kernel of
      a `DepthwiseConv`, the pointwise kernel of a `SeparableConv` (whose
      units are the layer's output channels), the input kernel of a
      recurrent cell (of both directions of a `Bidirectional`).
    - `"recurrent"`: the recurrent kernel of a recurrent cell (of both
      directions of a `Bidirectional`): what TensorFlow Addons normalized for
      a recurrent layer. A layer without one is refused.
    - `"all"`: every kernel: also the depthwise kernel of a `SeparableConv`
      and the recurrent kernel of a recurrent cell, each with its own `g`.
      The paper normalizes every weight matrix; whether the recurrent
      kernel should be is a modelling choice, so it is offered, not forced.

    `g` and `kernel_v` are those of the main kernel (the last chosen input
    kernel; with `kernels="recurrent"`, the last recurrent kernel);
    `normalized_kernels` and `scales` list every normalized kernel
    (`kreg.kernels.Kernel`) and its scale variable (`g`, then `g_<name>`).

    `call` runs the wrapped layer's own operation (`kreg.layers.
    call_with_weights`, built on Keras's `Layer.stateless_call`), so any
    option of the wrapped layer (strides, padding, dilation, data format,
    groups, masks, recurrent dropout) behaves as usual, gradients reach `v`
    and `g` on every backend, and no variable is overwritten during the
    forward pass. When `g` indexes the output units of a `Dense`,
    `EinsumDense` or convolution, the operation is linear in each unit's
    slice of the kernel, so `op(x, g * v / ||v||) = op(x, v) * g / ||v||`:
    the wrapper runs the layer with `v`, no bias and no activation, scales
    each output channel, then adds the bias and applies the activation,
    which spares the kernel-sized elementwise work of materializing `w`. Any
    other case (a recurrent layer, whose recurrence is not linear, other
    `scale_axes`, or a layer kreg does not know the output layout of) runs
    with each `w` substituted for its `v`. LoRA-enabled and quantized layers
    are refused.

    With `data_init=True`, the first batch seen with `training=True` sets the
    scale and bias so that this batch's pre-activations (the wrapped layer's
    output without bias and activation, computed with the unit-norm kernel
    `v / ||v||`) have mean 0 and variance 1 per output channel, over all
    other axes (`data_format` is respected): `g = 1 / sigma`, `b = -mu /
    sigma` (Salimans & Kingma, 2016, section 3). Without a bias
    (`use_bias=False`, as in MelGAN-style generators) only `g` is set: the
    pre-activations get variance 1 and keep their mean. TensorFlow Addons
    differed: it initialized on the first call whatever `training`, took
    the statistics of `x @ v` (not of `x @ v / ||v||`) and set `g = 1 /
    std(x @ v)`, which is the paper's `g` divided by `||v||` per unit (its
    biases equal the paper's; its first-batch variances are `1 / ||v||^2`,
    not 1). The initialization happens once; the non-trainable boolean
    weight `initialized` records it and is saved with the model. It works
    inside a compiled train step on every backend: because Keras' JAX
    trainer discards assignments to trainable variables made inside `call`,
    the data-dependent values are stored in the non-trainable weights
    `g_offset` and `bias_offset` (no `bias_offset` without a bias), added to
    `g` and to the wrapped layer's `bias`. A constant offset does not change
    gradients, so training is the same as overwriting `g` and `bias`.
    `data_init` needs a `Dense`, `EinsumDense` (whose bias, if any, has one
    value per unit) or convolution, with `g` on its output units
    (`scale_axes="units"`); it is refused for recurrent layers, whose
    outputs are not pre-activations. Inside `TimeDistributed`, which calls
    the wrapper once per time step, the first time step's batch initializes.

    The wrapped layer's `kernel_regularizer` and `kernel_constraint` act on
    `v`. After wrapping, calling the wrapped layer directly computes with `v`,
    not `w`; use `to_layer()` (or its alias `remove()`) to get a plain layer
    with the folded kernels.

    Args:
        layer: A Keras layer with a kernel (see above).
        data_init: Boolean, whether to use the data-dependent initialization
            on the first training batch (default `False`; TensorFlow Addons'
            default was `True`).
        epsilon: Small positive float. Lower bound on the squared norm of `v`,
            and added to the standard deviation in the data-dependent
            initialization.
        kernels: `"main"`, `"recurrent"` or `"all"`: which kernels of the
            wrapped layer to normalize (see above).
        scale_axes: `"units"` (default), an integer, a tuple of integers or
            `None`: the kernel axes that `g` indexes (see above).
        **kwargs: Base wrapper keyword arguments, such as `name`.

    Call arguments:
        inputs: Input tensor, as for the wrapped layer.
        training: Python boolean, passed to the wrapped layer. With
            `data_init=True`, the first call with `training=True` performs
            the data-dependent initialization.
        mask: Passed to the wrapped layer if its `call` takes one.

    Example:

    >>> x = np.random.rand(2, 8, 8, 3)
    >>> up = WeightNormalization(keras.layers.Conv2DTranspose(4, 3, strides=2))
    >>> y = up(x)
    >>> tuple(y.shape)
    (2, 17, 17, 4)
    >>> tuple(up.g.shape)  # one scale per output filter
    (4,)
    >>> plain = up.to_layer()
    >>> np.allclose(
    ...     keras.ops.convert_to_numpy(plain(x)),
    ...     keras.ops.convert_to_numpy(y),
    ...     atol=1e-5,
    ... )
    True

    One scale per input channel, as TensorFlow Addons and PyTorch's
    `weight_norm(nn.ConvTranspose1d(...))`:

    >>> up = WeightNormalization(keras.layers.Conv1DTranspose(4, 3),
    ...                          scale_axes=-1)
    >>> tuple(up(np.ones((1, 5, 6))).shape), tuple(up.g.shape)
    ((1, 7, 4), (6,))

    An LSTM with its recurrent kernel normalized, as TensorFlow Addons did:

    >>> lstm = WeightNormalization(keras.layers.LSTM(8), kernels="recurrent")
    >>> _ = lstm(np.ones((2, 5, 3)))
    >>> lstm.kernel_v is lstm.layer.cell.recurrent_kernel
    True

    Reference:

    - [Salimans & Kingma, 2016](https://arxiv.org/abs/1602.07868), Weight
      Normalization: A Simple Reparameterization to Accelerate Training of
      Deep Neural Networks.
    """

    def __init__(self, layer, data_init=False, epsilon=1e-12, kernels="main",
                 scale_axes=_UNITS, **kwargs):
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
        check_positive_float("epsilon", epsilon)
        check_choice("kernels", kernels, _KERNELS)
        scale_axes = _check_scale_axes(scale_axes)
        if data_init:
            _check_data_init(layer, scale_axes)
        super().__init__(layer, **kwargs)
        self.data_init = data_init
        self.epsilon = float(epsilon)
        self.kernels = kernels
        self.scale_axes = scale_axes
        self.supports_masking = layer.supports_masking

    def build(self, input_shape):
        super().build(input_shape)
        chosen, target = self._find_kernels()
        # The main kernel that produces the outputs is the core's `v`.
        self._target = target
        self._extra = [k for k in chosen if k is not target]
        self._reduced = {id(k.variable): self._reduced_axes(k)
                         for k in chosen}
        self._unit_positions = None
        # Scaling the outputs needs `g` on the output units of the one
        # sublayer with kernels, the wrapped layer itself.
        if (target.role in INPUT_ROLES and self._norm_axes == target.norm_axes
                and all(k.layer is self.layer for k in chosen)):
            self._unit_positions = _unit_positions(self.layer)
        kernel_v = self.kernel_v
        scale_shape = self._scale_shape(target)
        self._build_scale(scale_shape,
                          norm_initializer(kernel_v, self._norm_axes), True)
        names = {"g"}
        self._extra_scales = []
        for k in self._extra:
            name = f"g_{k.variable.name}"
            while name in names:
                name += "_"
            names.add(name)
            self._extra_scales.append(self._add_scale(
                name, self._scale_shape(k),
                norm_initializer(k.variable, self._reduced[id(k.variable)])))
        bias = self._bias_variable()
        if self.data_init:
            self._check_data_init_build(scale_shape, bias)
        self._build_data_init(scale_shape,
                              None if bias is None else tuple(bias.shape))

    def _check_data_init_build(self, scale_shape, bias):
        """Refuses `data_init=True` where the outputs are not one channel
        per entry of `g` plus a per-channel bias."""
        kernel_v = self.kernel_v
        if self._unit_positions is None:
            raise ValueError(
                "Invalid value received for argument `data_init`. It needs "
                "`g` to index the output units of the main kernel "
                "(`scale_axes='units'`), one sublayer with a kernel, and an "
                "output layout kreg knows. Received: "
                f"layer={self.layer.name} with kernel {tuple(kernel_v.shape)} "
                f"and scale_axes={self.scale_axes}"
            )
        if bias is not None and _size(bias.shape) != _size(scale_shape):
            raise ValueError(
                "Invalid value received for argument `data_init`. It "
                "needs one bias entry per unit of the normalized kernel. "
                f"Received: layer={self.layer.name} with kernel "
                f"{tuple(kernel_v.shape)} and bias {tuple(bias.shape)}"
            )

    def _find_kernels(self):
        """The kernels to normalize, and the main one among them.

        `kreg.kernels.model_kernels` walks the wrapped layer (its cells,
        the directions of a `Bidirectional`); the kernels are grouped by the
        sublayer that owns them, and only sublayers with an input kernel
        count.
        """
        owners = {}
        for k in model_kernels(self.layer):
            if k.role != EMBEDDINGS:
                owners.setdefault(id(k.layer), []).append(k)
        owners = [found for found in owners.values()
                  if any(k.role in INPUT_ROLES for k in found)]
        if not owners:
            raise ValueError(
                "Invalid value received for argument `layer`. Expected a "
                "layer with a kernel that kreg knows (Dense, EinsumDense, any "
                "convolution, a recurrent layer, or a layer with a "
                f"`kreg_kernels()` method). Received: layer={self.layer.name} "
                f"of type {type(self.layer).__name__}"
            )
        main = [[k for k in found if k.role in INPUT_ROLES][-1]
                for found in owners]
        if self.kernels == "main":
            return main, main[-1]
        if self.kernels == "all":
            return [k for found in owners for k in found], main[-1]
        recurrent = [k for found in owners for k in found
                     if k.role == RECURRENT_KERNEL]
        if not recurrent:
            raise ValueError(
                "Invalid value received for argument `kernels`. Expected a "
                "recurrent layer (a recurrent kernel) with "
                "`kernels='recurrent'`. Received: kernels=recurrent and "
                f"layer={self.layer.name} of type {type(self.layer).__name__}"
            )
        return recurrent, recurrent[-1]

    def _scale_axes_of(self, kernel_):
        """The non-negative axes of `kernel_` that its `g` indexes, or
        `None` for a scalar `g` (a norm over the whole kernel)."""
        if self.scale_axes == _UNITS:
            return kernel_.unit_axes
        if self.scale_axes is None:
            return None
        rank = len(kernel_.variable.shape)
        axes = (self.scale_axes,) if is_int(self.scale_axes) else (
            self.scale_axes)
        if any(not -rank <= a < rank for a in axes) or len(axes) >= rank:
            raise ValueError(
                "Invalid value received for argument `scale_axes`. Expected "
                f"axes of the kernel {kernel_.path} of rank {rank} (shape "
                f"{tuple(kernel_.variable.shape)}), leaving at least one axis "
                f"to normalize. Received: scale_axes={self.scale_axes}"
            )
        return tuple(sorted(a % rank for a in axes))

    def _reduced_axes(self, kernel_):
        """The axes the norm of `kernel_` reduces (`None`: all)."""
        kept = self._scale_axes_of(kernel_)
        if kept is None:
            return None
        return tuple(a for a in range(len(kernel_.variable.shape))
                     if a not in kept)

    def _scale_shape(self, kernel_):
        kept = self._scale_axes_of(kernel_)
        if kept is None:
            return ()
        return tuple(kernel_.variable.shape[a] for a in kept)

    @property
    def kernel_v(self):
        """The direction `v` of the main kernel: the wrapped layer's kernel
        variable."""
        return self._target.variable

    @property
    def _norm_axes(self):
        return self._reduced[id(self._target.variable)]

    @property
    def normalized_kernels(self):
        """The normalized kernels (`kreg.kernels.Kernel`), the main one
        first."""
        return [self._target] + self._extra

    @property
    def scales(self):
        """The scale variables of `normalized_kernels`, in the same order."""
        return [self.g] + self._extra_scales

    def _bias_variable(self):
        bias = getattr(self._target.layer, "bias", None)
        return bias if isinstance(bias, keras.Variable) else None

    def kreg_kernels(self):
        """The wrapped layer's kernels (every direction `v` among them)."""
        return model_kernels(self.layer)

    def _extra_weights(self):
        """`(v, w)` for each normalized kernel but the main one."""
        return [(k.variable,
                 weight_norm(k.variable, g, axis=self._reduced[id(k.variable)],
                             epsilon=self.epsilon))
                for k, g in zip(self._extra, self._extra_scales)]

    def call(self, inputs, training=None, mask=None):
        if self._unit_positions is None:
            # Run the layer's own operation with each `w` substituted.
            substitutes = [(self.kernel_v, ops.cast(self.kernel,
                                                    self.kernel_v.dtype))]
            substitutes += self._extra_weights()
            return call_with_weights(self.layer, substitutes, inputs,
                                     training=training, mask=mask)
        # `op(x, g * v / ||v||) = op(x, v) * (g / ||v||)` per output unit:
        # the main kernel is never materialized.
        substitutes = self._extra_weights()
        bias = self._bias_variable()
        if bias is not None:
            substitutes.append((bias, ops.zeros(bias.shape, bias.dtype)))
        with _linear(self.layer):
            raw = call_with_weights(self.layer, substitutes, inputs,
                                    training=training, mask=mask)
        rank = len(raw.shape)
        positions = tuple(p % rank for p in self._unit_positions)
        unit_shape = [1] * rank
        if len(positions) == 1:
            unit_shape[positions[0]] = -1
        else:
            for position, size in zip(positions, self.g.shape):
                unit_shape[position] = size
        stats_axes = tuple(a for a in range(rank) if a not in positions)
        return self._weight_normalized_outputs(
            raw, training, getattr(self.layer, "activation", None),
            unit_shape=None if positions == (rank - 1,) else tuple(unit_shape),
            stats_axes=stats_axes)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        return self.layer.compute_mask(inputs, mask)

    def to_layer(self):
        """Returns a plain layer of the wrapped type with the folded kernels.

        A new, built layer with the wrapped layer's config and weights, whose
        normalized kernels are the effective kernels and whose bias is the
        effective bias, so it computes the same function (for export). The
        wrapped layer is left unchanged.
        """
        if not self.built:
            raise ValueError(
                "You must build the layer before calling `to_layer()`."
            )
        layer = self.layer.__class__.from_config(self.layer.get_config())
        layer.build_from_config(self.layer.get_build_config())
        layer.set_weights(self.layer.get_weights())
        folded = [(self.kernel_v, self.kernel)] + self._extra_weights()
        bias = self._bias_variable()
        if bias is not None:
            folded.append((bias, self.effective_bias))
        index = {id(v): i for i, v in enumerate(self.layer.weights)}
        for variable, value in folded:
            target = layer.weights[index[id(variable)]]
            target.assign(ops.cast(value, target.dtype))
        return layer

    def remove(self):
        """Alias of `to_layer()`, the name of TensorFlow Addons' method.

        TensorFlow Addons' `remove()` wrote the effective kernel into the
        wrapped layer and returned it; this returns a new layer and leaves
        the wrapped one (and the wrapper) unchanged. Both compute what the
        wrapper computed.
        """
        return self.to_layer()

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # `Wrapper.from_config` pops "layer": work on a copy.
        return super().from_config(dict(config), custom_objects=custom_objects)

    def get_config(self):
        base_config = super().get_config()
        config = {"data_init": self.data_init, "epsilon": self.epsilon,
                  "kernels": self.kernels, "scale_axes": self.scale_axes}
        return {**base_config, **config}


def _check_data_init(layer, scale_axes):
    """Refuses `data_init=True` for a layer whose outputs are not
    pre-activations with one channel per unit, or a scalar `g`."""
    if _is_recurrent(layer):
        raise ValueError(
            "Invalid value received for argument `data_init`. A recurrent "
            "layer's outputs are not pre-activations, so `data_init=True` "
            f"is not supported. Received: layer={layer.name} of type "
            f"{type(layer).__name__}"
        )
    if _unit_positions(layer) is None:
        raise ValueError(
            "Invalid value received for argument `data_init`. It needs a "
            "Dense, an EinsumDense whose bias has one value per output unit, "
            "or a convolution, whose output channels kreg knows. Received: "
            f"layer={layer.name} of type {type(layer).__name__}"
        )
    if scale_axes is None:
        raise ValueError(
            "Invalid value received for argument `data_init`. It sets one "
            "scale per output unit, so it needs `g` on the output units "
            "(`scale_axes='units'`). Received: data_init=True and "
            "scale_axes=None"
        )


def _size(shape):
    size = 1
    for dim in shape:
        size *= dim
    return size
