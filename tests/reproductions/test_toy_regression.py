"""Article 003: `reproductions/toy_regression.py`.

One short deterministic run (200 epochs; baseline, dropout and batch norm in
both settings, the lr/16 pair, one float64 caution subprocess and a 2-epoch
autoencoder) is shared by the golden, the claims and the figure goldens.
"""

import argparse

import numpy as np
import pandas as pd
import pytest
import toy_regression as script

from harness.data import load_mnist
from harness.results.claims import STATUSES, decide
from harness.results.tables import read_tables
from tests.reproductions.goldens import check_golden
from tests.reproductions.stored_numbers import stored

# The golden's short run keeps dropout at 0.1 with the noise feature, the
# setting it was recorded with (the full setting now uses the figure name's
# 0.12; the seeds run below covers that).
SHORT_RUN = ["--quick", "--epochs", "200", "--only", "baseline,dropout,batchnorm",
             "--ae-epochs", "2", "--noise-dropout-rate", "0.1", "--data", "sample",
             "--seed", "0"]


def short_run(caution=True):
    args = script.parse_args(SHORT_RUN)
    datasets, runs, lr_runs, repeats = script.run_toy(args)
    args.conditions = ["float64"]
    caution = script.run_caution(args) if caution else {}
    data = load_mnist("sample", seed=0, log=lambda _: None)
    ae = script.run_autoencoders(data, args)
    return args, datasets, runs, lr_runs, caution, ae, data, repeats


@pytest.fixture(scope="module")
def run():
    return short_run()


def table(run):
    args, repeats = run[0], run[7]
    return script.build_table(repeats, args).set_index(["setting", "method"])


def summary(run):
    t = table(run)
    values = {f"{s}.{m}.{c}": float(t.loc[(s, m), c]) for s, m in t.index
              for c in ("final_train_mse", "final_test_mse", "best_test_mse",
                        "fluctuation_test")}
    values.update({f"ae.{v}.test_mse": r["test_mse"] for v, r in run[5][0].items()})
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
    ae = run[5][0]
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
    args, datasets, runs, lr_runs, caution, ae, data, _ = short_run()

    def numbers(result):
        return {k: v for k, v in result.items() if k != "model"}

    return {
        "runs": {s: {m: numbers(r) for m, r in rs.items()} for s, rs in runs.items()},
        "datasets": {s: argparse.Namespace(x_train=d.x_train, y_train=d.y_train,
                                           x_test=d.x_test, y_test=d.y_test,
                                           noise_feature=d.noise_feature)
                     for s, d in datasets.items()},
        "lr_runs": {m: {k: numbers(r) for k, r in pair.items()}
                    for m, pair in lr_runs.items()},
        "caution": caution,
        "ae": {v: {"reconstructions": r["reconstructions"][:10],
                   "encoder_kernel": r["encoder_kernel"]} for v, r in ae[0].items()},
        "ae_data": argparse.Namespace(x_test=data.x_test[:10], source=data.source),
        "args": args,
    }


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("toy_regression", figure_numbers))


