"""Article 003: `reproductions/toy_regression.py`.

One short deterministic run (200 epochs; baseline, dropout and batch norm in
both settings, the lr/16 pair, one float64 caution subprocess and a 2-epoch
autoencoder) is shared by the golden, the claims and the figure goldens.
"""

import argparse

import numpy as np
import pytest
import toy_regression as script

from harness.data import load_mnist
from tests.reproductions.goldens import check_golden
from tests.reproductions.stored_numbers import stored

SHORT_RUN = ["--quick", "--epochs", "200", "--only", "baseline,dropout,batchnorm",
             "--ae-epochs", "2", "--data", "sample", "--seed", "0"]


def short_run(caution=True):
    args = script.parse_args(SHORT_RUN)
    datasets, runs, lr_runs = script.run_toy(args)
    args.conditions = ["float64"]
    caution = script.run_caution(args) if caution else {}
    data = load_mnist("sample", seed=0, log=lambda _: None)
    ae = {v: script.train_autoencoder(v, data, args) for v in script.AE_VARIANTS}
    return args, datasets, runs, lr_runs, caution, ae, data


@pytest.fixture(scope="module")
def run():
    return short_run()


def table(run):
    args, _, runs = run[:3]
    return script.build_table(runs, args).set_index(["setting", "method"])


def summary(run):
    t = table(run)
    values = {f"{s}.{m}.{c}": float(t.loc[(s, m), c]) for s, m in t.index
              for c in ("final_train_mse", "final_test_mse", "best_test_mse",
                        "fluctuation_test")}
    values.update({f"ae.{v}.test_mse": r["test_mse"] for v, r in run[5].items()})
    return values


GOLDEN = "toy_regression_short"


def golden_values():
    """The numbers of the numeric golden (tests/reproductions/spread.py)."""
    return summary(short_run(caution=False))


def resolution(key):
    """The grain: 1e-4 of an MSE (the noise level is 0.09) or of a
    fluctuation."""
    return 1e-4


def test_numeric_golden_of_short_run(run):
    check_golden(GOLDEN, summary(run))


def test_noise_feature_makes_baseline_overfit_more(run):
    """Article: the baseline overfits (test error rises while train error
    falls), most with the extra noise input."""
    t = table(run)
    plain, noise = t.loc[("plain", "baseline")], t.loc[("noise", "baseline")]
    assert noise.test_rise_after_best > 0.1 and noise.train_fall_after_best > 0.2
    assert noise.test_rise_after_best > 2 * plain.test_rise_after_best
    assert noise.final_train_mse < plain.final_train_mse  # fits the noise input


def test_dropout_error_fluctuates_more(run):
    """Article: dropout increases the fluctuation of the error."""
    t = table(run)
    for setting in ("plain", "noise"):
        assert (t.loc[(setting, "dropout"), "fluctuation_test"]
                > t.loc[(setting, "baseline"), "fluctuation_test"])


def test_batchnorm_beats_baseline_with_noise_feature(run):
    t = table(run)
    assert (t.loc[("noise", "batchnorm"), "final_test_mse"]
            < t.loc[("noise", "baseline"), "final_test_mse"])


def test_batchnorm_claims_not_reproduced_here(run):
    """Measured, against the article: batch norm does not have the smallest
    fluctuation, and dividing the learning rate by 16 changes its fluctuation
    as much as the baseline's (not insensitive). This test pins our finding
    so that a change in the library that alters it is noticed."""
    t = table(run)
    assert (t.loc[("plain", "batchnorm"), "fluctuation_test"]
            > t.loc[("plain", "baseline"), "fluctuation_test"])
    args, lr_runs = run[0], run[3]
    ratio = {m: script.summarize(p["lr"], args.epochs)["fluctuation_test"]
             / script.summarize(p["lr/16"], args.epochs)["fluctuation_test"]
             for m, p in lr_runs.items()}
    assert ratio["batchnorm"] > 1.5 and ratio["baseline"] > 1.5


def test_float64_moves_results_far(run):
    """The caution: the same code and seed in float64 gives clearly
    different curves, for batch norm and for the baseline alike; the float32
    subprocess... is compared with this process's float32 run."""
    runs, caution = run[2], run[4]
    f64 = caution["float64"]
    assert f64["dtype"] == "float64"
    for method in script.CAUTION_METHODS:
        ours = np.asarray(runs["noise"][method]["history"]["test_mse"])
        theirs = np.asarray(f64[method]["test_mse"])
        assert np.max(np.abs(theirs - ours) / ours) > 0.05


def test_autoencoder_dropout_costs_reconstruction(run):
    """Article: no regularization reconstructs best; hidden dropout worst."""
    ae = run[5]
    assert ae["none"]["test_mse"] < ae["hidden_dropout"]["test_mse"]
    assert ae["input_dropout"]["test_mse"] < ae["hidden_dropout"]["test_mse"]
    for r in ae.values():
        assert 0 <= r["dead_fraction"] <= r["rare_fraction"] <= 1


def test_same_seed_same_numbers(run):
    args, datasets, runs = run[:3]
    again = script.train("dropout", datasets["noise"], args, quiet=True)
    assert again["history"] == runs["noise"]["dropout"]["history"]


def figure_numbers():
    """What the figures are drawn from, without the models."""
    args, datasets, runs, lr_runs, _, _, _ = short_run(caution=False)

    def numbers(result):
        return {k: v for k, v in result.items() if k != "model"}

    return {
        "runs": {s: {m: numbers(r) for m, r in rs.items()} for s, rs in runs.items()},
        "datasets": {s: argparse.Namespace(x_train=d.x_train, y_train=d.y_train,
                                           x_test=d.x_test, y_test=d.y_test)
                     for s, d in datasets.items()},
        "lr_runs": {m: {k: numbers(r) for k, r in pair.items()}
                    for m, pair in lr_runs.items()},
        "caution": {},
        "ae": {},  # the autoencoder's figures are not among the goldens
        "ae_data": None,
        "args": args,
    }


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("toy_regression", figure_numbers))


@pytest.mark.parametrize("name", ["predictions_noise.png", "errors_noise.png",
                                  "learning_rate.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_figure_golden(figures, name):
    return figures[name]


def test_notes_say_when_no_autoencoder_unit_is_dead():
    data = argparse.Namespace(x_train=np.zeros((1234, 784)))
    alive = {"none": {"dead_fraction": 0.0}, "input_dropout": {"dead_fraction": 0.0}}
    assert "No hidden unit is dead" in script.notes(alive, data)
    assert "1,234 training digits" in script.notes(alive, data)
    some_dead = {**alive, "input_dropout": {"dead_fraction": 0.1}}
    assert script.notes(some_dead, data) == script.NOTES
    assert script.notes({}, None) == script.NOTES
