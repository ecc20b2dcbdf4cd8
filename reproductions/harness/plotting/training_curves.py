"""Training curves in one panel: several named error curves on a log
scale, with the epochs where something changed marked."""

from harness.plotting.panels import plot_panels


def draw_curves(ax, curves, marks=(), logy=True):
    """Draws each `(x, y, label, style)` of `curves` as a thin line (`style`
    a Matplotlib format such as "--", or "" for a solid line in the next
    colour), a dotted grey vertical line at each of `marks` (the epochs
    where the learning rate dropped, say) and a log y axis."""
    for x, y, label, style in curves:
        ax.plot(x, y, style, lw=1, label=label)
    for mark in marks:
        ax.axvline(mark, color="grey", lw=0.5, ls=":")
    if logy:
        ax.set_yscale("log")


def plot_curve_panels(curves, titles, title, xlabel="epoch", ylabel="MSE", marks=(),
                      logy=True):
    """One panel per key of `curves` (`{key: [(x, y, label, style), ...]}`),
    each drawn by `draw_curves`; returns the figure
    (`harness.plotting.panels.plot_panels`)."""
    def draw(ax, key):
        draw_curves(ax, curves[key], marks, logy)

    return plot_panels(list(curves), draw, titles, title, xlabel, ylabel)
