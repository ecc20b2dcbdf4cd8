"""The rule kinds a claim is decided by: one vocabulary for every script.

Each rule reads measures (`harness.claims.measures`) through an
`Evidence`, decides a status and writes its own text from the same
thresholds and numbers, so nothing is typed twice. Every kind gives the
same outcome the same status (`harness.claims.ledger` states the meaning of
each): a margin past the rule's threshold counts only beyond the spread of
the numbers (the sd over seeds, and a floor where one is declared), is
`partly` within it whatever its sign, and contradicts the claim beyond it
the other way. So a verdict never rests on the sign of a difference inside
the noise, which another CPU's float rounding can flip.

Kinds:
    Near        within a tolerance of the article's value (partly: twice it)
    Above/Below one measure above or below another (or a threshold)
    Paired      arms trained on the same seeds, on their per-seed differences
    Highest/Lowest  one arm against each of several
    Within/Ratio    a value, or a ratio of two, inside a band
    Trend       a value rising (or falling) with a setting, over a sweep
    AllOf/Each  all of a set (partly: some); `Each` over a table's rows
    Unmeasured  a part of a claim nothing here measures
    Gate        only where the setting can show it, else `not tested`
    Bespoke     the escape hatch: a function of the evidence
"""

import dataclasses
import math
import operator
import re

import pandas as pd

from harness.claims.measures import Derived, Missing, constant, over_seeds


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A rule's outcome: the status, our numbers, and the rule in words."""

    status: str
    ours: str
    rule: str


def band(margin, spread):
    """The status of a margin past a threshold (positive: the claim's way),
    against the spread of the numbers behind it."""
    if margin > spread:
        return "reproduced"
    if margin < -spread:
        return "not reproduced"
    return "partly"


def spread_words(measures, floor=0.0):
    """How the spread of a comparison was formed, in words."""
    over = list(dict.fromkeys(m.spread_of for m in measures
                              if not math.isnan(m.sd) and m.spread_of))
    if not over:
        words = "no spread is known"
    elif len([m for m in measures if not math.isnan(m.sd)]) > 1:
        words = f"the sum of their sds over {' and '.join(over)}"
    else:
        words = f"its sd over {' and '.join(over)}"
    return words + (f", at least {floor:g}" if floor else "")


def shown(ref, measure):
    """`label value ± sd` for a measure, or nothing for a stated constant."""
    if ref.stated:
        return ""
    return f"{ref.label} {measure.text(ref.fmt)}"


class Rule:
    """A rule: `decide(evidence)` gives a `Verdict`."""

    def decide(self, evidence):
        raise NotImplementedError


class Above(Rule):
    """`a` above `b` (a measure or a number) by more than the spread.

    The spread is the sum of both sds (NaN counts 0), and at least `floor`:
    the smallest difference the claim's measure can show (one test digit,
    say), which alone decides where one seed ran.
    """

    relation, sign = "above", 1.0

    def __init__(self, a, b, floor=0.0):
        self.a, self.b, self.floor = constant(a), constant(b), floor

    def decide(self, evidence):
        a, b = evidence.measure(self.a), evidence.measure(self.b)
        difference = a.value - b.value
        spread = max(a.spread + b.spread, self.floor)
        fmt = self.a.fmt
        return Verdict(
            band(self.sign * difference, spread),
            ", ".join(p for p in (shown(self.a, a), shown(self.b, b)) if p),
            f"Rule: {self.a.label} {self.relation} {self.b.label} by more than "
            f"the spread ({spread_words([a, b], self.floor)}); partly within it. "
            f"Difference {difference:+{fmt}}, spread {spread:{fmt}}.")


class Below(Above):
    """`a` below `b` by more than the spread (see `Above`)."""

    relation, sign = "below", -1.0


class Near(Rule):
    """`measure` within `tolerance` of the article's `target`, beyond its
    spread; partly within twice the tolerance (the spread allowed for);
    `relative` tolerances are fractions of the target."""

    def __init__(self, measure, target, tolerance, relative=False,
                 target_label="the article's"):
        self.measure, self.target = measure, float(target)
        self.tolerance, self.relative = tolerance, relative
        self.target_label = target_label

    def decide(self, evidence):
        m = evidence.measure(self.measure)
        scale = abs(self.target) if self.relative else 1.0
        distance, spread = abs(m.value - self.target) / scale, m.spread / scale
        tolerance = self.tolerance
        if distance + spread <= tolerance:
            status = "reproduced"
        elif distance - spread > 2 * tolerance:
            status = "not reproduced"
        else:
            status = "partly"
        unit = " (relative)" if self.relative else ""
        return Verdict(
            status, m.text(self.measure.fmt),
            f"Rule: {self.measure.label} within {tolerance:g}{unit} of "
            f"{self.target_label} {self.target:g}, spread included; partly within "
            f"{2 * tolerance:g}. Ours is {distance:.3g}{unit} away, spread "
            f"{spread:.3g}.")


