"""Article 004: `reproductions/regularization_intuition.py`.

One short deterministic run of a reduced grid, its jobs trained in this
process, is shared by the numeric golden and the claims; the figure goldens
draw from stored numbers; the same jobs on a Dask cluster give the tables of
local one-thread workers. The smallest valid command, and the analysis of
degenerate outputs (one measurement, one seed, one point per sweep),
complete.
"""

import argparse
import json
import math
import pathlib
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import regularization_intuition as script

from harness.claims.evidence import Evidence
from harness.claims.ledger import ledger_frame, read_ledger
from harness.results.tables import read_tables
from tests.reproductions.goldens import check_golden
from tests.reproductions.smallest_run import completes_or_refused
from tests.reproductions.stored_numbers import stored

GRID = ["--l2-values", "0,0.01,1", "--dropout-values", "0,0.3,0.6"]
SHORT_RUN = ["--quick", "--steps", "1500", "--seed", "0", *GRID, "--workers", "1"]


def short_run(folder):
    """`(args, signal, data, results, table, out, runs)`: the grid's
    `results` by point, and every training's numbers (`runs`, by point and
    seed)."""
    args = script.parse_args(
        [*SHORT_RUN, "--out", str(folder / "results" / "regularization_intuition")])
    runs, arms = script.run(args)
    table = script.write(args, runs, arms, wall_seconds=0.0)
    signal, data = script.load_data(args.seed)
    return (args, signal, data, script.grid_results(args, runs), table,
            pathlib.Path(args.out), runs)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return short_run(tmp_path_factory.mktemp("short_run"))


def row(table, sweep, strength):
    return table[(table.sweep == sweep) & (table.strength == strength)].iloc[0]


def summary(table):
    return {f"{r.sweep}={r.strength:g}.{c}": float(getattr(r, c))
            for r in table.itertuples()
            for c in ("final_train_mse", "final_val_mse", "prediction_spread",
                      "param_std_after")}


GOLDEN = "regularization_intuition_short"


def golden_values():
    """The numbers of the numeric golden (tests/reproductions/spread.py)."""
    with tempfile.TemporaryDirectory() as folder:
        return summary(short_run(pathlib.Path(folder))[4])


def resolution(key):
    """The grain: 1e-4 of an MSE or a spread (of order 0.1 to 1)."""
    return 1e-4


def test_numeric_golden_of_short_run(run):
    check_golden(GOLDEN, summary(run[4]))


def test_every_training_is_one_job(run):
    """Each grid point and p = 1.0 one job (one seed: the seed check is the
    grid's own run), trained here with `--workers 1`."""
    args, _, _, results, table, out, runs = run
    assert sorted(results) == sorted(script.grid_points(args))
    assert set(table.tuner_id) == {"here"}
    jobs = json.loads((out / "metadata.json").read_text())["jobs"]
    expected = ([(k, s, 0) for k, s in script.grid_points(args)] + [("dropout", 1.0, 0)]
                + [(a, 0.0, 0) for a in script.ACTIVATIONS])
    assert sorted(runs) == sorted(expected)
    assert sorted(j["job"] for j in jobs["per_job"]) == sorted(map(str, expected))
    assert jobs["where"] == ["here"]
    assert (out / "README.md").exists() and "QUICK" in (out / "README.md").read_text()


def test_strong_l2_predicts_the_mean_and_collapses_parameters(run):
    """Article: large lambda -> the model predicts the data mean, and at
    lambda = 1 the parameters form a spike at 0."""
    table = run[4]
    none, strong = row(table, "l2", 0.0), row(table, "l2", 1.0)
    assert strong.predicts_mean and not none.predicts_mean
    assert abs(strong.prediction_mean_minus_data_mean) < 0.1
    assert strong.param_iqr_after < 0.01 * none.param_iqr_after
    assert strong.final_train_mse > none.final_train_mse


def test_dropout_flattens_predictions_but_keeps_parameters_wide(run):
    """Article: at p ~ 0.6 the prediction approaches the mean, yet the
    parameter distribution stays wide (unlike L2)."""
    table = run[4]
    none, p3, p6 = (row(table, "dropout", p) for p in (0.0, 0.3, 0.6))
    assert p6.prediction_spread < p3.prediction_spread < none.prediction_spread
    assert p6.prediction_spread < 0.6 * none.prediction_spread
    assert p6.param_std_after > 0.8 * none.param_std_after
    assert p6.param_std_after > 2 * row(table, "l2", 1.0).param_std_after


