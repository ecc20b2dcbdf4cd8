"""Intuitive understanding of regularization: L2 and dropout sweeps.

Reproduces "Intuitive understanding of regularization in deep learning"
(article 004): a 1-64-64-64-1 network (LeakyReLU hidden layers, ReLU output,
uniform initialization, MSE, Adam) fits a noisy periodic 1-D signal; the L2
strength lambda and the dropout probability p between the hidden layers are
swept, and for each strength we look at the training loss, the predictions
and the distribution of all parameters (kernel density estimates) before and
after training.

The signal (the article's formula is lost; see reproductions/harness/data/periodic_signal.py):
    F(x) = 3 + mean_k[sin(x+a_k) + 0.5 sin(2(x+b_k)) + 0.3 sin(3(x+c_k))]
           + exp(-(x-11)^2 / 0.72) sin(6x) + N(0, 0.1^2),   x in [0, 20]
with Gaussian random lags a_k, b_k, c_k (K = 5), split 80 / 20 with
sklearn's train_test_split.

The sweeps run through keras-tuner's GridSearch (one HyperModel; the
regularizer and its strength are hp.Choice values). Locally everything runs
in this process. To spread the grid over machines, start the same command
with keras-tuner's environment variables, one chief and any number of
workers, all given the same --work-dir on a shared file system:
    KERASTUNER_TUNER_ID=chief    KERASTUNER_ORACLE_IP=<chief ip> \
        KERASTUNER_ORACLE_PORT=8000 \
        python reproductions/regularization_intuition.py --work-dir /shared/w
    KERASTUNER_TUNER_ID=worker0  KERASTUNER_ORACLE_IP=<chief ip> \
        KERASTUNER_ORACLE_PORT=8000 \
        python reproductions/regularization_intuition.py --work-dir /shared/w
Workers train the grid points the chief's oracle hands out and write each
trial's curves to the work dir; the chief, once every point is done, draws
the figures and tables from them.

Outputs, in `results/regularization_intuition/` (replaced atomically):
    table.csv/.md        per strength: final train / validation MSE, spread of
                         the predictions relative to the data, spread of the
                         parameters, whether the model predicts the data mean
    turning_points.csv/.md   where each sweep turns into the data mean, ours
                         beside the article's lambda ~ 0.01 and p ~ 0.6
    data.png, loss_<sweep>.png, predictions_<sweep>.png, kde_<sweep>.png,
    spread.png, history.csv, metadata.json, README.md

Run:
    python reproductions/regularization_intuition.py            # the full setting
    python reproductions/regularization_intuition.py --quick    # a short look
"""

import os
import sys
import tempfile
import time

from harness.cli.arguments import (
    comma_separated,
    finish,
    marked_label,
    non_negative_float,
    positive_float,
    positive_int,
    rate,
    script_parser,
)
from harness.cli.settings import Setting
from harness.results.atomic_dir import check_writable_parent

# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--steps", positive_int, full=8000, quick=1500,
            help="Adam steps per grid point"),
    Setting("--batch-size", positive_int, full=64, help="examples per Adam step"),
    Setting("--learning-rate", positive_float, full=1e-3, help="Adam learning rate"),
    Setting("--init-limit", positive_float, full=0.3,
            help="uniform initialization in [-limit, limit]"),
    Setting("--l2-values", comma_separated(non_negative_float),
            full=[0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0],
            help="comma-separated L2 strengths of the sweep"),
    Setting("--dropout-values", comma_separated(rate),
            full=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
            help="comma-separated dropout probabilities of the sweep"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "regularization_intuition", PARAMETERS)
    parser.add_argument("--eval-every", type=positive_int, default=None,
                        help="steps between loss measurements (default steps/40)")
    parser.add_argument("--work-dir", default=None,
                        help="folder for the tuner state and each trial's curves; "
                        "must be shared by chief and workers (default: a "
                        "temporary folder, local runs only)")
    args = parser.parse_args(argv)
    args.eval_every = args.eval_every or max(1, args.steps // 40)
    args.l2_values = sorted(set(args.l2_values))
    args.dropout_values = sorted(set(args.dropout_values))
    if role() != "local" and not args.work_dir:
        parser.error("argument --work-dir: required in distributed mode "
                     "(KERASTUNER_ORACLE_IP is set); give every process the same "
                     "shared folder")
    if args.work_dir:
        try:
            check_writable_parent(os.path.join(args.work_dir, "trials"))
        except PermissionError as e:
            parser.error(f"argument --work-dir: {e}")
    return finish(parser, args)


def role():
    """'local', 'chief' or 'worker', from keras-tuner's environment."""
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return "local"
    return "chief" if "chief" in os.environ.get("KERASTUNER_TUNER_ID", "") else "worker"


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402
import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.cli.run import run_script  # noqa: E402
from harness.data.periodic_signal import make_periodic_signal  # noqa: E402
from harness.plotting.densities import plot_densities  # noqa: E402
from harness.plotting.panels import plot_panels  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices  # noqa: E402
from kreg.regularizers import L2  # noqa: E402

SWEEPS = ("l2", "dropout")
# Prediction spread (std over x) below this fraction of the data's std: the
# model predicts (about) the data mean.
FLAT = 0.25
ARTICLE_TURNING = {"l2": 0.01, "dropout": 0.6}


def load_data(seed):
    signal = make_periodic_signal(seed=seed)
    x_train, x_val, y_train, y_val = train_test_split(
        signal.x.reshape(-1, 1), signal.y.reshape(-1, 1), test_size=0.2,
        random_state=seed)
    return signal, (x_train, y_train, x_val, y_val)


# ---------------------------------------------------------------------------
# The model, as a keras-tuner HyperModel: 1-64-64-64-1, LeakyReLU, ReLU out.
# ---------------------------------------------------------------------------
class RegularizationSweep(kt.HyperModel):
    """The grid: `regularizer` in {l2, dropout}, each with its strengths."""

    def __init__(self, args):
        super().__init__(name="regularization_sweep")
        self.args = args

    def build(self, hp):
        kind = hp.Choice("regularizer", list(SWEEPS))
        with hp.conditional_scope("regularizer", "l2"):
            hp.Choice("l2", self.args.l2_values)
        with hp.conditional_scope("regularizer", "dropout"):
            hp.Choice("dropout", self.args.dropout_values)
        strength = hp.get(kind)
        return build_model(kind, strength, self.args)


def build_model(kind, strength, args):
    keras.utils.set_random_seed(args.seed)
    seed = args.seed
    lim = args.init_limit

    def uniform(i):
        return keras.initializers.RandomUniform(-lim, lim, seed=seed + i)

    regularizer = L2(strength) if kind == "l2" and strength > 0 else None
    inputs = keras.Input((1,))
    x = inputs
    for i in range(3):
        if kind == "dropout" and i > 0 and strength > 0:
            x = keras.layers.Dropout(strength, seed=seed + 20 + i)(x)
        x = keras.layers.Dense(64, kernel_initializer=uniform(i),
                               bias_initializer=uniform(10 + i),
                               kernel_regularizer=regularizer)(x)
        x = keras.layers.LeakyReLU()(x)
    outputs = keras.layers.Dense(1, activation="relu", kernel_initializer=uniform(3),
                                 bias_initializer=uniform(13),
                                 kernel_regularizer=regularizer)(x)
    model = keras.Model(inputs, outputs, name=f"{kind}_{strength:g}")
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate), loss="mse")
    return model


def all_parameters(model):
    return np.concatenate([keras.ops.convert_to_numpy(w).reshape(-1)
                           for w in model.trainable_weights])


