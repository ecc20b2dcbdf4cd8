"""Rules on early-stopped runs (`harness.analysis.early_stopping_runs`'s
table, `early_stopping.csv`): a check on every seed's curve as written, and
the explanation of the test error's turn by the test loss's."""

from harness.analysis.early_stopping_runs import check_runs
from harness.claims.measures import Missing
from harness.claims.rules import Bespoke, Verdict, combine


def every_run(check, rule, *columns, table="early_stopping"):
    """A rule: `check(run, chosen)` on each seed's curve as written (not a
    noisy measure); reproduced on every seed, partly on some."""
    def decide(evidence):
        checked = check_runs(evidence.frame(table, "epoch", "chosen", *columns), check)
        if checked is None:
            raise Missing(f"{table}.csv: one chosen epoch per seed")
        return Verdict(combine("reproduced" if holds else "not reproduced"
                               for _, holds, _ in checked),
                       "; ".join(f"seed {seed}: {words}" for seed, _, words in checked),
                       f"Rule: on every seed, {rule}; partly on some seeds.")
    return Bespoke(decide)


def after_the_turn(at_chosen, at_end, loss_turns, rise):
    """An explanation: seed by seed, the chosen epoch's test accuracy
    (`at_chosen`) against the final one (`at_end`); unless reproduced, what
    the test loss did over the same epochs (`loss_turns`, a rule whose
    floor is `rise`)."""
    def explain(evidence, verdict):
        chosen, end = (dict(evidence.measure(ref).per_seed) for ref in (at_chosen, at_end))
        said = ("Seed by seed, chosen minus final: " + ", ".join(
            f"seed {seed} {chosen[seed] - end[seed]:+.4f}" for seed in chosen
            if seed in end) + " (two epochs of one run: compared over the seeds, "
            "both sds summed).")
        if verdict.status == "reproduced":
            return said
        try:
            loss = loss_turns.decide(evidence)
        except Missing:
            return said + " The test loss is not recorded in these results."
        return (f"{said} The test loss over the same epochs (early_stopping.csv: "
                f"test_loss): {loss.ours}; {loss.status} as a rise beyond {rise:g}"
                + (": the loss gets worse after the chosen epoch while the error does "
                   "not; the article's turn is the loss's (what the validation set "
                   "watches), not the error's." if loss.status == "reproduced" else
                   ": the test loss does not clearly turn either within these epochs."))
    return explain
