"""`harness.plotting.sparsity_phases`: dense-sparse-dense beside plain
training, the sparse phase shaded, over seeds."""

import numpy as np

from harness.plotting.sparsity_phases import plot_sparsity_phases


def test_sparsity_phases_shades_the_sparse_epochs():
    arms = {"dsd": ("tab:purple", [1, 2, 3, 4], [[0.9, 0.91, 0.92, 0.93]],
                    [[0.0, 0.5, 0.5, 0.1]])}
    fig = plot_sparsity_phases(arms, (2, 3), "title")
    accuracy, sparsity = fig.axes
    lines = {line.get_label(): line for line in sparsity.get_lines()}
    np.testing.assert_array_equal(lines["dsd"].get_ydata(), [0.0, 0.5, 0.5, 0.1])
    span = accuracy.patches[0]  # a Rectangle (a Polygon in Matplotlib < 3.9)
    xs = ([span.get_x(), span.get_x() + span.get_width()] if hasattr(span, "get_width")
          else [x for x, _ in span.get_xy()])
    assert (min(xs), max(xs)) == (1.5, 3.5)


def test_seeds_give_a_mean_and_a_band():
    arms = {"dsd": ("k", [1, 2], [[0.9, 0.8], [0.7, 1.0]], [[0, 0.5], [0, 0.5]])}
    accuracy, _ = plot_sparsity_phases(arms, (2, 2), "title").axes
    line = {line.get_label(): line for line in accuracy.get_lines()}
    np.testing.assert_allclose(line["dsd (mean of 2 seeds)"].get_ydata(), [0.8, 0.9])
    assert len(accuracy.collections) == 1
