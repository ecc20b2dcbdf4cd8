"""Tables of runs repeated over seeds: every seed's rows in one table, and
a headline table of each measured number's mean and sd over the seeds.

A run is a dict with a `seed` and, per arm (`"plain"`, `"dropout"`...),
that arm's results: `curves` (as `AccuracyHistory.history` gives them,
`epoch` first) and more per-epoch lists.
"""

import pandas as pd

from harness.analysis.over_seeds import per_seed


def stacked(runs, frame_of):
    """`frame_of(run)` of every run in one table, with a `seed` column."""
    return pd.concat([frame_of(run).assign(seed=run["seed"]) for run in runs],
                     ignore_index=True)


def arms_frame(runs, arms, **columns):
    """One row per arm, seed and epoch: `variant` (the arm), its curves and,
    for each `column=key`, the arm's per-epoch list `key`, then `seed`."""
    return stacked(runs, lambda run: pd.concat([
        pd.DataFrame({"variant": arm, **run[arm]["curves"],
                      **{column: run[arm][key] for column, key in columns.items()}})
        for arm in arms], ignore_index=True))


def headline_table(rows, says):
    """One row per measured number: `{section: [(quantity, values)]}`, the
    values one per seed, as `section`, `quantity`, `value` (their mean),
    `sd` (NaN for one seed) and `seeds`; `article_says` gives `says[section]`
    on each section's first row."""
    table = []
    for section, quantities in rows.items():
        for i, (quantity, values) in enumerate(quantities):
            mean, sd = per_seed(values)
            table.append({"section": section, "quantity": quantity, "value": mean,
                          "sd": sd, "seeds": len(values),
                          "article_says": "" if i else says[section]})
    return pd.DataFrame(table)
