"""Article 001, weight penalties: `reproductions/iris_histograms.py`.

One quick deterministic run (the three histogram networks and a two-point
strength sweep, one seed) is shared by the goldens, the figure goldens and
the claim checks.
"""

import argparse
import json
import os
import random

import iris_histograms as script
import keras
import numpy as np
import pandas as pd
import pytest

from tests.reproductions.goldens import check_golden
from tests.reproductions.smallest_run import completes_or_refused
from tests.reproductions.stored_numbers import stored

# Trained in this process, whose conditions (threads, oneDNN) are those
# tests/reproductions/spread.py varies to derive the goldens' tolerances.
QUICK_RUN = ["--quick", "--seed", "0", "--workers", "1"]


def quick_run():
    args = script.parse_args(QUICK_RUN)
    data = script.load_iris(args.test_fraction, seed=args.seed)
    results, runs, linear = script.run(data, args)
    return args, data, results, runs, script.summarize_sweep(runs), linear


@pytest.fixture(scope="module")
def run():
    return quick_run()


def summary(results, sweep):
    values = {}
    for kind, r in results.items():
        for key in ("test_accuracy", "near_zero", "near_zero_live", "median_abs",
                    "max_abs", "dead_units"):
            values[f"{kind}.{key}"] = float(r[key])
    for row in sweep.itertuples():
        for key in ("test_accuracy", "near_zero", "near_zero_live", "max_abs"):
            values[f"sweep.{row.kind}.{row.strength:g}.{key}"] = float(getattr(row, key))
    return values


GOLDEN = "iris_histograms_quick"


def golden_values():
    """The numbers of the numeric golden (tests/reproductions/spread.py)."""
    _, _, results, _, sweep, _ = quick_run()
    return summary(results, sweep)


def resolution(key):
    """The grain of each number: one of 30 test flowers, one of the 40
    first-layer weights, one unit, 1e-4 for a weight."""
    if "accuracy" in key:
        return 1 / 30
    if "near_zero" in key:
        return 1 / 40
    if "dead_units" in key:
        return 1.0
    return 1e-4


def test_numeric_golden_of_quick_run(run):
    _, _, results, _, sweep, _ = run
    check_golden(GOLDEN, summary(results, sweep))


def test_same_seed_same_weights(run):
    args, data, results, _, _, _ = run
    for kind in ("l1", "l2"):
        again = script.train(data, kind, args.strength, args.seed, args)
        np.testing.assert_array_equal(again["kernel"], results[kind]["kernel"])


