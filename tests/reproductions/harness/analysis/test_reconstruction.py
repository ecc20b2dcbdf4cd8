"""`harness.analysis.reconstruction`: an autoencoder's errors from whole
images, from half of each, and the mean image's."""

import keras
import numpy as np
import pytest

from harness.analysis.reconstruction import reconstruction_errors


def identity():
    inputs = keras.Input((6,))
    return keras.Model(inputs, keras.layers.Identity()(inputs))


def test_errors_of_an_identity_model(rng):
    images = rng.random((50, 6)).astype("float32")
    training = rng.random((80, 6)).astype("float32")
    whole, errors = reconstruction_errors(identity(), images, training, seed=0)
    np.testing.assert_allclose(whole, images)
    assert errors["test_mse"] == 0.0
    assert errors["mean_image_mse"] == pytest.approx(
        np.mean((training.mean(axis=0) - images) ** 2))
    # The identity passes the half image on, the kept pixels doubled: each
    # pixel is off by its own value, kept or dropped.
    assert errors["half_input_mse"] == pytest.approx(np.mean(images ** 2), rel=1e-6)


def test_the_kept_half_follows_the_seed(rng):
    images = rng.random((20, 6)).astype("float32")
    inputs = keras.Input((6,))  # each output the mean of the inputs it is given
    model = keras.Model(inputs, keras.layers.Dense(
        6, kernel_initializer=keras.initializers.Constant(1 / 6))(inputs))
    first = reconstruction_errors(model, images, images, seed=3)[1]
    assert first == reconstruction_errors(model, images, images, seed=3)[1]
    assert first != reconstruction_errors(model, images, images, seed=4)[1]
