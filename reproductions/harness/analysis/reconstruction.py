"""How well an autoencoder reconstructs its images: from whole images, from
half of each image, against the mean image.

Article 003's denoising autoencoder "is still able to reconstruct the image
at an amazing level" from half of each image: these are the errors its
ledger decides that by.
"""

import keras
import numpy as np


def reconstruction_errors(model, images, training_images, seed, keep=0.5):
    """Pixel mean squared errors of `model`'s reconstructions of `images`.

    Args:
        model: an autoencoder (`keras.Model`), called in inference mode.
        images: `(n, pixels)` test images.
        training_images: `(m, pixels)`: their mean is the baseline.
        seed: draws which pixels are kept.
        keep: the share of each image's pixels kept for `half_input_mse`;
            the kept ones are divided by `keep`, as inverted dropout on the
            input shows them in training.

    Returns:
        `(reconstructions, {"test_mse", "half_input_mse", "mean_image_mse"})`:
        the reconstructions of the whole images, the error of those, of the
        reconstructions from the kept pixels only, and of the mean training
        image taken as every reconstruction (what knowing nothing of an
        image gives).
    """
    images = np.asarray(images)
    whole = keras.ops.convert_to_numpy(model(images, training=False))
    kept = np.random.default_rng([seed, 1]).random(images.shape) < keep
    partial = keras.ops.convert_to_numpy(model(images * kept / keep, training=False))
    mean_image = np.asarray(training_images).mean(axis=0)
    return whole, {"test_mse": float(np.mean((whole - images) ** 2)),
                   "half_input_mse": float(np.mean((partial - images) ** 2)),
                   "mean_image_mse": float(np.mean((mean_image - images) ** 2))}
