"""How much a training curve jitters from one evaluation to the next.

Article 003 reads the "perturbations" of its error curves off log-scale
plots: how far the error jumps from one epoch to the next. These are the
measures its ledger decides those words by.
"""

import math

import numpy as np


def fluctuation(errors, first, last):
    """Mean absolute change of log10(error) from one epoch to the next over
    the epochs `[first, last)` (0-based indices into `errors`).

    0 for a smooth curve; 0.1 for one that moves by a factor of 10^0.1
    (about 26 %) each epoch. NaN where the window holds fewer than two
    points: nothing to measure.
    """
    window = np.asarray(errors[first:last], dtype=np.float64)
    if len(window) < 2:
        return math.nan
    return float(np.mean(np.abs(np.diff(np.log10(window)))))


def first_epoch_at_most(errors, target):
    """The first epoch (1-based) whose error is at most `target`; one past
    the last epoch where none is (the run did not get there: a mean over
    runs is then a lower bound)."""
    below = np.flatnonzero(np.asarray(errors, dtype=np.float64) <= target)
    return int(below[0]) + 1 if len(below) else len(errors) + 1
