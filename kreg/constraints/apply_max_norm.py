"""Put a max-norm constraint, on the right axes, on every kernel of a model."""

import keras

from kreg.argument_checks import check_positive_float, invalid_argument
from kreg.constraints.max_norm import MaxNorm
from kreg.kernels import EMBEDDINGS, INPUT_ROLES, attach

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
    `variable.constraint` (set once in `build`; the optimizer applies it
    after each update, on every backend), so the variables of a built model
    are given it directly, and the layers' `*_constraint` attributes are
    kept in sync so that `get_config` (hence `.keras` files) carries it. A
    Keras layer that is not built yet gets the attribute, with the exact
    axes (its kernel's rank is known from its configuration). A kreg or
    custom layer that is not built yet, and a weight that looks like a
    kernel but that no layer declares, are left alone with a warning naming
    them; a kernel whose layer has no `*_constraint` attribute raises a
    `ValueError` before anything is changed. Traced train steps are dropped,
    so it may be called between two `fit`s.

    Args:
        model: a `keras.Model` or layer.
        max_value: positive finite float, the largest L2 norm of a unit's
            incoming weights.
        roles: the roles of the kernels to constrain (see `kreg.kernels`);
            default: input, depthwise and pointwise kernels and embeddings.

    Returns:
        A dict `{variable path: norm axes}` of the constrained weights (for
        a layer not built yet, `"<layer name>/<weight name>"`).

    Example:

    >>> model = keras.Sequential([
    ...     keras.Input((8, 8, 3)),
    ...     keras.layers.Conv2DTranspose(4, 3, name="up"),
    ...     keras.layers.DepthwiseConv2D(3, name="dw")], name="net")
    >>> apply_max_norm(model, 3.0)
    {'net/up/kernel': [0, 1, 3], 'net/dw/kernel': [0, 1]}

    Reference:
        - [Srivastava et al., 2014](
          https://jmlr.org/papers/v15/srivastava14a.html)
    """
    if not isinstance(model, keras.layers.Layer):
        raise invalid_argument(
            "model", "a `keras.Model` or `keras.layers.Layer`", model
        )
    check_positive_float("max_value", max_value)
    attached = attach(
        model, "constraint",
        lambda kernel_: MaxNorm(max_value, axis=kernel_.norm_axes),
        roles, "apply_max_norm")
    return {kernel_.path: list(constraint.axis) for kernel_, constraint in attached}
