"""CS231n notes, "Regularization": L2, L1, elastic net, max norm and dropout.

Reproduces the "Regularization" section of Stanford's CS231n notes, "Neural
Networks Part 2" (article 002; https://cs231n.github.io/neural-networks-2/#reg)
on the notes' "example 3-layer neural network" (784 -> 100 -> 100 -> 10,
ReLU) on MNIST, in the notes' order: each regularizer on the same seeds (and
further arms: noise inputs, input dropout, DropConnect, per-layer L2); max
norm at a learning rate 50 times too high, and swept over c; vanilla against
inverted dropout; dropout tuned on validation data; L2 on the biases too; one
global L2 strength chosen on validation data, alone and with dropout. A
declared rule decides each claim of the notes from the tables.

Outputs, in `results/cs231n_regularization/` (replaced atomically): a table
per section (.csv and .md) with its rows per run (`*_runs.csv`, or per step),
the figures, claims.csv, metadata.json and README.md.

Run:
    python reproductions/cs231n_regularization.py            # full setting
    python reproductions/cs231n_regularization.py --quick    # a short look
    python reproductions/cs231n_regularization.py --help

The notes give no data set or training settings. Ours: MNIST with the
training set cut to 2,000 digits (class-balanced; validation and test whole),
so that the network overfits without regularization as the notes assume; SGD
with momentum 0.9, learning rate 0.1, batch 64, 2,000 steps (64 epochs),
softmax cross-entropy (penalties added to it as the notes add them).
"""

import time

from harness.cli.arguments import (
    comma_list,
    comma_separated,
    finish,
    keep_probability,
    marked_label,
    non_negative_float,
    positive_float,
    positive_int,
    rate,
    script_parser,
    settle_data,
)
from harness.cli.settings import Setting
from harness.jobs import ONE_THREAD

SECTIONS = ("variants", "further_arms", "divergence", "max_norm_sweep", "dropout", "dropout_tuning",
            "biases", "l2_grid")
