"""A row (or grid) of panels, one per item, drawn by a callback."""

import matplotlib.pyplot as plt


def plot_panels(keys, draw, titles, title, xlabel, ylabel, cols=None,
                panel_size=(3.2, 2.6), sharey=False):
    """Calls `draw(ax, key)` for each key in its own panel; returns the figure.

    The first panel's legend is shown; all panels share the x axis labels.
    """
    keys = list(keys)
    cols = cols or min(len(keys), 5)
    rows = -(-len(keys) // cols)
    fig, axes = plt.subplots(rows, cols, squeeze=False, sharey=sharey,
                             figsize=(panel_size[0] * cols, panel_size[1] * rows + 0.8))
    for i, ax in enumerate(axes.flat):
        if i >= len(keys):
            ax.axis("off")
            continue
        draw(ax, keys[i])
        ax.set_title(titles[i], fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        if i % cols == 0:
            ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.3)
    axes.flat[0].legend(fontsize=6)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
