"""Kernel density estimates of parameter values ("smooth histograms")."""

import numpy as np
from scipy.stats import gaussian_kde


def parameter_density(values, grid, max_points=20000, seed=0):
    """`scipy.stats.gaussian_kde` of `values` evaluated on `grid`.

    At most `max_points` values (a fixed random subset) enter the estimate.
    A distribution of (nearly) identical values has no density: the result is
    then a narrow spike of unit area at their mean on the grid.
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if len(values) > max_points:
        values = np.random.default_rng(seed).choice(values, max_points, replace=False)
    grid = np.asarray(grid, dtype=np.float64)
    if values.std() < 1e-12 * max(1.0, abs(values.mean())) or len(values) < 2:
        spike = np.zeros_like(grid)
        spike[np.argmin(np.abs(grid - values.mean()))] = 1.0 / (grid[1] - grid[0])
        return spike
    return gaussian_kde(values)(grid)


def plot_densities(ax, curves, grid, colors, logy=False, floor=1e-3):
    """Draws `{label: values}` as densities on `grid` in `ax`.

    With `logy`, the y axis is logarithmic from `floor` to a little above the
    highest density drawn in `ax` so far (Matplotlib's own log limits can run
    many decades above every curve).
    """
    for (label, values), color in zip(curves.items(), colors):
        ax.plot(grid, parameter_density(values, grid), color=color, label=label, lw=1.2)
    if logy:
        ax.set_yscale("log")
        top = max(float(np.nanmax(line.get_ydata())) for line in ax.lines)
        ax.set_ylim(floor, max(top, floor) * 3)