def train(model, data, args, label=""):
    x_train, y_train, x_val, y_val = data
    before = all_parameters(model)
    loop = CompiledLoop(model, x_train, y_train)
    indices = epoch_batch_indices(len(x_train), args.batch_size, args.steps,
                                  seed=args.seed)
    train_mse = Evaluator(model, x_train, y_train, measure="mse")
    val_mse = Evaluator(model, x_val, y_val, measure="mse")
    history = {"step": [], "train_mse": [], "val_mse": []}
    start = time.perf_counter()
    for first in tqdm(range(0, args.steps, args.eval_every), desc=f"{label:>14}",
                      file=sys.stdout, mininterval=2.0):
        block = indices[first:first + args.eval_every]
        loop.run(block)
        history["step"].append(first + len(block))
        history["train_mse"].append(train_mse())
        history["val_mse"].append(val_mse())
    return {"history": history, "before": before, "after": all_parameters(model),
            "seconds": time.perf_counter() - start}


# ---------------------------------------------------------------------------
# The tuner: GridSearch whose trials train with the compiled loop and leave
# their curves in the work dir (shared between chief and workers).
# ---------------------------------------------------------------------------
class SweepTuner(kt.GridSearch):
    def __init__(self, hypermodel, work_dir, data, signal, args, **kwargs):
        super().__init__(hypermodel, objective=kt.Objective("val_mse", "min"),
                         **kwargs)
        self.work_dir, self.data, self.signal, self.args = work_dir, data, signal, args

    def run_trial(self, trial, *fit_args, **fit_kwargs):
        hp = trial.hyperparameters
        kind = hp.get("regularizer")
        strength = float(hp.get(kind))
        model = self.hypermodel.build(hp)
        result = train(model, self.data, self.args, f"{kind}={strength:g}")
        grid = self.signal.x.reshape(-1, 1)
        prediction = keras.ops.convert_to_numpy(model(grid, training=False)).reshape(-1)
        tuner_id = os.environ.get("KERASTUNER_TUNER_ID", "local")
        np.savez(os.path.join(self.work_dir, "trials", f"{kind}_{strength:.6g}.npz"),
                 kind=kind, strength=strength, prediction=prediction,
                 before=result["before"], after=result["after"],
                 seconds=result["seconds"], tuner_id=tuner_id,
                 **{k: np.asarray(v) for k, v in result["history"].items()})
        # One line per trial run, appended atomically: who ran which point.
        with open(os.path.join(self.work_dir, "runs.log"), "a") as f:
            f.write(f"{tuner_id}\t{kind}\t{strength:.6g}\n")
        return {"val_mse": result["history"]["val_mse"][-1]}


def run_sweeps(args, signal, data, work_dir):
    os.makedirs(os.path.join(work_dir, "trials"), exist_ok=True)
    tuner_id = os.environ.get("KERASTUNER_TUNER_ID", "local")
    tuner = SweepTuner(RegularizationSweep(args), work_dir, data, signal, args,
                       directory=os.path.join(work_dir, "tuner", tuner_id),
                       project_name="sweep", overwrite=True, seed=args.seed)
    tuner.search(verbose=0)
    return tuner


def grid_points(args):
    return ([("l2", v) for v in args.l2_values]
            + [("dropout", v) for v in args.dropout_values])


def collect(work_dir, args):
    """Reads every grid point's trial file; fails if one is missing."""
    results = {}
    for kind, strength in grid_points(args):
        path = os.path.join(work_dir, "trials", f"{kind}_{strength:.6g}.npz")
        if not os.path.exists(path):
            raise RuntimeError(f"grid point {kind}={strength:g} has no result in "
                               f"{work_dir} (did every worker finish?)")
        with np.load(path) as f:
            results[(kind, strength)] = {k: f[k] for k in f.files}
    return results


