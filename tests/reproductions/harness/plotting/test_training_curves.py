"""`harness.plotting.training_curves`: error curves on a log scale with the
learning-rate drops marked, one panel per run."""

import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.training_curves import draw_curves, plot_curve_panels


def test_draw_curves_draws_each_curve_and_mark():
    fig, ax = plt.subplots()
    epochs = np.arange(1, 11)
    draw_curves(ax, [(epochs, 1.0 / epochs, "train", ""),
                     (epochs, 2.0 / epochs, "test", "--")], marks=[3, 6])
    lines = ax.get_lines()
    assert [line.get_label() for line in lines[:2]] == ["train", "test"]
    assert lines[1].get_linestyle() == "--" and lines[0].get_linestyle() == "-"
    assert lines[0].get_color() != lines[1].get_color()  # the next colour each
    assert [line.get_xdata()[0] for line in lines[2:]] == [3, 6]
    assert ax.get_yscale() == "log"
    plt.close(fig)


def test_plot_curve_panels_gives_a_panel_per_key():
    curves = {key: [(np.arange(1, 6), np.full(5, value), "test", "")]
              for key, value in (("a", 1.0), ("b", 2.0), ("c", 3.0))}
    fig = plot_curve_panels(curves, ["A", "B", "C"], "title", ylabel="MSE", logy=False)
    panels = [ax for ax in fig.axes if ax.get_lines()]
    assert [ax.get_title() for ax in panels] == ["A", "B", "C"]
    assert [ax.get_lines()[0].get_ydata()[0] for ax in panels] == [1.0, 2.0, 3.0]
    assert panels[0].get_yscale() == "linear" and panels[0].get_ylabel() == "MSE"
    plt.close(fig)
