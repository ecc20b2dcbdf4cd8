"""Regularization in deep learning: augmentation, early stopping, dropout, DSD.

Reproduces the techniques of "Regularization in deep learning" (article 001)
on LeNet-5 and MNIST, in the article's order (its weight penalties, the iris
histograms, are `iris_histograms.py`'s): 0. overfitting without
regularization, on the whole training set and on a deliberately small one;
1. dataset augmentation ("translating the picture a few pixels, rotation,
scaling") on the small set; 2. early stopping on the validation loss, the
best epoch's weights restored ("pick the best after the fact"); 3. dropout
after F5 and F6 (keep 0.5), the article's own LeNet-5 experiment, with the
accuracy left when hidden units go missing at test, then dropout or Gaussian
noise on the input pixels (small set); 4. dense-sparse-dense (Han et al.
2016, kreg's `DenseSparseDense`) beside plain training of the same length.

Outputs, in `results/regularization_overview/` (replaced atomically): table.csv
and table.md (headline numbers, mean and sd over seeds); per seed
dropout.csv, early_stopping.csv, augmentation.csv, dsd.csv (per epoch),
dropped_units.csv, dsd_zeros.csv (exact zeros and dead units per kernel),
input_noise.csv; one figure per section, drawn from the first seed;
claims.csv; metadata.json; README.md. Dropout, early stopping and DSD train
`--whole-set-seeds` seeds on the whole training set (55,000 digits of full
MNIST), augmentation and the input layer `--seeds` seeds on `--augment-size`
digits, their claims being about a model short of data. The article gives
no settings; ours: Adam 1e-3, batch 64, softmax cross-entropy.

Run (every training a job: in one-thread workers, one per core, or on a
Dask cluster with `--scheduler`):
    python reproductions/regularization_overview.py            # full setting
    python reproductions/regularization_overview.py --quick    # a short look
    python reproductions/regularization_overview.py --workers 1  # all here
    python reproductions/regularization_overview.py --help
"""

import operator
import time

from harness.cli.arguments import (
    comma_list,
    comma_separated,
    finish,
    marked_label,
    non_negative_float,
    open_fraction,
    positive_float,
    positive_int,
    rate,
    script_parser,
    settle_data,
)
from harness.cli.settings import Setting
from harness.jobs import threads_env, workers_for
from harness.training.arm_jobs import run_arms

SECTIONS = ("dropout", "early_stopping", "augmentation", "dsd", "input_noise")
# Sections trained once per seed on the whole training set; the others train
# on the small set.
WHOLE_SET = ("dropout", "early_stopping", "dsd")
# Each section's arms, one job each per seed (input noise: `input_variants`).
ARMS = {"dropout": ("no_dropout", "dropout"), "early_stopping": ("restore_best",),
        "augmentation": ("plain", "augmented"), "dsd": ("plain", "dsd")}
# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--only", comma_list(SECTIONS), full=list(SECTIONS), dest="sections",
            help=f"the sections to run, a comma-separated subset of "
            f"{', '.join(SECTIONS)}"),
    Setting("--train-limit", positive_int, full=None, quick=1000,
            help="at most this many training digits, stratified (none: all)"),
    Setting("--batch-size", positive_int, full=64,
            help="examples per Adam step, every section"),
    Setting("--learning-rate", positive_float, full=1e-3,
            help="Adam learning rate, every section"),
    Setting("--dropout-rate", rate, full=0.5,
            help="drop rate after F5 and F6, and of hidden units dropped at test"),
    Setting("--dropout-epochs", positive_int, full=15, quick=10,
            help="dropout: epochs"),
    Setting("--max-epochs", positive_int, full=30, quick=12,
            help="early stopping: most epochs"),
    Setting("--patience", positive_int, full=5, quick=2,
            help="early stopping: epochs without a lower validation loss"),
    Setting("--augment-size", positive_int, full=500, quick=200,
            help="augmentation and input noise: size of the small training set"),
    Setting("--augment-epochs", positive_int, full=40,
            help="augmentation: epochs"),
    Setting("--translate", non_negative_float, full=0.1,
            help="augmentation: largest shift, fraction of 28 pixels"),
    Setting("--rotate", non_negative_float, full=10.0,
            help="augmentation: largest rotation in degrees"),
    Setting("--zoom", non_negative_float, full=0.1,
            help="augmentation: largest zoom, fraction"),
    Setting("--dsd-epochs", comma_separated(positive_int, 3), full=[4, 4, 4],
            quick=[2, 2, 2], help="dense,sparse,re-dense epochs"),
    Setting("--dsd-sparsity", open_fraction, full=0.5,
            help="fraction of each kernel pruned in the sparse phase"),
    Setting("--dsd-lr-factor", positive_float, full=0.1,
            help="learning-rate factor of the re-dense phase"),
    Setting("--input-drop-rates", comma_separated(rate), full=[0.2, 0.5],
            help="input noise: drop rates of dropout on the pixels"),
    Setting("--input-noise-sds", comma_separated(positive_float), full=[0.1, 0.3],
            help="input noise: sds of Gaussian noise added to the pixels (in [0, 1])"),
    Setting("--input-epochs", positive_int, full=40, quick=10,
            help="input noise: epochs"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds per variant of augmentation and input noise (small set)"),
    Setting("--whole-set-seeds", positive_int, full=3, quick=1,
            help="seeds per variant of dropout, early stopping and DSD (whole "
            "training set): the suite's costliest setting"),
)


