"""Short variations of article 000's training, one panel per question:
how accuracy moves with the learning rate and with a hidden layer; how
rough each regularizer leaves a hidden layer's images; how well each arm
fits its training set."""

import matplotlib.pyplot as plt
import numpy as np


def _bars(ax, rows, columns, labels):
    positions = np.arange(len(rows))
    width = 0.8 / len(columns)
    for i, (column, label) in enumerate(zip(columns, labels)):
        ax.bar(positions + (i - (len(columns) - 1) / 2) * width, rows[column],
               width, yerr=rows[f"{column}_sd"].fillna(0), capsize=3, label=label)
    ax.set_xticks(positions, [f"{a}\n{v}" for a, v in zip(rows["arm"], rows["variant"])],
                  fontsize=7)
    ax.grid(True, alpha=0.3, axis="y")
    ax.legend(fontsize=7)


def plot_short_arms(frame, rates, depth, fit_arms, title):
    """Draws `frame` (`harness.analysis.weight_image_runs.arm_measures`).

    Args:
        frame: one row per arm and variant.
        rates: `{arm: learning rate}`, the sweep's arms (variant none).
        depth: `(arm, learning rate)` of the hidden-layer arms (their
            first layers; `l2_correlation` of weight_norm's written on).
        fit_arms: `[(arm, variant)]` whose training and test accuracy are
            compared.
        title: the figure's title.

    Returns the figure: test accuracy against learning rate, with the
    hidden-layer network's as a star; the hidden layer's roughness per
    variant; training and test accuracy of `fit_arms`.
    """
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    rows = frame[frame["arm"].isin(list(rates))]
    axes[0].errorbar([rates[a] for a in rows["arm"]], rows["test_accuracy"],
                     yerr=rows["test_accuracy_sd"].fillna(0), fmt="o-", capsize=4,
                     label="one layer")
    depth_arm, depth_rate = depth
    hidden = frame[frame["arm"] == depth_arm].set_index("variant")
    if "none" in hidden.index:
        axes[0].errorbar([depth_rate], [hidden.at["none", "test_accuracy"]],
                         yerr=[np.nan_to_num(hidden.at["none", "test_accuracy_sd"])],
                         fmt="*",
                         markersize=12, capsize=4, label="one hidden layer")
    axes[0].set_xscale("log")
    axes[0].set_xlabel("learning rate (none)")
    axes[0].set_ylabel("test accuracy")
    axes[0].grid(True, alpha=0.3)
    axes[0].legend(fontsize=7)
    axes[0].set_title("learning rate and depth", fontsize=9)
    _bars(axes[1], hidden.reset_index(), ["roughness", "roughness_ink"],
          ["all pixels", "ink pixels"])
    if "weight_norm" in hidden.index:
        axes[1].text(0.02, 0.02, "image correlation weight_norm-l2: "
                     f"{hidden.at['weight_norm', 'l2_correlation']:.3f}",
                     transform=axes[1].transAxes, fontsize=7)
    axes[1].set_ylabel("roughness of the first layer's images")
    axes[1].set_title("one hidden layer: first layer", fontsize=9)
    fit = frame[[key in fit_arms for key in zip(frame["arm"], frame["variant"])]]
    _bars(axes[2], fit, ["train_accuracy", "test_accuracy"], ["training", "test"])
    axes[2].set_ylim(max(0.0, np.nanmin([*fit["test_accuracy"], 1.0]) - 0.1), 1.0)
    axes[2].set_ylabel("accuracy")
    axes[2].set_title("fit: small data, Gaussian noise", fontsize=9)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig
