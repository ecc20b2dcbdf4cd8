"""A script's claims, declared beside the section that measures them, and
the ledger derived from them.

    ACCURACY = [
        Declared("No regularization has the best test accuracy",
                 Highest(accuracy("none"), {v: accuracy(v) for v in OTHERS}),
                 kind="behaviour", figures=["test_accuracy.png"]),
        NotTested("Dropout will smooth multilayer networks as it does here",
                  "The article's conjecture about larger models; ..."),
    ]

    def claims(tables, jitter=None):
        return derive("000", ACCURACY + ..., tables, jitter)

`derive` decides each declaration's rule on the tables, cites what the rule
read, and turns a measure the run lacks into `not tested` naming it: any
valid run, however short, derives a ledger.
"""

import dataclasses
from collections.abc import Callable, Mapping

from harness.claims.evidence import Evidence, noise
from harness.claims.ledger import KINDS, Claim
from harness.claims.measures import Missing
from harness.claims.rules import Rule, Verdict


@dataclasses.dataclass(frozen=True)
class Declared:
    """A claim and the rule that decides it.

    Args:
        claim: the article's statement, in our words (the ledger looks rows
            up by it: keep it word for word).
        rule: a rule of `harness.claims.rules`.
        kind: `"number"` (a value the article printed), `"behaviour"` or
            `"implementation"` (an identity of the code).
        article_value: the article's value, where it gives one.
        figures: the figure files that show it, cited after the tables.
        shows: more measures shown in `ours`, `{label: ref}`.
        explain: what explains the outcome: a text, or a function
            `(evidence, verdict) -> text` that reads its own measures (and
            so cites them) and may test a reason.
    """

    claim: str
    rule: Rule
    kind: str = "behaviour"
    article_value: str = ""
    figures: tuple = ()
    shows: Mapping = dataclasses.field(default_factory=dict)
    explain: str | Callable = ""

    def __post_init__(self):
        _check_kind(self.kind, self.claim)

    def decide(self, evidence):
        verdict = self.rule.decide(evidence)
        ours = [verdict.ours] + [f"{label} {evidence.measure(ref).text(ref.fmt)}"
                                 for label, ref in self.shows.items()]
        why = verdict.rule
        try:
            extra = (self.explain(evidence, verdict) if callable(self.explain)
                     else self.explain)
        except Missing as missing:  # the verdict stands; its reason is untold
            extra = f"(Its explanation needs {missing}, which the results lack.)"
        if extra:
            why = f"{why} {extra}"
        return Verdict(verdict.status, "; ".join(p for p in ours if p), why.strip())


@dataclasses.dataclass(frozen=True)
class NotTested:
    """A claim nothing here can decide, and why (a text, or a function of
    the evidence that reads what the run has)."""

    claim: str
    why: str | Callable
    kind: str = "behaviour"
    article_value: str = ""
    figures: tuple = ()

    def __post_init__(self):
        _check_kind(self.kind, self.claim)

    def decide(self, evidence):
        why = self.why(evidence) if callable(self.why) else self.why
        return Verdict("not tested", "", why)


def _check_kind(kind, claim):
    if kind not in KINDS:
        raise ValueError(f"Invalid value received for argument `kind` of "
                         f"{claim!r}: expected one of {', '.join(KINDS)}. "
                         f"Received: kind={kind!r}")


# A verdict is borderline where moving each measure it reads by up to
# NOISE_FRACTION of its own spread (the noise another CPU's rounding puts on
# a trained result) gives another status in one of BORDERLINE_DRAWS draws.
# No threshold is safe from that at its edge; the ledger says so in the row.
NOISE_FRACTION = 0.5
BORDERLINE_DRAWS = 16


def derive(article, declarations, tables, jitter=None):
    """The ledger of `declarations` on `tables` (`{name: DataFrame}` of a
    results folder): a `Claim` per declaration, in order. A measure the
    tables lack makes that claim `not tested`, naming it. `jitter` (for
    the ledger tests) moves every measure read (`Evidence`). Without a
    `jitter`, a decided claim whose status noise can move says so, naming
    the other status (`borderline_note`)."""
    texts = [d.claim for d in declarations]
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    if repeated:
        raise ValueError(f"Claims declared twice: {repeated}")
    ledger, rows = [], {}
    for declared in declarations:
        evidence = Evidence(tables, jitter, rows)
        verdict = _decide(declared, evidence)
        if jitter is None and verdict.status != "not tested":
            note = borderline_note(declared, tables, rows, verdict.status)
            if note:
                verdict = dataclasses.replace(verdict, rule=f"{verdict.rule} {note}")
        ledger.append(Claim(article, declared.claim, declared.kind, verdict.status,
                            verdict.ours, declared.article_value,
                            evidence.cited(declared.figures), verdict.rule))
    return ledger


def _decide(declared, evidence):
    try:
        return declared.decide(evidence)
    except Missing as missing:
        return Verdict("not tested", "", f"Not run here: the results lack {missing}.")


def borderline_note(declared, tables, rows, status):
    """The sentence a borderline verdict carries: the other statuses its
    claim takes with each measure moved by up to `NOISE_FRACTION` of its
    spread (`BORDERLINE_DRAWS` draws of `evidence.noise`); empty if none."""
    others = sorted({_decide(declared, Evidence(tables, noise(
        draw, NOISE_FRACTION, stream="borderline"), rows)).status
        for draw in range(BORDERLINE_DRAWS)} - {status})
    if not others:
        return ""
    return (f"Borderline: with each measure moved by up to {NOISE_FRACTION:g} of "
            f"its spread ({BORDERLINE_DRAWS} draws), it is also {' or '.join(others)}; "
            "another machine's float rounding may give that status.")