# Placement: threads per training job. LeNet-5 (~62,000 weights, 64 digits a
# step) trains no faster on two threads than on one: two one-thread jobs side
# by side took 10.7 s where the same two jobs on two threads in turn took
# 20.8 s (1.93x; `python benchmarks/threads_per_job.py`, 2-core Intel, quiet).
# So one thread a job, a job a core. The one line to change:
THREADS_PER_JOB = 1


def parse_args(argv=None):
    parser = script_parser(__doc__, "regularization_overview", PARAMETERS, data=True)
    args = parser.parse_args(argv)
    variants = 1 + len(set(args.input_drop_rates)) + len(set(args.input_noise_sds))
    jobs = sum(len(ARMS.get(section, range(variants))) * seed_count(section, args)
               for section in args.sections)
    args.workers = args.workers or workers_for(jobs, THREADS_PER_JOB)
    return finish(parser, args)


def seed_count(section, args):
    """`--whole-set-seeds` on the whole training set, `--seeds` on the small."""
    return args.whole_set_seeds if section in WHOLE_SET else args.seeds


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import pandas as pd  # noqa: E402

from harness.analysis.dropped_units import accuracy_with_units_dropped  # noqa: E402
from harness.analysis.early_stopping_runs import (  # noqa: E402
    check_runs,
    losses_turn,
    restored_is_chosen,
    stopping_table,
)
from harness.analysis.over_seeds import seed_range  # noqa: E402
from harness.analysis.zero_census import (  # noqa: E402
    describe_census,
    exact_zero_fraction,
    zero_census,
)
from harness.claims.declare import Declared, NotTested, derive  # noqa: E402
from harness.claims.measures import Derived, Final, Missing, SeedRows  # noqa: E402
from harness.claims.rules import (  # noqa: E402
    Above,
    AllOf,
    Below,
    Bespoke,
    Paired,
    Verdict,
    combine,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.subsets import capped_with_small_set  # noqa: E402
from harness.models.digit_augmentation import (  # noqa: E402
    augmented_draws,
    digit_augmentation,
)
from harness.models.input_noise import input_layer, input_variants  # noqa: E402
from harness.models.lenet5 import compiled_lenet5  # noqa: E402
from harness.plotting.early_stopping import plot_early_stopping  # noqa: E402
from harness.plotting.image_grid import plot_image_grid  # noqa: E402
from harness.plotting.seed_bars import plot_seed_bars  # noqa: E402
from harness.plotting.sparsity_phases import plot_sparsity_phases  # noqa: E402
from harness.plotting.train_test_curves import plot_train_test_curves  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.seed_tables import arms_frame, headline_table, stacked  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import Evaluator  # noqa: E402
from harness.training.accuracy_history import AccuracyHistory  # noqa: E402
from kreg.callbacks.dense_sparse_dense import DenseSparseDense  # noqa: E402

# An accuracy difference between two arms counts only beyond the spread and
# beyond half a percentage point: with 3 seeds an sd can come out small by
# chance, and where one seed ran this alone decides.
SIGNIFICANT = 0.005


# ---------------------------------------------------------------------------
# Data, model, training and tables, shared by the sections.
# ---------------------------------------------------------------------------
def load_data(source, seed, train_limit, augment_size, log=lambda _: None):
    """MNIST capped at `--train-limit` with the small set of augmentation and
    input noise (`capped_with_small_set`): what each worker loads once."""
    return capped_with_small_set(load_mnist(source, seed=seed, log=log),
                                 train_limit, augment_size, seed)


def prepare_data(args, log=print):
    """This run's `load_data`, settled (`settle_data`)."""
    data, small = load_data(args.data, args.seed, args.train_limit,
                            args.augment_size, log)
    return settle_data(args, data), small


def fit(model, x, y, epochs, args, callbacks, **kwargs):
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=args.batch_size, epochs=epochs,
                        callbacks=callbacks, verbose=2 if args.workers == 1 else 0,
                        shuffle=True, **kwargs)
    return history.history, time.perf_counter() - start


def seeds_of(section, args):
    """The seeds a section trains with: `seed_count` from `--seed`."""
    return seed_range(args.seed, seed_count(section, args))


def final(table, column, variant, what):
    """A curve's final value (`Final`: the last fifth of its points)."""
    return Final(table, column, f"final {what} [{variant}]", ".4f", variant=variant)


def gap(table, variant):
    """Training minus test accuracy at the end, seed by seed."""
    return Derived(f"train - test gap [{variant}]", operator.sub,
                   final(table, "train", variant, "training accuracy"),
                   final(table, "test", variant, "test accuracy"), fmt=".4f")


# ===========================================================================
# 0. Overfitting ("Testing error >> Training error"), "very common when the
#    dataset is too small compared with the number of model parameters": the
#    unregularized arms of the dropout (whole set) and augmentation (small
#    set) sections.
# ===========================================================================
# "Test error >> training error": at least this many times the training error.
ERROR_RATIO = 2.0
UNREGULARIZED = {"the whole training set (no dropout)": ("dropout", "no_dropout"),
                 "the small set (no augmentation)": ("augmentation", "plain")}


