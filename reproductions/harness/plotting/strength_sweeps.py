"""Figures of a sweep over a regularizer's strength: one distinct colour
per strength (a qualitative palette, in strength order), the same colours in
every figure of a sweep.

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

PALETTE = [*matplotlib.colormaps["tab10"].colors, "navy", "olive"]


def strength_colors(count, cmap=None):
    """`count` colours that can be told apart (tab10, then navy and olive;
    a colormap `cmap` only beyond those twelve)."""
    if count <= len(PALETTE):
        return PALETTE[:count]
    return [matplotlib.colormaps[cmap or "viridis"](i / (count - 1)) for i in range(count)]


def plot_loss_per_strength(curves, symbol, what, title, cmap=None):
    """`{strength: (steps, train_loss, val_loss)}`: the training and the
    validation curves, a panel each, one colour per strength, on
    logarithmic y axes, the legend outside the panels; returns the figure.

    Args:
        curves: the curves of each strength.
        symbol: the strength's name in the legend (`lambda`, `p`).
        what: the regularizer, in the title.
        title: the line under the title (the run's label).
        cmap: a colormap, used only beyond twelve strengths.
    """
    strengths = sorted(curves)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for strength, color in zip(strengths, strength_colors(len(strengths), cmap)):
        steps, *losses = curves[strength]
        for ax, loss in zip(axes, losses):
            ax.plot(steps, loss, color=color, lw=1, label=f"{symbol}={strength:g}")
    for ax, name in zip(axes, ("training", "validation")):
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel(f"{name} MSE (log)")
        ax.set_title(name, fontsize=9)
        ax.grid(True, alpha=0.3)
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
    fig.suptitle(f"Loss per {what} strength\n{title}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_predictions_per_strength(x, data, predictions, symbol, title, on=None):
    """A panel per strength (`{strength: prediction on x}`), five to a row:
    the noisy `data` in grey, the prediction in red (dropout off), with `on`
    (`{strength: one prediction with dropout on}`) in blue beside it, and
    the data's mean dotted. Returns the figure."""
    strengths = sorted(predictions)
    on = on or {}

    def draw(ax, strength):
        ax.scatter(x, data, s=1, c="grey", label="data")
        if on:  # an empty line where a panel has none: the legend names it
            ax.plot(x if len(on.get(strength, ())) else [], on.get(strength, []),
                    color="tab:blue", lw=0.7, alpha=0.8, label="dropout on (one pass)")
        ax.plot(x, predictions[strength], "r", lw=1,
                label="prediction" + (" (dropout off)" if on else ""))
        ax.axhline(float(np.mean(data)), color="k", ls=":", lw=0.8, label="data mean")

    return plot_panels(strengths, draw, [f"{symbol} = {s:g}" for s in strengths],
                       title, "x", "F(x)", cols=5)


MASS = 0.99  # the linear density panel spans this share of the parameters


def plot_densities_per_strength(before, after, symbol, what, title, cmap,
                                init_limit):
    """The density of the parameters before training (`before`, black) and
    after it at each strength (`{strength: values}`); the left panel linear
    over the range holding `MASS` of all parameters (and `init_limit`),
    saying so, the right logarithmic over every value. Returns the figure."""
    strengths = sorted(after)
    colors = strength_colors(len(strengths), cmap)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    every = np.abs(np.concatenate([after[s] for s in strengths]))
    for ax, logy in zip(axes, (False, True)):
        reach = float(np.quantile(every, MASS)) if not logy else float(every.max())
        high = max(reach, init_limit) * 1.05
        grid = np.linspace(-high, high, 600)
        plot_densities(ax, {"before (uniform init)": before}, grid, ["k"], logy)
        plot_densities(ax, {f"{symbol}={s:g}": after[s] for s in strengths}, grid,
                       colors, logy)
        ax.set_xlabel("parameter value")
        ax.set_ylabel("density" + (" (log)" if logy else ""))
        ax.grid(True, alpha=0.3)
    axes[0].set_title(f"linear: |value| <= {high:.2g} ({MASS:.0%} of the "
                      "parameters; the rest clipped)", fontsize=8)
    axes[1].set_title("log: every value", fontsize=8)
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
    fig.suptitle(f"Kernel density of all parameters, before and after "
                 f"training ({what})\n{title}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_spread_against_strength(panels, flat, title):
    """A column per sweep: the parameters' IQR after training (log), the
    predictions' spread (std over x / the data's; dropout off and, where
    given, on) with the line below which a model "predicts the mean", and
    the effective number of last-hidden units the output draws on.

    Args:
        panels: a list of `(xlabel, strengths, parameter_iqr,
            prediction_spread, spread_dropout_on or None, effective_units,
            log_x)`, one per sweep, sorted by strength; on a logarithmic x
            axis a strength of 0 is not drawn.
        flat: the spread below which a model predicts the mean.
        title: the figure's title.
    """
    fig, axes = plt.subplots(3, len(panels), figsize=(10, 8), squeeze=False)
    for column, (xlabel, strengths, iqr, spread, on, units, log_x) in enumerate(panels):
        strengths = np.asarray(strengths, dtype=np.float64)
        xs = np.where(strengths > 0, strengths, np.nan) if log_x else strengths
        top, middle, bottom = axes[:, column]
        top.plot(xs, iqr, "o-", color="tab:green")
        top.set_yscale("log" if log_x else "linear")
        top.set_ylabel("parameter IQR after training" + (" (log)" if log_x else ""))
        middle.plot(xs, spread, "s-", color="tab:red", label="dropout off")
        if on is not None:
            middle.plot(xs, on, "^-", color="tab:blue", label="dropout on (mean of passes)")
        middle.axhline(flat, color="grey", ls=":", lw=0.8,
                       label=f"'predicts the mean' below {flat}")
        middle.set_ylabel("prediction std / data std")
        middle.legend(fontsize=7)
        bottom.plot(xs, units, "d-", color="tab:purple")
        bottom.set_ylabel("effective output units")
        for ax in axes[:, column]:
            if log_x and (strengths > 0).any():
                ax.set_xscale("log")
            ax.set_xlabel(xlabel)
            ax.grid(True, alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