class Within(Rule):
    """`measure` inside `[low, high]` by more than its spread."""

    def __init__(self, measure, low, high):
        self.measure, self.low, self.high = measure, low, high

    def decide(self, evidence):
        m = evidence.measure(self.measure)
        margin = min(m.value - self.low, self.high - m.value)
        return Verdict(
            band(margin, m.spread), m.text(self.measure.fmt),
            f"Rule: {self.measure.label} from {self.low:g} to {self.high:g}, "
            f"by more than its spread; partly at an edge within it. Margin "
            f"{margin:+.3g}, spread {m.spread:.3g}.")


def Ratio(a, b, low, high, label=None):  # noqa: N802 (a rule kind, by name)
    """`a / b` inside `[low, high]` (`Within` of the ratio)."""
    ratio = Derived(label or f"{a.label} / {b.label}", operator.truediv, a, b,
                    fmt=".3g")
    return Within(ratio, low, high)


class Paired(Rule):
    """Arms trained on the same seeds, decided on their per-seed
    differences: `a - b` (for `relation="below"`, `b - a`) has a mean above
    its sd over the seeds (and `floor`); partly within it."""

    def __init__(self, a, b, relation="above", floor=0.0):
        self.a, self.b, self.floor = a, b, floor
        self.relation, self.sign = relation, (1.0 if relation == "above" else -1.0)

    def decide(self, evidence):
        # The measure decided on is the per-seed difference: it, not each
        # arm, is what moves with noise (arms on one seed move together).
        a = evidence.measure(self.a, jitter=False)
        b = evidence.measure(self.b, jitter=False)
        per_a, per_b = dict(a.per_seed), dict(b.per_seed)
        seeds = [seed for seed in per_a if seed in per_b]
        if not seeds:
            raise Missing(f"the seeds {self.a.label} and {self.b.label} share")
        difference = evidence.jittered(
            f"{self.a.label} - {self.b.label}",
            over_seeds([self.sign * (per_a[s] - per_b[s]) for s in seeds], seeds))
        differences = [d for _, d in difference.per_seed]
        mean, sd = difference.value, difference.spread
        spread = max(sd, self.floor)
        ahead = sum(d > 0 for d in differences)
        fmt = self.a.fmt
        return Verdict(
            band(mean, spread),
            f"{self.a.label} {a.text(fmt)}, {self.b.label} {b.text(fmt)}; "
            f"{self.relation} on {ahead} of {len(seeds)} seeds",
            f"Rule: {self.a.label} {self.relation} {self.b.label}, seed by seed "
            f"(the same {len(seeds)} seeds): the mean per-seed difference "
            f"beyond its sd{f', at least {self.floor:g}' if self.floor else ''}"
            f"; partly within it. Mean difference {mean:+{fmt}}, sd {sd:{fmt}}.")


def combine(statuses):
    """All of a set: reproduced when every member is; not tested when none
    is measured; not reproduced when every member measured is contradicted;
    partly otherwise (some hold, or hold within the spread, or hold while
    others are not measured)."""
    statuses = list(statuses)
    for status in ("reproduced", "not tested"):
        if all(s == status for s in statuses):
            return status
    if all(s in ("not reproduced", "not tested") for s in statuses):
        return "not reproduced"
    return "partly"


class Trend(Rule):
    """`value(evidence, x)` rises (falls, `rises=False`) with `x`, over the
    distinct values of a table's `column` (the rows matching `where`): a
    sweep of a setting.

    Decided on Spearman's rank correlation of the values with the setting,
    signed the claim's way: reproduced at least `strength`, partly above 0,
    not reproduced at 0 or below; `Missing` on fewer than `least` values.
    """

    def __init__(self, what, table, column, value, rises=True, where=None,
                 symbol=None, strength=0.9, least=3):
        self.what, self.table, self.column, self.value = what, table, column, value
        self.rises, self.where, self.strength, self.least = rises, where, strength, least
        self.symbol = symbol or column

    def decide(self, evidence):
        settings = sorted(evidence.distinct(self.table, self.column, self.where))
        if len(settings) < self.least:
            among = "".join(f", {k} = {v}" for k, v in (self.where or {}).items())
            raise Missing(f"{self.table}.csv: {self.least} values of {self.column} "
                          f"or more{among}, found {len(settings)}")
        values = [float(self.value(evidence, x)) for x in settings]
        if any(math.isnan(v) for v in values):
            raise Missing(f"{self.table}.csv: {self.what} at every {self.column}")
        rho = _rank_correlation(settings, values) * (1 if self.rises else -1)
        status = ("reproduced" if rho >= self.strength else "partly" if rho > 0
                  else "not reproduced")
        return Verdict(
            status, ", ".join(f"{x:g}: {v:.3g}" for x, v in zip(settings, values)),
            f"Rule: {self.what} {'rises' if self.rises else 'falls'} with "
            f"{self.symbol}: Spearman's rank correlation, signed the claim's way, "
            f"at least {self.strength:g}; partly above 0. Ours {rho:+.2f}.")


