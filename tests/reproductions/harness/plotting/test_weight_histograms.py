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
