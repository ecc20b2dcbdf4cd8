"""A 1-D regression fit in one panel: the data, the true mean and the
learned function."""

from harness.plotting.panels import plot_panels


def draw_fit(ax, train, test, truth, learned, learned_label="learned",
             at_test=None, at_test_label="learned at the test points",
             ylim=(-3, 3)):
    """Draws the training and test points, the true mean and the learned
    function.

    Args:
        ax: the Matplotlib axes.
        train, test: `(x, y)` of the training and test points.
        truth: `(grid, values)` of the noise-free mean.
        learned: `(grid, values)` of the learned function.
        learned_label: its legend entry.
        at_test: optional predictions at the test points' `x` (when the
            model sees more than `x`, these scatter about the curve), with
            `at_test_label` in the legend.
        ylim: the y range shown.
    """
    ax.scatter(*train, s=8, c="tab:blue", label="train")
    ax.scatter(*test, s=8, c="tab:orange", marker="x", label="test")
    ax.plot(*truth, "k--", lw=1, label="true mean")
    ax.plot(*learned, "r", lw=1.5, label=learned_label)
    if at_test is not None:
        ax.scatter(test[0], at_test, s=10, c="tab:red", marker="D", alpha=0.6,
                   label=at_test_label)
    ax.set_ylim(*ylim)


def plot_fits(fits, train, test, truth, titles, title, learned_label="learned",
              at_test_label="learned at the test points"):
    """One `draw_fit` panel per key of `fits` (`{key: (learned, at_test)}`,
    `at_test` or `None` as `draw_fit` takes them), on the same data and true
    mean; returns the figure (`harness.plotting.panels.plot_panels`)."""
    def draw(ax, key):
        learned, at_test = fits[key]
        draw_fit(ax, train, test, truth, learned, learned_label, at_test, at_test_label)

    return plot_panels(list(fits), draw, titles, title, "x", "y")
