"""Put a max-norm constraint, on the right axes, on every kernel of a model."""

import keras

from kreg.argument_checks import check_positive_float, invalid_argument
from kreg.constraints.max_norm import MaxNorm
from kreg.kernels import EMBEDDINGS, INPUT_ROLES, model_kernels, warn_unrecognized

DEFAULT_ROLES = INPUT_ROLES + (EMBEDDINGS,)


def apply_max_norm(model, max_value=3.0, roles=DEFAULT_ROLES):
    """Constrains every kernel of `model` to a max norm per output unit.

    A constraint sees only a tensor, so `MaxNorm(axis=None)` has to guess
    the output axis from the rank, and guesses wrong for transposed and
    depthwise kernels. This function knows each layer (`kreg.kernels`): it
    gives every kernel a `MaxNorm` over that kernel's norm axes, i.e. one
    norm per output unit:

    - `Dense`, `ConvND`, recurrent input kernels: one per output unit;
    - `ConvNDTranspose` `(*window, filters, in)`: one per filter;
    - `DepthwiseConvND` `(*window, in, multiplier)`: one per channel and
      multiplier; `SeparableConvND`: the same for its depthwise kernel, one
      per filter for its pointwise kernel;
    - `EinsumDense`: one per combination of the kernel's output axes;
    - `Embedding`: one per row (token vector);
    - kreg's own layers through their declared kernels.

    As with `apply_regularizer`, Keras 3 reads a weight's constraint from
    `variable.constraint` (set once in `build`), so the variables of a built
    model are given it directly, and the layers' `*_constraint` attributes
    are kept in sync so that `get_config` (hence `.keras` files) carries it.
    A layer that is not built yet gets its `kernel_constraint` attribute
    (rank-based axes, right for Dense and ConvND); build the model first to
    have every kernel's axes exact.

    Args:
        model: a `keras.Model` or layer, preferably built.
        max_value: positive finite float, the largest L2 norm of a unit's
            incoming weights.
        roles: the roles of the kernels to constrain (see `kreg.kernels`);
            default: input, depthwise and pointwise kernels and embeddings.

    Returns:
        A dict `{variable path: norm axes}` of the constrained weights.

    Example:

    >>> model = keras.Sequential([
    ...     keras.Input((8, 8, 3)),
    ...     keras.layers.Conv2DTranspose(4, 3, name="up"),
    ...     keras.layers.DepthwiseConv2D(3, name="dw")])
    >>> apply_max_norm(model, 3.0)
    {'sequential/up/kernel': [0, 1, 3], 'sequential/dw/kernel': [0, 1]}

    Reference:
        - [Srivastava et al., 2014](
          https://jmlr.org/papers/v15/srivastava14a.html)
    """
    if not isinstance(model, keras.layers.Layer):
        raise invalid_argument(
            "model", "a `keras.Model` or `keras.layers.Layer`", model
        )
    check_positive_float("max_value", max_value)
    constrained = {}
    for kernel_ in model_kernels(model, roles=roles):
        constraint = MaxNorm(max_value, axis=kernel_.norm_axes)
        kernel_.variable.constraint = constraint
        attribute = kernel_.regularizer_attribute
        if attribute is not None:
            attribute = attribute.replace("_regularizer", "_constraint")
            if hasattr(kernel_.layer, attribute):
                setattr(kernel_.layer, attribute, constraint)
        constrained[kernel_.path] = list(kernel_.norm_axes)
    warn_unrecognized(model, "apply_max_norm")
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if not layer.built and "kernel_constraint" in vars(layer):
            layer.kernel_constraint = MaxNorm(max_value)
            constrained[f"{layer.name}/kernel"] = None
        if isinstance(layer, keras.Model):
            layer.train_function = None
    return constrained
