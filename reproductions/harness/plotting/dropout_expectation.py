"""Dropout's expected training output against its inference output, for
several kinds of dropout (`harness.analysis.dropout_expectation`)."""

import matplotlib.pyplot as plt
import numpy as np


def plot_dropout_expectation(checks, gaps, noise, samples, keep, title):
    """One panel per kind: the Monte Carlo mean of the training outputs of
    one dropout layer against its inference output, beside the line of
    equality; then a bar chart of the relative RMS gaps, at one layer and
    through the whole network, against the Monte Carlo noise expected.
    Returns the figure.

    Args:
        checks: `{kind: dropout_expectation(...)}` of one dropout layer.
        gaps: `{kind: (layer_rms_gap, network_rms_gap)}`.
        noise: the relative RMS gap that Monte Carlo noise alone gives.
        samples: the number of masks averaged.
        keep: the keep probability p.
        title: the figure's title.
    """
    fig, axes = plt.subplots(1, len(checks) + 1, figsize=(4 * (len(checks) + 1), 4))
    for ax, (kind, check) in zip(axes, checks.items()):
        ax.plot(check["inference"].ravel(), check["train_mean"].ravel(), ".",
                ms=2, alpha=0.4, color="tab:blue")
        top = float(max(check["inference"].max(), check["train_mean"].max()))
        ax.plot([0, top], [0, top], "k--", lw=0.8, label="equal")
        ax.set_xlabel("inference output")
        ax.set_ylabel(f"mean of {samples:,} training outputs")
        ax.set_title(f"{kind} dropout layer, p={keep:g}\nrelative RMS gap "
                     f"{check['rms_gap']:.4f}", fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    kinds, bars = list(gaps), axes[-1]
    width = 0.35
    positions = np.arange(len(kinds))
    bars.bar(positions - width / 2, [gaps[k][0] for k in kinds], width,
             label="one dropout layer")
    bars.bar(positions + width / 2, [gaps[k][1] for k in kinds], width,
             label="whole network (softmax)")
    bars.axhline(noise, color="k", ls="--", lw=0.8, label="Monte Carlo noise expected")
    bars.set_xticks(positions, kinds)
    bars.set_ylabel("relative RMS gap, mean vs inference")
    bars.set_title("expectation gaps", fontsize=9)
    bars.grid(True, alpha=0.3, axis="y")
    # Below the bars, not over them.
    bars.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
