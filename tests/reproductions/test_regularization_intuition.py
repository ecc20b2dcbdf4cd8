"""Article 004: `reproductions/regularization_intuition.py`.

One short deterministic run of a reduced grid is shared by the numeric
golden, the claims and the figure goldens; a second test runs the same grid
distributed over keras-tuner's chief and two workers on 127.0.0.1.
"""

import argparse
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest
import regularization_intuition as script

from harness.analysis.curve_windows import window_change
from harness.results.claims import decide, ledger_frame, read_ledger
from harness.results.tables import read_tables
from tests.reproductions.goldens import check_golden
from tests.reproductions.stored_numbers import stored

ROOT = pathlib.Path(__file__).resolve().parents[2]
GRID = ["--l2-values", "0,0.01,1", "--dropout-values", "0,0.3,0.6"]
SHORT_RUN = ["--quick", "--steps", "1500", "--seed", "0", *GRID]


def short_run(folder):
    out = folder / "results" / "regularization_intuition"
    work = folder / "work"
    table = script.main([*SHORT_RUN, "--out", str(out), "--work-dir", str(work)])
    args = script.parse_args([*SHORT_RUN, "--work-dir", str(work)])
    signal, data = script.load_data(args.seed)
    results = script.collect(str(work), args)
    return args, signal, data, results, table, out


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


def test_every_grid_point_ran_once_locally(run):
    args, _, _, results, table, out = run
    assert sorted(results) == sorted(script.grid_points(args))
    assert set(table.tuner_id) == {"local"}
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
    turning = script.turning_points(run[4]).set_index("sweep")
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

    def point(sweep, strength):
        return table[(table.sweep == sweep) & np.isclose(table.strength, strength)].iloc[0]

    # The dropout turning point: within 0.1 of the article's 0.6.
    first = tables["turning_points"].set_index("sweep").at[
        "dropout", "first_strength_predicting_mean"]
    assert find(ledger, "At p = 0.6").status == decide(
        not np.isnan(first) and abs(first - 0.6) <= 0.1 + 1e-9)
    # Fuzzy at x = 11 (p = 0.3 is the only one of 0.2, 0.3 in this grid):
    # with dropout off it counts as reproduced, with dropout on only partly.
    p3, p0 = point("dropout", 0.3), point("dropout", 0.0)
    off = (p3.hard_region_roughness >= script.ROUGH
           and p3.hard_region_roughness > p0.hard_region_roughness)
    on = (p3.hard_region_roughness_dropout_on >= script.ROUGH
          and p3.hard_region_roughness_dropout_on - p3.hard_region_roughness_dropout_on_sd
          > p0.hard_region_roughness)
    assert find(ledger, "At p = 0.2 and 0.3").status == decide(off, on)
    # Convergence of the unregularized losses: last fifth against the one
    # before, window means.
    none = tables["history"].query("sweep == 'l2' and strength == 0").set_index("step")
    val, train = (window_change(none[c]) for c in ("val_mse", "train_mse"))
    assert find(ledger, "The models are trained until").status == decide(
        val >= -script.CONVERGED and train >= -script.CONVERGED,
        val >= -script.CONVERGED)
    # p = 1.0 from limit.csv: the parameters barely move.
    limit = tables["limit"].iloc[0]
    assert limit.strength == 1.0
    assert find(ledger, "At p = 1.0").status == decide(
        limit.param_fraction_moved <= script.UNMOVED and limit.param_ks_to_init < 0.1,
        limit.param_fraction_moved <= script.UNMOVED)
    # Points this grid lacks are not tested, and say so.
    for start in ("At p = 0.1", "Above lambda = 0.01", "For very small lambda",
                  "From p = 0.4"):
        claim = find(ledger, start)
        assert claim.status == "not tested" and claim.why
    assert all(c.why for c in derived if c.status != "reproduced")


def test_edited_numbers_move_statuses(tables):
    """Editing a number in the tables changes the status it decides."""
    turning = tables["turning_points"]
    statuses = {}
    for first in (0.6, 0.3):
        edited = copy_tables(tables)
        edited["turning_points"].loc[turning.sweep == "dropout",
                                     "first_strength_predicting_mean"] = first
        statuses[first] = find(ledger_of(edited), "At p = 0.6").status
    assert statuses == {0.6: "reproduced", 0.3: "not reproduced"}

    # The dropout-on hypothesis: rough only with dropout on -> partly; rough
    # with dropout off too -> reproduced; smooth both ways -> not reproduced.
    table = tables["table"]
    p3 = (table.sweep == "dropout") & (table.strength == 0.3)
    statuses = []
    for off, on in ((0.0, 1.5), (1.5, 1.5), (0.0, 0.0)):
        edited = copy_tables(tables)
        edited["table"].loc[p3, "hard_region_roughness"] = off
        edited["table"].loc[p3, "hard_region_roughness_dropout_on"] = on
        edited["table"].loc[p3, "hard_region_roughness_dropout_on_sd"] = 0.01
        statuses.append(find(ledger_of(edited), "At p = 0.2 and 0.3").status)
    assert statuses == ["partly", "reproduced", "not reproduced"]

    # A flat end of the unregularized loss curve counts as converged.
    edited = copy_tables(tables)
    history = edited["history"]
    none = (history.sweep == "l2") & (history.strength == 0)
    for column in ("train_mse", "val_mse"):
        history.loc[none, column] = np.linspace(0.2, 0.1, none.sum())
    assert find(ledger_of(edited), "The models are trained until").status == "not reproduced"
    history.loc[none, "val_mse"] = 0.1
    assert find(ledger_of(edited), "The models are trained until").status == "partly"
    history.loc[none, "train_mse"] = 0.1
    assert find(ledger_of(edited), "The models are trained until").status == "reproduced"


