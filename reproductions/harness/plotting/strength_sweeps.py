"""Figures of a sweep over a regularizer's strength: one colour per
strength, darker for stronger, the same colours in every figure of a sweep.

- `plot_loss_per_strength`: a training curve per strength (log scale);
- `plot_predictions_per_strength`: a panel per strength, its prediction of a
  1-D signal over the data;
- `plot_densities_per_strength`: the parameters' density before training
  and after it at each strength, on a linear and a logarithmic panel;
- `plot_spread_against_strength`: two summary numbers of each trained model
  against its strength, a panel per sweep.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from harness.plotting.densities import plot_densities
from harness.plotting.panels import plot_panels


def strength_colors(count, cmap):
    """`count` colours of the Matplotlib colormap `cmap`, light to dark."""
    return [matplotlib.colormaps[cmap](0.3 + 0.7 * i / max(1, count - 1))
            for i in range(count)]


def plot_loss_per_strength(curves, symbol, what, title, cmap):
    """`{strength: (steps, loss)}` as one line per strength, darker for
    stronger, on a logarithmic y axis; returns the figure.

    Args:
        curves: the training curve of each strength.
        symbol: the strength's name in the legend (`lambda`, `p`).
        what: the regularizer, in the title ("darker = stronger `what`").
        title: the line under the title (the run's label).
        cmap: the sweep's colormap.
    """
    strengths = sorted(curves)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for strength, color in zip(strengths, strength_colors(len(strengths), cmap)):
        steps, loss = curves[strength]
        ax.plot(steps, loss, color=color, label=f"{symbol}={strength:g}")
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("training MSE (log)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(f"Training loss, darker = stronger {what}\n{title}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_predictions_per_strength(x, data, predictions, symbol, title):
    """A panel per strength (`{strength: prediction on x}`), five to a row:
    the noisy `data` in grey, the prediction in red and the data's mean
    dotted. Returns the figure."""
    strengths = sorted(predictions)

    def draw(ax, strength):
        ax.scatter(x, data, s=1, c="grey", label="data")
        ax.plot(x, predictions[strength], "r", lw=1, label="prediction")
        ax.axhline(float(np.mean(data)), color="k", ls=":", lw=0.8, label="data mean")

    return plot_panels(strengths, draw, [f"{symbol} = {s:g}" for s in strengths],
                       title, "x", "F(x)", cols=5)


def plot_densities_per_strength(before, after, symbol, what, title, cmap,
                                init_limit):
    """The density of the parameters before training (`before`, black) and
    after it at each strength (`{strength: values}`), over a grid reaching a
    little past the largest |value| (and `init_limit`); the left panel
    linear, the right logarithmic. Returns the figure."""
    strengths = sorted(after)
    colors = strength_colors(len(strengths), cmap)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, logy in zip(axes, (False, True)):
        every = np.concatenate([after[s] for s in strengths])
        high = max(float(np.abs(every).max()), init_limit) * 1.05
        grid = np.linspace(-high, high, 600)
        plot_densities(ax, {"before (uniform init)": before}, grid, ["k"], logy)
        plot_densities(ax, {f"{symbol}={s:g}": after[s] for s in strengths}, grid,
                       colors, logy)
        ax.set_xlabel("parameter value")
        ax.set_ylabel("density" + (" (log)" if logy else ""))
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Kernel density of all parameters, before and after "
                 f"training ({what})\n{title}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_spread_against_strength(panels, flat, title):
    """A panel per sweep: the parameters' std after training and the
    predictions' spread (std over x / the data's) against the strength, with
    the line below which a model "predicts the mean".

    Args:
        panels: a list of `(xlabel, strengths, parameter_std,
            prediction_spread, log_x)`, one per sweep, sorted by strength;
            on a logarithmic x axis a strength of 0 is not drawn.
        flat: the spread below which a model predicts the mean.
        title: the figure's title.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(10, 3.6), squeeze=False)
    for ax, (xlabel, strengths, std, spread, log_x) in zip(axes.flat, panels):
        strengths = np.asarray(strengths, dtype=np.float64)
        xs = np.where(strengths > 0, strengths, np.nan) if log_x else strengths
        ax.plot(xs, std, "o-", label="parameter std after")
        ax.plot(xs, spread, "s-", label="prediction std / data std")
        ax.axhline(flat, color="grey", ls=":", lw=0.8,
                   label=f"'predicts mean' < {flat}")
        if log_x and (strengths > 0).any():
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