# ---------------------------------------------------------------------------
# Numbers and figures.
# ---------------------------------------------------------------------------
def summarize(results, signal):
    rows = []
    data_std = float(signal.y.std())
    for (kind, strength), r in results.items():
        spread = float(r["prediction"].std()) / data_std
        rows.append({
            "sweep": kind, "strength": strength,
            "final_train_mse": float(r["train_mse"][-1]),
            "final_val_mse": float(r["val_mse"][-1]),
            "prediction_spread": spread,
            "predicts_mean": bool(spread < FLAT),
            "prediction_mean_minus_data_mean": float(r["prediction"].mean() - signal.mean),
            "param_std_before": float(r["before"].std()),
            "param_std_after": float(r["after"].std()),
            "param_iqr_after": float(np.subtract(*np.percentile(r["after"], [75, 25]))),
            "param_abs_max_after": float(np.abs(r["after"]).max()),
            "runtime_s": float(r["seconds"]),
            "tuner_id": str(r["tuner_id"]),
        })
    return pd.DataFrame(rows)


def turning_points(table):
    rows = []
    for kind in SWEEPS:
        sweep = table[table.sweep == kind].sort_values("strength")
        flat = sweep[sweep.predicts_mean]
        rows.append({
            "sweep": kind,
            "first_strength_predicting_mean": float(flat.strength.min())
            if len(flat) else np.nan,
            "article": ARTICLE_TURNING[kind],
            "param_std_at_weakest": float(sweep.param_std_after.iloc[0]),
            "param_std_at_strongest": float(sweep.param_std_after.iloc[-1]),
        })
    return pd.DataFrame(rows)


def colors(n, cmap):
    return [matplotlib.colormaps[cmap](0.3 + 0.7 * i / max(1, n - 1)) for i in range(n)]


def run_label(args):
    return marked_label(args, f"{args.steps} Adam steps per point")


def make_figures(results, signal, data, args):
    label = run_label(args)
    x_train, y_train, x_val, y_val = data
    figures = {}
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.scatter(x_train, y_train, s=4, label="train")
    ax.scatter(x_val, y_val, s=4, label="validation")
    ax.plot(signal.x, signal.clean, "k", lw=0.8, label="noise-free F(x)")
    ax.set_xlabel("x")
    ax.set_ylabel("F(x)")
    ax.legend(fontsize=7)
    ax.set_title(f"The signal and its train / validation split\n{label}", fontsize=10)
    fig.tight_layout()
    figures["data.png"] = fig
    sym = {"l2": "lambda", "dropout": "p"}
    for kind, cmap in (("l2", "Reds"), ("dropout", "Blues")):
        points = sorted(s for k, s in results if k == kind)
        cs = colors(len(points), cmap)
        fig, ax = plt.subplots(figsize=(6.5, 4))
        for s, c in zip(points, cs):
            r = results[(kind, s)]
            ax.plot(r["step"], r["train_mse"], color=c, label=f"{sym[kind]}={s:g}")
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel("training MSE (log)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        ax.set_title(f"Training loss, darker = stronger {kind}\n{label}", fontsize=10)
        fig.tight_layout()
        figures[f"loss_{kind}.png"] = fig

        def draw(ax, s, kind=kind):
            ax.scatter(signal.x, signal.y, s=1, c="grey", label="data")
            ax.plot(signal.x, results[(kind, s)]["prediction"], "r", lw=1,
                    label="prediction")
            ax.axhline(signal.mean, color="k", ls=":", lw=0.8, label="data mean")

        figures[f"predictions_{kind}.png"] = plot_panels(
            points, draw, [f"{sym[kind]} = {s:g}" for s in points],
            f"Predictions for each {kind} strength\n{label}", "x", "F(x)", cols=5)
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        first = results[(kind, points[0])]["before"]
        for ax, logy in zip(axes, (False, True)):
            all_after = np.concatenate([results[(kind, s)]["after"] for s in points])
            hi = max(float(np.abs(all_after).max()), args.init_limit) * 1.05
            grid = np.linspace(-hi, hi, 600)
            plot_densities(ax, {"before (uniform init)": first}, grid, ["k"], logy)
            plot_densities(ax, {f"{sym[kind]}={s:g}": results[(kind, s)]["after"]
                                for s in points}, grid, cs, logy)
            ax.set_xlabel("parameter value")
            ax.set_ylabel("density" + (" (log)" if logy else ""))
            ax.grid(True, alpha=0.3)
            if logy:
                ax.set_ylim(1e-3, None)
        axes[0].legend(fontsize=7)
        fig.suptitle(f"Kernel density of all parameters, before and after "
                     f"training ({kind})\n{label}", fontsize=10)
        fig.tight_layout()
        figures[f"kde_{kind}.png"] = fig
    table = summarize(results, signal)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, kind in zip(axes, SWEEPS):
        sweep = table[table.sweep == kind].sort_values("strength")
        xs = sweep.strength.replace(0, np.nan) if kind == "l2" else sweep.strength
        ax.plot(xs, sweep.param_std_after, "o-", label="parameter std after")
        ax.plot(xs, sweep.prediction_spread, "s-", label="prediction std / data std")
        ax.axhline(FLAT, color="grey", ls=":", lw=0.8, label=f"'predicts mean' < {FLAT}")
        if kind == "l2":
            ax.set_xscale("log")
        ax.set_xlabel(sym[kind] + (" (lambda = 0 not drawn)" if kind == "l2" else ""))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"Spread of parameters and predictions against strength\n{label}",
                 fontsize=10)
    fig.tight_layout()
    figures["spread.png"] = fig
    return figures


