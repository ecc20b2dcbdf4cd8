"""Why a claim of the CS231n notes' reproduction (article 002) failed, read
from the tables of its own experiments: each an `explain` function
`(evidence, verdict) -> text` (`harness.claims.declare.Declared`) that
cites the table and columns whose numbers it gives, and says nothing of a
reproduced row."""

UNTUNED, NO_DROPOUT, RATE_ARM = "p=0.5, lr", "p=1, lr", "p=0.5, lr*p"  # dropout_tuning arms


def undertrained(floor, *more):
    """Dropout at the fixed settings against dropout tuned on validation,
    each run until its validation accuracy stops improving
    (dropout_tuning.csv); `floor`: the least gain that counts; `more`:
    explanations said after it."""
    def why(evidence, verdict):
        if verdict.status == "reproduced":
            return ""
        after = " ".join(text for text in (m(evidence, verdict) for m in more) if text)
        t = evidence.frame("dropout_tuning", "arm", "train_accuracy_at_steps",
                           "best_step", "steps_run", "test_accuracy", "chosen")
        fixed, none = (t.set_index("arm").loc[arm] for arm in (UNTUNED, NO_DROPOUT))
        pick = t[t["chosen"].astype(bool)].iloc[0]
        wins = pick.test_accuracy > none.test_accuracy + floor
        return ("dropout_tuning.csv: at p = 0.5 and the fixed steps dropout is "
                "undertrained (train_accuracy_at_steps "
                f"{fixed.train_accuracy_at_steps:.4f}, {none.train_accuracy_at_steps:.4f} "
                "without dropout); trained until its validation accuracy stops "
                f"improving its best_step is {fixed.best_step:.0f} of steps_run "
                f"{fixed.steps_run:.0f}. Tuned on validation ({pick.arm}), dropout's "
                f"test_accuracy is {pick.test_accuracy:.4f} against "
                f"{none.test_accuracy:.4f} without dropout trained alike: " + (
                    "training to the validation plateau makes dropout win." if wins
                    else "even tuned, dropout does not win here.") + (
                        f" {after}" if after else ""))
    return why


def learning_rate_gap(floor):
    """Whether inverted dropout at lr * p, after the fixed steps
    (dropout_tuning.csv), closes its gap to vanilla dropout at lr
    (dropout.csv)."""
    def why(evidence, verdict):
        if verdict.status == "reproduced":
            return ""
        tuned = evidence.frame("dropout_tuning", "test_accuracy_at_steps", arm=RATE_ARM)
        dropped = evidence.frame("dropout", "test_accuracy", dropout="vanilla")
        at_rate = float(tuned["test_accuracy_at_steps"].iloc[0])
        vanilla = float(dropped["test_accuracy"].iloc[0])
        gap = at_rate - vanilla
        return ("Inverted dropout's activations (so the next layer's gradients) are "
                "1/p times vanilla's: at lr * p (dropout_tuning.csv: "
                f"test_accuracy_at_steps [{RATE_ARM}]) it reaches {at_rate:.4f} against "
                f"vanilla's {vanilla:.4f} at lr (dropout.csv: test_accuracy), " + (
                    "within the floor: the learning rate explains the difference."
                    if abs(gap) <= floor else f"{gap:+.4f} apart: the learning rate "
                    "does not explain the whole difference."))
    return why


def bound_held(evidence, verdict):
    """Where max norm's bound holds units, and the accuracy there
    (max_norm_sweep.csv), against the unconstrained network (table.csv)."""
    if verdict.status == "reproduced":
        return ""
    t = evidence.frame("max_norm_sweep", "c", "max_unit_norm", "bound_fraction",
                       "test_accuracy").set_index("c")
    none = float(evidence.frame("table", "test_accuracy", variant="none")
                 ["test_accuracy"].iloc[0])
    held = [f"c {c:g}: largest unit norm {r.max_unit_norm:.3g}, {r.bound_fraction:.0%} "
            f"of units at c, test {r.test_accuracy:.4f}" for c, r in t.iterrows()]
    return ("max_norm_sweep.csv (max_unit_norm, bound_fraction, test_accuracy) "
            f"against {none:.4f} without (table.csv): " + "; ".join(held) + ".")


def slower_fit(evidence, verdict):
    """Input dropout's training accuracy against hidden-only dropout's
    (further_arms.csv, table.csv): more noise, a slower fit at fixed steps."""
    if verdict.status == "reproduced":
        return ""
    both = float(evidence.frame("further_arms", "train_accuracy", arm="input_dropout")
                 ["train_accuracy"].iloc[0])
    hidden = float(evidence.frame("table", "train_accuracy", variant="dropout")
                   ["train_accuracy"].iloc[0])
    return (f"With the input dropped too the network fits less in the same steps: "
            f"train_accuracy {both:.4f} (further_arms.csv) against {hidden:.4f} with "
            "the hidden layers' dropout alone (table.csv); dropout_tuning.csv shows "
            "how far dropout at fixed steps is from trained.")
