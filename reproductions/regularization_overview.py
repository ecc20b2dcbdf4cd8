"""Regularization in deep learning: augmentation, early stopping, dropout, DSD.

Reproduces "Regularization in deep learning" (article 001) on LeNet-5 and
MNIST, in the article's order (its weight penalties are `iris_histograms.py`'s):
0. overfitting without regularization; 1. augmentation (shifts, rotations,
zoom) on a small set, on LeNet-5 and LeNet-300-100; 2. early stopping on the
validation loss, the best weights restored, the test loss recorded; 3. dropout
after F5 and F6 (keep 0.5) with missing units and thinned networks at test, a
keep-probability sweep and dropout or noise on the input pixels (small set);
4. dense-sparse-dense (kreg's `DenseSparseDense`) beside plain training with
and without re-dense's learning-rate drop. Dropout, early stopping and DSD
train `--whole-set-seeds` seeds on the whole training set, the small-set
sections `--seeds` seeds on `--augment-size` digits. Adam 1e-3, batch 64.

Outputs, in `results/regularization_overview/` (replaced atomically): table.csv
and .md (mean and sd over seeds), per-seed tables (one per section, and
dropped_units.csv, dsd_zeros.csv, dsd_masks.csv), figures over every seed,
claims.csv, metadata.json, README.md. Every training is a job (one-thread
workers, or a Dask cluster with `--scheduler`):
    python reproductions/regularization_overview.py            # full setting
    python reproductions/regularization_overview.py --quick    # a short look
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

SECTIONS = ("dropout", "early_stopping", "augmentation", "dsd", "input_noise",
            "dropout_rates")
# Sections trained once per seed on the whole training set; the others train
# on the small set.
WHOLE_SET = ("dropout", "early_stopping", "dsd")
# Each section's arms, one job each per seed (input noise: `input_variants`).
# `mlp_*`: LeNet-300-100, the second architecture; `negatives`: an 11th class
# of shuffled digits; `lr_drop`: plain training with re-dense's drop, DSD's control.
ARMS = {"dropout": ("no_dropout", "dropout"), "early_stopping": ("restore_best",),
        "augmentation": ("plain", "augmented", "mlp_plain", "mlp_augmented", "negatives"),
        "dsd": ("plain", "dsd", "lr_drop")}
# The full setting; a run that changes any of these, or --quick, is marked so.
PARAMETERS = (
    Setting("--only", comma_list(SECTIONS), full=list(SECTIONS), dest="sections",
            help=f"the sections to run, a comma-separated subset of "
            f"{', '.join(SECTIONS)}"),
    Setting("--train-limit", positive_int, full=None, quick=1000,
            help="at most this many training digits, stratified (none: all)"),
    Setting("--batch-size", positive_int, full=64, help="examples per Adam step, every section"),
    Setting("--learning-rate", positive_float, full=1e-3,
            help="Adam learning rate, every section"),
    Setting("--dropout-rate", rate, full=0.5,
            help="drop rate after F5 and F6, and of hidden units dropped at test"),
    Setting("--dropout-epochs", positive_int, full=15, quick=10, help="dropout: epochs"),
    Setting("--max-epochs", positive_int, full=30, quick=12, help="early stopping: most epochs"),
    Setting("--patience", positive_int, full=5, quick=2,
            help="early stopping: epochs without a lower validation loss"),
    Setting("--augment-size", positive_int, full=500, quick=200,
            help="augmentation and input noise: size of the small training set"),
    Setting("--augment-epochs", positive_int, full=40, help="augmentation: epochs"),
    Setting("--translate", non_negative_float, full=0.1,
            help="augmentation: largest shift, fraction of 28 pixels"),
    Setting("--rotate", non_negative_float, full=10.0,
            help="augmentation: largest rotation in degrees"),
    Setting("--zoom", non_negative_float, full=0.1, help="augmentation: largest zoom, fraction"),
    Setting("--dsd-epochs", comma_separated(positive_int, 3), full=[4, 4, 4],
            quick=[2, 2, 2], help="dense,sparse,re-dense epochs"),
    Setting("--dsd-sparsity", open_fraction, full=0.5,
            help="fraction of each kernel pruned in the sparse phase"),
    Setting("--dsd-lr-factor", positive_float, full=0.1,
            help="learning-rate factor of the re-dense phase"),
    Setting("--input-drop-rates", comma_separated(rate), full=[0.1, 0.2, 0.5],
            quick=[0.2, 0.5], help="input noise: drop rates of dropout on the pixels"),
    Setting("--input-noise-sds", comma_separated(positive_float),
            full=[0.05, 0.1, 0.2, 0.3, 0.5], quick=[0.1, 0.3],
            help="input noise: sds of Gaussian noise added to the pixels (in [0, 1])"),
    Setting("--input-epochs", positive_int, full=40, quick=10,
            help="input noise and the dropout-rate sweep: epochs"),
    Setting("--sweep-drop-rates", comma_separated(rate), full=[0.0, 0.1, 0.3, 0.5, 0.7],
            quick=[0.0, 0.3, 0.5, 0.7], help="small set: drop rates after F5, F6, swept"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds per variant of augmentation and input noise (small set)"),
    Setting("--whole-set-seeds", positive_int, full=3, quick=1,
            help="seeds per variant of dropout, early stopping and DSD (whole "
            "training set): the suite's costliest setting"),
)


# Threads per training job: LeNet-5 trains no faster on two threads than on
# one (two one-thread jobs side by side 10.7 s, in turn on two threads 20.8 s;
# `python benchmarks/threads_per_job.py`, 2-core Intel). The one line to change:
THREADS_PER_JOB = 1


def parse_args(argv=None):
    parser = script_parser(__doc__, "regularization_overview", PARAMETERS, data=True)
    args = parser.parse_args(argv)
    arms = {"input_noise": 1 + len(set(args.input_drop_rates))
            + len(set(args.input_noise_sds)),
            "dropout_rates": len(set(args.sweep_drop_rates))}
    jobs = sum(arms.get(section, len(ARMS.get(section, ()))) * seed_count(section, args)
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
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness.analysis import sweep_rules as sweep  # noqa: E402
from harness.analysis.dropped_units import accuracy_with_units_dropped  # noqa: E402
from harness.analysis.dsd_explanations import against_the_control, dead_units  # noqa: E402
from harness.analysis.early_stopping_rules import after_the_turn, every_run  # noqa: E402
from harness.analysis.early_stopping_runs import (  # noqa: E402
    losses_turn,
    restored_is_chosen,
    stopping_table,
)
from harness.analysis.held_out_loss import cross_entropy  # noqa: E402
from harness.analysis.over_seeds import seed_range  # noqa: E402
from harness.analysis.pruning_masks import pruned_accuracies  # noqa: E402
from harness.analysis.regularization_effect import lowers_test_error_only  # noqa: E402
from harness.analysis.thinned_networks import keras_dropout_scaling, thinned_average  # noqa: E402
from harness.analysis.zero_census import exact_zero_fraction, zero_census  # noqa: E402
from harness.claims.declare import Declared, NotTested, derive  # noqa: E402
from harness.claims.measures import Derived, Final, SeedRows  # noqa: E402
from harness.claims.rules import Above, AllOf, Below, Bespoke, Near, Paired  # noqa: E402
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.random_negatives import shuffled_pixels, with_negatives  # noqa: E402
from harness.data.subsets import capped_with_small_set  # noqa: E402
from harness.models.digit_augmentation import augmented_draws, digit_augmentation  # noqa: E402
from harness.models.input_noise import input_layer, input_variants  # noqa: E402
from harness.models.lenet5 import compiled_lenet5  # noqa: E402
from harness.models.lenet300 import compiled_lenet300  # noqa: E402
from harness.plotting.early_stopping import plot_early_stopping  # noqa: E402
from harness.plotting.image_grid import plot_image_grid  # noqa: E402
from harness.plotting.seed_bars import plot_seed_bars  # noqa: E402
from harness.plotting.sparsity_phases import plot_sparsity_phases  # noqa: E402
from harness.plotting.train_test_curves import plot_train_test_curves  # noqa: E402
from harness.results.overview_headlines import (  # noqa: E402
    augmentation_rows,
    dropout_rows,
    dsd_rows,
    early_stopping_rows,
    sweep_rows,
)
from harness.results.overview_notes import method_notes  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.seed_tables import arms_frame, headline_table, stacked  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import Evaluator  # noqa: E402
from harness.training.accuracy_history import AccuracyHistory  # noqa: E402
from harness.training.learning_rate_drop import LearningRateDrop  # noqa: E402
from kreg.callbacks.dense_sparse_dense import DenseSparseDense  # noqa: E402

# An accuracy difference between two arms counts only beyond the spread and
# beyond half a percentage point: with 3 seeds an sd can come out small by
# chance, and where one seed ran this alone decides.
SIGNIFICANT = 0.005


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


# Each regularizer run here: (table, regularized arm, unregularized arm).
REGULARIZED = {"dropout, whole set": ("dropout", "dropout", "no_dropout"),
               "augmentation, small set": ("augmentation", "augmented", "plain")}
OVERFITTING_CLAIMS = [
    Declared("Regularization reduces generalization error but not training "
             "error (Goodfellow's definition)", AllOf({
                 case: lowers_test_error_only(*arms, SIGNIFICANT)
                 for case, arms in REGULARIZED.items()}),
             figures=("dropout.png", "augmentation.png"),
             explain="dropout.csv and augmentation.csv: train and test, final "
             "values (last fifth of each curve), per seed."),
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
# Held-out negatives (shuffled test digits) whose rejection is measured, and
# the share of them the negatives' class must take to count as learned.
NEGATIVES, REJECTED = 1000, 0.9


def train_augmentation(loaded, arm, seed, args):
    """A job: one arm (`plain`, `augmented`) on the small set, from `seed`."""
    data, (x_small, y_small) = loaded
    print(f"\n[augmentation] LeNet-5 on {len(x_small)} digits, {arm}, seed {seed}")
    compiled = compiled_lenet300 if arm.startswith("mlp_") else compiled_lenet5
    model = compiled(seed, args.learning_rate, augmentation=digit_augmentation(
        args.translate, args.rotate, args.zoom, seed) if arm.endswith("augmented") else (),
        **({"classes": 11} if arm == "negatives" else {}))
    curves = AccuracyHistory({"train": (x_small, y_small),
                              "test": (data.x_test, data.y_test)},
                             every=max(1, args.augment_epochs // AUGMENTATION_POINTS))
    x, y = with_negatives(x_small, y_small, seed) if arm == "negatives" else (x_small, y_small)
    _, seconds = fit(model, x, y, args.augment_epochs, args, [curves])
    unseen = shuffled_pixels(data.x_test[:NEGATIVES], seed + 1)  # held-out negatives
    return {"curves": curves.history, "seconds": seconds, "rejected": Evaluator(
        model, unseen, np.full(len(unseen), 10))() if arm == "negatives" else None}


def augmentation_figures(seeds, args, label):
    first = seeds[0]
    versions = first["examples"].shape[1]
    return {**{name: plot_train_test_curves(
                {arm.removeprefix("mlp_"): (color, [r[arm]["curves"] for r in seeds])
                 for arm, color in ((f"{prefix}plain", "tab:red"),
                                    (f"{prefix}augmented", "tab:blue"))},
                f"Augmentation, {model}, {first['train_size']} training digits\n{label}",
                markers=True)
               for name, model, prefix in (("augmentation.png", "LeNet-5", ""), (
                   "augmentation_lenet300.png", "LeNet-300-100", "mlp_"))
               if f"{prefix}plain" in first},
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
    Declared("For classification, injecting random negatives (unrelated "
             "pictures) is usually feasible", AllOf({
                 "the negatives' class is learned": Above(SeedRows(
                     "negatives", "rejected", "held-out negatives rejected", ".4f"),
                     REJECTED),
                 "the digits lose nothing": Below(Derived(
                     "test accuracy lost to the negatives' class", operator.sub,
                     final("augmentation", "test", "plain", "test accuracy"),
                     final("augmentation", "test", "negatives", "test accuracy"),
                     fmt=".4f"), SIGNIFICANT)}), explain="An 11th class of shuffled "
             "small-set digits (a tenth as many; the same ink, no shape); held-out "
             "ones are shuffled test digits (negatives.csv: rejected)."),
    Declared("Better data helps independently of the architecture", AllOf({
        model: Paired(final("augmentation", "test", f"{prefix}augmented", "test accuracy"),
                      final("augmentation", "test", f"{prefix}plain", "test accuracy"),
                      floor=SIGNIFICANT)
        for model, prefix in (("LeNet-5 (convolutional)", ""),
                              ("LeNet-300-100 (fully connected)", "mlp_"))}),
             figures=("augmentation.png", "augmentation_lenet300.png"),
             explain="The same augmented draws on two architectures "
             "(augmentation.csv: test, variants mlp_plain and mlp_augmented)."),
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
    test_loss = []  # the article's "test error" as the loss early stopping watches
    loss = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: test_loss.append(
        cross_entropy(model, data.x_test, data.y_test)))
    history, seconds = fit(model, data.x_train, data.y_train, args.max_epochs, args,
                           [curves, loss, stopper], validation_data=(data.x_val, data.y_val))
    return {"loss": history["loss"], "val_loss": history["val_loss"],
            "test_curve": curves.history["test"], "test_loss": test_loss,
            "best_epoch": stopper.best_epoch + 1,  # 1-based
            "epochs_run": len(history["loss"]),
            "stopped_early": stopper.stopped_epoch > 0,
            "restored_test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
            "seconds": seconds}


def early_stopping_frames(seeds):
    return {"early_stopping": stacked(seeds, lambda r: stopping_table(
        r["loss"], r["val_loss"], r["test_curve"], r["best_epoch"],
        r["restored_test_accuracy"]).assign(test_loss=r["test_loss"]))}


def early_stopping_figures(seeds, args, label):
    r = seeds[0]
    return {"early_stopping.png": plot_early_stopping(
        r["loss"], r["val_loss"], r["test_curve"], r["best_epoch"],
        r["restored_test_accuracy"], r["stopped_early"], label, r.get("test_loss"))}


# Two test accuracies of one model agree when they differ by less than this.
IDENTICAL = 1e-6
AT_CHOSEN = SeedRows("early_stopping", "test_accuracy",
                     "test accuracy at the chosen epoch", ".4f", chosen=True)
AT_END = Final("early_stopping", "test_accuracy", "final test accuracy", ".4f")
# A rise of the test loss (nats) counts beyond the spread and beyond this.
LOSS_RISE = 0.005
LOSS_TURNS = Paired(Final("early_stopping", "test_loss", "final test loss", ".4f"),
                    SeedRows("early_stopping", "test_loss", "test loss at the chosen "
                             "epoch", ".4f", chosen=True), floor=LOSS_RISE)


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
             figures=("early_stopping.png",),
             explain=after_the_turn(AT_CHOSEN, AT_END, LOSS_TURNS, LOSS_RISE)),
    Declared("After the chosen epoch the test loss rises: the lowest validation "
             "loss marks the minimum test loss", LOSS_TURNS,
             figures=("early_stopping.png",), explain="Test loss: mean softmax "
             "cross-entropy on the test set, inference mode, every epoch."),
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
# Thinned networks (dropout masks drawn at test) against the weight-scaled
# network, and a bare Keras Dropout's scaling.
THINNED = 20
THINNED_COLUMNS = ("thinned_average_accuracy", "weight_scaled_accuracy", "agreement",
                   "kept_value_times_keep", "dropped_fraction", "inference_change")
# The weight-scaled network stands for the average of thinned networks when
# they predict the same class on at least this fraction of the test digits.
AGREEMENT = 0.99
# A float32 identity holds within this.
EXACT = 1e-6


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
                model, data.x_test, data.y_test, HIDDEN, args.dropout_rate, seed),
            **(thinned_average(model, data.x_test, data.y_test, THINNED) if drop else
               dict.fromkeys(THINNED_COLUMNS[:3], float("nan"))),  # no masks to draw
            **keras_dropout_scaling(args.dropout_rate, seed)}


def dropout_frames(seeds):
    units = stacked(seeds, lambda r: pd.DataFrame([
        {"variant": arm, "test_accuracy": r[arm]["curves"]["test"][-1],
         "test_accuracy_units_dropped": r[arm]["units_dropped"],
         **{key: r[arm][key] for key in THINNED_COLUMNS}}
        for arm in ("no_dropout", "dropout")]))
    return {"dropout": arms_frame(seeds, ("no_dropout", "dropout")),
            "dropped_units": units}


def dropout_figures(seeds, args, label):
    arms = {("no dropout" if arm == "no_dropout" else f"dropout {seeds[0][arm]['rate']:g}"):
            (color, [r[arm]["curves"] for r in seeds])
            for arm, color in (("no_dropout", "tab:red"), ("dropout", "tab:blue"))}
    return {"dropout.png": plot_train_test_curves(
        arms, f"LeNet-5 with and without dropout\n{label}")}


# Test accuracy at inference minus with hidden units dropped at test.
LOST = {arm: Derived(f"accuracy lost to missing units [{arm}]", operator.sub, *(
    SeedRows("dropped_units", column, variant=arm)
    for column in ("test_accuracy", "test_accuracy_units_dropped")), fmt=".4f")
    for arm in ("no_dropout", "dropout")}


def thinned(column, what):
    return SeedRows("dropped_units", column, f"{what} [dropout]", ".4f", variant="dropout")


DROPOUT_CLAIMS = [
    Declared("Dropout works by breaking co-adaptation and by averaging 2^n "
             "thinned networks that share weights", AllOf({
                 "co-adaptation broken (robust to missing units)": Paired(
                     LOST["no_dropout"], LOST["dropout"], floor=SIGNIFICANT),
                 f"the weight-scaled network predicts as {THINNED} thinned networks' "
                 "average": Above(thinned("agreement", "agreement of the weight-scaled "
                                          "network with the thinned average"), AGREEMENT),
                 "as accurate": Below(Derived(
                     "thinned average minus weight-scaled accuracy", lambda a, b: abs(a - b),
                     thinned("thinned_average_accuracy", "thinned average accuracy"),
                     thinned("weight_scaled_accuracy", "weight-scaled accuracy"),
                     fmt=".4f"), SIGNIFICANT)}),
             explain=f"dropped_units.csv: test_accuracy_units_dropped (units of F5 "
             f"and F6 missing at test), agreement and thinned_average_accuracy (the "
             f"mean softmax of {THINNED} dropout masks drawn at test)."),
    Declared("Dropout makes the network robust to missing units",
             Paired(LOST["no_dropout"], LOST["dropout"], floor=SIGNIFICANT),
             explain="Units of F5 and F6 dropped at test at --dropout-rate, as "
             "in training: the article's team that builds with workers away."),
]


def small_set_row(loaded, model, seed, args, **row):
    """Trains `model` on the small set for `--input-epochs`: its row of a
    sweep's table (`row`, `seed`, training and test accuracy)."""
    data, (x_small, y_small) = loaded
    print(f"\n[small set] LeNet-5 on {len(x_small)} digits, {row}, seed {seed}")
    _, seconds = fit(model, x_small, y_small, args.input_epochs, args, [])
    return {**row, "seed": seed, "train_accuracy": Evaluator(model, x_small, y_small)(),
            "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
            "seconds": seconds}


