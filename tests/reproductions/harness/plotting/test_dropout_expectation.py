import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.dropout_expectation import plot_dropout_expectation


def check(scale):
    inference = np.linspace(0.1, 1, 20).reshape(4, 5)
    return {"inference": inference, "train_mean": inference * scale,
            "rms_gap": abs(scale - 1)}


def test_a_panel_per_kind_then_the_gaps_against_the_noise():
    fig = plot_dropout_expectation(
        {"vanilla": check(1.01), "inverted": check(0.99)},
        {"vanilla": (0.03, 0.12), "inverted": (0.031, 0.15)}, 0.0316, 1000, 0.5,
        "title")
    assert len(fig.axes) == 3
    assert fig.axes[0].get_title().startswith("vanilla dropout layer, p=0.5")
    assert "1,000 training outputs" in fig.axes[1].get_ylabel()
    bars = fig.axes[2]
    heights = [patch.get_height() for patch in bars.patches]
    assert heights == [0.03, 0.031, 0.12, 0.15]  # one layer, then the network
    noise, = [line for line in bars.lines if line.get_linestyle() == "--"]
    assert noise.get_ydata()[0] == 0.0316
    assert [t.get_text() for t in bars.get_xticklabels()] == ["vanilla", "inverted"]
    # The legend lies below the axes: it covers no bar.
    fig.canvas.draw()
    legend = bars.get_legend().get_window_extent()
    assert legend.y1 <= bars.get_window_extent().y0
    plt.close(fig)
