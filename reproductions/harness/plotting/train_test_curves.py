"""Training and test accuracy against epoch for a few arms, one colour
each: training dashed, test solid."""

import matplotlib.pyplot as plt


def plot_train_test_curves(arms, title, markers=False):
    """Draws `{label: (colour, curves)}`, `curves` a dict with `epoch`,
    `train` and `test` lists (as `AccuracyHistory.history` gives them);
    returns the figure.

    Args:
        arms: the arms, drawn in order, each labelled `<label>: train` and
            `<label>: test`.
        title: the axes' title.
        markers: mark each recorded point (for curves recorded every few
            epochs).
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    train_marker, test_marker = (".", "o") if markers else (None, None)
    for label, (color, curves) in arms.items():
        ax.plot(curves["epoch"], curves["train"], color=color, ls="--",
                marker=train_marker, label=f"{label}: train")
        ax.plot(curves["epoch"], curves["test"], color=color, marker=test_marker,
                label=f"{label}: test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (inference mode)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
