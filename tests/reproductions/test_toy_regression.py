"""Article 003: `reproductions/toy_regression.py`.

One short deterministic run (200 epochs; baseline, dropout and batch norm in
both settings, the lr/16 pair, one float64 caution subprocess and a 2-epoch
autoencoder), its jobs trained in this process, is shared by the golden, the
claims and the figure goldens.
"""

import argparse

import numpy as np
import pandas as pd
import pytest
import toy_regression as script

from harness.claims.ledger import STATUSES
from harness.data import load_mnist
from harness.jobs.runner import take_job_log
from harness.results import toy_regression_tables as toy_tables
from harness.results.tables import read_tables
from harness.training.float_conditions import condition_tables, run_under_conditions
from tests.reproductions.goldens import check_golden
from tests.reproductions.smallest_run import completes_or_refused
from tests.reproductions.stored_numbers import stored

# The golden's short run keeps dropout at 0.1 with the noise feature, the
# setting it was recorded with (the full setting now uses the figure name's
# 0.12; the seeds run below covers that).
SHORT_RUN = ["--quick", "--epochs", "200", "--only",
             "baseline,dropout,batchnorm,autoencoder", "--ae-epochs", "2",
             "--noise-dropout-rate", "0.1", "--data", "sample", "--seed", "0",
             "--workers", "1"]


def short_run(caution=True):
    args = script.parse_args(SHORT_RUN)
    data = load_mnist("sample", seed=0, log=lambda _: None)
    repeats, ae = script.run(args, data)
    caution = (run_under_conditions(script.caution_runs, (args,), ["float64"],
                                    progress=False) if caution else {})
    first = repeats[args.seed]
    return (args, script.toy_datasets(args), first["runs"], first["lr_runs"], caution,
            ae, data, repeats)


@pytest.fixture(scope="module")
def run():
    return short_run()


def table(run):
    args, repeats = run[0], run[7]
    return toy_tables.build_table(repeats, args).set_index(["setting", "method"])


def summary(run):
    t = table(run)
    values = {f"{s}.{m}.{c}": float(t.loc[(s, m), c]) for s, m in t.index
              for c in ("final_train_mse", "final_test_mse", "best_test_mse",
                        "fluctuation_test")}
    values.update({f"ae.{v}.test_mse": r["test_mse"] for v, r in run[5][0].items()
                   if v in script.ARTICLE_AE})
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
    ratio = {m: toy_tables.summarize(p["lr"], args.epochs)["fluctuation_test"]
             / toy_tables.summarize(p["lr/16"], args.epochs)["fluctuation_test"]
             for m, p in lr_runs.items()}
    assert ratio["batchnorm"] > 1.5 and ratio["baseline"] > 1.5


def test_float64_moves_results_far(run):
    """The caution: the same code and seed in float64 gives clearly
    different curves, for batch norm and for the baseline alike; the float64
    subprocess is compared with this process's float32 run."""
    runs, caution = run[2], run[4]
    f64 = caution["float64"]
    assert f64["dtype"] == "float64" and f64["condition"] == "float64"
    for method in script.CAUTION_METHODS:
        ours = np.asarray(runs["noise"][method]["history"]["test_mse"])
        theirs = np.asarray(f64[method]["test_mse"])
        assert np.max(np.abs(theirs - ours) / ours) > 0.05


def test_autoencoder_dropout_costs_reconstruction(run):
    """Article: no regularization reconstructs best; hidden dropout worst;
    from half of each image, the input-dropout (denoising) autoencoder
    reconstructs better than the one trained on whole images."""
    ae = run[5][0]
    assert ae["none"]["test_mse"] < ae["hidden_dropout"]["test_mse"]
    assert ae["input_dropout"]["test_mse"] < ae["hidden_dropout"]["test_mse"]
    assert ae["input_dropout"]["half_input_mse"] < ae["none"]["half_input_mse"]
    for r in ae.values():
        assert 0 <= r["dead_fraction"] <= r["rarely_active_fraction"] <= 1
        assert r["test_mse"] < r["half_input_mse"] and r["test_mse"] < r["mean_image_mse"]


def test_same_seed_same_numbers(run):
    args, datasets, runs = run[:3]
    again = script.train("dropout", datasets["noise"], args, quiet=True)
    assert again["history"] == runs["noise"]["dropout"]["history"]