def test_turning_points_table(run):
    turning = script.turning_points(run[4], script.ARTICLE_TURNING).set_index("sweep")
    assert turning.loc["l2", "first_strength_predicting_mean"] == 1.0
    assert turning.loc["dropout", "article"] == 0.6
    assert turning.loc["l2", "article"] == 0.01


def ledger_of(tables):
    return {c.claim: c for c in script.claims(tables)}


def find(ledger, start):
    """The one claim whose statement starts with `start`."""
    hits = [c for text, c in ledger.items() if text.startswith(start)]
    assert len(hits) == 1, (start, list(ledger))
    return hits[0]


def copy_tables(tables):
    return {name: frame.copy() for name, frame in tables.items()}


@pytest.fixture(scope="module")
def tables(run):
    return read_tables(run[5])


def window_change(curve):
    """The relative change of a curve's mean over its last fifth of points
    against the fifth before, computed here by hand."""
    width = math.ceil(len(curve) / 5)
    return curve[-width:].mean() / curve[-2 * width:-width].mean() - 1


def test_ledger_is_written_and_follows_the_rules(run, tables):
    """The short run's claims.csv is the ledger of its tables, and each
    decided status follows from the numbers by its stated rule."""
    out = run[5]
    written = read_ledger(out / "claims.csv")
    derived = script.claims(tables)
    assert written.equals(ledger_frame(derived))
    assert "### Claims:" in (out / "README.md").read_text()
    assert {c.article for c in derived} == {"004"}
    ledger = {c.claim: c for c in derived}
    table = tables["table"]
    # p = 0.6 approaches the mean: its prediction spread, dropout on, below FLAT.
    spread = row(table, "dropout", 0.6).prediction_spread_dropout_on
    assert find(ledger, "At p = 0.6").status == (
        "reproduced" if spread < script.FLAT else "not reproduced")
    # Convergence of the unregularized losses: neither still falls by more
    # than 5 % from the fifth before the last to the last.
    none = tables["history"].query("sweep == 'l2' and strength == 0").sort_values("step")
    stopped = [window_change(none[c].to_numpy()) > -0.05 for c in ("val_mse", "train_mse")]
    assert find(ledger, "The models are trained until").status == (
        "reproduced" if all(stopped) else "partly" if any(stopped) else "not reproduced")
    # p = 1.0 from limit.csv: the parameters barely move.
    limit = tables["limit"].iloc[0]
    assert limit.strength == 1.0
    moved = [limit.param_fraction_moved < script.UNMOVED,
             limit.param_ks_to_init < script.KS_CHANGED]
    assert find(ledger, "At p = 1.0").status == (
        "reproduced" if all(moved) else "partly" if any(moved) else "not reproduced")
    # Points and sweeps this grid lacks are not tested, and say which.
    for start, lacking in (("At p = 0.1", "strength=0.1"),
                           ("Above lambda = 0.01", "strength=0.1"),
                           ("For very small lambda", "strength=1e-05"),
                           ("From p = 0.4", "strength=0.4"),
                           ("At p = 0.2 and 0.3", "strength=0.2"),
                           ("Larger p: the model still learns", "strength=0.9")):
        claim = find(ledger, start)
        assert claim.status == "not tested" and lacking in claim.why, claim
    assert all(c.why for c in derived if c.status != "reproduced")
    assert len(derived) == 31


def test_final_values_are_the_window_measured_at_every_step(run, tables):
    """A final value is the mean of the curve's last fifth measured at every
    step (final_window.csv), not of its sampled points: a spike at a sampled
    point does not move it; the window's own mean does."""
    window = tables["final_window"]
    none = (window.sweep == "l2") & (window.strength == 0)
    runs = run[6]
    steps = runs[("l2", 0.0, 0)]["window_train_mse"]
    assert len(steps) == window.loc[none, "window_steps"].iloc[0] > 1
    assert window.loc[none, "train_mse"].iloc[0] == pytest.approx(steps.mean())
    edited = copy_tables(tables)
    history = edited["history"]
    history.loc[(history.sweep == "l2") & (history.strength == 0), "train_mse"] = 5.0
    final = Evidence(edited).measure(script.final("train_mse", "l2", 0.0))
    assert final.value == pytest.approx(steps.mean())
    edited["final_window"].loc[none, "train_mse"] = 0.5
    assert Evidence(edited).measure(script.final("train_mse", "l2", 0.0)).value == 0.5


