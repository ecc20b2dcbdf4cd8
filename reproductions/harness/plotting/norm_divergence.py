"""Networks trained at a too-high learning rate, step by step: the largest
per-unit weight norm and the loss of each."""

import matplotlib.pyplot as plt
import numpy as np


def plot_norm_divergence(runs, bound, title):
    """Plots each run's largest per-unit weight norm (left) and the loss of
    each step (right), both on log axes; returns the figure.

    Non-finite values are left out of the lines; the first step whose norm is
    inf or NaN is marked by a dotted vertical line in the run's colour.

    Args:
        runs: `{label: (color, run)}`, each run a dict of equally long
            `step`, `max_unit_norm` and `loss` sequences.
        bound: the norm bound c, drawn as a dashed line.
        title: the figure's title.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for label, (color, r) in runs.items():
        steps = np.asarray(r["step"])
        norms = np.asarray(r["max_unit_norm"], dtype=np.float64)
        finite = np.isfinite(norms)
        ax1.plot(steps[finite], norms[finite], color=color, label=label)
        losses = np.asarray(r["loss"], dtype=np.float64)
        ok = np.isfinite(losses)
        ax2.plot(steps[ok], losses[ok], color=color, label=label)
        if not finite.all():
            first = int(steps[~finite][0])
            ax1.axvline(first, color=color, ls=":", label=f"{label}: inf/NaN from step {first}")
    ax1.axhline(bound, color="k", ls="--", lw=0.8, label=f"c = {bound:g}")
    ax1.set_ylabel("largest per-unit weight norm")
    ax2.set_ylabel("training loss of the step")
    for ax in (ax1, ax2):
        ax.set_yscale("log")
        ax.set_xlabel("SGD step")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
