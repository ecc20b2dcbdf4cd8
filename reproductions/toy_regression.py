"""Dropout vs batch norm vs L2: a toy regression and an MNIST autoencoder.

Reproduces Tian Qi (Ricky) Chen, "Does Dropout or Batch Normalization actually
perform better than L2 regularization?" (UBC CPSC 522 wiki). A deliberately
too deep network (5 hidden layers of 16 ReLU units) fits 100 noisy points of
a 1-D function given as the polynomial basis [x, x^2, x^3, x^4]; we compare no
regularization, dropout (drop rate 0.1), batch norm and L2, then the same with
one extra pure-noise input, then DropConnect (the article's "further work").
Batch norm's learning-rate insensitivity (lr vs lr/16) and its "caution"
(results move with floating-point details) are measured on this machine.
Experiment 2 trains a 784-256-784 autoencoder on MNIST with no
regularization, dropout 0.5 on the input and dropout 0.5 on the embedding.

The data (the article's formula is lost, see reproductions/harness/data/toy_regression.py):
    x ~ U(-2, 2),  y = sin(2x) + x/2 + N(0, 0.3^2),  200 samples, 100 / 100.

Outputs, in `results/toy_regression/` (replaced atomically):
    table.csv/.md           per setting and method: final train / test MSE,
                            best test MSE, overfitting rise, error fluctuation
    learning_rate.csv/.md   baseline and batch norm at lr and lr/16
    bn_caution.csv/.md      the same models under different floating-point
                            conditions (threads, oneDNN, float64)
    autoencoder.csv/.md     reconstruction error and dead hidden units
    predictions_<setting>.png   learned function over the data, per method
    errors_<setting>.png        train and test error against epoch, per method
    learning_rate.png, bn_caution.png, ae_reconstructions.png,
    ae_weights_<variant>.png    (positive part of each hidden unit's encoder
                                weights as a 28x28 image, as the article shows)
    history.csv, metadata.json, README.md

Run:
    python reproductions/toy_regression.py            # the full setting
    python reproductions/toy_regression.py --quick    # a short look, not it
    python reproductions/toy_regression.py --help

Settings: SGD with momentum 0.9, learning rate 0.01, mini-batches of 20
(5 steps an epoch), 1000 epochs, learning rate divided by 4 after 1/4, 1/2
and 3/4 of the epochs; L2 strength 1e-3 (textbook convention,
0.5 * l2 * sum(W^2)). Errors are measured after every epoch in inference mode
(dropout off, batch norm on its moving statistics).
"""

import os
import sys
import time

from harness.cli.arguments import (
    comma_list,
    finish,
    marked_label,
    non_negative_float,
    number,
    positive_float,
    positive_int,
    rate,
    script_parser,
)
from harness.cli.settings import Setting

METHODS = ("baseline", "dropout", "batchnorm", "l2", "dropconnect")
CONDITIONS = {
    # name: (environment overrides, intra-op threads or None, dtype)
    "reference": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, None, "float32"),
    "intra_threads_1": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, 1, "float32"),
    "intra_threads_2": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, 2, "float32"),
    "onednn_off": ({"TF_ENABLE_ONEDNN_OPTS": "0"}, None, "float32"),
    "float64": ({"TF_ENABLE_ONEDNN_OPTS": "1"}, None, "float64"),
}
# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--epochs", number(int, 4), full=1000, quick=200,
            help="epochs per model"),
    Setting("--only", comma_list(METHODS), full=list(METHODS), dest="methods",
            help=f"the methods to run, a comma-separated subset of "
            f"{', '.join(METHODS)}"),
    Setting("--batch-size", positive_int, full=20, help="examples per SGD step"),
    Setting("--learning-rate", positive_float, full=0.01, help="SGD learning rate"),
    Setting("--momentum", rate, full=0.9, help="SGD momentum"),
    Setting("--dropout-rate", rate, full=0.1,
            help="drop rate of dropout and DropConnect (article: 0.1)"),
    Setting("--l2", non_negative_float, full=1e-3,
            help="L2 strength, textbook convention 0.5*l2*sum(W^2)"),
    Setting("--conditions", comma_list(tuple(CONDITIONS)), full=list(CONDITIONS),
            help="floating-point conditions of the batch-norm caution"),
    Setting("--skip-caution", bool, full=False,
            help="leave out the batch-norm caution (its floating-point conditions)"),
    Setting("--ae-epochs", positive_int, full=30, quick=5,
            help="autoencoder epochs"),
    Setting("--skip-autoencoder", bool, full=False,
            help="leave out the MNIST autoencoder"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "toy_regression", PARAMETERS, data=True)
    return finish(parser, parser.parse_args(argv))


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.toy_regression import make_toy_regression, true_function  # noqa: E402
from harness.jobs import Job, run_jobs  # noqa: E402
from harness.plotting import plot_weight_images  # noqa: E402
from harness.plotting.panels import plot_panels  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices  # noqa: E402
from kreg.layers import DropConnectDense  # noqa: E402
from kreg.regularizers import L2  # noqa: E402

