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
`kreg_kernels(self)` that returns a list of `Kernel`; that declaration wins
over the table above.
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
        rank = len(self.variable.shape)
        return tuple(a for a in range(rank) if a not in self.unit_axes)

    @property
    def path(self):
        return self.variable.path


def _axes(rank, axes):
    return tuple(sorted(a % rank for a in axes))


def kernel(layer, attribute, unit_axes, role=INPUT_KERNEL,
           regularizer_attribute="kernel_regularizer"):
    """A `Kernel` for `layer.<attribute>`, with `unit_axes` made
    non-negative; `None` when the layer has no such variable (not built)."""
    variable = getattr(layer, attribute, None)
    if not isinstance(variable, keras.Variable):
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


def einsum_unit_axes(equation):
    """The kernel axes of an `EinsumDense` equation that reach the output.

    `"ab,bc->ac"`: the kernel `bc` has its axis 1 (`c`) in the output.
    """
    inputs, output = equation.split("->")
    kernel_spec = inputs.split(",")[1].replace("...", "")
    output = output.replace("...", "")
    return tuple(i for i, name in enumerate(kernel_spec) if name in output)


def _is_transpose_conv(layer):
    return "Transpose" in type(layer).__name__ and isinstance(
        layer, keras.layers.Layer
    ) and hasattr(layer, "kernel_size")


def _builtin_kernels(layer):
    """The kernels of a built-in Keras layer, from the table above."""
    L = keras.layers
    found = []
    if isinstance(layer, (L.DepthwiseConv1D, L.DepthwiseConv2D)):
        found.append(kernel(layer, "kernel", (-2, -1), DEPTHWISE_KERNEL,
                            "depthwise_regularizer"))
    elif isinstance(layer, (L.SeparableConv1D, L.SeparableConv2D)):
        found.append(kernel(layer, "depthwise_kernel", (-2, -1),
                            DEPTHWISE_KERNEL, "depthwise_regularizer"))
        found.append(kernel(layer, "pointwise_kernel", (-1,),
                            POINTWISE_KERNEL, "pointwise_regularizer"))
    elif _is_transpose_conv(layer):
        found.append(kernel(layer, "kernel", (-2,)))
    elif isinstance(layer, L.EinsumDense):
        found.append(kernel(layer, "kernel", einsum_unit_axes(layer.equation)))
    elif isinstance(layer, L.Embedding):
        found.append(kernel(layer, "embeddings", (0,), EMBEDDINGS,
                            "embeddings_regularizer"))
    elif isinstance(layer, _UNITS_LAST) or type(layer).__name__ == "ConvLSTMCell":
        # Dense, ConvND and the recurrent cells: the output units last.
        found.append(kernel(layer, "_kernel", (-1,))
                     or kernel(layer, "kernel", (-1,)))
        found.append(kernel(layer, "recurrent_kernel", (-1,),
                            RECURRENT_KERNEL, "recurrent_regularizer"))
    # Any other layer declares its kernels with `kreg_kernels()`, or has
    # none that kreg knows of (see `unrecognized_kernels`).
    return [k for k in found if k is not None]


_UNITS_LAST = (
    keras.layers.Dense,
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
    keras.layers.SimpleRNNCell,
    keras.layers.LSTMCell,
    keras.layers.GRUCell,
)


def layer_kernels(layer):
    """The kernels that `layer` itself owns (not those of its sublayers).

    A layer with a `kreg_kernels()` method answers for itself; a built-in
    Keras layer is looked up in the table of this module's docstring. A layer
    that is not built has no variables yet, hence no kernels.

    Returns:
        A list of `Kernel`.
    """
    own = getattr(layer, "kreg_kernels", None)
    if callable(own):
        return list(own())
    return _builtin_kernels(layer)


# The kernels that weight penalties and pruning act on by default: those
# that map a layer's inputs to its units (not recurrent kernels, which have
# their own regularizer in Keras, nor embeddings).
INPUT_ROLES = (INPUT_KERNEL, DEPTHWISE_KERNEL, POINTWISE_KERNEL)


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
    """
    found, seen = [], set()
    for layer in model._flatten_layers(include_self=True, recursive=True):
        for kernel_ in layer_kernels(layer):
            if id(kernel_.variable) in seen:
                continue
            if roles is not None and kernel_.role not in roles:
                continue
            seen.add(id(kernel_.variable))
            found.append(kernel_)
    return found


def unrecognized_kernels(model):
    """Paths of trainable weights named like kernels that no layer declares.

    A custom layer's `kernel` that neither the table of this module nor a
    `kreg_kernels()` method describes: kreg's helpers cannot know its output
    axes, so they leave it alone and say so (see `warn_unrecognized`).
    """
    known = {id(k.variable) for k in model_kernels(model)}
    return [v.path for v in model.trainable_weights
            if id(v) not in known
            and any(word in v.name for word in ("kernel", "embeddings"))]


def warn_unrecognized(model, helper):
    """Warns, naming them, about the kernels `helper` has to leave alone."""
    paths = unrecognized_kernels(model)
    if paths:
        warnings.warn(
            f"{helper} leaves alone {paths}: these weights look like kernels "
            "but no layer declares them (kreg knows Keras's kernel layers and "
            "its own; give a custom layer a `kreg_kernels()` method returning "
            "`kreg.kernels.Kernel`s to include its weights).",
            stacklevel=3,
        )
    return paths
