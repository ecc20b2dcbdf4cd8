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


def test_up_to_twelve_strengths_get_colours_that_differ_clearly():
    colours = np.array([to_rgba(c)[:3] for c in strength_colors(12)])
    gaps = np.linalg.norm(colours[:, None] - colours[None], axis=-1)
    assert gaps[~np.eye(12, dtype=bool)].min() > 0.15
    assert len(strength_colors(20, "viridis")) == 20


def test_training_and_validation_curves_a_panel_each_legend_outside():
    steps = np.arange(1, 4)
    fig = plot_loss_per_strength({1.0: (steps, [3, 2, 1], [4, 3, 2]),
                                  0.0: (steps, [1, 1, 1], [2, 2, 2])},
                                 "lambda", "l2", "run")
    train, val = fig.axes[:2]
    assert [line.get_label() for line in train.lines] == ["lambda=0", "lambda=1"]
    assert list(val.lines[1].get_ydata()) == [4, 3, 2]
    assert train.get_yscale() == "log"
    assert to_rgba(train.lines[1].get_color()) == to_rgba(strength_colors(2)[1])
    anchor = val.get_legend().get_bbox_to_anchor().transformed(val.transAxes.inverted())
    assert anchor.x0 > 1  # right of the panel: it covers no curve's end
    plt.close(fig)


def test_one_prediction_panel_per_strength_and_densities_on_two_scales():
    x = np.linspace(0, 1, 50)
    fig = plot_predictions_per_strength(x, x, {0.2: x, 0.1: 0 * x}, "p", "title",
                                        on={0.2: x + 1})
    drawn = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in drawn] == ["p = 0.1", "p = 0.2"]
    on = [line for line in drawn[1].lines if "dropout on" in line.get_label()]
    assert len(on) == 1 and np.allclose(on[0].get_ydata(), x + 1)
    plt.close(fig)
    rng = np.random.default_rng(0)
    fig = plot_densities_per_strength(rng.uniform(-1, 1, 300),
                                      {0.5: rng.normal(size=300)}, "p", "dropout",
                                      "run", "Blues", init_limit=1.0)
    linear, log = fig.axes
    assert log.get_yscale() == "log" and linear.get_yscale() == "linear"
    assert len(linear.lines) == 2  # before, and the one strength
    # The linear panel spans the mass (99 %), the log panel every value.
    assert linear.lines[1].get_xdata().max() < log.lines[1].get_xdata().max()
    assert "99%" in linear.get_title()
    plt.close(fig)


def test_spread_panels_leave_out_zero_on_a_log_axis():
    panels = [("lambda", [0.0, 0.1, 1.0], [3, 2, 1], [1, 0.5, 0], None, [5, 4, 3], True),
              ("p", [0.0, 0.5], [1, 1], [1, 0.8], [0.9, 0.7], [5, 9], False)]
    fig = plot_spread_against_strength(panels, 0.25, "title")
    axes = np.array(fig.axes).reshape(3, 2)
    log, linear = axes[0]
    assert log.get_xscale() == "log" and np.isnan(log.lines[0].get_xdata()[0])
    assert linear.get_xscale() == "linear" and linear.lines[0].get_xdata()[0] == 0
    assert "IQR" in log.get_ylabel() and "prediction std" in axes[1, 0].get_ylabel()
    assert len(axes[1, 1].lines) == 3  # off, on and the 'predicts the mean' line
    assert list(axes[2, 1].lines[0].get_ydata()) == [5, 9]
    plt.close(fig)