NOTES = f"""\
Notes on the comparison:

- The article's signal formula and its exact training settings are not in its
  text; the signal here is our own in its spirit (see the script header), the
  split is 80 / 20 with train_test_split, uniform initialization in
  [-0.3, 0.3], Adam 1e-3, batch 64. L2 uses Keras' convention
  (lambda * sum(W^2)) on every kernel, not on biases; dropout sits between
  the hidden layers (before the 2nd and 3rd hidden Dense).
- "predicts_mean": the standard deviation over x of the prediction is below
  {FLAT} of the data's standard deviation (a nearly flat line). Its
  "prediction_mean_minus_data_mean" says whether that line sits at the mean.
- The parameter spread is the standard deviation (and IQR) of all weights and
  biases after training; "before" is the same uniform draw for every point.
- Each row's tuner_id says which keras-tuner process trained that point.
"""


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    signal, data = load_data(args.seed)
    work_dir = args.work_dir or tempfile.mkdtemp(prefix="regularization_intuition-")
    print(f"[kreg] {run_label(args)}; role: {role()}; work dir: {work_dir}")
    run_sweeps(args, signal, data, work_dir)
    if role() == "worker":
        print("[kreg] worker done; the chief writes the results")
        return None
    results = collect(work_dir, args)
    table = summarize(results, signal)
    turning = turning_points(table)
    history = pd.concat([
        pd.DataFrame({"sweep": k, "strength": s, "step": r["step"],
                      "train_mse": r["train_mse"], "val_mse": r["val_mse"]})
        for (k, s), r in results.items()])
    meta = run_metadata(
        "Intuitive understanding of regularization in deep learning", args,
        run_label(args),
        {"source": "generated, harness.data.periodic_signal",
         "phases": signal.phases,
         "sizes": {"train": len(data[0]), "validation": len(data[2])}},
        role=role(),
        seconds_per_point={f"{k}={s:g}": float(r["seconds"])
                           for (k, s), r in results.items()},
        wall_seconds=time.perf_counter() - wall_start)
    write_results(
        args.out, "Intuitive regularization: L2 and dropout sweeps",
        run_label(args),
        [("turning_points", turning, None), ("table", table, None)],
        make_figures(results, signal, data, args), meta, NOTES,
        csv_files={"history": history})
    return table


if __name__ == "__main__":
    run_script(main)
