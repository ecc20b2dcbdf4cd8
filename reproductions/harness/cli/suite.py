"""`python -m reproductions`: list the articles, or run their scripts in turn.

    python -m reproductions                  # the articles and their scripts
    python -m reproductions all              # regenerate every result, in order
    python -m reproductions all --quick      # a short look at each (results/quick/)
    python -m reproductions toy_regression cs231n_regularization --quick
    python -m reproductions all --data path/to/mnist --out-root /tmp/rerun
    python -m reproductions regularization_overview --ledgers-only
    python -m reproductions all --scheduler tcp://HOST:PORT   # on a Dask cluster

Each script runs in a fresh process of this Python, one after another, the
main job first, printing its own progress. At the end: one row per script,
its exit code, wall time and where its results went. Ctrl-C stops the script
at work at once; as every script writes its results atomically, the results
it was replacing stay whole. The summary also counts each script's claims
per status (reproduced / partly / not reproduced / not tested) from the
`claims.csv` it wrote.

`--ledgers-only` trains nothing: it derives each script's claims ledger
again from the tables already in its results folder, for a change of a
ledger's rules or wording (`harness.results.writer.rederive_ledger`).
"""

import os
import pathlib
import subprocess
import sys
import time

from harness.articles import SCRIPTS, script_named, script_names
from harness.cli.arguments import add_job_placement, data_source
from harness.cli.one_line_parser import ScriptParser
from harness.cli.version import kreg_version
from harness.results.atomic_dir import check_writable_parent

# reproductions/, where the scripts are.
HERE = pathlib.Path(__file__).resolve().parents[2]


def parse_args(argv=None):
    parser = ScriptParser(
        prog="python -m reproductions",
        description="List the suite's articles and scripts, or regenerate "
        "their results one script after another.")
    parser.add_argument(
        "scripts", nargs="*", metavar="SCRIPT", default=[],
        help="'all', or scripts to run, among: " + ", ".join(script_names())
        + " (none: list them)")
    parser.add_argument(
        "--quick", action="store_true",
        help="each script's short look (written to results/quick/, never "
        "over the full results)")
    parser.add_argument(
        "--data", type=data_source, default=None,
        help="MNIST for the scripts that use it (as their --data: auto, keras, "
        "tfds, sample, an .npz or a folder of the IDX files; default: each "
        "script's own, auto)")
    add_job_placement(parser)
    parser.add_argument(
        "--out-root", default=None,
        help="write each script's results to OUT_ROOT/<script> instead of "
        "results/ (default: results/, or results/quick/ with --quick)")
    parser.add_argument(
        "--ledgers-only", action="store_true",
        help="train nothing: derive each script's claims ledger again from the "
        "tables in its results folder (after a change of a ledger's rules or "
        "wording)")
    parser.add_argument("--version", action="version",
                        version=f"kreg reproductions {kreg_version()}")
    args = parser.parse_args(argv)
    if args.out_root is not None:
        try:
            check_writable_parent(os.path.join(args.out_root, "script"))
        except PermissionError as e:
            parser.error(f"argument --out-root: {e}")
    allowed = ["all"] + script_names()
    for name in args.scripts:
        if name not in allowed:
            parser.error(f"argument SCRIPT: expected one of {', '.join(allowed)}; "
                         f"received {name!r}")
    if "all" in args.scripts:
        if len(args.scripts) > 1:
            parser.error(f"argument SCRIPT: 'all' stands alone; received "
                         f"{' '.join(args.scripts)}")
        args.scripts = script_names()
    if args.ledgers_only:
        for name in args.scripts:
            folder = results_folder(name, args.quick, args.out_root)
            if not os.path.isfile(os.path.join(folder, "claims.csv")):
                parser.error(f"argument SCRIPT: {name} has no ledger to derive "
                             f"again in {folder}; expected a results folder "
                             "with claims.csv (run the script first)")
    return args


def list_scripts():
    for script in SCRIPTS:
        print(f"{script.article.citation()}\n"
              f"    python reproductions/{script.name}.py   {script.shows}")
    print("\nRun them all: python -m reproductions all [--quick]")


def results_folder(name, quick, out_root=None):
    if out_root is not None:
        return os.path.join(out_root, name) + os.sep
    return f"results/quick/{name}/" if quick else f"results/{name}/"


