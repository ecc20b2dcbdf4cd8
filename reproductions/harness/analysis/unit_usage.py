"""How many of a hidden layer's units a model really uses.

Article 003 sees, in its autoencoders' weight images, features "not being
used (all black)" and "almost all of the features" used: these are the
shares its ledger decides those words by.
"""

import numpy as np


def unit_usage(activations, weights, rare=0.01, dark=0.1):
    """Shares of a layer's units that are unused, each way.

    Args:
        activations: `(examples, units)` outputs of the layer on some data.
        weights: `(inputs, units)` incoming weights (one image per column).
        rare: a unit active (output > 0) on under this share of the
            examples is rarely active.
        dark: a unit whose positive weights peak under this share of the
            largest positive weight of all units is drawn (nearly) all
            black, its image shown on one colour scale with the others.

    Returns:
        `{"dead_fraction", "rarely_active_fraction", "dark_unit_fraction"}`:
        the shares of units never active, rarely active and drawn dark.
    """
    active = (np.asarray(activations) > 0).mean(axis=0)
    positive = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
    return {"dead_fraction": float(np.mean(active == 0)),
            "rarely_active_fraction": float(np.mean(active < rare)),
            "dark_unit_fraction": float(np.mean(positive.max(axis=0)
                                                < dark * positive.max()))}
