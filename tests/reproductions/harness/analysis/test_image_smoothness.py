import numpy as np
import pytest

from harness.analysis.image_smoothness import image_correlation, roughness


def test_flat_images_score_zero_and_noise_about_sqrt_two():
    flat = np.full((784, 10), 0.3)
    assert roughness(flat) == 0.0
    noise = np.random.default_rng(0).normal(size=(784, 10))
    # E|x - y| / E|x| = sqrt(2) for independent Gaussians.
    assert roughness(noise) == pytest.approx(np.sqrt(2), rel=0.03)


def test_a_smooth_ramp_scores_far_below_noise():
    ramp = np.tile(np.add.outer(np.arange(28), np.arange(28)).ravel()[:, None] / 54.0,
                   (1, 10))
    assert roughness(ramp) < 0.1 < 1.3 < roughness(
        np.random.default_rng(1).normal(size=(784, 10)))


def test_scale_free_and_column_images():
    rng = np.random.default_rng(2)
    weights = rng.normal(size=(784, 3))
    assert roughness(100 * weights) == pytest.approx(roughness(weights))
    # Column i is image i: a flat first column among noisy ones scores
    # between the flat one alone and the noisy ones alone.
    weights[:, 0] = 1.0
    assert 0 == roughness(weights[:, :1]) < roughness(weights) < roughness(weights[:, 1:])


def test_mask_keeps_pairs_inside_it():
    """Noise outside a smooth centre: over the centre alone the image is
    smooth."""
    images = np.random.default_rng(3).normal(size=(28, 28))
    images[4:24, 4:24] = 1.0
    mask = np.zeros((28, 28), bool)
    mask[4:24, 4:24] = True
    weights = images.reshape(784, 1)
    assert roughness(weights, mask=mask.ravel()) == 0.0
    assert roughness(weights) > 0.3


def test_image_correlation():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(784, 10))
    assert image_correlation(a, 3 * a + 1) == pytest.approx(1.0)
    assert image_correlation(a, -a) == pytest.approx(-1.0)
    assert abs(image_correlation(a, rng.normal(size=(784, 10)))) < 0.05


def test_template_correlation_sees_each_digits_shadow():
    """Weights equal to each class's mean image correlate 1 with their
    digits; weights of another class's image, or noise, far less."""
    from harness.analysis.image_smoothness import template_correlation

    rng = np.random.default_rng(4)
    prototypes = rng.random((3, 64))
    labels = np.repeat(np.arange(3), 50)
    images = prototypes[labels] + 0.05 * rng.normal(size=(150, 64))
    means = np.stack([images[labels == d].mean(axis=0) for d in range(3)], axis=1)
    assert template_correlation(means, images, labels) == pytest.approx(1.0)
    assert template_correlation(means[:, [1, 2, 0]], images, labels) < 0.5
    assert abs(template_correlation(rng.normal(size=(64, 3)), images, labels)) < 0.5
    one_hot = np.eye(3)[labels]
    assert template_correlation(means, images, one_hot) == pytest.approx(1.0)
    mask = np.arange(64) < 32
    assert template_correlation(means, images, labels, mask) == pytest.approx(1.0)
