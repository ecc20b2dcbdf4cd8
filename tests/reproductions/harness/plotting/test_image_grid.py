"""`harness.plotting.image_grid`: a grid of grayscale images."""

import numpy as np
import pytest

from harness.plotting.image_grid import plot_image_grid


def test_image_grid_one_row_per_item():
    images = np.random.default_rng(0).uniform(size=(2, 3, 28, 28))
    fig = plot_image_grid(images, ["original", "draw 1", "draw 2"], "title")
    assert len(fig.axes) == 6
    assert fig.axes[1].get_title() == "draw 1" and fig.axes[4].get_title() == ""
    np.testing.assert_array_equal(fig.axes[5].get_images()[0].get_array(), images[1, 2])
    with pytest.raises(ValueError, match="one per column"):
        plot_image_grid(images, ["original"], "title")
