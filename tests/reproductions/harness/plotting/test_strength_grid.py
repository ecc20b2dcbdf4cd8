import matplotlib.pyplot as plt
import pandas as pd

from harness.plotting.strength_grid import plot_strength_grid

GRID = pd.DataFrame({"lambda": [0.0, 1e-3], "validation_accuracy": [0.90, 0.92],
                     "validation_accuracy_sd": [0.01, 0.02],
                     "test_accuracy": [0.89, 0.91], "test_accuracy_sd": [0.01, 0.01],
                     "seeds": 3, "chosen": [False, True]})


def test_several_seeds_draw_mean_and_sd_one_seed_points():
    fig = plot_strength_grid(GRID, ("with dropout", 0.9), "lambda", "title\nlabel")
    ax = fig.axes[0]
    assert len(ax.containers) == 2  # one error-bar container per accuracy
    texts = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "validation accuracy (mean ± sd over 3 seeds)" in texts
    assert "chosen lambda = 0.001" in texts and "with dropout" in texts
    assert ax.get_title().endswith("label")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.001"]
    single = plot_strength_grid(GRID.assign(seeds=1), ("with dropout", 0.9),
                                "lambda", "title")
    assert not single.axes[0].containers
    plt.close("all")


def test_the_chosen_strength_and_its_combination_are_marked():
    fig = plot_strength_grid(GRID, ("with dropout", 0.88), "lambda", "title")
    ax = fig.axes[0]
    chosen, = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert list(chosen.get_xdata()) == [1, 1]
    star, = [line for line in ax.lines if line.get_marker() == "*"]
    assert list(star.get_xdata()) == [1] and list(star.get_ydata()) == [0.88]
    plt.close(fig)


def test_the_combination_star_carries_its_sd():
    ax = plot_strength_grid(GRID, ("with dropout", 0.88, 0.02), "lambda", "t").axes[0]
    bars = [c for c in ax.containers if c.lines[0] is None]  # the star's bar alone
    assert len(bars) == 1
    segment = bars[0].lines[2][0].get_segments()[0]
    assert [y for _, y in segment] == [0.86, 0.9]
    plt.close("all")
