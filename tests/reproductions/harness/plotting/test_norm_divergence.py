import math

import matplotlib.pyplot as plt

from harness.plotting.norm_divergence import plot_norm_divergence


def test_non_finite_norms_are_left_out_and_their_first_step_marked():
    exploding = {"step": [0, 1, 2, 3], "max_unit_norm": [1.0, 1e3, math.inf, math.nan],
                 "loss": [math.nan, 2.0, 1e5, math.nan]}
    bounded = {"step": [0, 1, 2, 3], "max_unit_norm": [1.0, 3.0, 3.0, 3.0],
               "loss": [math.nan, 2.0, 2.5, 2.4]}
    fig = plot_norm_divergence({"plain": ("tab:red", exploding),
                                "bounded": ("tab:blue", bounded)}, 3.0, "title")
    norms, losses = fig.axes
    plain = norms.lines[0]
    assert list(plain.get_xdata()) == [0, 1]  # inf and NaN left out
    assert len(losses.lines[0].get_xdata()) == 2
    texts = [t.get_text() for t in norms.get_legend().get_texts()]
    assert "plain: inf/NaN from step 2" in texts and "c = 3" in texts
    assert not any(t.startswith("bounded: inf") for t in texts)
    assert norms.get_yscale() == losses.get_yscale() == "log"
    assert fig._suptitle.get_text() == "title"
    plt.close(fig)
