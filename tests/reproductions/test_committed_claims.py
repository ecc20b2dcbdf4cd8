"""The committed results and their claims ledgers agree.

For every script that keeps a ledger (a `claims` function), the committed
`results/<script>/claims.csv` is exactly what that function derives from the
committed tables, and the committed README shows it. Editing a number in a
committed table, or a status in a ledger, fails here; each script's test
file shows that an edited number moves a status.
"""

import importlib
import pathlib

import pytest

from harness.articles import script_names
from harness.claims.ledger import ledger_frame, read_ledger, render_ledger
from harness.results.tables import read_tables

RESULTS = pathlib.Path(__file__).resolve().parents[2] / "results"


def committed_ledger(name):
    """The committed ledger, and the one the script derives from the
    committed tables."""
    folder = RESULTS / name
    derived = importlib.import_module(name).claims(read_tables(folder))
    return read_ledger(folder / "claims.csv"), derived


@pytest.mark.parametrize("name", script_names())
def test_committed_ledger_follows_from_committed_numbers(name):
    committed, derived = committed_ledger(name)
    expected = ledger_frame(derived)
    assert list(committed.columns) == list(expected.columns)
    for (_, ours), (_, theirs) in zip(committed.iterrows(), expected.iterrows()):
        assert ours.to_dict() == theirs.to_dict()
    assert len(committed) == len(expected)


@pytest.mark.parametrize("name", script_names())
def test_committed_report_shows_the_ledger(name):
    _, derived = committed_ledger(name)
    report = (RESULTS / name / "README.md").read_text()
    assert render_ledger(derived) in report
    index = (RESULTS / "README.md").read_text()
    assert render_ledger(derived).splitlines()[0] in index
