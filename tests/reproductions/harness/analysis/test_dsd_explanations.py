"""`harness.analysis.dsd_explanations`: DSD's gain against its control."""

import pandas as pd

from harness.analysis.dsd_explanations import against_the_control
from harness.claims.evidence import Evidence
from harness.claims.measures import Final


def test_the_control_is_cited_or_said_missing():
    rows = [{"variant": arm, "seed": seed, "epoch": e, "test": value + seed / 100}
            for arm, value in (("plain", 0.90), ("lr_drop", 0.92), ("dsd", 0.92))
            for seed in range(3) for e in range(1, 6)]
    evidence = Evidence({"dsd": pd.DataFrame(rows)})
    finals = {arm: Final("dsd", "test", variant=arm) for arm in ("plain", "lr_drop", "dsd")}
    words = against_the_control(finals, 0.005)(evidence, None)
    assert "variant lr_drop" in words and "(reproduced as a gain over plain)" in words
    assert "DSD against it" in words and "(partly)" in words
    missing = Evidence({"dsd": pd.DataFrame([r for r in rows if r["variant"] != "lr_drop"])})
    assert "A control is missing" in against_the_control(finals, 0.005)(missing, None)
