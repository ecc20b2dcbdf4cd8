import numpy as np

from harness.data.ink import ink_pixels


def test_a_pixel_counts_when_any_image_inks_it():
    images = np.zeros((3, 2, 2))
    images[1, 0, 1] = 0.5
    images[2, 1, 1] = 1.0
    np.testing.assert_array_equal(ink_pixels(images), [False, True, False, True])
    np.testing.assert_array_equal(ink_pixels(images.reshape(3, 4)),
                                  ink_pixels(images))
