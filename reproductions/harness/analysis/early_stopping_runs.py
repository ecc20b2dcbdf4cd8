"""Early-stopped runs as a results table holds them: each seed's curve by
epoch, and the epoch whose weights were restored; and what the curves do
after that epoch.

The table has one row per seed and epoch: `epoch`, `chosen` (true on the
epoch whose weights were restored), the curves (`loss`, `val_loss`,
`test_accuracy`, ...) and, where several seeds ran, `seed`.
"""

import numpy as np
import pandas as pd


def stopping_table(loss, val_loss, test_accuracy, chosen, restored_accuracy):
    """One run's rows: its curves per epoch (from 1), `chosen` true on the
    epoch whose weights were restored, and `restored_test_accuracy` (the
    model after training, those weights restored) on that row only."""
    epochs = np.arange(1, len(loss) + 1)
    is_chosen = epochs == chosen
    return pd.DataFrame({"epoch": epochs, "loss": loss, "val_loss": val_loss,
                         "test_accuracy": test_accuracy, "chosen": is_chosen,
                         "restored_test_accuracy": np.where(
                             is_chosen, restored_accuracy, np.nan)})


def stopping_runs(frame):
    """`[(seed, run, chosen)]`: each seed's rows indexed by epoch, and its
    chosen epoch (`None` unless exactly one row is chosen). A table without
    a `seed` column is seed 0."""
    runs = []
    for seed, run in frame.groupby("seed") if "seed" in frame else [(0, frame)]:
        run = run.sort_values("epoch").set_index("epoch")
        chosen = run.index[run["chosen"].astype(bool)]
        runs.append((seed, run, int(chosen[0]) if len(chosen) == 1 else None))
    return runs


def check_runs(frame, check):
    """`[(seed, holds, words)]` of `check(run, chosen) -> (holds, words)` on
    each seed's run; `None` where a seed has not exactly one chosen epoch."""
    runs = stopping_runs(frame)
    if any(chosen is None for _, _, chosen in runs):
        return None
    return [(seed, *check(run, chosen)) for seed, run, chosen in runs]


def losses_turn(run, chosen):
    """`(holds, words)`: whether every validation loss after the chosen
    epoch lies above the chosen one's while the training loss ends below
    its value there; the words give the numbers."""
    after = run.loc[run.index > chosen, "val_loss"]
    at = run.loc[chosen]
    holds = (len(after) > 0 and bool((after > at["val_loss"]).all())
             and bool(run["loss"].iloc[-1] < at["loss"]))
    later = (f"{after.min():.4f} to {after.max():.4f} after it" if len(after)
             else "no epoch after it")
    return holds, (f"chosen epoch {chosen} of {len(run)}, training loss "
                   f"{at['loss']:.4f} there, {run['loss'].iloc[-1]:.4f} at the end; "
                   f"validation loss {at['val_loss']:.4f} there, {later}")


def restored_is_chosen(run, chosen, tolerance):
    """`(holds, words)`: whether the restored model's test accuracy equals
    the one recorded at the chosen epoch (within `tolerance`) and the chosen
    epoch has the least validation loss."""
    restored = run.at[chosen, "restored_test_accuracy"]
    recorded = run.at[chosen, "test_accuracy"]
    lowest = int(run["val_loss"].idxmin())
    return (bool(abs(restored - recorded) < tolerance) and lowest == chosen,
            f"restored {restored:.4f}, recorded at epoch {chosen} {recorded:.4f}; "
            f"least validation loss at epoch {lowest}")
