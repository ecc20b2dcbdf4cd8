"""Max-norm constraint that infers the per-unit axes from the kernel rank."""

import keras
from keras import ops

from kreg.argument_checks import check_axis, check_positive_float


@keras.saving.register_keras_serializable(package="kreg")
class MaxNorm(keras.constraints.Constraint):
    """Clamps the incoming weight vector of every output unit to a max norm.

    After each optimizer update the weights feeding each output unit are
    rescaled so that their L2 norm is at most `max_value`. Vectors whose
    norm is already within the bound are returned unchanged (bit for bit).
    This is the max-norm regularization of Srivastava et al. (2014), used
    together with dropout and large learning rates.

    Unlike `keras.constraints.MaxNorm(max_value=2, axis=0)`, the axes do
    not have to be chosen by hand. With `axis=None` the norm of a kernel of
    rank `r` is taken over every axis except the last one, which Keras
    kernels use for the output units:

    - `Dense` kernel `(input_dim, units)`: axis `0`;
    - `ConvND` kernel `(*spatial, in_channels, filters)`: axes `0..r-2`,
      i.e. one norm per filter;
    - rank-0 and rank-1 weights (e.g. biases): returned unchanged, since a
      bias has no incoming weight vector.

    This is a guess from the rank: layers whose kernel does not end with the
    output axis (`Conv2DTranspose`, whose kernel is
    `(rows, cols, filters, in_channels)`, `DepthwiseConv2D`, `Embedding`,
    some `EinsumDense`) need an explicit `axis`, or, simpler,
    `kreg.constraints.apply_max_norm(model, max_value)`, which knows every
    layer's output axes.

    Args:
        max_value: Positive finite float, the maximum L2 norm allowed for
            the incoming weights of each unit. Defaults to `3.0`.
        axis: `None`, an integer or a tuple of integers. The axes over which
            each norm is computed. `None` (default) infers them from the
            rank of the weight as described above. An explicit value is
            honoured as is, for weights of any rank.

    Example:

    >>> constraint = MaxNorm(max_value=1.0)
    >>> w = keras.ops.convert_to_tensor([[3.0, 0.3], [4.0, 0.4]])
    >>> print(keras.ops.convert_to_numpy(constraint(w)).round(2))
    [[0.6 0.3]
     [0.8 0.4]]
    >>> layer = keras.layers.Dense(8, kernel_constraint=MaxNorm(3.0))

    Reference:
        - [Srivastava et al., 2014](
          https://jmlr.org/papers/v15/srivastava14a.html)
    """

    def __init__(self, max_value=3.0, axis=None):
        check_positive_float("max_value", max_value)
        self.max_value = float(max_value)
        self.axis = check_axis("axis", axis)

    def norm_axes(self, rank):
        """Returns the axes the norms are taken over for a weight of `rank`.

        Returns `None` when a weight of that rank is left unchanged.
        """
        if self.axis is not None:
            return self.axis
        if rank < 2:
            return None
        return tuple(range(rank - 1))

    def __call__(self, w):
        w = keras.ops.convert_to_tensor(w)
        axes = self.norm_axes(len(w.shape))
        if axes is None:
            return w
        norms = ops.sqrt(ops.sum(ops.square(w), axis=axes, keepdims=True))
        max_value = ops.cast(self.max_value, w.dtype)
        safe_norms = ops.maximum(norms, ops.cast(keras.config.epsilon(), w.dtype))
        scale = ops.where(
            norms > max_value,
            max_value / safe_norms,
            ops.ones_like(norms),
        )
        return w * scale

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"max_value": self.max_value, "axis": axis}
