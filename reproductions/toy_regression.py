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
                            best test MSE, overfitting rise, error fluctuation,
                            distance of the fit from the true mean, wiggle
    learning_rate.csv/.md   baseline and batch norm at lr and lr/16
    bn_caution.csv/.md      the same models under different floating-point
                            conditions (threads, oneDNN, float64)
    autoencoder.csv/.md     reconstruction error, dead and all-black hidden
                            units, roughness of the weight images (mean and
                            sd over --ae-seeds seeds)
    claims.csv              every claim of the article, its status and why
    predictions_<setting>.png   learned function over the data, per method
    errors_<setting>.png        train and test error against epoch, per method
    learning_rate.png, bn_caution.png, ae_reconstructions.png,
    ae_weights_<variant>.png    (positive part of each hidden unit's encoder
                                weights as a 28x28 image, as the article shows)
    history.csv, metadata.json (with the MNIST files' hashes), README.md

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
    comma_separated,
    finish,
    marked_label,
    non_negative_float,
    number,
    positive_float,
    positive_int,
    rate,
    script_parser,
    settle_data,
)
from harness.cli.settings import Setting

METHODS = ("baseline", "dropout", "batchnorm", "l2", "dropconnect")
SECTIONS = ("l2_sweep", "caution", "autoencoder")
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
    Setting("--only", comma_list(METHODS + SECTIONS), full=list(METHODS + SECTIONS),
            help=f"what to run, a comma-separated subset of the methods "
            f"{', '.join(METHODS)} (at least one) and the sections "
            f"{', '.join(SECTIONS)} (L2 at the other weights of --l2-sweep; "
            "the batch-norm caution under other floating-point conditions; "
            "the MNIST autoencoder)"),
    Setting("--batch-size", positive_int, full=20, help="examples per SGD step"),
    Setting("--learning-rate", positive_float, full=0.01, help="SGD learning rate"),
    Setting("--momentum", rate, full=0.9, help="SGD momentum"),
    Setting("--dropout-rate", rate, full=0.1,
            help="drop rate of dropout (plain input) and of DropConnect "
            "(article: 0.1)"),
    Setting("--noise-dropout-rate", rate, full=0.12,
            help="drop rate of dropout with the noise feature (the article's "
            "figure names: Dropout-0.12)"),
    Setting("--l2", non_negative_float, full=1e-3,
            help="L2 strength, textbook convention 0.5*l2*sum(W^2)"),
    Setting("--l2-sweep", comma_separated(non_negative_float), full=[0.01, 0.1, 1.0],
            help="the l2_sweep section's other L2 strengths, both settings (the "
            "article's figure names say L2-1)"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="training seeds per toy-regression model (initial weights, "
            "batch order, dropout masks; the data stay those of --seed): the "
            "tables give the mean and sd over them, the figures the first"),
    Setting("--conditions", comma_list(tuple(CONDITIONS)), full=list(CONDITIONS),
            help="floating-point conditions of the batch-norm caution"),
    Setting("--ae-epochs", positive_int, full=30, quick=5,
            help="autoencoder epochs"),
    Setting("--ae-seeds", positive_int, full=3, quick=1,
            help="training seeds per autoencoder (initial weights, batch "
            "order, dropout masks; the data stay those of --seed): "
            "autoencoder.csv gives the mean and sd over them, the figures the "
            "first"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "toy_regression", PARAMETERS, data=True)
    args = parser.parse_args(argv)
    args.methods = [m for m in args.only if m in METHODS]
    if not args.methods:
        parser.error(f"argument --only: expected at least one method of "
                     f"{', '.join(METHODS)}; received {','.join(args.only)!r}")
    args.caution = "caution" in args.only
    args.autoencoder = "autoencoder" in args.only
    args.sweep = "l2_sweep" in args.only
    return finish(parser, args)


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.analysis.image_smoothness import roughness  # noqa: E402
from harness.analysis.over_seeds import (  # noqa: E402
    mean_and_sd,
    per_seed,
    seed_range,
    seed_statistics,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.toy_regression import make_toy_regression, true_function  # noqa: E402
from harness.jobs import Job, run_jobs  # noqa: E402
from harness.plotting import plot_weight_images  # noqa: E402
from harness.plotting.panels import plot_panels  # noqa: E402
from harness.results.claims import Claim, beyond_spread, decide, mean_sd, not_tested  # noqa: E402
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
def build_model(method, num_inputs, args, seed, learning_rate=None, dtype=None,
                drop_rate=None, l2=None):
    """`drop_rate` (default `--dropout-rate`) and `l2` (default `--l2`) set
    the dropout and L2 methods' strengths."""
    drop_rate = args.dropout_rate if drop_rate is None else drop_rate
    l2 = args.l2 if l2 is None else l2
    init = keras.initializers.GlorotUniform
    inputs = keras.Input((num_inputs,), dtype=dtype)
    x = inputs
    for i in range(5):
        kernel_init = init(seed=seed + i)
        if method == "dropconnect":
            x = DropConnectDense(16, rate=args.dropout_rate, kernel_initializer=kernel_init,
                                 seed=seed + 100 + i, dtype=dtype)(x)
        else:
            regularizer = L2(l2, convention="textbook") if method == "l2" else None
            x = keras.layers.Dense(16, kernel_initializer=kernel_init,
                                   kernel_regularizer=regularizer, dtype=dtype)(x)
        if method == "dropout":
            x = keras.layers.Dropout(drop_rate, seed=seed + 100 + i, dtype=dtype)(x)
        if method == "batchnorm":
            # Torch7's BatchNormalization momentum 0.1 is Keras' 0.9.
            x = keras.layers.BatchNormalization(momentum=0.9, dtype=dtype)(x)
        x = keras.layers.ReLU(dtype=dtype)(x)
    regularizer = L2(l2, convention="textbook") if method == "l2" else None
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
def drop_rate(data, args):
    """Dropout's drop rate for the data's setting: the noise feature's own
    (the article's figure names), else `--dropout-rate`."""
    return args.noise_dropout_rate if data.noise_feature else args.dropout_rate


def train(method, data, args, learning_rate=None, dtype=None, quiet=False, seed=None,
          l2=None):
    """Trains one model on `data`; `seed` (default `--seed`) sets the initial
    weights, the batch order and the dropout masks, `l2` the L2 method's
    strength (default `--l2`)."""
    seed = args.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
    lr = learning_rate or args.learning_rate
    x_train, x_test = data.features_train, data.features_test
    y_train, y_test = data.y_train, data.y_test
    if dtype == "float64":
        x_train, x_test, y_train, y_test = (a.astype(np.float64) for a in
                                            (x_train, x_test, y_train, y_test))
    model = build_model(method, x_train.shape[1], args, seed, lr, dtype,
                        drop_rate=drop_rate(data, args), l2=l2)
    loop = CompiledLoop(model, x_train, y_train)
    steps_per_epoch = len(x_train) // args.batch_size
    indices = epoch_batch_indices(len(x_train), args.batch_size,
                                  steps_per_epoch * args.epochs, seed=seed)
    train_error = Evaluator(model, x_train, y_train, measure="mse")
    test_error = Evaluator(model, x_test, y_test, measure="mse")
    history = {"epoch": [], "train_mse": [], "test_mse": []}
    drops = decay_epochs(args.epochs)
    start = time.perf_counter()
    label = (f"{method}{'' if lr == args.learning_rate else ' lr/16'}"
             f"{'' if l2 is None else f' {l2:g}'}{'' if seed == args.seed else f' s{seed}'}")
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
    curve = predict_curve(model, data, GRID)
    test_prediction = predict_test(model, data)
    return {"model": model, "history": history, "learning_rate": lr,
            "prediction_curve": curve,
            "test_prediction": test_prediction,
            "test_rms_from_mean": rms_from_mean(test_prediction, data.x_test),
            "curve_wiggle": wiggle(curve, GRID),
            "seconds": time.perf_counter() - start}


def rms_from_mean(predictions, x):
    """Root mean square distance of `predictions` (at inputs `x`) from the
    noise-free mean of the target: how far the learned function strays, to
    set beside the noise sd of the targets (0.3)."""
    return float(np.sqrt(np.mean((np.asarray(predictions, np.float64)
                                  - true_function(np.asarray(x))) ** 2)))


def wiggle(curve, grid):
    """Total variation (sum of |rise and fall|) of a learned curve over
    `grid`, relative to that of the true mean: 1 for as many ups and downs
    as the true function, above 1 for zigs and zags of its own."""
    truth = np.abs(np.diff(true_function(grid))).sum()
    return float(np.abs(np.diff(np.asarray(curve, np.float64))).sum() / truth)


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


def train_autoencoder(variant, data, args, seed=None):
    """Trains one autoencoder; `seed` (default `--seed`) sets the initial
    weights, the batch order and the dropout masks."""
    seed = args.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
    model = build_autoencoder(variant, args, seed)
    loop = CompiledLoop(model, data.x_train, data.x_train)
    steps = args.ae_epochs * (len(data.x_train) // 32)
    indices = epoch_batch_indices(len(data.x_train), 32, steps, seed=seed)
    start = time.perf_counter()
    desc = f"ae {variant:>14}{'' if seed == args.seed else f' s{seed}'}"
    for first in tqdm(range(0, steps, 500), desc=desc, file=sys.stdout):
        loop.run(indices[first:first + 500])
    seconds = time.perf_counter() - start
    encoder = keras.Model(model.input, model.get_layer("encoder").output)
    hidden = keras.ops.convert_to_numpy(encoder(data.x_test, training=False))
    recon = keras.ops.convert_to_numpy(model(data.x_test, training=False))
    active_share = (hidden > 0).mean(axis=0)
    kernel = keras.ops.convert_to_numpy(model.get_layer("encoder").kernel)
    positive = np.maximum(kernel, 0.0)
    weight_roughness = roughness(positive)
    shuffled_roughness = roughness(np.random.default_rng(seed).permuted(positive, axis=0))
    return {
        "model": model, "reconstructions": recon, "seconds": seconds,
        "test_mse": float(np.mean((recon - data.x_test) ** 2)),
        "dead_fraction": float(np.mean(active_share == 0)),
        "rare_fraction": float(np.mean(active_share < 0.01)),
        "dark_fraction": float(np.mean(positive.max(axis=0) < DARK * positive.max())),
        "weight_roughness": weight_roughness,
        "shuffled_roughness": shuffled_roughness,
        "relative_roughness": weight_roughness / shuffled_roughness,
        "encoder_kernel": kernel,
    }


# A unit's weight image is drawn (nearly) all black when its largest weight
# is under this share of the largest weight of all units (the colour scale).
DARK = 0.1


AE_ARTICLE = {
    "none": "best reconstruction error; features look like random noise",
    "input_dropout": "blurrier; features more like strokes; many noise-like or "
                     "unused (all black)",
    "hidden_dropout": "blurrier still; features clearly strokes; almost all used",
}


def run_autoencoders(data, args):
    """Every autoencoder variant on every seed of `--ae-seeds`:
    `{seed: {variant: result}}`, `--seed` first."""
    return {seed: {v: train_autoencoder(v, data, args, seed) for v in AE_VARIANTS}
            for seed in seed_range(args.seed, args.ae_seeds)}


def autoencoder_table(repeats):
    """One row per variant: each measure's mean over the seeds of `repeats`
    (`run_autoencoders`), its sd (`<column>_sd`) and `seeds`."""
    rows = [{"variant": v, "seed": seed, "test_mse": r["test_mse"],
             "dead_fraction": r["dead_fraction"],
             "rarely_active_fraction": r["rare_fraction"],
             "dark_unit_fraction": r["dark_fraction"],
             "weight_roughness": r["weight_roughness"],
             "shuffled_roughness": r["shuffled_roughness"],
             "relative_roughness": r["relative_roughness"],
             "runtime_s": r["seconds"]}
            for seed, results in repeats.items() for v, r in results.items()]
    table = over_seeds(rows, ["variant"])
    table["article"] = table["variant"].map(AE_ARTICLE)
    return table


# ---------------------------------------------------------------------------
# Figures and tables.
# ---------------------------------------------------------------------------
def run_label(args):
    seeds = (f", curves of seed {args.seed} of {args.seeds} training seeds"
             if getattr(args, "seeds", 1) > 1 else "")
    return marked_label(args, f"{args.epochs} epochs{seeds}")


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
            ax.plot(GRID, results[method]["prediction_curve"], "r", lw=1.5,
                    label="learned" + (", noise input 0" if data.noise_feature else ""))
            if data.noise_feature:
                # What the model predicts with each test point's own noise
                # input: the fluctuations the article describes.
                ax.scatter(data.x_test, results[method]["test_prediction"], s=10,
                           c="tab:red", marker="D", alpha=0.6,
                           label="learned at the test points, own noise input")
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
        ae_seeds = getattr(args, "ae_seeds", 1)
        ae_label = (f"{'QUICK run, ' if args.quick else ''}{args.ae_epochs} "
                    "autoencoder epochs" + (f", seed {args.seed} of {ae_seeds} (the "
                                            "table and ledger: every seed)"
                                            if ae_seeds > 1 else ""))
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


# What a run's row holds, besides `summarize`: averaged over the seeds.
def run_row(result, args):
    return {**summarize(result, args.epochs),
            "final_tail_test_mse": final_error(result["history"]["test_mse"])[0],
            "test_rms_from_mean": result["test_rms_from_mean"],
            "curve_wiggle": result["curve_wiggle"], "runtime_s": result["seconds"]}


def over_seeds(rows, keys):
    """`rows` (one per run, with `seed`) as means and sds over the seeds."""
    frame = pd.DataFrame(rows)
    columns = [c for c in frame.columns if c not in (*keys, "seed")]
    return seed_statistics(frame, keys, columns)


def build_table(repeats, args):
    rows = [{"setting": setting, "method": method, "seed": seed, **run_row(r, args)}
            for seed, rep in repeats.items()
            for setting, results in rep["runs"].items()
            for method, r in results.items()]
    table = over_seeds(rows, ["setting", "method"])
    table.insert(2, "strength", [strength(m, s, args) for s, m in
                                 zip(table["setting"], table["method"])])
    table["article"] = [(ARTICLE if s == "plain" else ARTICLE_NOISE)[m]
                        for s, m in zip(table["setting"], table["method"])]
    return table


def strength(method, setting, args):
    """A method's strength in a setting: the drop rate of dropout and
    DropConnect, the L2 weight; NaN for the others."""
    if method == "dropout":
        return args.noise_dropout_rate if setting == "noise" else args.dropout_rate
    return {"dropconnect": args.dropout_rate, "l2": args.l2}.get(method, np.nan)


def learning_rate_table(repeats, args):
    rows = [{"method": method, "learning_rate": r["learning_rate"], "seed": seed,
             **summarize(r, args.epochs)}
            for seed, rep in repeats.items()
            for method, pair in rep["lr_runs"].items() for r in pair.values()]
    return over_seeds(rows, ["method", "learning_rate"]) if rows else pd.DataFrame()


def sweep_table(repeats, args):
    """L2 at each strength of the sweep and at `--l2`, both settings."""
    rows = []
    for seed, rep in repeats.items():
        if not rep["sweep"]:
            continue
        for setting in SETTINGS:
            if "l2" in rep["runs"][setting]:
                rows.append({"setting": setting, "l2": args.l2, "seed": seed,
                             **run_row(rep["runs"][setting]["l2"], args)})
            for (where, l2), r in rep["sweep"].items():
                if where == setting:
                    rows.append({"setting": setting, "l2": l2, "seed": seed,
                                 **run_row(r, args)})
    if not rows:
        return pd.DataFrame()
    return over_seeds(rows, ["setting", "l2"]).sort_values(
        ["setting", "l2"], ignore_index=True)


def history_frame(repeats):
    frames = []
    for seed, rep in repeats.items():
        frames += [pd.DataFrame({"setting": s, "method": m, "seed": seed,
                                 "learning_rate": r["learning_rate"], **r["history"]})
                   for s, results in rep["runs"].items() for m, r in results.items()]
        frames += [pd.DataFrame({"setting": "plain", "method": m, "seed": seed,
                                 "learning_rate": r["learning_rate"], **r["history"]})
                   for m, pair in rep["lr_runs"].items() for k, r in pair.items()
                   if k == "lr/16"]
    return pd.concat(frames, ignore_index=True)


NOTES = """\
Notes on the comparison:

- The article gives figures, not numbers, and its target function was an image
  that is lost; ours is y = sin(2x) + x/2 + N(0, 0.3^2) on x ~ U(-2, 2). The
  "article" column quotes its statements; the ledger above decides them.
- Errors are measured in inference mode after each epoch (dropout off, batch
  norm on moving statistics). `fluctuation_*` is the mean absolute change of
  log10(MSE) from one epoch to the next over the first learning-rate phase
  (epochs 5 to epochs/4): the size of the "perturbations" the article reads
  off its plots. `test_rise_after_best` is final / best test MSE - 1
  (overfitting), `train_fall_after_best` the relative fall of the training
  error over the same epochs.
- `test_rms_from_mean` is the root mean square distance of the final model's
  test predictions (each test point with its own noise input, if any) from
  the noise-free mean sin(2x) + x/2; the targets' noise sd is 0.3.
  `curve_wiggle` is the total variation of the drawn learned curve (noise
  input at 0) over that of the true mean (1: as many ups and downs).
- Each toy-regression model is trained on every training seed (`--seeds`:
  initial weights, batch order and dropout masks change; the 200 data points
  stay the same). table.csv, learning_rate.csv and l2_sweep.csv give the
  mean over the seeds and its sd (`<column>_sd`; `seeds` counts them);
  history.csv holds every seed's curves. The figures show the first seed.
  `final_tail_test_mse` is a run's mean test error over the last tenth of
  the epochs. The batch-norm caution runs one seed.
- Settings from the article's figure names: dropout with the noise feature
  at drop rate 0.12 ("Dropout-0.12"); the plain setting at 0.1
  ("Dropout-0.1"); the `strength` column gives each method's. The names'
  "L2-1" has no stated convention: the `l2_sweep` section runs L2 at weights
  0.01, 0.1 and 1 beside the script's 0.001 (0.5 * l2 * sum(W^2)).
- The learning-rate table repeats baseline and batch norm with the learning
  rate divided by 16 (plain setting).
- Batch-norm caution: each condition is a fresh process on this one machine
  (`intra_threads_N`: TF intra-op threads; `onednn_off`:
  TF_ENABLE_ONEDNN_OPTS=0; `float64`: all layers and data in float64), on the
  noise-feature setting. `max_abs_prediction_change` and
  `max_relative_curve_change` compare with the `reference` condition; zeros
  mean bit-identical training.
- Autoencoder: sigmoid output trained with binary cross-entropy (SGD 0.1,
  momentum 0.9, batch 32); `test_mse` is the pixel MSE of the
  reconstructions. A hidden unit is dead if it is zero on every test image,
  rarely active if on fewer than 1 %. The weight images show the positive
  part of each encoder column (black = zero or negative), as the article's
  "posweights" images; `dark_unit_fraction` is the share of units whose
  image is drawn (nearly) all black (largest weight under 10 % of the
  colour scale). `weight_roughness` is the mean absolute difference of
  neighbouring pixels of those images over their mean absolute value
  (harness.analysis.image_smoothness); `shuffled_roughness` the same with
  each image's pixels shuffled: the score of noise with the same values;
  `relative_roughness` their ratio (1: as rough as noise).
- Each autoencoder is trained on every seed of `--ae-seeds` (initial
  weights, batch order, dropout masks; the same MNIST split): autoencoder.csv
  gives the mean over the seeds and its sd (`<column>_sd`; `seeds` counts
  them). The figures show the first seed.
"""


def metadata(args, ae_data, wall_seconds, seconds):
    data = {"toy": "y = sin(2x) + x/2 + N(0, 0.3^2), x ~ U(-2, 2), "
                   "200 samples 100/100 (harness.data.toy_regression)",
            "mnist_source": getattr(ae_data, "source", None),
            "mnist_sizes": getattr(ae_data, "sizes", None),
            "mnist_description": getattr(ae_data, "description", None),
            "mnist_files": getattr(ae_data, "files", None)}
    return run_metadata(
        "Chen, Does Dropout or Batch Normalization actually perform better "
        "than L2 regularization? (UBC CPSC 522 wiki)", args, run_label(args),
        data, decay_epochs=decay_epochs(args.epochs), seconds=seconds,
        wall_seconds=wall_seconds)


def run_toy(args):
    """Every method in both settings, and baseline and batch norm at lr/16,
    on every training seed. Returns the data sets, the first seed's `runs`
    and `lr_runs` (the figures), and `repeats`: `{seed: {"runs": ...,
    "lr_runs": ..., "sweep": ...}}` for the tables, the sweep at the other
    L2 strengths included where run."""
    datasets = {s: make_toy_regression(seed=args.seed, noise_feature=(s == "noise"))
                for s in SETTINGS}
    repeats = {}
    for seed in seed_range(args.seed, args.seeds):
        runs = {s: {m: train(m, datasets[s], args, seed=seed) for m in args.methods}
                for s in SETTINGS}
        lr_runs = {}
        for method in ("baseline", "batchnorm"):
            if method in args.methods:
                lr_runs[method] = {
                    "lr": runs["plain"][method],
                    "lr/16": train(method, datasets["plain"], args, seed=seed,
                                   learning_rate=args.learning_rate / 16)}
        sweep = {(s, l2): train("l2", datasets[s], args, seed=seed, l2=l2)
                 for s in SETTINGS for l2 in args.l2_sweep} if args.sweep else {}
        repeats[seed] = {"runs": runs, "lr_runs": lr_runs, "sweep": sweep}
    first = repeats[args.seed]
    return datasets, first["runs"], first["lr_runs"], repeats


def result_tables(repeats, caution, ae, args):
    """The tables of the results folder, as `write_results` takes them, and
    the extra CSV files: `(tables, csv_files)`."""
    table = build_table(repeats, args)
    lr_table = learning_rate_table(repeats, args)
    tables = [("table", table, "### Toy regression")]
    if len(lr_table):
        tables.append(("learning_rate", lr_table,
                       "### Learning rate vs lr/16 (plain setting)"))
    sweep = sweep_table(repeats, args)
    if len(sweep):
        tables.append(("l2_sweep", sweep, "### L2 at other strengths"))
    if caution:
        tables.append(("bn_caution", caution_table(caution),
                       "### Batch-norm caution (noise-feature setting)"))
    if ae:
        tables.append(("autoencoder", autoencoder_table(ae), "### MNIST autoencoder"))
    return tables, {"history": history_frame(repeats)}


# ---------------------------------------------------------------------------
# The claims ledger: every claim of the article, decided from the written
# tables alone (harness.results.claims).
# ---------------------------------------------------------------------------
# A noisy comparison of the toy regression is decided on the mean and sd
# over the training seeds (`--seeds`; table.csv's `<column>_sd`, or each
# seed's curve in history.csv). A final error is each run's mean over the
# last FINAL_SHARE of the epochs.
FINAL_SHARE = 0.1
# The targets' noise sd (harness.data.toy_regression).
NOISE_SD = 0.3
# Overfitting: the test error ends over RISE above its best while the
# training error falls by over RISE.
RISE = 0.05
# Two errors are "similar" within this relative difference; a method
# "performs very well" within it of the best.
SIMILAR = 0.10
# A measure is "reduced" when it falls by at least this share.
REDUCES = 0.25
# Floating-point conditions: a change of the test-error curve above CHANGED
# (relative) counts as a change; of the final test error above VAST, as
# "vastly different results".
CHANGED = 0.05
VAST = 0.20
# The autoencoder: a difference of reconstruction error or roughness counts
# when beyond the spread over its seeds (`--ae-seeds`); with one seed, when
# beyond this relative margin.
AE_MARGIN = 0.05
# Noise-like weight images: roughness at least this share of the same
# pixels shuffled.
NOISE_LIKE = 0.8
# "Many" units unused: at least this share; "almost all" used: at most it
# unused.
MANY = 0.10
ALMOST_ALL = 0.05
# The article's own methods (DropConnect is only named as further work).
ARTICLE_METHODS = ("baseline", "dropout", "batchnorm", "l2")


def seeds_in(history):
    """The training seeds of history.csv (`[None]` for a file without them)."""
    return sorted(history["seed"].unique()) if "seed" in history else [None]


def run_errors(history, setting, method, lowest_rate=False, seed=None):
    """The test-error curve of one run in history.csv (the run at the
    script's learning rate, or at lr/16 with `lowest_rate`; of `seed`, by
    default the first), or None."""
    rows = history[(history["setting"] == setting) & (history["method"] == method)]
    if rows.empty:
        return None
    if "seed" in rows:
        rows = rows[rows["seed"] == (rows["seed"].min() if seed is None else seed)]
    rate = rows["learning_rate"].min() if lowest_rate else rows["learning_rate"].max()
    rows = rows[rows["learning_rate"] == rate].sort_values("epoch")
    return rows["test_mse"].to_numpy(np.float64)


def over_seeds_of(history, setting, method, measure, lowest_rate=False):
    """`(mean, sd)` over the training seeds of `measure(test-error curve)`."""
    return per_seed([measure(run_errors(history, setting, method, lowest_rate, seed))
                     for seed in seeds_in(history)])


def first_phase_fluctuation(errors):
    """The `fluctuation_test` of the table: epochs 5 to epochs/4."""
    return fluctuation(errors, 5, decay_epochs(len(errors))[0])


def last_phase_fluctuation(errors):
    """The same over the last learning-rate phase (after the last drop)."""
    return fluctuation(errors, decay_epochs(len(errors))[2] + 5, len(errors))


def final_error(errors):
    """Mean and sd of the test error over the last `FINAL_SHARE` of the
    epochs."""
    tail = np.asarray(errors[-max(2, int(len(errors) * FINAL_SHARE)):])
    return float(tail.mean()), float(tail.std(ddof=1))


def first_epoch_below(errors, target):
    """The first epoch whose test error is at most `target` (inf if none)."""
    below = np.flatnonzero(np.asarray(errors) <= target)
    return int(below[0]) + 1 if len(below) else np.inf


def sweep_claim(tables, table, final, add, one_seed):
    """The figure names' L2 weight ("L2-1"), read as weight 1: does L2 still
    perform very well, in each setting, at that weight?"""
    claim = ("L2 at the figure names' weight (\"L2-1\", read as 1 in "
             "0.5 * l2 * sum(W^2)) performs very well, in both settings")
    sweep = tables.get("l2_sweep")
    if sweep is None or not (sweep["l2"] == 1.0).any():
        add(claim, "not tested", "", "l2_sweep.csv",
            "not in this run: the l2_sweep section at weight 1")
        return
    verdicts, words = [], []
    for setting in SETTINGS:
        others = [m for m in ARTICLE_METHODS if m != "l2" and (setting, m) in table.index]
        if not others:
            continue
        best = min(final[setting, m][0] for m in others)
        rows = sweep[sweep["setting"] == setting].set_index("l2")
        at_one = float(rows.at[1.0, "final_tail_test_mse"])
        verdicts.append(at_one / best - 1 <= SIMILAR)
        words.append(f"{setting}: " + ", ".join(
            f"{l2:g}: {mean_sd(r.final_tail_test_mse, r.final_tail_test_mse_sd)}"
            for l2, r in rows.iterrows()) + f" (best other method {best:.4f})")
    add(claim, decide(all(verdicts) and bool(verdicts), any(verdicts)),
        "final test MSE per L2 weight: " + "; ".join(words),
        "l2_sweep.csv: final_tail_test_mse; table.csv",
        f"Rule: at weight 1, L2's final test error within {SIMILAR:.0%} of the "
        "best of the article's other methods, in each setting; partly in one. "
        "The name's number may mean another convention (Torch's weight decay, "
        "a sum instead of a mean of the squared errors); the sweep shows how "
        "L2 fares at each weight." + one_seed)


def claims(tables):
    """Article 003's claims, each with a status that follows from `tables`
    (`table`, `history` and, where run, `learning_rate`, `bn_caution`,
    `autoencoder`, as written)."""
    table = tables["table"].set_index(["setting", "method"])
    history = tables["history"]
    ledger = []
    seeds = int(table["seeds"].min()) if "seeds" in table else 1
    one_seed = (f" Mean ± sd over {seeds} training seeds." if seeds > 1 else
                " One seed: no spread over seeds is known, so any difference "
                "counts.")

    def add(claim, status, ours, evidence, why="", article_value=""):
        ledger.append(Claim("003", claim, status, ours, article_value, evidence, why))

    def absent(claim, pairs, columns=()):
        """Says `not tested` (and returns True) when a run or column the
        claim needs is missing."""
        missing = [f"{s} {m}" for s, m in pairs if (s, m) not in table.index]
        missing += [f"column {c}" for c in columns if c not in table.columns]
        if missing:
            ledger.append(not_tested("003", claim, "not in this run: "
                                     + ", ".join(missing)))
        return bool(missing)

    def cell(setting, method, column):
        return float(table.at[(setting, method), column])

    def present(setting, methods=ARTICLE_METHODS):
        return [m for m in methods if (setting, m) in table.index]

    def with_sd(setting, method, column):
        """The table's mean over seeds and its sd (NaN without one)."""
        sd = f"{column}_sd"
        return (cell(setting, method, column),
                cell(setting, method, sd) if sd in table else np.nan)

    fluct = {}
    final = {}
    for setting, method in table.index:
        fluct[setting, method] = with_sd(setting, method, "fluctuation_test")
        final[setting, method] = (
            with_sd(setting, method, "final_tail_test_mse")
            if "final_tail_test_mse" in table else
            over_seeds_of(history, setting, method, lambda e: final_error(e)[0]))
    epochs = len(run_errors(history, *table.index[0]))

    def fl_text(setting, method):
        return f"{method} {mean_sd(*fluct[setting, method], digits=3)}"

    def final_text(setting, method):
        return f"{method} {mean_sd(*final[setting, method], digits=4)}"

    # --- Experiment 1, plain input -------------------------------------
    claim = "Baseline: slightly overfits, test error rising while training error falls"
    if not absent(claim, [("plain", "baseline")]):
        rise = cell("plain", "baseline", "test_rise_after_best")
        fall = cell("plain", "baseline", "train_fall_after_best")
        overfits = rise > RISE and fall > RISE
        noisy = ("noise", "baseline") in table.index
        slight = not noisy or rise < cell("noise", "baseline", "test_rise_after_best")
        add(claim, decide(overfits and slight, overfits),
            f"test error {rise:+.1%} from its best, training error "
            f"{-fall:+.1%} over the same epochs", "table.csv: test_rise_after_best, "
            "train_fall_after_best (plain baseline); errors_plain.png",
            f"Rule: test error ends over {RISE:.0%} above its best while the "
            f"training error falls by over {RISE:.0%}; 'slightly': less rise "
            "than the noise-feature baseline's"
            + (f" ({cell('noise', 'baseline', 'test_rise_after_best'):+.1%})."
               if noisy else " (not run).")
            + ("" if overfits else " Ours does not overfit by that rule.")
            + ("" if slight else " Ours rises no less than with the noise feature."))

    claim = "Baseline: the learned function zigzags"
    if not absent(claim, [("plain", "baseline")], ["curve_wiggle"]):
        value = cell("plain", "baseline", "curve_wiggle")
        others = {m: cell("plain", m, "curve_wiggle") for m in present("plain")
                  if m != "baseline"}
        holds = value > 1 + SIMILAR
        add(claim, decide(holds), f"wiggle {value:.2f}"
            + "".join(f"; {m} {v:.2f}" for m, v in others.items()),
            "table.csv: curve_wiggle (plain); predictions_plain.png",
            f"Rule: the curve's total variation over the true mean's above "
            f"{1 + SIMILAR:.2f} (ups and downs of its own)."
            + ("" if holds else " Ours goes up and down no more than the true "
               "mean by that rule."))

    claim = "Dropout increases the fluctuation of the error"
    settings = [s for s in SETTINGS if {(s, "baseline"), (s, "dropout")}
                <= set(table.index)]
    if not settings:
        absent(claim, [("plain", "baseline"), ("plain", "dropout")])
    else:
        more = [s for s in settings if beyond_spread(
            *fluct[s, "dropout"], *fluct[s, "baseline"])]
        add(claim, decide(len(more) == len(settings), bool(more)),
            "; ".join(f"{s}: {fl_text(s, 'dropout')} against "
                      f"{fl_text(s, 'baseline')}" for s in settings),
            "table.csv: fluctuation_test, fluctuation_test_sd",
            "Rule: dropout's fluctuation above the baseline's by more than "
            "both sds, in each setting run; partly in some." + one_seed
            + " Above by that rule in: " + (", ".join(more) or "no setting") + ".")

    def smallest_fluctuation(setting, claim):
        if absent(claim, [(setting, "batchnorm")]):
            return
        others = [m for m in present(setting, METHODS) if m != "batchnorm"]
        below = [m for m in others if beyond_spread(*fluct[setting, m],
                                                    *fluct[setting, "batchnorm"])]
        above = [m for m in others if fluct[setting, m][0]
                 <= fluct[setting, "batchnorm"][0]]
        rank = 1 + len(above)
        add(claim, decide(len(below) == len(others), not above),
            f"{fl_text(setting, 'batchnorm')}, rank {rank} of {len(others) + 1}; "
            + ", ".join(fl_text(setting, m) for m in others),
            "table.csv: fluctuation_test, fluctuation_test_sd",
            "Rule: batch norm's fluctuation below every other method's by more "
            "than both sds; partly when smallest within the spread."
            + one_seed
            + (f" Batch norm's is no smaller than that of: {', '.join(above)}."
               if above else
               " Within the spread of: " + ", ".join(
                   m for m in others if m not in below) + "."
               if len(below) < len(others) else ""),
            "the smallest (figures only)")

    smallest_fluctuation("plain", "Batch norm clearly reduces the fluctuation "
                         "of the error compared with the other methods")

    def best_result(setting, claim):
        if absent(claim, [(setting, "batchnorm")]):
            return
        others = [m for m in present(setting) if m != "batchnorm"]
        below = [m for m in others if beyond_spread(*final[setting, m],
                                                    *final[setting, "batchnorm"])]
        lower = [m for m in others if final[setting, m][0]
                 <= final[setting, "batchnorm"][0]]
        add(claim, decide(len(below) == len(others), not lower),
            f"final test MSE {final_text(setting, 'batchnorm')}; "
            + ", ".join(final_text(setting, m) for m in others),
            "table.csv: final_tail_test_mse (the mean over the last tenth of "
            "the epochs), its sd",
            "Rule: batch norm's final test error (mean over the last tenth of "
            "the epochs) below each of the article's other methods' by more "
            "than both sds; partly when lowest within the spread." + one_seed
            + (f" Batch norm's is no lower than that of: {', '.join(lower)}."
               if lower else ""))

    best_result("plain", "Batch norm achieves the best result (plain input)")

    claim = "L2 performs very well (plain input)"
    if not absent(claim, [("plain", "l2")]):
        others = present("plain")
        best = min(final["plain", m][0] for m in others)
        gap = final["plain", "l2"][0] / best - 1
        add(claim, decide(gap <= SIMILAR),
            f"final test MSE {final_text('plain', 'l2')}, {gap:+.1%} from the "
            "best of " + ", ".join(others),
            "table.csv: final_tail_test_mse (the mean over the last tenth of "
            "the epochs)",
            f"Rule: within {SIMILAR:.0%} of the best final test error of the "
            "article's methods." + one_seed)

    sweep_claim(tables, table, final, add, one_seed)

    # --- Experiment 1, noise feature -----------------------------------
    claim = ("The noise feature lets the baseline fit the training data "
             "extremely well")
    if not absent(claim, [("plain", "baseline"), ("noise", "baseline")]):
        noise = cell("noise", "baseline", "final_train_mse")
        plain = cell("plain", "baseline", "final_train_mse")
        lower = noise <= (1 - REDUCES) * plain
        under = noise < NOISE_SD ** 2
        add(claim, decide(lower and under, lower or under),
            f"final training MSE {noise:.4f} against {plain:.4f} without it",
            "table.csv: final_train_mse (baseline)",
            f"Rule: at least {REDUCES:.0%} below the plain baseline's and below "
            f"the noise variance {NOISE_SD ** 2:.2f} (fitting the noise); partly "
            "one of them.")

    claim = "Baseline (noise feature) overfits quickly: the test error shoots up"
    if not absent(claim, [("plain", "baseline"), ("noise", "baseline")]):
        rise = cell("noise", "baseline", "test_rise_after_best")
        plain = cell("plain", "baseline", "test_rise_after_best")
        best = cell("noise", "baseline", "best_test_epoch")
        shoots, quick = rise > 2 * plain, best <= epochs / 10
        add(claim, decide(shoots and quick, shoots or quick),
            f"test error {rise:+.1%} from its best at epoch {best:.0f} "
            f"(plain: {plain:+.1%})",
            "table.csv: test_rise_after_best, best_test_epoch; errors_noise.png",
            "Rule: a rise over twice the plain baseline's, from a best within "
            f"the first tenth of the {epochs} epochs; partly one of them.")

    claim = "Baseline (noise feature): the learned function fluctuates extremely"
    if not absent(claim, [("plain", "baseline"), ("noise", "baseline")],
                  ["test_rms_from_mean"]):
        noise = cell("noise", "baseline", "test_rms_from_mean")
        plain = cell("plain", "baseline", "test_rms_from_mean")
        add(claim, decide(noise >= NOISE_SD, noise * (1 - REDUCES) >= plain),
            f"test predictions {noise:.3f} from the true mean (rms); plain "
            f"input {plain:.3f}",
            "table.csv: test_rms_from_mean",
            f"Rule: 'extreme': at least the noise sd {NOISE_SD} from the true "
            f"mean; partly when at least {REDUCES:.0%} farther than without the "
            "noise feature.")

    claim = "Dropout (noise feature) still overfits slightly"
    if not absent(claim, [("noise", "dropout"), ("noise", "baseline")]):
        rise = cell("noise", "dropout", "test_rise_after_best")
        base = cell("noise", "baseline", "test_rise_after_best")
        overfits, slight = rise > RISE, rise < base
        add(claim, decide(overfits and slight, overfits),
            f"test error {rise:+.1%} from its best (baseline {base:+.1%})",
            "table.csv: test_rise_after_best (noise)",
            f"Rule: the test error ends over {RISE:.0%} above its best, and "
            "'slightly': less than the baseline's rise; partly when it overfits "
            "no less than the baseline." + ("" if overfits else
                                            " Ours does not rise by that rule."))

    claim = ("Dropout (noise feature) reduces the learned function's "
             "fluctuations compared with the baseline")
    if not absent(claim, [("noise", "dropout"), ("noise", "baseline")],
                  ["test_rms_from_mean"]):
        drop = cell("noise", "dropout", "test_rms_from_mean")
        base = cell("noise", "baseline", "test_rms_from_mean")
        holds = drop <= (1 - REDUCES) * base
        add(claim, decide(holds),
            f"test predictions {drop:.3f} from the true mean (rms), baseline "
            f"{base:.3f}", "table.csv: test_rms_from_mean (noise)",
            f"Rule: at least {REDUCES:.0%} closer to the true mean than the "
            f"baseline (ours: {1 - drop / base:+.0%})." + one_seed
            + (f" Dropout's drop rate here is {cell('noise', 'dropout', 'strength'):g}"
               " (the article's figure names: Dropout-0.12)."
               if "strength" in table else ""))

    claim = "Dropout (noise feature) keeps the learned function within the noise"
    if not absent(claim, [("noise", "dropout")], ["test_rms_from_mean"]):
        drop = cell("noise", "dropout", "test_rms_from_mean")
        holds = drop < NOISE_SD
        base = (f" The baseline's is {cell('noise', 'baseline', 'test_rms_from_mean'):.3f}."
                if ("noise", "baseline") in table.index else "")
        add(claim, decide(holds), f"{drop:.3f} from the true mean (rms)",
            "table.csv: test_rms_from_mean (noise)",
            f"Rule: test predictions closer to the true mean than the noise sd "
            f"{NOISE_SD} (rms)." + base)

    best_result("noise", "Batch norm performs the best (noise feature)")

    claim = "Batch norm finds a good solution much faster than the other methods"
    reached = {}
    for setting in SETTINGS:
        methods = present(setting)
        if "batchnorm" in methods and len(methods) > 1:
            epochs_to = {m: [] for m in methods}
            for seed in seeds_in(history):
                curves = {m: run_errors(history, setting, m, seed=seed) for m in methods}
                target = (1 + SIMILAR) * min(c.min() for c in curves.values())
                for m, c in curves.items():
                    epochs_to[m].append(first_epoch_below(c, target))
            reached[setting] = {m: per_seed(e) for m, e in epochs_to.items()}
    if not reached:
        absent(claim, [("plain", "batchnorm"), ("plain", "baseline")])
    else:
        first = [s for s, r in reached.items()
                 if all(beyond_spread(*e, *r["batchnorm"])
                        for m, e in r.items() if m != "batchnorm")]
        lowest = [s for s, r in reached.items()
                  if all(r["batchnorm"][0] < e[0] for m, e in r.items()
                         if m != "batchnorm")]
        add(claim, decide(len(first) == len(reached), bool(lowest)),
            "; ".join(f"{s}: " + ", ".join(f"{m} {mean_sd(*e, digits=0)}"
                                           for m, e in r.items())
                      for s, r in reached.items()),
            "history.csv: test_mse",
            f"Rule: the first epoch at which the test error comes within "
            f"{SIMILAR:.0%} of the best any method reaches in that setting and "
            "seed (inf: never); batch norm's below every other method's by more "
            "than both sds, in every setting; partly when lowest in some."
            + one_seed + " First beyond the spread in: "
            + (", ".join(first) or "none") + "; lowest in: "
            + (", ".join(lowest) or "none") + ".")

    claim = "L2 performs similarly to dropout"
    pairs = [s for s in SETTINGS if {(s, "l2"), (s, "dropout")} <= set(table.index)]
    if not pairs:
        absent(claim, [("noise", "l2"), ("noise", "dropout")])
    else:
        gaps = {s: final[s, "l2"][0] / final[s, "dropout"][0] - 1 for s in pairs}
        alike = [s for s, g in gaps.items() if abs(g) <= SIMILAR]
        add(claim, decide(len(alike) == len(pairs), bool(alike)),
            "; ".join(f"{s}: {final_text(s, 'l2')} against "
                      f"{final_text(s, 'dropout')} ({g:+.1%})" for s, g in gaps.items()),
            "table.csv: final_tail_test_mse (the mean over the last tenth of "
            "the epochs)",
            f"Rule: final test errors within {SIMILAR:.0%} of each other in each "
            "setting run (the article: with the noise feature, and in its "
            "conclusion for the toy problem); partly in some." + one_seed)

    claim = "Dividing the learning rate by 4 shows as smaller perturbations"
    calmer, runs = [], []
    for setting, method in table.index:
        last = over_seeds_of(history, setting, method, last_phase_fluctuation)
        runs.append(f"{setting} {method}")
        if beyond_spread(*fluct[setting, method], *last):
            calmer.append(f"{setting} {method}")
    add(claim, decide(len(calmer) == len(runs), bool(calmer)),
        f"{len(calmer)} of {len(runs)} models calmer after the last drop",
        "history.csv: test_mse",
        "Rule: the test error's fluctuation after the last drop below that of "
        "the first phase by more than both sds, for every model; partly "
        "in some." + one_seed
        + ("" if len(calmer) == len(runs) else " Not calmer: "
           + ", ".join(r for r in runs if r not in calmer) + "."))

    claim = ("Batch norm removes the sensitivity to the learning rate: its "
             "fluctuation stays the same at lr/16, the baseline's does not")
    rates = tables.get("learning_rate")
    if rates is None or not {"baseline", "batchnorm"} <= set(rates["method"]):
        ledger.append(not_tested("003", claim, "the lr/16 runs of baseline and "
                                 "batch norm are not in this run"))
    else:
        changed, text = {}, []
        for method in ("baseline", "batchnorm"):
            by_rate = rates[rates["method"] == method].set_index("learning_rate")
            sd = "fluctuation_test_sd"
            high, low = ((float(by_rate.at[rate, "fluctuation_test"]),
                          float(by_rate.at[rate, sd]) if sd in by_rate else np.nan)
                         for rate in (by_rate.index.max(), by_rate.index.min()))
            changed[method] = beyond_spread(*high, *low) or beyond_spread(*low, *high)
            text.append(f"{method} {mean_sd(*high, digits=3)} at lr, "
                        f"{mean_sd(*low, digits=3)} at lr/16 "
                        f"(ratio {high[0] / low[0]:.2f})")
        add(claim, decide(not changed["batchnorm"] and changed["baseline"],
                          not changed["batchnorm"]),
            "; ".join(text),
            "learning_rate.csv: fluctuation_test, fluctuation_test_sd",
            "Rule: batch norm's fluctuation at lr and lr/16 within both "
            "sds of each other while the baseline's differ beyond them; partly "
            "when neither changes." + one_seed
            + (" Batch norm's changes beyond the spread here."
               if changed["batchnorm"] else "")
            + ("" if changed["baseline"] else " The baseline's does not change "
               "beyond the spread."),
            "unchanged at lr/16 (figures only)")

    # --- Batch-norm caution -------------------------------------------------
    caution = tables.get("bn_caution")
    claim = ("The same code and seed give different batch-norm results under "
             "other floating-point details")
    claim_vast = ("Batch norm, more than the baseline, gives vastly different "
                  "results on another machine (good on one, bad on the other)")
    others = (None if caution is None or "reference" not in set(caution["condition"])
              else caution[caution["condition"] != "reference"])
    if others is None or others.empty or not {"baseline", "batchnorm"} <= set(
            caution["method"]):
        for text in (claim, claim_vast):
            ledger.append(not_tested("003", text, "the caution's reference and "
                                     "other conditions, for baseline and batch "
                                     "norm, are not in this run"))
    else:
        by = others.set_index(["condition", "method"])
        reference = caution[caution["condition"] == "reference"].set_index("method")
        conditions = list(dict.fromkeys(others["condition"]))
        moved = [c for c in conditions
                 if by.at[(c, "batchnorm"), "max_relative_curve_change"] > CHANGED]
        same = [c for c in conditions
                if by.at[(c, "batchnorm"), "max_abs_prediction_change"] == 0]
        add(claim, decide(bool(moved)),
            ", ".join(f"{c} {by.at[(c, 'batchnorm'), 'max_relative_curve_change']:.2g}"
                      for c in conditions),
            "bn_caution.csv: max_relative_curve_change, max_abs_prediction_change",
            f"Rule: some condition changes batch norm's test-error curve by "
            f"over {CHANGED:.0%} (relative) from the reference. One machine: "
            "threads, oneDNN and float64 stand in for the article's two CPUs. "
            "Changed beyond that: " + (", ".join(moved) or "none")
            + "; bit-identical: " + (", ".join(same) or "none") + ".")

        def change(method):
            ref = reference.at[method, "final_test_mse"]
            values = {c: by.at[(c, method), "final_test_mse"] / ref - 1
                      for c in conditions}
            worst = max(values, key=lambda c: abs(values[c]))
            return worst, values[worst]

        bn_where, bn = change("batchnorm")
        base_where, base = change("baseline")
        vast, specific = abs(bn) > VAST, abs(bn) > abs(base)
        add(claim_vast, decide(vast and specific, vast or specific),
            f"final test MSE batch norm {bn:+.1%} ({bn_where}), baseline "
            f"{base:+.1%} ({base_where})",
            "bn_caution.csv: final_test_mse",
            f"Rule: some condition moves batch norm's final test error by over "
            f"{VAST:.0%} and by more than the baseline's largest move; partly "
            "one of them. The article's second CPU is not available here."
            + ("" if specific else " The baseline moves no less than batch "
               "norm, so what moves here is not a batch-norm effect.")
            + ("" if vast else " No condition moves batch norm's result that far."))

    ledger.append(not_tested(
        "003", "The good / bad split between the two machines holds over "
        "different seeds", "one machine and one seed here"))
    ledger.append(not_tested(
        "003", "The cause is round-off in batch norm's division by a small sd",
        "the article's own guess; it needs the two CPUs (see the caution "
        "claims above for what floating-point changes do here)"))

    # --- Experiment 2: the autoencoder ---------------------------------------
    ae = tables.get("autoencoder")
    ae_claims = (
        "No regularization gives the best reconstruction error",
        "Dropout on the input blurs the reconstructions",
        "Dropout on the embedding blurs them even more",
        "Without regularization the encoder's features look like random noise",
        "Dropout on the input makes the features more like strokes",
        "Dropout on the embedding makes the features clearly strokes, with "
        "far less noise",
        "Dropout on the input leaves many features unused (all black)",
        "Dropout on the embedding uses almost all features")
    if ae is None or not set(AE_VARIANTS) <= set(ae["variant"]):
        for text in ae_claims:
            ledger.append(not_tested("003", text, "the autoencoder is not in "
                                     "this run"))
    else:
        a = ae.set_index("variant")
        ae_seeds = int(a["seeds"].min()) if "seeds" in a else 1

        def measured(variant, column):
            return mean_and_sd(a.loc[variant], column)

        def above(column, x, y):
            """Variant `x`'s `column` above `y`'s: beyond both sds over the
            seeds; with one seed, by over AE_MARGIN (relative)."""
            if ae_seeds > 1:
                return beyond_spread(*measured(x, column), *measured(y, column))
            return measured(x, column)[0] > (1 + AE_MARGIN) * measured(y, column)[0]

        def values_text(column, digits):
            return ", ".join(f"{v} {mean_sd(*measured(v, column), digits=digits)}"
                             for v in AE_VARIANTS)

        rule = (f" Mean ± sd over {ae_seeds} seeds: a difference counts beyond "
                "both sds." if ae_seeds > 1 else
                f" One seed: a difference counts beyond {AE_MARGIN:.0%} "
                "(relative); the seed-to-seed spread is not measured.")
        mse_text = values_text("test_mse", 5)
        best = [v for v in AE_VARIANTS[1:] if above("test_mse", v, "none")]
        add(ae_claims[0], decide(len(best) == 2), mse_text,
            "autoencoder.csv: test_mse",
            "Rule: none's pixel MSE below both dropout variants'." + rule)
        add(ae_claims[1], decide(above("test_mse", "input_dropout", "none")),
            mse_text, "autoencoder.csv: test_mse; ae_reconstructions.png",
            "Rule: input dropout's pixel MSE above none's (blur read as "
            "reconstruction error)." + rule)
        add(ae_claims[2], decide(above("test_mse", "hidden_dropout", "input_dropout")),
            mse_text, "autoencoder.csv: test_mse; ae_reconstructions.png",
            "Rule: embedding dropout's pixel MSE above input dropout's." + rule)
        if "relative_roughness" not in a.columns:
            for text in ae_claims[3:6]:
                ledger.append(not_tested("003", text, "not in this run: column "
                                         "relative_roughness"))
        else:
            noisy_text = "roughness over shuffled: " + values_text("relative_roughness", 3)
            evidence = ("autoencoder.csv: relative_roughness (weight_roughness "
                        "over shuffled_roughness); ae_weights_*.png")
            border = (" The measure takes the whole image as drawn: the border "
                      "pixels, where no digit has ink, keep their random "
                      "initial weights in every variant; an ink-only measure "
                      "is not made here.")
            holds = measured("none", "relative_roughness")[0] >= NOISE_LIKE
            add(ae_claims[3], decide(holds), noisy_text, evidence,
                f"Rule: none's images at least {NOISE_LIKE} as rough as the "
                "same pixels shuffled (noise), on the mean over seeds."
                + ("" if holds else border))
            holds = above("relative_roughness", "none", "input_dropout")
            add(ae_claims[4], decide(holds), noisy_text, evidence,
                "Rule: input dropout's images smoother (relative roughness "
                "lower) than none's." + rule + ("" if holds else border))
            smoother_than_none = above("relative_roughness", "none", "hidden_dropout")
            holds = (above("relative_roughness", "input_dropout", "hidden_dropout")
                     and smoother_than_none)
            add(ae_claims[5], decide(holds, smoother_than_none), noisy_text, evidence,
                "Rule: embedding dropout's images smoother than both other "
                "variants'; partly than none's only." + rule
                + ("" if holds else border))
        if "dark_unit_fraction" not in a.columns:
            for text in ae_claims[6:]:
                ledger.append(not_tested("003", text, "not in this run: column "
                                         "dark_unit_fraction"))
        else:
            # A unit is unused when drawn all black or dead: the larger of
            # the two shares, with its sd over the seeds.
            unused = {v: max(measured(v, "dark_unit_fraction"),
                             measured(v, "dead_fraction"), key=lambda m: m[0])
                      for v in AE_VARIANTS}
            more = (beyond_spread(*unused["input_dropout"], *unused["none"])
                    if ae_seeds > 1 else unused["input_dropout"][0] > unused["none"][0])
            unused_text = ", ".join(
                f"{v} {a.at[v, 'dark_unit_fraction']:.1%} dark, "
                f"{a.at[v, 'dead_fraction']:.1%} dead, "
                f"{a.at[v, 'rarely_active_fraction']:.1%} rarely active"
                for v in AE_VARIANTS)
            evidence = ("autoencoder.csv: dark_unit_fraction, dead_fraction, "
                        "rarely_active_fraction; ae_weights_*.png")
            many = unused["input_dropout"][0] >= MANY
            add(ae_claims[6], decide(many and more, many or more),
                unused_text, evidence,
                f"Rule: at least {MANY:.0%} of input dropout's units drawn all "
                "black or dead, more than none's; partly one of them. Means "
                "over the seeds" + (", more beyond both sds." if ae_seeds > 1 else "."))
            rare = float(a.at["hidden_dropout", "rarely_active_fraction"])
            add(ae_claims[7],
                decide(max(unused["hidden_dropout"][0], rare) <= ALMOST_ALL),
                unused_text, evidence,
                f"Rule: at most {ALMOST_ALL:.0%} of embedding dropout's units "
                "drawn all black, dead or rarely active (means over the seeds).")

    # --- What nothing here decides -----------------------------------------
    for text, why in (
            ("Dropout makes the ReLU network form a step-like function",
             "a shape read off the figure (predictions_plain.png); no measure "
             "of step-likeness here"),
            ("Dropout's function does not rely on one input; L2's relies on it "
             "most", "the input's symbol is lost from the article's text"),
            ("L2 does well because the target is a Gaussian process with "
             "Gaussian noise", "the article's explanation; not measured"),
            ("The outliers at each end drive the baseline's fit with the noise "
             "feature, and no longer do with dropout",
             "needs refits without the outliers; not run"),
            ("Dropout on the embedding reduces noise-like features by stopping "
             "co-adaptation", "the article's guess; co-adaptation is not measured"),
            ("Batch norm in the autoencoder yields nothing interesting",
             "not run, as in the article"),
            ("Dropout is easier to tune than L2 (a rate in [0, 1])",
             "no sweep of either strength here")):
        ledger.append(not_tested("003", text, why))
    if ("plain", "dropconnect") in table.index:
        ours = "; ".join(f"{s}: final test MSE {final_text(s, 'dropconnect')}, "
                         f"fluctuation {mean_sd(*fluct[s, 'dropconnect'], digits=3)}"
                         for s in SETTINGS if (s, "dropconnect") in table.index)
    else:
        ours = ""
    ledger.append(Claim("003", "DropConnect may change learning differently "
                        "(named as further work)", "not tested", ours, "",
                        "table.csv; history.csv",
                        "the article makes no claim to test; DropConnect is run "
                        "here beside the others for the record"))
    return ledger


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    # The MNIST of the autoencoder is read first: a bad file stops the run
    # before any training.
    ae_data = (settle_data(args, load_mnist(args.data, seed=args.seed))
               if args.autoencoder else None)
    print(f"[kreg] {run_label(args)}; methods: {', '.join(args.methods)}")
    datasets, runs, lr_runs, repeats = run_toy(args)
    ae = run_autoencoders(ae_data, args) if ae_data is not None else {}
    caution = run_caution(args) if args.caution else {}
    tables, csv_files = result_tables(repeats, caution, ae, args)
    seconds = {f"{s}.{m}": r["seconds"] for s, rs in runs.items()
               for m, r in rs.items()}
    seconds.update({f"autoencoder.{v}.seed{seed}": r["seconds"]
                    for seed, results in ae.items() for v, r in results.items()})
    write_results(
        args.out, "Dropout vs batch norm vs L2 (Chen, UBC CPSC 522)",
        run_label(args), tables,
        make_figures(runs, datasets, lr_runs, caution, ae.get(args.seed, {}),
                     ae_data, args),
        metadata(args, ae_data, time.perf_counter() - wall_start, seconds),
        NOTES, csv_files=csv_files, claims=claims)
    return tables[0][1]


if __name__ == "__main__":
    run_script(main)