TITLES = {"baseline": "Baseline", "dropout": "Dropout", "batchnorm": "Batch norm",
          "l2": "L2", "dropconnect": "DropConnect"}
SETTINGS = ("plain", "noise")
SETTING_TITLES = {"plain": "input [x, x^2, x^3, x^4]",
                  "noise": "input [x, x^2, x^3, x^4, n], n ~ N(0,1)"}
AE_VARIANTS = ("none", "input_dropout", "hidden_dropout")
AE_TITLES = {"none": "No regularization", "input_dropout": "Dropout 0.5 on the input",
             "hidden_dropout": "Dropout 0.5 on the embedding"}
# Where the learned function is drawn.
GRID = np.linspace(-2, 2, 300)
# What the article says (no numbers are given; its figures only).
ARTICLE = {
    "baseline": "slightly overfits; test error rises while train error falls",
    "dropout": "step-like function; error fluctuates more",
    "batchnorm": "smallest fluctuation; best result",
    "l2": "performs very well (plain), like dropout (noise)",
    "dropconnect": "not run (named as further work)",
}
ARTICLE_NOISE = {
    "baseline": "overfits quickly; test error shoots up",
    "dropout": "still overfits slightly; fluctuations within the noise",
    "batchnorm": "performs the best; finds the optimum quickly",
    "l2": "similar to dropout",
    "dropconnect": "not run (named as further work)",
}


# ---------------------------------------------------------------------------
# The model: 5 hidden layers of 16 ReLU units; dropout / batch norm after
# each linear map and before the ReLU.
# ---------------------------------------------------------------------------
def build_model(method, num_inputs, args, seed, learning_rate=None, dtype=None):
    init = keras.initializers.GlorotUniform
    inputs = keras.Input((num_inputs,), dtype=dtype)
    x = inputs
    for i in range(5):
        kernel_init = init(seed=seed + i)
        if method == "dropconnect":
            x = DropConnectDense(16, rate=args.dropout_rate, kernel_initializer=kernel_init,
                                 seed=seed + 100 + i, dtype=dtype)(x)
        else:
            regularizer = L2(args.l2, convention="textbook") if method == "l2" else None
            x = keras.layers.Dense(16, kernel_initializer=kernel_init,
                                   kernel_regularizer=regularizer, dtype=dtype)(x)
        if method == "dropout":
            x = keras.layers.Dropout(args.dropout_rate, seed=seed + 100 + i, dtype=dtype)(x)
        if method == "batchnorm":
            # Torch7's BatchNormalization momentum 0.1 is Keras' 0.9.
            x = keras.layers.BatchNormalization(momentum=0.9, dtype=dtype)(x)
        x = keras.layers.ReLU(dtype=dtype)(x)
    regularizer = L2(args.l2, convention="textbook") if method == "l2" else None
    outputs = keras.layers.Dense(1, kernel_initializer=init(seed=seed + 5),
                                 kernel_regularizer=regularizer, dtype=dtype)(x)
    model = keras.Model(inputs, outputs, name=method)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate or args.learning_rate,
                                                 momentum=args.momentum),
                  loss="mse")
    return model


