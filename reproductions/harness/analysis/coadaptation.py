"""How much a layer's units co-adapt: how alike their activations move.

Article 003 guesses that dropout on the embedding "stops co-adaptation".
Co-adapted units respond together; DeCov (Cogswell et al., 2016) measures
that by the covariance of a layer's activations over a batch. This is its
scale-free form, the one the ledger decides the guess by.
"""

import numpy as np


def mean_abs_correlation(activations):
    """Mean absolute Pearson correlation over every pair of units.

    Args:
        activations: `(examples, units)` outputs of a layer.

    Returns:
        The mean of `|corr(unit_i, unit_j)|` over the pairs `i < j` of units
        that vary over the examples (a unit that never changes has no
        correlation); NaN with fewer than two such units. 0: independent
        units; 1: units that all move together.
    """
    activations = np.asarray(activations, dtype=np.float64)
    varying = activations[:, activations.std(axis=0) > 0]
    if varying.shape[1] < 2:
        return float("nan")
    corr = np.corrcoef(varying, rowvar=False)
    upper = np.triu_indices_from(corr, k=1)
    return float(np.abs(corr[upper]).mean())
