"""Each reproduction script reads top to bottom like its article: no script
over 900 lines (the rules issue's bound). A script that grows past it moves
machinery into the harness, beside the scripts."""

import pathlib

import pytest

from harness.articles import script_names

HERE = pathlib.Path(__file__).resolve().parents[2] / "reproductions"
MOST_LINES = 900


@pytest.mark.parametrize("name", script_names())
def test_no_script_is_longer_than_the_bound(name):
    lines = (HERE / f"{name}.py").read_text().count("\n")
    assert lines <= MOST_LINES, f"{name}.py has {lines} lines, more than {MOST_LINES}"
