"""Every script, tried as a new user would with bad input: one line naming
the flag, the value and what is allowed; exit code 2; before any work;
nothing written. Ctrl-C: one line, and the previous results stay whole."""

import os
import pathlib
import signal
import subprocess
import sys
import time

import cs231n_regularization
import iris_histograms
import mnist_weight_images
import numpy as np
import pytest
import regularization_intuition
import regularization_overview
import toy_regression

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAIN_JOB = ROOT / "reproductions" / "mnist_weight_images.py"
SCRIPTS = [cs231n_regularization, iris_histograms, mnist_weight_images,
           regularization_intuition, regularization_overview, toy_regression]
MNIST_SCRIPTS = [cs231n_regularization, mnist_weight_images,
                 regularization_overview, toy_regression]


def one_line_exit_2(script, flags, capsys):
    with pytest.raises(SystemExit) as exit_info:
        script.parse_args(flags)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_bad_output_folder(script, capsys):
    err = one_line_exit_2(script, ["--out", "/proc/kreg"], capsys)
    assert "argument --out: Cannot write results to /proc/kreg" in err


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_bad_seed_and_unknown_flag(script, capsys):
    err = one_line_exit_2(script, ["--seed", "-3"], capsys)
    assert "argument --seed: expected an integer >= 0, received '-3'" in err
    err = one_line_exit_2(script, ["--bogus"], capsys)
    assert "unrecognized arguments: --bogus" in err


# Each script's own flags, one bad value each.
BAD_FLAGS = [
    (cs231n_regularization, ["--only", "bogus"], "argument --only: unknown ['bogus']"),
    (cs231n_regularization, ["--keep", "0"], "argument --keep: expected a finite number in (0, 1]"),
    (cs231n_regularization, ["--max-norm", "0"], "argument --max-norm: expected a finite number > 0"),
    (cs231n_regularization, ["--grid", "1e-3,-1"], "argument --grid: expected comma-separated values, each a finite number >= 0"),
    (cs231n_regularization, ["--momentum", "1"], "argument --momentum: expected a finite number in [0, 1)"),
    (iris_histograms, ["--steps", "0"], "argument --steps: expected a positive integer"),
    (iris_histograms, ["--sweep", "0.1,x"], "argument --sweep: expected comma-separated values, each a finite number > 0"),
    (iris_histograms, ["--strength", "-1"], "argument --strength: expected a finite number > 0"),
    (iris_histograms, ["--test-fraction", "1"], "argument --test-fraction: expected a finite number in [0.02, 0.98]"),
    (mnist_weight_images, ["--steps", "-5"], "argument --steps: expected a positive integer"),
    (mnist_weight_images, ["--steps", "ten"], "argument --steps: expected a positive integer"),
    (mnist_weight_images, ["--only", "none,bogus"], "argument --only: unknown ['bogus']"),
    (mnist_weight_images, ["--seed", "-1"], "argument --seed: expected an integer >= 0"),
    (mnist_weight_images, ["--dropout-rate", "1.5"], "argument --dropout-rate: expected a finite number in [0, 1)"),
    (regularization_overview, ["--only", "dropout,bogus"], "argument --only: unknown ['bogus']"),
    (regularization_overview, ["--dsd-epochs", "1,2"], "argument --dsd-epochs: expected 3 comma-separated values, each a positive integer"),
    (regularization_overview, ["--dsd-sparsity", "1"], "argument --dsd-sparsity: expected a finite number in (0, 1)"),
    (regularization_overview, ["--dropout-rate", "1"], "argument --dropout-rate: expected a finite number in [0, 1)"),
    (regularization_overview, ["--rotate", "-5"], "argument --rotate: expected a finite number >= 0"),
    (regularization_overview, ["--whole-set-seeds", "0"], "argument --whole-set-seeds: expected a positive integer"),
    (toy_regression, ["--epochs", "2"], "argument --epochs: expected an integer >= 4"),
    (toy_regression, ["--ae-seeds", "0"], "argument --ae-seeds: expected a positive integer"),
    (toy_regression, ["--only", "baseline,bogus"], "argument --only: unknown ['bogus']"),
    (toy_regression, ["--only", "caution,autoencoder"], "argument --only: expected at least one method of baseline, dropout, batchnorm, l2, dropconnect; received 'caution,autoencoder'"),
    (toy_regression, ["--dropout-rate", "1.0"], "argument --dropout-rate: expected a finite number in [0, 1)"),
]


