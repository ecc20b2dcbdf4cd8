"""Histograms of weight values, one panel per variant, on shared axes."""

import matplotlib.pyplot as plt
import numpy as np


def plot_weight_histograms(weights, title, bins=40, value_range=None,
                           logy=False, cols=None, xlabel="weight value",
                           color="green"):
    """Draws `{label: weights}` as histograms with the same bins and axes.

    Every panel uses the same bin edges (over `value_range`, or over the
    range of all weights together) and the same x and y limits, so that the
    shapes compare at a glance. Each panel names its number of weights.

    Args:
        weights: dict of label to array-like (any shape, flattened).
        title: the figure's title.
        bins: number of bins.
        value_range: optional `(low, high)` of the bins; values outside are
            not counted (the panel says how many).
        logy: log-scaled counts (the zero bin of a sparse layer and the
            tails then show together).
        cols: panels per row (default: all in one row, at most 4).
        xlabel: the x axis label.
        color: the bars' colour.

    Returns:
        The `matplotlib.figure.Figure`.
    """
    flat = {k: np.asarray(v, dtype=np.float64).ravel() for k, v in weights.items()}
    if not flat:
        raise ValueError("Invalid value received for argument `weights`: "
                         "expected at least one array, received none.")
    finite = np.concatenate([v[np.isfinite(v)] for v in flat.values()])
    if value_range is None:
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1, 1)
        if low == high:
            low, high = low - 1, high + 1
        value_range = (low, high)
    edges = np.linspace(value_range[0], value_range[1], bins + 1)
    cols = cols or min(len(flat), 4)
    rows = -(-len(flat) // cols)
    fig, axes = plt.subplots(rows, cols, squeeze=False, sharex=True, sharey=True,
                             figsize=(3.3 * cols, 2.6 * rows + 0.8))
    for i, ax in enumerate(axes.flat):
        if i >= len(flat):
            ax.axis("off")
            continue
        label, values = list(flat.items())[i]
        inside = values[(values >= edges[0]) & (values <= edges[-1])]
        ax.hist(inside, bins=edges, color=color, alpha=0.8)
        outside = len(values) - len(inside)
        note = f"{len(values):,} weights" + (f", {outside:,} outside" if outside else "")
        ax.set_title(f"{label}\n({note})", fontsize=8)
        if logy:
            ax.set_yscale("log")
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.3)
        if i + cols >= len(flat):  # nothing drawn below: label the x axis
            ax.set_xlabel(xlabel, fontsize=8)
            ax.xaxis.set_tick_params(labelbottom=True)
        if i % cols == 0:
            ax.set_ylabel("count", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
