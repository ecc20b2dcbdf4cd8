import matplotlib.pyplot as plt
import numpy as np
import pytest

from harness.plotting.weight_magnitudes import plot_weight_magnitudes


def test_each_panel_gives_its_share_within_the_window(rng):
    sparse = np.concatenate([np.zeros(80), rng.normal(0, 0.1, 20)])
    diffuse = rng.normal(0, 0.1, 100) + 0.01
    fig = plot_weight_magnitudes({"L1": sparse, "L2": diffuse}, "title",
                                 notes={"L2": "a note"})
    l1, l2 = fig.axes[:2]
    assert any(t.get_text().startswith("80.0% within 0.001") for t in l1.texts)
    share = np.mean(np.abs(diffuse) <= 1e-3)
    assert any(t.get_text().startswith(f"{share:.1%}") for t in l2.texts)
    assert l2.get_title() == "L2\na note" and l1.get_xlabel() == "log10 |w|"
    # The exact zeros drawn at the floor, inside the shaded window.
    counts = [p.get_height() for p in l1.containers[0]]
    assert sum(counts) == 100
    plt.close(fig)


def test_no_weights_refused():
    with pytest.raises(ValueError, match="weights"):
        plot_weight_magnitudes({}, "title")