@pytest.mark.parametrize("name", [
    "predictions_noise.png", "errors_noise.png", "learning_rate.png",
    "predictions_plain.png", "errors_plain.png", "bn_caution.png",
    "ae_reconstructions.png", "ae_weights_none.png", "ae_weights_input_dropout.png",
    "ae_weights_hidden_dropout.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_figure_golden(figures, name):
    return figures[name]


def test_metadata_records_the_mnist_file_hashes(run):
    args, data = run[0], run[6]
    record = script.metadata(args, data, 1.0, {})["data"]
    assert data.files and record["mnist_files"] == data.files
    assert all(f["sha256"] for f in record["mnist_files"])
    assert record["mnist_sizes"] == data.sizes


# ---------------------------------------------------------------------------
# The claims ledger, on the short run's tables as `write_results` reads them
# back, with a hand-made caution table (the short run has no reference
# condition).
# ---------------------------------------------------------------------------
def caution_frame(bn_float64=0.105, baseline_float64=0.109):
    """Reference and two other conditions; final test errors 0.1 (batch
    norm) and 0.12 (baseline) at the reference. By default float64 moves
    batch norm by +5 % and the baseline by -9 %, as in the committed run."""
    rows = []
    for condition, bn, base, curve in (("reference", 0.1, 0.12, 0.0),
                                       ("intra_threads_1", 0.1, 0.12, 0.0),
                                       ("float64", bn_float64, baseline_float64, 0.6)):
        for method, final in (("baseline", base), ("batchnorm", bn)):
            rows.append({"condition": condition, "method": method,
                         "final_test_mse": final, "max_abs_prediction_change": curve,
                         "max_relative_curve_change": curve})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def tables(run, tmp_path_factory):
    args, caution, ae, repeats = run[0], run[4], run[5], run[7]
    frames, csv_files = script.result_tables(repeats, caution, ae, args)
    folder = tmp_path_factory.mktemp("toy_results")
    for name, frame in [(n, f) for n, f, _ in frames] + list(csv_files.items()):
        frame.to_csv(folder / f"{name}.csv", index=False)
    read = read_tables(folder)
    read["bn_caution"] = caution_frame()
    return read


def ledger(tables):
    return {claim.claim: claim for claim in script.claims(tables)}


def edited(tables, name, change):
    """A copy of `tables` with `change(frame)` applied to a copy of one."""
    copy = {k: v.copy() for k, v in tables.items()}
    change(copy[name])
    return copy


BN_SMALLEST = ("Batch norm clearly reduces the fluctuation of the error "
               "compared with the other methods")
BN_LEARNING_RATE = ("Batch norm removes the sensitivity to the learning rate: its "
                    "fluctuation stays the same at lr/16, the baseline's does not")
NOISE_FIT = "The noise feature lets the baseline fit the training data extremely well"
AE_BEST = "No regularization gives the best reconstruction error"
VASTLY = ("Batch norm, more than the baseline, gives vastly different results "
          "on another machine (good on one, bad on the other)")


def test_claims_follow_their_rules(tables):
    claims = ledger(tables)
    assert all(c.article == "003" for c in claims.values())
    assert all(c.status in STATUSES for c in claims.values())
    t = tables["table"].set_index(["setting", "method"])
    # Not run in the short run: said so, with what is missing.
    l2 = claims["L2 performs very well (plain input)"]
    assert l2.status == "not tested" and "plain l2" in l2.why
    # Batch norm's fluctuation is above the baseline's in the short run too
    # (test_batchnorm_claims_not_reproduced_here): plainly not reproduced.
    assert claims[BN_SMALLEST].status == "not reproduced"
    assert "no smaller than that of: baseline" in claims[BN_SMALLEST].why
    # Dividing the learning rate by 16 changes batch norm's fluctuation
    # (ratio above 1.5, pinned above) beyond the window spread?
    history = tables["history"]
    rates = tables["learning_rate"].set_index(["method", "learning_rate"])
    bn = rates.loc["batchnorm", "fluctuation_test"]
    # One seed in the short run: no sd, so any change counts.
    assert rates["seeds"].eq(1).all() and rates["fluctuation_test_sd"].isna().all()
    assert len(script.seeds_in(history)) == 1
    changed = bn.max() != bn.min()
    assert (claims[BN_LEARNING_RATE].status == "not reproduced") == changed
    # The noise feature's fit, by the stated rule.
    noise = t.loc[("noise", "baseline"), "final_train_mse"]
    plain = t.loc[("plain", "baseline"), "final_train_mse"]
    lower, under = noise <= 0.75 * plain, noise < 0.09
    assert claims[NOISE_FIT].status == decide(lower and under, lower or under)
    # The autoencoder, by the stated rule (5 % margin).
    mse = tables["autoencoder"].set_index("variant")["test_mse"]
    assert claims[AE_BEST].status == decide(
        min(mse["input_dropout"], mse["hidden_dropout"]) > 1.05 * mse["none"])
    # The hand-made caution: float64 moves batch norm by 5 %, the baseline
    # by 9 %: neither vast nor a batch-norm effect.
    assert claims[VASTLY].status == "not reproduced"
    changes = claims["The same code and seed give different batch-norm results "
                     "under other floating-point details"]
    assert changes.status == "reproduced" and "bit-identical: intra_threads_1" in changes.why


def test_an_edited_number_moves_a_status(tables):
    # Batch norm's plain fluctuation set to 0: smallest of all, at least
    # within the spread.
    def calm(frame):
        frame.loc[(frame["setting"] == "plain") & (frame["method"] == "batchnorm"),
                  "fluctuation_test"] = 0.0

    before = ledger(tables)[BN_SMALLEST].status
    after = ledger(edited(tables, "table", calm))[BN_SMALLEST].status
    assert before == "not reproduced" and after in ("reproduced", "partly")

    # The noise-feature baseline's training error set to the plain one's.
    def no_fit(frame):
        plain = frame.loc[(frame["setting"] == "plain") & (frame["method"] == "baseline"),
                          "final_train_mse"].item()
        frame.loc[(frame["setting"] == "noise") & (frame["method"] == "baseline"),
                  "final_train_mse"] = plain

    plain = tables["table"].set_index(["setting", "method"]).loc[
        ("plain", "baseline"), "final_train_mse"]
    after = ledger(edited(tables, "table", no_fit))[NOISE_FIT].status
    assert after == decide(False, plain < 0.09)
    assert after != ledger(tables)[NOISE_FIT].status

    # The autoencoder without regularization made the worst.
    def worst(frame):
        frame.loc[frame["variant"] == "none", "test_mse"] = 2 * frame["test_mse"].max()

    assert ledger(edited(tables, "autoencoder", worst))[AE_BEST].status == "not reproduced"

    # The caution: batch norm's float64 result 50 % off, the baseline's not.
    vast = dict(tables, bn_caution=caution_frame(bn_float64=0.15))
    assert ledger(vast)[VASTLY].status == "reproduced"


def test_only_chooses_methods_and_sections():
    """One flag for every subset: methods and the two sections."""
    full = script.parse_args(["--data", "sample"])
    assert full.methods == list(script.METHODS) and full.caution and full.autoencoder
    args = script.parse_args(["--data", "sample", "--only", "l2,autoencoder,baseline"])
    assert args.methods == ["l2", "baseline"]
    assert args.autoencoder and not args.caution and not args.full_setting


# ---------------------------------------------------------------------------
# Several training seeds, the figure names' settings and the L2 sweep.
# ---------------------------------------------------------------------------
SEEDS_RUN = ["--quick", "--epochs", "40", "--only", "baseline,dropout,l2,l2_sweep",
             "--seeds", "2", "--l2-sweep", "1", "--data", "sample", "--seed", "0"]
SWEEP_CLAIM = ("L2 at the figure names' weight (\"L2-1\", read as 1 in "
               "0.5 * l2 * sum(W^2)) performs very well, in both settings")


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    args = script.parse_args(SEEDS_RUN)
    _, runs, _, repeats = script.run_toy(args)
    frames, csv_files = script.result_tables(repeats, {}, {}, args)
    folder = tmp_path_factory.mktemp("toy_seeds")
    for name, frame in [(n, f) for n, f, _ in frames] + list(csv_files.items()):
        frame.to_csv(folder / f"{name}.csv", index=False)
    return args, runs, repeats, read_tables(folder)


def test_tables_are_means_and_sds_over_the_training_seeds(seeds_run):
    args, runs, repeats, tables = seeds_run
    assert sorted(repeats) == [0, 1] and runs is repeats[0]["runs"]
    t = tables["table"].set_index(["setting", "method"])
    assert (t["seeds"] == 2).all() and (t["fluctuation_test_sd"] > 0).all()
    own = [script.summarize(repeats[seed]["runs"]["plain"]["dropout"],
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
    assert t.at[("plain", "l2"), "strength"] == args.l2


def test_claims_decide_on_the_sds_over_seeds(seeds_run):
    *_, tables = seeds_run
    claims = ledger(tables)
    t = tables["table"].set_index(["setting", "method"])
    more = [s for s in script.SETTINGS if
            t.at[(s, "dropout"), "fluctuation_test"] - t.at[(s, "baseline"), "fluctuation_test"]
            > t.at[(s, "dropout"), "fluctuation_test_sd"]
            + t.at[(s, "baseline"), "fluctuation_test_sd"]]
    fluctuates = claims["Dropout increases the fluctuation of the error"]
    assert fluctuates.status == decide(len(more) == 2, bool(more))
    assert "over 2 training seeds" in fluctuates.why

    # The sweep's claim, at weight 1, by its rule.
    sweep = tables["l2_sweep"]
    assert set(sweep["l2"]) == {script.parse_args(SEEDS_RUN).l2, 1.0}
    verdicts = []
    for setting in script.SETTINGS:
        best = min(t.at[(setting, m), "final_tail_test_mse"] for m in ("baseline", "dropout"))
        at_one = sweep[(sweep["setting"] == setting) & (sweep["l2"] == 1.0)]
        verdicts.append(at_one["final_tail_test_mse"].item() / best - 1 <= script.SIMILAR)
    assert claims[SWEEP_CLAIM].status == decide(all(verdicts), any(verdicts))

    # Sds wide enough to cover any difference: nothing beyond the spread.
    wide = edited(tables, "table", lambda f: f.__setitem__("fluctuation_test_sd", 1.0))
    assert ledger(wide)["Dropout increases the fluctuation of the error"].status != \
        "reproduced"


# ---------------------------------------------------------------------------
# The autoencoder over several seeds (hand-made results: no training).
# ---------------------------------------------------------------------------
def autoencoder_results(mse, relative):
    """One seed's results of the three variants: `mse` and `relative`
    (roughness over shuffled) per variant, no unit unused."""
    return {v: {"test_mse": mse[v], "dead_fraction": 0.0, "rare_fraction": 0.0,
                "dark_fraction": 0.0, "weight_roughness": relative[v],
                "shuffled_roughness": 1.0, "relative_roughness": relative[v],
                "seconds": 1.0} for v in script.AE_VARIANTS}


def ae_ledger(tables, repeats):
    """The autoencoder table of `repeats` and its claims, beside the short
    run's other tables."""
    table = script.autoencoder_table(repeats)
    return table, {c.claim: c for c in script.claims(dict(tables, autoencoder=table))
                   if c.claim in AE_CLAIMS}


AE_CLAIMS = (AE_BEST, "Dropout on the embedding blurs them even more",
             "Dropout on the input makes the features more like strokes")


def test_autoencoder_claims_decide_on_the_spread_over_seeds(tables):
    variants = script.AE_VARIANTS
    # Two seeds. Reconstruction error: none clearly best; embedding dropout
    # above input dropout by 0.0004 with sds of 0.0005 each (within).
    seed_0 = autoencoder_results(dict(zip(variants, (0.0020, 0.0070, 0.0080))),
                                 dict(zip(variants, (0.72, 0.60, 0.75))))
    seed_1 = autoencoder_results(dict(zip(variants, (0.0022, 0.0080, 0.0078))),
                                 dict(zip(variants, (0.74, 0.70, 0.77))))
    table, claims = ae_ledger(tables, {0: seed_0, 1: seed_1})
    row = table.set_index("variant")
    assert (row["seeds"] == 2).all()
    assert row.at["input_dropout", "test_mse"] == pytest.approx(0.0075)
    assert row.at["input_dropout", "test_mse_sd"] == pytest.approx(np.std([0.007, 0.008],
                                                                          ddof=1))
    assert row.at["none", "article"] == script.AE_ARTICLE["none"]
    assert claims[AE_BEST].status == "reproduced"
    assert "over 2 seeds" in claims[AE_BEST].why
    # 0.0079 against 0.0075: more than 5 % higher, yet within the sds.
    assert claims["Dropout on the embedding blurs them even more"].status == \
        "not reproduced"
    # Input dropout smoother: 0.73 against 0.65 ± 0.07, within the spread.
    assert claims["Dropout on the input makes the features more like strokes"].status \
        == "not reproduced"

    # The same means from one seed: the 5 % margin decides, and both hold.
    one = autoencoder_results(dict(zip(variants, (0.0021, 0.0075, 0.0079))),
                              dict(zip(variants, (0.73, 0.65, 0.76))))
    table, claims = ae_ledger(tables, {0: one})
    assert table["test_mse_sd"].isna().all()
    assert claims["Dropout on the embedding blurs them even more"].status == "reproduced"
    assert claims["Dropout on the input makes the features more like strokes"].status \
        == "reproduced"
    assert "One seed" in claims[AE_BEST].why