def figure_numbers():
    """What the figures are drawn from, without the models."""
    args, datasets, runs, lr_runs, caution, ae, data, _ = short_run()
    return {
        "runs": runs,
        "datasets": {s: argparse.Namespace(x_train=d.x_train, y_train=d.y_train,
                                           x_test=d.x_test, y_test=d.y_test,
                                           noise_feature=d.noise_feature)
                     for s, d in datasets.items()},
        "lr_runs": lr_runs,
        "caution": caution,
        "ae": {v: {"reconstructions": r["reconstructions"][:10],
                   "encoder_kernel": r["encoder_kernel"]} for v, r in ae[0].items()},
        "ae_data": argparse.Namespace(x_test=data.x_test[:10], source=data.source),
        "args": args,
        "seed_runs": seed_histories(),
    }


def seed_histories():
    """The error curves of a 2-seed run (the bands of errors_*.png)."""
    args = script.parse_args(SHORT_RUN[:4] + ["baseline,dropout,batchnorm", "--seeds", "2"]
                             + SHORT_RUN[5:])
    repeats, _ = script.run(args, None)
    return {seed: {s: {m: {"history": r["history"]} for m, r in runs.items()}
                   for s, runs in rep["runs"].items()} for seed, rep in repeats.items()}


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("toy_regression", figure_numbers))


