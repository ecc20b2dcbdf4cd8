"""`harness.claims.declare`: declared claims become the ledger; a run that
lacks a measure gets `not tested` naming it, never a crash."""

import pandas as pd
import pytest

from harness.claims.declare import Declared, NotTested, derive
from harness.claims.measures import Cell
from harness.claims.rules import Above

TABLES = {"table": pd.DataFrame({"arm": ["a", "b"], "value": [0.9, 0.5]})}


def value(arm):
    return Cell("table", "value", f"value [{arm}]", arm=arm)


def test_derive_decides_cites_and_explains():
    def explain(evidence, verdict):
        gap = evidence.measure(value("a")).value - evidence.measure(value("b")).value
        return f"The gap is {gap:.1f} ({verdict.status})."

    [claim] = derive("001", [Declared(
        "a beats b", Above(value("a"), value("b")), kind="number",
        article_value="a > b", figures=("bars.png",),
        shows={"b alone": value("b")}, explain=explain)], TABLES)
    assert (claim.article, claim.kind, claim.status) == ("001", "number", "reproduced")
    assert claim.ours == "value [a] 0.9, value [b] 0.5; b alone 0.5"
    assert claim.why.endswith("The gap is 0.4 (reproduced).")
    assert claim.evidence == "table.csv: value; bars.png"
    assert claim.article_value == "a > b"


def test_a_missing_measure_is_not_tested_and_named():
    declared = [Declared("c beats b", Above(value("c"), value("b"))),
                NotTested("a matters", "Not measurable.", kind="number")]
    missing, untested = derive("001", declared, TABLES)
    assert missing.status == "not tested"
    assert missing.why == "Not run here: the results lack table.csv: no row with arm=c."
    assert (untested.status, untested.why, untested.kind) == (
        "not tested", "Not measurable.", "number")
    [gone] = derive("001", declared[:1], {})
    assert gone.why == "Not run here: the results lack table.csv."


def test_claims_are_declared_once_with_a_known_kind():
    with pytest.raises(ValueError, match="declared twice"):
        derive("001", [NotTested("x", "why"), NotTested("x", "why")], TABLES)
    with pytest.raises(ValueError, match="Received: kind='fact'"):
        NotTested("x", "why", kind="fact")


def test_an_explanation_that_lacks_a_measure_leaves_the_verdict_standing():
    def explain(evidence, verdict):
        return f"{evidence.measure(value('z')).value}"

    [claim] = derive("001", [Declared("a beats b", Above(value("a"), value("b")),
                                      explain=explain)], TABLES)
    assert claim.status == "reproduced"
    assert claim.why.endswith("(Its explanation needs table.csv: no row with "
                              "arm=z, which the results lack.)")


def test_a_verdict_noise_can_move_says_it_is_borderline():
    """At the edge of its band (a margin of 1.1 spreads), moving each measure
    by up to half its spread gives `partly` too: the row says so and names
    it; far from the edge (5 spreads) it says nothing; a jittered
    derivation (the ledger tests') makes no such check."""
    def ledger(value):
        tables = {"table": pd.DataFrame({"arm": ["a"], "seeds": 3, "value": [value],
                                         "value_sd": [0.1]})}
        rule = Above(Cell("table", "value", "value [a]", arm="a"), 0.0)
        return derive("000", [Declared("a is positive", rule)], tables)[0]

    edge, far = ledger(0.11), ledger(0.5)
    assert edge.status == far.status == "reproduced"
    assert "Borderline:" in edge.why and "it is also partly;" in edge.why
    assert "Borderline" not in far.why
