"""Several named curves against a common x axis, in one plot."""

import matplotlib.pyplot as plt
import numpy as np


def plot_curves(curves, xlabel, ylabel, title, logy=False, figsize=(7, 4.2)):
    """Plots `{label: (x, y)}` as lines in one axes; returns the figure.

    `y` may be one curve (shape `(points,)`) or several runs of the same
    curve (shape `(runs, points)`, e.g. one per seed): the line is then their
    mean and a shaded band spans their mean plus or minus one standard
    deviation, and the legend says how many runs.
    """
    fig, ax = plt.subplots(figsize=figsize)
    for label, (x, y) in curves.items():
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and len(y) > 1:
            mean, std = y.mean(axis=0), y.std(axis=0, ddof=1)
            line, = ax.plot(x, mean, label=f"{label} (mean of {len(y)}, ±1 sd)",
                            linewidth=1.3)
            ax.fill_between(x, mean - std, mean + std, color=line.get_color(),
                            alpha=0.25, linewidth=0)
        else:
            ax.plot(x, y.reshape(-1), label=label, linewidth=1.3)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
