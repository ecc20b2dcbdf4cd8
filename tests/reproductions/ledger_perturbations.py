"""Perturbed copies of a results folder's tables, for the ledger tests.

Each perturbation stands for an outcome a rule must be able to see:
moved numbers (a column zeroed, negated, doubled, shifted or shuffled; or
zeroed or doubled in one arm's rows only), swapped arms (a column of names
permuted), shortened curves (only the
first steps or epochs kept) and one seed (the first seed's rows, no sds).
Tables and columns removed stand for a run that lacks them. `jitter`
moves every measure a rule reads by less than its own spread: noise, which
may move only a status the ledger calls borderline.
"""

import zlib

import numpy as np

from harness.claims.evidence import noise

# Columns that locate a row rather than measure something.
LOCATORS = {"seed", "seeds", "step", "epoch", "runs"}


def numeric_columns(frame):
    return [c for c in frame.columns if frame[c].dtype.kind in "fi"
            and c not in LOCATORS and not c.endswith("_sd")]


def name_columns(frame):
    return [c for c in frame.columns if frame[c].dtype.kind in "Ob"
            and frame[c].nunique() > 1]


def _with(tables, name, frame):
    return {**tables, name: frame}


def moved_numbers(tables):
    """Each numeric column scaled by 0, -1 and 2, shifted by its own range,
    and shuffled across its rows."""
    for name, frame in tables.items():
        for column in numeric_columns(frame):
            values = frame[column].astype(float)
            width = np.nanmax(values) - np.nanmin(values) if values.notna().any() else 0
            for how, moved in (("x0", values * 0), ("x-1", -values), ("x2", values * 2),
                               ("+range", values + (width or 1.0))):
                yield f"{name}.{column} {how}", _with(tables, name, frame.assign(**{
                    column: moved}))
            rng = np.random.default_rng(zlib.crc32(f"{name}.{column}".encode()))
            yield (f"{name}.{column} shuffled", _with(tables, name, frame.assign(**{
                column: rng.permutation(values.to_numpy())})))


def one_arm_moved(tables, most_arms=12):
    """Each numeric column zeroed and doubled in the rows of one arm only
    (one value of a column of names with at most `most_arms` values): one
    method, variant or phase doing better or worse than the rest."""
    for name, frame in tables.items():
        for arms in name_columns(frame):
            values = frame[arms].unique()
            if len(values) > most_arms:
                continue
            for arm in values:
                rows = (frame[arms] == arm).to_numpy()
                for column in numeric_columns(frame):
                    for how, factor in (("x0", 0.0), ("x2", 2.0)):
                        moved = frame[column].astype(float).to_numpy().copy()
                        moved[rows] *= factor
                        yield (f"{name}.{column} {how} where {arms}={arm}",
                               _with(tables, name, frame.assign(**{column: moved})))


def swapped_arms(tables):
    """Each column of names permuted: reversed, and rolled by one."""
    for name, frame in tables.items():
        for column in name_columns(frame):
            values = frame[column].to_numpy()
            for how, moved in (("reversed", values[::-1]), ("rolled", np.roll(values, 1))):
                yield f"{name}.{column} {how}", _with(tables, name, frame.assign(**{
                    column: moved}))


def shortened_curves(tables):
    """Curve tables cut to their first step (or epoch), and to their first
    half."""
    for name, frame in tables.items():
        for step in ("step", "epoch"):
            if step in frame and frame[step].nunique() > 1:
                steps = np.sort(frame[step].unique())
                yield f"{name} first {step}", _with(tables, name,
                                                    frame[frame[step] == steps[0]])
                half = steps[max(1, len(steps) // 2) - 1]
                yield f"{name} first half", _with(tables, name,
                                                  frame[frame[step] <= half])


def one_seed(tables):
    """Every table as one seed would have written it: the first seed's rows,
    `seeds` 1 and no sds."""
    result = {}
    for name, frame in tables.items():
        if "seed" in frame:
            frame = frame[frame["seed"] == frame["seed"].min()]
        if "seeds" in frame:
            frame = frame.assign(seeds=1)
        sds = [c for c in frame.columns if c.endswith("_sd")]
        result[name] = frame.assign(**{c: np.nan for c in sds})
    yield "one seed", result


def contradicting(tables):
    """Every perturbation that changes numbers, arms, curves or seeds."""
    yield from moved_numbers(tables)
    yield from one_arm_moved(tables)
    yield from swapped_arms(tables)
    yield from shortened_curves(tables)
    yield from one_seed(tables)


def lacking(tables):
    """Each table removed, and each of its columns removed."""
    for name, frame in tables.items():
        yield f"no {name}", {k: v for k, v in tables.items() if k != name}
        for column in frame.columns:
            yield f"no {name}.{column}", _with(tables, name, frame.drop(columns=column))


def jitter(draw, fraction=0.5):
    """A `jitter` for `derive`: each measure moved by a random fraction of
    its own spread, at most `fraction` of it either way
    (`harness.claims.evidence.noise`, in draws of the tests' own)."""
    return noise(draw, fraction, stream="tests")
