import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.splits import plot_split


def test_split_shows_both_sets_over_the_clean_curve():
    x = np.linspace(0, 1, 10)
    fig = plot_split((x[::2], x[::2]), (x[1::2], x[1::2]), x, x, "title")
    ax = fig.axes[0]
    assert len(ax.collections) == 2 and len(ax.lines) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "train", "validation", "noise-free F(x)"]
    plt.close(fig)
