"""The `metadata.json` every reproduction writes beside its results."""

import json
import os

from harness.data.mnist import MnistFiles
from harness.data.splits import Splits
from harness.jobs.runner import take_job_log
from harness.results.environment import environment


def run_metadata(article, args, run_label, data, **measured):
    """Article, run label, data, every setting, seed, environment, timings.

    Args:
        article: which article the run reproduces.
        args: the parsed command line (`--out` is left out: it is where the
            file lies, not how it was made).
        run_label: the label the run carries everywhere (QUICK or not).
        data: a `harness.data.Splits` (its source, description and sizes are
            recorded) or a dict describing generated data.
        **measured: anything else the script measured, e.g. wall times.

    `jobs` records every job the process ran since the last metadata was
    made (`harness.jobs.runner.take_job_log`): their count, own seconds and
    where they ran.
    """
    if isinstance(data, Splits):
        data = {"source": data.source, "description": data.description,
                "sizes": data.sizes, "files": data.files}
    return {
        "jobs": take_job_log(),
        "article": article,
        "quick": args.quick,
        "full_setting": args.full_setting,
        "run": run_label,
        "data": data,
        "settings": _settings(args),
        "seed": args.seed,
        "environment": environment(),
        **measured,
    }


def _settings(args):
    """Every setting but where the results went; a `--data` path as what it
    named (`local files`, described under "data"), never as a path of this
    machine."""
    settings = {k: v for k, v in vars(args).items()
                if k not in ("out", "full_setting")}
    if isinstance(settings.get("data"), MnistFiles):
        settings["data"] = "local files"
    return settings


def write_metadata(folder, metadata):
    """Writes `metadata` to `folder/metadata.json` (non-JSON values as text)."""
    with open(os.path.join(folder, "metadata.json"), "w") as f:
        json.dump(metadata, f, indent=2, default=str)
