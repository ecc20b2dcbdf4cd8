"""How far a network's weights ran away in training: the summary of its
largest per-unit weight norm and its loss, step by step."""

import numpy as np
import pandas as pd


def norm_divergence(steps, norms, losses, limit):
    """The summary of one run's per-step unit norms and losses.

    Args:
        steps: the step of each norm (the first may be 0, before training).
        norms: the largest per-unit weight norm at each step (inf or NaN
            where the weights overflowed).
        losses: the loss of each step (as many as the steps after the
            first).
        limit: the norm counted as exploded.

    Returns:
        A dict: `largest_unit_norm_ever` (inf once any norm is not
        finite), `final_unit_norm`, `first_step_over_limit` (the first step
        whose norm is above `limit` or not finite, -1 if none),
        `largest_loss` (inf once any loss is not finite) and `final_loss`.
    """
    norms = np.asarray(norms, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    blown = np.flatnonzero(~np.isfinite(norms) | (norms > limit))
    return {
        "largest_unit_norm_ever": float(np.nanmax(np.where(np.isfinite(norms),
                                                           norms, np.inf))),
        "final_unit_norm": float(norms[-1]),
        "first_step_over_limit": int(steps[blown[0]]) if blown.size else -1,
        "largest_loss": float(np.nanmax(np.where(np.isfinite(losses), losses,
                                                 np.inf))),
        "final_loss": float(losses[-1]),
    }


def divergence_tables(runs, limit, columns, over_name="over_limit"):
    """`(summary, per step)` of runs `{network: {"step", "max_unit_norm",
    "loss", "test_accuracy"}}` (the first loss before any step, NaN): a
    summary row per network (`network`, `columns`, `norm_divergence`'s
    numbers, `over_limit` renamed `over_name`, `test_accuracy`), and the
    unit norms and losses of every step."""
    rows = [{"network": name, **columns, **{
        k.replace("over_limit", over_name): v for k, v in norm_divergence(
            r["step"], r["max_unit_norm"], r["loss"][1:], limit).items()},
        "test_accuracy": r["test_accuracy"]} for name, r in runs.items()]
    return pd.DataFrame(rows), pd.concat(
        [pd.DataFrame({"network": name, **{k: r[k] for k in ("step", "max_unit_norm",
                                                              "loss")}})
         for name, r in runs.items()], ignore_index=True)
