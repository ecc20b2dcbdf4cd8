"""`harness.plotting.train_test_curves`: training and test accuracy curves
per arm."""

import numpy as np

from harness.plotting.train_test_curves import plot_train_test_curves


def test_train_dashed_test_solid_per_arm():
    curves = {"epoch": [1, 2, 3], "train": [0.8, 0.9, 1.0], "test": [0.7, 0.75, 0.8]}
    fig = plot_train_test_curves({"plain": ("tab:red", curves)}, "title", markers=True)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert lines["plain: train"].get_linestyle() == "--"
    assert lines["plain: test"].get_linestyle() == "-"
    np.testing.assert_array_equal(lines["plain: test"].get_ydata(), curves["test"])
    assert lines["plain: test"].get_marker() == "o"
    plain = plot_train_test_curves({"a": ("k", curves)}, "t").axes[0].get_lines()
    assert {line.get_label(): line.get_marker() for line in plain}["a: test"] in (
        None, "None", "")
