"""`harness.plotting.runtime_drivers`: our ratios per driver beside the
article's, the baseline left out."""

import numpy as np
import pandas as pd

from harness.plotting.runtime_drivers import plot_runtime_drivers


def test_points_per_driver_and_the_article_as_stars():
    frame = pd.DataFrame({
        "variant": ["none", "none", "l2", "l2"],
        "driver": ["compiled loop", "per-step call"] * 2,
        "ratio": [1.0, 1.0, 1.3, 1.02], "ratio_sd": [0.0, 0.0, 0.05, np.nan]})
    fig = plot_runtime_drivers(frame, {"l2": 1.25}, "title")
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["article (TF1, session.run per step)"].get_ydata(),
                               [1.25])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["l2"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "ours: compiled loop" in labels and "ours: per-step call" in labels
