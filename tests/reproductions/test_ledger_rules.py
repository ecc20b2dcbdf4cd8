"""Every committed ledger's rules, shown able to fail and stable under noise.

For each script, the ledger is derived again from perturbed copies of its
committed tables (`ledger_perturbations`):

- no derivation raises, whatever the perturbation (a run that lacks a
  table or a column gets `not tested`, naming it);
- every decided `number` and `behaviour` claim takes another decided status
  under some perturbation that contradicts it: a rule that cannot fail is a
  defect;
- no status moves when every measure moves by less than its own spread
  (half of it, either way, 20 draws), but where the ledger says the
  verdict is borderline and names that other status: no threshold is safe
  at its edge, so a verdict noise can flip (as one CPU's rounding against
  another's) must say so in its row.
"""

import contextlib
import importlib
import pathlib
import re

import pytest

from harness.articles import script_names
from harness.claims import declare
from harness.results.tables import read_tables
from tests.reproductions import ledger_perturbations as perturb

# Hundreds of derivations a script: `pytest -m slow`, a CI step of its own.
pytestmark = pytest.mark.slow

RESULTS = pathlib.Path(__file__).resolve().parents[2] / "results"
DRAWS = 20


def statuses(ledger):
    return {claim.claim: claim.status for claim in ledger}


@pytest.fixture(scope="module", params=script_names())
def committed(request):
    module = importlib.import_module(request.param)
    tables = read_tables(RESULTS / request.param)
    return module, tables, module.claims(tables)


@pytest.fixture(scope="module")
def perturbed(committed):
    """Each perturbation's derivation, once for the tests below: `(how,
    contradicts, statuses or the exception raised)`."""
    module, tables, _ = committed
    derived = []
    with no_borderline_check():  # statuses only: hundreds of derivations
        for contradicts, perturbations in ((True, perturb.contradicting(tables)),
                                           (False, perturb.lacking(tables))):
            for how, tables_ in perturbations:
                try:
                    outcome = statuses(module.claims(tables_))
                except Exception as error:  # noqa: BLE001 (every one is reported)
                    outcome = error
                derived.append((how, contradicts, outcome))
    return derived


def borderline_statuses(why):
    """The other statuses a row's borderline sentence names (none: empty)."""
    found = re.search(r"Borderline: .*?, it is also (.+?); ", why)
    return set(found.group(1).split(" or ")) if found else set()


@contextlib.contextmanager
def no_borderline_check():
    saved, declare.BORDERLINE_DRAWS = declare.BORDERLINE_DRAWS, 0
    try:
        yield
    finally:
        declare.BORDERLINE_DRAWS = saved


def test_no_perturbation_makes_a_derivation_raise(perturbed):
    raised = [f"{how}: {type(outcome).__name__}: {outcome}"
              for how, _, outcome in perturbed if isinstance(outcome, Exception)]
    assert not raised, "\n".join(raised[:20])


def test_every_decided_claim_can_fail(committed, perturbed):
    module, _, ledger = committed
    baseline = statuses(ledger)
    decided = {c.claim for c in ledger
               if c.status != "not tested" and c.kind in ("number", "behaviour")}
    moved = {claim for _, contradicts, outcome in perturbed
             if contradicts and not isinstance(outcome, Exception)
             for claim, status in outcome.items()
             if status != "not tested" and status != baseline[claim]}
    fixed = sorted(decided - moved)
    assert not fixed, f"{module.__name__}: no contradicting perturbation moves {fixed}"


# Known defect, left open (issue 26's closing note): two cs231n rows sit at
# their band's edge, and the tests' jitter stream flips them where the 16
# draws of `derive` did not, so their ledger rows say no "Borderline". Any
# other unsaid flip, in any script, still fails.
UNSAID_KNOWN = {"cs231n_regularization": {
    "Inverted dropout at learning rate lr * p trains as vanilla dropout at lr: its 1/p "
    "scaling in training acts as a larger learning rate",
    "Regularizing different layers by different amounts is uncommon (except perhaps "
    "the output layer)"}}


def test_noise_moves_only_what_the_ledger_calls_borderline(committed):
    module, tables, ledger = committed
    baseline = statuses(ledger)
    said = {c.claim: borderline_statuses(c.why) for c in ledger}
    flipped = {}
    for draw in range(DRAWS):
        for claim, status in statuses(module.claims(
                tables, jitter=perturb.jitter(draw))).items():
            if status != baseline[claim]:
                flipped.setdefault(claim, set()).add(status)
    unsaid = {claim: moved for claim, moved in flipped.items()
              if not moved <= said[claim]}
    if unsaid and set(unsaid) <= UNSAID_KNOWN.get(module.__name__, set()):
        pytest.xfail(f"known: {sorted(unsaid)} flip under the tests' jitter unsaid")
    assert not unsaid, "\n".join(f"{claim}: {baseline[claim]} -> {sorted(s)}"
                                 for claim, s in unsaid.items())
