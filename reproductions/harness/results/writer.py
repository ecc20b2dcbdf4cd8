"""The one way a reproduction writes its results folder."""

import os
import shutil

import matplotlib.pyplot as plt

from harness.results.atomic_dir import atomic_output_dir
from harness.claims.ledger import Claim, ledger_frame, read_ledger, render_ledger
from harness.results.report import index_results_folder, write_report
from harness.results.run_metadata import write_metadata
from harness.results.tables import read_tables, write_table


def relative(path):
    """`path` relative to the working folder when it lies below it."""
    path = os.path.abspath(path)
    here = os.getcwd()
    return os.path.relpath(path, here) if path.startswith(here + os.sep) else path


def write_results(out, title, subtitle, tables, figures, metadata, notes,
                  csv_files=None, claims=None):
    """Writes a results folder at once (or not at all) and says where.

    Into a fresh folder that atomically replaces `out`: every figure as PNG,
    every table as CSV and Markdown, the extra CSV files, `metadata.json` and
    a `README.md` with the tables, the claims ledger, the notes and the
    figures. Then rebuilds
    the index of the project's `results/` folder (when `out` lies in it) and
    prints the tables, then, as the last line, where the results went and
    the run's label (which says QUICK or SHORTENED, and what differs).

    Args:
        out: the results folder (see `harness.cli.output_folder`).
        title: the report's title.
        subtitle: one line under it: the run label and the data.
        tables: list of `(name, DataFrame, heading)`; `heading` (or `None`)
            is printed above the table in the report.
        figures: dict `{file name: matplotlib Figure}`; each is closed once
            saved.
        metadata: the dict written to `metadata.json`.
        notes: Markdown text after the tables.
        csv_files: optional dict `{name: DataFrame}` written as `name.csv`
            only (per-step curves and other long tables).
        claims: optional function of the folder's tables, as read back from
            the CSV files just written (`harness.results.tables.read_tables`),
            returning the script's claims ledger (a list of
            `harness.claims.ledger.Claim`): written to `claims.csv` and
            rendered before the notes. Reading the files back makes the
            ledger the one a reader of the committed files derives.

    Returns:
        The Markdown of the tables, as in the report.
    """
    with atomic_output_dir(out) as folder:
        for name, figure in figures.items():
            figure.savefig(os.path.join(folder, name), dpi=80)
            plt.close(figure)
        parts = []
        for name, frame, heading in tables:
            markdown = write_table(frame, folder, name)
            parts.append(f"{heading}\n\n{markdown}" if heading else markdown)
        body = "\n\n".join(parts)
        for name, frame in (csv_files or {}).items():
            frame.to_csv(os.path.join(folder, f"{name}.csv"), index=False)
        if claims is not None:
            ledger = claims(read_tables(folder))
            ledger_frame(ledger).to_csv(os.path.join(folder, "claims.csv"),
                                        index=False)
            notes = f"{render_ledger(ledger)}\n{notes}"
        write_metadata(folder, metadata)
        write_report(folder, title, subtitle, body, notes)
    index_results_folder(os.path.dirname(os.path.abspath(out)))
    print(f"\n{body}\n")
    # The last line: where the results went, and whether they are the full
    # setting (a QUICK or SHORTENED run says so, and what differs).
    print(f"Results written to {relative(out)}: {metadata.get('run', '')}")
    return body


def rederive_ledger(out, claims):
    """Derives a results folder's claims ledger again from its own tables.

    For a change of a ledger's rules or wording, not of its numbers: no
    model is trained. `claims(read_tables(out))` is written to `claims.csv`
    and replaces the ledger the folder's `README.md` shows; every other file
    stays as it is. The folder is replaced at once, as by `write_results`.

    Args:
        out: a results folder written by `write_results` with a ledger.
        claims: the script's `claims` function.

    Returns:
        The new ledger (a list of `harness.claims.ledger.Claim`).

    Raises:
        ValueError: the README does not show the folder's `claims.csv` (it
            was edited by hand, or written without a ledger).
    """
    readme = os.path.join(out, "README.md")
    with open(readme) as f:
        report = f.read()
    committed = [Claim(**row) for row in
                 read_ledger(os.path.join(out, "claims.csv")).to_dict("records")]
    shown = render_ledger(committed)
    if shown not in report:
        raise ValueError(f"{readme} does not show the ledger of its claims.csv")
    ledger = claims(read_tables(out))
    with atomic_output_dir(out) as folder:
        for name in os.listdir(out):
            if os.path.isfile(os.path.join(out, name)):
                shutil.copy2(os.path.join(out, name), folder)
        ledger_frame(ledger).to_csv(os.path.join(folder, "claims.csv"), index=False)
        with open(os.path.join(folder, "README.md"), "w") as f:
            f.write(report.replace(shown, render_ledger(ledger)))
    index_results_folder(os.path.dirname(os.path.abspath(out)))
    return ledger
