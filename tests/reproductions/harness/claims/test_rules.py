"""`harness.claims.rules`: each rule kind reaches every status it can give,
gives the same outcome the same status, and writes its text from its own
thresholds and numbers."""

import pandas as pd
import pytest

from harness.claims.evidence import Evidence
from harness.claims.measures import Cell, Missing, SeedRows
from harness.claims.rules import (
    Above,
    AllOf,
    Below,
    Bespoke,
    Each,
    Gate,
    Highest,
    Lowest,
    Near,
    Paired,
    Ratio,
    Trend,
    Unmeasured,
    Verdict,
    Within,
    band,
)


def table(**arms):
    """`{arm: (value, sd)}` as a table of means and sds over 3 seeds."""
    return {"table": pd.DataFrame({
        "arm": list(arms), "seeds": 3, "value": [v for v, _ in arms.values()],
        "value_sd": [sd for _, sd in arms.values()]})}


def arm(name):
    return Cell("table", "value", f"value [{name}]", arm=name)


def decide(rule, tables):
    return rule.decide(Evidence(tables))


def test_band_is_the_one_meaning_of_each_status():
    assert band(0.3, 0.1) == "reproduced"
    assert band(-0.3, 0.1) == "not reproduced"
    # Within the spread the sign says nothing: the same status either way.
    assert band(0.05, 0.1) == band(-0.05, 0.1) == band(0.0, 0.0) == "partly"


@pytest.mark.parametrize("a, b, expected", [
    ((0.95, 0.01), (0.90, 0.01), "reproduced"),
    ((0.91, 0.01), (0.90, 0.01), "partly"),     # ahead within the spread
    ((0.89, 0.01), (0.90, 0.01), "partly"),     # behind within it: the same
    ((0.80, 0.01), (0.90, 0.01), "not reproduced"),
])
def test_above_decides_on_the_spread(a, b, expected):
    verdict = decide(Above(arm("a"), arm("b")), table(a=a, b=b))
    assert verdict.status == expected
    assert f"Difference {a[0] - b[0]:+.4g}, spread 0.02." in verdict.rule
    assert "the sum of their sds over 3 seeds" in verdict.rule
    assert verdict.ours == f"value [a] {a[0]:.4g} ± 0.01, value [b] {b[0]:.4g} ± 0.01"
    flipped = decide(Below(arm("b"), arm("a")), table(a=a, b=b))
    assert flipped.status == expected


def test_a_floor_decides_where_one_seed_ran():
    tables = {"table": pd.DataFrame({"arm": ["a", "b"], "value": [0.904, 0.900]})}
    assert decide(Above(arm("a"), arm("b")), tables).status == "reproduced"
    verdict = decide(Above(arm("a"), arm("b"), floor=0.005), tables)
    assert verdict.status == "partly" and "at least 0.005" in verdict.rule
    assert "no spread is known" in verdict.rule
    assert decide(Above(arm("a"), 0.95), tables).status == "not reproduced"
    assert decide(Above(arm("a"), 0.95), tables).ours == "value [a] 0.904"


@pytest.mark.parametrize("value, sd, expected", [
    (0.931, 0.001, "reproduced"),
    (0.946, 0.001, "partly"),      # within twice the tolerance
    (0.929, 0.004, "reproduced"),
    (0.9395, 0.004, "partly"),     # at the tolerance's edge within the spread
    (0.96, 0.001, "not reproduced"),
])
def test_near_a_published_value(value, sd, expected):
    verdict = decide(Near(arm("a"), 0.932, 0.01), table(a=(value, sd)))
    assert verdict.status == expected
    assert "within 0.01 of the article's 0.932" in verdict.rule
    assert "partly within 0.02" in verdict.rule


def test_near_relative():
    tables = table(a=(-1.80, 0.0))
    assert decide(Near(arm("a"), -1.95, 0.1, relative=True), tables).status == "reproduced"
    assert decide(Near(arm("a"), -1.5, 0.1, relative=True), tables).status == "not reproduced"


def test_within_and_ratio():
    tables = table(a=(1.9, 0.05), b=(1.0, 0.0))
    assert decide(Within(arm("a"), 1.5, 2.5), tables).status == "reproduced"
    assert decide(Within(arm("a"), 1.0, 1.88), tables).status == "partly"
    assert decide(Within(arm("a"), 1.0, 1.5), tables).status == "not reproduced"
    verdict = decide(Ratio(arm("a"), arm("b"), 1.5, 2.5), tables)
    assert verdict.status == "reproduced" and "value [a] / value [b]" in verdict.rule


def runs(a, b):
    return {"runs": pd.DataFrame({
        "arm": ["a"] * len(a) + ["b"] * len(b), "seed": list(range(len(a))) * 2,
        "acc": list(a) + list(b)})}


def test_paired_decides_on_per_seed_differences():
    """Seed to seed the arms move together: an unpaired comparison sees
    only the spread, the paired one the consistent gain."""
    a, b = [0.90, 0.95, 0.85], [0.89, 0.94, 0.84]
    tables = runs(a, b)
    ref_a, ref_b = SeedRows("runs", "acc", arm="a"), SeedRows("runs", "acc", arm="b")
    assert decide(Above(ref_a, ref_b), tables).status == "partly"
    verdict = decide(Paired(ref_a, ref_b), tables)
    assert verdict.status == "reproduced" and "above on 3 of 3 seeds" in verdict.ours
    assert decide(Paired(ref_a, ref_b, "below"), tables).status == "not reproduced"
    mixed = runs([0.90, 0.95, 0.85], [0.91, 0.93, 0.85])
    assert decide(Paired(ref_a, ref_b), mixed).status == "partly"
    with pytest.raises(Missing, match="the seeds"):
        decide(Paired(ref_a, ref_b), {"runs": tables["runs"].assign(
            seed=[0, 1, 2, 3, 4, 5])})


