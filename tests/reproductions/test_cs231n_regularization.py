"""Article 002, CS231n notes: `reproductions/cs231n_regularization.py`.

One quick deterministic run of all five sections on the bundled MNIST
sample (400 SGD steps per network) is shared by the goldens, the figure
goldens and the claim checks.
"""

import argparse
import json
import os

import cs231n_regularization as script
import numpy as np
import pytest

from harness.claims.ledger import read_ledger
from harness.claims.rules import band, combine
from harness.data import load_mnist
from harness.results.tables import read_tables
from harness.training import notes_network
from tests.reproductions.goldens import check_golden
from tests.reproductions.smallest_run import completes_or_refused, smallest_flags
from tests.reproductions.stored_numbers import stored

# Every job here, in this process, on the data given.
QUICK_RUN = ["--quick", "--data", "sample", "--seed", "0", "--workers", "1"]


def quick_run():
    args = script.parse_args(QUICK_RUN)
    data = load_mnist(args.data, seed=args.seed, log=lambda _: None)
    results = script.run(data, args)[0]
    return args, data, results, script.section_tables(results, args)[0]


@pytest.fixture(scope="module")
def run():
    return quick_run()


def summary(tables):
    values = {}
    for row in tables["table"].itertuples():
        for key in ("test_accuracy", "near_zero_fraction", "mean_abs", "max_unit_norm"):
            values[f"variants.{row.variant}.{key}"] = float(getattr(row, key))
    for row in tables["max_norm_divergence"].itertuples():
        values[f"divergence.{row.network}.final_loss"] = float(row.final_loss)
        values[f"divergence.{row.network}.log10_largest_norm"] = float(
            np.log10(row.largest_unit_norm_ever))
    for row in tables["dropout"].itertuples():
        for key in ("test_accuracy", "layer_rms_gap", "network_rms_gap"):
            values[f"dropout.{row.dropout}.{key}"] = float(getattr(row, key))
    for row in tables["bias_regularization"].itertuples():
        values[f"biases.{row._1:g}.kernels_only"] = float(row.test_accuracy_kernels_only)
        values[f"biases.{row._1:g}.with_biases"] = float(row.test_accuracy_with_biases)
    for _, row in tables["l2_grid"].iterrows():
        values[f"l2_grid.{row['model']}.{row['lambda']:g}.validation_accuracy"] = float(
            row["validation_accuracy"])
    return values


GOLDEN = "cs231n_regularization_quick"


def golden_values():
    """The numbers of the numeric golden (tests/reproductions/spread.py)."""
    return summary(quick_run()[-1])


def resolution(key):
    """The grain of each number: one of 715 test / 358 validation digits
    for an accuracy, 1e-4 for a weight statistic, a loss or a gap."""
    if "accuracy" in key:
        return 1 / 358 if "validation" in key else 1 / 715
    return 1e-4


def test_numeric_golden_of_quick_run(run):
    *_, tables = run
    check_golden(GOLDEN, summary(tables))


def test_same_seed_same_weights(run):
    args, data, results, _ = run
    again = notes_network.train(data, args, **script.variant_spec("l1", args)[0])
    np.testing.assert_array_equal(
        np.concatenate([w.ravel() for w in notes_network.kernels(again["model"]).values()]),
        results["variants"]["l1"]["weights"])


def test_l1_sparse_l2_diffuse(run):
    """L1 makes weight vectors sparse; L2 leaves diffuse, small weights."""
    *_, tables = run
    t = tables["table"].set_index("variant")
    assert t.loc["l1", "near_zero_fraction"] > 0.2
    assert t.loc["l1", "near_zero_fraction"] > 5 * t.loc["l2", "near_zero_fraction"]
    assert t.loc["elastic_net", "near_zero_fraction"] > 5 * t.loc["l2", "near_zero_fraction"]
    assert t.loc["l2", "near_zero_fraction"] < 0.05  # diffuse: few zeros
    assert t.loc["l2", "mean_abs"] < t.loc["none", "mean_abs"]  # ... and small
    assert t.loc["l2", "max_unit_norm"] < t.loc["none", "max_unit_norm"]


def test_max_norm_bounds_every_unit(run):
    args, _, _, tables = run
    t = tables["table"].set_index("variant")
    assert t.loc["none", "max_unit_norm"] > args.max_norm  # the bound is active
    for variant in ("max_norm", "dropout_max_norm"):
        assert t.loc[variant, "max_unit_norm"] <= args.max_norm * (1 + 1e-6)


