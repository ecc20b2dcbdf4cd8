"""Article 001, other techniques: `reproductions/regularization_overview.py`.

One quick deterministic run of the four LeNet-5 sections on the bundled
MNIST sample (1,000 training digits) is shared by the goldens, the figure
goldens and the claim checks.
"""

import argparse
import json
import os

import keras
import numpy as np
import pandas as pd
import pytest
import regularization_overview as script

from harness.results.claims import STATUSES, beyond_spread, mean_sd
from harness.results.tables import read_tables
from tests.reproductions.goldens import check_golden
from tests.reproductions.stored_numbers import stored

QUICK_RUN = ["--quick", "--data", "sample", "--seed", "0"]


def quick_args(*extra):
    return script.parse_args(QUICK_RUN + list(extra))


def quick_run():
    args = quick_args()
    data = script.prepare_data(args, log=lambda _: None)
    runs = {section: script.run_section(section, data, args)
            for section in ("dropout", "early_stopping", "augmentation", "dsd")}
    return args, data, runs


@pytest.fixture(scope="module")
def run():
    return quick_run()


def summary(runs, args):
    table = script.headline_rows(runs, args)
    return {f"{row.section}: {row.quantity}": float(row.value)
            for row in table.itertuples()}


GOLDEN = "regularization_overview_quick"


def golden_values():
    """The numbers of the numeric golden (tests/reproductions/spread.py)."""
    args, _, runs = quick_run()
    return summary(runs, args)


def resolution(key):
    """The grain of each number: one of 715 test digits for an accuracy or
    a gap, one epoch, 1e-4 for a loss or a sparsity."""
    if "accuracy" in key or "gap" in key:
        return 1 / 715
    if "loss" in key or "sparsity" in key:
        return 1e-4
    return 1.0  # epoch counts


def test_numeric_golden_of_quick_run(run):
    args, _, runs = run
    check_golden(GOLDEN, summary(runs, args))


def test_same_seed_same_numbers(run):
    args, data, runs = run
    again = script.run_dsd(data, args, args.seed)
    for name in ("plain", "dsd"):
        assert again[name]["curves"] == runs["dsd"][0][name]["curves"]
        assert again[name]["sparsity"] == runs["dsd"][0][name]["sparsity"]


def test_dropout_narrows_the_train_test_gap(run):
    _, _, runs = run
    first = runs["dropout"][0]
    gap = {name: first[name]["curves"]["train"][-1] - first[name]["curves"]["test"][-1]
           for name in ("no_dropout", "dropout")}
    assert gap["dropout"] < gap["no_dropout"]
    assert first["dropout"]["curves"]["test"][-1] >= \
        first["no_dropout"]["curves"]["test"][-1]


def test_early_stopping_restores_the_best_epoch(run):
    """Training loss keeps falling while validation loss rises; the model
    keeps the weights of the epoch with the lowest validation loss."""
    args, _, runs = run
    r = runs["early_stopping"][0]
    best = r["best_epoch"]
    assert r["val_loss"][best - 1] == min(r["val_loss"])
    assert r["stopped_early"] and r["epochs_run"] == best + args.patience
    assert r["loss"][-1] < r["loss"][best - 1]
    assert r["val_loss"][-1] > r["val_loss"][best - 1]
    assert r["restored_test_accuracy"] == r["test_curve"][best - 1]
    assert r["restored_test_accuracy"] != r["test_curve"][-1]


def test_augmentation_helps_on_a_small_set(run):
    _, _, runs = run
    r = runs["augmentation"][0]
    plain, augmented = r["plain"]["curves"], r["augmented"]["curves"]
    assert augmented["test"][-1] > plain["test"][-1]
    # The plain network memorizes its 200 digits; augmented ones are harder.
    assert plain["train"][-1] == 1.0 > augmented["train"][-1]
    examples = r["examples"]
    assert examples.shape == (6, 5, 28, 28)
    assert not np.allclose(examples[:, 0], examples[:, 1])


