"""The reproduction suite's time: each script's wall time, its jobs, and
what more workers would buy.

For each script: its wall time, its jobs (`harness.jobs`: one independent
training each) and their own seconds summed (the single-core work, as each
job runs on one core), and the speedup of the run over running its jobs in
sequence (`job seconds / wall`). From the measured job times it projects the
suite's wall time on 8 and 32 workers: each script's jobs handed out longest
first to the least loaded worker (what the runner does), plus the script's
time outside its jobs (data, figures, ledger), which more workers do not
shorten. The floor on this machine is the jobs' single-core seconds over its
cores.

Everything is read from the `metadata.json` each script writes
(`wall_seconds` and `jobs`), all from one run. By default the benchmark
runs the suite first (its full setting, into a temporary folder, never over
`results/`), so the figures are of one run on this machine, alone:

    python benchmarks/suite_time.py                    # run, then report
    python benchmarks/suite_time.py --quick            # the quick settings
    python benchmarks/suite_time.py --from results     # report on a run's folders
    python benchmarks/suite_time.py --data ../shared/data/mnist
"""

import heapq
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "reproductions"))

from harness.articles import script_names  # noqa: E402
from harness.cli.arguments import data_source  # noqa: E402
from harness.cli.one_line_parser import ScriptParser  # noqa: E402

PROJECTED = (8, 32)


def makespan(durations, workers):
    """The wall time of `durations` handed out longest first, each to the
    worker that frees up first."""
    loads = [0.0] * max(1, workers)
    for duration in sorted(durations, reverse=True):
        heapq.heapreplace(loads, loads[0] + duration)
    return max(loads)


def script_row(name, metadata, cores):
    jobs = metadata.get("jobs") or {"count": 0, "seconds": 0.0, "per_job": []}
    durations = [job["seconds"] for job in jobs["per_job"]]
    wall = float(metadata.get("wall_seconds", 0.0))
    local = jobs.get("where", []) != ["here"]
    # The time outside the jobs: the wall time less their makespan here.
    outside = max(0.0, wall - makespan(durations, cores if local else 1))
    row = {"script": name, "wall_s": wall, "jobs": jobs["count"],
           "job_s": jobs["seconds"],
           "speedup": jobs["seconds"] / wall if wall else float("nan"),
           "outside_s": outside}
    for workers in PROJECTED:
        row[f"on_{workers}_s"] = outside + makespan(durations, workers)
    return row


def run_suite(out_root, quick, data):
    command = [sys.executable, "-m", "reproductions", "all", "--out-root", out_root]
    command += ["--quick"] if quick else []
    command += ["--data", data] if data else []
    print("=== " + " ".join(command[1:]), flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.monotonic() - started


def report(root, cores, measured_wall=None):
    rows = []
    for name in script_names():
        path = pathlib.Path(root) / name / "metadata.json"
        if path.is_file():
            rows.append(script_row(name, json.loads(path.read_text()), cores))
    header = (f"{'script':<26}{'wall s':>9}{'jobs':>6}{'job s':>10}{'speedup':>9}"
              f"{'outside s':>11}" + "".join(f"{f'on {w} s':>10}" for w in PROJECTED))
    print("\n" + header)
    for row in rows:
        print(f"{row['script']:<26}{row['wall_s']:>9.0f}{row['jobs']:>6}"
              f"{row['job_s']:>10.0f}{row['speedup']:>9.2f}{row['outside_s']:>11.0f}"
              + "".join(f"{row[f'on_{w}_s']:>10.0f}" for w in PROJECTED))
    total = {key: sum(row[key] for row in rows)
             for key in ("wall_s", "jobs", "job_s", "outside_s",
                         *(f"on_{w}_s" for w in PROJECTED))}
    print(f"{'total':<26}{total['wall_s']:>9.0f}{total['jobs']:>6}"
          f"{total['job_s']:>10.0f}{total['job_s'] / total['wall_s']:>9.2f}"
          f"{total['outside_s']:>11.0f}"
          + "".join(f"{total[f'on_{w}_s']:>10.0f}" for w in PROJECTED))
    print(f"\nFloor on this machine ({cores} cores): job seconds / cores = "
          f"{total['job_s'] / cores:.0f} s, plus {total['outside_s']:.0f} s outside "
          "the jobs")
    if measured_wall is not None:
        print(f"python -m reproductions all, measured: {measured_wall:.0f} s")
    return rows


def main(argv=None):
    parser = ScriptParser(prog="suite_time.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="root", default=None,
                        help="report on the results folders under this root "
                        "instead of running the suite")
    parser.add_argument("--quick", action="store_true",
                        help="run the suite's quick settings")
    parser.add_argument("--data", type=data_source, default=None,
                        help="MNIST for the scripts (as their --data)")
    args = parser.parse_args(argv)
    if args.root is not None and not os.path.isdir(args.root):
        parser.error(f"argument --from: expected a folder of results folders, "
                     f"received {args.root!r}")
    cores = os.cpu_count() or 1
    if args.root:
        return report(args.root, cores)
    with tempfile.TemporaryDirectory(prefix="kreg-suite-") as out_root:
        wall = run_suite(out_root, args.quick, args.data)
        return report(out_root, cores, wall)


if __name__ == "__main__":
    main()
