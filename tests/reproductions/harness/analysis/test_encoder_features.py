"""`harness.analysis.encoder_features`: an encoder's unit usage and the
roughness of its weight images against their pixels shuffled."""

import numpy as np
import pytest

from harness.analysis.encoder_features import encoder_features
from harness.models.autoencoder import build_autoencoder


def test_measures_of_a_smooth_unit_a_dead_one_and_noise(rng):
    model = build_autoencoder(0, hidden=2, pixels=64)
    encoder = model.get_layer("encoder")
    smooth = np.add.outer(np.arange(8), np.arange(8)).ravel() / 14 + 0.1  # a ramp
    kernel = np.stack([smooth, -np.ones(64)], axis=1).astype("float32")
    encoder.kernel.assign(kernel)
    images = rng.uniform(size=(50, 64)).astype("float32")
    got, measures = encoder_features(model, images, seed=0)
    np.testing.assert_array_equal(got, kernel)
    # The second unit never fires on positive images, and is drawn black.
    assert measures["dead_fraction"] == measures["dark_unit_fraction"] == 0.5
    # The ramp is far smoother than its pixels shuffled.
    assert measures["relative_roughness"] == pytest.approx(
        measures["weight_roughness"] / measures["shuffled_roughness"])
    assert measures["relative_roughness"] < 0.3
    # Noise is about as rough as its pixels shuffled.
    encoder.kernel.assign(rng.uniform(size=(64, 2)).astype("float32"))
    _, noise = encoder_features(model, images, seed=0)
    assert noise["relative_roughness"] == pytest.approx(1.0, abs=0.2)
    _, again = encoder_features(model, images, seed=0)
    assert again == noise  # the shuffle drawn from the seed


def test_ink_measures_leave_the_inkless_border_out(rng):
    """A smooth ramp on the inked centre, noise on the border: over all
    pixels the images look rough, over the ink alone smooth; the border's
    weight is read against the ink's."""
    model = build_autoencoder(0, hidden=2, pixels=64)
    ink = np.zeros((8, 8), bool)
    ink[2:6, 2:6] = True
    ink = ink.ravel()
    ramp = np.add.outer(np.arange(8), np.arange(8)).ravel() / 14 + 0.5
    kernel = np.where(ink[:, None], ramp[:, None], rng.uniform(size=(64, 1)) * [1, 1])
    model.get_layer("encoder").kernel.assign(kernel.astype("float32"))
    images = rng.uniform(size=(50, 64)).astype("float32")
    _, measures = encoder_features(model, images, seed=0, ink=ink)
    assert measures["relative_roughness_ink"] < 0.6 < measures["relative_roughness"]
    assert measures["border_to_ink_weight"] == pytest.approx(
        kernel[~ink].mean() / kernel[ink].mean(), rel=1e-5)
    assert measures["dark_unit_fraction_ink"] == 0.0
    # Two identical units: fully co-adapted.
    assert measures["hidden_correlation"] == pytest.approx(1.0, abs=1e-5)
