"""A curve repeated over seeds drawn as its mean with a band: the range of
the seeds (min to max), so a gain one seed shows and the others do not is
seen as such."""

import numpy as np


def draw_seed_band(ax, x, per_seed, color, label, **line):
    """Draws the mean over seeds of `per_seed` (one list of points per
    seed, each at `x`) as a line labelled `label` (with `(n seeds)`), and
    the seeds' range as a band of the same colour. Returns the mean."""
    points = np.asarray(per_seed, dtype=float)
    mean = points.mean(axis=0)
    seeds = len(points)
    ax.plot(x, mean, color=color, label=f"{label}" + (
        f" (mean of {seeds} seeds)" if seeds > 1 else ""), **line)
    if seeds > 1:
        ax.fill_between(x, points.min(axis=0), points.max(axis=0), color=color,
                        alpha=0.18, linewidth=0)
    return mean