def test_initial_weights_depend_on_the_seed_alone(run):
    """In a Dask worker, other threads draw from Python's global `random`
    while a job runs: a run's initial weights do not read it."""
    args = run[0]

    def initial(seed):
        model = script.build_model("l1", 0.01, args, seed)
        return [keras.ops.convert_to_numpy(w) for w in model.weights]

    random.seed(0)
    first = initial(0)
    random.random()  # another thread's draw
    for a, b in zip(first, initial(0), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(first[0], initial(1)[0])  # the seed draws them


def test_l1_makes_first_layer_sparse_l2_only_small(run):
    """The article: L1 drives some weights to (exactly) zero while allowing
    some to be big; L2 drives all weights to smaller values."""
    _, _, results, _, _, _ = run
    none, l1, l2 = results["none"], results["l1"], results["l2"]
    assert l1["near_zero"] >= 0.3 > l2["near_zero"] + 0.2
    assert none["near_zero"] == 0
    # Among units that fire, L1 zeroes weights and L2 zeroes none.
    assert l1["near_zero_live"] >= 0.2 and l2["near_zero_live"] == 0
    # L2 shrinks: a smaller largest weight and smaller live weights than none.
    assert l2["max_abs"] < none["max_abs"]
    assert l2["median_abs_live"] < none["median_abs_live"]
    # L1 keeps some weights big: its largest exceeds L2's.
    assert l1["max_abs"] > l2["max_abs"]
    for r in results.values():
        assert r["test_accuracy"] >= 0.9


def quick_tables(run):
    """The quick run's tables as the script writes them."""
    args, _, results, runs, _, linear = run
    return {"table": script.build_table(results, args), "sweep_runs": runs,
            "linear_runs": linear}


def claim_status(ledger, text):
    return next(c.status for c in ledger if c.claim.startswith(text))


def one_sweep_point(tables, strength):
    """`tables` as a sweep of the one strength `strength` would write them."""
    runs = tables["sweep_runs"]
    return {**tables, "sweep_runs": runs[np.isclose(runs["strength"], strength)]}


def test_sweep_l1_sparser_than_l2_at_each_strength(run):
    """Among the weights of units that fire, L1 is sparser than L2 at every
    sweep strength where one of them is sparse at all and neither network
    collapsed: the rule of the ledger's claim. Over all weights it need not
    hold: a strong L2 zeroes the weights of dead units."""
    _, _, _, _, sweep, _ = run
    table = sweep.set_index(["kind", "strength"])
    for strength in sweep["strength"].unique():
        l1, l2 = table.loc[("l1", strength)], table.loc[("l2", strength)]
        if min(l1["test_accuracy"], l2["test_accuracy"]) > script.COLLAPSED:
            assert l1["near_zero_live"] >= l2["near_zero_live"]
    strongest = sweep["strength"].max()
    assert (table.loc[("l1", strongest), "near_zero_live"]
            > table.loc[("l2", strongest), "near_zero_live"] + 0.2)
    # The quick sweep's weaker point (s=0.001) shows no sparsity of either
    # penalty among firing units: it cannot show the claim, which is then
    # shown for some strengths only.
    tables = quick_tables(run)
    assert claim_status(script.claims(tables), "L1 gives sparser") == "partly"
    assert claim_status(script.claims(one_sweep_point(tables, strongest)),
                        "L1 gives sparser") == "reproduced"
    weakest = one_sweep_point(tables, sweep["strength"].min())
    assert claim_status(script.claims(weakest), "L1 gives sparser") == "not tested"


def test_ledger_follows_the_numbers(run):
    """The quick run's ledger, and statuses that move when a number does."""
    tables = quick_tables(run)
    ledger = script.claims(tables)
    assert len(ledger) == len({c.claim for c in ledger})  # one row per claim
    assert claim_status(ledger, "L2 drives all") == "reproduced"
    assert claim_status(ledger, "L1 allows some") == "reproduced"
    assert claim_status(ledger, "Weight penalties make the weights decay") == "reproduced"
    # Adagrad never lands on exactly zero: sparsity within atol only.
    assert claim_status(ledger, "L1 drives some") == "partly"
    edited = {name: frame.copy() for name, frame in tables.items()}
    table = edited["table"]
    l1, l2 = table["variant"] == "l1", table["variant"] == "l2"
    table.loc[l1, "exact_zero"] = 0.5
    assert claim_status(script.claims(edited), "L1 drives some") == "reproduced"
    table.loc[l2, "median_abs_live"] = 5.0  # only the largest shrinks
    assert claim_status(script.claims(edited), "L2 drives all") == "partly"
    table.loc[l2, "max_abs"] = 5.0
    assert claim_status(script.claims(edited), "L2 drives all") == "not reproduced"
    # L1's largest is no longer above L2's, but still near the unpenalized one.
    assert claim_status(script.claims(edited), "L1 allows some") == "partly"
    table.loc[l1, "max_abs"] = 0.1
    assert claim_status(script.claims(edited), "L1 allows some") == "not reproduced"
    # Two of the 30 test flowers lost: accuracy not kept.
    table.loc[l1, "test_accuracy"] -= 2 / 30
    assert claim_status(script.claims(edited), "Weight penalties can shrink") == "partly"
    table.loc[l1, "median_abs"] = 1.0
    assert claim_status(script.claims(edited),
                        "Weight penalties make the weights decay") == "partly"
    # A sweep point where L2 is sparser than L1 among firing units.
    runs = edited["sweep_runs"]
    point = (runs["kind"] == "l2") & (runs["strength"] == runs["strength"].max())
    runs.loc[point, "near_zero_live"] = 1.0
    assert claim_status(script.claims(edited), "L1 gives sparser") == "not reproduced"


def test_penalties_are_tf1s(run):
    """What the model adds to its loss is TF1's formula on every weight and
    bias (L1: s * sum|w|, L2: s * sum(w^2) / 2): the implementation claims,
    which a wrong convention moves."""
    tables = quick_tables(run)
    for kind in ("L1 penalizes", "L2 penalizes"):
        assert claim_status(script.claims(tables), kind) == "reproduced"
    table = tables["table"]
    l2 = table["variant"] == "l2"
    table.loc[l2, "tf1_penalty"] *= 2  # the sum(w^2) convention, without the 1/2
    assert claim_status(script.claims(tables), "L2 penalizes") == "not reproduced"


def test_penalties_cover_kernels_and_biases(run):
    """TF1's scope regularizer covered every variable: 8 penalty terms."""
    args, _, _, _, _, _ = run
    for kind in ("l1", "l2"):
        model = script.build_model(kind, 0.01, args, seed=0)
        assert len(model.losses) == 8
    assert len(script.build_model("none", 0.01, args, seed=0).losses) == 0


def test_gradients_linear_models_and_simplicity_decide_their_claims(run):
    """The three claims tested by issue 26 follow their numbers: dead units'
    weights (no data gradient) decayed under a penalty while firing units'
    stay big; a penalty shrinks a linear model's weights at no accuracy;
    penalized networks have a smaller Lipschitz bound."""
    tables = quick_tables(run)
    gradients = "Penalties keep weights small unless big gradients"
    other_types = "Weight penalties are a standard regularizer"
    simpler = "A model with small weights is simpler"
    ledger = script.claims(tables)
    assert claim_status(ledger, gradients) == "reproduced"
    # Unmeasured parts (how widely used, interpretability): at most partly.
    assert claim_status(ledger, other_types) == "partly"
    assert claim_status(ledger, simpler) == "partly"
    table = tables["table"].set_index("variant")
    undecayed = table.assign(max_abs_dead=2 * table.at["none", "max_abs_dead"],
                             max_abs_live=0.0)
    undecayed.loc["none", "max_abs_dead"] = table.at["none", "max_abs_dead"]
    assert claim_status(script.claims({**tables, "table": undecayed.reset_index()}),
                        gradients) == "not reproduced"
    no_dead = table.assign(max_abs_dead=np.nan).reset_index()
    assert claim_status(script.claims({**tables, "table": no_dead}),
                        gradients) == "not tested"
    linear = tables["linear_runs"]
    unshrunk = linear.assign(median_abs=np.where(linear["kind"] == "l2", 2.0, 1.0),
                             test_accuracy=np.where(linear["kind"] == "l2", 0.0, 1.0))
    assert claim_status(script.claims({**tables, "linear_runs": unshrunk}),
                        other_types) == "not reproduced"
    rougher = table.assign(lipschitz_bound=2.0 * table.at["none", "lipschitz_bound"])
    rougher.loc["none", "lipschitz_bound"] /= 2.0
    assert claim_status(script.claims({**tables, "table": rougher.reset_index()}),
                        simpler) == "not reproduced"


def test_dead_units_weights_get_no_data_gradient_and_decay(run):
    """Where the L2 zero spike comes from: the first-layer units that never
    fire keep their initial weights without a penalty and decay under one."""
    _, _, results, _, _, _ = run
    for kind in ("l1", "l2"):
        r = results[kind]
        assert r["dead_mask"].sum() == r["dead_units"] > 0
        assert np.abs(r["kernel"][:, r["dead_mask"]]).max() < 0.05
    none = results["none"]
    assert np.abs(none["kernel"][:, none["dead_mask"]]).max() > 0.3


def figure_numbers():
    """What the figures are drawn from."""
    args, data, results, _, sweep, _ = quick_run()
    return {"results": results, "sweep": sweep,
            "data": argparse.Namespace(source=data.source), "args": args}


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits (a weight crossing the 1e-3 line no longer moves the figure)."""
    return script.make_figures(**stored("iris_histograms", figure_numbers))


@pytest.mark.parametrize("name", ["histograms.png", "sparsity_sweep.png"])
@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_iris_figure_golden(figures, name):
    return figures[name]


def test_quick_run_writes_labelled_results(tmp_path):
    out = tmp_path / "results" / "iris_histograms"
    table, sweep = script.main(["--quick", "--sweep", "0.01", "--workers", "1",
                                "--out", str(out)])
    assert sorted(os.listdir(out)) == [
        "README.md", "claims.csv", "histograms.png", "linear_runs.csv",
        "metadata.json", "sparsity_sweep.png", "sweep.csv", "sweep.md",
        "sweep_runs.csv", "table.csv", "table.md"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["quick"] is True and "QUICK" in meta["run"]
    assert meta["data"]["sizes"] == {"train": 120, "validation": 0, "test": 30}
    assert "QUICK" in (out / "README.md").read_text()
    assert list(table["variant"]) == ["none", "l1", "l2"]
    assert list(sweep["kind"]) == ["l1", "l2"]
    index = (tmp_path / "results" / "README.md").read_text()
    assert "](iris_histograms/histograms.png)" in index


def test_smallest_values_of_every_flag_complete_with_a_ledger(tmp_path, capsys):
    """One step, one sweep strength, one seed, the least test fraction (3
    flowers): the run completes; what it cannot decide is not tested."""
    ledger = completes_or_refused(script, tmp_path, capsys, ["--workers", "1"])
    assert ledger is not None
    status = dict(zip(ledger["claim"], ledger["status"]))
    why = dict(zip(ledger["claim"], ledger["why"]))
    sparser = "L1 gives sparser first-layer weights than L2, at every strength"
    assert status[sparser] == "not tested"  # s=1e-6 makes nothing sparse
    assert "one over 0.1 sparse" in why[sparser]
    assert status["L2 penalizes the square of each weight: s * sum(w^2) / 2 on "
                  "every weight and bias, as TF1's l2_regularizer"] == "reproduced"
    assert status["Weight penalties can shrink a model while keeping its "
                  "accuracy"] != "not tested"


def test_a_test_fraction_that_leaves_a_species_out_is_refused(tmp_path, capsys):
    """1e-6 of the 150 flowers is no test flower: a stratified split cannot
    keep every species in both sets. Refused in one line, before any work,
    nothing written."""
    out = tmp_path / "out"
    for fraction in ("1e-6", "0.99"):
        with pytest.raises(SystemExit) as exit_info:
            script.main(["--test-fraction", fraction, "--out", str(out)])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert (f"argument --test-fraction: expected a finite number in "
                f"[0.02, 0.98], received '{fraction}'") in err
        assert not out.exists()


def test_analysis_of_degenerate_outputs(run):
    """Tables, ledger and figures from the outputs of degenerate but valid
    settings: a sweep of one strength and one seed, a sweep whose L1 network
    collapsed, and a first layer with no unit that fires."""
    args, data, results, runs, _, linear = run
    one = runs[runs["strength"] == runs["strength"].max()]
    sweep = script.summarize_sweep(one)
    assert list(sweep["runs"]) == [1, 1]
    figures = script.make_figures(results, sweep, data, args)
    assert sorted(figures) == ["histograms.png", "sparsity_sweep.png"]
    tables = {"table": script.build_table(results, args), "sweep_runs": one,
              "linear_runs": linear}
    assert claim_status(script.claims(tables), "L1 gives sparser") == "reproduced"
    collapsed = one.assign(test_accuracy=np.where(one["kind"] == "l1", 1 / 3, 1.0))
    ledger = script.claims({**tables, "sweep_runs": collapsed})
    assert claim_status(ledger, "L1 gives sparser") == "not tested"
    why = next(c.why for c in ledger if c.claim.startswith("Penalties keep"))
    assert "at s = 0.01 L1 overrides the data gradient" in why
    dead = tables["table"].assign(near_zero_live=np.nan, median_abs_live=np.nan)
    ledger = script.claims({**tables, "table": dead})
    assert len(ledger) == len(script.claims(tables))
    assert claim_status(ledger, "L1 allows some") == "reproduced"


@pytest.mark.slow
def test_a_dask_cluster_gives_the_tables_of_local_workers(tmp_path):
    """Every run a job: on a LocalCluster of two one-thread workers and on
    two local one-thread workers, the same tables and ledger, but for the
    runs' seconds."""
    distributed = pytest.importorskip("distributed", reason="Dask is the cluster extra")
    # 7 runs: the 3 histograms', the sweep's 2 and 2 linear, short (their workers' start
    # takes most of the time).
    flags = ["--quick", "--steps", "200", "--sweep", "0.01"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = script.main(flags + ["--out", str(tmp_path / "remote"),
                                      "--scheduler", cluster.scheduler_address])
    local = script.main(flags + ["--out", str(tmp_path / "local"), "--workers", "2"])
    for remote_table, local_table in zip(remote, local):  # the table, the sweep
        pd.testing.assert_frame_equal(remote_table, local_table, check_exact=True)
    for name in ("sweep_runs.csv", "linear_runs.csv", "claims.csv"):
        remote_file, local_file = (pd.read_csv(tmp_path / where / name).drop(
            columns="seconds", errors="ignore") for where in ("remote", "local"))
        pd.testing.assert_frame_equal(remote_file, local_file, check_exact=True)
    for where, ran in (("remote", [cluster.scheduler_address]),
                       ("local", ["local workers"])):
        jobs = json.loads((tmp_path / where / "metadata.json").read_text())["jobs"]
        # 3 histograms, 2 sweep runs, 2 linear models (none and L2, one seed)
        assert jobs["count"] == 7 and jobs["where"] == ran
