"""Explanations of dense-sparse-dense's rows, read from its tables: the
zeros re-densing leaves (`dsd_zeros.csv`) and DSD's gain against plain
training with the same learning-rate drop (`dsd.csv`, variant `lr_drop`)."""

from harness.analysis.zero_census import describe_census
from harness.claims.measures import Missing
from harness.claims.rules import Paired


def dead_units(evidence, verdict):
    """The census: are the zeros left the weights of dead units?"""
    try:
        return describe_census(evidence.frame(
            "dsd_zeros", "variant", "layer", "zeros", "zeros_of_dead_units",
            "outputs", "dead_outputs"))
    except Missing:
        return "Why some stay zero is not measured in these results."


def against_the_control(finals, floor):
    """An explanation: what the control (`finals["lr_drop"]`, plain
    training with re-dense's learning-rate drop) says of DSD's gain over
    plain training, seed by seed (`finals`: `{arm: final test accuracy}`)."""
    def explain(evidence, verdict):
        try:
            drop, control = (Paired(finals[a], finals[b], floor=floor).decide(evidence)
                             for a, b in (("lr_drop", "plain"), ("dsd", "lr_drop")))
        except Missing:
            return ("A control is missing from these results: no plain run with "
                    "re-dense's learning-rate drop (dsd.csv: variant lr_drop).")
        return (f"The control, plain training with re-dense's learning-rate drop "
                f"(dsd.csv: test, variant lr_drop): the drop alone gives {drop.ours} "
                f"({drop.status} as a gain over plain); DSD against it: {control.ours} "
                f"({control.status}). Han et al. trained far longer, on larger models.")
    return explain
