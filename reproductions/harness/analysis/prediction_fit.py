"""How a model's prediction of a 1-D signal on a grid of x matches it: the
share of the noise-free signal it explains, how rough it is against the
noisy data, and whether its error follows the data's noise
(`fit_measures` gives them all for one prediction).
"""

import numpy as np


def r2(prediction, target):
    """1 - MSE / variance of `target`: the share of `target`'s variance the
    prediction explains (1: all of it; 0: no better than its mean)."""
    prediction = np.asarray(prediction, np.float64)
    target = np.asarray(target, np.float64)
    return float(1 - np.mean((prediction - target) ** 2) / np.var(target))


def high_frequency(curve, window):
    """A curve on an even grid minus its moving average over `window`
    points; NaN at the edges the window does not cover."""
    curve = np.asarray(curve, dtype=np.float64)
    smooth = np.convolve(curve, np.ones(window) / window, mode="same")
    high = curve - smooth
    half = window // 2
    high[:half] = np.nan
    high[len(high) - half:] = np.nan
    return high


def rms(values):
    """The root mean square, NaN values left out."""
    return float(np.sqrt(np.nanmean(np.square(values))))


def roughness(curve, data, window, where=None):
    """The RMS of `curve`'s `high_frequency` (over the points `where`, a
    boolean mask; all by default) over the RMS of the noisy `data`'s: 0 for
    a smooth curve, 1 for one as rough as the data."""
    high = high_frequency(curve, window)
    if where is not None:
        high = high[np.asarray(where, bool)]
    return ratio(rms(high), rms(high_frequency(data, window)))


def ratio(a, b):
    """a / b, inf or NaN (not an error) for b = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(a) / np.float64(b))


def noise_fit(prediction, clean, data, where):
    """The correlation, over the points `where`, of the prediction's error
    against the noise-free signal with the data's noise (`data - clean`):
    1 when the prediction follows the noise exactly; NaN for an error that
    does not vary there."""
    where = np.asarray(where, bool)
    clean = np.asarray(clean, np.float64)
    error = (np.asarray(prediction, np.float64) - clean)[where]
    noise = (np.asarray(data, np.float64) - clean)[where]
    if np.std(error) == 0:
        return float("nan")
    return float(np.corrcoef(error, noise)[0, 1])


def fit_measures(prediction, clean, data, train, hard, first, window):
    """How one prediction on the grid matches the signal.

    Args:
        prediction, clean, data: the prediction, the noise-free signal and
            the noisy data on the grid of x.
        train: boolean mask of the grid points in the training set.
        hard: boolean mask of a region of interest (a hard one).
        first: boolean mask of the first part of the x range.
        window: the moving average of `roughness`, in grid points.

    Returns:
        A dict: `clean_correlation` (0 for a constant prediction) and
        `clean_r2` against the noise-free signal, `clean_r2_first_part` and
        `clean_r2_rest` over `first` and the rest, `hard_region_error_ratio`
        (the RMS error in `hard` over that elsewhere), `roughness` and
        `hard_region_roughness` (over `hard`), `noise_fit` over the training
        points, and `prediction_spread` (the prediction's std over the
        data's).
    """
    spread = float(np.std(prediction) / np.std(data))
    prediction = np.asarray(prediction, np.float64)
    clean = np.asarray(clean, np.float64)
    hard, first = np.asarray(hard, bool), np.asarray(first, bool)
    error = prediction - clean
    return {
        "clean_correlation": float(np.corrcoef(prediction, clean)[0, 1])
        if np.std(prediction) > 0 else 0.0,
        "clean_r2": r2(prediction, clean),
        "clean_r2_first_part": r2(prediction[first], clean[first]),
        "clean_r2_rest": r2(prediction[~first], clean[~first]),
        "hard_region_error_ratio": ratio(rms(error[hard]), rms(error[~hard])),
        "roughness": roughness(prediction, data, window),
        "hard_region_roughness": roughness(prediction, data, window, hard),
        "noise_fit": noise_fit(prediction, clean, data, train),
        "prediction_spread": spread,
    }