def test_max_norm_cannot_explode_at_a_too_high_rate(run):
    args, _, results, _ = run
    plain = np.asarray(results["divergence"]["plain"]["max_unit_norm"])
    bounded = np.asarray(results["divergence"]["max_norm"]["max_unit_norm"])
    assert not np.all(np.isfinite(plain)) or plain.max() > 1e3 * args.max_norm
    assert np.all(np.isfinite(bounded))
    assert bounded.max() <= args.max_norm * (1 + 1e-6)
    assert np.all(np.isfinite(results["divergence"]["max_norm"]["loss"][1:]))


def test_vanilla_and_inverted_dropout_agree_in_expectation(run):
    _, _, results, _ = run
    t = results["dropout"]["table"].set_index("dropout")
    for kind in ("vanilla", "inverted"):
        row = t.loc[kind]
        # One dropout layer: the gap is Monte Carlo noise, nothing more.
        assert 0.7 * row["expected_rms_noise"] < row["layer_rms_gap"] \
            < 1.3 * row["expected_rms_noise"]
        assert abs(row["layer_mean_ratio_train_to_inference"] - 1) < 0.01
        assert row["test_accuracy"] > 0.8
    # Inverted dropout: the prediction code is the dropout-free network's.
    assert t.loc["inverted", "prediction_vs_dropout_free_copy"] == 0
    assert t.loc["inverted", "prediction_vs_copy_scaled_by_p"] > 1
    # Vanilla dropout: prediction must scale the activations by p.
    assert t.loc["vanilla", "prediction_vs_dropout_free_copy"] > 1
    assert t.loc["vanilla", "prediction_vs_copy_scaled_by_p"] < 1e-4


def test_regularizing_biases_barely_matters(run):
    _, _, results, _ = run
    assert np.all(np.abs(results["biases"]["summary"]["difference"]) < 0.03)
    runs = results["biases"]["runs"]
    assert set(runs["include_biases"]) == {False, True}


def test_l2_strength_chosen_on_validation(run):
    _, _, results, _ = run
    r = results["l2_grid"]
    grid = r["grid"]
    chosen = grid[grid["chosen"]].iloc[0]
    assert chosen["validation_accuracy"] == grid["validation_accuracy"].max()
    assert r["chosen_lambda"] == chosen["lambda"]
    assert r["chosen_test_accuracy"] == chosen["test_accuracy"] > 0.85


def test_bias_flag_reaches_the_model(run):
    args, *_ = run
    from kreg.regularizers import L2
    with_biases = notes_network.build_mlp(args, regularizer=L2(1e-3), include_biases=True)
    kernels_only = notes_network.build_mlp(args, regularizer=L2(1e-3), include_biases=False)
    assert len(with_biases.losses) == 6 and len(kernels_only.losses) == 3


def figure_numbers():
    """What the figures are drawn from, without the models."""
    args, data, results, _ = quick_run()
    results = dict(results)
    # The histograms' 90,000 weights a variant, stored at half precision
    # (the figure is drawn from what is stored).
    results["variants"] = {
        name: {k: (v.astype("float16") if k == "weights" else v)
               for k, v in r.items() if k != "model"}
        for name, r in results["variants"].items()}
    return {"results": results, "args": args,
            "data": argparse.Namespace(source=data.source)}


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("cs231n_regularization", figure_numbers))