def test_dsd_phases_and_sparsity(run):
    args, _, runs = run
    dense, sparse, redense = args.dsd_epochs
    dsd, plain = runs["dsd"][0]["dsd"], runs["dsd"][0]["plain"]
    assert dsd["phases"] == ["dense"] * dense + ["sparse"] * sparse + ["redense"] * redense
    assert dsd["sparsity"][:dense] == [0.0] * dense
    np.testing.assert_allclose(dsd["sparsity"][dense:dense + sparse], args.dsd_sparsity,
                               atol=1e-3)
    assert 0 < dsd["sparsity"][-1] < 0.1  # re-dense: the pruned weights move again
    assert plain["sparsity"] == [0.0] * len(plain["sparsity"])
    # Same seed: identical until the pruning.
    assert dsd["curves"]["test"][:dense] == plain["curves"]["test"][:dense]


def figure_numbers():
    """What the figures are drawn from: each section's first seed."""
    args, data, runs = quick_run()
    return {"results": {section: seeds[0] for section, seeds in runs.items()},
            "args": args, "data": argparse.Namespace(source=data.source)}


@pytest.fixture(scope="module")
def figures():
    """Drawn from stored numbers: the drawing is tested, not a CPU's last
    bits."""
    numbers = stored("regularization_overview", figure_numbers)
    runs = {section: [result] for section, result in numbers["results"].items()}
    return script.make_figures(runs, numbers["args"], numbers["data"])


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
    # The sample is not the article's data: the whole of it is a shortened run.
    assert script.run_label(full) == (
        "SHORTENED run (--data sample: not the article's data), the whole "
        "training set; NOT the full setting")
    assert script.run_label(script.parse_args([])) == (
        "full setting, the whole training set")
    capped = script.parse_args(["--data", "sample", "--train-limit", "300"])
    assert len(script.prepare_data(capped, log=log).x_train) == 300
    assert "capped at 300" in script.run_label(capped)


def test_quick_run_writes_labelled_results(tmp_path):
    out = tmp_path / "results" / "regularization_overview"
    table, _ = script.main(QUICK_RUN + ["--only", "dsd", "--dsd-epochs", "1,1,1",
                                        "--train-limit", "300", "--out", str(out)])
    assert sorted(os.listdir(out)) == ["README.md", "claims.csv", "dsd.csv",
                                       "dsd.png", "dsd_zeros.csv", "metadata.json",
                                       "table.csv", "table.md"]
    # The sections not run are in the ledger, as not tested.
    ledger = (out / "claims.csv").read_text()
    assert "not run here: no dropout.csv" in ledger
    assert "### Claims:" in (out / "README.md").read_text()
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["quick"] is True and "QUICK" in meta["run"]
    assert meta["data"]["source"] == "sample"
    assert meta["data"]["sizes"]["train"] == 300
    assert set(meta["seconds_per_section"]) == {"dsd"}
    assert "QUICK" in (out / "README.md").read_text()
    assert set(table["section"]) == {"dsd"}


def test_notes_are_worded_from_the_run(run):
    """The notes give this run's sizes and the method; what the numbers show
    is the ledger's, not theirs."""
    args, data, runs = run
    seconds = {"dropout": 600.0, "early_stopping": 300.0, "dsd": 900.0}
    text = script.notes(data, args, runs, seconds)
    assert "30 minutes a seed in this run" in text
    assert f"({len(data.y_test):,} test digits)" in text
    assert f"last {script.TAIL} recorded points" in text
    for claim_words in ("points without dropout", "picks an earlier epoch",
                        "within noise"):
        assert claim_words not in text


# ---------------------------------------------------------------------------
# The claims ledger.
# ---------------------------------------------------------------------------
def written_tables(run, folder):
    """The quick run's tables as `write_results` hands them to `claims`:
    written as CSV and read back."""
    args, _, runs = run
    folder.mkdir(exist_ok=True)
    script.headline_rows(runs, args).to_csv(folder / "table.csv", index=False)
    for name, frame in script.curve_frames(runs).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return read_tables(folder)


@pytest.fixture
def tables(run, tmp_path):
    return written_tables(run, tmp_path / "tables")


def ledger_of(tables):
    return {claim.claim: claim for claim in script.claims(tables)}


def find(ledger, words):
    matches = [claim for text, claim in ledger.items() if words in text]
    assert len(matches) == 1, words
    return matches[0]


def tail_of(values):
    values = np.asarray(values, dtype=np.float64)[-script.TAIL:]
    return values.mean(), values.std(ddof=1)


def expected_versus(a, b):
    """The rule of `versus`, written out again."""
    if beyond_spread(*a, *b):
        return "reproduced"
    return "partly" if a[0] > b[0] else "not reproduced"