def train_input_noise(loaded, variant, seed, args):
    """A job: one input variant (`input_variants`) on the small set."""
    kind, value = input_variants(args.input_drop_rates, args.input_noise_sds)[variant]
    return small_set_row(loaded, compiled_lenet5(seed, args.learning_rate, augmentation=(
        input_layer(kind, value, seed))), seed, args, variant=variant, kind=kind,
        value=value)


def sweep_figure(name, what, colors, order=None):
    """A sweep's figure: test accuracy per variant, mean ± sd and each seed."""
    return lambda result, args, label: {name: plot_seed_bars(
        result["runs"].sort_values(order, kind="stable") if order else result["runs"],
        colors, f"{what}, {result['train_size']} training digits\n{label}")}


INPUT_CLAIMS = [
    Declared("For the input layer the keep probability should be much higher "
             "than for hidden layers (0.5)", Bespoke(sweep.lowest_against_highest(
                 "input_noise", "value", SIGNIFICANT, kind="dropout")),
             figures=("input_noise.png",), explain="Keep probability = 1 - drop "
             "rate; compared over the seeds, whose differences change sign."),
    Declared("For the input layer, introducing noise instead of dropout might "
             "perform better", Bespoke(sweep.reliable_against(
                 "input_noise", "value", ("noise", "dropout"), SIGNIFICANT)),
             figures=("input_noise.png",), explain=lambda evidence, verdict: sweep.sweep_words(
                 evidence, "input_noise", "value", SIGNIFICANT, {"kind": "none"},
                 ("dropout", "noise")) + " Each kind's most reliable setting (highest "
             "mean - sd) decides the row."),
    Declared("Libraries come with dropout scaled by 1/keep in training, so "
             "prediction needs no conversion", AllOf({
                 "kept units scaled by 1/keep": Near(SeedRows(
                     "dropped_units", "kept_value_times_keep", "kept value x keep "
                     "[Keras Dropout, training]", ".6f", variant="dropout"), 1.0, EXACT),
                 "identity at prediction": Below(SeedRows(
                     "dropped_units", "inference_change", "largest change [Keras "
                     "Dropout, inference]", ".2g", variant="dropout"), EXACT)}),
             kind="implementation", explain="A bare keras.layers.Dropout at "
             "--dropout-rate on ones (dropped_units.csv: kept_value_times_keep, "
             "inference_change)."),
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


def train_dropout_rate(loaded, variant, seed, args):
    """A job: dropout at one swept rate (`drop 0.3`) after F5 and F6."""
    rate = float(variant.split()[1])
    return small_set_row(loaded, compiled_lenet5(seed, args.learning_rate, dropout_rate=(
        rate)), seed, args, variant=f"keep {1 - rate:g}", kind="none" if rate == 0
        else "dropout", keep=1 - rate)


SWEEP_CLAIMS = [
    Declared("A keep probability p >= 0.5 is typical; the best p depends "
             "on the problem", AllOf({
                 "the best p >= 0.5 beats every p < 0.5": Bespoke(sweep.split_at(
                     "dropout_rates", "keep", 0.5, SIGNIFICANT)),
                 "the best p here beats the usual 0.5 (p is a problem's own)": Bespoke(
                     sweep.best_against("dropout_rates", "keep", SIGNIFICANT, 0.5))}),
             figures=("dropout_rates.png",),
             explain="dropout_rates.csv: test_accuracy per keep; LeNet-5 on the "
             "small set. The best keep is chosen on the test digits' mean over "
             "seeds (a validation set would be used in practice)."),
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
    masks = {}  # the dense phase's end: its magnitude mask against a random one
    extra = {"plain": [], "lr_drop": [LearningRateDrop(dense + sparse, args.dsd_lr_factor)],
             "dsd": [keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: (
                 epoch + 1 == dense and masks.update(pruned_accuracies(
                     model, data.x_test, data.y_test, args.dsd_sparsity, seed)))), dsd]}
    _, seconds = fit(model, data.x_train, data.y_train, total, args, [curves] + extra[arm])
    return {"curves": curves.history, "seconds": seconds, "masks": masks,
            "sparsity": ([entry["sparsity"] for entry in dsd.phase_log] if dsd
                         else [exact_zero_fraction(model)] * total),
            "phases": ([dsd.phase_of_epoch(e) for e in range(total)] if dsd
                       else ["plain"] * total),
            "zeros": zero_census(model, data.x_train)}


def dsd_frames(seeds):
    zeros = stacked(seeds, lambda r: pd.DataFrame([
        {"variant": name, **row} for name in ("plain", "dsd") for row in r[name]["zeros"]]))
    masks = stacked(seeds, lambda r: pd.DataFrame([
        {"mask": mask, "test_accuracy": accuracy}
        for mask, accuracy in r["dsd"]["masks"].items()]))
    return {"dsd": arms_frame(seeds, ARMS["dsd"], sparsity="sparsity", phase="phases"),
            "dsd_zeros": zeros, "dsd_masks": masks}


def dsd_figures(seeds, args, label):
    dense, sparse, _ = args.dsd_epochs
    arms = {title: (color, seeds[0][arm]["curves"]["epoch"],
                    [r[arm]["curves"]["test"] for r in seeds],
                    [r[arm]["sparsity"] for r in seeds])
            for arm, title, color in (
                ("plain", "plain training", "tab:gray"),
                ("lr_drop", "plain, re-dense's learning-rate drop", "tab:green"),
                ("dsd", "dense-sparse-dense", "tab:purple")) if arm in seeds[0]}
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


DSD_FINAL = {arm: final("dsd", "test", arm, "test accuracy") for arm in ARMS["dsd"]}
AGAINST_DROP = Paired(DSD_FINAL["dsd"], DSD_FINAL["lr_drop"], floor=SIGNIFICANT)  # control


MASKS = {mask: SeedRows("dsd_masks", "test_accuracy", f"test accuracy pruned by {mask} "
                        "mask [dense phase's end]", ".4f", mask=mask)
         for mask in ("magnitude", "random")}
SPARSITY = {phase: phase_end("sparsity", phase, "kernel sparsity")
            for phase in ("sparse", "redense")}
TEST_AT = {phase: phase_end("test", phase, "test accuracy") for phase in ("dense", "sparse")}
DSD_CLAIMS = [
    Declared("DSD's first dense phase serves to find which weights matter, not "
             "their final values", Paired(MASKS["magnitude"], MASKS["random"],
                                          floor=SIGNIFICANT),
             explain="At the dense phase's end each kernel pruned to --dsd-sparsity "
             "by DSD's magnitude mask or at random, no retraining (dsd_masks.csv: "
             "test_accuracy): the dense weights' magnitudes tell which matter."),
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
             Paired(DSD_FINAL["dsd"], DSD_FINAL["plain"], floor=SIGNIFICANT),
             figures=("dsd.png",), shows={"at the sparse phase's end": TEST_AT["sparse"]},
             explain=against_the_control(DSD_FINAL, SIGNIFICANT)),
    Declared("DSD ends above plain training with the same learning-rate drop: "
             "the gain is the pruning's, not the drop's", AGAINST_DROP,
             figures=("dsd.png",), explain="The same seeds, epochs and learning "
             "rates; only the sparse phase differs."),
    Declared("Re-densing restores the pruned connections (they train again "
             "from zero)",
             AllOf({"most come back": Below(SPARSITY["redense"], SPARSITY["sparse"]),
                    f"all come back (at most {RESTORED:.0%} still zero)": Below(
                        SPARSITY["redense"], RESTORED)}),
             figures=("dsd.png",), explain=dead_units),
    NotTested("DSD shows good results in various domains", "Needs data of other "
              "domains (Han et al.'s speech and captioning) the suite does not have."),
    NotTested("Han et al.'s DSD figure", "The original paper's, not an experiment."),
]