def test_edited_numbers_move_statuses(tables):
    """Editing a number in the tables changes the status it decides."""
    table = tables["table"]
    p6 = (table.sweep == "dropout") & (table.strength == 0.6)
    for spread, status in ((0.1, "reproduced"), (0.9, "not reproduced")):
        edited = copy_tables(tables)
        edited["table"].loc[p6, "prediction_spread_dropout_on"] = spread
        assert find(ledger_of(edited), "At p = 0.6").status == status

    # One definition of "still falling" for the setting check.
    edited = copy_tables(tables)
    history = edited["history"]
    none = (history.sweep == "l2") & (history.strength == 0)
    claim = "The models are trained until"
    for column in ("train_mse", "val_mse"):
        history.loc[none, column] = np.linspace(0.2, 0.1, none.sum())
    assert find(ledger_of(edited), claim).status == "not reproduced"
    history.loc[none, "val_mse"] = 0.1
    assert find(ledger_of(edited), claim).status == "partly"
    history.loc[none, "train_mse"] = 0.1
    assert find(ledger_of(edited), claim).status == "reproduced"

    # Monotone: every measurement, or only the means over fifths, falls.
    claim = "The unregularized training loss decreases"
    falling = np.linspace(0.3, 0.02, none.sum())
    history.loc[none, "train_mse"] = falling
    assert find(ledger_of(edited), claim).status == "reproduced"
    history.loc[none, "train_mse"] = falling * np.where(np.arange(none.sum()) % 3, 1, 1.5)
    assert find(ledger_of(edited), claim).status == "partly"
    history.loc[none, "train_mse"] = falling[::-1]
    assert find(ledger_of(edited), claim).status == "not reproduced"

    # A trend over the sweep: the final training MSE against p.
    claim = "Larger p: the final training loss increases"
    for sign, status in ((1, "reproduced"), (-1, "not reproduced")):
        edited = copy_tables(tables)
        window = edited["final_window"]
        dropout = window.sweep == "dropout"
        window.loc[dropout, "train_mse"] = 1 + sign * window.loc[dropout, "strength"]
        assert find(ledger_of(edited), claim).status == status

    # Saturating activations: failing seeds of tanh or sigmoid, not of LeakyReLU.
    claim = "Saturating activations"
    for r2, status in (((0.95, 0.5, 0.95), "reproduced"), ((0.95, 0.95, 0.95),
                                                            "not reproduced"),
                       ((0.5, 0.5, 0.95), "partly")):
        edited = copy_tables(tables)
        edited["activations"] = pd.DataFrame({
            "activation": ["leaky_relu", "tanh", "sigmoid"], "seed": 0, "clean_r2": r2})
        assert find(ledger_of(edited), claim).status == status

    # The penalty against lambda * ||W||_F^2 computed apart.
    claim = "The L2 penalty as the Frobenius norm"
    assert find(ledger_of(tables), claim).status == "reproduced"
    edited = copy_tables(tables)
    edited["table"]["penalty_model"] *= 1.5
    assert find(ledger_of(edited), claim).status == "not reproduced"


def seed_curves(differences, dead=()):
    """`seed_check.csv` and `seed_check_history.csv` of three seeds whose
    regularized arm ends `differences` above the unregularized one."""
    rows, curves = [], []
    for seed, difference in enumerate(differences):
        for arm, level in (("unregularized", 0.02), ("regularized", 0.02 + difference)):
            where = {"arm": arm, "sweep": "l2" if arm == "unregularized" else "dropout",
                     "strength": 0.0 if arm == "unregularized" else 0.1, "seed": seed}
            rows.append({**where, "prediction_spread": 0.0 if seed in dead else 1.0,
                         "val_mse": level})
            curves.append(pd.DataFrame({**where, "step": np.arange(1, 11) * 100,
                                        "train_mse": level, "val_mse": level}))
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def test_regularization_only_hurts_is_paired_over_every_seed(tables):
    claim = "Regularization only hurts"
    statuses = {}
    for name, differences in (("hurts", (0.01, 0.012, 0.011)),
                              ("helps", (-0.01, -0.012, -0.011)),
                              ("noise", (0.01, -0.012, 0.001))):
        edited = copy_tables(tables)
        edited["seed_check"], edited["seed_check_history"] = seed_curves(differences)
        statuses[name] = find(ledger_of(edited), claim).status
    assert statuses == {"hurts": "reproduced", "helps": "not reproduced",
                        "noise": "partly"}
    edited = copy_tables(tables)
    edited["seed_check"], edited["seed_check_history"] = seed_curves(
        (0.01, 0.012, 0.0), dead=(2,))
    row_ = find(ledger_of(edited), claim)
    assert "the same 3 seeds" in row_.why and "2 (unregularized)" in row_.why
    assert "dropout = 0.1" in row_.why
    edited["seed_check"] = edited["seed_check"].drop(columns=["val_mse"])
    assert find(ledger_of(edited), claim).status == "not tested"


