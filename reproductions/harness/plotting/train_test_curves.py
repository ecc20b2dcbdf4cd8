"""Training and test accuracy against epoch for a few arms, one colour
each: training dashed, test solid; over seeds, the mean and the seeds'
range (`harness.plotting.seed_band`)."""

import matplotlib.pyplot as plt

from harness.plotting.seed_band import draw_seed_band
from harness.plotting.title_lines import wrapped


def plot_train_test_curves(arms, title, markers=False):
    """Draws `{label: (colour, [curves, ...])}`, one `curves` per seed, a
    dict with `epoch`, `train` and `test` lists (as `AccuracyHistory.history`
    gives them; every seed at the same epochs); returns the figure.

    Args:
        arms: the arms, drawn in order, each labelled `<label>: train` and
            `<label>: test`: the mean over the seeds, with their range as a
            band.
        title: the axes' title (wrapped lines: keep each short).
        markers: mark each recorded point (for curves recorded every few
            epochs).
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    train_marker, test_marker = (".", "o") if markers else (None, None)
    for label, (color, seeds) in arms.items():
        epochs = seeds[0]["epoch"]
        draw_seed_band(ax, epochs, [c["train"] for c in seeds], color,
                       f"{label}: train", ls="--", marker=train_marker)
        draw_seed_band(ax, epochs, [c["test"] for c in seeds], color,
                       f"{label}: test", marker=test_marker)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (inference mode)")
    ax.set_title(wrapped(title), fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