def test_all_of_a_set_and_partly_for_some():
    tables = table(none=(0.93, 0.001), a=(0.90, 0.001), b=(0.929, 0.001),
                   c=(0.95, 0.001))
    best = {"a": arm("a"), "b": arm("b")}
    assert decide(Highest(arm("none"), {"a": arm("a")}), tables).status == "reproduced"
    verdict = decide(Highest(arm("none"), best), tables)
    assert verdict.status == "partly"
    assert "Holds: a; within the spread: b; contradicted: none" in verdict.rule
    assert decide(Highest(arm("none"), {"c": arm("c")}), tables).status == "not reproduced"
    assert decide(Lowest(arm("a"), {"none": arm("none"), "c": arm("c")}),
                  tables).status == "reproduced"
    # A part nothing measures makes the claim partly at best.
    verdict = decide(AllOf({"measured": Above(arm("none"), arm("a")),
                            "other": Unmeasured("the other half")}), tables)
    assert verdict.status == "partly" and "not measured: other" in verdict.rule
    assert decide(AllOf({"x": Unmeasured("it")}), tables).status == "not tested"
    # ... and fails where the part measured is contradicted.
    assert decide(AllOf({"measured": Above(arm("a"), arm("none")),
                         "other": Unmeasured("the other half")}),
                  tables).status == "not reproduced"


def test_each_goes_through_the_rows_the_run_has():
    tables = table(a=(0.95, 0.001), b=(0.96, 0.001))
    rule = Each("table", "arm", lambda name: Above(arm(name), 0.9), what="each arm")
    verdict = decide(rule, tables)
    assert verdict.status == "reproduced" and "for each arm of a, b" in verdict.rule
    tables["table"].loc[1, "value"] = 0.5
    assert decide(rule, tables).status == "partly"


def test_gate_is_not_tested_where_the_setting_cannot_show_it():
    tables = table(gap=(0.002, 0.001), a=(0.95, 0.001), b=(0.90, 0.001))
    rule = Gate(Above(arm("gap"), 0.01), Above(arm("a"), arm("b")),
                "the unregularized network must overfit")
    verdict = decide(rule, tables)
    assert verdict.status == "not tested"
    assert verdict.rule.startswith("Not tested: the unregularized network must "
                                   "overfit, and here it does not hold")
    tables["table"].loc[0, "value"] = 0.05
    verdict = decide(rule, tables)
    assert verdict.status == "reproduced" and "Gate: the unregularized" in verdict.rule


def test_bespoke_reads_through_the_evidence():
    def rule(evidence):
        value = evidence.measure(arm("a")).value
        return Verdict("reproduced" if value > 0.5 else "not reproduced",
                       f"{value:g}", f"Rule: above 0.5 ({value:g}).")

    evidence = Evidence(table(a=(0.7, 0.0)))
    assert Bespoke(rule).decide(evidence).status == "reproduced"
    assert evidence.cited() == "table.csv: value, value_sd"


def test_paired_moves_with_the_noise_of_its_differences_not_its_arms():
    """Arms on the same seeds move together: noise of half the sd of the
    per-seed differences moves no paired verdict, while moving each arm by
    half its own (large) sd would."""
    a, b = [0.90, 0.95, 0.85], [0.89, 0.94, 0.84]
    ref_a, ref_b = SeedRows("runs", "acc", arm="a"), SeedRows("runs", "acc", arm="b")
    moved = []

    def jitter(name, measure):
        moved.append(name)
        return measure.moved(0.5 * measure.spread)

    verdict = Paired(ref_a, ref_b).decide(Evidence(runs(a, b), jitter))
    assert verdict.status == "reproduced"
    assert moved == ["acc [a] - acc [b]"]


def sweep(values, strengths=(0.0, 0.1, 1.0, 10.0)):
    """A table of one value per strength of an L2 sweep (and a dropout row
    the rule must not read)."""
    return {"runs": pd.DataFrame({
        "sweep": ["l2"] * len(strengths) + ["dropout"],
        "strength": [*strengths, 0.5], "value": [*values, 99.0]})}


def value_at(evidence, strength):
    rows = evidence.frame("runs", "strength", "value", sweep="l2", strength=strength)
    return rows["value"].item()


@pytest.mark.parametrize("values, rises, expected", [
    ((1.0, 2.0, 3.0, 4.0), True, "reproduced"),     # rank correlation +1
    ((1.0, 3.0, 2.0, 4.0), True, "partly"),         # +0.8: below 0.9, above 0
    ((4.0, 3.0, 2.0, 1.0), True, "not reproduced"),
    ((4.0, 3.0, 2.0, 1.0), False, "reproduced"),    # a claimed fall
    ((2.0, 2.0, 2.0, 2.0), True, "not reproduced"),  # flat: no trend
])
def test_trend_decides_on_the_rank_correlation_with_the_setting(values, rises, expected):
    rule = Trend("the value", "runs", "strength", value_at, rises, where={"sweep": "l2"},
                 symbol="lambda")
    verdict = decide(rule, sweep(values))
    assert verdict.status == expected
    assert verdict.ours.startswith("0: ") and "99" not in verdict.ours
    assert f"{'rises' if rises else 'falls'} with lambda" in verdict.rule
    assert "at least 0.9; partly above 0" in verdict.rule


def test_trend_needs_three_settings():
    rule = Trend("the value", "runs", "strength", value_at, where={"sweep": "l2"})
    with pytest.raises(Missing, match="3 values of strength or more, sweep = l2, found 2"):
        decide(rule, sweep((1.0, 2.0), strengths=(0.0, 1.0)))