# ===========================================================================
# 5. Closing: "Regularization ... can significantly improve training results.
#    Don't forget to tune regularization in your models!"
# ===========================================================================
CLOSING_CLAIMS = [
    Declared("Regularization can significantly improve results; tune it", AllOf({
        "the best keep beats no dropout (keep 1)": Bespoke(sweep.best_against(
            "dropout_rates", "keep", SIGNIFICANT, 1.0)),
        "tuning matters: the best keep beats the worst": Bespoke(sweep.best_against(
            "dropout_rates", "keep", SIGNIFICANT))}),
        figures=("dropout_rates.png",), explain="The dropout-rate sweep on the "
        "small set (dropout_rates.csv: test_accuracy per keep)."),
]


def claims(tables, jitter=None):
    """Article 001's ledger for its LeNet-5 parts, from `tables` as written."""
    return derive("001", OVERFITTING_CLAIMS + AUGMENTATION_CLAIMS
                  + EARLY_STOPPING_CLAIMS + DROPOUT_CLAIMS + INPUT_CLAIMS
                  + LENET_CLAIMS + SWEEP_CLAIMS + DSD_CLAIMS + CLOSING_CLAIMS, tables,
                  jitter)


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
        "augmentation": arms_frame(seeds, ARMS["augmentation"]),
        "negatives": stacked(seeds, lambda r: pd.DataFrame(
            {"rejected": [r["negatives"]["rejected"]]}))},
        augmentation_figures, "an overfitting model performs better with more "
        "data; translate a few pixels, rotate, scale"),
    "dsd": (train_dsd, dsd_rows, dsd_frames, dsd_figures, "dense, prune small "
            "weights and retrain sparse, re-dense with a small learning rate, "
            "which adds back capacity (Han et al. report gains)"),
    "input_noise": (train_input_noise, sweep_rows("input "), lambda result: {
        "input_noise": result["runs"]}, sweep_figure(
            "input_noise.png", "Dropout or Gaussian noise on the input pixels",
            {"none": "tab:gray", "dropout": "tab:blue", "noise": "tab:orange"}),
        "for input layers "
        "the keep probability should be much higher; noise instead of dropout "
        "might perform better"),
    "dropout_rates": (train_dropout_rate, sweep_rows("dropout "), lambda result: {
        "dropout_rates": result["runs"]}, sweep_figure(
            "dropout_rates.png", "Keep probability of dropout after F5 and F6",
            {"none": "tab:gray", "dropout": "tab:blue"}, "keep"), "a keep "
        "probability p >= 0.5 is typical, the best p depends on the problem; tune "
        "regularization"),
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
        "dropout_rates": (args.input_epochs, small, (small + test) / args.input_epochs),
    }[key[0]]
    return epochs * (500 + stepped + evaluated / 3)


