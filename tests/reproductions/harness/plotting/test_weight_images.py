import numpy as np
import pytest

from harness.plotting.weight_images import TITLE_BAND_INCHES, plot_weight_images


def title_band_inches(fig):
    return (1 - fig.subplotpars.top) * fig.get_size_inches()[1]


def test_title_band_keeps_its_height_and_text_grows_with_width():
    """Ten images in two rows (article 000) and 256 in sixteen rows (the
    autoencoder): the band above the panels is the same few inches, not a
    share of a tall figure, and a wide figure gets larger text."""
    rng = np.random.default_rng(0)
    small = plot_weight_images(rng.normal(size=(784, 10)), "t", rows=2)
    large = plot_weight_images(rng.normal(size=(784, 256)), "t", rows=16,
                               labels=[""] * 256)
    assert title_band_inches(small) == pytest.approx(TITLE_BAND_INCHES, rel=1e-6)
    assert title_band_inches(large) == pytest.approx(2 * TITLE_BAND_INCHES, rel=1e-6)
    assert large.texts[0].get_fontsize() == 2 * small.texts[0].get_fontsize()
    bar = large.axes[-1]
    assert bar.get_yticklabels()[0].get_fontsize() == 20


def test_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="Expected shape"):
        plot_weight_images(np.zeros((100, 3)), "t")