@pytest.mark.parametrize("script, flags, message", BAD_FLAGS,
                         ids=lambda v: v.__name__ if hasattr(v, "__name__") else None)
def test_bad_flags_of_each_script(script, flags, message, capsys):
    err = one_line_exit_2(script, flags, capsys)
    # The line names the value: whole, or the unknown items of a list.
    assert message in err, err
    assert repr(flags[-1]) in err or "unknown ['bogus']" in err, err


@pytest.mark.parametrize("script", MNIST_SCRIPTS, ids=lambda s: s.__name__)
def test_bad_data_paths(script, capsys):
    err = one_line_exit_2(script, ["--data", "/nonexistent"], capsys)
    assert "argument --data: '/nonexistent' does not exist" in err
    err = one_line_exit_2(script, ["--data", str(ROOT / "README.md")], capsys)
    assert "argument --data:" in err and "is not an MNIST .npz" in err
    err = one_line_exit_2(script, ["--data", str(ROOT / "kreg")], capsys)
    assert "argument --data: MNIST files missing in" in err


def run_main_job(*flags, **kwargs):
    return subprocess.run([sys.executable, str(MAIN_JOB), *flags],
                          capture_output=True, text=True, timeout=120, **kwargs)


def stderr_lines(result):
    """Every line of stderr: TensorFlow's start-up notices are not printed
    (`harness.quiet_backend`), so nothing stands beside the one line."""
    return [line for line in result.stderr.splitlines() if line]


@pytest.mark.parametrize("flags, message", [
    (["--data", "/nonexistent"], "argument --data: '/nonexistent' does not exist"),
    (["--data", str(ROOT / "README.md")], "is not an MNIST .npz"),
    (["--l2", "inf"], "argument --l2: expected a finite number >= 0, received 'inf'"),
    (["--out", "/proc/kreg"], "argument --out: Cannot write results to /proc/kreg"),
])
def test_main_job_bad_input_as_a_user_meets_it(tmp_path, flags, message):
    out = ["--out", str(tmp_path / "out")] if "--out" not in flags else []
    result = run_main_job(*flags, *out, cwd=tmp_path)
    lines = stderr_lines(result)
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and message in lines[0], lines
    assert result.stdout == ""
    assert os.listdir(tmp_path) == []  # nothing written


def test_corrupt_data_file_found_when_read_is_one_line(tmp_path):
    """A file that passes the cheap checks (a zip) but is no MNIST npz."""
    bad = tmp_path / "data" / "mnist.npz"
    bad.parent.mkdir()
    np.savez(bad, something=np.zeros(3))
    result = run_main_job("--data", str(bad), "--out", str(tmp_path / "out"),
                          cwd=tmp_path)
    lines = stderr_lines(result)
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "argument --data:" in lines[0], lines
    assert "missing arrays" in lines[0]
    assert sorted(os.listdir(tmp_path)) == ["data"]


