"""Numeric goldens: stored values with tolerances derived from what varies.

A golden file `goldens/<name>.json` holds the values of a short run, a
tolerance per value and how it was derived: `tests/reproductions/spread.py`
measures how far each value moves under the floating-point perturbations of
another CPU (oneDNN off, one thread) and sets the tolerance to a multiple of
that spread, never below the quantity's own resolution. Goldens change only
on request: run that tool (or, for values alone, the tests with
`KREG_UPDATE_GOLDENS=1`, which keeps the derived tolerances), then review
and commit the diff.
"""

import json
import math
import os
import pathlib

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / "goldens"


def check_golden(name, values):
    """Compares `values` (a flat dict of floats) with the golden `name`."""
    path = GOLDEN_DIR / f"{name}.json"
    assert path.exists(), (f"no golden {path}; measure it with "
                           "python -m tests.reproductions.spread")
    golden = json.loads(path.read_text())
    if os.environ.get("KREG_UPDATE_GOLDENS") == "1":
        golden["values"] = values
        path.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n")
    assert sorted(golden["values"]) == sorted(values), "golden keys differ"
    failures = []
    for key, expected in golden["values"].items():
        tolerance = golden["tolerance"][key]
        if not math.isclose(values[key], expected, rel_tol=0, abs_tol=tolerance):
            failures.append(f"{key}: {values[key]!r} != golden {expected!r} "
                            f"(tolerance {tolerance:.3g}, measured spread "
                            f"{golden['spread'][key]:.3g})")
    assert not failures, "\n".join(failures)