def arms_of(section, args):
    """A section's arms: `ARMS`, the input variants, the swept drop rates."""
    if section == "input_noise":
        return tuple(input_variants(args.input_drop_rates, args.input_noise_sds))
    if section == "dropout_rates":
        return tuple(f"drop {r:g}" for r in dict.fromkeys(args.sweep_drop_rates))
    return ARMS[section]


def run(loaded, args):
    """`({section: results per seed}, {section: its trainings' seconds})`:
    every training a job (`harness.training.arm_jobs`), here (`--workers 1`)
    or in workers that each load the data once (`load_data`)."""
    plan = {section: (PARTS[section][0], arms_of(section, args), seeds_of(section, args))
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
    for section in ("input_noise", "dropout_rates"):  # one row per arm and seed
        if section in runs:
            runs[section] = {"train_size": len(x_small), "runs": pd.DataFrame(
                [r[arm] for arm in plan[section][1] for r in runs[section]])}
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
    """The figures: curves as their mean and the seeds' range, the sweeps
    as mean ± sd with each seed; early stopping, the first seed's run."""
    whole = f"{run_label(args)}; {data.source}"
    small = f"{marked_label(args, 'a small training set by design')}; {data.source}"
    figures = {}
    for section in (s for s in SECTIONS if s in runs):
        seeds, label = runs[section], whole if section in WHOLE_SET else small
        if isinstance(seeds, list) and len(seeds) > 1:
            label += (f";\nmean and range (band) over {len(seeds)} seeds" if section !=
                      "early_stopping" else f"; seed {seeds[0]['seed']} of {len(seeds)}")
        figures.update(PARTS[section][3](seeds, args, label))
    return figures


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
        method_notes(data, args, section_seconds, WHOLE_SET, SIGNIFICANT),
        csv_files=curve_frames(runs),
        claims=claims)
    return table, runs


if __name__ == "__main__":
    run_script(main)
