"""The pixels of an image data set that ever carry ink."""

import numpy as np


def ink_pixels(images):
    """A boolean mask over the flattened pixels: True where at least one of
    `images` (one per row, any shape after the first axis) is not 0. Weights
    fed by the other pixels never get a gradient from the data."""
    images = np.asarray(images)
    return images.reshape(len(images), -1).max(axis=0) > 0
