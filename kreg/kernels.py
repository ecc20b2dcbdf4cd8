"""The kernels of a layer or a model: one definition for every kreg helper.

A *kernel* is a weight that maps a layer's inputs to its output units: the
weight that penalties, max-norm, weight normalization and pruning act on. For
each kernel this module says which of its axes index the output units (the
*unit axes*); the norm of one unit's incoming weights is taken over all the
other axes (the *norm axes*). Keras does not record this, and a constraint or
a regularizer only sees the tensor, so rank-based guesses go wrong for
transposed and depthwise kernels. Here it is written down once:

| layer | weight | shape | unit axes |
|---|---|---|---|
| `Dense`, `ConvND`, RNN cells | `kernel` | `(..., in, units)` | last |
| RNN cells | `recurrent_kernel` | `(units, k * units)` | last |
| `ConvNDTranspose` | `kernel` | `(*window, filters, in)` | second to last |
| `DepthwiseConvND` | `kernel` | `(*window, in, multiplier)` | last two |
| `SeparableConvND` | `depthwise_kernel` | `(*window, in, multiplier)` | last two |
| `SeparableConvND` | `pointwise_kernel` | `(1, ..., in * mult, filters)` | last |
| `EinsumDense` | `kernel` | from the equation | axes named in the output |
| `Embedding` | `embeddings` | `(vocabulary, dim)` | first (one norm per row) |

A layer of kreg (or of a user) declares its own kernels by defining a method
`kreg_kernels(self)` that returns a list of `Kernel` (built with `kernel`);
that declaration wins over the table above, and it is the whole truth about
the layer's own weights: the weights it leaves out are not kernels (a
Gaussian layer's scale, a weight-norm layer's `g`).

The helpers (`model_kernels`, `unbuilt_kernels`) walk a model: nested models,
wrappers and RNN cells, each variable once. What they cannot describe is
named by `unhandled_layers` and `warn_unhandled`, never skipped silently: a
weight that looks like a kernel (named `kernel` or `embeddings`, or of rank
>= 2 in a layer that is not one of Keras's) in a layer that neither the
table nor a `kreg_kernels()` method describes, and a layer that declares
kernels (or is a custom layer with a `build`) but is not built yet.
"""

import dataclasses
import warnings

import keras

# The roles of kernels, as `Kernel.role`.
INPUT_KERNEL = "kernel"
RECURRENT_KERNEL = "recurrent_kernel"
DEPTHWISE_KERNEL = "depthwise_kernel"
POINTWISE_KERNEL = "pointwise_kernel"
EMBEDDINGS = "embeddings"

# The kernels that weight penalties and pruning act on by default: those
# that map a layer's inputs to its units (not recurrent kernels, which have
# their own regularizer in Keras, nor embeddings).
INPUT_ROLES = (INPUT_KERNEL, DEPTHWISE_KERNEL, POINTWISE_KERNEL)


def _norm_axes(rank, unit_axes):
    return tuple(a for a in range(rank) if a not in unit_axes)


@dataclasses.dataclass(frozen=True)
class Kernel:
    """One kernel weight of a layer.

    Attributes:
        layer: The layer that owns the variable (for a wrapper, the wrapped
            layer; for an RNN, its cell).
        variable: The `keras.Variable`.
        unit_axes: Tuple of non-negative axes of the variable that index the
            output units.
        role: One of `"kernel"`, `"recurrent_kernel"`, `"depthwise_kernel"`,
            `"pointwise_kernel"`, `"embeddings"`.
        regularizer_attribute: The attribute of `layer` holding this weight's
            regularizer (`"kernel_regularizer"`, ...), or `None` when the
            layer has none.
    """

    layer: object
    variable: object
    unit_axes: tuple
    role: str = INPUT_KERNEL
    regularizer_attribute: object = None

    @property
    def norm_axes(self):
        """The axes a per-unit norm reduces: all axes but the unit axes."""
        return _norm_axes(len(self.variable.shape), self.unit_axes)

    @property
    def path(self):
        return self.variable.path


@dataclasses.dataclass(frozen=True)
class PlannedKernel:
    """A kernel that a built-in Keras layer will create when it is built.

    Its rank is known from the layer's configuration (a `Conv2DTranspose`
    kernel has rank 4 whatever the input), so its norm axes are too.

    Attributes:
        layer: The layer, not built yet.
        attribute: The name of the weight (`"kernel"`, `"embeddings"`, ...).
        unit_axes: Tuple of non-negative axes that index the output units.
        role: The kernel's role (see `Kernel`).
        regularizer_attribute: The attribute of `layer` holding the weight's
            regularizer; `build` reads it (and the matching `*_constraint`).
        rank: The rank the weight will have.
    """

    layer: object
    attribute: str
    unit_axes: tuple
    role: str
    regularizer_attribute: object
    rank: int

    @property
    def norm_axes(self):
        return _norm_axes(self.rank, self.unit_axes)

    @property
    def path(self):
        return f"{self.layer.name}/{self.attribute}"


