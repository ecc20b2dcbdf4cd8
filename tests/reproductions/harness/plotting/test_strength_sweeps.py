import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba

from harness.plotting.strength_sweeps import (
    plot_densities_per_strength,
    plot_loss_per_strength,
    plot_predictions_per_strength,
    plot_spread_against_strength,
    strength_colors,
)


def test_colors_darken_with_the_strength():
    light, dark = strength_colors(2, "Reds")
    assert sum(dark[:3]) < sum(light[:3])
    assert len(strength_colors(1, "Blues")) == 1


def test_loss_lines_are_sorted_by_strength_darker_for_stronger():
    steps = np.arange(1, 4)
    fig = plot_loss_per_strength({1.0: (steps, [3, 2, 1]), 0.0: (steps, [1, 1, 1])},
                                 "lambda", "l2", "run", "Reds")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["lambda=0", "lambda=1"]
    assert ax.get_yscale() == "log"
    assert to_rgba(ax.lines[1].get_color()) == strength_colors(2, "Reds")[1]
    plt.close(fig)


def test_one_prediction_panel_per_strength_and_densities_on_two_scales():
    x = np.linspace(0, 1, 50)
    fig = plot_predictions_per_strength(x, x, {0.2: x, 0.1: 0 * x}, "p", "title")
    drawn = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in drawn] == ["p = 0.1", "p = 0.2"]
    plt.close(fig)
    rng = np.random.default_rng(0)
    fig = plot_densities_per_strength(rng.uniform(-1, 1, 300),
                                      {0.5: rng.normal(size=300)}, "p", "dropout",
                                      "run", "Blues", init_limit=1.0)
    linear, log = fig.axes
    assert log.get_yscale() == "log" and linear.get_yscale() == "linear"
    assert len(linear.lines) == 2  # before, and the one strength
    plt.close(fig)


def test_spread_panels_leave_out_zero_on_a_log_axis():
    panels = [("lambda", [0.0, 0.1, 1.0], [3, 2, 1], [1, 0.5, 0], True),
              ("p", [0.0, 0.5], [1, 1], [1, 0.8], False)]
    fig = plot_spread_against_strength(panels, 0.25, "title")
    log, linear = fig.axes
    assert log.get_xscale() == "log" and np.isnan(log.lines[0].get_xdata()[0])
    assert linear.get_xscale() == "linear" and linear.lines[0].get_xdata()[0] == 0
    plt.close(fig)

