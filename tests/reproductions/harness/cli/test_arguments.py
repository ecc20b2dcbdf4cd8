"""The one set of argument types: each bad value is one line naming the flag,
the value and what is allowed; exit code 2."""

import argparse

import pytest

from harness.cli import arguments


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
    parser = arguments.script_parser("A script.\n\nMore.", "demo", {"steps": 10})
    parser.add_argument("--steps", type=arguments.positive_int, default=10)
    return parser


def test_full_and_shortened_runs_go_to_their_folders(tmp_path, monkeypatch):
    parser = parser_with(tmp_path, monkeypatch)
    full = arguments.finish(parser, parser.parse_args([]))
    assert full.full_setting and full.out == str(tmp_path / "results" / "demo")
    for flags in (["--quick"], ["--steps", "5"]):
        short = arguments.finish(parser, parser.parse_args(flags))
        assert not short.full_setting
        assert short.out == str(tmp_path / "results" / "quick" / "demo")


def test_error_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    parser = parser_with(tmp_path, monkeypatch)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--steps", "-1"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == ("demo.py: error: argument --steps: expected a positive "
                   "integer, received '-1'\n")