def error(table, column, variant, times=1.0):
    """`times` a curve's final error (1 - accuracy), seed by seed."""
    return Derived(f"{f'{times:g} x ' if times != 1 else ''}{column} error [{variant}]",
                   lambda accuracy: times * (1 - accuracy),
                   final(table, column, variant, f"{column} accuracy"), fmt=".4f")


OVERFITTING_CLAIMS = [
    NotTested("Regularization reduces generalization error but not training "
              "error (Goodfellow's definition)", "A definition, not a finding."),
    Declared("Without regularization LeNet-5 overfits: test error >> training error",
             AllOf({case: Paired(error(table, "test", variant),
                                 error(table, "train", variant, ERROR_RATIO))
                    for case, (table, variant) in UNREGULARIZED.items()}),
             figures=("dropout.png", "augmentation.png")),
    Declared("Overfitting is worst when the training set is small for the "
             "number of parameters", Above(gap("augmentation", "plain"), gap(
                 "dropout", "no_dropout"), floor=SIGNIFICANT),
             explain="LeNet-5 has about 62,000 parameters."),
]


# ===========================================================================
# 1. Dataset augmentation: "translating the picture a few pixels, rotation,
#    scaling", on the small training set.
# ===========================================================================
# The augmentation runs measure their accuracies about this many times.
AUGMENTATION_POINTS = 8


