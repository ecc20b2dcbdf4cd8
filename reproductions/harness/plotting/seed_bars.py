"""One bar per variant: the mean test accuracy over seeds with its sd, the
mean training accuracy as a tick above it."""

import matplotlib.pyplot as plt
import numpy as np

from harness.analysis.over_seeds import seed_statistics


def plot_seed_bars(runs, colors, title):
    """Draws `runs` (one row per variant and seed: `variant`, `kind`,
    `train_accuracy`, `test_accuracy`), each variant's bar coloured by its
    kind (`colors`: `{kind: colour}`), in the order the variants first
    appear. Returns the figure."""
    stats = seed_statistics(runs, "variant", ["train_accuracy", "test_accuracy"])
    kinds = runs.drop_duplicates("variant").set_index("variant")["kind"]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    positions = np.arange(len(stats))
    ax.bar(positions, stats["test_accuracy"], yerr=stats["test_accuracy_sd"],
           capsize=4, color=[colors[kinds[v]] for v in stats["variant"]],
           label="test accuracy")
    ax.plot(positions, stats["train_accuracy"], "k_", markersize=18,
            label="training accuracy")
    low = min(stats["test_accuracy"].min(), stats["train_accuracy"].min())
    ax.set_ylim(max(0.0, low - 0.05), 1.01)
    ax.set_xticks(positions, [v.replace(" ", "\n") for v in stats["variant"]])
    ax.set_ylabel("accuracy (inference mode)")
    ax.set_title(title, fontsize=9)
    ax.grid(True, alpha=0.3, axis="y")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    return fig
