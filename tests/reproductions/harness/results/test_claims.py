import math

import pytest

from harness.results.claims import (
    STATUSES,
    Claim,
    beyond_spread,
    decide,
    ledger_frame,
    mean_sd,
    not_tested,
    read_ledger,
    render_ledger,
    status_counts,
)


def test_status_is_checked_and_failures_say_why():
    with pytest.raises(ValueError, match="Received: status='held'"):
        Claim("000", "x", "held")
    for status in STATUSES[1:]:
        with pytest.raises(ValueError, match="says why"):
            Claim("000", "x", status)
        assert Claim("000", "x", status, why="because").status == status
    assert Claim("000", "x", "reproduced").why == ""


def test_decide_and_spread_rule():
    assert decide(True) == "reproduced"
    assert decide(False, partly=True) == "partly"
    assert decide(False) == "not reproduced"
    assert beyond_spread(1.0, 0.1, 0.7, 0.1)
    assert not beyond_spread(1.0, 0.2, 0.7, 0.15)
    assert beyond_spread(1.0, math.nan, 0.9, None)  # no sd: plain comparison
    assert not beyond_spread(0.9, 0.0, 0.9, 0.0)


def test_mean_sd_format():
    assert mean_sd(0.92134, 0.00012) == "0.9213 ± 0.0001"
    assert mean_sd(0.92134, math.nan, 2) == "0.92"


def test_ledger_round_trip_and_rendering(tmp_path):
    claims = [Claim("000", "a holds", "reproduced", "1", "1", "t.csv: a"),
              Claim("000", "b fails", "not reproduced", "2", "1", "t.csv: b",
                    "Rule: equal."),
              not_tested("000", "c", "nothing measures it")]
    path = tmp_path / "claims.csv"
    ledger_frame(claims).to_csv(path, index=False)
    frame = read_ledger(path)
    assert frame.equals(ledger_frame(claims))
    assert status_counts(frame) == {"reproduced": 1, "partly": 0,
                                    "not reproduced": 1, "not tested": 1}
    text = render_ledger(claims)
    assert text.startswith("### Claims: 1 reproduced, 0 partly, 1 not "
                           "reproduced, 1 not tested")
    # Failures come first, each with its reason.
    assert text.index("b fails") < text.index("a holds") < text.index("- [000] c.")
    assert "Rule: equal." in text and "nothing measures it" in text