def _axes(rank, axes):
    return tuple(sorted(a % rank for a in axes))


def _variable(layer, attribute):
    """`layer.<attribute>` if it is a variable, else `layer._<attribute>`:
    Keras keeps the variable there when the public name is a property that
    may compute a tensor (a LoRA-adapted `Dense`, `Conv`, `Embedding`)."""
    for name in (attribute, "_" + attribute):
        variable = getattr(layer, name, None)
        if isinstance(variable, keras.Variable):
            return variable
    return None


def kernel(layer, attribute, unit_axes, role=INPUT_KERNEL,
           regularizer_attribute="kernel_regularizer"):
    """A `Kernel` for `layer.<attribute>`, with `unit_axes` made
    non-negative; `None` when the layer has no such variable (not built).

    Args:
        layer: The layer owning the weight.
        attribute: The attribute holding the `keras.Variable`.
        unit_axes: The axes (negative counts from the end) that index the
            output units.
        role: The kernel's role, one of this module's role constants.
        regularizer_attribute: The attribute of `layer` holding the weight's
            regularizer (its constraint is in the attribute of the same name
            ending in `_constraint`); dropped when the layer has no such
            attribute.
    """
    variable = _variable(layer, attribute)
    if variable is None:
        return None
    if regularizer_attribute is not None and not hasattr(
        layer, regularizer_attribute
    ):
        regularizer_attribute = None
    return Kernel(
        layer=layer,
        variable=variable,
        unit_axes=_axes(len(variable.shape), unit_axes),
        role=role,
        regularizer_attribute=regularizer_attribute,
    )


def einsum_subscripts(equation):
    """The subscripts of an `EinsumDense` equation: `(inputs, kernel,
    output)`, each a string, `...` kept (a kernel has none).

    `"ab,bc->ac"` gives `("ab", "bc", "ac")`. The one parse of the equation
    for every kreg helper.
    """
    operands, output = equation.split("->")
    inputs, kernel_ = operands.split(",")
    return inputs, kernel_.replace("...", ""), output


def einsum_unit_axes(equation):
    """The kernel axes of an `EinsumDense` equation that reach the output.

    `"ab,bc->ac"`: the kernel `bc` has its axis 1 (`c`) in the output.
    """
    _, kernel_, output = einsum_subscripts(equation)
    return tuple(i for i, name in enumerate(kernel_) if name in output)


_L = keras.layers
_DEPTHWISE = (_L.DepthwiseConv1D, _L.DepthwiseConv2D)
_SEPARABLE = (_L.SeparableConv1D, _L.SeparableConv2D)
_TRANSPOSE = (_L.Conv1DTranspose, _L.Conv2DTranspose, _L.Conv3DTranspose)
_UNITS_LAST = (_L.Dense, _L.Conv1D, _L.Conv2D, _L.Conv3D, _L.SimpleRNNCell,
               _L.LSTMCell, _L.GRUCell)


def _is_conv_lstm_cell(layer):
    # Keras does not export the cell of `ConvLSTM1D/2D/3D`.
    return any(cls.__name__ == "ConvLSTMCell" for cls in type(layer).__mro__)


def _builtin_table(layer):
    """The table of this module's docstring for one built-in Keras layer:
    a list of `(attribute, unit_axes, role, regularizer_attribute)`."""
    if isinstance(layer, _DEPTHWISE):
        return [("kernel", (-2, -1), DEPTHWISE_KERNEL, "depthwise_regularizer")]
    if isinstance(layer, _SEPARABLE):
        return [("depthwise_kernel", (-2, -1), DEPTHWISE_KERNEL,
                 "depthwise_regularizer"),
                ("pointwise_kernel", (-1,), POINTWISE_KERNEL,
                 "pointwise_regularizer")]
    if isinstance(layer, _TRANSPOSE):
        return [("kernel", (-2,), INPUT_KERNEL, "kernel_regularizer")]
    if isinstance(layer, _L.EinsumDense):
        return [("kernel", einsum_unit_axes(layer.equation), INPUT_KERNEL,
                 "kernel_regularizer")]
    if isinstance(layer, _L.Embedding):
        return [("embeddings", (0,), EMBEDDINGS, "embeddings_regularizer")]
    if isinstance(layer, _UNITS_LAST) or _is_conv_lstm_cell(layer):
        # Dense, ConvND and the recurrent cells: the output units last.
        table = [("kernel", (-1,), INPUT_KERNEL, "kernel_regularizer")]
        if hasattr(layer, "recurrent_regularizer"):
            table.append(("recurrent_kernel", (-1,), RECURRENT_KERNEL,
                          "recurrent_regularizer"))
        return table
    return []


