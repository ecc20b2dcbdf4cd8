"""How a learned 1-D function compares with the true one it was fitted to.

Article 003 judges its fitted curves by eye ("zigs and zags", "extreme
fluctuations", "within the noise"): these are the measures its ledger
decides those words by.
"""

import numpy as np


def total_variation_ratio(curve, reference):
    """The total variation (sum of |rise| and |fall| between neighbouring
    points) of `curve` over that of `reference`, both sampled on the same
    grid: 1 for as many ups and downs as the reference, above 1 for zigs
    and zags of its own, below 1 for a flatter curve."""
    def variation(values):
        return np.abs(np.diff(np.asarray(values, dtype=np.float64))).sum()

    return float(variation(curve) / variation(reference))


def rms_distance(predictions, truth):
    """Root mean square distance of `predictions` from `truth`: how far a
    learned function strays from the noise-free target, to set beside the
    noise sd of the targets."""
    predictions = np.asarray(predictions, dtype=np.float64).reshape(-1)
    truth = np.asarray(truth, dtype=np.float64).reshape(-1)
    return float(np.sqrt(np.mean((predictions - truth) ** 2)))


def step_share(curve, steepest=0.1):
    """The share of a curve's total variation made in its `steepest` share
    of grid intervals: how step-like it is. A step function makes all of
    its rise in one interval (1); a straight line spreads it evenly
    (`steepest`); a smooth wave lies between, near its steepest slopes."""
    changes = np.sort(np.abs(np.diff(np.asarray(curve, dtype=np.float64))))[::-1]
    total = changes.sum()
    if total == 0:
        return float("nan")
    return float(changes[:max(1, round(steepest * len(changes)))].sum() / total)
