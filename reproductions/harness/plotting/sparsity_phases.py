"""Dense-sparse-dense beside plain training: test accuracy and sparsity per
epoch, the sparse phase shaded; over seeds, the mean and the seeds' range."""

import matplotlib.pyplot as plt

from harness.plotting.seed_band import draw_seed_band
from harness.plotting.title_lines import wrapped


def plot_sparsity_phases(arms, sparse_epochs, title):
    """Two panels, test accuracy and the fraction of kernel weights exactly
    0, for each arm `{label: (colour, epochs, [test_accuracy per seed],
    [sparsity per seed])}` (mean line, the seeds' range as a band);
    `sparse_epochs` `(first, last)` (1-based, inclusive) shaded in both.
    Returns the figure."""
    first, last = sparse_epochs
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    for label, (color, epochs, test, sparsity) in arms.items():
        draw_seed_band(ax1, epochs, test, color, label, marker="o")
        draw_seed_band(ax2, epochs, sparsity, color, label, marker="o")
    for ax, corner in ((ax1, "lower right"), (ax2, "upper right")):  # off the curves
        ax.axvspan(first - 0.5, last + 0.5, color="tab:purple", alpha=0.08,
                   label="sparse phase")
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc=corner)
    highest = max(max(max(seed) for seed in sparsity) for *_, sparsity in arms.values())
    ax2.set_ylim(-0.02, 1.6 * max(highest, 0.05))  # room above the curves for the legend
    ax1.set_ylabel("test accuracy")
    ax2.set_ylabel("fraction of kernel weights exactly 0")
    fig.suptitle(wrapped(title, 130), fontsize=9)
    fig.tight_layout()
    return fig