def decay_epochs(epochs):
    """The epochs after which the learning rate is divided by 4."""
    return [epochs // 4, epochs // 2, 3 * epochs // 4]


# ---------------------------------------------------------------------------
# Training: one compiled call per epoch, errors after each epoch.
# ---------------------------------------------------------------------------
def train(method, data, args, learning_rate=None, dtype=None, quiet=False):
    keras.utils.set_random_seed(args.seed)
    lr = learning_rate or args.learning_rate
    x_train, x_test = data.features_train, data.features_test
    y_train, y_test = data.y_train, data.y_test
    if dtype == "float64":
        x_train, x_test, y_train, y_test = (a.astype(np.float64) for a in
                                            (x_train, x_test, y_train, y_test))
    model = build_model(method, x_train.shape[1], args, args.seed, lr, dtype)
    loop = CompiledLoop(model, x_train, y_train)
    steps_per_epoch = len(x_train) // args.batch_size
    indices = epoch_batch_indices(len(x_train), args.batch_size,
                                  steps_per_epoch * args.epochs, seed=args.seed)
    train_error = Evaluator(model, x_train, y_train, measure="mse")
    test_error = Evaluator(model, x_test, y_test, measure="mse")
    history = {"epoch": [], "train_mse": [], "test_mse": []}
    drops = decay_epochs(args.epochs)
    start = time.perf_counter()
    label = f"{method}{'' if lr == args.learning_rate else ' lr/16'}"
    with tqdm(total=args.epochs, desc=f"{label:>14}", unit="epoch", file=sys.stdout,
              mininterval=2.0, dynamic_ncols=True, disable=quiet) as bar:
        for epoch in range(args.epochs):
            if epoch in drops:
                model.optimizer.learning_rate.assign(
                    model.optimizer.learning_rate.numpy() / 4)
            loop.run(indices[epoch * steps_per_epoch:(epoch + 1) * steps_per_epoch])
            history["epoch"].append(epoch + 1)
            history["train_mse"].append(train_error())
            history["test_mse"].append(test_error())
            bar.update(1)
            if epoch % 50 == 49:
                bar.set_postfix(test_mse=f"{history['test_mse'][-1]:.4f}")
    return {"model": model, "history": history, "learning_rate": lr,
            "prediction_curve": predict_curve(model, data, GRID),
            "seconds": time.perf_counter() - start}


def fluctuation(errors, first, last):
    """Mean |change of log10(error)| from one epoch to the next over
    epochs [first, last): how much the error jitters while training."""
    log = np.log10(np.asarray(errors[first:last], dtype=np.float64))
    return float(np.mean(np.abs(np.diff(log))))


def summarize(result, epochs):
    train_mse = np.asarray(result["history"]["train_mse"])
    test_mse = np.asarray(result["history"]["test_mse"])
    best = int(np.argmin(test_mse))
    first_phase = decay_epochs(epochs)[0]
    return {
        "final_train_mse": float(train_mse[-1]),
        "final_test_mse": float(test_mse[-1]),
        "best_test_mse": float(test_mse[best]),
        "best_test_epoch": best + 1,
        "test_rise_after_best": float(test_mse[-1] / test_mse[best] - 1),
        "train_fall_after_best": float(1 - train_mse[-1] / train_mse[best]),
        "fluctuation_test": fluctuation(test_mse, 5, first_phase),
        "fluctuation_train": fluctuation(train_mse, 5, first_phase),
    }


def predict_curve(model, data, grid):
    """The learned function over `grid`; the noise input, if any, is 0
    (its mean)."""
    features = data.features(grid, seed=0)
    if data.noise_feature:
        features[:, -1] = 0.0
    return keras.ops.convert_to_numpy(model(features, training=False)).reshape(-1)


def predict_test(model, data):
    return keras.ops.convert_to_numpy(
        model(data.features_test, training=False)).reshape(-1)


# ---------------------------------------------------------------------------
# Batch-norm caution: the same models under other floating-point conditions,
# each in a fresh process (threads and oneDNN are fixed at TF start-up).
# ---------------------------------------------------------------------------
CAUTION_METHODS = ("baseline", "batchnorm")


def caution_job(_, name, args):
    """Runs in a fresh process under condition `name` (its environment set
    at start-up): trains the noise-feature baseline and batch norm; returns
    their curves and test predictions."""
    _, threads, dtype = CONDITIONS[name]
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
    data = make_toy_regression(seed=args.seed, noise_feature=True)
    out = {"condition": name, "threads": threads, "dtype": dtype,
           "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
           "intra_op_threads_seen": tf.config.threading.get_intra_op_parallelism_threads()}
    for method in CAUTION_METHODS:
        result = train(method, data, args, dtype=dtype, quiet=True)
        out[method] = {"test_mse": result["history"]["test_mse"],
                       "train_mse": result["history"]["train_mse"],
                       "test_predictions": predict_test(result["model"], data).tolist()}
    return out


def run_caution(args):
    """One job per condition, each in a process of its own (threads and
    oneDNN are fixed when TensorFlow starts); returns `{condition: results}`."""
    jobs = [Job(name, caution_job, (name, args),
                env={**CONDITIONS[name][0], "TF_CPP_MIN_LOG_LEVEL": "2"},
                own_process=True)
            for name in args.conditions]
    with tqdm(total=len(jobs), desc="bn caution", file=sys.stdout) as bar:
        runs = run_jobs(jobs, on_result=lambda *_: bar.update(1))
    return {name: runs[name] for name in args.conditions}


def caution_table(runs):
    reference = runs.get("reference") or next(iter(runs.values()))
    rows = []
    for name, run in runs.items():
        for method in CAUTION_METHODS:
            test = np.asarray(run[method]["test_mse"])
            ref = np.asarray(reference[method]["test_mse"])
            pred = np.asarray(run[method]["test_predictions"])
            ref_pred = np.asarray(reference[method]["test_predictions"])
            rows.append({
                "condition": name, "method": method, "dtype": run["dtype"],
                "onednn": run["onednn"], "intra_op_threads": run["threads"] or "default",
                "final_test_mse": float(test[-1]),
                "best_test_mse": float(test.min()),
                "max_abs_prediction_change": float(np.abs(pred - ref_pred).max()),
                "max_relative_curve_change": float(np.max(np.abs(test - ref) / ref)),
                "first_epoch_differing": int(np.argmax(test != ref) + 1)
                if np.any(test != ref) else 0,
            })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Experiment 2: the MNIST autoencoder.
# ---------------------------------------------------------------------------
def build_autoencoder(variant, args, seed):
    inputs = keras.Input((784,))
    x = inputs
    if variant == "input_dropout":
        x = keras.layers.Dropout(0.5, seed=seed)(x)
    h = keras.layers.Dense(256, activation="relu", name="encoder",
                           kernel_initializer=keras.initializers.GlorotUniform(seed))(x)
    if variant == "hidden_dropout":
        h = keras.layers.Dropout(0.5, seed=seed)(h)
    out = keras.layers.Dense(784, activation="sigmoid", name="decoder",
                             kernel_initializer=keras.initializers.GlorotUniform(seed + 1))(h)
    model = keras.Model(inputs, out, name=variant)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                  loss="binary_crossentropy")
    return model


