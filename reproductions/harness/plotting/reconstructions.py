"""Images beside their reconstructions: a row of originals, then a row per
model, as 28x28 images (`harness.plotting.weight_images`)."""

import numpy as np

from harness.plotting.weight_images import plot_weight_images


def plot_reconstructions(originals, reconstructions, title, count=10):
    """The first `count` of `originals` (`(n, 784)`, values in [0, 1]) in the
    first row and each model's reconstructions of them (`{name: (n, 784)}`)
    in a row each, below; returns the figure."""
    rows = [np.asarray(originals)[:count].T] + [np.asarray(r)[:count].T
                                               for r in reconstructions.values()]
    return plot_weight_images(np.concatenate(rows, axis=1), title, rows=len(rows),
                              labels=[""] * count * len(rows), clip=(0, 1))
