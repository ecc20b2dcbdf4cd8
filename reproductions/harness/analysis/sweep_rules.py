"""Rules on a sweep's table of runs (one row per setting and seed, a
`test_accuracy` column): the settings a run tried, the best of them by
mean over seeds, and a setting against another, seed by seed.

They are `Bespoke` rules (`harness.claims.rules`): which setting is the best
is read from the numbers, so the compared measures are chosen at decision
time."""

from harness.claims.measures import Missing, SeedRows
from harness.claims.rules import Above, Paired


def settings_of(evidence, table, column, least=1, **where):
    """`{value: test accuracy}` of each value of `column` the run tried
    (within the rows `where`), in order; `Missing` under `least` values."""
    values = sorted(evidence.distinct(table, column, where))
    if len(values) < least:
        raise Missing(f"{table}.csv: {column} at {least} settings")
    label = " ".join(str(v) for v in where.values())
    return {value: SeedRows(table, "test_accuracy", f"test accuracy [{label + ' ' if label else ''}"
                            f"{column} {value:g}]", ".4f", **where, **{column: value})
            for value in values}


def best_of(evidence, refs, what="the settings this rule compares"):
    """The ref of `refs` with the highest mean; `Missing` if there is none."""
    if not refs:
        raise Missing(what)
    return max(refs, key=lambda ref: evidence.measure(ref).value)


def most_reliable(evidence, refs):
    """The ref of `refs` with the highest mean - sd over seeds."""
    def reliable(ref):
        measure = evidence.measure(ref)
        return measure.value - measure.spread
    return max(refs, key=reliable)


def lowest_against_highest(table, column, floor, **where):
    """A rule: the lowest value of `column` above the highest (`Above`)."""
    def decide(evidence):
        values = list(settings_of(evidence, table, column, least=2, **where).values())
        return Above(values[0], values[-1], floor=floor).decide(evidence)
    return decide


def reliable_against(table, column, kinds, floor):
    """A rule: kind `kinds[0]`'s most reliable setting above `kinds[1]`'s,
    seed by seed (`Paired`)."""
    def decide(evidence):
        a, b = (most_reliable(evidence, list(settings_of(
            evidence, table, column, kind=kind).values())) for kind in kinds)
        return Paired(a, b, floor=floor).decide(evidence)
    return decide


def split_at(table, column, threshold, floor):
    """A rule: the best setting at or above `threshold` against the best
    below it, seed by seed."""
    def decide(evidence):
        swept = settings_of(evidence, table, column)
        return Paired(best_of(evidence, [r for v, r in swept.items() if v >= threshold]),
                      best_of(evidence, [r for v, r in swept.items() if v < threshold],
                              f"{table}.csv: a {column} below {threshold:g}"),
                      floor=floor).decide(evidence)
    return decide


def best_against(table, column, floor, value=None):
    """A rule: the best setting against the setting `value` (the best of
    the others), or with `value=None` against the worst of those below the
    highest `column` (every regularized one, when the highest is none),
    seed by seed."""
    def decide(evidence):
        swept = settings_of(evidence, table, column)
        if value is None:
            tried = [r for v, r in swept.items() if v < max(swept)]
            if len(tried) < 2:
                raise Missing(f"{table}.csv: two {column} settings below {max(swept):g}")
            other = min(tried, key=lambda ref: evidence.measure(ref).value)
        elif value in swept:
            other = swept[value]
        else:
            raise Missing(f"{table}.csv: {column} {value:g}")
        best = best_of(evidence, [r for r in swept.values() if r is not other])
        return Paired(best, other, floor=floor).decide(evidence)
    return decide


def sweep_words(evidence, table, column, floor, baseline, kinds):
    """Every setting's test accuracy (mean ± sd) against `baseline`'s
    (`{column: value}` of the row that has none), per kind, and which lie
    beyond the spread above it: an explanation read from the table."""
    try:
        base = evidence.measure(SeedRows(table, "test_accuracy", **baseline))
        measured = {kind: [(v, evidence.measure(r)) for v, r in settings_of(
            evidence, table, column, kind=kind).items()] for kind in kinds}
    except Missing:
        return f"The sweep is not in these results ({table}.csv)."
    said = "; ".join(f"{kind} " + ", ".join(
        f"{v:g}: {m.value:.4f} ± {m.spread:.4f}" for v, m in settings)
        for kind, settings in measured.items())
    beat = {kind: ", ".join(f"{v:g}" for v, m in settings if m.value - base.value > max(
        m.spread + base.spread, floor)) or "none" for kind, settings in measured.items()}
    return (f"{table}.csv: test_accuracy, mean ± sd over seeds, per {column}: "
            f"baseline {base.value:.4f} ± {base.spread:.4f}; {said}. Beyond the "
            "spread above the baseline: " + "; ".join(
                f"{kind} at {values}" for kind, values in beat.items()) + ".")