def test_claims_follow_their_rules_on_the_quick_run(run, tables):
    _, _, runs = run
    results = {section: seeds[0] for section, seeds in runs.items()}
    ledger = ledger_of(tables)
    assert all(c.article == "001" and c.status in STATUSES for c in ledger.values())
    decided = [c for c in ledger.values() if c.status != "not tested"]
    assert len(decided) == 11 and all(c.evidence and c.ours for c in decided)

    drop = results["dropout"]
    assert find(ledger, "Dropout lowers").status == expected_versus(
        tail_of(drop["dropout"]["curves"]["test"]),
        tail_of(drop["no_dropout"]["curves"]["test"]))
    augment = results["augmentation"]
    assert find(ledger, "augmentation (shifts").status == expected_versus(
        tail_of(augment["augmented"]["curves"]["test"]),
        tail_of(augment["plain"]["curves"]["test"]))
    # The quick run's early stopping restores the best epoch exactly.
    assert find(ledger, "Keeping checkpoints").status == "reproduced"

    # Re-dense leaves some zeros (0 < sparsity < 0.1, as the DSD test
    # checks): not all connections come back.
    restored = find(ledger, "Re-densing restores")
    assert restored.status == "partly"
    census = tables["dsd_zeros"]
    dsd = census[census["variant"] == "dsd"]
    zeros = int(dsd["zeros"].sum())
    assert zeros / dsd["weights"].sum() == pytest.approx(
        results["dsd"]["dsd"]["sparsity"][-1])
    assert f"Of the {zeros:,} exact zeros" in restored.why
    # The explanation holds on the quick run: (nearly) every exact zero left
    # after re-densing is a weight of a dead unit.
    assert dsd["zeros_of_dead_units"].sum() >= 0.9 * zeros
    assert "The dead units account for the zeros." in restored.why
    plain = census[census["variant"] == "plain"]
    assert plain["zeros"].sum() == 0
    # Plain training has as many dead units: the pruning did not make them.
    assert plain["dead_outputs"].sum() >= 0.8 * dsd["dead_outputs"].sum() > 0
    assert "the pruning did not kill them" in restored.why


def test_an_edited_number_moves_a_status(run, tmp_path):
    tables = written_tables(run, tmp_path / "tables")
    before = ledger_of(tables)
    # Augmented training on the small set now tests at 0.999 throughout.
    frame = tables["augmentation"]
    frame.loc[frame["variant"] == "augmented", "test"] = 0.999
    # Every pruned weight came back.
    dsd = tables["dsd"]
    dsd.loc[(dsd["variant"] == "dsd") & (dsd["phase"] == "redense"), "sparsity"] = 0.0
    # The validation loss falls after the chosen epoch.
    stopping = tables["early_stopping"]
    chosen = stopping.loc[stopping["chosen"], "epoch"].iloc[0]
    stopping.loc[stopping["epoch"] > chosen, "val_loss"] = 0.0
    after = ledger_of(tables)

    assert find(before, "augmentation (shifts").status != "reproduced"
    assert find(after, "augmentation (shifts").status == "reproduced"
    assert find(before, "Re-densing restores").status == "partly"
    assert find(after, "Re-densing restores").status == "reproduced"
    assert find(before, "validation error rises").status == "reproduced"
    assert find(after, "validation error rises").status == "partly"
    assert "does not rise" in find(after, "validation error rises").why


def test_claims_of_sections_not_run_are_not_tested(tables):
    only_dsd = {name: tables[name] for name in ("table", "dsd", "dsd_zeros")}
    ledger = ledger_of(only_dsd)
    assert find(ledger, "Dropout lowers").status == "not tested"
    assert "no dropout.csv" in find(ledger, "Dropout lowers").why
    assert find(ledger, "Re-densing restores").status != "not tested"
    # Without the census the zeros are counted but not explained.
    without = ledger_of({name: tables[name] for name in ("table", "dsd")})
    assert "not measured" in find(without, "Re-densing restores").why


