import matplotlib.pyplot as plt
import numpy as np
import pytest

from harness.plotting.densities import parameter_density, plot_densities


def test_density_integrates_to_one_and_spikes_for_constant_values():
    grid = np.linspace(-3, 3, 601)
    values = np.random.default_rng(0).normal(size=2000)
    step = grid[1] - grid[0]
    assert parameter_density(values, grid).sum() * step == pytest.approx(1, abs=0.01)
    spike = parameter_density(np.full(10, 0.5), grid)
    assert spike.sum() * step == pytest.approx(1)
    assert grid[np.argmax(spike)] == pytest.approx(0.5)


def test_log_panel_ends_just_above_the_highest_curve():
    """The log axis runs from the floor to a few times the highest density,
    not decades above every curve."""
    grid = np.linspace(-3, 3, 601)
    rng = np.random.default_rng(1)
    fig, ax = plt.subplots()
    plot_densities(ax, {"wide": rng.normal(size=500)}, grid, ["k"], logy=True)
    plot_densities(ax, {"narrow": 0.01 * rng.normal(size=500)}, grid, ["r"],
                   logy=True)
    highest = max(line.get_ydata().max() for line in ax.lines)
    low, high = ax.get_ylim()
    assert low == 1e-3 and highest < high <= 3 * highest * (1 + 1e-9)
    plt.close(fig)
