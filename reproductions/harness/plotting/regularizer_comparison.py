"""Every regularizer against none on the same seeds: test accuracy and
train-test gap, mean ± sd."""

import matplotlib.pyplot as plt
import numpy as np


def plot_regularizer_comparison(table, labels, title):
    """Two panels of points with error bars (mean ± sd over seeds), one per
    variant: the test accuracy and the train-test gap; the first variant
    (no regularization) as a band across each panel.

    Args:
        table: one row per variant: `variant`, `test_accuracy`,
            `train_test_gap` and their `_sd`, and `seeds`.
        labels: `{variant: tick label}`.
        title: the figure's title.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    positions = np.arange(len(table))
    seeds = int(table["seeds"].min()) if "seeds" in table else 1
    for ax, column in zip(axes, ("test_accuracy", "train_test_gap")):
        mean, sd = table[column].iloc[0], np.nan_to_num(table[f"{column}_sd"].iloc[0])
        ax.axhspan(mean - sd, mean + sd, color="0.85")
        ax.axhline(mean, color="k", lw=0.8)
        ax.errorbar(positions, table[column], yerr=np.nan_to_num(table[f"{column}_sd"]),
                    fmt="o", capsize=4, color="tab:blue")
        ax.set_xticks(positions, [labels.get(v, v) for v in table["variant"]],
                      rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(column.replace("_", " "))
        ax.set_title(f"{column.replace('_', ' ')} (mean ± sd over {seeds} seeds; "
                     "band: none)", fontsize=9)
        ax.grid(True, alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
