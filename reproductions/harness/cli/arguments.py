"""Command-line arguments shared by the reproduction scripts.

Bad values stop the script through `argparse` (exit code 2) with a message
that names the flag, the value and what is allowed, before anything is
trained or written.
"""

import argparse

from harness.data.mnist import DATA_CHOICES
from harness.results.atomic_dir import check_writable_parent


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer, received {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer, received {value}"
        )
    return value


def non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 0, received {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, received {value}")
    return value


def writable_dir(text):
    try:
        check_writable_parent(text)
    except PermissionError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


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

    return parse


def base_parser(description, default_out):
    """A parser with the flags every reproduction takes."""
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="a short run for CI and a first look; NOT the article's setting, "
        "and labelled so in every output",
    )
    parser.add_argument(
        "--data", default="auto",
        help=f"data source: one of {', '.join(DATA_CHOICES)} or a path to an "
        "MNIST .npz or a folder of the four IDX files (default: auto)",
    )
    parser.add_argument(
        "--out", type=writable_dir, default=default_out,
        help=f"results folder, replaced atomically (default: {default_out})",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=0,
        help="random seed; same seed, same machine, same numbers (default: 0)",
    )
    return parser
