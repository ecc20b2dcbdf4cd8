"""Statistics of a model's weights: sparsity and per-unit norms."""

import keras
import numpy as np


def kernels(model):
    """The kernels of every layer of `model` that has one, as NumPy arrays.

    Returns:
        A dict `{variable path: array}` in layer order (biases excluded).
    """
    found = {}
    for layer in model._flatten_layers(include_self=False, recursive=True):
        kernel = getattr(layer, "kernel", None)
        if isinstance(kernel, keras.Variable):
            found[kernel.path] = keras.ops.convert_to_numpy(kernel)
    return found


def near_zero_fraction(weights, atol=1e-3):
    """The fraction of entries with `|w| <= atol` (NaN for no entries)."""
    weights = np.asarray(weights).ravel()
    if weights.size == 0:
        return float("nan")
    return float(np.mean(np.abs(weights) <= atol))


def unit_norms(kernel):
    """The L2 norm of each output unit's incoming weights.

    The last axis of a Keras kernel indexes the output units (`Dense`:
    `(inputs, units)`; `ConvND`: `(*window, in_channels, filters)`), so the
    norm is taken over all other axes, as max-norm constraints do.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim < 2:
        raise ValueError(
            "Invalid value received for argument `kernel`. Expected a kernel "
            f"of rank >= 2. Received: shape={kernel.shape}"
        )
    return np.sqrt(np.sum(kernel ** 2, axis=tuple(range(kernel.ndim - 1))))


def max_unit_norm(model):
    """The largest per-unit incoming-weight norm over all kernels of `model`.

    A kernel holding a non-finite value gives `inf` (or NaN), so a diverged
    network reads as such.
    """
    return float(max(unit_norms(k).max() for k in kernels(model).values()))


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