def test_seed_check_trains_both_arms_again_on_other_seeds(run):
    """Both arms on the same seeds: the grid's own run for --seed, a new
    one (same initial weights for both arms) for the next, trained once the
    grid has chosen the regularized arm."""
    args, signal, _, results, _, _, runs = run
    args = argparse.Namespace(**{**vars(args), "seeds": 2})
    runs, arms = script.train_seed_check(args, runs)
    assert sorted(runs) == sorted([*run[6], *((*arm, 1) for arm in arms.values())])
    check, curves = script.seed_check(args, arms, runs, signal)
    assert check.groupby("arm").seed.apply(list).to_dict() == {
        "regularized": [0, 1], "unregularized": [0, 1]}
    best = check[check.arm == "regularized"].iloc[0]
    assert best.strength > 0
    grid = results[(best.sweep, best.strength)]
    first = curves[(curves.arm == "regularized") & (curves.seed == 0)]
    np.testing.assert_array_equal(first.val_mse, grid["val_mse"])  # the grid's run
    again = curves[(curves.arm == "regularized") & (curves.seed == 1)]
    assert not np.array_equal(again.val_mse, first.val_mse)
    assert (check.prediction_spread > 0).all()


def test_claims_of_tables_from_an_older_script_are_not_tested(tables):
    """Tables without the new columns and files give `not tested`, not an
    error."""
    edited = copy_tables(tables)
    del edited["limit"], edited["split"], edited["final_window"]
    edited["seed_check"] = edited["seed_check"].drop(columns=["val_mse"])
    edited["table"] = edited["table"].drop(columns=["roughness_dropout_on",
                                                    "clean_r2"])
    ledger = ledger_of(edited)
    for start in ("At p = 1.0", "The train and validation",
                  "Without regularization the model learns",
                  "Regularization only hurts"):
        assert find(ledger, start).status == "not tested"


def test_smallest_values_of_every_flag_complete_with_a_ledger(tmp_path, capsys):
    """One step, one measurement, one strength per sweep, one seed, the
    least learning rate and initial range: the run completes, and what it
    cannot decide is not tested."""
    ledger = completes_or_refused(script, tmp_path, capsys, ["--workers", "1"])
    assert ledger is not None
    status = dict(zip(ledger["claim"], ledger["status"]))
    why = dict(zip(ledger["claim"], ledger["why"]))
    for claim in ("Larger lambda: the final training error increases greatly",
                  "The unregularized training loss decreases monotonically"):
        assert status[claim] == "not tested", why[claim]
    assert "no fifth before its last" in why[
        "The models are trained until the unregularized loss has stopped falling "
        "(a setting check, not the article's claim)"]


def degenerate_results(signal, strengths, steps=1):
    """What the grid writes for `strengths` (`{sweep: [...]}`) with `steps`
    measurements per curve: made up, as no training is needed to analyse."""
    rng = np.random.default_rng(0)
    results = {}
    for sweep, values in strengths.items():
        for strength in values:
            passes = (rng.normal(3, 1, (2, len(signal.x))) if sweep == "dropout"
                      and strength > 0 else np.zeros((0, len(signal.x))))
            results[(sweep, strength)] = {
                "kind": sweep, "strength": strength,
                "prediction": rng.normal(3, 1, len(signal.x)).astype(np.float32),
                "prediction_dropout_on": passes, "kernel_mask": np.arange(50) < 40,
                "before": rng.uniform(-0.3, 0.3, 50), "after": rng.normal(0, 0.3, 50),
                "seconds": 0.1, "tuner_id": "local", "step": np.arange(1, steps + 1),
                "train_mse": rng.uniform(0.1, 1, steps),
                "val_mse": rng.uniform(0.1, 1, steps),
                **{f"window_{c}": rng.uniform(0.1, 1, steps) for c in
                   ("train_mse", "val_mse")}}
    return results