def run_scripts(names, quick, data=None, out_root=None, scheduler=None, workers=None):
    """Runs each script in a fresh process (its jobs in `workers` local
    processes, or on the Dask cluster at `scheduler`, if given); returns the
    summary rows."""
    rows = []
    for i, name in enumerate(names, 1):
        command = [sys.executable, str(HERE / f"{name}.py")]
        if quick:
            command.append("--quick")
        script = script_named(name)
        if data is not None and script is not None and script.uses_mnist:
            command += ["--data", str(data)]
        if out_root is not None:
            command += ["--out", os.path.join(out_root, name)]
        if scheduler is not None:
            command += ["--scheduler", scheduler]
        if workers is not None:
            command += ["--workers", str(workers)]
        shown = " ".join([f"python reproductions/{name}.py"] + command[2:])
        print(f"\n=== [{i}/{len(names)}] {shown}", flush=True)
        started, since = time.monotonic(), time.time()
        process = subprocess.Popen(command)
        try:
            code = process.wait()
        except KeyboardInterrupt:
            process.kill()
            process.wait()
            print(f"\npython -m reproductions: interrupted in {name}; its "
                  "previous results are unchanged", file=sys.stderr)
            sys.exit(130)
        rows.append((name, code, time.monotonic() - started,
                     written_folder(name, quick, out_root, since)
                     if code == 0 else "-"))
    return rows


def written_folder(name, quick, out_root, since):
    """Where a script that ran from `since` (a `time.time()`) wrote: its
    folder under `results/`, or `results/quick/` where the script found its
    run shortened (by its data, say) though the suite asked for the full
    setting; `-` if neither was written since."""
    candidates = [results_folder(name, quick, out_root)]
    if not quick and out_root is None:
        candidates.append(results_folder(name, True))
    for folder in candidates:
        metadata = os.path.join(folder, "metadata.json")
        if os.path.isfile(metadata) and os.path.getmtime(metadata) >= since:
            return folder
    return "-"


def rederive_ledgers(names, quick, out_root=None):
    """Each script's ledger derived again from its results folder's tables."""
    # The scripts and their stack only now: the command line stays light.
    import importlib

    from harness.claims.ledger import STATUSES, ledger_frame, status_counts
    from harness.results.writer import rederive_ledger

    sys.path.insert(0, str(HERE))
    for name in names:
        folder = results_folder(name, quick, out_root)
        ledger = rederive_ledger(folder, importlib.import_module(name).claims)
        counts = status_counts(ledger_frame(ledger))
        print(f"{name}: ledger derived again in {folder} ("
              + ", ".join(f"{counts[s]} {s}" for s in STATUSES) + ")")


def claims_counts(folder):
    """`R/P/N/T`: the count of reproduced, partly, not reproduced and not
    tested claims in `folder/claims.csv`, or "-"."""
    path = os.path.join(folder, "claims.csv")
    if folder == "-" or not os.path.isfile(path):
        return "-"
    # pandas only now, after the scripts ran: the command line stays light.
    from harness.claims.ledger import STATUSES, read_ledger, status_counts

    counts = status_counts(read_ledger(path))
    return "/".join(str(counts[status]) for status in STATUSES)


def print_summary(rows):
    width = max(len(name) for name, *_ in rows)
    print(f"\n{'script':<{width}}  {'exit':>4}  {'wall time':>10}  "
          f"{'claims R/P/N/T':>14}  results")
    for name, code, seconds, folder in rows:
        print(f"{name:<{width}}  {code:>4}  {seconds:>9.0f}s  "
              f"{claims_counts(folder):>14}  {folder}")
    print(f"{'total':<{width}}  {'':>4}  {sum(r[2] for r in rows):>9.0f}s")


def main(argv=None):
    args = parse_args(argv)
    if not args.scripts:
        list_scripts()
        return 0
    if args.ledgers_only:
        rederive_ledgers(args.scripts, args.quick, args.out_root)
        return 0
    rows = run_scripts(args.scripts, args.quick, args.data, args.out_root,
                       args.scheduler, args.workers)
    print_summary(rows)
    return 0 if all(code == 0 for _, code, _, _ in rows) else 1
