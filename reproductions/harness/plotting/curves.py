"""Several named curves against a common x axis, in one plot."""

import matplotlib.pyplot as plt


def plot_curves(curves, xlabel, ylabel, title, logy=False, figsize=(7, 4.2)):
    """Plots `{label: (x, y)}` as lines in one axes; returns the figure."""
    fig, ax = plt.subplots(figsize=figsize)
    for label, (x, y) in curves.items():
        ax.plot(x, y, label=label, linewidth=1.3)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
