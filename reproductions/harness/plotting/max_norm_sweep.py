"""Max norm swept over its bound c: where the bound binds, and what it does
to the accuracy."""

import matplotlib.pyplot as plt
import numpy as np


def plot_max_norm_sweep(table, free_norm, free_accuracy, title):
    """Left: the largest unit norm of the constrained network per c (mean
    over seeds) beside the line norm = c and the unconstrained network's
    largest norm, each point labelled with the share of units at the bound.
    Right: test accuracy (mean ± sd over seeds) per c against the
    unconstrained network's.

    Args:
        table: one row per c: `c`, `max_unit_norm`, `bound_fraction`,
            `test_accuracy`, `test_accuracy_sd`.
        free_norm: the unconstrained network's largest unit norm (`None`:
            not run, not drawn).
        free_accuracy: `(mean, sd)` of its test accuracy (`None`: not drawn).
        title: the figure's title.
    """
    table = table.sort_values("c")
    fig, (norms, accuracy) = plt.subplots(1, 2, figsize=(10, 4.2))
    c = table["c"].to_numpy(float)
    norms.plot(c, c, "k--", lw=0.8, label="norm = c (the bound)")
    if free_norm is not None:
        norms.axhline(free_norm, color="tab:red", lw=1,
                      label=f"no constraint: {free_norm:.3g}")
    norms.plot(c, table["max_unit_norm"], "o-", color="tab:blue",
               label="largest unit norm under max norm")
    for x, y, share in zip(c, table["max_unit_norm"], table["bound_fraction"]):
        norms.annotate(f"{share:.0%} at c", (x, y), textcoords="offset points",
                       xytext=(4, -12), fontsize=7)
    norms.set_xlabel("c")
    norms.set_ylabel("largest incoming-weight norm of a unit")
    norms.set_title("where the bound binds (below the red line)", fontsize=9)
    norms.legend(fontsize=7, loc="upper left")
    if free_accuracy is not None:
        mean, sd = free_accuracy
        accuracy.axhspan(mean - np.nan_to_num(sd), mean + np.nan_to_num(sd),
                         color="0.8", alpha=0.6)
        accuracy.axhline(mean, color="tab:red", lw=1, label=f"no constraint: {mean:.4f}")
    accuracy.errorbar(c, table["test_accuracy"], yerr=table["test_accuracy_sd"],
                      fmt="o-", capsize=3, color="tab:blue", label="max norm")
    accuracy.set_xlabel("c")
    accuracy.set_ylabel("test accuracy (mean ± sd over seeds)")
    accuracy.set_title("test accuracy", fontsize=9)
    accuracy.legend(fontsize=7, loc="lower right")
    for ax in (norms, accuracy):
        ax.set_xscale("log", base=2)
        ax.set_xticks(c, [f"{v:g}" for v in c])
        ax.grid(True, alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
