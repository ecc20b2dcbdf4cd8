"""`harness.plotting.short_arms`: the sweep, the hidden layer and the fits,
each panel drawn from its arms' rows."""

import numpy as np
import pandas as pd

from harness.plotting.short_arms import plot_short_arms


def frame():
    rows = [("lr 0.001", "none", 0.90), ("lr 0.01", "none", 0.80),
            ("hidden", "none", 0.95), ("hidden", "l2", 0.30),
            ("hidden", "weight_norm", 0.40), ("small data", "none", 0.70)]
    return pd.DataFrame({
        "arm": [r[0] for r in rows], "variant": [r[1] for r in rows],
        "test_accuracy": [r[2] for r in rows], "test_accuracy_sd": 0.01,
        "train_accuracy": [r[2] + 0.05 for r in rows], "train_accuracy_sd": 0.01,
        "roughness": 1.0, "roughness_sd": 0.1, "roughness_ink": 0.9,
        "roughness_ink_sd": 0.1, "l2_correlation": [np.nan, np.nan, 0.2, 1.0, 0.61, np.nan]})


def test_each_panel_reads_its_arms():
    fig = plot_short_arms(frame(), {"lr 0.001": 1e-3, "lr 0.01": 1e-2},
                          ("hidden", 1e-3), [("small data", "none")], "title")
    sweep, hidden, fit = fig.axes
    points = [np.asarray(line.get_ydata(), float) for line in sweep.get_lines()]
    np.testing.assert_allclose(points[0], [0.90, 0.80])
    assert any(np.allclose(p, [0.95]) for p in points)  # the hidden layer's star
    assert len(hidden.patches) == 2 * 3  # all and ink pixels per variant
    assert "0.610" in hidden.texts[0].get_text()
    heights = sorted(p.get_height() for p in fit.patches)
    np.testing.assert_allclose(heights, [0.70, 0.75])


def test_missing_arms_still_draw():
    fig = plot_short_arms(frame().iloc[3:4], {"lr 0.001": 1e-3}, ("hidden", 1e-3),
                          [("small data", "none")], "title")
    assert len(fig.axes) == 3