def train_augmentation(loaded, arm, seed, args):
    """A job: one arm (`plain`, `augmented`) on the small set, from `seed`."""
    data, (x_small, y_small) = loaded
    print(f"\n[augmentation] LeNet-5 on {len(x_small)} digits, {arm}, seed {seed}")
    model = compiled_lenet5(seed, args.learning_rate, augmentation=digit_augmentation(
        args.translate, args.rotate, args.zoom, seed) if arm == "augmented" else ())
    curves = AccuracyHistory({"train": (x_small, y_small),
                              "test": (data.x_test, data.y_test)},
                             every=max(1, args.augment_epochs // AUGMENTATION_POINTS))
    _, seconds = fit(model, x_small, y_small, args.augment_epochs, args, [curves])
    return {"curves": curves.history, "seconds": seconds}


def augmentation_rows(seeds, args):
    size = seeds[0]["train_size"]
    return [row for arm in ("plain", "augmented") for row in (
        (f"{arm}: final train accuracy ({size} training digits)",
         [r[arm]["curves"]["train"][-1] for r in seeds]),
        (f"{arm}: final test accuracy", [r[arm]["curves"]["test"][-1] for r in seeds]))]


def augmentation_figures(seeds, args, label):
    first = seeds[0]
    arms = {arm: (color, first[arm]["curves"]) for arm, color in
            (("plain", "tab:red"), ("augmented", "tab:blue"))}
    versions = first["examples"].shape[1]
    return {"augmentation.png": plot_train_test_curves(
                arms, f"Augmentation on {first['train_size']} training digits\n{label}",
                markers=True),
            "augmented_examples.png": plot_image_grid(
                first["examples"], ["original"] + [f"draw {j}" for j in range(1, versions)],
                f"Augmentation: shift <= {args.translate:g}, rotation <= "
                f"{args.rotate:g} deg, zoom <= {args.zoom:g}\n{label}")}


AUGMENTATION_CLAIMS = [
    Declared("An overfitting model performs better with more data: "
             "augmentation (shifts, rotations, scaling) raises test accuracy "
             "on a small training set",
             Paired(final("augmentation", "test", "augmented", "test accuracy"),
                    final("augmentation", "test", "plain", "test accuracy"),
                    floor=SIGNIFICANT), figures=("augmentation.png",),
             shows={"plain training accuracy":
                    final("augmentation", "train", "plain", "training accuracy")}),
    NotTested("For classification, injecting random negatives (unrelated "
              "pictures) is usually feasible", "No negatives are injected here."),
    NotTested("Better data helps independently of the architecture", "One "
              "architecture here."),
]


# ===========================================================================
# 2. Early stopping on the validation loss, the best epoch's weights
#    restored: "pick the best candidate after the fact".
# ===========================================================================
def train_early_stopping(loaded, arm, seed, args):
    """A job: the section's one arm (`restore_best`) from `seed`."""
    data, _ = loaded
    print(f"\n[early stopping] LeNet-5, at most {args.max_epochs} epochs, "
          f"patience {args.patience}, seed {seed}")
    model = compiled_lenet5(seed, args.learning_rate)
    curves = AccuracyHistory({"test": (data.x_test, data.y_test)})
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience,
                                            restore_best_weights=True)
    history, seconds = fit(model, data.x_train, data.y_train, args.max_epochs, args,
                           [curves, stopper], validation_data=(data.x_val, data.y_val))
    return {"loss": history["loss"], "val_loss": history["val_loss"],
            "test_curve": curves.history["test"],
            "best_epoch": stopper.best_epoch + 1,  # 1-based
            "epochs_run": len(history["loss"]),
            "stopped_early": stopper.stopped_epoch > 0,
            "restored_test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
            "seconds": seconds}


def early_stopping_rows(seeds, args):
    return [("chosen epoch (lowest validation loss)", [r["best_epoch"] for r in seeds]),
            ("epochs run", [r["epochs_run"] for r in seeds]),
            ("test accuracy, restored best weights",
             [r["restored_test_accuracy"] for r in seeds]),
            ("test accuracy, last epoch's weights", [r["test_curve"][-1] for r in seeds]),
            ("training loss at chosen epoch", [r["loss"][r["best_epoch"] - 1] for r in seeds]),
            ("training loss at last epoch", [r["loss"][-1] for r in seeds]),
            ("validation loss at chosen epoch",
             [r["val_loss"][r["best_epoch"] - 1] for r in seeds]),
            ("validation loss at last epoch", [r["val_loss"][-1] for r in seeds])]


def early_stopping_frames(seeds):
    return {"early_stopping": stacked(seeds, lambda r: stopping_table(
        r["loss"], r["val_loss"], r["test_curve"], r["best_epoch"],
        r["restored_test_accuracy"]))}


def early_stopping_figures(seeds, args, label):
    r = seeds[0]
    return {"early_stopping.png": plot_early_stopping(
        r["loss"], r["val_loss"], r["test_curve"], r["best_epoch"],
        r["restored_test_accuracy"], r["stopped_early"], label)}


# Two test accuracies of one model agree when they differ by less than this.
IDENTICAL = 1e-6
AT_CHOSEN = SeedRows("early_stopping", "test_accuracy",
                     "test accuracy at the chosen epoch", ".4f", chosen=True)
AT_END = Final("early_stopping", "test_accuracy", "final test accuracy", ".4f")


def every_run(check, rule, *columns):
    """`check(run, chosen)` on each seed's curve as written (not a noisy measure)."""
    def decide(evidence):
        checked = check_runs(evidence.frame("early_stopping", "epoch", "chosen",
                                            *columns), check)
        if checked is None:
            raise Missing("early_stopping.csv: one chosen epoch per seed")
        return Verdict(combine("reproduced" if holds else "not reproduced"
                               for _, holds, _ in checked),
                       "; ".join(f"seed {seed}: {words}" for seed, _, words in checked),
                       f"Rule: on every seed, {rule}; partly on some seeds.")
    return Bespoke(decide)


def after_the_turn(evidence, verdict):
    """Seed by seed, the chosen epoch's test accuracy against the final one."""
    chosen, end = (dict(evidence.measure(ref).per_seed) for ref in (AT_CHOSEN, AT_END))
    return ("Seed by seed, chosen minus final: " + ", ".join(
        f"seed {seed} {chosen[seed] - end[seed]:+.4f}" for seed in chosen if seed in end)
        + " (two epochs of one run: compared over the seeds, both sds summed)."
        + ("" if verdict.status == "reproduced" else " A hypothesis, not measured: the "
           "loss grows with a few wrong predictions' confidence before the error."))


EARLY_STOPPING_CLAIMS = [
    Declared("Training error keeps falling while validation error rises, "
             "after some epoch", every_run(
                 losses_turn, "each validation loss after the chosen epoch above "
                 "the chosen one's, and the training loss lower at the last epoch",
                 "loss", "val_loss"), kind="implementation", figures=("early_stopping.png",),
             explain="True by construction: the chosen epoch is the validation "
             "loss's minimum and the run stops --patience epochs later; the "
             "optimizer lowers the training loss. Test error is the next claim."),
    Declared("After that epoch test error gets worse: the lowest validation "
             "loss marks the minimum test error", Above(AT_CHOSEN, AT_END),
             figures=("early_stopping.png",), explain=after_the_turn),
    Declared("Keeping checkpoints and picking the best after the fact gives "
             "the chosen epoch's model", every_run(
                 lambda run, chosen: restored_is_chosen(run, chosen, IDENTICAL),
                 f"the restored model tests as the chosen epoch did (within "
                 f"{IDENTICAL:g}), and the chosen epoch has the least validation "
                 "loss", "val_loss", "test_accuracy", "restored_test_accuracy"),
             kind="implementation",
             explain="This checks Keras's EarlyStopping and our bookkeeping."),
]


# ===========================================================================
# 3. Dropout "usually immediately after fully connected layers", keep 0.5:
#    LeNet-5 with and without it, as in the article's experiment; then the
#    article's advice for the input layer.
# ===========================================================================
# Where dropout acts, and where units go missing at test.
HIDDEN = ("f5", "f6")


def train_dropout(loaded, arm, seed, args):
    """A job: one arm (`no_dropout`, `dropout`) from `seed`."""
    data, _ = loaded
    drop = args.dropout_rate if arm == "dropout" else 0.0
    print(f"\n[dropout] LeNet-5, {arm} (drop rate {drop}), seed {seed}")
    model = compiled_lenet5(seed, args.learning_rate, dropout_rate=drop)
    curves = AccuracyHistory({"train": (data.x_train, data.y_train),
                              "test": (data.x_test, data.y_test)})
    _, seconds = fit(model, data.x_train, data.y_train, args.dropout_epochs, args,
                     [curves])
    return {"rate": drop, "curves": curves.history, "seconds": seconds,
            "units_dropped": accuracy_with_units_dropped(
                model, data.x_test, data.y_test, HIDDEN, args.dropout_rate, seed)}


def dropout_rows(seeds, args):
    rows = []
    for arm in ("no_dropout", "dropout"):
        curves = [r[arm]["curves"] for r in seeds]
        rows += [(f"{arm}: final train accuracy", [c["train"][-1] for c in curves]),
                 (f"{arm}: final test accuracy", [c["test"][-1] for c in curves]),
                 (f"{arm}: train - test gap",
                  [c["train"][-1] - c["test"][-1] for c in curves])]
    return rows


def dropout_frames(seeds):
    units = stacked(seeds, lambda r: pd.DataFrame([
        {"variant": arm, "test_accuracy": r[arm]["curves"]["test"][-1],
         "test_accuracy_units_dropped": r[arm]["units_dropped"]}
        for arm in ("no_dropout", "dropout")]))
    return {"dropout": arms_frame(seeds, ("no_dropout", "dropout")),
            "dropped_units": units}


def dropout_figures(seeds, args, label):
    first = seeds[0]
    arms = {("no dropout" if arm == "no_dropout" else f"dropout {first[arm]['rate']:g}"):
            (color, first[arm]["curves"])
            for arm, color in (("no_dropout", "tab:red"), ("dropout", "tab:blue"))}
    return {"dropout.png": plot_train_test_curves(
        arms, f"LeNet-5 with and without dropout\n{label}")}


# Test accuracy at inference minus with hidden units dropped at test.
LOST = {arm: Derived(f"accuracy lost to missing units [{arm}]", operator.sub, *(
    SeedRows("dropped_units", column, variant=arm)
    for column in ("test_accuracy", "test_accuracy_units_dropped")), fmt=".4f")
    for arm in ("no_dropout", "dropout")}


DROPOUT_CLAIMS = [
    NotTested("Dropout works by breaking co-adaptation and by averaging 2^n "
              "thinned networks that share weights", "An explanation; nothing "
              "here measures co-adaptation or trains an explicit ensemble."),
    Declared("Dropout makes the network robust to missing units",
             Paired(LOST["no_dropout"], LOST["dropout"], floor=SIGNIFICANT),
             explain="Units of F5 and F6 dropped at test at --dropout-rate, as "
             "in training: the article's team that builds with workers away."),
    NotTested("A keep probability p >= 0.5 is typical; the best p depends "
              "on the problem", "One drop rate (0.5) is run; no sweep of p."),
]


def train_input_noise(loaded, variant, seed, args):
    """A job: one input variant (`input_variants`) on the small set, from
    `seed`; its row of `input_noise.csv`."""
    data, (x_small, y_small) = loaded
    kind, value = input_variants(args.input_drop_rates, args.input_noise_sds)[variant]
    print(f"\n[input noise] LeNet-5 on {len(x_small)} digits, {variant}, seed {seed}")
    model = compiled_lenet5(seed, args.learning_rate,
                            augmentation=input_layer(kind, value, seed))
    _, seconds = fit(model, x_small, y_small, args.input_epochs, args, [])
    return {"variant": variant, "kind": kind, "value": value, "seed": seed,
            "train_accuracy": Evaluator(model, x_small, y_small)(),
            "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
            "seconds": seconds}


def input_noise_rows(result, args):
    return [(f"input {variant}: test accuracy ({result['train_size']} training digits)",
             group["test_accuracy"].to_numpy())
            for variant, group in result["runs"].groupby("variant", sort=False)]


def figure_input_noise(result, label):
    """Test accuracy per input variant, mean ± sd over the seeds; training
    accuracy beside it."""
    seeds = int(result["runs"].groupby("variant").size().min())
    return plot_seed_bars(
        result["runs"], {"none": "tab:gray", "dropout": "tab:blue", "noise": "tab:orange"},
        f"Dropout or Gaussian noise on the input pixels, {result['train_size']} "
        f"training digits, mean ± sd over {seeds} seed{'s' if seeds > 1 else ''}"
        f"\n{label}")


def settings_of(evidence, kind, least=1):
    """The test accuracy of each value of `kind` the run tried, in order."""
    values = sorted(evidence.distinct("input_noise", "value", {"kind": kind}))
    if len(values) < least:
        raise Missing(f"input_noise.csv: input {kind} at {least} settings")
    return [SeedRows("input_noise", "test_accuracy", f"test accuracy [input {kind} "
                     f"{value:g}]", ".4f", kind=kind, value=value) for value in values]


def higher_keep(evidence):
    """Input dropout at the highest keep probability run against the lowest."""
    rates = settings_of(evidence, "dropout", least=2)
    return Above(rates[0], rates[-1], floor=SIGNIFICANT).decide(evidence)


def noise_against_dropout(evidence):
    """Each kind's most reliable setting (highest mean - sd), seed by seed."""
    def reliable(ref):
        measure = evidence.measure(ref)
        return measure.value - measure.spread

    noise, dropout = (max(settings_of(evidence, kind), key=reliable)
                      for kind in ("noise", "dropout"))
    return Paired(noise, dropout, floor=SIGNIFICANT).decide(evidence)


INPUT_CLAIMS = [
    Declared("For the input layer the keep probability should be much higher "
             "than for hidden layers (0.5)", Bespoke(higher_keep),
             figures=("input_noise.png",), explain="Keep probability = 1 - drop "
             "rate; compared over the seeds, whose differences change sign."),
    Declared("For the input layer, introducing noise instead of dropout might "
             "perform better", Bespoke(noise_against_dropout),
             figures=("input_noise.png",), explain="Each kind's setting with the "
             "highest mean - sd over seeds: a mean on a wide spread is not "
             "reliably the best."),
    NotTested("Libraries come with dropout scaled by 1/keep in training, so "
              "prediction needs no conversion", "Keras's Dropout is inverted: "
              "kreg's tests/kreg/migration check it, not this script.",
              kind="implementation"),
]
TEST_ACCURACY_GAINED = Paired(*(final("dropout", "test", arm, "test accuracy")
                                for arm in ("dropout", "no_dropout")), floor=SIGNIFICANT)
LENET_CLAIMS = [
    Declared("Dropout (keep 0.5 after the fully connected layers) reduces "
             "LeNet-5's overfitting: a narrower train - test gap",
             TEST_ACCURACY_GAINED, figures=("dropout.png",),
             shows={"gap without dropout": gap("dropout", "no_dropout"),
                    "with it": gap("dropout", "dropout")},
             explain="Less overfitting as in Goodfellow's definition: a lower "
             "test error, not training error. The gap alone, a difference of two "
             "curves each noisier than its narrowing, gives no stable verdict."),
    Declared("Dropout lowers LeNet-5's test error on MNIST", TEST_ACCURACY_GAINED,
             figures=("dropout.png",)),
    NotTested("The article's LeNet-5 dropout figure (its curves)", "An image "
              "with no numbers in the text and no settings; dropout.png is our "
              "run of the same experiment.", kind="number", figures=("dropout.png",)),
]


# ===========================================================================
# 4. Dense-sparse-dense: train dense, prune the small weights and retrain
#    sparse, then re-dense with a small learning rate "which adds back
#    capacity"; beside plain training of the same length.
# ===========================================================================
def train_dsd(loaded, arm, seed, args):
    """A job: one arm (`plain`, `dsd`) from `seed`, of the same length."""
    data, _ = loaded
    dense, sparse, redense = args.dsd_epochs
    total = dense + sparse + redense
    print(f"\n[dsd] LeNet-5, {arm}, {total} epochs, seed {seed}")
    model = compiled_lenet5(seed, args.learning_rate)
    curves = AccuracyHistory({"test": (data.x_test, data.y_test)})
    dsd = DenseSparseDense(dense, sparse, redense, sparsity=args.dsd_sparsity,
                           redense_lr_factor=args.dsd_lr_factor,
                           verbose=1) if arm == "dsd" else None
    _, seconds = fit(model, data.x_train, data.y_train, total, args,
                     [curves] + ([dsd] if dsd else []))
    return {"curves": curves.history, "seconds": seconds,
            "sparsity": ([entry["sparsity"] for entry in dsd.phase_log] if dsd
                         else [exact_zero_fraction(model)] * total),
            "phases": ([dsd.phase_of_epoch(e) for e in range(total)] if dsd
                       else ["plain"] * total),
            "zeros": zero_census(model, data.x_train)}


def dsd_rows(seeds, args):
    dense, sparse, redense = args.dsd_epochs
    rows = []
    for phase, epoch in (("dense", dense), ("sparse", dense + sparse),
                         ("re-dense", dense + sparse + redense)):
        rows += [(f"DSD after {phase} phase (epoch {epoch}): test accuracy",
                  [r["dsd"]["curves"]["test"][epoch - 1] for r in seeds]),
                 (f"DSD after {phase} phase: kernel sparsity",
                  [r["dsd"]["sparsity"][epoch - 1] for r in seeds]),
                 (f"plain training at epoch {epoch}: test accuracy",
                  [r["plain"]["curves"]["test"][epoch - 1] for r in seeds])]
    return rows


def dsd_frames(seeds):
    zeros = stacked(seeds, lambda r: pd.DataFrame([
        {"variant": name, **row} for name in ("plain", "dsd") for row in r[name]["zeros"]]))
    return {"dsd": arms_frame(seeds, ("plain", "dsd"), sparsity="sparsity",
                              phase="phases"), "dsd_zeros": zeros}


def dsd_figures(seeds, args, label):
    dense, sparse, _ = args.dsd_epochs
    arms = {title: (color, seeds[0][arm]["curves"]["epoch"],
                    seeds[0][arm]["curves"]["test"], seeds[0][arm]["sparsity"])
            for arm, title, color in (("plain", "plain training", "tab:gray"),
                                      ("dsd", "dense-sparse-dense", "tab:purple"))}
    return {"dsd.png": plot_sparsity_phases(
        arms, (dense + 1, dense + sparse),
        f"Dense-sparse-dense, {args.dsd_sparsity:.0%} pruned, re-dense learning "
        f"rate x{args.dsd_lr_factor:g}\n{label}")}


# Re-densing restores the pruned connections when at most this fraction of
# the kernel weights is still exactly zero at the end.
RESTORED = 0.01


def phase_end(column, phase, what):
    """The final value (`Final`) of DSD's curve within one phase."""
    return Final("dsd", column, f"{what} at the {phase.replace('red', 're-d')} phase's "
                 "end", ".4f", variant="dsd", phase=phase)


def dead_units(evidence, verdict):
    """The census: are the zeros left the weights of dead units?"""
    try:
        return describe_census(evidence.frame(
            "dsd_zeros", "variant", "layer", "zeros", "zeros_of_dead_units",
            "outputs", "dead_outputs"))
    except Missing:
        return "Why some stay zero is not measured in these results."


SPARSITY = {phase: phase_end("sparsity", phase, "kernel sparsity")
            for phase in ("sparse", "redense")}
TEST_AT = {phase: phase_end("test", phase, "test accuracy") for phase in ("dense", "sparse")}
DSD_CLAIMS = [
    NotTested("DSD's first dense phase serves to find which weights matter, not "
              "their final values", "A statement of purpose, not measured."),
    Declared("Pruning the small weights and retraining sparse keeps the "
             "accuracy: capacity reduced, accuracy maintained",
             AllOf({"capacity reduced": Above(SPARSITY["sparse"], 0),
                    "accuracy maintained": Below(Derived(
                        "test accuracy lost from the dense phase's end to the "
                        "sparse phase's", operator.sub, TEST_AT["dense"],
                        TEST_AT["sparse"], fmt=".4f"), SIGNIFICANT)}),
             figures=("dsd.png",)),
    Declared("Re-densing with a small learning rate adds back capacity: DSD "
             "ends above plain training of the same length (Han et al. "
             "report gains)",
             Paired(final("dsd", "test", "dsd", "test accuracy"),
                    final("dsd", "test", "plain", "test accuracy"), floor=SIGNIFICANT),
             figures=("dsd.png",), shows={"at the sparse phase's end": TEST_AT["sparse"]},
             explain="A control is missing: no plain run with re-dense's "
             "learning-rate drop (--dsd-lr-factor), which alone may raise the "
             "accuracy. Han et al. trained far longer, on larger models."),
    Declared("Re-densing restores the pruned connections (they train again "
             "from zero)",
             AllOf({"most come back": Below(SPARSITY["redense"], SPARSITY["sparse"]),
                    f"all come back (at most {RESTORED:.0%} still zero)": Below(
                        SPARSITY["redense"], RESTORED)}),
             figures=("dsd.png",), explain=dead_units),
    NotTested("DSD shows good results in various domains", "One domain here."),
    NotTested("Han et al.'s DSD figure", "The original paper's, not an experiment."),
]


# ===========================================================================
# 5. Closing: "Regularization ... can significantly improve training results.
#    Don't forget to tune regularization in your models!"
# ===========================================================================
CLOSING_CLAIMS = [
    NotTested("Regularization can significantly improve results; tune it",
              "General advice; no sweep of regularization strength here."),
]


def claims(tables, jitter=None):
    """Article 001's ledger for its LeNet-5 parts, from `tables` as written."""
    return derive("001", OVERFITTING_CLAIMS + AUGMENTATION_CLAIMS
                  + EARLY_STOPPING_CLAIMS + DROPOUT_CLAIMS + INPUT_CLAIMS
                  + LENET_CLAIMS + DSD_CLAIMS + CLOSING_CLAIMS, tables, jitter)


# ===========================================================================
# The run: every section's experiment, table and figures, written at once.
# ===========================================================================
# Per section: its job (one arm, one seed), table rows, CSV tables, figures,
# and what the article says (the table's `article_says`).
PARTS = {
    "dropout": (train_dropout, dropout_rows, dropout_frames, dropout_figures,
                "dropout reduces overfitting (test error >> training error); "
                "LeNet-5 on MNIST, hyper-parameters not optimized, no numbers in "
                "the text"),
    "early_stopping": (train_early_stopping, early_stopping_rows, early_stopping_frames,
                       early_stopping_figures, "training error keeps falling while "
                       "test error gets worse; keep checkpoints and pick the best "
                       "after the fact"),
    "augmentation": (train_augmentation, augmentation_rows, lambda seeds: {
        "augmentation": arms_frame(seeds, ("plain", "augmented"))},
        augmentation_figures, "an overfitting model performs better with more "
        "data; translate a few pixels, rotate, scale"),
    "dsd": (train_dsd, dsd_rows, dsd_frames, dsd_figures, "dense, prune small "
            "weights and retrain sparse, re-dense with a small learning rate, "
            "which adds back capacity (Han et al. report gains)"),
    "input_noise": (train_input_noise, input_noise_rows, lambda result: {
        "input_noise": result["runs"]}, lambda result, args, label: {
        "input_noise.png": figure_input_noise(result, label)}, "for input layers "
        "the keep probability should be much higher; noise instead of dropout "
        "might perform better"),
}


def cost(key, loaded, args):
    """A job's estimated time, to hand out the longest first: per epoch, its
    digits stepped, a third of those evaluated (forward only) and 500 for the
    epoch's fixed cost (measured, quick run: ~0.2 s an epoch, ~0.4 ms a digit)."""
    data, (x_small, _) = loaded
    train, test, small = len(data.x_train), len(data.x_test), len(x_small)
    epochs, stepped, evaluated = {
        "dropout": (args.dropout_epochs, train, train + test),
        "early_stopping": (args.max_epochs, train, len(data.x_val) + test),
        "dsd": (sum(args.dsd_epochs), train, test),
        "augmentation": (args.augment_epochs, small,
                         AUGMENTATION_POINTS * (small + test) / args.augment_epochs),
        "input_noise": (args.input_epochs, small, (small + test) / args.input_epochs),
    }[key[0]]
    return epochs * (500 + stepped + evaluated / 3)


def run(loaded, args):
    """`({section: results per seed}, {section: its trainings' seconds})`:
    every training a job (`harness.training.arm_jobs`), here (`--workers 1`)
    or in workers that each load the data once (`load_data`)."""
    plan = {section: (PARTS[section][0], ARMS.get(section) or tuple(input_variants(
        args.input_drop_rates, args.input_noise_sds)), seeds_of(section, args))
            for section in args.sections}
    runs, seconds = run_arms(
        plan, args.workers, load_data, (args.data, args.seed, args.train_limit,
                                        args.augment_size), at_hand=loaded,
        env=threads_env(THREADS_PER_JOB), extra=(args,), scheduler=args.scheduler,
        cost=lambda key: cost(key, loaded, args))
    x_small = loaded[1][0]
    for r in runs.get("augmentation", []):  # augmented draws of its first digits
        r.update(train_size=len(x_small), examples=augmented_draws(x_small[:6], (
            digit_augmentation(args.translate, args.rotate, args.zoom, r["seed"])),
            r["seed"]))
    if "input_noise" in runs:
        runs["input_noise"] = {"train_size": len(x_small), "runs": pd.DataFrame(
            [r[arm] for arm in plan["input_noise"][1] for r in runs["input_noise"]])}
    return runs, seconds


def headline_rows(runs, args):
    """The table: each section's headline numbers, mean and sd over seeds."""
    return headline_table({s: PARTS[s][1](runs[s], args) for s in SECTIONS if s in runs},
                          {s: PARTS[s][4] for s in SECTIONS})


def curve_frames(runs):
    """The per-epoch and per-run tables, every seed's rows with a `seed`
    column."""
    return {name: frame for section in SECTIONS if section in runs
            for name, frame in PARTS[section][2](runs[section]).items()}


def run_label(args):
    if args.train_limit:
        return marked_label(args, f"training set capped at {args.train_limit:,} digits")
    return marked_label(args, "full setting, the whole training set"
                        if args.full_setting else "the whole training set")


def make_figures(runs, args, data):
    """The figures: the curves of each section's first seed (saying so when
    several ran); input noise, every seed."""
    whole = f"{run_label(args)}; {data.source}"
    small = f"{marked_label(args, 'a small training set by design')}; {data.source}"
    figures = {}
    for section in (s for s in SECTIONS if s in runs):
        seeds, label = runs[section], whole if section in WHOLE_SET else small
        if isinstance(seeds, list) and len(seeds) > 1:
            label += (f"; seed {seeds[0]['seed']} of {len(seeds)} (the table and "
                      "ledger: every seed)")
        figures.update(PARTS[section][3](seeds, args, label))
    return figures


def notes(data, args, runs, section_seconds):
    """The method notes below the ledger, worded for the data the run had
    and the seconds its sections took. What the numbers show is in the
    claims ledger, not here."""
    test_size, train_size = len(data.y_test), len(data.x_train)
    whole = [section_seconds[s] for s in WHOLE_SET if s in section_seconds]
    whole_set_cost = (f"{sum(whole) / args.whole_set_seeds / 60:.0f} minutes a "
                      "seed in this run, its trainings' own times summed"
                      if len(whole) == len(WHOLE_SET) else
                      "not all of these sections ran")
    return f"""\
Notes on the method:

- One test digit is {100 / test_size:.3g} % of accuracy here
  ({test_size:,} test digits). Seeds: {args.whole_set_seeds} for dropout,
  early stopping and DSD on the {train_size:,} training digits
  (`--whole-set-seeds`; {whole_set_cost}), {args.seeds} for augmentation and
  input noise on a stratified {args.augment_size:,} of them (`--seeds`). A
  seed changes the initial weights, the batch order, the dropout masks and
  the augmentation draws; the data and the small set stay those of `--seed`.
- A curve's final value is the mean of its last fifth of points
  (`harness.claims.measures.Final`); an accuracy difference between arms
  counts beyond its spread and beyond {SIGNIFICANT:g}. Accuracies are
  measured in inference mode. The figures draw the first seed's curves.
- Missing units (`dropped_units.csv`): each unit of F5 and F6 dropped at test
  with rate {args.dropout_rate:g}, the others scaled by 1 / (1 - rate).
  Input noise: `dropout R` drops each pixel with rate R, scaling the rest by
  1 / (1 - R); `noise S` adds N(0, S^2) to each pixel in [0, 1]; in training
  only, before C1.
- Dense-sparse-dense: sparsity is the fraction of kernel weights (biases
  excluded) exactly zero; the sparse phase re-applies its mask after every
  batch. `dsd_zeros.csv` counts per kernel the exact zeros and the dead units
  (an input channel 0 for every training digit, or a ReLU unit that never
  fires): a weight of a dead unit gets no gradient.
"""


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    loaded = prepare_data(args)
    data = loaded[0]
    print(f"[kreg] {run_label(args)}; sections: {', '.join(args.sections)}; "
          f"training digits: {len(data.x_train):,}; workers: "
          f"{args.scheduler or args.workers}")
    runs, section_seconds = run(loaded, args)
    table = headline_rows(runs, args)
    write_results(
        args.out, "Dropout, early stopping, augmentation, DSD on LeNet-5 "
        "(article 001)", f"{run_label(args)}; data: {data.description}",
        [("table", table, None)], make_figures(runs, args, data),
        run_metadata("Regularization in deep learning (article 001): dropout, "
                     "early stopping, augmentation, dense-sparse-dense on LeNet-5",
                     args, run_label(args), data,
                     seconds_per_section=section_seconds,
                     wall_seconds=time.perf_counter() - wall_start),
        notes(data, args, runs, section_seconds), csv_files=curve_frames(runs),
        claims=claims)
    return table, runs


if __name__ == "__main__":
    run_script(main)
