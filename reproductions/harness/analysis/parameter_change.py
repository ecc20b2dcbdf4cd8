"""How training changed a model's parameters: every weight and bias pooled
into one flat array (`all_parameters`), before and after (the values a
kernel density plot of "all parameters" draws)."""

import keras
import numpy as np
from scipy.stats import ks_2samp


def all_parameters(model):
    """Every trainable weight of `model`, flattened and concatenated in the
    order of `model.trainable_weights`."""
    return np.concatenate([keras.ops.convert_to_numpy(w).reshape(-1)
                           for w in model.trainable_weights])


def kernel_mask(model):
    """Which entries of `all_parameters` are kernel weights (not biases)."""
    return np.concatenate([np.full(int(np.prod(w.shape)), w.name == "kernel")
                           for w in model.trainable_weights])


def interquartile_range(values):
    """The 75th minus the 25th percentile: the width of the bulk of the
    values, which a few large ones do not move."""
    return float(np.subtract(*np.percentile(values, [75, 25])))


def parameter_change(before, after, moved, kernels=None):
    """What training did to the parameters.

    Args:
        before, after: the flat parameters before and after training, in
            the same order.
        moved: a change (and a distance from 0) smaller than this counts as
            none.
        kernels: optional boolean mask of the entries that are kernel
            weights (not biases); the `kernel_*` numbers are NaN without it.

    Returns:
        A dict: `param_abs_max_before` (the initial half-width),
        `param_ks_to_init` (the Kolmogorov-Smirnov distance of the
        distribution after training to the one before), the fractions of the
        parameters that moved by more than `moved` (`param_fraction_moved`),
        lie beyond the largest initial |value| (`param_fraction_outside_init`)
        or within `moved` of 0 (`param_fraction_near_zero`), and the std and
        interquartile range of the kernel weights after training.
    """
    before, after = np.asarray(before), np.asarray(after)
    kernels = np.zeros(0, bool) if kernels is None else np.asarray(kernels, bool)
    width = np.abs(before).max()
    return {
        "param_abs_max_before": float(width),
        "param_ks_to_init": float(ks_2samp(before, after).statistic),
        "param_fraction_moved": float(np.mean(np.abs(after - before) > moved)),
        "param_fraction_outside_init": float(np.mean(np.abs(after) > width)),
        "param_fraction_near_zero": float(np.mean(np.abs(after) < moved)),
        "kernel_std_after": float(after[kernels].std()) if kernels.any() else np.nan,
        "kernel_iqr_after": (interquartile_range(after[kernels]) if kernels.any()
                             else np.nan),
    }
