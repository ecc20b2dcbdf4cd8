"""How many units of a layer the next layer's output really draws on.

"Dropout spreads learning over the whole network instead of one or two
units" (article 004): for a single output fed by a hidden layer, unit j's
importance is how much it moves the output over the inputs, |w_j| times the
std of its activation. The effective number of units is the participation
ratio of these importances, (sum)^2 / sum of squares: 1 when one unit
carries everything, the layer's width when all carry the same.
"""

import numpy as np


def unit_importance(activations, weights):
    """`{"effective_units", "top2_share"}` of a layer feeding one output.

    Args:
        activations: `(examples, units)` outputs of the hidden layer.
        weights: `(units,)` or `(units, 1)` weights of the output unit.

    Returns:
        the participation ratio of the importances `|w_j| * std(h_j)` and
        the share of their sum that the two largest hold (NaN when every
        importance is 0).
    """
    importance = (np.abs(np.asarray(weights, np.float64).reshape(-1))
                  * np.asarray(activations, np.float64).std(axis=0))
    total = importance.sum()
    if total == 0:
        return {"effective_units": np.nan, "top2_share": np.nan}
    return {"effective_units": float(total ** 2 / np.sum(importance ** 2)),
            "top2_share": float(np.sort(importance)[-2:].sum() / total)}
