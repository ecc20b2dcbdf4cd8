"""Results tables: written as CSV and Markdown side by side, read back as
CSV."""

import os

import pandas as pd


def write_table(frame, folder, name):
    """Writes `frame` (a pandas DataFrame) to `name.csv` and `name.md`."""
    frame.to_csv(os.path.join(folder, f"{name}.csv"), index=False)
    markdown = frame.to_markdown(index=False, floatfmt=".4g")
    with open(os.path.join(folder, f"{name}.md"), "w") as f:
        f.write(markdown + "\n")
    return markdown


def read_tables(folder, exclude=("claims",)):
    """Every CSV file of a results folder as `{name: DataFrame}` (name
    without `.csv`), as a reader of the committed files sees them; text
    columns as Python strings (object columns), which the ledger's rules
    select rows by many times over."""
    return {name[:-4]: _plain_text(pd.read_csv(os.path.join(folder, name)))
            for name in sorted(os.listdir(folder))
            if name.endswith(".csv") and name[:-4] not in exclude}


def _plain_text(frame):
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c])
            and frame[c].dtype != object]
    return frame.astype({c: object for c in text}) if text else frame
