"""Statistics of a model's weights: sparsity and per-unit norms."""

import keras
import numpy as np

from kreg.kernels import INPUT_ROLES, model_kernels


def kernels(model):
    """The input kernels of `model` (`kreg.kernels.model_kernels`), as NumPy
    arrays.

    Returns:
        A dict `{variable path: array}` in layer order (biases excluded).
    """
    return {k.path: keras.ops.convert_to_numpy(k.variable)
            for k in model_kernels(model, roles=INPUT_ROLES)}


def near_zero_fraction(weights, atol=1e-3):
    """The fraction of entries with `|w| <= atol` (NaN for no entries)."""
    weights = np.asarray(weights).ravel()
    if weights.size == 0:
        return float("nan")
    return float(np.mean(np.abs(weights) <= atol))


def unit_norms(kernel, norm_axes=None):
    """The L2 norm of each output unit's incoming weights.

    Args:
        kernel: an array of rank >= 2.
        norm_axes: the axes the norm reduces (`kreg.kernels.Kernel.norm_axes`);
            `None`: all but the last, where `Dense` and `ConvND` kernels keep
            their output units.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim < 2:
        raise ValueError(
            "Invalid value received for argument `kernel`. Expected a kernel "
            f"of rank >= 2. Received: shape={kernel.shape}"
        )
    if norm_axes is None:
        norm_axes = tuple(range(kernel.ndim - 1))
    return np.sqrt(np.sum(kernel ** 2, axis=norm_axes))


def max_unit_norm(model):
    """The largest per-unit incoming-weight norm over all kernels of `model`,
    each on its true output axes (`kreg.kernels`).

    A kernel holding a non-finite value gives `inf` (or NaN), so a diverged
    network reads as such.
    """
    return float(max(
        unit_norms(keras.ops.convert_to_numpy(k.variable), k.norm_axes).max()
        for k in model_kernels(model, roles=INPUT_ROLES)))


def weight_summary(model, atol=1e-3):
    """A few numbers describing all kernels of `model` pooled together.

    Returns:
        A dict with `near_zero_fraction` (`|w| <= atol`), `mean_abs`,
        `std`, `max_abs` and `max_unit_norm`.
    """
    values = np.concatenate([k.ravel() for k in kernels(model).values()])
    return {
        "near_zero_fraction": near_zero_fraction(values, atol),
        "mean_abs": float(np.mean(np.abs(values))),
        "std": float(np.std(values)),
        "max_abs": float(np.max(np.abs(values))),
        "max_unit_norm": max_unit_norm(model),
    }
