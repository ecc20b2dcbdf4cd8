"""Mean and sd over seeds: how the scripts summarize repeated runs.

A noisy comparison in a claims ledger is decided on the mean of several
seeds, with their sd as the spread (`harness.claims.rules`).
The sd is the sample sd (ddof 1); with one seed it is NaN, which
`beyond_spread` counts as no spread at all.
"""

import numpy as np
import pandas as pd


def seed_range(first, count):
    """The seeds a script trains over: `count` consecutive seeds from `first`
    (its `--seed`), `--seed` first."""
    return list(range(first, first + count))


def per_seed(values):
    """Mean and sd (ddof 1; NaN for one value) of one number per seed."""
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else np.nan


def seed_statistics(runs, by, columns):
    """One row per group of `runs` (one row per run, a `seed` column among
    them): each of `columns` as its mean over the seeds, beside `<column>_sd`,
    and `seeds`, the number of runs in the group. Groups keep the order in
    which they first appear."""
    by = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, group in runs.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(by, key))
        for column in columns:
            row[column], row[f"{column}_sd"] = per_seed(group[column])
        row["seeds"] = len(group)
        rows.append(row)
    return pd.DataFrame(rows)


def seed_means(rows, by):
    """`seed_statistics` of `rows` (dicts, one per run, with `seed`) over
    each of their other columns, the measures; a measure no run could make
    (NaN in every row: a window too short, say) is left out, so that a
    ledger names it missing rather than deciding on NaN."""
    frame = pd.DataFrame(rows)
    by = [by] if isinstance(by, str) else list(by)
    return seed_statistics(frame, by, [c for c in frame.columns if c not in
                                       (*by, "seed") and frame[c].notna().any()])


def mean_and_sd(frame, column):
    """`(mean, sd)` of a column of a `seed_statistics` frame's single row,
    the sd NaN where the frame has none (a table written by one seed)."""
    row = frame.iloc[0] if isinstance(frame, pd.DataFrame) else frame
    sd = row.get(f"{column}_sd", np.nan)
    return float(row[column]), float(sd) if pd.notna(sd) else np.nan
