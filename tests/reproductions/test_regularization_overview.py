"""Article 001, other techniques: `reproductions/regularization_overview.py`.

One quick deterministic run of the four LeNet-5 sections on the bundled
MNIST sample (1,000 training digits) is shared by the goldens, the figure
goldens and the claim checks.
"""

import argparse
import json
import os

import numpy as np
import pytest
import regularization_overview as script

from tests.reproductions.goldens import check_golden
from tests.reproductions.stored_numbers import stored

QUICK_RUN = ["--quick", "--data", "sample", "--seed", "0"]


def quick_args(*extra):
    return script.parse_args(QUICK_RUN + list(extra))


def quick_run():
    args = quick_args()
    data = script.prepare_data(args, log=lambda _: None)
    results = {"dropout": script.run_dropout(data, args),
               "early_stopping": script.run_early_stopping(data, args),
               "augmentation": script.run_augmentation(data, args),
               "dsd": script.run_dsd(data, args)}
    return args, data, results


@pytest.fixture(scope="module")
def run():
    return quick_run()


def summary(results, args):
    table = script.headline_rows(results, args)
    return {f"{row.section}: {row.quantity}": float(row.value)
            for row in table.itertuples()}


GOLDEN = "regularization_overview_quick"


def golden_values():
    """The numbers of the numeric golden (tests/reproductions/spread.py)."""
    args, _, results = quick_run()
    return summary(results, args)


def resolution(key):
    """The grain of each number: one of 715 test digits for an accuracy or
    a gap, one epoch, 1e-4 for a loss or a sparsity."""
    if "accuracy" in key or "gap" in key:
        return 1 / 715
    if "loss" in key or "sparsity" in key:
        return 1e-4
    return 1.0  # epoch counts


def test_numeric_golden_of_quick_run(run):
    args, _, results = run
    check_golden(GOLDEN, summary(results, args))


def test_same_seed_same_numbers(run):
    args, data, results = run
    again = script.run_dsd(data, args)
    for name in ("plain", "dsd"):
        assert again[name]["curves"] == results["dsd"][name]["curves"]
        assert again[name]["sparsity"] == results["dsd"][name]["sparsity"]


def test_dropout_narrows_the_train_test_gap(run):
    _, _, results = run
    gap = {name: r["curves"]["train"][-1] - r["curves"]["test"][-1]
           for name, r in results["dropout"].items()}
    assert gap["dropout"] < gap["no_dropout"]
    assert results["dropout"]["dropout"]["curves"]["test"][-1] >= \
        results["dropout"]["no_dropout"]["curves"]["test"][-1]


def test_early_stopping_restores_the_best_epoch(run):
    """Training loss keeps falling while validation loss rises; the model
    keeps the weights of the epoch with the lowest validation loss."""
    args, _, results = run
    r = results["early_stopping"]
    best = r["best_epoch"]
    assert r["val_loss"][best - 1] == min(r["val_loss"])
    assert r["stopped_early"] and r["epochs_run"] == best + args.patience
    assert r["loss"][-1] < r["loss"][best - 1]
    assert r["val_loss"][-1] > r["val_loss"][best - 1]
    assert r["restored_test_accuracy"] == r["test_curve"][best - 1]
    assert r["restored_test_accuracy"] != r["test_curve"][-1]


def test_augmentation_helps_on_a_small_set(run):
    _, _, results = run
    r = results["augmentation"]
    plain, augmented = r["plain"]["curves"], r["augmented"]["curves"]
    assert augmented["test"][-1] > plain["test"][-1]
    # The plain network memorizes its 200 digits; augmented ones are harder.
    assert plain["train"][-1] == 1.0 > augmented["train"][-1]
    examples = r["examples"]
    assert examples.shape == (6, 5, 28, 28)
    assert not np.allclose(examples[:, 0], examples[:, 1])


def test_dsd_phases_and_sparsity(run):
    args, _, results = run
    dense, sparse, redense = args.dsd_epochs
    dsd, plain = results["dsd"]["dsd"], results["dsd"]["plain"]
    assert dsd["phases"] == ["dense"] * dense + ["sparse"] * sparse + ["redense"] * redense
    assert dsd["sparsity"][:dense] == [0.0] * dense
    np.testing.assert_allclose(dsd["sparsity"][dense:dense + sparse], args.dsd_sparsity,
                               atol=1e-3)
    assert 0 < dsd["sparsity"][-1] < 0.1  # re-dense: the pruned weights move again
    assert plain["sparsity"] == [0.0] * len(plain["sparsity"])
    # Same seed: identical until the pruning.
    assert dsd["curves"]["test"][:dense] == plain["curves"]["test"][:dense]


def figure_numbers():
    """What the figures are drawn from."""
    args, data, results = quick_run()
    return {"results": results, "args": args,
            "data": argparse.Namespace(source=data.source)}


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("regularization_overview",
                                        figure_numbers))


@pytest.mark.parametrize("name", ["dropout.png", "early_stopping.png", "augmentation.png",
                                  "augmented_examples.png", "dsd.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_overview_figure_golden(figures, name):
    return figures[name]


def test_full_setting_trains_on_the_whole_training_set():
    """The full setting uses every training digit; a cap is a shortened run."""
    log = lambda _: None  # noqa: E731
    full = script.parse_args(["--data", "sample"])
    data = script.prepare_data(full, log=log)
    whole = len(script.load_mnist("sample", seed=0, log=log).x_train)
    assert full.train_limit is None and len(data.x_train) == whole
    assert script.run_label(full) == "full setting, the whole training set"
    capped = script.parse_args(["--data", "sample", "--train-limit", "300"])
    assert len(script.prepare_data(capped, log=log).x_train) == 300
    assert "capped at 300" in script.run_label(capped)


def test_quick_run_writes_labelled_results(tmp_path):
    out = tmp_path / "results" / "regularization_overview"
    table, _ = script.main(QUICK_RUN + ["--only", "dsd", "--dsd-epochs", "1,1,1",
                                        "--train-limit", "300", "--out", str(out)])
    assert sorted(os.listdir(out)) == ["README.md", "dsd.csv", "dsd.png",
                                       "metadata.json", "table.csv", "table.md"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["quick"] is True and "QUICK" in meta["run"]
    assert meta["data"]["source"] == "sample"
    assert meta["data"]["sizes"]["train"] == 300
    assert set(meta["seconds_per_section"]) == {"dsd"}
    assert "QUICK" in (out / "README.md").read_text()
    assert set(table["section"]) == {"dsd"}


def test_notes_are_worded_from_the_run(run):
    """The notes give this run's sizes and gaps, and say so when early
    stopping's restored weights test worse than the last epoch's."""
    args, data, results = run
    text = script.notes(data, args, results)
    assert f"({len(data.y_test):,} test digits)" in text
    gap = results["dropout"]["dropout"]["curves"]
    assert f"{100 * (gap['train'][-1] - gap['test'][-1]):.2f} with it" in text
    stopping = results["early_stopping"]
    said = "picks an earlier epoch" in text
    assert said == (stopping["restored_test_accuracy"] < stopping["test_curve"][-1])
