"""`harness.claims.measures`: named numbers of the tables, with their
spread; what is missing is named, never a crash."""

import math

import numpy as np
import pandas as pd
import pytest

from harness.claims.evidence import Evidence
from harness.claims.measures import (
    Cell,
    Constant,
    Derived,
    Final,
    FinalChange,
    Missing,
    SeedRows,
)

TABLE = pd.DataFrame({"variant": ["none", "l2"], "seeds": [3, 3],
                      "acc": [0.93, 0.76], "acc_sd": [0.001, 0.005]})


def read(ref, tables):
    return Evidence(tables).measure(ref)


def test_cell_reads_value_sd_and_seeds():
    m = read(Cell("table", "acc", variant="l2"), {"table": TABLE})
    assert (m.value, m.sd, m.seeds) == (0.76, 0.005, 3)
    assert m.text(".3f") == "0.760 ± 0.005"
    no_sd = read(Cell("table", "seeds", variant="none"), {"table": TABLE})
    assert math.isnan(no_sd.sd) and no_sd.spread == 0.0 and no_sd.text() == "3"


@pytest.mark.parametrize("ref, missing", [
    (Cell("other", "acc", variant="l2"), "other.csv"),
    (Cell("table", "loss", variant="l2"), "table.csv: loss"),
    (Cell("table", "acc", variant="dropout"), "table.csv: no row with variant=dropout"),
    (Cell("table", "acc", kind="l2"), "table.csv: kind"),
    (Cell("table", "acc", seeds=3), r"one row with seeds=3 \(2 found\)"),
])
def test_what_is_missing_is_named(ref, missing):
    with pytest.raises(Missing, match=missing):
        read(ref, {"table": TABLE})


def test_seed_rows_give_mean_sample_sd_and_each_seed():
    runs = pd.DataFrame({"arm": ["a"] * 3 + ["b"] * 3, "seed": [0, 1, 2] * 2,
                         "acc": [0.9, 0.92, 0.94, 0.5, 0.5, 0.5]})
    m = read(SeedRows("runs", "acc", arm="a"), {"runs": runs})
    assert m.value == pytest.approx(0.92) and m.sd == pytest.approx(0.02)
    assert m.per_seed == ((0, 0.9), (1, 0.92), (2, 0.94)) and m.seeds == 3
    one = read(SeedRows("runs", "acc", arm="a"), {"runs": runs[runs.seed == 1]})
    assert one.value == 0.92 and math.isnan(one.sd)


def curve(values, seed=0, step0=1):
    return pd.DataFrame({"seed": seed, "step": np.arange(step0, step0 + len(values)),
                         "loss": values})


def test_final_is_the_mean_of_the_last_fifth_over_seeds():
    # Ten points a seed: the last two are the window.
    frames = [curve(np.r_[np.ones(8), [0.5, 0.7]], 0),
              curve(np.r_[np.ones(8), [0.3, 0.5]], 1)]
    tables = {"history": pd.concat(frames).sample(frac=1, random_state=0)}
    m = read(Final("history", "loss"), tables)
    assert m.value == pytest.approx(0.5)
    assert m.sd == pytest.approx(np.std([0.6, 0.4], ddof=1))
    assert m.seeds == 2 and not m.note
    # One seed: the spread is the window's own.
    one = read(Final("history", "loss"), {"history": frames[0]})
    assert one.value == pytest.approx(0.6) and one.sd == pytest.approx(
        np.std([0.5, 0.7], ddof=1))
    # A single point: its value, no spread, no crash.
    single = read(Final("history", "loss"), {"history": curve([0.25])})
    assert single.value == 0.25 and math.isnan(single.sd)


def test_a_last_point_spike_is_reported_not_used():
    """Article 004's unregularized loss: the last logged point jumps."""
    values = np.r_[np.full(15, 0.05), [0.0201, 0.0137, 0.0117, 0.0143, 0.0408]]
    m = read(Final("history", "loss", fmt=".4f"), {"history": curve(values)})
    assert m.value == pytest.approx(values[-4:].mean())
    assert "last point 0.0408 is a spike" in m.note
    calm = read(Final("history", "loss"), {"history": curve(values[:-1])})
    assert not calm.note


