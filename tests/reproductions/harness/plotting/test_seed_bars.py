"""`harness.plotting.seed_bars`: bars of mean ± sd over seeds."""

import numpy as np
import pandas as pd

from harness.plotting.seed_bars import plot_seed_bars


def test_seed_bars_are_means_with_sds():
    runs = pd.DataFrame({"variant": ["none", "none", "noise 0.1", "noise 0.1"],
                         "kind": ["none", "none", "noise", "noise"], "seed": [0, 1, 0, 1],
                         "train_accuracy": [1.0, 1.0, 0.9, 0.94],
                         "test_accuracy": [0.90, 0.92, 0.80, 0.84]})
    fig = plot_seed_bars(runs, {"none": "tab:gray", "noise": "tab:orange"}, "title")
    heights = [bar.get_height() for bar in fig.axes[0].patches]
    np.testing.assert_allclose(heights, [0.91, 0.82])
    ticks = {line.get_label(): line for line in fig.axes[0].get_lines()}["training accuracy"]
    np.testing.assert_allclose(ticks.get_ydata(), [1.0, 0.92])
