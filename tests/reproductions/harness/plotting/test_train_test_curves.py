"""`harness.plotting.train_test_curves`: training and test accuracy curves
per arm, mean over seeds with the seeds' range."""

import numpy as np

from harness.plotting.train_test_curves import plot_train_test_curves


def test_train_dashed_test_solid_per_arm():
    curves = {"epoch": [1, 2, 3], "train": [0.8, 0.9, 1.0], "test": [0.7, 0.75, 0.8]}
    fig = plot_train_test_curves({"plain": ("tab:red", [curves])}, "title", markers=True)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert lines["plain: train"].get_linestyle() == "--"
    assert lines["plain: test"].get_linestyle() == "-"
    np.testing.assert_array_equal(lines["plain: test"].get_ydata(), curves["test"])
    assert lines["plain: test"].get_marker() == "o"
    assert not fig.axes[0].collections  # one seed: no band
    plain = plot_train_test_curves({"a": ("k", [curves])}, "t").axes[0].get_lines()
    assert {line.get_label(): line.get_marker() for line in plain}["a: test"] in (
        None, "None", "")


def test_several_seeds_draw_their_mean_and_range():
    seeds = [{"epoch": [1, 2], "train": [0.8, 0.9], "test": [0.7, 0.8]},
             {"epoch": [1, 2], "train": [0.9, 1.0], "test": [0.5, 0.6]}]
    fig = plot_train_test_curves({"a": ("k", seeds)}, "title")
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["a: test (mean of 2 seeds)"].get_ydata(), [0.6, 0.7])
    bands = [c.get_paths()[0].vertices[:, 1] for c in ax.collections]
    assert len(bands) == 2
    assert min(bands[1]) == 0.5 and max(bands[1]) == 0.8  # the test band