@pytest.mark.parametrize("name", [
    "predictions_noise.png", "errors_noise.png", "learning_rate.png",
    "predictions_plain.png", "errors_plain.png", "bn_caution.png",
    "ae_reconstructions.png", "ae_weights_none.png", "ae_weights_input_dropout.png",
    "ae_weights_hidden_dropout.png", "ae_weights_batchnorm.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_figure_golden(figures, name):
    return figures[name]


def test_metadata_records_the_mnist_file_hashes(run):
    args, data = run[0], run[6]
    record = script.metadata(args, data, 1.0)["data"]
    assert data.files and record["mnist_files"] == data.files
    assert all(f["sha256"] for f in record["mnist_files"])
    assert record["mnist_sizes"] == data.sizes


# ---------------------------------------------------------------------------
# The claims ledger, on the short run's tables as `write_results` reads them
# back, with hand-made caution runs (the short run has no reference).
# ---------------------------------------------------------------------------
CONDITION = {"reference": (None, "float32", "1"), "intra_threads_1": (1, "float32", "1"),
             "onednn_off": (None, "float32", "0"), "float64": (None, "float64", "1")}


def caution_runs(moves):
    """Caution runs as `run_under_conditions` returns them: 20 epochs of a
    flat test error, 0.12 for the baseline and 0.1 for batch norm at the
    reference, each condition's curve scaled by `1 + moves[condition][m]`."""
    runs = {}
    for name, (threads, dtype, onednn) in CONDITION.items():
        runs[name] = {"condition": name, "threads": threads, "dtype": dtype,
                      "onednn": onednn}
        for method, level in (("baseline", 0.12), ("batchnorm", 0.1)):
            curve = [level * (1 + moves.get(name, {}).get(method, 0.0))] * 20
            runs[name][method] = {"test_mse": curve, "train_mse": curve,
                                  "test_predictions": [curve[0]] * 5}
    return runs


def with_caution(tables, moves):
    """`tables` with the caution tables of `caution_runs(moves)`."""
    table, curves = condition_tables(caution_runs(moves), script.CAUTION_METHODS)
    return dict(tables, bn_caution=table, bn_caution_history=curves)


# As in the committed run: machine-like conditions change nothing, float64
# moves the baseline more than batch norm.
COMMITTED_LIKE = {"float64": {"baseline": -0.09, "batchnorm": 0.07}}


def written(folder, frames, csv_files):
    """The tables as a reader of the results folder gets them."""
    for table_name, frame in [(n, f) for n, f, _ in frames] + list(csv_files.items()):
        frame.to_csv(folder / f"{table_name}.csv", index=False)
    return read_tables(folder)


@pytest.fixture(scope="module")
def tables(run, tmp_path_factory):
    args, ae, repeats = run[0], run[5], run[7]
    frames, csv_files = script.result_tables(repeats, {}, ae, args)
    return with_caution(written(tmp_path_factory.mktemp("toy_results"), frames,
                                csv_files), COMMITTED_LIKE)


def ledger(tables):
    return {claim.claim: claim for claim in script.claims(tables)}


BN_SMALLEST = ("Batch norm clearly reduces the fluctuation of the error "
               "compared with the other methods")
BN_LEARNING_RATE = ("Batch norm removes the sensitivity to the learning rate: its "
                    "fluctuation stays the same at lr/16, the baseline's does not")
NOISE_FIT = "The noise feature lets the baseline fit the training data extremely well"
AE_BEST = "No regularization gives the best reconstruction error"
DIFFERENT = ("The same code and seed give different batch-norm results under other "
             "floating-point details")
VASTLY = ("Batch norm, more than the baseline, gives vastly different results "
          "on another machine (good on one, bad on the other)")
FLUCTUATES = "Dropout increases the fluctuation of the error"
SIMPLE = ("Dropout's function on the plain input is simple: fewer ups and downs than "
          "the baseline's, and no zigzags of its own")
AMAZING = ("Dropout on the input (a denoising autoencoder) still reconstructs at an "
           "amazing level, even from half of each image")
OUTLIERS = ("The outliers at each end drive the baseline's fit with the noise feature, "
            "and no longer do with dropout")
THESIS = ("Using all three (dropout, batch norm and L2) together helps when the data "
          "are noisy: with the noise feature it beats each of them alone")


def test_claims_follow_their_rules(tables):
    claims = ledger(tables)
    assert all(c.article == "003" and c.status in STATUSES for c in claims.values())
    assert {c.kind for c in claims.values()} == {"behaviour"}
    # Not run in the short run: said so, naming what is missing.
    l2 = claims["L2 performs very well (plain input)"]
    assert l2.status == "not tested" and "method=l2" in l2.why
    assert claims[THESIS].status == "not tested" and "all_three" in claims[THESIS].why
    # Against every other method: those the short run lacks are named.
    assert claims[BN_SMALLEST].status == "not tested"
    assert "method=l2" in claims[BN_SMALLEST].why
    # Dropout's fluctuation is above the baseline's in both settings
    # (test_dropout_error_fluctuates_more); one seed: no spread.
    assert claims[FLUCTUATES].status == "reproduced"
    # The lr/16 ratios of both are above 1.5 (pinned above): batch norm's is
    # not the same, the baseline's falls: part of the claim holds.
    assert claims[BN_LEARNING_RATE].status == "partly"
    assert "Holds: the baseline's falls" in claims[BN_LEARNING_RATE].why
    # The noise feature's fit, by its rule on the final values (last fifth).
    final = {s: tables["history"].query(f"setting == '{s}' and method == 'baseline' "
                                        "and learning_rate == 0.01")["train_mse"]
             .to_numpy()[-40:].mean() for s in ("noise", "plain")}
    both = final["noise"] / final["plain"] < 0.75 and final["noise"] < 0.09
    assert (claims[NOISE_FIT].status == "reproduced") == both
    # The autoencoder: none clearly best; the denoising one from half images.
    assert claims[AE_BEST].status == "reproduced"
    assert claims[AMAZING].status != "not tested"
    assert "half_input_mse [input_dropout] / mean_image_mse" in claims[AMAZING].ours
    assert claims[SIMPLE].status != "not tested"


def test_batch_norm_is_compared_with_the_baseline_under_each_condition(tables):
    """The audit's defect: float64 alone made 'batch norm's results depend
    on the machine' reproduced, though it moves the baseline more (the
    committed run: 1.93 against 0.63). Now each condition compares batch
    norm's change with the baseline's, and the machine-like ones (threads,
    oneDNN) are read for what they show."""
    committed_like = ledger(tables)[DIFFERENT]
    assert committed_like.status == "not reproduced"
    assert "intra_threads_1 (machine-like)" in committed_like.why
    assert "float64 (machine-like)" not in committed_like.why
    # float64 moving batch norm far more than the baseline: one condition.
    float64 = {"float64": {"batchnorm": 0.5}}
    assert ledger(with_caution(tables, float64))[DIFFERENT].status == "partly"
    # Every condition moving batch norm alone.
    every = {c: {"batchnorm": 0.5} for c in CONDITION if c != "reference"}
    assert ledger(with_caution(tables, every))[DIFFERENT].status == "reproduced"
    # Without the reference, nothing to compare with: not tested.
    alone = with_caution(tables, float64)
    alone["bn_caution"] = alone["bn_caution"].query("condition != 'reference'")
    assert ledger(alone)[DIFFERENT].status == "not tested"
    # Both moved alike: not a batch-norm effect.
    alike = {c: {"batchnorm": 0.5, "baseline": 0.5} for c in CONDITION}
    assert ledger(with_caution(tables, alike))[DIFFERENT].status == "not reproduced"


def test_vastly_different_reads_the_machine_like_conditions_only(tables):
    assert ledger(tables)[VASTLY].status == "not reproduced"
    # float64 is another precision, not another machine: not counted.
    float64 = {"float64": {"batchnorm": 0.5}}
    assert ledger(with_caution(tables, float64))[VASTLY].status == "not reproduced"
    machines = {"intra_threads_1": {"batchnorm": 0.5}, "onednn_off": {"batchnorm": -0.4}}
    vast = ledger(with_caution(tables, machines))[VASTLY]
    assert vast.status == "reproduced" and "float64" not in vast.why
    # Vast for batch norm, but the baseline moves as far.
    both = {c: {"batchnorm": 0.5, "baseline": 0.6} for c in machines}
    assert ledger(with_caution(tables, both))[VASTLY].status == "not reproduced"


def test_final_values_are_the_last_fifth_and_ignore_a_spike(tables):
    """A final value is `Final`'s (the last fifth of the epochs; one seed:
    its spread is the window's), and a spike at the last epoch is reported,
    not used."""
    before = ledger(tables)[NOISE_FIT]
    history = tables["history"].copy()
    last = history.index[(history["setting"] == "noise")
                         & (history["method"] == "baseline")][-1]
    history.loc[last, "train_mse"] *= 20
    after = ledger(dict(tables, history=history))[NOISE_FIT]
    assert after.status == before.status
    assert "is a spike, not used" in after.ours and "spike" not in before.ours
    assert "the final window of one seed" in before.why


def test_an_edited_number_moves_a_status(tables):
    def edited(name, change):
        frame = tables[name].copy()
        change(frame)
        return ledger(dict(tables, **{name: frame}))

    # Dropout's plain fluctuation set to 0: below the baseline's in one setting.
    calm = edited("table", lambda f: f.__setitem__("fluctuation_test", np.where(
        f.eval("setting == 'plain' and method == 'dropout'"), 0.0, f["fluctuation_test"])))
    assert calm[FLUCTUATES].status == "partly"
    # The autoencoder without regularization made the worst.
    worst = edited("autoencoder", lambda f: f.__setitem__(
        "test_mse", np.where(f["variant"] == "none", 2 * f["test_mse"].max(),
                             f["test_mse"])))
    assert worst[AE_BEST].status == "not reproduced"


def test_only_chooses_methods_and_sections():
    """One flag for every subset: methods and the sections."""
    full = script.parse_args(["--data", "sample"])
    assert full.methods == list(script.METHODS) and full.caution and full.autoencoder
    assert full.all_three and full.sweep
    args = script.parse_args(["--data", "sample", "--only", "l2,autoencoder,baseline"])
    assert args.methods == ["l2", "baseline"]
    assert args.autoencoder and not args.caution and not args.all_three
    assert not args.full_setting


def test_a_batch_larger_than_the_data_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        script.parse_args(["--batch-size", "101"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1
    assert "argument --batch-size: expected at most the 100 training examples" in err


# ---------------------------------------------------------------------------
# Several training seeds, the figure names' settings, the L2 sweep and all
# three together.
# ---------------------------------------------------------------------------
SEEDS_RUN = ["--quick", "--epochs", "40", "--only", "baseline,dropout,batchnorm,l2_sweep",
             "--seeds", "2", "--l2-sweep", "1", "--data", "sample", "--seed", "0",
             "--workers", "1"]
SWEEP_CLAIM = ("L2 at the figure names' weight (\"L2-1\", read as 1 in "
               "0.5 * l2 * sum(W^2)) performs very well, in both settings")


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    args = script.parse_args(SEEDS_RUN)
    repeats, ae = script.run(args, None)
    assert ae == {}  # no autoencoder section
    frames, csv_files = script.result_tables(repeats, {}, {}, args)
    return args, repeats[0]["runs"], repeats, written(tmp_path_factory.mktemp("toy_seeds"), frames,
                                        csv_files)


@pytest.mark.slow
def test_tables_are_means_and_sds_over_the_training_seeds(seeds_run):
    args, runs, repeats, tables = seeds_run
    assert sorted(repeats) == [0, 1]
    t = tables["table"].set_index(["setting", "method"])
    assert (t["seeds"] == 2).all() and (t["fluctuation_test_sd"] > 0).all()
    own = [toy_tables.summarize(repeats[seed]["runs"]["plain"]["dropout"],
                            args.epochs)["fluctuation_test"] for seed in (0, 1)]
    assert t.at[("plain", "dropout"), "fluctuation_test"] == pytest.approx(np.mean(own))
    assert t.at[("plain", "dropout"), "fluctuation_test_sd"] == pytest.approx(
        np.std(own, ddof=1))
    # Same data, other initial weights and batches: other curves.
    assert own[0] != own[1]
    assert set(tables["history"]["seed"]) == {0, 1}
    # The figure names' drop rates: 0.12 with the noise feature, 0.1 without.
    assert t.at[("noise", "dropout"), "strength"] == 0.12
    assert t.at[("plain", "dropout"), "strength"] == 0.1
    # The sweep's curves (no L2 method at --l2 in this run), every seed.
    sweep = tables["l2_sweep_history"]
    assert set(sweep["l2"]) == {1.0} and set(sweep["seed"]) == {0, 1}
    assert len(sweep) == 2 * 2 * args.epochs
    # Epochs to a good solution: the best method's is at most its best epoch.
    assert (t["epochs_to_near_best"] <= t["best_test_epoch"] + 1e-9).any()


def test_every_training_is_a_job_of_its_own():
    """The full setting's toy jobs: each method and all three in both
    settings, baseline and batch norm at lr/16, L2 at the sweep's three
    strengths, on each of 3 seeds, every one once."""
    args = script.parse_args(["--data", "sample"])
    keys = [key for seed in (0, 1, 2) for key in script.toy_runs(args, seed)]
    assert len(set(keys)) == len(keys) == 3 * (6 * 2 + 2 + 3 * 2)
    assert {key[2] for key in keys} == {0, 1, 2}
    # A strength given twice is trained once; --l2 is the L2 method's run.
    again = script.parse_args(["--data", "sample", "--l2-sweep", "0.001,1,1"])
    assert [k for k in script.toy_runs(again, 0) if k[4] is not None] == [
        ("plain", "l2", 0, None, 1.0), ("noise", "l2", 0, None, 1.0)]
    # Without the L2 method, the sweep trains --l2 itself.
    alone = script.parse_args(["--data", "sample", "--only", "baseline,l2_sweep",
                               "--l2-sweep", "0.001"])
    assert {k[4] for k in script.toy_runs(alone, 0)} == {None, 0.001}


def test_results_are_gathered_by_key_whatever_order_the_jobs_end_in(rng):
    args = script.parse_args(SEEDS_RUN)
    keys = [("toy", *key) for seed in (0, 1) for key in script.toy_runs(args, seed)]
    results = {key: toy_result(40, 0.1 + i / 100, rng) for i, key in enumerate(keys)}
    forward = script.gather_toy(results, args)
    backward = script.gather_toy(dict(reversed(results.items())), args)
    assert forward[1]["lr_runs"]["batchnorm"]["lr/16"] is results[
        ("toy", "plain", "batchnorm", 1, args.learning_rate / 16, None)]
    assert forward[0]["sweep"][("noise", 1.0)] is results[("toy", "noise", "l2", 0, None, 1.0)]
    for (name, a, _), (_, b, _) in zip(*(script.result_tables(r, {}, {}, args)[0]
                                         for r in (forward, backward))):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)


def test_all_three_model_holds_each_regularizer():
    args = script.parse_args(SEEDS_RUN)
    model = script.build_model(script.ALL_THREE, 5, args, seed=0)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("BatchNormalization") == kinds.count("Dropout") == 5
    assert kinds.index("BatchNormalization") < kinds.index("Dropout")
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    assert all(layer.kernel_regularizer is not None for layer in dense)


@pytest.mark.slow
def test_claims_decide_on_the_spread_over_seeds(seeds_run):
    *_, tables = seeds_run
    claims = ledger(tables)
    for text in ("Dropout increases the fluctuation of the error", SWEEP_CLAIM,
                 "Dividing the learning rate by 4 shows as smaller perturbations"):
        assert claims[text].status != "not tested", (text, claims[text].why)
    assert "2 seeds" in claims["Dropout increases the fluctuation of the error"].why
    # L2 at weight 1 predicts a constant: far from the best, in both settings.
    assert claims[SWEEP_CLAIM].status == "not reproduced"
    # Sds wide enough to cover any difference: nothing beyond the spread.
    wide = dict(tables, table=tables["table"].assign(fluctuation_test_sd=1.0))
    assert ledger(wide)["Dropout increases the fluctuation of the error"].status == \
        "partly"


# ---------------------------------------------------------------------------
# Any valid command completes (issue 27): the smallest value of every flag,
# and the analysis on degenerate but valid outputs.
# ---------------------------------------------------------------------------
def test_smallest_values_of_every_flag_complete_with_a_ledger(tmp_path, capsys):
    """Four epochs (no window for a fluctuation), one method, one seed, a
    batch of one: the run completes; what it cannot decide is not tested,
    and says what is missing."""
    ledger_frame = completes_or_refused(script, tmp_path, capsys,
                                        ["--data", "sample", "--workers", "1"])
    assert ledger_frame is not None
    status = dict(zip(ledger_frame["claim"], ledger_frame["status"]))
    why = dict(zip(ledger_frame["claim"], ledger_frame["why"]))
    text = "Dividing the learning rate by 4 shows as smaller perturbations"
    assert status[text] == "not tested" and "fluctuation_test_late" in why[text]
    assert status["Baseline: the learned function zigzags"] != "not tested"


def toy_result(epochs, final, rng):
    """What `train` returns, without the model: a falling error curve."""
    curve = list(np.linspace(1.0, final, epochs) * (1 + 0.01 * rng.random(epochs)))
    return {"history": {"epoch": list(range(1, epochs + 1)), "train_mse": curve,
                        "test_mse": curve}, "learning_rate": 0.01,
            "prediction_curve": np.zeros(len(script.GRID)), "test_prediction": np.zeros(100),
            "test_rms_from_mean": 0.2, "curve_wiggle": 1.0, "seconds": 0.1}


def test_analysis_of_degenerate_outputs(tmp_path, rng):
    """The tables, ledger and figures of the smallest epochs, one seed, one
    method beside all three together and one swept weight, the caution's
    reference alone and one autoencoder seed: made from outputs shaped as the
    runs give them. What the run cannot show is not tested, naming why."""
    args = script.parse_args(["--epochs", "4", "--only",
                              "batchnorm,l2_sweep,all_three,dropout_sweep",
                              "--dropout-sweep", "0.3",
                              "--l2-sweep", "0", "--seeds", "1", "--ae-epochs", "1",
                              "--data", "sample", "--conditions", "reference"])
    datasets = {s: script.make_toy_regression(seed=0, noise_feature=s == "noise")
                for s in script.SETTINGS}
    runs = {s: {m: toy_result(4, 0.1, rng) for m in ("batchnorm", script.ALL_THREE)}
            for s in script.SETTINGS}
    lr_runs = {"batchnorm": {"lr": runs["plain"]["batchnorm"], "lr/16": toy_result(4, 0.2, rng)}}
    history = [({"setting": s, "method": m, "seed": 0, "learning_rate": 0.01},
                r["history"]) for s, rs in runs.items() for m, r in rs.items()]
    repeats = {0: {"runs": runs, "lr_runs": lr_runs, "history": history,
                   "sweep": {(s, 0.0): toy_result(4, 0.3, rng) for s in script.SETTINGS},
                   "rates": {(s, 0.3): toy_result(4, 0.2, rng) for s in script.SETTINGS},
                   "refits": {}}}
    curves = {m: {"test_mse": [0.1] * 4, "train_mse": [0.1] * 4,
                  "test_predictions": [0.0] * 3} for m in script.CAUTION_METHODS}
    caution = {"reference": {"condition": "reference", "threads": None,
                             "dtype": "float32", "onednn": "1", **curves}}
    measures = {"test_mse": 0.01, "half_input_mse": 0.015, "mean_image_mse": 0.07,
                "dead_fraction": 0.0, "rarely_active_fraction": 0.0,
                "dark_unit_fraction": 0.0, "dark_unit_fraction_ink": 0.0, "weight_roughness": 1.0,
                "shuffled_roughness": 1.4, "relative_roughness": 0.7, "relative_roughness_ink": 0.6,
                "border_to_ink_weight": 0.9, "hidden_correlation": 0.2, "runtime_s": 1.0}
    ae = {0: {v: {"reconstructions": rng.random((10, 784)), **measures,
                  "encoder_kernel": rng.normal(size=(784, 256))}
              for v in script.AE_VARIANTS}}
    frames, csv_files = script.result_tables(repeats, caution, ae, args)
    tables = {name: frame for name, frame, _ in frames}
    assert "fluctuation_test" not in tables["table"]  # four epochs: no window
    assert set(tables["l2_sweep"]["l2"]) == {0.0}  # no L2 method at --l2
    claims = ledger(written(tmp_path, frames, csv_files))
    assert claims[DIFFERENT].status == "not tested"
    assert "the reference and a condition beside it" in claims[DIFFERENT].why
    assert claims[THESIS].status == "not tested"  # no single method beside it
    lr_drop = claims["Dividing the learning rate by 4 shows as smaller perturbations"]
    assert lr_drop.status == "not tested" and "fluctuation_test_late" in lr_drop.why
    assert claims[AMAZING].status == "reproduced"  # 0.01 and 0.015 over 0.07
    # One swept drop rate, L2 swept at 0 alone, no baseline or dropout
    # method: no trend, no tuning compared with L2, no refits; each said so.
    assert set(tables["dropout_sweep"]["rate"]) == {0.3}
    assert "outlier_refits" not in tables and "tuning" not in tables  # L2 at 0 only
    ease = claims["Dropout is easier to tune than L2 (a rate in [0, 1])"]
    assert ease.status == "not tested" and "tuning" in ease.why
    grows = claims["Dropout's fluctuation of the error grows with its drop rate"]
    assert grows.status == "not tested" and "3 values of rate" in grows.why
    outliers = claims[OUTLIERS]
    assert outliers.status == "not tested" and "outlier_refits" in outliers.why
    data = argparse.Namespace(x_test=rng.random((10, 784)), source="sample")
    one = {"none": ae[0]["none"]}  # the weight images of one variant suffice here
    figures = script.make_figures(runs, datasets, lr_runs, caution, one, data, args)
    assert {"predictions_plain.png", "errors_noise.png", "learning_rate.png",
            "bn_caution.png", "ae_reconstructions.png"} <= set(figures)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_tables_of_local_workers():
    """Every training a job: on a LocalCluster of two one-thread workers and
    on two local one-thread workers, the same tables and curves, to the bit,
    but for the runs' seconds. The runs with dropout and the autoencoders
    show that no draw reads a global generator (a Dask worker's own threads
    draw from Python's `random` while a job runs)."""
    distributed = pytest.importorskip("distributed", reason="Dask is the cluster extra")
    # 6 short jobs: dropout in both settings and the 4 autoencoders (their
    # workers' start, with MNIST, takes most of the time); the run's tables,
    # not its figures.
    flags = ["--quick", "--data", "sample", "--epochs", "40", "--only",
             "dropout,autoencoder", "--ae-epochs", "1"]
    data = load_mnist("sample", seed=0, log=lambda _: None)

    def tables(where):
        args = script.parse_args(flags + where)
        take_job_log()  # this run's jobs only
        repeats, ae = script.run(args, data)
        frames, csv_files = script.result_tables(repeats, {}, ae, args)
        return {name: frame for name, frame, _ in frames} | csv_files, take_job_log()

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote, remote_jobs = tables(["--scheduler", cluster.scheduler_address])
    local, local_jobs = tables(["--workers", "2"])
    assert sorted(remote) == sorted(local) == ["autoencoder", "history", "table"]
    for name, frame in local.items():
        pd.testing.assert_frame_equal(remote[name].filter(regex="^(?!runtime_s)"),
                                      frame.filter(regex="^(?!runtime_s)"),
                                      check_exact=True, obj=name)
    assert remote_jobs["count"] == local_jobs["count"] == 6
    assert remote_jobs["where"] == [cluster.scheduler_address]
    assert local_jobs["where"] == ["local workers"]