def test_sections_train_once_per_seed():
    """The whole-set sections take `--whole-set-seeds`, the small-set ones
    `--seeds`; each seed is a different network, and the table gives the
    mean and sd over them."""
    args = quick_args("--whole-set-seeds", "2", "--seeds", "3", "--train-limit",
                      "300", "--dsd-epochs", "1,1,1")
    for section in ("dropout", "early_stopping", "dsd"):
        assert list(script.seeds_of(section, args)) == [0, 1]
    assert list(script.seeds_of("augmentation", args)) == [0, 1, 2]
    data = script.prepare_data(args, log=lambda _: None)
    runs = script.run_section("dsd", data, args)
    assert [r["seed"] for r in runs] == [0, 1]
    assert runs[0]["plain"]["curves"]["test"] != runs[1]["plain"]["curves"]["test"]
    table = script.headline_rows({"dsd": runs}, args).set_index("quantity")
    row = table.loc["plain training at epoch 3: test accuracy"]
    finals = [r["plain"]["curves"]["test"][-1] for r in runs]
    assert row["seeds"] == 2
    assert row["value"] == pytest.approx(np.mean(finals))
    assert row["sd"] == pytest.approx(np.std(finals, ddof=1))
    frames = script.curve_frames({"dsd": runs})
    assert sorted(frames["dsd"]["seed"].unique()) == [0, 1]
    assert sorted(frames["dsd_zeros"]["seed"].unique()) == [0, 1]


def with_second_seed(tables, change):
    """The quick run's tables as if a second seed had run: seed 1 is seed 0
    edited by `change(name, frame)`."""
    out = {}
    for name, frame in tables.items():
        if "seed" not in frame:
            out[name] = frame
            continue
        second = change(name, frame.copy().assign(seed=1))
        out[name] = pd.concat([frame, second], ignore_index=True)
    return out


def test_claims_over_seeds_decide_on_the_spread_over_seeds(tables):
    """With several seeds each seed's curve gives one value (its tail mean)
    and a claim compares mean ± sd over the seeds, not the spread within a
    run."""
    def shift(name, frame):
        if name == "dropout":
            frame.loc[frame["variant"] == "dropout", "test"] += 0.01
        return frame

    ledger = ledger_of(with_second_seed(tables, shift))
    frame = tables["dropout"]
    drop = frame[frame["variant"] == "dropout"].sort_values("epoch")["test"]
    seeds = [tail_of(drop)[0], tail_of(drop + 0.01)[0]]
    claim = find(ledger, "Dropout lowers")
    assert mean_sd(np.mean(seeds), np.std(seeds, ddof=1)) in claim.ours
    assert "Over 2 seeds" in claim.why and "One seed" not in claim.why
    # Each seed's early stopping is judged on its own chosen epoch.
    checkpoints = find(ledger, "Keeping checkpoints")
    assert checkpoints.status == "reproduced"
    assert "seed 0:" in checkpoints.ours and "seed 1:" in checkpoints.ours
    assert "Census of seed 0" in find(ledger, "Re-densing restores").why

    def misrestored(name, frame):
        if name == "early_stopping":
            frame["restored_test_accuracy"] -= 0.05
        return frame

    broken = find(ledger_of(with_second_seed(tables, misrestored)),
                  "Keeping checkpoints")
    assert broken.status == "not reproduced"
    assert "it holds on 1 of 2 seeds" in broken.why


def test_zero_census_finds_dead_inputs_and_units():
    """A weight whose input is always 0, or whose ReLU unit never fires, is
    counted as a dead unit's weight; a zero elsewhere is not."""
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(2, activation="relu", name="a"),
                              keras.layers.Dense(1, name="b")])
    model.get_layer("a").set_weights([
        np.array([[1.0, 0.0], [0.0, 1.0], [5.0, 0.0]], "float32"),  # zeros at
        np.array([0.0, -10.0], "float32")])  # [1, 0] and [2, 1]; unit 1 dead
    model.get_layer("b").set_weights([np.array([[0.0], [1.0]], "float32"),
                                      np.zeros(1, "float32")])
    x = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 0.0]], "float32")  # input 2 is 0
    rows = {row["layer"]: row for row in script.zero_census(model, x, batch_size=1)}
    a, b = rows["a"], rows["b"]
    assert (a["dead_inputs"], a["dead_outputs"], a["zeros"]) == (1, 1, 3)
    # Dead: row 2 (input 2) and column 1 (unit 1): 4 weights, 2 of them
    # zero; the zero at [0, 1] is in column 1, the one at [1, 0] is not.
    assert a["dead_unit_weights"] == 4 and a["zeros_of_dead_units"] == 2
    # b's input 1 is the dead unit; its zero weight at [0, 0] is alive.
    assert (b["dead_inputs"], b["dead_outputs"], b["zeros"]) == (1, 0, 1)
    assert b["zeros_of_dead_units"] == 0