def train_autoencoder(variant, data, args):
    keras.utils.set_random_seed(args.seed)
    model = build_autoencoder(variant, args, args.seed)
    loop = CompiledLoop(model, data.x_train, data.x_train)
    steps = args.ae_epochs * (len(data.x_train) // 32)
    indices = epoch_batch_indices(len(data.x_train), 32, steps, seed=args.seed)
    start = time.perf_counter()
    for first in tqdm(range(0, steps, 500), desc=f"ae {variant:>14}", file=sys.stdout):
        loop.run(indices[first:first + 500])
    seconds = time.perf_counter() - start
    encoder = keras.Model(model.input, model.get_layer("encoder").output)
    hidden = keras.ops.convert_to_numpy(encoder(data.x_test, training=False))
    recon = keras.ops.convert_to_numpy(model(data.x_test, training=False))
    active_share = (hidden > 0).mean(axis=0)
    return {
        "model": model, "reconstructions": recon, "seconds": seconds,
        "test_mse": float(np.mean((recon - data.x_test) ** 2)),
        "dead_fraction": float(np.mean(active_share == 0)),
        "rare_fraction": float(np.mean(active_share < 0.01)),
        "encoder_kernel": keras.ops.convert_to_numpy(model.get_layer("encoder").kernel),
    }


AE_ARTICLE = {
    "none": "best reconstruction error; features look like random noise",
    "input_dropout": "blurrier; features more like strokes; many noise-like or "
                     "unused (all black)",
    "hidden_dropout": "blurrier still; features clearly strokes; almost all used",
}


def autoencoder_table(results):
    return pd.DataFrame([{
        "variant": v, "test_mse": r["test_mse"],
        "dead_fraction": r["dead_fraction"],
        "rarely_active_fraction": r["rare_fraction"],
        "runtime_s": r["seconds"], "article": AE_ARTICLE[v]} for v, r in results.items()])


# ---------------------------------------------------------------------------
# Figures and tables.
# ---------------------------------------------------------------------------
def run_label(args):
    return marked_label(args, f"{args.epochs} epochs")


def make_figures(runs, datasets, lr_runs, caution, ae, ae_data, args):
    label = run_label(args)
    figures = {}
    for setting, results in runs.items():
        data = datasets[setting]

        def draw_prediction(ax, method, data=data, results=results):
            ax.scatter(data.x_train, data.y_train, s=8, c="tab:blue", label="train")
            ax.scatter(data.x_test, data.y_test, s=8, c="tab:orange", marker="x",
                       label="test")
            ax.plot(GRID, true_function(GRID), "k--", lw=1, label="true mean")
            ax.plot(GRID, results[method]["prediction_curve"],
                    "r", lw=1.5, label="learned")
            ax.set_ylim(-3, 3)

        figures[f"predictions_{setting}.png"] = plot_panels(
            list(results), draw_prediction, [TITLES[m] for m in results],
            f"Learned function, {SETTING_TITLES[setting]}\n{label}", "x", "y")

        def draw_errors(ax, method, results=results):
            h = results[method]["history"]
            ax.plot(h["epoch"], h["train_mse"], label="train", lw=1)
            ax.plot(h["epoch"], h["test_mse"], label="test", lw=1)
            for e in decay_epochs(args.epochs):
                ax.axvline(e, color="grey", lw=0.5, ls=":")
            ax.set_yscale("log")

        figures[f"errors_{setting}.png"] = plot_panels(
            list(results), draw_errors, [TITLES[m] for m in results],
            f"Train / test MSE against epoch, {SETTING_TITLES[setting]}\n{label}",
            "epoch", "MSE")

    if lr_runs:
        def draw_lr(ax, method):
            for key, style in (("lr", "-"), ("lr/16", "--")):
                h = lr_runs[method][key]["history"]
                ax.plot(h["epoch"], h["test_mse"], style, lw=1, label=f"test, {key}")
                ax.plot(h["epoch"], h["train_mse"], style, lw=1, label=f"train, {key}")
            ax.set_yscale("log")
        figures["learning_rate.png"] = plot_panels(
            list(lr_runs), draw_lr, [f"{TITLES[m]}: lr {args.learning_rate:g} vs /16"
                                     for m in lr_runs],
            f"Learning-rate sensitivity, {SETTING_TITLES['plain']}\n{label}",
            "epoch", "MSE")

    if caution:
        def draw_caution(ax, method):
            for name, run in caution.items():
                ax.plot(np.arange(1, len(run[method]["test_mse"]) + 1),
                        run[method]["test_mse"], lw=1, label=name)
            ax.set_yscale("log")
        figures["bn_caution.png"] = plot_panels(
            list(CAUTION_METHODS), draw_caution,
            [f"{TITLES[m]}: test MSE" for m in CAUTION_METHODS],
            f"Same code and seed, other floating-point conditions (noise feature)\n"
            f"{label}", "epoch", "test MSE")

    if ae:
        ae_label = (f"{'QUICK run, ' if args.quick else ''}{args.ae_epochs} "
                    "autoencoder epochs")
        images = [ae_data.x_test[:10].T] + [r["reconstructions"][:10].T
                                              for r in ae.values()]
        labels = ["test"] * 10 + sum([[v] * 10 for v in ae], [])
        figures["ae_reconstructions.png"] = plot_weight_images(
            np.concatenate(images, axis=1),
            f"Test digits (row 1) and reconstructions: {', '.join(ae)}\n"
            f"{ae_label}; data: {ae_data.source}", rows=len(images),
            labels=[""] * len(labels), clip=(0, 1))
        for variant, result in ae.items():
            kernel = result["encoder_kernel"]
            figures[f"ae_weights_{variant}.png"] = plot_weight_images(
                kernel, f"{AE_TITLES[variant]}: positive encoder weights of the 256 "
                f"hidden units\n{ae_label}", rows=16, labels=[""] * 256,
                clip=(0, float(kernel.max())))
    return figures


def build_table(runs, args):
    rows = []
    for setting, results in runs.items():
        article = ARTICLE if setting == "plain" else ARTICLE_NOISE
        for method, result in results.items():
            rows.append({"setting": setting, "method": method,
                         **summarize(result, args.epochs),
                         "runtime_s": result["seconds"], "article": article[method]})
    return pd.DataFrame(rows)


def learning_rate_table(lr_runs, args):
    rows = []
    for method, pair in lr_runs.items():
        for result in pair.values():
            rows.append({"method": method, "learning_rate": result["learning_rate"],
                         **summarize(result, args.epochs)})
    frame = pd.DataFrame(rows)
    return frame


def history_frame(runs, lr_runs):
    frames = [pd.DataFrame({"setting": s, "method": m, "learning_rate": r["learning_rate"],
                            **r["history"]})
              for s, results in runs.items() for m, r in results.items()]
    frames += [pd.DataFrame({"setting": "plain", "method": m,
                             "learning_rate": r["learning_rate"], **r["history"]})
               for m, pair in lr_runs.items() for k, r in pair.items() if k == "lr/16"]
    return pd.concat(frames, ignore_index=True)


NOTES = """\
Notes on the comparison:

- The article gives figures, not numbers, and its target function was an image
  that is lost; ours is y = sin(2x) + x/2 + N(0, 0.3^2) on x ~ U(-2, 2). The
  "article" column quotes its statements.
- Errors are measured in inference mode after each epoch (dropout off, batch
  norm on moving statistics). `fluctuation_*` is the mean absolute change of
  log10(MSE) from one epoch to the next over the first learning-rate phase
  (epochs 5 to epochs/4): the size of the "perturbations" the article reads
  off its plots. `test_rise_after_best` is final / best test MSE - 1
  (overfitting), `train_fall_after_best` the relative fall of the training
  error over the same epochs.
- The learning-rate table repeats baseline and batch norm with the learning
  rate divided by 16, the article's insensitivity claim: compare the ratio of
  fluctuations and final errors between the two rows of each method.
- Batch-norm caution: the article saw good results on one CPU and bad on
  another. Here each condition is a fresh process on this one machine
  (`intra_threads_N`: TF intra-op threads; `onednn_off`:
  TF_ENABLE_ONEDNN_OPTS=0; `float64`: all layers and data in float64).
  `max_abs_prediction_change` and `max_relative_curve_change` compare with
  the `reference` condition; zeros mean bit-identical training.
- Autoencoder: sigmoid output trained with binary cross-entropy (SGD 0.1,
  momentum 0.9, batch 32); `test_mse` is the pixel MSE of the
  reconstructions. A hidden unit is dead if it is zero on every test image,
  rarely active if on fewer than 1 %. The weight images show the positive
  part of each encoder column (black = zero or negative), as the article's
  "posweights" images.
"""


def notes(ae, ae_data):
    """The notes, with what this run's autoencoder showed of the article's
    "unused (all black)" features."""
    if not ae or any(r["dead_fraction"] > 0 for r in ae.values()):
        return NOTES
    return NOTES + (
        f"- No hidden unit is dead in any autoencoder variant here "
        f"({len(ae_data.x_train):,} training digits):\n  the article's "
        "\"many noise-like or unused (all black)\" features under input "
        "dropout\n  do not appear on this data; compare the "
        "`rarely_active_fraction` column and the\n  weight images for how "
        "the features differ.\n")


def metadata(args, ae_data, wall_seconds, seconds):
    data = {"toy": "y = sin(2x) + x/2 + N(0, 0.3^2), x ~ U(-2, 2), "
                   "200 samples 100/100 (harness.data.toy_regression)",
            "mnist_source": getattr(ae_data, "source", None),
            "mnist_sizes": getattr(ae_data, "sizes", None)}
    return run_metadata(
        "Chen, Does Dropout or Batch Normalization actually perform better "
        "than L2 regularization? (UBC CPSC 522 wiki)", args, run_label(args),
        data, decay_epochs=decay_epochs(args.epochs), seconds=seconds,
        wall_seconds=wall_seconds)


def run_toy(args):
    datasets = {s: make_toy_regression(seed=args.seed, noise_feature=(s == "noise"))
                for s in SETTINGS}
    runs = {s: {m: train(m, datasets[s], args) for m in args.methods} for s in SETTINGS}
    lr_runs = {}
    for method in ("baseline", "batchnorm"):
        if method in args.methods:
            lr_runs[method] = {
                "lr": runs["plain"][method],
                "lr/16": train(method, datasets["plain"], args,
                               learning_rate=args.learning_rate / 16)}
    return datasets, runs, lr_runs


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    # The MNIST of the autoencoder is read first: a bad file stops the run
    # before any training.
    ae_data = None if args.skip_autoencoder else load_mnist(args.data, seed=args.seed)
    print(f"[kreg] {run_label(args)}; methods: {', '.join(args.methods)}")
    datasets, runs, lr_runs = run_toy(args)
    table = build_table(runs, args)
    lr_table = learning_rate_table(lr_runs, args)
    ae = {}
    if ae_data is not None:
        ae = {v: train_autoencoder(v, ae_data, args) for v in AE_VARIANTS}
    caution = {} if args.skip_caution else run_caution(args)
    tables = [("table", table, "### Toy regression")]
    if len(lr_table):
        tables.append(("learning_rate", lr_table,
                       "### Learning rate vs lr/16 (plain setting)"))
    if caution:
        tables.append(("bn_caution", caution_table(caution),
                       "### Batch-norm caution (noise-feature setting)"))
    if ae:
        tables.append(("autoencoder", autoencoder_table(ae), "### MNIST autoencoder"))
    seconds = {f"{s}.{m}": r["seconds"] for s, rs in runs.items()
               for m, r in rs.items()}
    seconds.update({f"autoencoder.{v}": r["seconds"] for v, r in ae.items()})
    write_results(
        args.out, "Dropout vs batch norm vs L2 (Chen, UBC CPSC 522)",
        run_label(args), tables,
        make_figures(runs, datasets, lr_runs, caution, ae, ae_data, args),
        metadata(args, ae_data, time.perf_counter() - wall_start, seconds),
        notes(ae, ae_data),
        csv_files={"history": history_frame(runs, lr_runs)})
    return table


if __name__ == "__main__":
    run_script(main)
