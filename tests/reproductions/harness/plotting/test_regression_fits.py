"""`harness.plotting.regression_fits`: a 1-D fit over its data."""

import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.regression_fits import draw_fit, plot_fits

GRID = np.linspace(-2, 2, 50)
TRAIN = (np.array([-1.0, 0.0, 1.0]), np.array([0.5, 0.0, -0.5]))
TEST = (np.array([-0.5, 0.5]), np.array([0.2, -0.2]))


def test_draw_fit_shows_data_truth_and_fit():
    fig, ax = plt.subplots()
    draw_fit(ax, TRAIN, TEST, (GRID, np.sin(GRID)), (GRID, np.cos(GRID)), "fit",
             at_test=np.array([0.1, 0.2]), at_test_label="at test")
    assert [line.get_label() for line in ax.get_lines()] == ["true mean", "fit"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), np.cos(GRID))
    points = ax.collections
    assert [c.get_label() for c in points] == ["train", "test", "at test"]
    np.testing.assert_array_equal(points[2].get_offsets()[:, 0], TEST[0])
    assert ax.get_ylim() == (-3, 3)
    plt.close(fig)


def test_plot_fits_gives_a_panel_per_fit():
    fits = {"a": ((GRID, GRID), None), "b": ((GRID, -GRID), np.zeros(2))}
    fig = plot_fits(fits, TRAIN, TEST, (GRID, 0 * GRID), ["A", "B"], "title")
    panels = [ax for ax in fig.axes if ax.get_lines()]
    assert [ax.get_title() for ax in panels] == ["A", "B"]
    assert [len(ax.collections) for ax in panels] == [2, 3]
    plt.close(fig)