def _sigint_as_in_a_terminal():
    """Starts the script with Ctrl-C's default disposition, as a terminal
    does, even when these tests run in a background job (whose shell makes
    every child ignore SIGINT)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_within_seconds_and_keeps_old_results(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "metadata.json").write_text('{"quick": true}')
    (out / "table.md").write_text("old results")
    process = subprocess.Popen(
        [sys.executable, str(MAIN_JOB), "--data", "sample", "--steps", "2000000",
         "--eval-every", "1000", "--only", "dropout", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_sigint_as_in_a_terminal)
    try:
        for line in process.stdout:  # wait until training has started
            if line.startswith("[kreg] ") and "variants" in line:
                break
        time.sleep(3)
        start = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        seconds = time.monotonic() - start
    finally:
        if process.poll() is None:
            process.kill()
    lines = [line for line in err.splitlines() if "interrupted" in line]
    assert process.returncode == 130, err[-2000:]
    assert len(lines) == 1, err[-2000:]
    assert seconds < 10
    assert sorted(os.listdir(out)) == ["metadata.json", "table.md"]
    assert (out / "table.md").read_text() == "old results"
    assert sorted(os.listdir(tmp_path)) == ["out"]  # no temporary folder left


HEAVY_STACK = ("keras", "tensorflow", "jax", "torch", "pandas", "matplotlib",
               "sklearn", "kreg")


@pytest.mark.parametrize("flags", [["--help"], ["--version"], ["--seed", "-1"]],
                         ids=["help", "version", "bad-seed"])
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_command_line_answers_before_the_heavy_stack_loads(script, flags):
    """`--help`, `--version` and bad input are answered by the script run
    as a command before it imports Keras, TensorFlow or any other heavy
    module (so at once, and with no TensorFlow log lines)."""
    path = ROOT / "reproductions" / f"{script.__name__}.py"
    probe = (
        "import runpy, sys\n"
        f"sys.argv = [{str(path)!r}] + {flags!r}\n"
        "try:\n"
        f"    runpy.run_path({str(path)!r}, run_name='__main__')\n"
        "finally:\n"
        f"    loaded = [m for m in {HEAVY_STACK!r} if m in sys.modules]\n"
        "    print('LOADED', loaded, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True,
                            text=True, timeout=60,
                            cwd=ROOT / "reproductions",
                            env={**os.environ, "PYTHONPATH": str(ROOT / "reproductions")})
    assert result.returncode == (2 if "--seed" in flags else 0), result.stderr
    assert "LOADED []" in result.stderr, result.stderr
    if flags == ["--version"]:
        assert f"{script.__name__}.py (kreg " in result.stdout
    if flags == ["--help"]:
        assert "--quick" in result.stdout or script is regularization_intuition


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_every_flag_has_help_and_shows_its_default(script, monkeypatch):
    """What `--help` prints for each flag: a help text, and for a flag that
    takes a value, its default (or the full and quick defaults)."""
    from harness.cli.one_line_parser import ScriptParser

    parsers = []

    def capture(self, args=None, namespace=None):
        parsers.append(self)
        raise SystemExit(0)

    monkeypatch.setattr(ScriptParser, "parse_args", capture)
    with pytest.raises(SystemExit):
        script.parse_args([])
    parser, = parsers
    formatter = parser._get_formatter()
    for action in parser._actions:
        if action.help == "==SUPPRESS==" or not action.option_strings:
            continue
        text = formatter._expand_help(action) if action.help else ""
        assert text, f"{script.__name__} {action.option_strings[0]}: no help"
        if action.nargs != 0 and action.dest not in ("help", "version"):
            assert "default" in text, (
                f"{script.__name__} {action.option_strings[0]}: default not shown")


# A flag that shortens each script's run (and so sends it to results/quick/).
SHORTENING = {"cs231n_regularization": ["--only", "dropout"],
              "iris_histograms": ["--steps", "10"],
              "mnist_weight_images": ["--only", "none"],
              "regularization_intuition": ["--steps", "10"],
              "regularization_overview": ["--only", "dsd"],
              "toy_regression": ["--only", "l2"]}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_label_folder_and_metadata_agree_on_full_or_shortened(script):
    """"Full" or "shortened" is decided once (`finish`): the label, the
    output folder and the metadata's flag read that one decision."""
    full = script.parse_args([])
    assert full.full_setting
    assert "QUICK" not in script.run_label(full)
    assert "SHORTENED" not in script.run_label(full)
    assert pathlib.Path(full.out).parent.name == "results"
    shortening = [(["--quick"], "QUICK run"),
                  (SHORTENING[script.__name__], "SHORTENED run")]
    if script in MNIST_SCRIPTS:  # the sample is not the article's data
        shortening.append((["--data", "sample"], "SHORTENED run"))
    for flags, mark in shortening:
        args = script.parse_args(flags)
        assert not args.full_setting
        assert script.run_label(args).startswith(mark)
        if mark == "SHORTENED run":  # the label says what differs
            assert flags[0] in script.run_label(args)
        assert pathlib.Path(args.out).parent.name == "quick"
