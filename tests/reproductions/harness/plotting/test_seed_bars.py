"""`harness.plotting.seed_bars`: points of mean ± sd over seeds."""

import numpy as np
import pandas as pd

from harness.plotting.seed_bars import plot_seed_bars


def test_seed_points_are_means_with_sds_and_every_seed():
    runs = pd.DataFrame({"variant": ["none", "none", "noise 0.1", "noise 0.1"],
                         "kind": ["none", "none", "noise", "noise"], "seed": [0, 1, 0, 1],
                         "train_accuracy": [1.0, 1.0, 0.9, 0.94],
                         "test_accuracy": [0.90, 0.92, 0.80, 0.84]})
    fig = plot_seed_bars(runs, {"none": "tab:gray", "noise": "tab:orange"}, "title")
    ax, twin = fig.axes
    assert not ax.patches  # no bars
    means = [line.get_ydata()[0] for line in ax.get_lines()
             if line.get_marker() == "o" and len(line.get_ydata())]
    np.testing.assert_allclose(means, [0.91, 0.82])
    seeds = [list(line.get_ydata()) for line in ax.get_lines()
             if line.get_marker() == "." and len(line.get_ydata())]
    assert seeds == [[0.90, 0.92], [0.80, 0.84]]
    ticks = twin.get_lines()[0]
    np.testing.assert_allclose(ticks.get_ydata(), [1.0, 0.92])
