"""The claims ledger: every claim of an article, with a status that follows
from the committed numbers.

A script declares its ledger as a function `claims(tables)` of the tables it
wrote: `tables` maps each CSV file of its results folder (without `.csv`) to
a DataFrame, as read back from disk. `write_results` calls it on the files
it has just written and writes `claims.csv`; a test calls it on the
committed files and compares. A status is therefore never typed by hand:
it is decided by a rule on the numbers, and the same numbers give the same
ledger.

Statuses:
    reproduced      our numbers show what the article says, by the stated rule
    partly          part of the claim holds, or it holds only in the article's
                    own (stated) way of measuring
    not reproduced  our numbers contradict it, by the stated rule
    not tested      nothing here can decide it; `why` says why
"""

import math
from dataclasses import astuple, dataclass, fields

import pandas as pd

STATUSES = ("reproduced", "partly", "not reproduced", "not tested")
# The order of the report: what failed first, so that it cannot be missed.
REPORT_ORDER = ("not reproduced", "partly", "reproduced", "not tested")


@dataclass(frozen=True)
class Claim:
    """One row of `claims.csv`.

    Args:
        article: the article's number, "000" to "004".
        claim: the article's statement, short, in our words.
        status: one of `STATUSES`, decided by a rule (see `decide`).
        ours: the measured value or values, formatted.
        article_value: the article's value, where it gives one.
        evidence: the committed file and column, or figure, it rests on.
        why: for any status but `reproduced`, the reason (and the rule, for
            a decided claim); may also state the rule of a reproduced one.
    """

    article: str
    claim: str
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
        if self.status != "reproduced" and not self.why:
            raise ValueError(f"A claim that is {self.status} says why: "
                             f"{self.claim!r}")


def decide(holds, partly=False):
    """The status of a claim tested by a rule: `reproduced` when `holds`,
    `partly` when only `partly` holds, else `not reproduced`."""
    if holds:
        return "reproduced"
    return "partly" if partly else "not reproduced"


def not_tested(article, claim, why, article_value="", evidence=""):
    """A claim nothing here can decide."""
    return Claim(article, claim, "not tested", "", article_value, evidence, why)


def beyond_spread(mean_a, sd_a, mean_b, sd_b):
    """Whether `mean_a` exceeds `mean_b` by more than the spread of both:
    `mean_a - mean_b > sd_a + sd_b` (sds over seeds; a missing sd counts as
    0). The rule every noisy comparison of the ledgers uses."""
    sd_a = 0.0 if sd_a is None or math.isnan(sd_a) else sd_a
    sd_b = 0.0 if sd_b is None or math.isnan(sd_b) else sd_b
    return mean_a - mean_b > sd_a + sd_b


def mean_sd(value, sd, digits=4):
    """`0.9213 ± 0.0001`, or the value alone when there is no sd."""
    if sd is None or math.isnan(sd):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ± {sd:.{digits}f}"


def ledger_frame(claims):
    """The ledger as the DataFrame written to `claims.csv`."""
    columns = [field.name for field in fields(Claim)]
    return pd.DataFrame([astuple(claim) for claim in claims], columns=columns,
                        dtype=str)


def read_ledger(path):
    """`claims.csv` as written (every cell a string, empty cells "")."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def status_counts(frame):
    """`{status: count}` of a ledger frame, every status present."""
    return {status: int((frame["status"] == status).sum()) for status in STATUSES}


def counts_line(counts):
    return ", ".join(f"{counts[status]} {status}" for status in STATUSES)


def render_ledger(claims):
    """The Markdown of a ledger: the count per status first, then every
    claim grouped by status, failures first."""
    frame = ledger_frame(claims)
    lines = [f"### Claims: {counts_line(status_counts(frame))}", "",
             "Each status is decided from the numbers above by the rule in its "
             "line, and written to `claims.csv`; a test re-derives it from the "
             "committed files.", ""]
    for status in REPORT_ORDER:
        rows = [claim for claim in claims if claim.status == status]
        if not rows:
            continue
        lines += [f"**{status.capitalize()}** ({len(rows)})", ""]
        for claim in rows:
            parts = [f"- [{claim.article}] {claim.claim}."]
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
