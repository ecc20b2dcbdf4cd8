"""`harness.plotting.variant_weight_images`: one figure per variant, the
first seed's images, and the scale figure only where a scale exists."""

import numpy as np

from harness.plotting.variant_weight_images import variant_weight_figures


def test_one_figure_per_variant_from_the_first_seed(rng):
    first, second = rng.normal(size=(2, 784, 10))
    numbers = {"none": {"weights": np.stack([first, second])},
               "gaussian": {"weights": np.stack([first, second]),
                            "scale": np.stack([np.abs(first) * 10, second])}}
    figures = variant_weight_figures(numbers, {"none": "None", "gaussian": "G"}, "run")
    assert sorted(figures) == ["gaussian_scale.png", "weights_gaussian.png",
                               "weights_none.png"]
    shown = figures["weights_none.png"].axes[0].images[0].get_array()
    np.testing.assert_allclose(shown, first[:, 0].reshape(28, 28))
    scale = figures["gaussian_scale.png"].axes[0].images[0].get_array()
    assert scale.max() <= 5  # clipped as the article drew it
    assert figures["weights_none.png"]._suptitle.get_text().startswith("None:")
