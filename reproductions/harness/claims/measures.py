"""Named numbers of a results folder's tables, each with its spread.

A rule reads measures, never raw tables. A measure reference (`Cell`,
`Final`, `SeedRows`, `Derived`, `Constant`) names what it reads, table and
column, so that the ledger row can cite it as evidence, and reads it into a
`Measure`: a value, its spread (the sd over seeds) and, where known, the
value of each seed. What the tables lack raises `Missing`, which names it;
the claim is then `not tested`, and the run does not crash.

The suite's one definition of a curve's final value is `Final`: each seed's
mean over the last fifth of its recorded points, its spread the sd of those
means over the seeds (one seed: the sd of the points in the window). A
last point far off its window is reported in the measure's note, never used
as the value.
"""

import dataclasses
import math

import numpy as np


class Missing(LookupError):
    """A measure the tables do not hold; the message says what is missing."""


@dataclasses.dataclass(frozen=True)
class Measure:
    """A number as a rule sees it.

    Args:
        value: the number (a mean over seeds, where several ran).
        sd: its spread: the sample sd over seeds (or, for a curve of one
            seed, over its final window); NaN where none is known.
        seeds: how many seeds it rests on.
        per_seed: `((seed, value), ...)` where the tables give each seed.
        note: what a reader should know of it (a spike at a curve's end).
        spread_of: what the sd is taken over, in words.
    """

    value: float
    sd: float = math.nan
    seeds: int = 1
    per_seed: tuple = ()
    note: str = ""
    spread_of: str = ""  # what the sd is over, in words ("3 seeds")

    @property
    def spread(self):
        """The sd, or 0 where none is known."""
        return 0.0 if math.isnan(self.sd) else self.sd

    def text(self, fmt=".4g"):
        """`0.93 ± 0.0011`, or the value alone when there is no spread."""
        shown = f"{self.value:{fmt}}"
        if not math.isnan(self.sd):
            shown += f" ± {self.sd:{fmt}}"
        return shown + (f" ({self.note})" if self.note else "")

    def moved(self, by):
        """The same measure moved by `by` (every seed's value too)."""
        return dataclasses.replace(
            self, value=self.value + by,
            per_seed=tuple((seed, value + by) for seed, value in self.per_seed))


