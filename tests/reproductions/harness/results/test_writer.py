"""`harness.results.writer`: a results folder written, and its ledger
derived again from its own tables."""

import pandas as pd
import pytest

from harness.claims.declare import Declared, derive
from harness.claims.ledger import read_ledger
from harness.claims.measures import Cell
from harness.claims.rules import Above
from harness.results.writer import rederive_ledger, write_results


def ledger_of(words):
    """A ledger of one claim, decided from table.csv by a fixed rule; `words`
    stands for a change of the rule's wording."""
    def claims(tables):
        return derive("000", [Declared("the value is above 1",
                                       Above(Cell("table", "value"), 1),
                                       explain=words)], tables)
    return claims


def write(folder, value):
    write_results(str(folder), "Title", "run", [("table", pd.DataFrame({"value": [value]}),
                                                  None)],
                  {}, {"run": "test"}, "Notes.\n", claims=ledger_of("old words"))


def test_rederive_ledger_rewrites_the_ledger_and_nothing_else(tmp_path):
    folder = tmp_path / "results" / "script"
    write(folder, 0.5)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert "old words" in (folder / "README.md").read_text()

    ledger = rederive_ledger(str(folder), ledger_of("new words"))
    assert [claim.status for claim in ledger] == ["not reproduced"]
    after = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert set(after) == set(before)
    assert {name for name in after if after[name] != before[name]} == {
        "claims.csv", "README.md"}
    report = (folder / "README.md").read_text()
    assert "new words" in report and "old words" not in report
    assert "Notes." in report and "**table**" not in report and "value" in report
    assert read_ledger(folder / "claims.csv")["why"].tolist() == [
        "Rule: value above 1 by more than the spread (no spread is known); "
        "partly within it. Difference -0.5, spread 0. new words"]
    # The results index follows.
    assert "| [script](script/README.md) | behaviour | 0 | 0 | 1 | 0 |" in (
        tmp_path / "results" / "README.md").read_text()


def test_rederive_ledger_refuses_a_readme_edited_by_hand(tmp_path):
    folder = tmp_path / "script"
    write(folder, 2.0)
    readme = folder / "README.md"
    readme.write_text(readme.read_text().replace("reproduced", "REPRODUCED"))
    with pytest.raises(ValueError, match="does not show the ledger"):
        rederive_ledger(str(folder), ledger_of("new words"))
    assert "REPRODUCED" in readme.read_text()  # untouched
