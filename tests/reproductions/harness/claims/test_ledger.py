"""`harness.claims.ledger`: the ledger's row, its statuses and kinds, and
how it is written, read and shown."""

import pytest

from harness.claims.ledger import (
    KINDS,
    STATUSES,
    Claim,
    ledger_frame,
    read_ledger,
    render_ledger,
    status_counts,
)


def test_status_and_kind_are_checked_and_failures_say_why():
    with pytest.raises(ValueError, match="Received: status='held'"):
        Claim("000", "x", "behaviour", "held")
    with pytest.raises(ValueError, match="Received: kind='opinion'"):
        Claim("000", "x", "opinion", "reproduced")
    for status in STATUSES[1:]:
        with pytest.raises(ValueError, match="says why"):
            Claim("000", "x", "behaviour", status)
        assert Claim("000", "x", "number", status, why="because").status == status
    assert Claim("000", "x", "implementation", "reproduced").why == ""
    assert KINDS == ("number", "behaviour", "implementation")


def test_ledger_round_trip_and_rendering(tmp_path):
    claims = [Claim("000", "a holds", "number", "reproduced", "1", "1", "t.csv: a"),
              Claim("000", "b fails", "behaviour", "not reproduced", "2", "1",
                    "t.csv: b", "Rule: equal."),
              Claim("000", "c", "behaviour", "not tested", why="nothing measures it")]
    path = tmp_path / "claims.csv"
    ledger_frame(claims).to_csv(path, index=False)
    frame = read_ledger(path)
    assert frame.equals(ledger_frame(claims))
    assert list(frame.columns) == ["article", "claim", "kind", "status", "ours",
                                   "article_value", "evidence", "why"]
    assert status_counts(frame) == {"reproduced": 1, "partly": 0,
                                    "not reproduced": 1, "not tested": 1}
    assert status_counts(frame, "behaviour") == {"reproduced": 0, "partly": 0,
                                                 "not reproduced": 1, "not tested": 1}
    text = render_ledger(claims)
    assert text.startswith("### Claims: 1 reproduced, 0 partly, 1 not "
                           "reproduced, 1 not tested")
    # The counts per kind, then failures first, each with its reason.
    assert "| number | 1 | 0 | 0 | 0 |" in text
    assert "| behaviour | 0 | 0 | 1 | 1 |" in text and "| implementation |" not in text
    assert (text.index("b fails") < text.index("a holds")
            < text.index("- [000, behaviour] c."))
    assert "Rule: equal." in text and "nothing measures it" in text