def over_seeds(values, seeds=None, window_sd=math.nan, note=""):
    """The `Measure` of one value per seed: mean, sample sd (NaN for one
    seed, or `window_sd` where given) and the seeds."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        raise Missing("no values")
    sd = float(values.std(ddof=1)) if len(values) > 1 else window_sd
    spread_of = (f"{len(values)} seeds" if len(values) > 1 else
                 "the final window of one seed" if not math.isnan(sd) else "")
    seeds = list(range(len(values))) if seeds is None else list(seeds)
    return Measure(float(values.mean()), sd, len(values),
                   tuple(zip(seeds, (float(v) for v in values))), note, spread_of)


def rows_where(tables, table, where):
    """The rows of `tables[table]` whose columns equal `where`."""
    if table not in tables:
        raise Missing(f"{table}.csv")
    frame = tables[table]
    keep = np.ones(len(frame), bool)
    for column, wanted in where.items():
        if column not in frame:
            raise Missing(f"{table}.csv: {column}")
        values = frame[column].to_numpy()
        if isinstance(wanted, float) and values.dtype.kind == "f":
            keep &= np.isclose(values, wanted, rtol=1e-9, atol=0)
        else:
            keep &= values == wanted
    if not keep.any():
        shown = ", ".join(f"{k}={v}" for k, v in where.items())
        raise Missing(f"{table}.csv: no row with {shown}")
    return frame if keep.all() else frame.iloc[np.flatnonzero(keep)]


def _column(frame, table, column):
    if column not in frame:
        raise Missing(f"{table}.csv: {column}")
    return frame[column]


class Ref:
    """A measure of the written tables, by name. `label` is how rule texts
    name it; `fmt` how they print it."""

    label = ""
    fmt = ".4g"
    from_tables = True  # read from the tables (jittered), not derived
    stated = False  # a number the rule states (a threshold), not a measure

    def sources(self):
        """`[(table, column), ...]` read: the row's evidence."""
        return []

    def read(self, evidence):
        """The `Measure`, through `evidence` (`harness.claims.evidence`)."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.label})"


def _label(column, where):
    return column + (f" [{', '.join(str(v) for v in where.values())}]"
                     if where else "")


class _Column(Ref):
    """A column of a table, in the rows whose columns equal `where` (and
    the keyword arguments), labelled by them unless `label` is given."""

    def __init__(self, table, column, label=None, fmt=".4g", where=None, **row):
        self.table, self.column = table, column
        self.where = {**(where or {}), **row}
        self.label = label or _label(column, self.where)
        self.fmt = fmt

    def sources(self):
        return [(self.table, self.column)]


class Cell(_Column):
    """One number of a table: column `column` of the one row whose columns
    equal `where` (`Cell("table", "test_accuracy", variant="none")`). Its
    spread is the row's `<column>_sd` and its seeds the row's `seeds`,
    where the table has them."""

    def read(self, evidence):
        rows = evidence.rows(self.table, self.where)
        if len(rows) != 1:  # the table does not say which row is meant
            raise Missing(f"{self.table}.csv: one row with "
                          + ", ".join(f"{k}={v}" for k, v in self.where.items())
                          + f" ({len(rows)} found)")
        row = rows.iloc[0]
        value = float(_column(rows, self.table, self.column).iloc[0])
        if math.isnan(value):
            raise Missing(f"{self.table}.csv: a value of {self.label}")
        sd = float(row.get(f"{self.column}_sd", math.nan))
        counted = "seeds" in row and row["seeds"] == row["seeds"]
        seeds = int(row["seeds"]) if counted else 1
        spread_of = ("" if math.isnan(sd) else f"{seeds} seeds" if counted else "seeds")
        return Measure(value, sd, seeds, spread_of=spread_of)


class SeedRows(_Column):
    """A number measured once per seed: the rows of a runs table whose
    columns equal `where`, one per seed (its `seed` column)."""

    def __init__(self, table, column, label=None, fmt=".4g", seed="seed",
                 where=None, **row):
        super().__init__(table, column, label, fmt, where, **row)
        self.seed = seed

    def read(self, evidence):
        rows = evidence.rows(self.table, self.where)
        values = _column(rows, self.table, self.column).to_numpy(np.float64)
        if np.isnan(values).any():
            raise Missing(f"{self.table}.csv: a value of {self.label} for every seed")
        seeds = (rows[self.seed].tolist() if self.seed in rows
                 else list(range(len(rows))))
        return over_seeds(values, seeds)


def _curves(rows, table, column, step, seed):
    """`[(seed, points in step order), ...]` of a curve table's rows, one
    per seed (one curve, seed 0, without a seed column)."""
    points = _column(rows, table, column).to_numpy(np.float64)
    steps = rows[step].to_numpy() if step in rows else np.arange(len(rows))
    seeds = rows[seed].to_numpy() if seed in rows else np.zeros(len(rows), int)
    order = np.lexsort((steps, seeds))
    seeds, points = seeds[order], points[order]
    starts = np.flatnonzero(np.r_[True, seeds[1:] != seeds[:-1]])
    return [(seeds[start], points[start:end])
            for start, end in zip(starts, np.r_[starts[1:], len(seeds)])]


class Final(Ref):
    """A curve's final value, the suite's one definition: for each seed the
    mean of the last fifth of its points (at least one), ordered by `step`;
    the measure is their mean over seeds, its spread their sd (one seed: the
    sd of the window's points). A last point more than two sds off the rest
    of its window is a spike: the note reports it."""

    def __init__(self, table, column, label=None, fmt=".4g", step="step",
                 seed="seed", where=None, **row):
        self.table, self.column, self.step, self.seed = table, column, step, seed
        self.where = {**(where or {}), **row}
        self.label = label or f"final {_label(column, self.where)}"
        self.fmt = fmt

    def sources(self):
        return [(self.table, self.column)]

    def read(self, evidence):
        rows = evidence.rows(self.table, self.where)
        seeds, means, spikes, window_sd = [], [], [], math.nan
        for seed, points in _curves(rows, self.table, self.column, self.step,
                                    self.seed):
            if np.isnan(points).any():
                raise Missing(f"{self.table}.csv: every point of {self.label}")
            window = points[-math.ceil(len(points) / 5):]
            seeds.append(seed)
            means.append(float(window.mean()))
            if len(window) > 1:
                window_sd = float(window.std(ddof=1))
            rest = window[:-1]
            if len(rest) >= 2 and abs(window[-1] - rest.mean()) > 2 * rest.std(ddof=1):
                spikes.append(f"{window[-1]:{self.fmt}}")
        note = (f"last point {', '.join(spikes)} is a spike, not used"
                if spikes else "")
        return over_seeds(means, seeds, window_sd if len(means) == 1 else math.nan,
                          note)


class FinalChange(Final):
    """How much a curve still moves at its end: for each seed, the mean of
    its last fifth of points minus the mean of the fifth before (`relative`:
    divided by it); over seeds as `Final`."""

    def __init__(self, table, column, label=None, fmt=".4g", relative=False,
                 step="step", seed="seed", where=None, **row):
        super().__init__(table, column, label, fmt, step, seed, where, **row)
        self.relative = relative
        self.label = label or f"change over the last fifth of {_label(column, self.where)}"

    def read(self, evidence):
        rows = evidence.rows(self.table, self.where)
        seeds, changes = [], []
        for seed, points in _curves(rows, self.table, self.column, self.step,
                                    self.seed):
            if np.isnan(points).any():
                raise Missing(f"{self.table}.csv: every point of {self.label}")
            width = math.ceil(len(points) / 5)
            if len(points) < 2 * width:
                raise Missing(f"{self.table}.csv: {self.column}: a curve of "
                              f"{len(points)} points has no fifth before its last")
            last, before = points[-width:].mean(), points[-2 * width:-width].mean()
            seeds.append(seed)
            changes.append((last / before - 1) if self.relative else last - before)
        return over_seeds(changes, seeds)


class Constant(Ref):
    """A number the rule states, with no spread (a threshold, the
    article's value)."""

    from_tables = False
    stated = True

    def __init__(self, value, label=None, fmt=".4g"):
        self.value = float(value)
        self.label = label or f"{value:{fmt}}"
        self.fmt = fmt

    def read(self, evidence):
        return Measure(self.value)


def constant(value):
    """`value` as a `Ref`: itself if it is one, else a `Constant`."""
    return value if isinstance(value, Ref) else Constant(value)


class Derived(Ref):
    """A number computed from others (a gap, a ratio, a share): `function`
    of their values. Its spread comes seed by seed where every input gives
    the same seeds, else from each input's sd (to first order)."""

    from_tables = False

    def __init__(self, label, function, *inputs, fmt=".4g"):
        self.label, self.function, self.fmt = label, function, fmt
        self.inputs = [constant(ref) for ref in inputs]

    def sources(self):
        return [source for ref in self.inputs for source in ref.sources()]

    def read(self, evidence):
        try:
            return self._derive([evidence.measure(ref) for ref in self.inputs])
        except ZeroDivisionError as error:
            raise Missing(f"a defined {self.label} ({error})") from None

    def _derive(self, measures):
        value = float(self.function(*(m.value for m in measures)))
        seeded = [dict(m.per_seed) for m in measures if m.per_seed]
        if (len(seeded) == len(measures) and len(seeded[0]) > 1
                and all(s.keys() == seeded[0].keys() for s in seeded)):
            seeds = list(seeded[0])
            per_seed = [self.function(*(s[seed] for s in seeded)) for seed in seeds]
            return over_seeds(per_seed, seeds)
        spread = 0.0
        for i, m in enumerate(measures):
            if m.spread:
                nudged = [n.value + (m.spread if j == i else 0)
                          for j, n in enumerate(measures)]
                spread += abs(float(self.function(*nudged)) - value)
        known = [m.spread_of for m in measures if not math.isnan(m.sd)]
        return Measure(value, spread if known else math.nan,
                       max(m.seeds for m in measures),
                       spread_of=" and ".join(dict.fromkeys(known)))
