"""`harness.plotting.reconstructions`: originals above their
reconstructions."""

import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.reconstructions import plot_reconstructions


def test_a_row_of_originals_and_one_per_model(rng):
    originals = rng.random((12, 784))
    fig = plot_reconstructions(originals, {"a": originals * 0.5, "b": originals},
                               "title", count=4)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) >= 3 * 4  # three rows of four images (and a colour bar)
    first = shown[0].images[0].get_array()
    np.testing.assert_allclose(first, originals[0].reshape(28, 28))
    plt.close(fig)
