"""Accuracies over a grid of regularization strengths, the one chosen on
validation data marked."""

import matplotlib.pyplot as plt
import numpy as np


def plot_strength_grid(grid, chosen_with, xlabel, title):
    """Validation and test accuracy per strength (mean ± sd over seeds as
    error bars where the grid has several seeds, points otherwise), the
    chosen strength as a dotted line and `chosen_with`, the test accuracy
    of the chosen strength combined with another method, as a star (with
    its sd as an error bar, where one is given).

    Args:
        grid: a DataFrame with one row per strength: `lambda`,
            `validation_accuracy`, `test_accuracy` (and their `_sd`),
            `seeds` and `chosen` (true on one row).
        chosen_with: `(label, test accuracy)` or `(label, test accuracy,
            sd)` of the chosen strength with another method, drawn as a star.
        xlabel: what the strengths are.
        title: the figure's title.
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    positions = np.arange(len(grid))
    several = "seeds" in grid and grid["seeds"].min() > 1
    over = f" (mean ± sd over {int(grid['seeds'].min())} seeds)" if several else ""
    for column, style in (("validation_accuracy", "o-"), ("test_accuracy", "s--")):
        name = column.replace("_", " ") + over
        if several:
            ax.errorbar(positions, grid[column], yerr=grid[f"{column}_sd"],
                        fmt=style, capsize=3, label=name)
        else:
            ax.plot(positions, grid[column], style, label=name)
    chosen = int(np.flatnonzero(grid["chosen"])[0])
    ax.axvline(chosen, color="k", ls=":",
               label=f"chosen lambda = {grid['lambda'].iloc[chosen]:g}")
    star = ax.plot([chosen], [chosen_with[1]], "k*", markersize=11, label=chosen_with[0])
    if len(chosen_with) > 2 and chosen_with[2] == chosen_with[2]:  # an sd, not NaN
        ax.errorbar([chosen], [chosen_with[1]], yerr=[chosen_with[2]], fmt="none",
                    ecolor=star[0].get_color(), capsize=4)
    ax.set_xticks(positions, [f"{v:g}" for v in grid["lambda"]])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy")
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
