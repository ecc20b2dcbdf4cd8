"""The weight-normalization formulas, once for every weight-normalized layer.

`WeightNormDense` and `WeightNormalization` both reparameterize a kernel as
`w = g * v / ||v||` and support the data-dependent initialization of
Salimans & Kingma (2016).
"""

from keras import ops

# The norm and the data-init statistics are computed in at least float32, so
# that a float16 kernel (read under `mixed_float16`) neither overflows nor
# underflows in the sum of squares.
_LOW_PRECISION = ("float16", "bfloat16")


def _at_least_float32(x):
    x = ops.convert_to_tensor(x)
    if ops.dtype(x) in _LOW_PRECISION:
        return ops.cast(x, "float32")
    return x


def weight_norm(kernel, scale=None, axis=None, epsilon=1e-12):
    """Returns the weight-normalized kernel `w = scale * kernel / ||kernel||`.

    The L2 norm is taken over `axis` (kept for broadcasting); a squared norm
    below `epsilon` is replaced by `epsilon` (as `tf.math.l2_normalize` does),
    so an all-zero kernel gives zeros instead of NaNs.

    Args:
        kernel: The direction tensor `v`.
        scale: Optional scale `g`: one value per output unit, in any shape
            with that many entries in the order of the unit axes (for a
            depthwise kernel `(*window, in, multiplier)`, shape
            `(in, multiplier)` or `(in * multiplier,)`); a scalar for a norm
            over the whole kernel. `None` means `g = 1`.
        axis: Axis or tuple of axes the norm reduces. `None` reduces all axes
            (the Frobenius norm of the whole kernel). For a per-output-unit
            norm, pass all axes but the unit axes.
        epsilon: Lower bound on the squared norm.

    Returns:
        The normalized kernel, with the shape of `kernel`, computed in at least
        float32 and cast back to the dtype of `kernel`.
    """
    kernel = ops.convert_to_tensor(kernel)
    dtype = ops.dtype(kernel)
    v = _at_least_float32(kernel)
    squared_norm = ops.sum(ops.square(v), axis=axis, keepdims=True)
    w = ops.multiply(v, ops.rsqrt(ops.maximum(squared_norm, epsilon)))
    if scale is not None:
        scale = ops.cast(scale, ops.dtype(w))
        if axis is not None:
            scale = ops.reshape(scale, squared_norm.shape)
        w = ops.multiply(w, scale)
    return ops.cast(w, dtype)


_VARIANCE_FLOOR = 1e-10


def data_init_values(preactivations, axis, epsilon=1e-12):
    """Scale and bias that standardize `preactivations` per output unit.

    With `t` the pre-activations computed with the unit-norm kernel `v/||v||`
    (no scale, no bias), mean `mu` and standard deviation `sigma` over `axis`,
    returns `g = 1 / (max(sigma, 1e-5) + epsilon)` and `b = -mu * g`, so that
    `g * t + b`
    has mean 0 and variance 1 per unit (Salimans & Kingma, 2016, section 3).

    Args:
        preactivations: Tensor `t`.
        axis: Axes to reduce (all but the output-unit axis).
        epsilon: Added to `sigma` to avoid a division by zero.

    Returns:
        A tuple `(g, b)` of float32 (or wider) tensors, one value per unit.
    """
    t = _at_least_float32(preactivations)
    mean = ops.mean(t, axis=axis)
    # The variance floor (as TF Addons' 1e-10) keeps g finite and moderate for
    # a unit whose init-batch pre-activations are constant (a dead input).
    variance = ops.maximum(ops.var(t, axis=axis), _VARIANCE_FLOOR)
    scale = ops.divide(1.0, ops.add(ops.sqrt(variance), epsilon))
    return scale, ops.negative(ops.multiply(mean, scale))


def data_dependent_init(
    initialized,
    scale,
    scale_offset,
    bias,
    bias_offset,
    unit_preactivations,
    axis,
    epsilon=1e-12,
):
    """Runs the data-dependent initialization once; returns the offsets.

    Keras' JAX trainer keeps only the updates of *non-trainable* variables
    made inside `call`, so the initialization cannot overwrite the trainable
    `g` and `bias`. Instead it sets the non-trainable offsets so that
    `g + scale_offset` and `bias + bias_offset` equal the data-dependent
    values. Adding a constant leaves the gradients unchanged, so training is
    the same as if `g` and `bias` had been overwritten, on every backend.

    Without a bias (`bias=None`) only the scale is set: the pre-activations
    get variance 1 per unit and keep their mean.

    Works inside a compiled train step: the branch is chosen with
    `keras.ops.cond` on the boolean variable `initialized`, which is then set.

    Args:
        initialized: Non-trainable boolean scalar variable.
        scale: Trainable variable `g`.
        scale_offset: Non-trainable variable, same shape as `g`.
        bias: Trainable bias variable, or `None`.
        bias_offset: Non-trainable variable, same shape as `bias` (`None`
            without a bias).
        unit_preactivations: Callable returning the pre-activations of the
            current batch with the unit-norm kernel (no scale, no bias).
            Only evaluated while `initialized` is false.
        axis: Axes of the pre-activations to reduce (all but the unit axis).
        epsilon: See `data_init_values`.

    Returns:
        A tuple `(scale_offset, bias_offset)` of tensors, the values to use
        in this call (freshly computed on the initialization batch);
        `bias_offset` is `None` without a bias.
    """
    variables = [(scale_offset, scale)]
    if bias is not None:
        variables.append((bias_offset, bias))

    def keep():
        return tuple(ops.convert_to_tensor(offset.value)
                     for offset, _ in variables)

    def initialize():
        values = data_init_values(unit_preactivations(), axis=axis,
                                  epsilon=epsilon)
        offsets = []
        for (offset, variable), value in zip(variables, values):
            # One value per output channel; `g` may hold them in another
            # shape (a depthwise kernel's `(in_channels, multiplier)`).
            value = ops.reshape(value, offset.shape)
            offsets.append(ops.stop_gradient(ops.subtract(
                ops.cast(value, offset.dtype),
                ops.cast(variable.value, offset.dtype))))
        return tuple(offsets)

    new_offsets = ops.cond(initialized.value, keep, initialize)
    for (offset, _), value in zip(variables, new_offsets):
        offset.assign(value)
    initialized.assign(True)
    new_scale_offset = new_offsets[0]
    new_bias_offset = new_offsets[1] if bias is not None else None
    return new_scale_offset, new_bias_offset