GRID = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--only", comma_list(SECTIONS), full=list(SECTIONS), dest="sections",
            help=f"the sections to run, a comma-separated subset of "
            f"{', '.join(SECTIONS)}"),
    Setting("--steps", positive_int, full=2000, quick=400, help="SGD steps a network"),
    Setting("--train-size", positive_int, full=2000,
            help="training digits: a class-balanced subset of the training "
            "set, small enough that the unregularized network overfits (the "
            "regularizers then have something to fix)"),
    Setting("--hidden", positive_int, full=100, help="units per hidden layer"),
    Setting("--batch-size", positive_int, full=64, help="examples per SGD step"),
    Setting("--learning-rate", positive_float, full=0.1, help="SGD learning rate"),
    Setting("--momentum", rate, full=0.9, help="SGD momentum"),
    Setting("--l2", non_negative_float, full=1e-3,
            help="lambda of L2, textbook convention 0.5 * lambda * w^2"),
    Setting("--l1", non_negative_float, full=1e-4, help="lambda of L1"),
    Setting("--max-norm", positive_float, full=3.0, help="the max-norm bound c"),
    Setting("--keep", keep_probability, full=0.5, help="dropout keep probability p"),
    Setting("--diverge-learning-rate", positive_float, full=5.0,
            help="the too-high learning rate of the max-norm test"),
    Setting("--diverge-steps", positive_int, full=300, quick=100,
            help="steps of the runs at the too-high learning rate"),
    Setting("--mc-samples", positive_int, full=1000, quick=300,
            help="dropout masks averaged"),
    Setting("--bias-strengths", comma_separated(non_negative_float),
            full=[1e-3, 1e-2], quick=[1e-2],
            help="L2 lambdas of the bias comparison"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds per network where accuracies are compared (their mean "
            "and sd); weights, figures and Monte Carlo checks are the first's"),
    Setting("--grid", comma_separated(non_negative_float), full=list(GRID),
            quick=[0.0, 1e-3, 1e-2], help="L2 lambdas tried on the validation set"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "cs231n_regularization", PARAMETERS, data=True)
    return finish(parser, parser.parse_args(argv))


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness.analysis.dropout_scaling import scaling_checks  # noqa: E402
from harness.analysis.norm_divergence import divergence_tables  # noqa: E402
from harness.analysis.over_seeds import seed_range, seed_statistics  # noqa: E402
from harness.analysis.regularization_notes_why import (  # noqa: E402
    NO_DROPOUT,
    RATE_ARM,
    bound_held,
    learning_rate_gap,
    slower_fit,
    undertrained,
)
from harness.claims.declare import Declared, NotTested, derive  # noqa: E402
from harness.claims.measures import Cell, Derived, SeedRows  # noqa: E402
from harness.claims.rules import Above, AllOf, Below, Each, Gate, Within  # noqa: E402
from harness.cli.run import run_script  # noqa: E402
from harness.cli.section_jobs import run_sections  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.subsets import cut_training_set  # noqa: E402
from harness.plotting.regularization_notes_figures import make_figures as notes_figures  # noqa: E402,E501
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training.notes_network import (  # noqa: E402
    ACCURACIES,
    FREE,
    SCALED,
    divergence_job,
    dropout_job,
    l2_spec,
    network_job,
    noise_job,
    over_seed_table,
    over_seeds,
    seed_rows,
    sweep_job,
    tuning_job,
    variant_job,
    variants_table,
)
from kreg.constraints.max_norm import MaxNorm  # noqa: E402
from kreg.layers import VanillaDropout  # noqa: E402
from kreg.regularizers import L1, L2, ElasticNet  # noqa: E402

# ===========================================================================
# The notes' "example 3-layer neural network", 784 -> hidden -> hidden -> 10.
# ===========================================================================
# Every network is a job (`harness.cli.section_jobs`, `harness.training.
# notes_network`), keys `(section, ..., seed)`. A small network steps at
# per-operation overhead: one thread a job, a worker a core. A job's cost (the
# longest first) is its training steps; a step at the too-high rate costs
# DIVERGE_STEP, a mask of the first seed's dropout checks MASK[kind]. Measured.
JOB_ENV = ONE_THREAD
DIVERGE_STEP, MASK = 6, {"inverted": 10, "vanilla": 18}


# ===========================================================================
# 1. "Controlling the capacity ... to prevent overfitting": each regularizer
#    of the notes on the same seeds (the experiment of sections 2 to 5).
# ===========================================================================
# Each variant's title, and what the notes say of it.
VARIANTS = {
    "none": ("No regularization", ""),
    "l2": ("L2", "diffuse, small weights; use all inputs a little"),
    "l1": ("L1", "sparse weight vectors (very close to exactly zero)"),
    "elastic_net": ("Elastic net", "lambda1 |w| + lambda2 w^2: L1 and L2 combined"),
    "max_norm": ("Max norm", "||w||_2 < c for every neuron, c ~ 3 or 4"),
    "dropout": ("Dropout (inverted)",
                "keep each unit with probability p = 0.5, scale at train time"),
    "dropout_max_norm": ("Dropout + max norm",
                         "dropout complements the other methods (max norm)"),
}


def variant_spec(name, args):
    """A variant's keyword arguments of `build_mlp`, and its setting in words."""
    max_norm = {"constraint": MaxNorm(args.max_norm)}
    return {
        "none": ({}, ""),
        "l2": ({"regularizer": L2(args.l2, convention="textbook")},
               f"lambda={args.l2:g}"),
        "l1": ({"regularizer": L1(args.l1)}, f"lambda={args.l1:g}"),
        "elastic_net": ({"regularizer": ElasticNet(args.l1, args.l2,
                                                   convention="textbook")},
                        f"lambda1={args.l1:g}, lambda2={args.l2:g}"),
        "max_norm": (max_norm, f"c={args.max_norm:g}"),
        "dropout": ({"dropout": "inverted"}, f"p={args.keep:g}"),
        "dropout_max_norm": ({"dropout": "inverted", **max_norm},
                             f"p={args.keep:g}, c={args.max_norm:g}"),
    }[name]


def run_variants(args):
    """Each variant on every seed; the first seed's weights kept for the table."""
    done = yield [job for name in VARIANTS
                  for job in over_seeds(args, ("variants", name), variant_job,
                                          variant_spec(name, args)[0])]
    return {name: {**done[("variants", name, args.seed)], "runs": seed_rows(
        done, ("variants", name), {"variant": name}, args)} for name in VARIANTS}


# Further arms the notes mention, on the same seeds: L1 and L2 with
# NOISE_INPUTS uniform-noise features appended to the pixels; inverted
# dropout on the input too (p = INPUT_KEEP, as Srivastava et al.'s input
# layer); DropConnect on the hidden layers; L2 on the hidden layers only.
NOISE_INPUTS, INPUT_KEEP = 100, 0.8
# "Nearly invariant": mean |w| on the noise inputs under INVARIANT x that on
# the pixels; "very few": biases under FEW_BIASES of the parameters.
INVARIANT, FEW_BIASES = 0.1, 0.01


def further_arms(args):
    """`{arm: (job function, its arguments after the seed, setting)}`."""
    l1, l2, noise = L1(args.l1), L2(args.l2, convention="textbook"), NOISE_INPUTS
    return {"l1_noise": (noise_job, ({"regularizer": l1}, noise), f"L1, {noise} noise inputs"),
            "l2_noise": (noise_job, ({"regularizer": l2}, noise), f"L2, {noise} noise inputs"),
            "input_dropout": (network_job, ({"dropout": "inverted", "input_keep": INPUT_KEEP},),
                              f"input p={INPUT_KEEP:g}, hidden p={args.keep:g}"),
            "dropconnect": (network_job, ({"dropconnect": True},), f"p={args.keep:g}"),
            "l2_hidden_only": (network_job, ({"layer_regularizers": {
                "hidden1": l2, "hidden2": l2}},), "L2 on hidden1, hidden2 only")}


def run_further_arms(args):
    arms = further_arms(args)
    done = yield [job for name, (function, arguments, _) in arms.items()
                  for job in over_seeds(args, ("further", name), function, *arguments)]
    columns = ACCURACIES + ("noise_weight_ratio",)
    return over_seed_table([row for name in arms for row in seed_rows(
        done, ("further", name), {"arm": name, "setting": arms[name][2]}, args, columns)],
        ["arm", "setting"], columns)


def arm(column, name, fmt=".4f"):
    return Cell("further_arms", column, f"{column} [{name}]", fmt, arm=name)


# Accuracies differ beyond the spread (both sds over seeds) and SIGNIFICANT, a
# floor against the small sds of a few seeds (alone deciding for one seed). That
# a regularizer helps is tested only where the unregularized network overfits.
SIGNIFICANT, OVERFIT_GAP = 0.005, 0.01


def measured(column, variant, fmt=".4f"):
    """table.csv: an accuracy's mean over seeds (its sd beside it), or a
    weight statistic of the first seed."""
    return Cell("table", column, f"{column} [{variant}]", fmt, variant=variant)


def when_overfitting(rule, gap=None):
    return Gate(Above(gap or measured("train_test_gap", "none"), OVERFIT_GAP),
                rule, "a setting where the unregularized network overfits "
                f"(train-test gap above {OVERFIT_GAP:g})")


def held_out(compare):
    """`compare(column)` on each held-out set: test and validation."""
    return AllOf({c: compare(c) for c in ("test_accuracy", "validation_accuracy")},
                 "each held-out set")


def better(a, b):  # `a` more accurate than `b` on both held-out sets
    return when_overfitting(held_out(
        lambda c: Above(measured(c, a), measured(c, b), SIGNIFICANT)))


def not_worse(a, b):
    """`a` above `b - SIGNIFICANT`: not worse by more than the floor."""
    return Above(a, Derived(f"{b.label} - {SIGNIFICANT:g}",
                            lambda value: value - SIGNIFICANT, b, fmt=b.fmt))


CAPACITY_CLAIMS = [
    Declared("Regularization controls capacity against overfitting: every "
             "regularizer shrinks the train-test gap",
             when_overfitting(AllOf({v: Below(measured("train_test_gap", v),
                                              measured("train_test_gap", "none"),
                                              SIGNIFICANT)
                                     for v in list(VARIANTS)[1:-1]},
                                    "each regularizer"))),
]


# ===========================================================================
# 2. L2: diffuse weight vectors, all inputs used a little, linear decay.
# ===========================================================================
DIFFUSE = 0.05  # "diffuse": fewer than this share of the weights within 1e-3 of 0
GRADIENT_TOLERANCE = 1e-6  # autodiff against lambda w, float32, relative

L2_CLAIMS = [
    Declared("L2 prefers diffuse weight vectors: its final weights are small, "
             "diffuse numbers, no unit's vector peaky",
             AllOf({"diffuse": Below(measured("near_zero_fraction", "l2"), DIFFUSE),
                    "small": Below(measured("mean_abs", "l2"),
                                   measured("mean_abs", "none")),
                    "no peaky unit": Below(measured("max_unit_norm", "l2", ".3g"),
                                           measured("max_unit_norm", "none"))}),
             figures=("weight_distributions.png",),
             shows={"without inkless pixels": measured("near_zero_fraction_ink", "l2")},
             explain="First-layer weights from pixels that are 0 in every training "
             "digit get no data gradient, so L2 decays them: the near-zero "
             "fraction without them is shown beside."),
    Declared("L2 makes the network use all its inputs a little rather than "
             "some a lot",
             AllOf({"mass less concentrated than L1's": Below(
                 measured("input_top_decile_share", "l2", ".3g"),
                 measured("input_top_decile_share", "l1", ".3g")),
                 "more inputs used than L1": Above(measured("inputs_used", "l2", ".3g"),
                                                   measured("inputs_used", "l1", ".3g"))}),
             shows={"input_top_decile_share [none]": measured(
                 "input_top_decile_share", "none", ".3g")}),
    Declared("L2's gradient is lambda w: every weight decays linearly, "
             "W += -lambda * W",
             Below(measured("penalty_gradient_error", "l2", ".3g"), GRADIENT_TOLERANCE),
             "implementation",
             explain="The autodiff gradient of the penalty the run trains with, on "
             "its trained first layer, against lambda W (relative to its largest)."),
]


# ===========================================================================
# 3. L1 and the elastic net: sparse weight vectors; L2 better than L1.
# ===========================================================================
# "Sparse": more than SPARSE of the weights within 1e-3 of 0, SPARSER x L2's.
SPARSE, SPARSER = 0.2, 5
SPARSER_THAN_L2 = Derived(f"{SPARSER} x near_zero_fraction [l2]", lambda f: SPARSER * f,
                          measured("near_zero_fraction", "l2"))

L1_CLAIMS = [
    Declared("L1 makes the weight vectors sparse: many weights very close to "
             "exactly zero",
             AllOf({"many": Above(measured("near_zero_fraction", "l1"), SPARSE),
                    "sparser than L2": Above(measured("near_zero_fraction", "l1"),
                                             SPARSER_THAN_L2)}),
             figures=("weight_distributions.png",),
             explain="SGD on L1's subgradient leaves weights oscillating near "
             "zero, not at exact zeros, hence the 1e-3 window."),
    Declared("Neurons under L1 become nearly invariant to noisy inputs",
             AllOf({"below L2's": Below(arm("noise_weight_ratio", "l1_noise", ".3g"),
                                        arm("noise_weight_ratio", "l2_noise", ".3g")),
                    "nearly invariant": Below(arm("noise_weight_ratio", "l1_noise", ".3g"),
                                              INVARIANT)}),
             explain=f"{NOISE_INPUTS} uniform noise inputs (further_arms.csv)."),
    Declared("Elastic net combines L1 and L2: sparse like L1, weights small "
             "like L2",
             AllOf({"sparse like L1": Above(measured("near_zero_fraction",
                                                     "elastic_net"), SPARSER_THAN_L2),
                    "small like L2": Below(measured("mean_abs", "elastic_net"),
                                           measured("mean_abs", "l2"))}),
             figures=("weight_distributions.png",),
             shows={"L1's": measured("mean_abs", "l1")},
             explain="Against L1's mean |w| the claim sets no order (the first "
             "seed's weights: no spread to order two close values)."),
    Declared("L2 can be expected to perform better than L1 (without a need "
             "for feature selection)", better("l2", "l1"),
             explain="At the one strength of each run here."),
]


# ===========================================================================
# 4. Max norm: clamped unit norms, reported improvements, and no explosion at
#    a learning rate 50 times too high (the plain and the max-norm network).
# ===========================================================================
# "Explodes": a unit norm over EXPLODED c; bounds hold to float32, relative.
EXPLODED, BOUND_TOLERANCE = 100, 1e-6


def run_divergence(args):
    done = yield [(("divergence", name), args.diverge_steps * DIVERGE_STEP,
                   divergence_job, (args, name)) for name in ("plain", "max_norm")]
    return {name: done[("divergence", name)] for name in ("plain", "max_norm")}


def diverged(column, network, fmt=".3g"):
    return Cell("max_norm_divergence", column, f"{column} [{network}]", fmt,
                network=network)


C = diverged("c", "max_norm", "g")
BOUND = Derived(f"c (1 + {BOUND_TOLERANCE:g})",
                lambda c: c * (1 + BOUND_TOLERANCE), C, fmt=".8g")

# The bound swept down to where it binds: a unit binds when its incoming
# norm reaches c to BINDING (relative); "binds": some unit does, on a seed.
SWEPT_C, BINDING = (4.0, 3.0, 2.0, 1.0, 0.5), 1e-3


def run_max_norm_sweep(args):
    done = yield [job for c in SWEPT_C
                  for job in over_seeds(args, ("max_norm_sweep", c), sweep_job, c, BINDING)]
    columns = ACCURACIES + ("max_unit_norm", "bound_fraction")
    table, runs = over_seed_table([row for c in SWEPT_C for row in seed_rows(
        done, ("max_norm_sweep", c), {"c": c}, args, columns)], "c", columns)
    table["binds"] = table["bound_fraction"] > 0  # chosen: the best binding c
    binding = table[table["binds"]]
    table["chosen"] = (table.index == binding["validation_accuracy"].idxmax()
                       if len(binding) else False)
    return table, runs


def swept(column, fmt=".4f", **row):  # max_norm_sweep.csv at c, or the chosen c
    return Cell("max_norm_sweep", column, f"{column} [{row.get('c', 'chosen')}]", fmt, **row)


def best_of(column, cs):
    return Derived(f"{column} [best of c {', '.join(f'{c:g}' for c in cs)}]", max,
                   *(swept(column, c=c) for c in cs), fmt=".4f")


MAX_NORM_CLAIMS = [
    Declared("Max norm clamps every unit's incoming weight vector to "
             "||w||_2 <= c",
             Gate(Above(Derived("max_unit_norm [none, dropout]", max,
                                measured("max_unit_norm", "none"),
                                measured("max_unit_norm", "dropout"), fmt=".3g"), C),
                  AllOf({v: Below(measured("max_unit_norm", v, ".8g"), BOUND)
                         for v in ("max_norm", "dropout_max_norm")}),
                  "a unit above c without the constraint, something to clamp"),
             "implementation", article_value="c of order 3 or 4"),
    Declared("Typical values of c are 3 or 4",
             not_worse(best_of("validation_accuracy", (3.0, 4.0)),
                       best_of("validation_accuracy", SWEPT_C)),
             "number", article_value="3 or 4", figures=("max_norm_sweep.png",),
             shows={"binds at c 3": swept("bound_fraction", ".3g", c=3.0)},
             explain=bound_held),
    Declared("Max norm improves accuracy (\"some people report improvements\")",
             better("max_norm", "none"), explain=bound_held),
    Declared("Max norm improves accuracy where it binds: the binding c chosen "
             "on validation data above no constraint",
             when_overfitting(held_out(lambda c: Above(
                 swept(c, chosen=True), measured(c, "none"), SIGNIFICANT))),
             shows={"c [chosen]": swept("c", "g", chosen=True),
                    "bound_fraction [chosen]": swept("bound_fraction", ".3g",
                                                     chosen=True)},
             figures=("max_norm_sweep.png",), explain=bound_held),
    Declared("Max norm: the network cannot explode even when the learning "
             "rate is set too high",
             Gate(Above(diverged("largest_unit_norm_ever", "plain"),
                        Derived(f"{EXPLODED} c", lambda c: EXPLODED * c, C)),
                  Below(diverged("largest_unit_norm_ever", "max_norm", ".8g"), BOUND),
                  f"a rate too high: the plain network's unit norm passes "
                  f"{EXPLODED} c"),
             figures=("max_norm_divergence.png",),
             shows={f"{column} [{network}]": diverged(column, network)
                    for column in ("largest_loss", "test_accuracy")
                    for network in ("plain", "max_norm")},
             explain="The bound keeps the weights finite; the test accuracies "
             "say whether the rate is still usable."),
]


# ===========================================================================
# 5. Dropout, and the ensemble it averages: vanilla (x p at test time) against
#    inverted dropout (/ p in training), in expectation, code and accuracy;
#    then the theme of noise in the forward pass (further reading).
# ===========================================================================
KINDS = ("vanilla", "inverted")


def run_dropout(args):
    """Both kinds on every seed; bare dropout layers are checked here, on the
    inverted network's first activations."""
    done = yield [(("dropout", kind, seed), args.steps + args.mc_samples * MASK[kind] * (
        seed == args.seed), dropout_job, (args, seed, kind))
        for kind in KINDS for seed in seed_range(args.seed, args.seeds)]
    runs = pd.DataFrame([row for kind in KINDS for row in seed_rows(
        done, ("dropout", kind), {"dropout": kind}, args)])
    accuracy = seed_statistics(runs, "dropout", ["test_accuracy"]).set_index("dropout")
    rows, layers = scaling_checks(
        {"vanilla": VanillaDropout(1 - args.keep, seed=args.seed),
         "inverted": keras.layers.Dropout(1 - args.keep, seed=args.seed)},
        done[("dropout", "inverted", args.seed)]["hidden"], args.keep, args.mc_samples,
        {kind: accuracy.loc[kind].to_dict() for kind in KINDS},
        {kind: done[("dropout", kind, args.seed)]["check"] for kind in KINDS})
    return {"table": rows, "runs": runs, "layer": layers}


# Dropout tuned as the notes advise, on validation data over p x learning rate
# (inverted dropout at lr * p steps as vanilla at lr), each network trained
# until its validation accuracy stops improving (`tuning_job`: BLOCKS checks
# per --steps, PATIENCE, at most CAP x --steps); baseline: the same, p = 1.
TUNED_KEEPS, BLOCKS, PATIENCE, CAP = (0.5, 0.7, 0.9), 8, 3, 2
RATES = {"lr": lambda lr, keep: lr, "lr*p": lambda lr, keep: lr * keep}
TUNED = ACCURACIES + ("test_accuracy_at_steps", "train_accuracy_at_steps",
                      "best_step", "steps_run")


def run_dropout_tuning(args):
    arms = [(1.0, "lr")] + [(keep, rate) for keep in TUNED_KEEPS for rate in RATES]
    done = yield [(("dropout_tuning", keep, rate, seed), CAP * args.steps, tuning_job,
                   (args, seed, keep, RATES[rate](args.learning_rate, keep), BLOCKS,
                    PATIENCE, CAP)) for keep, rate in arms
                  for seed in seed_range(args.seed, args.seeds)]
    table, runs = over_seed_table([row for keep, rate in arms for row in seed_rows(
        done, ("dropout_tuning", keep, rate), {
            "arm": f"p={keep:g}, {rate}", "keep": keep, "rate": rate,
            "learning_rate": RATES[rate](args.learning_rate, keep)}, args, TUNED)],
        ["arm", "keep", "rate", "learning_rate"], TUNED)
    table["chosen"] = table.index == table[table["keep"] < 1]["validation_accuracy"].idxmax()
    return table, runs


# A dropout layer agrees with its expectation when its relative RMS gap is
# within NOISE_BAND x the Monte Carlo noise and its mean training output within
# MEAN_RATIO of its inference output; the masks resolve the expectation where
# the noise expected is at most RESOLVED. Same predictions: scores at most EXACT
# apart (ROUNDED: float32 rounding of a scaled copy); others: over DIFFERENT.
NOISE_BAND, MEAN_RATIO, RESOLVED = (0.7, 1.3), 0.01, 0.1
EXACT, ROUNDED, DIFFERENT = 1e-6, 1e-4, 1e-2


def dropped(column, kind, fmt=".4f"):
    return Cell("dropout", column, f"{column} [{kind}]", fmt, dropout=kind)


def over_noise(gap, kind):
    return Derived(f"{gap} / expected_rms_noise [{kind}]",
                   lambda a, b: a / b if b else np.inf, dropped(gap, kind),
                   dropped("expected_rms_noise", kind), fmt=".3g")


def resolved(rule, kind="inverted"):
    return Gate(Below(dropped("expected_rms_noise", kind), RESOLVED), rule,
                f"enough masks: a Monte Carlo noise below {RESOLVED:g}")


def as_expected(kind):
    return resolved(AllOf({
        "RMS gap": Within(over_noise("layer_rms_gap", kind), *NOISE_BAND),
        "mean ratio": Within(dropped("layer_mean_ratio_train_to_inference", kind),
                             1 - MEAN_RATIO, 1 + MEAN_RATIO)}), kind)


def predicts_as(kind, same, tolerance, other):
    """`kind`'s scores are those of the copy `same`, not of the copy `other`."""
    return AllOf({"same": Below(dropped(same, kind, ".3g"), tolerance),
                  "different": Above(dropped(other, kind, ".3g"), DIFFERENT)})


def tuned(column, fmt=".4f", **row):
    """dropout_tuning.csv: an arm's mean over seeds (`chosen=True`: the
    dropout arm chosen on validation data)."""
    return Cell("dropout_tuning", column, f"{column} [" + ", ".join(
        f"{v}" if k == "arm" else f"{k}" for k, v in row.items()) + "]", fmt, **row)


DROPOUT_CLAIMS = [
    Declared("Dropout is an extremely effective regularizer: higher test "
             "accuracy than none",
             when_overfitting(Above(measured("test_accuracy", "dropout"),
                                    measured("test_accuracy", "none"), SIGNIFICANT)),
             shows={f"train_test_gap [{v}]": measured("train_test_gap", v)
                    for v in ("dropout", "none")}, explain=undertrained(SIGNIFICANT)),
    Declared("Dropout tuned on validation data (p and the learning rate), every "
             "network trained until its validation accuracy stops improving, "
             "beats the same training without dropout",
             when_overfitting(held_out(lambda c: Above(
                 tuned(c, chosen=True), tuned(c, arm=NO_DROPOUT), SIGNIFICANT)),
                 tuned("train_test_gap", arm=NO_DROPOUT)),
             shows={"keep [chosen]": tuned("keep", "g", chosen=True),
                    "learning_rate [chosen]": tuned("learning_rate", "g", chosen=True)},
             figures=("dropout_tuning.png",)),
    Declared("Dropout complements the other methods: dropout with max norm "
             "above either alone",
             when_overfitting(held_out(lambda c: Above(
                 measured(c, "dropout_max_norm"),
                 Derived(f"{c} [the better of dropout, max_norm]", max,
                         measured(c, "dropout"), measured(c, "max_norm"), fmt=".4f"),
                 SIGNIFICANT))), explain=undertrained(SIGNIFICANT, bound_held)),
    NotTested("The Dropout paper's figure of a thinned network",
              "An illustration; nothing to measure."),
    Declared("The test-time pass evaluates the averaged prediction of the "
             "ensemble of sub-networks",
             resolved(AllOf({
                 **{f"{k}, one layer": Within(over_noise("layer_rms_gap", k),
                                              *NOISE_BAND) for k in KINDS},
                 **{f"{k}, network": Below(over_noise("network_rms_gap", k),
                                           NOISE_BAND[1]) for k in KINDS}})),
             figures=("dropout_expectation.png",),
             explain="Through ReLU and softmax the inference pass is only an "
             "approximation of the ensemble mean, as the notes' \"can be related "
             "to\" allows."),
    Declared("Vanilla dropout: scaling the activations by p at test time makes "
             "the test output equal the expected training output",
             as_expected("vanilla"), "implementation",
             figures=("dropout_expectation.png",)),
    Declared("Dropout can also be applied to the input layer",
             held_out(lambda c: not_worse(arm(c, "input_dropout"), measured(c, "dropout"))),
             explain=slower_fit),
    Declared("Inverted dropout: scaling by 1/p at training time gives the same "
             "agreement in expectation", as_expected("inverted"), "implementation",
             figures=("dropout_expectation.png",)),
    Declared("Vanilla dropout must scale the activations by p at test time: its "
             "prediction code differs from the dropout-free network's",
             predicts_as("vanilla", SCALED, ROUNDED, FREE), "implementation"),
    Declared("Inverted dropout leaves the test-time forward pass untouched: the "
             "prediction code is the dropout-free network's",
             predicts_as("inverted", FREE, EXACT, SCALED), "implementation"),
    Declared("Inverted dropout is preferable because test-time performance is "
             "critical", AllOf({
                 "inverted: the dropout-free pass": predicts_as("inverted", FREE, EXACT,
                                                                SCALED),
                 "vanilla: an extra scaling": predicts_as("vanilla", SCALED, ROUNDED, FREE)}),
             "implementation", explain="Decided on the code, not on a clock (one "
             "multiply per unit is a benchmark's to time, not a ledger's)."),
    Declared("Vanilla and inverted dropout differ only in where the scaling by "
             "p happens: they train to the same accuracy",
             Within(Derived("test_accuracy [vanilla - inverted]", lambda a, b: a - b,
                            dropped("test_accuracy", "vanilla"),
                            dropped("test_accuracy", "inverted"), fmt=".4f"),
                    -SIGNIFICANT, SIGNIFICANT), explain=learning_rate_gap(SIGNIFICANT)),
    Declared("Inverted dropout at learning rate lr * p trains as vanilla dropout "
             "at lr: its 1/p scaling in training acts as a larger learning rate",
             Within(Derived(f"test_accuracy [{RATE_ARM}, at --steps - vanilla]",
                            lambda a, b: a - b, tuned("test_accuracy_at_steps",
                                                      arm=RATE_ARM),
                            dropped("test_accuracy", "vanilla"), fmt=".4f"),
                    -SIGNIFICANT, SIGNIFICANT), figures=("dropout_tuning.png",)),
    Declared("Noise in the forward pass, marginalized at test time: "
             "DropConnect, stochastic and fractional pooling, data augmentation",
             when_overfitting(Below(arm("train_test_gap", "dropconnect"),
                                    measured("train_test_gap", "none"), SIGNIFICANT)),
             shows={"test_accuracy [dropconnect]": arm("test_accuracy", "dropconnect")},
             explain="DropConnect alone is run (kreg's DropConnectDense, hidden layers): "
             "the network has no pooling, and augmentation is article 001's."),
]


# ===========================================================================
# 6. Bias regularization (L2 on the kernels only, or on the biases too), and
#    per-layer regularization.
# ===========================================================================
def run_biases(args):
    keys = [("biases", strength, include, seed) for strength in args.bias_strengths
            for seed in seed_range(args.seed, args.seeds) for include in (False, True)]
    done = yield [(key, args.steps, network_job, (args, key[3], {"regularizer": L2(
        key[1], convention="textbook"), "include_biases": key[2]})) for key in keys]
    runs = pd.DataFrame([{"lambda": key[1], "seed": key[3], "include_biases": key[2],
                          **{k: done[key][k] for k in ("test_accuracy",
                                                       "validation_accuracy")}}
                         for key in keys])
    mean = runs.pivot_table(index="lambda", columns="include_biases",
                            values="test_accuracy", aggfunc="mean")
    return {"runs": runs, "summary": pd.DataFrame({
        "lambda": mean.index, "test_accuracy_kernels_only": mean[False].values,
        "test_accuracy_with_biases": mean[True].values,
        "difference": (mean[True] - mean[False]).values, "seeds": args.seeds})}


def biased(column, strength, include):
    return SeedRows("bias_regularization_runs", column, f"{column} [lambda "
                    f"{strength:g}, {'with biases' if include else 'kernels only'}]",
                    ".4f", include_biases=include, **{"lambda": strength})


BIAS_CLAIMS = [
    Declared("Biases are not commonly regularized, and doing so is cheap "
             "because there are very few of them compared to the weights",
             Below(measured("bias_share", "none", ".3g"), FEW_BIASES),
             explain="Decided on the count: the biases' share of the parameters "
             "(table.csv); what regularizing them does is the next row."),
    Declared("Regularizing the biases too rarely leads to significantly worse "
             "performance",
             Each("bias_regularization_runs", "lambda", lambda strength: held_out(
                 lambda c: not_worse(biased(c, strength, True),
                                     biased(c, strength, False))))),
    Declared("Regularizing different layers by different amounts is uncommon "
             "(except perhaps the output layer)",
             held_out(lambda c: not_worse(measured(c, "l2"), arm(c, "l2_hidden_only"))),
             explain="Decided as: sparing the output layer (L2 on the hidden layers "
             "only, further_arms.csv) gains nothing over one global strength."),
]


# ===========================================================================
# 7. In practice: one global L2 strength chosen on validation data over a
#    grid, and combined with dropout.
# ===========================================================================
COMBINED = "chosen L2 + dropout p={:g}"  # its `model` in l2_grid.csv, for a p


def run_l2_grid(args):
    """Every strength of the grid on every seed; lambda is chosen on the mean
    validation accuracy, then trained again with dropout on every seed: jobs
    after the grid's."""
    done = yield [job for strength in args.grid for job in over_seeds(
        args, ("l2_grid", "L2 only", strength), network_job, l2_spec(strength))]
    runs = [row for strength in args.grid for row in seed_rows(
        done, ("l2_grid", "L2 only", strength), {"model": "L2 only", "lambda": strength},
        args)]
    grid = seed_statistics(pd.DataFrame(runs), ["model", "lambda"], ACCURACIES)
    # Highest mean validation accuracy; ties go to the stronger penalty.
    best = grid.sort_values(["validation_accuracy", "lambda"],
                            ascending=[False, False]).iloc[0]
    grid["chosen"] = grid["lambda"] == best["lambda"]
    chosen, combined = float(best["lambda"]), COMBINED.format(args.keep)
    done = yield over_seeds(args, ("l2_grid", combined, chosen), network_job,
                            l2_spec(chosen, dropout="inverted"))
    runs = pd.DataFrame(runs + seed_rows(done, ("l2_grid", combined, chosen),
                                         {"model": combined, "lambda": chosen}, args))
    with_dropout = seed_statistics(runs[runs["model"] == combined],
                                   ["model", "lambda"], ACCURACIES)
    with_dropout["chosen"] = False
    return {"grid": grid, "with_dropout": with_dropout, "runs": runs,
            "chosen_lambda": chosen,
            "chosen_test_accuracy": float(best["test_accuracy"]),
            "chosen_with_dropout_test_accuracy":
                float(with_dropout["test_accuracy"].iloc[0])}


def on_grid(column, strength, seed=None):
    """One strength's runs in l2_grid_runs.csv: over seeds, or one seed's."""
    row = {"lambda": strength, **({} if seed is None else {"seed": seed})}
    return SeedRows("l2_grid_runs", column, f"{column} [" + ", ".join(
        f"{k} {v:g}" for k, v in row.items()) + "]", ".4f", where=row, model="L2 only")


def chosen(column, model="L2 only"):
    """l2_grid.csv at the lambda chosen on validation data (or with `model`)."""
    return Cell("l2_grid", column, f"{column} [{model}, chosen lambda]", ".4f",
                model=model, **({"chosen": True} if model == "L2 only" else {}))


# "Pays": lambda 0 not chosen, and the chosen lambda above it on each seed.
POSITIVE_CHOICE = Below(SeedRows("l2_grid", "chosen", "chosen [lambda 0]", ".0f",
                                 model="L2 only", **{"lambda": 0.0}), 0.5)
ABOVE_ZERO_ON_EACH_SEED = Each("l2_grid", "lambda", lambda strength: Each(
    "l2_grid_runs", "seed", lambda seed: Above(
        on_grid("validation_accuracy", strength, seed),
        on_grid("validation_accuracy", 0.0, seed), SIGNIFICANT),
    "each seed", model="L2 only", **{"lambda": strength}),
    "the lambda chosen", model="L2 only", chosen=True)

def half_p(column):  # p = 0.5 at its better learning rate (dropout_tuning.csv)
    return Derived(f"{column} [p=0.5, the better rate]", max, *(
        tuned(column, arm=f"p=0.5, {rate}") for rate in RATES), fmt=".4f")


PRACTICE_CLAIMS = [
    Declared("A single global L2 strength chosen on validation data does well "
             "on test data",
             Each("l2_grid", "lambda", lambda strength: not_worse(
                 chosen("test_accuracy"), on_grid("test_accuracy", strength)),
                  "each other lambda", model="L2 only", chosen=False),
             figures=("l2_grid.png",)),
    Declared("Regularization pays: the strength chosen on validation data is a "
             "positive L2 lambda",
             when_overfitting(AllOf({
                 "lambda 0 not chosen": POSITIVE_CHOICE,
                 "above lambda 0 on each seed": Gate(
                     POSITIVE_CHOICE, ABOVE_ZERO_ON_EACH_SEED, "lambda 0 not chosen")}),
                 on_grid("train_test_gap", 0.0)),
             shows={"train_test_gap [chosen lambda]": chosen("train_test_gap")},
             figures=("l2_grid.png",)),
    Declared("Combining the chosen L2 strength with dropout p = 0.5 (common "
             "practice) improves on L2 alone",
             when_overfitting(held_out(lambda c: Above(
                 chosen(c, COMBINED.format(0.5)), chosen(c), SIGNIFICANT)),
                 on_grid("train_test_gap", 0.0)),
             figures=("l2_grid.png",), explain=undertrained(SIGNIFICANT)),
    Declared("p = 0.5 is a reasonable default that can be tuned on validation "
             "data", AllOf({
                 "p = 0.5 near the chosen p on validation": not_worse(
                     half_p("validation_accuracy"), tuned("validation_accuracy", chosen=True)),
                 "the chosen p as good on test": not_worse(
                     tuned("test_accuracy", chosen=True), half_p("test_accuracy"))}),
             "number", article_value="p = 0.5", figures=("dropout_tuning.png",),
             shows={"keep [chosen]": tuned("keep", "g", chosen=True)}),
]


def claims(tables, jitter=None):
    """Article 002's ledger, decided from `tables` (the CSV files of the
    results folder, as written), section by section."""
    return derive("002", CAPACITY_CLAIMS + L2_CLAIMS + L1_CLAIMS + MAX_NORM_CLAIMS
                  + DROPOUT_CLAIMS + BIAS_CLAIMS + PRACTICE_CLAIMS, tables, jitter)


# ===========================================================================
# The run: the sections asked for, their tables and figures, written at once.
# ===========================================================================
NOTES = """\
Notes on the method:

- The notes give no data set, network size or numbers: every number here is
  ours. Accuracies are means over {seeds} seeds with their sds (each seed's in
  the `*_runs.csv` tables); weight statistics, the weight figure and the Monte
  Carlo checks are the first seed's. Training: {train:,} digits,
  {steps:,} steps of {batch} ({epochs:.1f} epochs) per network (dropout_tuning:
  until the validation accuracy stops improving). The validation set has
  {validation:,} digits: one is {digit:.2g} % of accuracy.
- `train_accuracy` is measured after the last step, dropout off. Penalties:
  L2 `0.5 * lambda * w^2`, elastic net `lambda1 * |w| + 0.5 * lambda2 * w^2`.
  `near_zero_fraction` counts kernel weights with |w| <= 1e-3 (SGD on L1's
  subgradient leaves weights oscillating near zero, not at exact zeros);
  `_ink` leaves out first-layer weights fed by pixels 0 in every training
  digit (no data gradient). `max_unit_norm`: the largest L2 norm of a unit's
  incoming weights (what max norm bounds); `bound_fraction`: the units at c.
  Over the inked pixels, `input_top_decile_share` is the share of the first
  layer's weight mass (sum |w| per input) on the top tenth of inputs, and
  `inputs_used` the share with a weight above 1e-3; `noise_weight_ratio` is
  the mean |w| on added noise inputs over that on the pixels.
- Dropout expectation: the relative RMS gap between the mean of the training
  outputs over many masks and the inference output, at one dropout layer
  (`layer_rms_gap`, against the Monte Carlo noise sqrt((1 - p) / (p N))) and
  through the whole network, ReLU and softmax (`network_rms_gap`).
"""


def notes(data, args, results):
    """The notes, worded for the data the run had."""
    digits, validation = len(data.y_train), len(data.y_val)
    return NOTES.format(seeds=args.seeds, train=digits, steps=args.steps,
                        batch=args.batch_size, validation=validation,
                        epochs=args.steps * args.batch_size / digits,
                        digit=100 / validation)


def load_data(source, seed, train_size, log=lambda _: None):
    """MNIST, its training set cut to `train_size` digits class by class
    (validation and test sets whole): the jobs' data, loaded once a worker."""
    return cut_training_set(load_mnist(source, seed=seed, log=log), train_size, seed)


def run_label(args):
    return marked_label(args, f"{args.steps:,} SGD steps per network")


def make_figures(results, args, data):
    steps = marked_label(args, f"{args.diverge_steps:,} SGD steps per network")
    return notes_figures(results, args, f"{run_label(args)}; {data.source}", {
        name: f"{VARIANTS[name][0]}\n{variant_spec(name, args)[1] or 'plain'}"
        for name in VARIANTS}, f"{steps}; {data.source}")


def section_tables(results, args):
    """`({name: table}, {name: CSV-only table})` of the sections run: each
    section's table, and its rows per run (or per step)."""
    made = {"variants": ("table", "variant_runs", lambda r: variants_table(r, {
        name: (variant_spec(name, args)[1], VARIANTS[name][1]) for name in r})),
            "divergence": ("max_norm_divergence", "max_norm_divergence_steps",
                           lambda r: divergence_tables(r, EXPLODED * args.max_norm, {
                               "learning_rate": args.diverge_learning_rate,
                               "c": args.max_norm}, "norm_over_100c")),
            **{name: (name, f"{name}_runs", tuple) for name in (
                "further_arms", "max_norm_sweep", "dropout_tuning")},
            "dropout": ("dropout", "dropout_runs", lambda r: (r["table"], r["runs"])),
            "biases": ("bias_regularization", "bias_regularization_runs",
                       lambda r: (r["summary"], r["runs"])),
            "l2_grid": ("l2_grid", "l2_grid_runs", lambda r: (pd.concat(
                [r["grid"], r["with_dropout"]], ignore_index=True), r["runs"]))}
    tables, runs = {}, {}
    for section, (name, runs_name, make) in made.items():
        if section in results:
            tables[name], runs[runs_name] = make(results[section])
    return tables, runs


SECTION_RUNS = {"variants": run_variants, "divergence": run_divergence,
                "further_arms": run_further_arms, "max_norm_sweep": run_max_norm_sweep,
                "dropout": run_dropout,
                "dropout_tuning": run_dropout_tuning,
                "biases": run_biases, "l2_grid": run_l2_grid}


def run(data, args):
    """`({section: results}, {section: its jobs' seconds, summed})` of the
    sections asked for: `harness.cli.section_jobs`, in workers of `JOB_ENV`."""
    return run_sections({name: SECTION_RUNS[name](args) for name in args.sections},
                        args, data, load_data, (args.data, args.seed, args.train_size),
                        JOB_ENV)


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = settle_data(args, load_data(args.data, args.seed, args.train_size, print))
    print(f"[kreg] {run_label(args)}; sections: {', '.join(args.sections)}")
    results, section_seconds = run(data, args)
    tables, runs = section_tables(results, args)
    meta = run_metadata(  # a section's seconds: its jobs' own, summed
        "CS231n notes, Neural Networks Part 2, Regularization (article 002)",
        args, run_label(args), data, seconds_per_section=section_seconds,
        wall_seconds=time.perf_counter() - wall_start)
    if "l2_grid" in results:
        meta["l2_grid"] = {k: v for k, v in results["l2_grid"].items()
                           if k not in ("grid", "with_dropout", "runs")}
    write_results(
        args.out, "CS231n regularization notes (article 002)",
        f"{run_label(args)}; data: {data.description}",
        [(name, frame, f"**{name}**") for name, frame in tables.items()],
        make_figures(results, args, data), meta, notes(data, args, results),
        csv_files=runs, claims=claims)
    return tables, results


if __name__ == "__main__":
    run_script(main)
