"""Goodfellow's definition of regularization as a rule: a regularized arm
lowers the test error and does not lower the training error, against the
unregularized arm of the same seeds."""

import operator

from harness.claims.measures import Derived, Final
from harness.claims.rules import AllOf, Below, Paired


def lowers_test_error_only(table, arm, plain, floor):
    """A rule on `table`'s `train` and `test` curves (final values, the
    last fifth of points): `arm`'s test accuracy above `plain`'s seed by
    seed (at least `floor`), and its training accuracy gained below
    `floor`."""
    def final(column, variant):
        return Final(table, column, f"final {column} accuracy [{variant}]", ".4f",
                     variant=variant)
    return AllOf({
        "test error lowered": Paired(final("test", arm), final("test", plain), floor=floor),
        "training error not lowered": Below(Derived(
            f"training accuracy gained [{arm} - {plain}]", operator.sub,
            final("train", arm), final("train", plain), fmt=".4f"), floor)})
