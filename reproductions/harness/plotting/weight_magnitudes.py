"""Histograms of log10 |w|, one panel per variant, the near-zero window
marked and the share of weights inside it written on each panel."""

import matplotlib.pyplot as plt
import numpy as np


def plot_weight_magnitudes(weights, title, atol=1e-3, notes=None, cols=4, floor=1e-9):
    """Draws `{label: weights}` as histograms of log10 |w| on shared bins.

    On a log scale of magnitudes the weights near zero (L1's sparse ones)
    and the bulk of small weights (L2's diffuse ones) separate: the window
    |w| <= `atol` is shaded, and each panel gives the share of its weights
    inside it. Exact zeros are drawn at `floor`.

    Args:
        weights: dict of label to array-like (flattened).
        title: the figure's title.
        atol: the near-zero window.
        notes: optional `{label: text}` written under a panel's title.
        cols: panels per row.
        floor: where |w| = 0 is drawn.

    Returns:
        The `matplotlib.figure.Figure`.
    """
    if not weights:
        raise ValueError("Invalid value received for argument `weights`: "
                         "expected at least one array, received none.")
    logs = {k: np.log10(np.maximum(np.abs(np.asarray(v, np.float64).ravel()), floor))
            for k, v in weights.items()}
    finite = np.concatenate([v[np.isfinite(v)] for v in logs.values()])
    edges = np.linspace(min(finite.min(), np.log10(atol) - 1), max(finite.max(), 0.0), 61)
    cols = min(cols, len(logs))
    rows = -(-len(logs) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.8 * rows),
                             sharex=True, sharey=True, squeeze=False)
    for ax, (label, values) in zip(axes.ravel(), logs.items()):
        near = float(np.mean(values <= np.log10(atol))) if values.size else float("nan")
        ax.hist(values, bins=edges, color="tab:blue")
        ax.axvspan(edges[0], np.log10(atol), color="tab:orange", alpha=0.2)
        ax.set_yscale("log")
        ax.text(0.03, 0.95, f"{near:.1%} within {atol:g}", transform=ax.transAxes,
                va="top", fontsize=8, color="tab:orange", fontweight="bold")
        note = (notes or {}).get(label, "")
        ax.set_title(label + (f"\n{note}" if note else ""), fontsize=8)
        ax.grid(True, alpha=0.3)
    for ax in axes.ravel()[len(logs):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("log10 |w|")
    for ax in axes[:, 0]:
        ax.set_ylabel("weights (log)")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
