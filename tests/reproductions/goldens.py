"""Numeric goldens: stored JSON compared with stated tolerances.

Goldens change only on request: run the tests with `KREG_UPDATE_GOLDENS=1`
to rewrite them, then review and commit the diff.
"""

import json
import math
import os
import pathlib

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / "goldens"


def check_golden(name, values, tolerance):
    """Compares `values` (a flat dict of floats) with the golden `name`.

    `tolerance(key)` gives the absolute tolerance of each key.
    """
    path = GOLDEN_DIR / f"{name}.json"
    if os.environ.get("KREG_UPDATE_GOLDENS") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
    assert path.exists(), f"no golden {path}; create it with KREG_UPDATE_GOLDENS=1"
    golden = json.loads(path.read_text())
    assert sorted(golden) == sorted(values), "golden keys differ"
    failures = []
    for key, expected in golden.items():
        actual = values[key]
        if not math.isclose(actual, expected, rel_tol=0, abs_tol=tolerance(key)):
            failures.append(f"{key}: {actual!r} != golden {expected!r} "
                            f"(tolerance {tolerance(key)})")
    assert not failures, "\n".join(failures)
