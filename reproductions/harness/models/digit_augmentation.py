"""Augmentation of 28x28 digits as the article lists it: "translating the
picture a few pixels, rotation, scaling", as Keras preprocessing layers."""

import keras
import numpy as np


def digit_augmentation(translate, rotate, zoom, seed):
    """The layers that shift (up to `translate` of the width and height),
    rotate (up to `rotate` degrees either way) and zoom (up to `zoom`) a
    28x28x1 image, filling with black; a layer whose amount is 0 is left
    out. Active in training only (put them before C1 of
    `harness.models.lenet5`). Seeds `seed`, `seed + 1` and `seed + 2`."""
    fill = {"fill_mode": "constant", "fill_value": 0.0}  # black background
    layers = []
    if translate:
        layers.append(keras.layers.RandomTranslation(
            translate, translate, seed=seed, name="translate", **fill))
    if rotate:
        layers.append(keras.layers.RandomRotation(
            rotate / 360.0, seed=seed + 1, name="rotate", **fill))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, seed=seed + 2, name="zoom", **fill))
    return layers


def augmented_draws(x, layers, seed, versions=4):
    """Flattened digits `x` (rows of 784) and `versions` augmented draws of
    each through `layers`, as an array `(digits, 1 + versions, 28, 28)`,
    the original first (no layers: copies of it). The global seed is set to
    `seed` first."""
    keras.utils.set_random_seed(seed)
    images = x.reshape(-1, 28, 28, 1)
    pipeline = keras.Sequential(layers) if layers else None
    draws = [keras.ops.convert_to_numpy(pipeline(images, training=True))
             if pipeline else images for _ in range(versions)]
    return np.stack([images] + draws, axis=1)[..., 0]