def _rank_correlation(xs, ys):
    """Spearman's rank correlation (average ranks for ties); 0 where either
    side is constant (no trend to see)."""
    rho = pd.Series(xs).rank().corr(pd.Series(ys).rank())
    return 0.0 if math.isnan(rho) else float(rho)


class AllOf(Rule):
    """Every member rule holds (`{label: rule}`); partly when some do or
    hold within the spread, not reproduced when every one is contradicted."""

    def __init__(self, members, what="each"):
        self.members, self.what = dict(members), what

    def decide(self, evidence):
        verdicts = {label: rule.decide(evidence) for label, rule in self.members.items()}
        return self.summary(verdicts, self.members.values())

    def summary(self, verdicts, members):
        status = combine([v.status for v in verdicts.values()])
        groups = {s: [label for label, v in verdicts.items() if v.status == s]
                  for s in ("reproduced", "partly", "not reproduced", "not tested")}
        decided = [v for v in verdicts.values() if v.status != "not tested"]
        sentences = list(dict.fromkeys(
            _rule_sentence(v.rule) for v in decided or verdicts.values()))
        # Members that differ only in what they name (a bracketed label)
        # share one sentence.
        alike = len({re.sub(r"\s*\[[^\]]*\]", "", s) for s in sentences}) == 1
        rules = (sentences[:1] + ["likewise for each"] if alike and len(decided) > 1
                 else sentences)
        said = (f"Holds: {', '.join(groups['reproduced']) or 'none'}; within the "
                f"spread: {', '.join(groups['partly']) or 'none'}; contradicted: "
                f"{', '.join(groups['not reproduced']) or 'none'}")
        if groups["not tested"]:
            said += f"; not measured: {', '.join(groups['not tested'])}"
        return Verdict(
            status, "; ".join(f"{label}: {v.ours}" for label, v in verdicts.items()
                              if v.ours),
            f"Rule, for {self.what} of {', '.join(verdicts)}: "
            f"{'; '.join(rules)}; partly when some hold. {said}.")


def _rule_sentence(text):
    """A member's rule, without its numbers: its first sentence (a gate's,
    the sentence of the rule it lets through)."""
    text = re.sub(r"^Not tested: ", "", text)
    return text.removeprefix("Rule: ").split(". ")[0].rstrip(".")


class Highest(AllOf):
    """`arm` above each of `others` (`{label: ref}`), beyond the spread."""

    def __init__(self, arm, others, floor=0.0):
        super().__init__({label: Above(arm, ref, floor) for label, ref in others.items()},
                         "each other arm")


class Lowest(AllOf):
    """`arm` below each of `others` (`{label: ref}`), beyond the spread."""

    def __init__(self, arm, others, floor=0.0):
        super().__init__({label: Below(arm, ref, floor) for label, ref in others.items()},
                         "each other arm")


class Each(AllOf):
    """`make(value)` holds for each value of a table's column (the values
    the run has: the lambdas of a grid, say)."""

    def __init__(self, table, column, make, what=None, **where):
        super().__init__({}, what or f"each {column}")
        self.table, self.column, self.make, self.where = table, column, make, where

    def decide(self, evidence):
        values = evidence.distinct(self.table, self.column, self.where)
        members = {f"{self.column} {value:g}" if isinstance(value, float)
                   else str(value): self.make(value) for value in values}
        verdicts = {label: rule.decide(evidence) for label, rule in members.items()}
        return self.summary(verdicts, members.values())


class Unmeasured(Rule):
    """A part of a claim that nothing here measures (a member of `AllOf`,
    which is then at most partly)."""

    def __init__(self, what):
        self.what = what

    def decide(self, evidence):
        return Verdict("not tested", "", f"Rule: {self.what} is not measured here.")


class Gate(Rule):
    """`rule`, only where `condition` holds (the setting can show the
    claim); else `not tested`, saying what the setting lacks."""

    def __init__(self, condition, rule, needs):
        self.condition, self.rule, self.needs = condition, rule, needs

    def decide(self, evidence):
        gate = self.condition.decide(evidence)
        if gate.status != "reproduced":
            return Verdict("not tested", gate.ours,
                           f"Not tested: {self.needs}, and here it does not "
                           f"hold ({gate.rule.removeprefix('Rule: ')})")
        verdict = self.rule.decide(evidence)
        return dataclasses.replace(
            verdict, rule=f"{verdict.rule} Gate: {self.needs} ({gate.ours}).")


class Bespoke(Rule):
    """The escape hatch: `function(evidence) -> Verdict`, for a claim no
    other kind states. It reads measures through the evidence like any rule,
    and writes its rule text from its own numbers."""

    def __init__(self, function):
        self.function = function

    def decide(self, evidence):
        return self.function(evidence)
