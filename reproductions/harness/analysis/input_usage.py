"""How a first layer spreads its weights over its inputs: the weight mass
each input carries, how concentrated that mass is, how many inputs are used,
and the weight a set of inputs gets against another."""

import numpy as np


def input_mass(kernel):
    """Each input's outgoing weight mass: the sum of |w| over the units of a
    `(inputs, units)` kernel."""
    return np.abs(np.asarray(kernel, np.float64)).sum(axis=1)


def top_share(kernel, fraction=0.1):
    """The share of the total weight mass held by the `fraction` of inputs
    that carry the most (at least one input): 0.1 for mass spread evenly,
    near 1 for a few inputs carrying it all."""
    mass = np.sort(input_mass(kernel))[::-1]
    if mass.sum() == 0:
        return float("nan")
    return float(mass[:max(1, int(round(fraction * len(mass))))].sum() / mass.sum())


def used_fraction(kernel, atol=1e-3):
    """The share of inputs with some outgoing weight above `atol` in size."""
    return float(np.mean(np.abs(np.asarray(kernel)).max(axis=1) > atol))


def mean_weight_ratio(kernel, rows, other_rows):
    """Mean |w| of the inputs `rows` over that of the inputs `other_rows`
    (boolean masks or indices of the kernel's rows)."""
    kernel = np.abs(np.asarray(kernel, np.float64))
    return float(kernel[rows].mean() / kernel[other_rows].mean())