# ---------------------------------------------------------------------------
# 5. Noise or dropout on the input, over seeds.
# ---------------------------------------------------------------------------
INPUT_RUN = ["--seeds", "2", "--input-epochs", "4"]


def input_noise_run():
    args = quick_args(*INPUT_RUN)
    data = script.prepare_data(args, log=lambda _: None)
    return args, data, script.run_input_noise(data, args)


@pytest.fixture(scope="module")
def input_run():
    return input_noise_run()


def test_input_layers_are_dropout_or_additive_noise():
    assert script.input_layer("none", 0.0, 0) == []
    dropout, = script.input_layer("dropout", 0.2, 0)
    noise, = script.input_layer("noise", 0.3, 0)
    assert isinstance(dropout, keras.layers.Dropout) and dropout.rate == 0.2
    assert isinstance(noise, keras.layers.GaussianNoise) and noise.stddev == 0.3
    # Active in training only: inference sees the clean pixels.
    x = np.full((4, 28, 28, 1), 0.5, dtype="float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(noise(x)), x)
    noisy = keras.ops.convert_to_numpy(noise(x, training=True))
    assert abs(float(np.std(noisy - x)) - 0.3) < 0.02
    assert list(script.input_variants(quick_args())) == [
        "none", "dropout 0.2", "dropout 0.5", "noise 0.1", "noise 0.3"]


def test_input_noise_runs_every_variant_on_every_seed(input_run):
    args, _, result = input_run
    runs = result["runs"]
    assert len(runs) == 5 * args.seeds
    assert runs.groupby("variant")["seed"].apply(list).map(sorted).tolist() == \
        [[0, 1]] * 5
    assert runs["test_accuracy"].between(0.1, 1).all()
    # Different seeds, different networks.
    none = runs[runs["variant"] == "none"]["test_accuracy"]
    assert none.nunique() == 2


def test_input_claims_follow_their_rules(input_run, tmp_path):
    from harness.analysis.over_seeds import seed_statistics

    args, _, result = input_run
    folder = tmp_path / "tables"
    folder.mkdir()
    result["runs"].to_csv(folder / "input_noise.csv", index=False)
    ledger = ledger_of(read_tables(folder))
    stats = seed_statistics(result["runs"], ["variant", "kind"], ["test_accuracy"])
    best = {kind: group.sort_values("test_accuracy").iloc[-1]
            for kind, group in stats.groupby("kind")}
    pick = {kind: (best[kind]["test_accuracy"], best[kind]["test_accuracy_sd"])
            for kind in ("noise", "dropout")}
    noise = find(ledger, "introducing noise instead of dropout")
    assert noise.status == expected_versus(pick["noise"], pick["dropout"])
    assert "2 seeds" in noise.why
    by_rate = stats[stats["kind"] == "dropout"].set_index("variant")
    keep = find(ledger, "keep probability should be much higher")
    assert keep.status == expected_versus(
        tuple(by_rate.loc["dropout 0.2", ["test_accuracy", "test_accuracy_sd"]]),
        tuple(by_rate.loc["dropout 0.5", ["test_accuracy", "test_accuracy_sd"]]))

    # Noise far above every dropout: reproduced; within the sds: not beyond.
    runs = result["runs"].copy()
    runs.loc[runs["kind"] == "noise", "test_accuracy"] = 0.999
    runs.to_csv(folder / "input_noise.csv", index=False)
    assert find(ledger_of(read_tables(folder)),
                "introducing noise instead").status == "reproduced"
    wide = runs[runs["variant"] != "noise 0.3"].copy()
    top = wide["test_accuracy"][wide["kind"] == "dropout"].max()
    wide.loc[wide["kind"] == "noise", "test_accuracy"] = [top + 0.2, top - 0.15]
    wide.to_csv(folder / "input_noise.csv", index=False)
    assert find(ledger_of(read_tables(folder)),
                "introducing noise instead").status != "reproduced"


def input_figure_numbers():
    args, data, result = input_noise_run()
    return {"result": result, "label": f"{script.run_label(args)}; {data.source}"}


@pytest.mark.mpl_image_compare(remove_text=True, tolerance=5, savefig_kwargs={"dpi": 60})
def test_input_noise_figure_golden():
    return script.figure_input_noise(**stored("regularization_overview_input_noise",
                                              input_figure_numbers))
