import matplotlib.pyplot as plt
import pandas as pd

from harness.plotting.regularizer_comparison import plot_regularizer_comparison

TABLE = pd.DataFrame({"variant": ["none", "l2"], "test_accuracy": [0.93, 0.931],
                      "test_accuracy_sd": [0.001, 0.002], "train_test_gap": [0.07, 0.06],
                      "train_test_gap_sd": [0.001, 0.003], "seeds": 3})


def test_points_with_sds_and_none_as_a_band():
    fig = plot_regularizer_comparison(TABLE, {"l2": "L2"}, "title")
    accuracy, gap = fig.axes
    for ax, column in ((accuracy, "test_accuracy"), (gap, "train_test_gap")):
        points, = ax.containers
        assert list(points.lines[0].get_ydata()) == list(TABLE[column])
        assert "over 3 seeds" in ax.get_title()
    assert [t.get_text() for t in gap.get_xticklabels()] == ["none", "L2"]
    plt.close(fig)
