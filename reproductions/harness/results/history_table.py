"""Training curves as one long table: a row per run and epoch (or step)."""

import pandas as pd


def history_table(runs):
    """`[(columns, curves), ...]` as one table: each run's `curves`
    (`{"epoch": [...], "test_mse": [...], ...}`, all of one length) as rows,
    beside its `columns` (`{"setting": ..., "seed": ...}`), in order."""
    return pd.concat([pd.DataFrame({**columns, **curves}) for columns, curves in runs],
                     ignore_index=True)
