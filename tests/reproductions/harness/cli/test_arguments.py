"""The one set of argument types: each bad value is one line naming the flag,
the value and what is allowed; exit code 2."""

import argparse

import pytest

from harness.cli import arguments
from harness.cli.settings import Setting


@pytest.mark.parametrize("kind, good, bad, expected", [
    (arguments.positive_int, {"3": 3}, ["0", "-2", "1.5", "x"], "a positive integer"),
    (arguments.non_negative_int, {"0": 0}, ["-1", "nan"], "an integer >= 0"),
    (arguments.positive_float, {"1e-3": 1e-3}, ["0", "inf", "nan", "-1"],
     "a finite number > 0"),
    (arguments.non_negative_float, {"0": 0.0}, ["-0.1", "inf"],
     "a finite number >= 0"),
    (arguments.rate, {"0": 0.0, "0.5": 0.5}, ["1", "1.5", "-0.1"],
     "a finite number in [0, 1)"),
    (arguments.keep_probability, {"1": 1.0}, ["0", "1.01"],
     "a finite number in (0, 1]"),
    (arguments.open_fraction, {"0.2": 0.2}, ["0", "1"], "a finite number in (0, 1)"),
])
def test_number_types(kind, good, bad, expected):
    for text, value in good.items():
        assert kind(text) == value
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError) as error:
            kind(text)
        assert str(error.value) == f"expected {expected}, received {text!r}"


def test_lists():
    triple = arguments.comma_separated(arguments.positive_int, 3)
    assert triple("4,4,4") == [4, 4, 4]
    for text in ("4,4", "4,0,4", "a,b,c", ""):
        with pytest.raises(argparse.ArgumentTypeError,
                           match="expected 3 comma-separated values, each a "
                           "positive integer"):
            triple(text)
    choices = arguments.comma_list(("a", "b"))
    assert choices("b,a,b") == ["b", "a"]
    with pytest.raises(argparse.ArgumentTypeError, match=r"unknown \['c'\]"):
        choices("a,c")


def parser_with(tmp_path, monkeypatch):
    monkeypatch.setattr("harness.cli.output_folder.RESULTS_ROOT", tmp_path / "results")
    steps = Setting("--steps", arguments.positive_int, full=10, quick=3,
                    help="steps")
    lr = Setting("--lr", arguments.positive_float, full=0.1, help="rate")
    return arguments.script_parser("A script.\n\nMore.", "demo", [steps, lr])


def test_full_and_shortened_runs_go_to_their_folders(tmp_path, monkeypatch):
    parser = parser_with(tmp_path, monkeypatch)
    full = arguments.finish(parser, parser.parse_args([]))
    assert full.full_setting and full.out == str(tmp_path / "results" / "demo")
    assert (full.steps, full.lr) == (10, 0.1)
    # Any declared setting changed, or --quick, makes a shortened run.
    for flags in (["--quick"], ["--steps", "5"], ["--lr", "0.2"]):
        short = arguments.finish(parser, parser.parse_args(flags))
        assert not short.full_setting
        assert short.out == str(tmp_path / "results" / "quick" / "demo")
    assert parser.parse_args(["--quick"]).steps == 3  # the quick value
    # The full value given explicitly is still the full setting.
    assert arguments.finish(parser, parser.parse_args(["--steps", "10"])).full_setting


def test_help_shows_both_defaults_once(tmp_path, monkeypatch):
    text = parser_with(tmp_path, monkeypatch).format_help()
    assert "steps (default 10; 3 with --quick)" in " ".join(text.split())
    assert "rate (default 0.1)" in " ".join(text.split())


def test_error_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    parser = parser_with(tmp_path, monkeypatch)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--steps", "-1"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == ("demo.py: error: argument --steps: expected a positive "
                   "integer, received '-1'\n")
