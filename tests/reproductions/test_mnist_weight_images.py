"""The main job: `reproductions/mnist_weight_images.py`.

A short deterministic run on the bundled sample (600 steps a variant) is
shared by the numeric goldens, the figure goldens and the determinism check.
"""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from harness.data import load_mnist
from tests.reproductions.goldens import check_golden
import mnist_weight_images as script

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHORT_RUN = ["--data", "sample", "--steps", "600", "--eval-every", "200",
             "--seed", "0"]


def short_run():
    args = script.parse_args(SHORT_RUN)
    data = load_mnist(args.data, seed=args.seed, log=lambda _: None)
    results = {v: script.train(v, data, args) for v in args.variants}
    return args, data, results


@pytest.fixture(scope="module")
def run():
    return short_run()


def summary(args, results):
    table = script.build_table(results, args)
    values = {}
    for row in table.itertuples():
        for column in ("test_accuracy", "min_weight", "max_weight"):
            values[f"{row.variant}.{column}"] = float(getattr(row, column))
        history = results[row.variant]["history"]
        for step, acc in zip(history["step"], history["test_accuracy"]):
            values[f"{row.variant}.test_accuracy@{step}"] = float(acc)
    values["dropout.test_accuracy_dropout_on"] = float(
        results["dropout"]["test_accuracy_dropout_on"])
    return values


def tolerance(key):
    # Accuracy on 715 test digits: allow two digits' worth of drift across
    # CPUs and library patch versions; weights: 1 % of their range.
    return 3 / 715 if "accuracy" in key else 5e-3


def test_numeric_golden_of_short_run(run):
    args, _, results = run
    check_golden("mnist_weight_images_short", summary(args, results), tolerance)


def test_same_seed_same_numbers(run):
    args, _, first = run
    _, _, second = short_run()
    assert summary(args, first) == summary(args, second)
    for variant in first:
        np.testing.assert_array_equal(script.weight_matrix(first[variant]["model"]),
                                      script.weight_matrix(second[variant]["model"]))


def test_article_facts_hold_in_short_run(run):
    """Qualitative facts of the article that already show after 600 steps."""
    args, _, results = run
    table = script.build_table(results, args).set_index("variant")
    assert table.loc["gaussian", "min_weight"] > 0  # Gaussian-function weights
    spread = table["max_weight"] - table["min_weight"]
    assert spread["l2"] < spread["none"] and spread["weight_norm"] < spread["none"]
    weights = script.weight_matrix(results["weight_norm"]["model"])
    np.testing.assert_allclose(np.linalg.norm(weights), 1.0, rtol=1e-5)
    # Leaving dropout on at test costs accuracy (the original's quirk).
    assert (table.loc["dropout", "test_accuracy_dropout_on"]
            < table.loc["dropout", "test_accuracy"])


@pytest.fixture(scope="module")
def figures(run):
    args, data, results = run
    return script.make_figures(results, data, args)


FIGURES = ["weights_none.png", "weights_dropout.png", "weights_gaussian.png",
           "weights_l2.png", "weights_weight_norm.png", "gaussian_scale.png",
           "test_accuracy.png"]


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_figure_golden(figures, name):
    return figures[name]


def test_changed_figure_fails_golden(tmp_path):
    """The figure goldens are live: pytest-mpl fails a really changed figure."""
    test_file = tmp_path / "test_changed.py"
    test_file.write_text(
        "import numpy as np, pytest\n"
        "from harness.plotting import plot_weight_images\n"
        "@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5,\n"
        "    savefig_kwargs={'dpi': 60}, filename='golden.png')\n"
        "def test_it():\n"
        "    kernel = np.load('kernel.npy')\n"
        "    return plot_weight_images(kernel, 'x')\n"
    )
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(784, 10))
    baseline = tmp_path / "baseline"

    def pytest_run(*extra):
        np.save(tmp_path / "kernel.npy", kernel)
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "-o", "addopts=", "--mpl", f"--mpl-baseline-path={baseline}",
             "--rootdir", str(tmp_path), *extra, str(test_file)],
            cwd=tmp_path, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "reproductions")},
        )

    generated = pytest_run(f"--mpl-generate-path={baseline}")
    assert (baseline / "golden.png").exists(), generated.stdout + generated.stderr
    same = pytest_run()
    assert same.returncode == 0, same.stdout + same.stderr
    kernel[:, 3] = kernel[::-1, 3]  # one digit's image flipped upside down
    changed = pytest_run()
    assert changed.returncode != 0, changed.stdout
    assert "Error: Image files did not match" in changed.stdout


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--steps", "-5"], "argument --steps: expected a positive integer"),
        (["--steps", "ten"], "argument --steps: expected a positive integer"),
        (["--variants", "none,bogus"], "argument --variants: unknown ['bogus']"),
        (["--seed", "-1"], "argument --seed: expected an integer >= 0"),
        (["--dropout-rate", "1.5"], "argument --dropout-rate: expected a finite number in [0, 1)"),
    ],
)
def test_bad_flags_exit_2(flags, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        script.parse_args(flags)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_unwritable_out_exits_2_and_touches_nothing(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "keep.txt").write_text("old results")
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write to any folder")
        result = subprocess.run(
            [sys.executable, str(ROOT / "reproductions" / "mnist_weight_images.py"),
             "--quick", "--out", str(locked / "results")],
            capture_output=True, text=True,
        )
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2
    assert "argument --out: Cannot write results to" in result.stderr
    assert os.listdir(locked) == ["keep.txt"]


def test_unwritable_out_file_exits_2(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        script.parse_args(["--out", str(target)])
    assert exit_info.value.code == 2
    assert "it is a file" in capsys.readouterr().err
    assert target.read_text() == "not a folder"


def test_quick_run_writes_labelled_results(tmp_path):
    out = tmp_path / "results" / "mnist_weight_images"
    table = script.main(["--quick", "--data", "sample", "--steps", "400",
                         "--eval-every", "200", "--variants", "none,l2",
                         "--out", str(out)])
    names = sorted(os.listdir(out))
    assert names == ["README.md", "history.csv", "metadata.json", "table.csv",
                     "table.md", "test_accuracy.png", "weights_l2.png",
                     "weights_none.png"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["quick"] is True and "QUICK" in meta["run"]
    assert meta["data"]["source"] == "sample"
    assert meta["data"]["sizes"] == {"train": 3927, "validation": 358, "test": 715}
    assert set(meta["seconds_per_variant"]) == {"none", "l2"}
    assert "QUICK" in (out / "README.md").read_text()
    assert list(table["variant"]) == ["none", "l2"]
    assert table.loc[0, "runtime_ratio"] == 1.0
    assert table["run"].str.contains("QUICK").all()
    # The index of all results is rebuilt beside it, with relinked figures.
    index = (tmp_path / "results" / "README.md").read_text()
    assert "](mnist_weight_images/weights_none.png)" in index
