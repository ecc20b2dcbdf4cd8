"""One point per variant: the mean test accuracy over seeds with its sd as
an error bar (every seed drawn beside it), the mean training accuracy as a
tick above it. Points, not bars: the axis need not start at 0."""

import matplotlib.pyplot as plt
import numpy as np

from harness.analysis.over_seeds import seed_statistics
from harness.plotting.title_lines import wrapped


def plot_seed_bars(runs, colors, title):
    """Draws `runs` (one row per variant and seed: `variant`, `kind`,
    `train_accuracy`, `test_accuracy`), each variant coloured by its kind
    (`colors`: `{kind: colour}`), in the order the variants first appear.
    Returns the figure."""
    stats = seed_statistics(runs, "variant", ["train_accuracy", "test_accuracy"])
    kinds = runs.drop_duplicates("variant").set_index("variant")["kind"]
    fig, ax = plt.subplots(figsize=(max(7, 0.8 * len(stats) + 2), 4.4))
    positions = np.arange(len(stats))
    for position, row in zip(positions, stats.itertuples()):
        color = colors[kinds[row.variant]]
        ax.errorbar(position, row.test_accuracy, yerr=np.nan_to_num(row.test_accuracy_sd),
                    fmt="o", color=color, capsize=4, markersize=7)
        seeds = runs.loc[runs["variant"] == row.variant, "test_accuracy"]
        ax.plot([position + 0.15] * len(seeds), seeds, ".", color=color, alpha=0.6)
    ax.plot([], [], "ko", label="test accuracy, mean ± sd")
    ax.plot([], [], "k.", alpha=0.6, label="each seed")
    ax.set_xticks(positions, [v.replace(" ", "\n") for v in stats["variant"]])
    ax.set_ylabel("test accuracy (inference mode)")
    twin = ax.twinx()
    twin.plot(positions, stats["train_accuracy"], "k_", markersize=16,
              label="training accuracy (right axis)")
    twin.set_ylabel("training accuracy")
    ax.set_title(wrapped(title, 80), fontsize=9)
    ax.grid(True, alpha=0.3, axis="y")
    handles = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], fontsize=8,
              loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    fig.tight_layout()
    return fig