def test_final_change_compares_the_last_fifth_with_the_one_before():
    values = np.r_[np.zeros(6), [1.0, 1.0], [1.5, 1.5]]
    m = read(FinalChange("history", "loss"), {"history": curve(values)})
    assert m.value == pytest.approx(0.5)
    relative = read(FinalChange("history", "loss", relative=True),
                    {"history": curve(values)})
    assert relative.value == pytest.approx(0.5)
    with pytest.raises(Missing, match="no fifth before its last"):
        read(FinalChange("history", "loss"), {"history": curve([1.0])})


def test_derived_spread_from_seeds_or_from_sds():
    runs = pd.DataFrame({"arm": ["a"] * 3 + ["b"] * 3, "seed": [0, 1, 2] * 2,
                         "acc": [0.9, 0.92, 0.94, 0.8, 0.83, 0.86]})
    gap = Derived("a - b", lambda a, b: a - b, SeedRows("runs", "acc", arm="a"),
                  SeedRows("runs", "acc", arm="b"))
    m = read(gap, {"runs": runs})
    assert m.value == pytest.approx(0.09)
    assert m.sd == pytest.approx(np.std([0.1, 0.09, 0.08], ddof=1))
    # Without per-seed values: each input's sd, to first order.
    ratio = Derived("l2 / none", lambda a, b: a / b, Cell("table", "acc", variant="l2"),
                    Cell("table", "acc", variant="none"))
    m = read(ratio, {"table": TABLE})
    assert m.value == pytest.approx(0.76 / 0.93)
    expected = abs(0.765 / 0.93 - 0.76 / 0.93) + abs(0.76 / 0.931 - 0.76 / 0.93)
    assert m.sd == pytest.approx(expected)
    assert read(Constant(0.1), {}).value == 0.1


def test_evidence_cites_columns_read_and_their_sds():
    evidence = Evidence({"table": TABLE})
    evidence.measure(Cell("table", "acc", variant="l2"))
    evidence.measure(Cell("table", "seeds", variant="l2"))
    evidence.measure(Constant(1))
    assert evidence.cited(["weights.png"]) == "table.csv: acc, acc_sd, seeds; weights.png"


def test_jitter_moves_what_is_read_from_the_tables_only():
    moved = []

    def jitter(name, measure):
        moved.append(name)
        return measure.moved(measure.spread)

    evidence = Evidence({"table": TABLE}, jitter)
    ratio = Derived("ratio", lambda a, b: a / b, Cell("table", "acc", variant="l2"),
                    Constant(2.0))
    assert evidence.measure(ratio).value == pytest.approx(0.765 / 2)
    assert moved == ["acc [l2]"]


def test_a_derived_number_that_is_undefined_is_missing():
    zero = pd.DataFrame({"variant": ["none"], "seconds": [0.0]})
    ratio = Derived("runtime ratio", lambda a, b: a / b, Constant(1.0),
                    Cell("table", "seconds", variant="none"))
    with pytest.raises(Missing, match="a defined runtime ratio"):
        read(ratio, {"table": zero})


def test_a_value_that_is_not_a_number_is_missing():
    blank = TABLE.assign(acc=[0.93, np.nan])
    with pytest.raises(Missing, match="a value of acc"):
        read(Cell("table", "acc", variant="l2"), {"table": blank})
    runs = pd.DataFrame({"seed": [0, 1], "acc": [0.9, np.nan]})
    with pytest.raises(Missing, match="for every seed"):
        read(SeedRows("runs", "acc"), {"runs": runs})
    with pytest.raises(Missing, match="every point"):
        read(Final("history", "loss"), {"history": curve([0.5, np.nan])})
