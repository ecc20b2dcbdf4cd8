"""What a rule reads, and the evidence its ledger row cites.

An `Evidence` holds a results folder's tables (as `read_tables` gives them)
and reads measure references (`harness.claims.measures`) for the rules of
one claim, remembering the tables and columns read: the row's `evidence` is
exactly what decided it. A `jitter` function, given, moves every measure
read from the tables before a rule sees it: `noise` is such a function,
with which `derive` finds the borderline verdicts and the ledger tests show
that noise moves no other status.
"""

import zlib

import numpy as np

from harness.claims.measures import Missing, rows_where


class Evidence:
    """The tables of a results folder, read for one claim's rules.

    Args:
        tables: `{name: DataFrame}` of the folder's CSV files.
        jitter: optional function `(name, Measure) -> Measure` applied to
            every measure read from the tables (`Cell`, `SeedRows`,
            `Final`), not to those derived from them.
    """

    def __init__(self, tables, jitter=None, cache=None):
        self.tables = tables
        self.jitter = jitter
        self._read = []
        # Rows already selected, shared by the claims of one derivation
        # (`derive`): a table is filtered once per selection, not per rule.
        self._rows = {} if cache is None else cache

    def rows(self, table, where):
        """The rows of a table whose columns equal `where` (`Missing` if
        none), selected once per derivation."""
        key = (table, tuple(sorted((k, repr(v)) for k, v in where.items())))
        if key not in self._rows:
            try:
                self._rows[key] = rows_where(self.tables, table, where)
            except Missing as missing:
                self._rows[key] = missing
        found = self._rows[key]
        if isinstance(found, Missing):
            raise Missing(*found.args)
        return found

    def measure(self, ref, jitter=True):
        """The `Measure` of `ref` (raises `Missing` for what is absent);
        `jitter=False` for a rule that jitters what it decides on itself
        (`Paired`: the per-seed differences, not each arm)."""
        for source in ref.sources():
            self._note(*source)
        measure = ref.read(self)
        return self.jittered(ref.label, measure) if jitter and ref.from_tables else measure

    def jittered(self, name, measure):
        """`measure`, moved by the jitter if one is set."""
        return measure if self.jitter is None else self.jitter(name, measure)

    def distinct(self, table, column, where=None):
        """The distinct values of a column (of the rows matching `where`),
        in order: the members of a set a rule goes through."""
        self._note(table, column)
        rows = self.rows(table, where or {})
        if column not in rows:
            raise Missing(f"{table}.csv: {column}")
        return list(dict.fromkeys(rows[column].tolist()))

    def frame(self, table, *columns, **where):
        """The rows of a table matching `where`, for an explanation that
        reads more than a measure (its columns are cited)."""
        rows = self.rows(table, where)
        for column in columns:
            if column not in rows:
                raise Missing(f"{table}.csv: {column}")
            self._note(table, column)
        return rows

    def _note(self, table, column):
        if (table, column) not in self._read:
            self._read.append((table, column))

    def cited(self, figures=()):
        """The evidence: each table with its columns read, in order of first
        reading (a column's `_sd` beside it where the table has one), then
        the figures that show them."""
        columns = {}
        for table, column in self._read:
            names = columns.setdefault(table, [])
            names.append(column)
            sd = f"{column}_sd"
            if table in self.tables and sd in self.tables[table] and sd not in names:
                names.append(sd)
        parts = [f"{table}.csv: {', '.join(names)}" for table, names in columns.items()]
        return "; ".join(parts + list(figures))


def noise(draw, fraction=0.5, stream="noise"):
    """A `jitter` that moves each measure by a random fraction of its own
    spread, at most `fraction` of it either way: the noise another machine's
    float rounding can put on a trained result. The same measure gets the
    same move within one draw; `stream` names an independent set of draws."""
    def move(name, measure):
        seed = zlib.crc32(f"{stream}:{draw}:{name}".encode())
        u = np.random.default_rng(seed).uniform(-fraction, fraction)
        return measure.moved(u * measure.spread)

    return move
