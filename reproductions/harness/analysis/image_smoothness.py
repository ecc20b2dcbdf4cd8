"""How smooth a weight image is, how alike two sets of them are, and how
alike each is to the digit it stands for.

Article 000 judges its weight images by eye ("salt-and-pepper", "much
smoother", "the same effect as L2"). These are the measures its ledger
decides those words by.
"""

import numpy as np


def _images(weights, side):
    """`(units, side, side)` float64 images from a `(side*side, units)`
    weight matrix (one image per column, as the figures draw them)."""
    weights = np.asarray(weights, dtype=np.float64)
    return weights.T.reshape(-1, side, side)


def roughness(weights, side=28, mask=None):
    """Mean absolute difference between neighbouring pixels, relative to
    the mean absolute weight.

    Over every horizontally or vertically adjacent pair of pixels of every
    image (column of `weights`): `mean |w_p - w_q| / mean |w|`. A smooth
    image, whose neighbours are alike, scores near 0; independent noise
    scores about 1.4 (for a Gaussian, E|x - y| / E|x| = sqrt(2)). The ratio
    does not change when the weights are scaled, so a strongly penalized
    model is not called smooth for being small.

    Args:
        weights: `(side*side, units)`, e.g. the 784x10 matrix of article 000.
        side: the images' side in pixels.
        mask: optional boolean `(side*side,)`: only pairs whose two pixels are
            both in the mask count, and only masked pixels in the scale.
    """
    images = _images(weights, side)
    keep = (np.ones((side, side), bool) if mask is None
            else np.asarray(mask, bool).reshape(side, side))
    horizontal = np.abs(np.diff(images, axis=2))[:, keep[:, 1:] & keep[:, :-1]]
    vertical = np.abs(np.diff(images, axis=1))[:, keep[1:, :] & keep[:-1, :]]
    differences = np.concatenate([horizontal.ravel(), vertical.ravel()])
    return float(differences.mean() / np.abs(images[:, keep]).mean())


def image_correlation(a, b):
    """The Pearson correlation of two weight matrices' images, column by
    column (digit by digit), averaged over the columns."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.mean([np.corrcoef(a[:, i], b[:, i])[0, 1]
                          for i in range(a.shape[1])]))


def template_correlation(weights, images, labels, mask=None):
    """How much each weight image looks like its digit: the Pearson
    correlation of column `d` of `weights` with the mean of the `images` of
    class `d` (the digit's "shadow"), averaged over the classes.

    Args:
        weights: `(pixels, classes)`.
        images: `(n, pixels)`, one image per row.
        labels: `(n,)` class indices or `(n, classes)` one-hot rows.
        mask: optional boolean `(pixels,)`: the pixels compared (the inked
            ones, say; a pixel no image inks has no shadow to match).
    """
    weights = np.asarray(weights, dtype=np.float64)
    images = np.asarray(images, dtype=np.float64)
    labels = np.asarray(labels)
    labels = labels.argmax(axis=1) if labels.ndim == 2 else labels
    keep = np.ones(weights.shape[0], bool) if mask is None else np.asarray(mask, bool)
    return float(np.mean([
        np.corrcoef(weights[keep, d], images[labels == d][:, keep].mean(axis=0))[0, 1]
        for d in range(weights.shape[1])]))