def test_seed_check_trains_both_points_again_on_other_seeds(run, tables):
    """"Regularization only hurts" is decided on the unregularized model and
    the best regularized point, each over several seeds."""
    args, signal, data, _, _, _ = run
    check = script.seed_check(argparse.Namespace(**{**vars(args), "seeds": 2}),
                              tables["table"], signal, data)
    assert (check["prediction_spread"] > 0).all()
    assert check.groupby(["sweep", "strength"]).size().tolist() == [2, 2]
    table = tables["table"]
    for row in check[check.seed == args.seed].itertuples():
        grid = table[(table.sweep == row.sweep) & np.isclose(table.strength, row.strength)]
        assert row.final_val_mse == grid.final_val_mse.item()  # the grid's own run
    again = check[check.seed == args.seed + 1].final_val_mse.to_numpy()
    assert np.all(again != check[check.seed == args.seed].final_val_mse.to_numpy())

    edited = copy_tables(tables)
    edited["seed_check"] = check
    claim = find(ledger_of(edited), "Regularization only hurts")
    stats = check.groupby(["sweep", "strength"]).final_val_mse.agg(["mean", "std"])
    none = stats.loc[("l2", 0.0)]
    best = stats.drop(index=("l2", 0.0)).iloc[0]
    gains = (none["mean"] - best["mean"] > none["std"] + best["std"]
             and best["mean"] < 0.9 * none["mean"])
    assert claim.status == decide(not gains)
    assert "2 seeds" in claim.why
    # A seed whose models predict a constant (a dead output ReLU) is left
    # out, and said to be.
    dead = copy_tables(edited)
    second = dead["seed_check"]["seed"] == args.seed + 1
    dead["seed_check"].loc[second, ["final_val_mse", "prediction_spread"]] = [9.5, 0.0]
    left_out = find(ledger_of(dead), "Regularization only hurts")
    assert "Left out: seed 1" in left_out.why and "9.50" in left_out.why
    assert "(1 seed:" in left_out.why
    # A regularized point far below on every seed: not reproduced.
    regularized = check.sweep.ne("l2") | check.strength.ne(0.0)
    edited["seed_check"].loc[regularized, "final_val_mse"] = 0.1 * none["mean"]
    assert find(ledger_of(edited), "Regularization only hurts").status == "not reproduced"


def test_claims_of_tables_from_an_older_script_are_not_tested(tables):
    """Tables without the new columns and files give `not tested`, not an
    error."""
    edited = copy_tables(tables)
    del edited["limit"], edited["split"]
    edited["table"] = edited["table"].drop(columns=["roughness_dropout_on",
                                                    "clean_r2"])
    ledger = ledger_of(edited)
    for start in ("At p = 1.0", "The train and validation", "At p = 0.2 and 0.3",
                  "Without regularization the model learns"):
        assert find(ledger, start).status == "not tested"


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    return script.make_figures(**stored("regularization_intuition",
                                        figure_numbers))


def figure_numbers():
    """What the figures are drawn from."""
    with tempfile.TemporaryDirectory() as folder:
        args, signal, data, results, _, _ = short_run(pathlib.Path(folder))
    return {"results": results, "data": data, "args": args,
            "signal": argparse.Namespace(x=signal.x, y=signal.y,
                                         clean=signal.clean, mean=signal.mean)}


@pytest.mark.parametrize("name", ["kde_l2.png", "predictions_dropout.png",
                                  "loss_l2.png", "data.png", "kde_dropout.png",
                                  "loss_dropout.png", "predictions_l2.png",
                                  "spread.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_figure_golden(figures, name):
    return figures[name]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_distributed_chief_and_two_workers(tmp_path):
    """keras-tuner chief + 2 workers on loopback: every grid point is trained
    exactly once, by a worker, and the chief writes the results."""
    port = str(free_port())
    work = tmp_path / "work"
    out = tmp_path / "out" / "regularization_intuition"
    command = [sys.executable, str(ROOT / "reproductions" / "regularization_intuition.py"),
               "--quick", "--steps", "200", "--l2-values", "0,1",
               "--dropout-values", "0.3,0.6", "--work-dir", str(work), "--out", str(out)]
    base = {**os.environ, "KERASTUNER_ORACLE_IP": "127.0.0.1",
            "KERASTUNER_ORACLE_PORT": port, "PYTHONPATH": str(ROOT),
            "CUDA_VISIBLE_DEVICES": ""}
    procs = {}
    logs = {}
    try:
        for tuner_id in ("chief", "worker0", "worker1"):
            logs[tuner_id] = open(tmp_path / f"{tuner_id}.log", "w")
            procs[tuner_id] = subprocess.Popen(
                command, env={**base, "KERASTUNER_TUNER_ID": tuner_id},
                stdout=logs[tuner_id], stderr=subprocess.STDOUT)
            if tuner_id == "chief":
                time.sleep(2)
        deadline = time.monotonic() + 240
        for proc in procs.values():
            proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for f in logs.values():
            f.close()
    for tuner_id, proc in procs.items():
        assert proc.returncode == 0, (tmp_path / f"{tuner_id}.log").read_text()[-3000:]
    runs = [line.split("\t") for line in (work / "runs.log").read_text().splitlines()]
    points = sorted((kind, float(s)) for _, kind, s in runs)
    assert points == sorted([("l2", 0.0), ("l2", 1.0), ("dropout", 0.3),
                             ("dropout", 0.6)])  # each exactly once
    assert {tuner for tuner, _, _ in runs} <= {"worker0", "worker1"}
    assert (out / "table.csv").exists()
    table = (out / "table.csv").read_text()
    assert "worker" in table