@pytest.mark.parametrize("name", ["weight_distributions.png", "max_norm_divergence.png",
                                  "dropout_expectation.png", "l2_grid.png",
                                  "regularizers.png", "max_norm_sweep.png",
                                  "dropout_tuning.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_cs231n_figure_golden(figures, name):
    return figures[name]


def test_quick_run_writes_labelled_results(tmp_path):
    out = tmp_path / "results" / "cs231n_regularization"
    tables, _ = script.main(QUICK_RUN + ["--only", "divergence",
                                         "--diverge-steps", "10", "--out", str(out)])
    assert sorted(os.listdir(out)) == [
        "README.md", "claims.csv", "max_norm_divergence.csv", "max_norm_divergence.md",
        "max_norm_divergence.png", "max_norm_divergence_steps.csv", "metadata.json"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["quick"] is True and "QUICK" in meta["run"]
    assert meta["data"]["source"] == "sample"
    assert "QUICK" in (out / "README.md").read_text()
    assert list(tables) == ["max_norm_divergence"]
    # The ledger of a partial run: the divergence claim decided, the
    # sections not run said to be not run.
    ledger = read_ledger(out / "claims.csv")
    assert set(ledger["article"]) == {"002"}
    row = ledger[ledger["claim"].str.startswith("Max norm: the network cannot")]
    assert row["status"].tolist() == ["reproduced"]
    missing = ledger[ledger["why"].str.startswith("Not run here: the results lack")]
    assert len(missing) > 10 and set(missing["status"]) == {"not tested"}
    assert (out / "README.md").read_text().count("### Claims:") == 1


def test_notes_hold_method_only(run):
    """The notes are worded from the run (the validation set's size, the
    training budget) and state no claim: the ledger does."""
    args, data, results, _ = run
    text = script.notes(data, args, results)
    assert f"{len(data.y_val):,} digits" in text
    assert f"{args.steps:,} steps" in text
    for claim_words in ("chose no penalty", "does not overfit", "costs accuracy",
                        "does not learn"):
        assert claim_words not in text


# ---------------------------------------------------------------------------
# The claims ledger.
# ---------------------------------------------------------------------------
def written_tables(run, folder):
    """The quick run's tables as `write_results` writes them and `claims`
    reads them back (through CSV files)."""
    args, _, results, tables = run
    frames = {**tables, **script.section_tables(results, args)[1]}
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return read_tables(folder)


def statuses(ledger):
    return {claim.claim: claim.status for claim in ledger}


def status_of(ledger, start):
    found = [claim for claim in ledger if claim.claim.startswith(start)]
    assert len(found) == 1, start
    return found[0]


@pytest.fixture()
def tables(run, tmp_path):
    return written_tables(run, tmp_path / "tables")


def test_claims_follow_their_rules(run, tables):
    """The quick run has one seed: no spread, so the floors alone decide
    (`band` with the spread the rule states, `combine` for a set)."""
    args, _, results, _ = run
    ledger = script.claims(tables)
    assert {claim.article for claim in ledger} == {"002"}
    assert len(statuses(ledger)) == len(ledger)  # no claim twice
    assert all(claim.why for claim in ledger if claim.status != "reproduced")
    t = tables["table"].set_index("variant")

    # Weights: the rules, recomputed here.
    l1, l2 = t.at["l1", "near_zero_fraction"], t.at["l2", "near_zero_fraction"]
    assert status_of(ledger, "L1 makes the weight vectors sparse").status == combine(
        [band(l1 - script.SPARSE, 0), band(l1 - script.SPARSER * l2, 0)])
    # What the short-run tests above assert holds in the ledger too.
    for start in ("L1 makes", "Max norm clamps", "Max norm: the network cannot",
                  "Vanilla dropout: scaling", "Inverted dropout: scaling",
                  "Inverted dropout leaves", "Vanilla dropout must scale",
                  "A single global L2 strength"):
        assert status_of(ledger, start).status == "reproduced", start

    # A claim that a regularizer helps: tested where the plain network
    # overfits, on both held-out sets.
    improves = status_of(ledger, "Max norm improves accuracy (")
    if t.at["none", "train_test_gap"] > script.OVERFIT_GAP:
        assert improves.status == combine(
            band(t.at["max_norm", c] - t.at["none", c], script.SIGNIFICANT)
            for c in ("test_accuracy", "validation_accuracy"))
    else:
        assert improves.status == "not tested" and "overfits" in improves.why

    # Biases: not worse by more than the floor, at each lambda, on both sets.
    runs = tables["bias_regularization_runs"].groupby(
        ["lambda", "include_biases"]).mean(numeric_only=True)
    assert status_of(ledger, "Regularizing the biases too").status == combine(
        combine(band(runs.at[(strength, True), c] - runs.at[(strength, False), c]
                     + script.SIGNIFICANT, 0)
                for c in ("test_accuracy", "validation_accuracy"))
        for strength in runs.index.get_level_values("lambda").unique())

    # Every claim without a rule here says why it is not tested: the
    # article's figure, and what the quick run's one seed and few masks
    # cannot show.
    untested = {claim.claim for claim in ledger if claim.status == "not tested"}
    assert "The Dropout paper's figure of a thinned network" in untested
    assert status_of(ledger, "Regularizing different layers").claim not in untested

    # The further arms: per-layer L2 against one global strength, on both sets.
    arms, t = tables["further_arms"].set_index("arm"), tables["table"].set_index("variant")
    assert status_of(ledger, "Regularizing different layers").status == combine(
        band(t.at["l2", c] - arms.at["l2_hidden_only", c] + script.SIGNIFICANT, 0)
        for c in ("test_accuracy", "validation_accuracy"))
    # The tuned dropout: p = 0.5 at its better rate against the chosen arm.
    tuned = tables["dropout_tuning"].set_index("arm")
    pick = tuned[tuned["chosen"]].iloc[0]
    half = tuned.loc[["p=0.5, lr", "p=0.5, lr*p"]].max()
    assert status_of(ledger, "p = 0.5 is a reasonable default").status == combine([
        band(half["validation_accuracy"] - pick["validation_accuracy"]
             + script.SIGNIFICANT, 0),
        band(pick["test_accuracy"] - half["test_accuracy"] + script.SIGNIFICANT, 0)])


def test_identities_of_the_code_are_kind_implementation(tables):
    """The dropout scalings, their prediction code, the max-norm clamp and
    L2's gradient hold by construction: they are not counted as behaviour."""
    kinds = {claim.claim: claim.kind for claim in script.claims(tables)}
    implementation = [claim for claim, kind in kinds.items() if kind == "implementation"]
    for start in ("Vanilla dropout: scaling", "Inverted dropout: scaling",
                  "Inverted dropout leaves", "Vanilla dropout must scale",
                  "Max norm clamps", "L2's gradient is lambda w",
                  "Inverted dropout is preferable"):
        assert sum(claim.startswith(start) for claim in implementation) == 1, start
    assert len(implementation) == 7


def test_an_edited_number_moves_a_status(tables):
    before = statuses(script.claims(tables))
    sparse = "L1 makes the weight vectors sparse: many weights very close to exactly zero"
    assert before[sparse] == "reproduced"

    # L1's weights no sparser than L2's: the claim fails.
    edited = {name: frame.copy() for name, frame in tables.items()}
    t = edited["table"]
    l2 = t.loc[t["variant"] == "l2", "near_zero_fraction"].iloc[0]
    t.loc[t["variant"] == "l1", "near_zero_fraction"] = l2 / 2
    assert statuses(script.claims(edited))[sparse] == "not reproduced"

    # Dropout far above none: "extremely effective" becomes reproduced.
    effective = "Dropout is an extremely effective regularizer: higher test accuracy than none"
    assert before[effective] != "reproduced"
    edited = {name: frame.copy() for name, frame in tables.items()}
    t = edited["table"]
    none = t.loc[t["variant"] == "none", "test_accuracy"].iloc[0]
    t.loc[t["variant"] == "dropout", "test_accuracy"] = none + 0.05
    assert statuses(script.claims(edited))[effective] == "reproduced"
    # The same gain within the sds over seeds decides nothing.
    t["test_accuracy_sd"] = 0.03
    assert statuses(script.claims(edited))[effective] == "partly"

    # No train-test gap: the claims that a regularizer helps cannot be tested.
    edited = {name: frame.copy() for name, frame in tables.items()}
    t = edited["table"]
    t["train_accuracy"] = t["test_accuracy"]
    t["train_test_gap"] = 0.0
    after = script.claims(edited)
    combines = status_of(after, "Dropout complements the other methods")
    assert combines.status == "not tested" and "overfits" in combines.why
    assert "train_test_gap [none] 0.0000" in combines.ours
    assert status_of(after, "Regularization controls capacity").status == "not tested"

    # A table without the gap: not tested, naming what it lacks.
    edited = {name: frame.copy() for name, frame in tables.items()}
    edited["table"] = edited["table"].drop(columns=["train_test_gap"])
    combines = status_of(script.claims(edited), "Dropout complements the other methods")
    assert combines.status == "not tested"
    assert "the results lack table.csv: train_test_gap" in combines.why


def test_training_set_is_cut_class_by_class():
    """The full setting trains on 2,000 digits so that the plain network
    overfits; validation and test stay whole, and the data say so."""
    args = script.parse_args(["--data", "sample", "--train-size", "500"])
    whole = load_mnist("sample", seed=args.seed, log=lambda _: None)
    data = script.load_data(args.data, args.seed, args.train_size)
    assert len(data.x_train) == 500 and data.sizes["test"] == whole.sizes["test"]
    assert len(data.x_val) == len(whole.x_val)
    shares = data.y_train.mean(axis=0)
    np.testing.assert_allclose(shares, whole.y_train.mean(axis=0), atol=0.01)
    assert "cut to 500 digits" in data.description
    assert script.parse_args(["--data", "sample"]).train_size == 2000


# ---------------------------------------------------------------------------
# Any valid command completes.
# ---------------------------------------------------------------------------
def test_smallest_values_of_every_flag_complete_with_a_ledger(tmp_path, capsys):
    """One section (the first), one seed, one step of a one-unit network on
    one digit: the run completes; the sections not run are not tested and
    say what is missing."""
    ledger = completes_or_refused(script, tmp_path, capsys,
                                  ["--data", "sample", "--workers", "1"])
    assert ledger is not None
    status = dict(zip(ledger["claim"], ledger["status"]))
    why = dict(zip(ledger["claim"], ledger["why"]))
    bias = "Regularizing the biases too rarely leads to significantly worse performance"
    assert status[bias] == "not tested"
    assert why[bias] == "Not run here: the results lack bias_regularization_runs.csv."
    assert status["L1 makes the weight vectors sparse: many weights very close to "
                  "exactly zero"] != "not tested"


@pytest.mark.slow  # ~15-50 s on 2 cores: `pytest -m slow`, run by CI
def test_every_other_section_at_its_smallest_values_is_analysed(tmp_path):
    """Tables, ledger and figures of the other sections at their degenerate
    settings: one seed, one step, one mask, one lambda on the grid, one
    strength for the biases."""
    out = tmp_path / "degenerate"
    tables, _ = script.main(smallest_flags(script) + [
        "--only", "further_arms,divergence,max_norm_sweep,dropout,dropout_tuning,"
        "biases,l2_grid", "--data", "sample", "--workers", "1", "--out", str(out)])
    assert set(tables) == {"further_arms", "max_norm_divergence", "max_norm_sweep",
                           "dropout", "dropout_tuning", "bias_regularization", "l2_grid"}
    assert {"max_norm_divergence.png", "max_norm_sweep.png", "dropout_expectation.png",
            "dropout_tuning.png", "l2_grid.png"} <= set(os.listdir(out))
    ledger = read_ledger(out / "claims.csv")
    status = dict(zip(ledger["claim"], ledger["status"]))
    why = dict(zip(ledger["claim"], ledger["why"]))
    # One mask cannot resolve an expectation: the Monte Carlo checks wait.
    for claim in ("Vanilla dropout: scaling the activations by p at test time makes "
                  "the test output equal the expected training output",
                  "The test-time pass evaluates the averaged prediction of the "
                  "ensemble of sub-networks"):
        assert status[claim] == "not tested" and "enough masks" in why[claim]
    # A grid of lambda = 0 alone: nothing to compare the choice with, and the
    # choice is not a positive lambda.
    assert status["A single global L2 strength chosen on validation data does "
                  "well on test data"] == "not tested"
    assert status["Regularization pays: the strength chosen on validation data "
                  "is a positive L2 lambda"] == "not reproduced"


# ---------------------------------------------------------------------------
# Every network a job: the same numbers wherever the jobs train.
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_a_dask_cluster_gives_the_results_of_local_workers(tmp_path):
    """The same jobs on a LocalCluster of two one-thread workers and on two
    local one-thread workers: the same tables, runs and ledger. Among them
    the first seed's dropout checks (in its job, on its network) and the
    chosen L2 + dropout networks, trained after the grid's that choose it."""
    distributed = pytest.importorskip("distributed", reason="Dask is the cluster extra")
    flags = ["--quick", "--data", "sample", "--only", "dropout,l2_grid", "--steps", "20",
             "--mc-samples", "5", "--seeds", "2", "--grid", "0,0.01"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote, _ = script.main(flags + ["--out", str(tmp_path / "remote"),
                                         "--scheduler", cluster.scheduler_address])
    local, _ = script.main(flags + ["--out", str(tmp_path / "local"), "--workers", "2"])
    assert list(remote) == list(local) == ["dropout", "l2_grid"]
    for name, table in remote.items():  # no timing columns: every number
        assert table.equals(local[name]), name
    csv = sorted(p.name for p in (tmp_path / "local").glob("*.csv"))
    assert csv == sorted(p.name for p in (tmp_path / "remote").glob("*.csv"))
    assert {"dropout_runs.csv", "l2_grid_runs.csv", "claims.csv"} <= set(csv)
    for name in csv:
        assert ((tmp_path / "remote" / name).read_text()
                == (tmp_path / "local" / name).read_text()), name
    for where, folder in (([cluster.scheduler_address], "remote"),
                          (["local workers"], "local")):
        jobs = json.loads((tmp_path / folder / "metadata.json").read_text())["jobs"]
        assert jobs["where"] == where
        # 2 kinds and 2 lambdas x 2 seeds, then the chosen lambda's 2 seeds.
        assert jobs["count"] == 10
