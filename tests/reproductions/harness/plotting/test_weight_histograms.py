import numpy as np
import pytest

from harness.plotting.weight_histograms import plot_weight_histograms


def test_panels_share_bins_and_axes():
    rng = np.random.default_rng(0)
    fig = plot_weight_histograms({"a": rng.normal(size=100), "b": [0.0, np.inf, 1.0]},
                                 "title", bins=10)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.patches]
    assert len(axes) == 2
    assert axes[0].get_xlim() == axes[1].get_xlim()
    assert axes[0].get_ylim() == axes[1].get_ylim()
    assert "1 outside" in axes[1].get_title()
    with pytest.raises(ValueError, match="at least one"):
        plot_weight_histograms({}, "t")


def test_every_bottom_panel_has_x_tick_labels():
    """Seven panels in rows of four: the fourth of the first row has no panel
    below it, so it shows its own x tick labels (the elastic-net panel of
    cs231n's figure had none)."""
    rng = np.random.default_rng(1)
    fig = plot_weight_histograms({str(i): rng.normal(size=50) for i in range(7)},
                                 "t", cols=4)
    fig.canvas.draw()
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) == 7
    for i, ax in enumerate(drawn):
        shown = any(label.get_visible() and label.get_text()
                    for label in ax.get_xticklabels())
        assert shown == (i >= 3), i
        assert (ax.get_xlabel() != "") == (i >= 3)
