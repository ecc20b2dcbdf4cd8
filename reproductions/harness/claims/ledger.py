"""The claims ledger: its row, statuses and kinds, and how it is written,
read and shown.

A script declares its claims (`harness.claims.declare`); `derive` decides
each one's status by its rule on the tables the script wrote, as read back
from disk. `write_results` writes the ledger to `claims.csv` and a test
derives it again from the committed files. A status is therefore never
typed by hand, and the same numbers give the same ledger.

Statuses, one meaning each for every rule kind (`harness.claims.rules`):
    reproduced      our numbers show what the article says, beyond their
                    spread (the sd over seeds) and by the stated rule
    partly          part of it holds: the direction or the value holds only
                    within the spread (our numbers neither establish nor
                    contradict it), a value lies within twice its tolerance,
                    or some but not all of a set hold
    not reproduced  our numbers contradict it beyond their spread
    not tested      nothing here can decide it: the run lacks what it needs
                    (named), the setting cannot show it (a gate), or the
                    claim is not a measurable statement; `why` says which

Kinds:
    number          a value the article printed
    behaviour       what a regularizer or method does
    implementation  an identity of the code (two dropout scalings agreeing),
                    true by construction when the code is right
"""

from dataclasses import astuple, dataclass, fields

import pandas as pd

STATUSES = ("reproduced", "partly", "not reproduced", "not tested")
KINDS = ("number", "behaviour", "implementation")
# The order of the report: what failed first, so that it cannot be missed.
REPORT_ORDER = ("not reproduced", "partly", "reproduced", "not tested")


@dataclass(frozen=True)
class Claim:
    """One row of `claims.csv`.

    Args:
        article: the article's number, "000" to "004".
        claim: the article's statement, short, in our words.
        kind: one of `KINDS`.
        status: one of `STATUSES`, decided by a rule.
        ours: the measured values, formatted by the rule.
        article_value: the article's value, where it gives one.
        evidence: the committed files and columns the rule read, and the
            figures that show them.
        why: the rule, in words written from its thresholds and numbers,
            and what explains the outcome; for `not tested`, the reason.
    """

    article: str
    claim: str
    kind: str
    status: str
    ours: str = ""
    article_value: str = ""
    evidence: str = ""
    why: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(
                f"Invalid value received for argument `status`: expected one "
                f"of {', '.join(STATUSES)}. Received: status={self.status!r}")
        if self.kind not in KINDS:
            raise ValueError(
                f"Invalid value received for argument `kind`: expected one "
                f"of {', '.join(KINDS)}. Received: kind={self.kind!r}")
        if self.status != "reproduced" and not self.why:
            raise ValueError(f"A claim that is {self.status} says why: "
                             f"{self.claim!r}")


def ledger_frame(claims):
    """The ledger as the DataFrame written to `claims.csv`."""
    columns = [field.name for field in fields(Claim)]
    return pd.DataFrame([astuple(claim) for claim in claims], columns=columns,
                        dtype=str)


def read_ledger(path):
    """`claims.csv` as written (every cell a string, empty cells "")."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def status_counts(frame, kind=None):
    """`{status: count}` of a ledger frame (of one kind, if given), every
    status present."""
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    return {status: int((frame["status"] == status).sum()) for status in STATUSES}


def counts_line(counts):
    return ", ".join(f"{counts[status]} {status}" for status in STATUSES)


def counts_by_kind(frame):
    """A Markdown table: one row per kind present, a column per status."""
    lines = ["| kind | " + " | ".join(STATUSES) + " |",
             "|---|" + "---:|" * len(STATUSES)]
    for kind in KINDS:
        if (frame["kind"] == kind).any():
            counts = status_counts(frame, kind)
            lines.append(f"| {kind} | "
                         + " | ".join(str(counts[s]) for s in STATUSES) + " |")
    return "\n".join(lines)


def render_ledger(claims):
    """The Markdown of a ledger: the count per status, then per kind, then
    every claim grouped by status, failures first."""
    frame = ledger_frame(claims)
    lines = [f"### Claims: {counts_line(status_counts(frame))}", "",
             counts_by_kind(frame), "",
             "Each status is decided from the numbers above by the rule in its "
             "line, and written to `claims.csv`; a test re-derives it from the "
             "committed files. _Partly_: the claim holds only within the "
             "spread of our numbers, within twice its tolerance, or for some "
             "of a set.", ""]
    for status in REPORT_ORDER:
        rows = [claim for claim in claims if claim.status == status]
        if not rows:
            continue
        lines += [f"**{status.capitalize()}** ({len(rows)})", ""]
        for claim in rows:
            parts = [f"- [{claim.article}, {claim.kind}] {claim.claim}."]
            if claim.ours:
                parts.append(f"Ours: {claim.ours}.")
            if claim.article_value:
                parts.append(f"Article: {claim.article_value}.")
            if claim.why:
                parts.append(claim.why)
            if claim.evidence:
                parts.append(f"_({claim.evidence})_")
            lines.append(" ".join(parts))
        lines.append("")
    return "\n".join(lines)
