import matplotlib.pyplot as plt
import pandas as pd

from harness.plotting.max_norm_sweep import plot_max_norm_sweep

TABLE = pd.DataFrame({"c": [4.0, 2.0, 1.0], "max_unit_norm": [2.7, 2.0, 1.0],
                      "bound_fraction": [0.0, 0.1, 0.9],
                      "test_accuracy": [0.93, 0.925, 0.9],
                      "test_accuracy_sd": [0.001, 0.002, 0.003]})


def test_norms_against_the_bound_and_accuracy_against_none():
    fig = plot_max_norm_sweep(TABLE, 2.7, (0.93, 0.001), "title")
    norms, accuracy = fig.axes
    assert [t.get_text() for t in norms.texts] == ["90% at c", "10% at c", "0% at c"]
    bound, = [line for line in norms.lines if line.get_linestyle() == "--"]
    assert list(bound.get_xdata()) == list(bound.get_ydata()) == [1.0, 2.0, 4.0]
    assert len(accuracy.containers) == 1
    assert "no constraint: 0.9300" in [t.get_text() for t in
                                       accuracy.get_legend().get_texts()]
    plt.close(fig)
