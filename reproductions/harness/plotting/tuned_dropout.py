"""Dropout tuned on validation data: accuracy per keep probability and
learning rate, against the same training without dropout."""

import matplotlib.pyplot as plt
import numpy as np

STYLES = {"lr": ("tab:blue", "o"), "lr*p": ("tab:green", "s")}


def plot_dropout_tuning(table, title, baseline_keep=1.0):
    """Two panels, mean ± sd over seeds: the validation and test accuracy
    at the best validation check, and the test accuracy after the fixed
    steps (open markers), per keep probability `keep`, one line per
    learning-rate `rate`; the arm without dropout (`keep` =
    `baseline_keep`) as a band; the chosen arm ringed.

    Args:
        table: one row per arm: `keep`, `rate`, `validation_accuracy`,
            `test_accuracy`, `test_accuracy_at_steps` (each with `_sd`,
            NaN for one seed), `chosen`.
        title: the figure's title.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    base = table[table["keep"] == baseline_keep]
    arms = table[table["keep"] != baseline_keep]
    for ax, column in zip(axes, ("validation_accuracy", "test_accuracy")):
        if len(base):
            mean, sd = base[column].iloc[0], np.nan_to_num(base[f"{column}_sd"].iloc[0])
            ax.axhspan(mean - sd, mean + sd, color="0.8", alpha=0.6)
            ax.axhline(mean, color="k", lw=1, label=f"no dropout, early-stopped: {mean:.4f}")
        for rate, rows in arms.groupby("rate", sort=False):
            color, marker = STYLES.get(rate, ("tab:gray", "^"))
            ax.errorbar(rows["keep"], rows[column], yerr=rows[f"{column}_sd"],
                        color=color, marker=marker, capsize=3,
                        label=f"inverted dropout at {rate}, early-stopped")
            if column == "test_accuracy":
                ax.errorbar(rows["keep"], rows["test_accuracy_at_steps"],
                            yerr=rows["test_accuracy_at_steps_sd"], color=color,
                            marker=marker, mfc="white", ls=":", capsize=3,
                            label=f"at {rate}, after the fixed steps")
        pick = arms[arms["chosen"].astype(bool)]
        ax.plot(pick["keep"], pick[column], "o", ms=14, mfc="none", mec="red", mew=1.5,
                label="chosen on validation")
        ax.set_xticks(sorted(arms["keep"].unique()))
        ax.set_xlabel("keep probability p")
        ax.set_title(column.replace("_", " ") + " (mean ± sd over seeds)", fontsize=9)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("accuracy")
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