@pytest.mark.parametrize("strengths, steps", [
    ({"l2": [0.0], "dropout": [0.5]}, 1),  # one point per sweep, one measurement
    ({"l2": [0.01], "dropout": [0.0]}, 2),  # no lambda = 0 in the grid
    ({"l2": [0.0, 0.1, 1.0], "dropout": [0.0, 0.3, 0.6]}, 5),
])
def test_analysis_of_degenerate_outputs_completes(strengths, steps, tmp_path):
    """Tables, ledger and figures of degenerate but valid settings: one
    measurement (--eval-every equal to --steps), one seed, one strength per
    sweep. Nothing raises; what cannot be decided is not tested."""
    args = script.parse_args(["--quick", "--steps", str(steps), "--eval-every",
                              str(steps), "--seeds", "1", "--out", str(tmp_path)])
    signal, data = script.load_data(args.seed)
    results = degenerate_results(signal, strengths, steps)
    table = script.table_of(results, signal, data)
    if ("l2", 0.0) not in results:  # the seed check trains it: not here
        results[("l2", 0.0)] = degenerate_results(signal, {"l2": [0.0]}, steps)[
            ("l2", 0.0)]
    runs = {(k, s, args.seed): r for (k, s), r in results.items()}
    check, curves = script.seed_check(args, script.seed_arms(results), runs, signal)
    tables = {"table": table, "history": script.history_frame(results),
              "turning_points": script.turning_points(table, script.ARTICLE_TURNING),
              "seed_check": check, "seed_check_history": curves,
              "split": script.split_frame(data, signal), "limit": table.iloc[:1],
              "final_window": script.window_frame(runs),
              "activations": script.activation_frame(args, runs, signal)}
    ledger = script.claims(tables)
    assert len(ledger) == 31
    status = {c.claim: c.status for c in ledger}
    if steps == 1:
        assert status["Larger lambda: the loss falls less early in training"] == (
            "not tested")
    figures = script.make_figures(results, signal, data, args, results.get(
        ("dropout", 0.5)))
    assert sorted(figures) == sorted(
        ["data.png", "spread.png"] + [f"{f}_{k}.png" for k in script.SWEEPS
                                      for f in ("loss", "predictions", "kde")])
    for figure in figures.values():
        plt.close(figure)


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("regularization_intuition",
                                        figure_numbers))


def figure_numbers():
    """What the figures are drawn from."""
    with tempfile.TemporaryDirectory() as folder:
        args, signal, data, results, *_, runs = short_run(pathlib.Path(folder))
    return {"results": results, "data": data, "args": args,
            "limit": runs[("dropout", 1.0, 0)],
            "signal": argparse.Namespace(x=signal.x, y=signal.y,
                                         clean=signal.clean, mean=signal.mean)}


@pytest.mark.parametrize("name", ["kde_l2.png", "predictions_dropout.png",
                                  "loss_l2.png", "data.png", "kde_dropout.png",
                                  "loss_dropout.png", "predictions_l2.png",
                                  "spread.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_figure_golden(figures, name):
    return figures[name]


@pytest.mark.slow
def test_a_dask_cluster_gives_the_tables_of_local_workers(tmp_path):
    """The same jobs on a LocalCluster of two one-thread workers and on two
    local one-thread workers: the same tables and ledger, but for the times
    and where each job trained. One seed, so no second phase: starting
    worker processes is most of this test's time, and the seed check's
    second phase is `test_seed_check_trains_both_arms_again_on_other_seeds`'s."""
    distributed = pytest.importorskip("distributed", reason="Dask is the cluster extra")
    flags = ["--quick", "--steps", "40", "--eval-every", "10", "--l2-values", "0,1",
             "--dropout-values", "0.5", "--seeds", "1"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        script.main(flags + ["--out", str(tmp_path / "remote"),
                             "--scheduler", cluster.scheduler_address])
    script.main(flags + ["--out", str(tmp_path / "local"), "--workers", "2"])
    names = sorted(p.name for p in (tmp_path / "local").glob("*.csv"))
    assert names == sorted(p.name for p in (tmp_path / "remote").glob("*.csv"))
    assert {"table.csv", "limit.csv", "seed_check_history.csv", "claims.csv"} <= set(names)
    for name in names:
        local, remote = (pd.read_csv(tmp_path / where / name).drop(
            columns=["runtime_s", "tuner_id"], errors="ignore")
            for where in ("local", "remote"))
        pd.testing.assert_frame_equal(remote, local, check_exact=True, obj=name)
    assert set(pd.read_csv(tmp_path / "local" / "table.csv").tuner_id) == {"local workers"}
    jobs = json.loads((tmp_path / "remote" / "metadata.json").read_text())["jobs"]
    # 3 points, p = 1.0 and the two saturating activations (the seed
    # check's runs are the grid's).
    assert jobs["count"] == 6 and jobs["where"] == [cluster.scheduler_address]
