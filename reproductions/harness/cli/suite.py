"""`python -m reproductions`: list the articles, or run their scripts in turn.

    python -m reproductions                  # the articles and their scripts
    python -m reproductions all              # regenerate every result, in order
    python -m reproductions all --quick      # a short look at each (results/quick/)
    python -m reproductions toy_regression cs231n_regularization --quick

Each script runs in a fresh process of this Python, one after another, the
main job first, printing its own progress. At the end: one row per script,
its exit code, wall time and where its results went. Ctrl-C stops the script
at work at once; as every script writes its results atomically, the results
it was replacing stay whole.
"""

import argparse
import pathlib
import subprocess
import sys
import time

from harness.articles import SCRIPTS, script_names
from harness.cli.one_line_parser import ScriptParser
from harness.cli.version import kreg_version

# reproductions/, where the scripts are.
HERE = pathlib.Path(__file__).resolve().parents[2]


def parse_args(argv=None):
    parser = ScriptParser(
        prog="python -m reproductions",
        description="List the suite's articles and scripts, or regenerate "
        "their results one script after another.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument(
        "scripts", nargs="*", metavar="SCRIPT", default=[],
        help="'all', or scripts to run, among: " + ", ".join(script_names())
        + " (none: list them)")
    parser.add_argument(
        "--quick", action="store_true",
        help="each script's short look (written to results/quick/, never "
        "over the full results)")
    parser.add_argument("--version", action="version",
                        version=f"kreg reproductions {kreg_version()}")
    args = parser.parse_args(argv)
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
    return args


def list_scripts():
    for script in SCRIPTS:
        print(f"{script.article.citation()}\n"
              f"    python reproductions/{script.name}.py   {script.shows}")
    print("\nRun them all: python -m reproductions all [--quick]")


def results_folder(name, quick):
    return f"results/quick/{name}/" if quick else f"results/{name}/"


def run_scripts(names, quick):
    """Runs each script in a fresh process; returns the summary rows."""
    rows = []
    for i, name in enumerate(names, 1):
        command = [sys.executable, str(HERE / f"{name}.py")]
        if quick:
            command.append("--quick")
        shown = " ".join([f"python reproductions/{name}.py"] + command[2:])
        print(f"\n=== [{i}/{len(names)}] {shown}", flush=True)
        started = time.monotonic()
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
                     results_folder(name, quick) if code == 0 else "-"))
    return rows


def print_summary(rows):
    width = max(len(name) for name, *_ in rows)
    print(f"\n{'script':<{width}}  {'exit':>4}  {'wall time':>10}  results")
    for name, code, seconds, folder in rows:
        print(f"{name:<{width}}  {code:>4}  {seconds:>9.0f}s  {folder}")
    print(f"{'total':<{width}}  {'':>4}  {sum(r[2] for r in rows):>9.0f}s")


def main(argv=None):
    args = parse_args(argv)
    if not args.scripts:
        list_scripts()
        return 0
    rows = run_scripts(args.scripts, args.quick)
    print_summary(rows)
    return 0 if all(code == 0 for _, code, _, _ in rows) else 1
