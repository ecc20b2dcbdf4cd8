"""Where a reproduction writes its results, decided before any work.

A run at the full setting writes `results/<script>/`, the committed results.
A quick or shortened run writes `results/quick/<script>/` (ignored by git),
so that it can never be mistaken for, nor replace, the article's setting; an
explicit `--out` holding full results is refused to such a run.
"""

import json
import os
import pathlib

from harness.results.atomic_dir import check_writable_parent

# The project's `results/` folder, beside `reproductions/`.
RESULTS_ROOT = pathlib.Path(__file__).resolve().parents[3] / "results"


def default_output(script_name, full_setting):
    root = RESULTS_ROOT if full_setting else RESULTS_ROOT / "quick"
    return str(root / script_name)


def holds_full_results(folder):
    """Whether `folder` holds the results of a run at the full setting."""
    path = os.path.join(folder, "metadata.json")
    if not os.path.isfile(path):
        return False
    try:
        with open(path) as f:
            metadata = json.load(f)
    except (OSError, ValueError):
        return False
    return bool(metadata.get("full_setting", not metadata.get("quick", True)))


def resolve_output(out, script_name, full_setting):
    """The results folder of this run; raises with a one-line reason when
    it cannot be written or would replace full results with a shortened run.
    """
    out = out or default_output(script_name, full_setting)
    check_writable_parent(out)
    if not full_setting and holds_full_results(out):
        raise FileExistsError(
            f"{out} holds results of the full setting, which a quick or "
            "shortened run never replaces; leave --out out to write to "
            f"{default_output(script_name, False)}"
        )
    return out