def _planned_rank(layer):
    """The rank of the kernels a built-in layer will create."""
    if isinstance(layer, _L.EinsumDense):
        return len(einsum_subscripts(layer.equation)[1])
    rank = getattr(layer, "rank", None)  # convolutions: spatial dimensions
    return rank + 2 if isinstance(rank, int) else 2


def _declares(layer):
    return callable(getattr(layer, "kreg_kernels", None))


def layer_kernels(layer):
    """The kernels that `layer` itself owns (not those of its sublayers).

    A layer with a `kreg_kernels()` method answers for itself; a built-in
    Keras layer is looked up in the table of this module's docstring. A layer
    that is not built has no variables yet, hence no kernels.

    Returns:
        A list of `Kernel`.
    """
    if _declares(layer):
        found = layer.kreg_kernels()
    else:
        found = [kernel(layer, *row) for row in _builtin_table(layer)]
    return [k for k in found if k is not None]


def _layers(model):
    return model._flatten_layers(include_self=True, recursive=True)


def model_kernels(model, roles=None):
    """The kernels of `model` and of every layer inside it.

    Nested models, wrappers and RNN cells are walked; a variable shared by a
    wrapper and the layer it wraps is listed once.

    Args:
        model: a `keras.Model` or any `keras.layers.Layer`.
        roles: `None` (every kernel) or a collection of roles, e.g.
            `kreg.kernels.INPUT_ROLES`.

    Returns:
        A list of `Kernel`, in layer order.

    Example:

    >>> model = keras.Sequential([keras.Input((8, 8, 3)),
    ...                           keras.layers.Conv2DTranspose(4, 3)])
    >>> [(k.variable.name, k.unit_axes, k.norm_axes)
    ...  for k in model_kernels(model)]
    [('kernel', (2,), (0, 1, 3))]
    """
    found, seen = [], set()
    for layer in _layers(model):
        for kernel_ in layer_kernels(layer):
            if id(kernel_.variable) in seen:
                continue
            if roles is not None and kernel_.role not in roles:
                continue
            seen.add(id(kernel_.variable))
            found.append(kernel_)
    return found


def unbuilt_kernels(model, roles=None):
    """The kernels that the built-in Keras layers of `model` that are not
    built yet will create, as `PlannedKernel`s.

    A helper sets their `*_regularizer` / `*_constraint` attributes, which
    `build` reads. Layers of kreg or of a user that are not built cannot be
    planned (their kernels are known once built) and are named by
    `unhandled_layers`.
    """
    planned = []
    for layer in _layers(model):
        if layer.built or _declares(layer):
            continue
        for attribute, unit_axes, role, regularizer in _builtin_table(layer):
            if roles is not None and role not in roles:
                continue
            rank = _planned_rank(layer)
            planned.append(PlannedKernel(layer, attribute,
                                         _axes(rank, unit_axes), role,
                                         regularizer, rank))
    return planned


def _is_keras_layer(layer):
    return type(layer).__module__.startswith("keras.")


def _sublayers(layer):
    return list(layer._flatten_layers(include_self=False, recursive=False))


def _own_trainable_variables(layer):
    inner = {id(v) for sub in _sublayers(layer) for v in sub.trainable_weights}
    return [v for v in layer.trainable_weights if id(v) not in inner]


def _looks_like_kernel(layer, variable):
    if "kernel" in variable.name or "embeddings" in variable.name:
        return True
    return len(variable.shape) >= 2 and not _is_keras_layer(layer)


def unhandled_layers(model):
    """What kreg's helpers cannot describe in `model`, so have to leave alone.

    Returns:
        A pair of lists:

        - the paths of trainable weights that look like kernels but that no
          table entry or `kreg_kernels()` method declares (a custom layer's
          `kernel`, a LoRA adapter of a `Dense`);
        - the names of the layers that are not built and whose kernels are
          therefore unknown: layers with a `kreg_kernels()` method, and
          custom layers with a `build` method, that have no sublayers.

    Example:

    >>> class Linear(keras.layers.Layer):
    ...     def build(self, shape):
    ...         self.w = self.add_weight(shape=(shape[-1], 2), name="w")
    ...     def call(self, x):
    ...         return keras.ops.matmul(x, self.w)
    >>> model = keras.Sequential([keras.Input((3,)), Linear(name="lin")],
    ...                          name="seq")
    >>> unhandled_layers(model)
    (['seq/lin/w'], [])
    """
    declared = {id(k.variable) for k in model_kernels(model)}
    weights, unbuilt = [], []
    for layer in _layers(model):
        if not layer.built and not _builtin_table(layer) and not _sublayers(
                layer) and (_declares(layer) or (
                    not _is_keras_layer(layer)
                    and type(layer).build is not _L.Layer.build)):
            unbuilt.append(layer.name)
        if _declares(layer):  # its declaration is the whole truth
            continue
        weights += [v.path for v in _own_trainable_variables(layer)
                    if id(v) not in declared and _looks_like_kernel(layer, v)]
    return weights, unbuilt


