"""A 1-D regression's data split into training and validation sets."""

import matplotlib.pyplot as plt


def plot_split(train, validation, x, clean, title):
    """The training and validation points (`(x, y)` each) as dots over the
    noise-free curve `clean` on `x`; returns the figure."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.scatter(*train, s=4, label="train")
    ax.scatter(*validation, s=4, label="validation")
    ax.plot(x, clean, "k", lw=0.8, label="noise-free F(x)")
    ax.set_xlabel("x")
    ax.set_ylabel("F(x)")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