def warn_unhandled(model, helper, stacklevel=3):
    """Warns, naming them, about the weights and layers `helper` has to
    leave alone (see `unhandled_layers`).

    Args:
        model: A `keras.Model` or layer.
        helper: The name of the helper, for the message.
        stacklevel: As for `warnings.warn`, counted from this function.

    Returns:
        The pair of lists of `unhandled_layers`.
    """
    weights, unbuilt = unhandled_layers(model)
    if weights:
        warnings.warn(
            f"{helper} leaves alone {weights}: these weights look like kernels "
            "but no layer declares them (kreg knows Keras's kernel layers and "
            "its own; give a custom layer a `kreg_kernels()` method returning "
            "`kreg.kernels.Kernel`s (an empty list if it has none) to decide "
            "which of its weights are kernels).",
            stacklevel=stacklevel,
        )
    if unbuilt:
        warnings.warn(
            f"{helper} leaves alone the layers {unbuilt}: they are not built, "
            "so their kernels are not known yet. Build the model first (start "
            "it with `keras.Input`, or call `model.build(input_shape)`).",
            stacklevel=stacklevel,
        )
    return weights, unbuilt


def _attribute(kernel_, kind):
    """The layer attribute holding `kernel_`'s `kind` (`"regularizer"` or
    `"constraint"`), or `None` when the layer has none."""
    if kernel_.regularizer_attribute is None:
        return None
    attribute = kernel_.regularizer_attribute.replace("_regularizer", f"_{kind}")
    return attribute if hasattr(kernel_.layer, attribute) else None


def forget_traced_steps(model):
    """Drops the traced train and test functions of `model` and of the
    models inside it, which captured the old regularizers and constraints,
    so that the next `fit` or `evaluate` traces them anew (the optimizer and
    the compiled loss are kept)."""
    for layer in _layers(model):
        if isinstance(layer, keras.Model):
            layer.train_function = None
            layer.test_function = None


def attach(model, kind, make, roles, helper):
    """Sets a regularizer or a constraint on every kernel of `model`.

    In Keras 3 a weight's penalty and constraint are read from
    `variable.regularizer` and `variable.constraint` (the optimizer applies
    the constraint after each step on every backend), which `add_weight`
    sets once in `build`; the layer's `*_regularizer` / `*_constraint`
    attribute is read by `build` and saved by `get_config`. So for a built
    kernel both are set, for a kernel of a layer not built yet
    (`unbuilt_kernels`) the attribute; the traced steps are forgotten
    (`forget_traced_steps`); what cannot be described is named in a warning
    (`warn_unhandled`). Nothing is changed when a kernel's layer has no
    attribute to keep the object in: that raises a `ValueError` naming it.

    Args:
        model: A `keras.Model` or layer.
        kind: `"regularizer"` or `"constraint"`.
        make: A function of a `Kernel` or `PlannedKernel` returning the
            object to set (or `None` to remove it).
        roles: The roles of the kernels to act on, or `None` for all.
        helper: The name of the calling helper, for the messages.

    Returns:
        A list of `(Kernel or PlannedKernel, object)` pairs.
    """
    targets = model_kernels(model, roles) + unbuilt_kernels(model, roles)
    attributes = [_attribute(k, kind) for k in targets]
    for kernel_, attribute in zip(targets, attributes):
        if attribute is None:
            raise ValueError(
                f"{helper} cannot set a {kind} on {kernel_.path!r}: its layer "
                f"{kernel_.layer.name!r} ({type(kernel_.layer).__name__}) has "
                f"no `*_{kind}` attribute for it, so it would not be saved "
                "with the model. Declare one in the layer's `kreg_kernels()` "
                "(`regularizer_attribute`, with a matching `*_constraint`), or "
                f"leave this kernel out with `roles`. Nothing was changed."
            )
    attached = []
    for kernel_, attribute in zip(targets, attributes):
        value = make(kernel_)
        setattr(kernel_.layer, attribute, value)
        if isinstance(kernel_, Kernel):
            setattr(kernel_.variable, kind, value)
        attached.append((kernel_, value))
    warn_unhandled(model, helper, stacklevel=4)
    forget_traced_steps(model)
    return attached
