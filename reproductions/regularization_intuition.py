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
                         (the columns after tuner_id: how the predictions
                         match the noise-free signal and the noise, their
                         roughness with dropout off and, for dropout, on at
                         prediction time, and how far the parameters moved)
    turning_points.csv/.md   where each sweep turns into the data mean, ours
                         beside the article's lambda ~ 0.01 and p ~ 0.6
    limit.csv            dropout p = 1.0, trained outside the grid (the
                         command line stops at p < 1): what the model learns
    split.csv            the x range and the largest x gap of each split
    claims.csv           every claim of the article, its status and why
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
import warnings

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
    Setting("--steps", positive_int, full=96_000, quick=1500,
            help="Adam steps per grid point (the full setting trains until the "
            "unregularized validation loss has stopped falling)"),
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
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds of the seed check: the unregularized model and the "
            "regularized grid point with the lowest validation MSE, trained "
            "again with other initial weights and batches"),
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

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402
import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import ks_2samp  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.analysis.curve_windows import last_fifth_change, window_change  # noqa: E402
from harness.analysis.over_seeds import per_seed  # noqa: E402
from harness.cli.run import run_script  # noqa: E402
from harness.data.periodic_signal import make_periodic_signal  # noqa: E402
from harness.plotting.densities import plot_densities  # noqa: E402
from harness.plotting.panels import plot_panels  # noqa: E402
from harness.results.claims import (  # noqa: E402
    Claim,
    beyond_spread,
    decide,
    mean_sd,
    not_tested,
)
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices  # noqa: E402
from kreg.regularizers import L2  # noqa: E402

SWEEPS = ("l2", "dropout")
# Prediction spread (std over x) below this fraction of the data's std: the
# model predicts (about) the data mean.
FLAT = 0.25
ARTICLE_TURNING = {"l2": 0.01, "dropout": 0.6}
# Forward passes with dropout on (training=True) after training, per dropout
# point: the article's "fuzzy" predictions look like such passes.
DROPOUT_ON_PASSES = 20
# The hard region: the burst of the signal around x = 11, two burst widths
# (harness.data.periodic_signal: w = 0.6) either side.
HARD_CENTER, HARD_HALF_WIDTH = 11.0, 1.2
# "The first part of the curve" (article, p = 0.4): the first quarter of x.
FIRST_PART_END = 5.0
# Roughness: the RMS of a curve minus its moving average over this many grid
# points (0.18 in x, a sixth of the burst's period).
SMOOTH_WINDOW = 9
# A parameter "moved" in training when it changed by more than this.
MOVED = 1e-3
# p = 1.0, the article's limit, trained outside the grid.
LIMIT_P = 1.0


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


def build_model(kind, strength, args, seed=None):
    """The model of one grid point; `seed` (default `--seed`) sets its
    initial weights and dropout masks."""
    seed = args.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
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


def dropout_on_predictions(model, grid):
    """`DROPOUT_ON_PASSES` predictions on `grid` with dropout still on
    (training=True), one row per pass; empty for a model without dropout."""
    if not any(isinstance(layer, keras.layers.Dropout) for layer in model.layers):
        return np.zeros((0, len(grid)), dtype=np.float32)
    return np.stack([keras.ops.convert_to_numpy(model(grid, training=True)).reshape(-1)
                     for _ in range(DROPOUT_ON_PASSES)])


def kernel_mask(model):
    """Which entries of `all_parameters` are kernel weights (not biases)."""
    return np.concatenate([np.full(int(np.prod(w.shape)), w.name == "kernel")
                           for w in model.trainable_weights])


def train(model, data, args, label="", seed=None):
    """Trains `model`; `seed` (default `--seed`) sets the batch order."""
    x_train, y_train, x_val, y_val = data
    before = all_parameters(model)
    loop = CompiledLoop(model, x_train, y_train)
    indices = epoch_batch_indices(len(x_train), args.batch_size, args.steps,
                                  seed=args.seed if seed is None else seed)
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
                 prediction_dropout_on=dropout_on_predictions(model, grid),
                 kernel_mask=kernel_mask(model),
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


def high_frequency(curve):
    """A curve on the x grid minus its moving average over `SMOOTH_WINDOW`
    points; NaN at the edges the window does not cover."""
    curve = np.asarray(curve, dtype=np.float64)
    smooth = np.convolve(curve, np.ones(SMOOTH_WINDOW) / SMOOTH_WINDOW, mode="same")
    high = curve - smooth
    half = SMOOTH_WINDOW // 2
    high[:half] = np.nan
    high[-half:] = np.nan
    return high


def rms(values):
    return float(np.sqrt(np.nanmean(np.square(values))))


def r2(prediction, target):
    """1 - MSE / variance of `target`: the share of the noise-free signal's
    variance the prediction explains."""
    return float(1 - np.mean((prediction - target) ** 2) / np.var(target))


def prediction_measures(prediction, signal, train_mask):
    """How one prediction on the x grid matches the signal: roughness
    (`high_frequency` RMS relative to the data's, over all x and over the
    hard region) and `noise_fit`, the correlation of its error with the
    noise on the training points (1: it follows the noise exactly)."""
    x = np.asarray(signal.x)
    hard = np.abs(x - HARD_CENTER) <= HARD_HALF_WIDTH
    unit = rms(high_frequency(signal.y))
    high = high_frequency(prediction)
    noise = np.asarray(signal.y, np.float64) - signal.clean
    error = np.asarray(prediction, np.float64) - signal.clean
    fit = (np.corrcoef(error[train_mask], noise[train_mask])[0, 1]
           if np.std(error[train_mask]) > 0 else np.nan)
    return {"roughness": rms(high) / unit,
            "hard_region_roughness": rms(high[hard]) / unit,
            "noise_fit": float(fit),
            "prediction_spread": float(np.std(prediction) / np.std(signal.y))}


def point_measures(r, signal, train_mask):
    """The columns `add_measures` adds, for one trained point."""
    x = np.asarray(signal.x)
    clean = np.asarray(signal.clean, np.float64)
    prediction = np.asarray(r["prediction"], np.float64)
    hard = np.abs(x - HARD_CENTER) <= HARD_HALF_WIDTH
    first = x < FIRST_PART_END
    error = prediction - clean
    normal = prediction_measures(prediction, signal, train_mask)
    row = {
        "clean_correlation": float(np.corrcoef(prediction, clean)[0, 1])
        if np.std(prediction) > 0 else 0.0,
        "clean_r2": r2(prediction, clean),
        "clean_r2_first_part": r2(prediction[first], clean[first]),
        "clean_r2_rest": r2(prediction[~first], clean[~first]),
        "hard_region_error_ratio": rms(error[hard]) / rms(error[~hard]),
        "roughness": normal["roughness"],
        "hard_region_roughness": normal["hard_region_roughness"],
        "noise_fit": normal["noise_fit"],
    }
    passes = np.asarray(r.get("prediction_dropout_on", np.zeros((0, len(x)))))
    on = [prediction_measures(p, signal, train_mask) for p in passes]
    for column in ("prediction_spread", "roughness", "hard_region_roughness",
                   "noise_fit"):
        values = [m[column] for m in on]
        row[f"{column}_dropout_on"] = float(np.mean(values)) if on else np.nan
        row[f"{column}_dropout_on_sd"] = float(np.std(values, ddof=1)) if on else np.nan
    before, after = np.asarray(r["before"]), np.asarray(r["after"])
    kernels = np.asarray(r.get("kernel_mask", np.zeros(0, bool)), bool)
    row.update({
        "param_abs_max_before": float(np.abs(before).max()),
        "param_ks_to_init": float(ks_2samp(before, after).statistic),
        "param_fraction_moved": float(np.mean(np.abs(after - before) > MOVED)),
        "param_fraction_outside_init": float(np.mean(np.abs(after)
                                                     > np.abs(before).max())),
        "param_fraction_near_zero": float(np.mean(np.abs(after) < MOVED)),
        "kernel_std_after": float(after[kernels].std()) if kernels.any() else np.nan,
        "kernel_iqr_after": float(np.subtract(*np.percentile(after[kernels], [75, 25])))
        if kernels.any() else np.nan,
    })
    return row


def training_mask(signal, data):
    return np.isin(np.asarray(signal.x), np.asarray(data[0]).reshape(-1))


def add_measures(table, results, signal, data):
    """`table` with the columns of `point_measures` after its own."""
    mask = training_mask(signal, data)
    extra = pd.DataFrame([point_measures(results[(row.sweep, row.strength)], signal,
                                         mask) for row in table.itertuples()],
                         index=table.index)
    return pd.concat([table, extra], axis=1)


def train_limit(args, signal, data):
    """Dropout p = `LIMIT_P` (every hidden unit dropped in training), trained
    as a grid point would be, outside the grid: one row."""
    model = build_model("dropout", LIMIT_P, args)
    with warnings.catch_warnings():
        # The layers before the last dropout get no gradient: expected here.
        warnings.filterwarnings("ignore", message="Gradients do not exist")
        result = train(model, data, args, f"dropout={LIMIT_P:g}")
    grid = np.asarray(signal.x).reshape(-1, 1)
    r = {"prediction": keras.ops.convert_to_numpy(model(grid, training=False)).reshape(-1),
         "kernel_mask": kernel_mask(model), "before": result["before"],
         "after": result["after"], "seconds": result["seconds"], "tuner_id": "local",
         **{k: np.asarray(v) for k, v in result["history"].items()}}
    table = summarize({("dropout", LIMIT_P): r}, signal)
    table = add_measures(table, {("dropout", LIMIT_P): r}, signal, data)
    curve = pd.Series(r["train_mse"], index=r["step"])
    table.insert(2, "first_train_mse", float(curve.iloc[0]))
    return table


def seed_check(args, table, signal, data):
    """The unregularized model and the best regularized grid point (lowest
    final validation MSE, either sweep) on every seed: the grid's own run
    for `--seed`, trained again for the others. One row per model and seed,
    with the spread of its predictions over the signal's x (0: a constant,
    as from an output ReLU that never fires)."""
    regularized = table[table.strength > 0]
    points = [("l2", 0.0)]
    if len(regularized):
        best = regularized.loc[regularized.final_val_mse.idxmin()]
        points.append((best.sweep, float(best.strength)))
    rows = []
    for kind, strength in points:
        grid = table[(table.sweep == kind) & np.isclose(table.strength, strength)].iloc[0]
        rows.append({"sweep": kind, "strength": strength, "seed": args.seed,
                     "final_train_mse": grid.final_train_mse,
                     "final_val_mse": grid.final_val_mse,
                     "prediction_spread": grid.prediction_spread})
        for seed in range(args.seed + 1, args.seed + args.seeds):
            model = build_model(kind, strength, args, seed=seed)
            history = train(model, data, args, f"{kind}={strength:g} s{seed}",
                            seed=seed)["history"]
            prediction = keras.ops.convert_to_numpy(
                model(np.asarray(signal.x).reshape(-1, 1), training=False))
            rows.append({"sweep": kind, "strength": strength, "seed": seed,
                         "final_train_mse": history["train_mse"][-1],
                         "final_val_mse": history["val_mse"][-1],
                         "prediction_spread": float(prediction.std()) / float(signal.y.std())})
    return pd.DataFrame(rows)


def split_frame(data, signal):
    """Each split's x range and largest gap between neighbouring x."""
    rows = []
    for name, x in (("train", data[0]), ("validation", data[2])):
        x = np.sort(np.asarray(x).reshape(-1))
        rows.append({"split": name, "points": len(x), "x_min": float(x[0]),
                     "x_max": float(x[-1]), "largest_gap": float(np.diff(x).max()),
                     "grid_x_min": float(np.min(signal.x)),
                     "grid_x_max": float(np.max(signal.x))})
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
        if kind == "l2" and (sweep.strength > 0).any():
            ax.set_xscale("log")
        ax.set_xlabel(sym[kind] + (" (lambda = 0 not drawn)" if kind == "l2" else ""))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"Spread of parameters and predictions against strength\n{label}",
                 fontsize=10)
    fig.tight_layout()
    figures["spread.png"] = fig
    return figures


# ---------------------------------------------------------------------------
# The claims ledger: every claim of the article, decided from the committed
# tables alone (harness.results.claims). One seed: there are no sds over
# seeds here; the sds are over the dropout-on passes.
# ---------------------------------------------------------------------------
# The unregularized model "works": it explains this share of the noise-free
# signal's variance (R^2).
FITS = 0.9
# "The qualitative shape": correlation with the noise-free signal at least
# this; "the actual data points": R^2 at least this.
SHAPE = 0.8
# A curve "tracks the noise" / is "fuzzy" where its roughness is at least
# this fraction of the noisy data's (1 = as rough as the data).
ROUGH = 0.5
# Training has "stopped falling": the training MSE fell by at most this
# fraction over the last fifth of the steps; "stopped" for a flat model: it
# moved by at most FLAT_LOSS either way.
CONVERGED = 0.05
FLAT_LOSS = 0.01
# "Monotonically decreasing": no measurement this much above the lowest
# before it.
MONOTONE = 0.10
# The article's "first part" is fitted, the rest not: R^2 at least / below.
PART_FIT = 0.5
# "Little effect" of p on the parameters: the smallest parameter IQR over the
# dropout sweep at least this fraction of the largest; partly at least
# LITTLE_PARTLY.
LITTLE, LITTLE_PARTLY = 0.75, 0.5
# A Dirac spike: parameter IQR below this fraction of the unregularized one's,
# and at least SPIKE_MASS of the parameters within MOVED of 0.
SPIKE, SPIKE_MASS = 0.01, 0.9
# p = 1.0 "learns nothing": at most this fraction of the parameters moved.
UNMOVED = 0.1
# The dropout turning point is reproduced within one grid step of 0.6.
TURN_TOLERANCE = 0.1


# "Only hurts": no regularized point lowers the validation MSE by more than
# this share, beyond the sds over seeds.
GAIN = 0.1


def train_below_val(curve):
    """Whether the unregularized model ends with its training MSE below its
    validation MSE (`curve(kind, strength, column)` as in `claims`)."""
    return bool(curve("l2", 0.0).iloc[-1] < curve("l2", 0.0, "val_mse").iloc[-1])


def early_fall(curve):
    """How much a curve falls from its first measurement to the first fifth
    of the steps (0.5: to half)."""
    at = curve[curve.index <= curve.index[-1] // 5]
    at = at.iloc[-1] if len(at) else curve.iloc[0]
    return float(1 - at / curve.iloc[0])


def rank_correlation(x, y):
    """Spearman's correlation (that of the ranks)."""
    return float(pd.Series(list(x)).rank().corr(pd.Series(list(y)).rank()))


def claims(tables):
    """Article 004's claims, each with a status that follows from `tables`
    (`table`, `turning_points`, `history`, `limit`, `split` as written)."""
    table = tables["table"]
    turning = tables["turning_points"].set_index("sweep")
    history = tables["history"]
    limit = tables.get("limit")
    split = tables.get("split")
    ledger = []

    def add(claim, status, ours, article_value, evidence, why=""):
        ledger.append(Claim("004", claim, status, ours, article_value, evidence, why))

    def sweep(kind):
        return table[table.sweep == kind].sort_values("strength").set_index("strength")

    l2, dropout = sweep("l2"), sweep("dropout")

    def at(frame, strength):
        hits = frame[np.isclose(frame.index, strength)]
        return hits.iloc[0] if len(hits) else None

    def curve(kind, strength, column="train_mse"):
        rows = history[(history.sweep == kind) & np.isclose(history.strength, strength)]
        return rows.set_index("step")[column]

    def absent(claim, points=(), columns=(), article_value=""):
        """`not tested` when a grid point or a column is missing."""
        missing = [f"{k}={s:g}" for k, s in points
                   if at(l2 if k == "l2" else dropout, s) is None]
        why = []
        if missing:
            why.append("grid points not run here: " + ", ".join(missing))
        lacking = [c for c in columns if c not in table.columns]
        if lacking:
            why.append("columns missing from table.csv (written by an older "
                       "version of the script): " + ", ".join(lacking))
        if why:
            ledger.append(not_tested("004", claim, "; ".join(why) + ".", article_value))
        return bool(why)

    # -- The data and the unregularized model ------------------------------
    claim = ("The train and validation splits each represent the whole curve: "
             "dropping either leaves the same picture")
    if split is None:
        ledger.append(not_tested("004", claim, "split.csv not written by this run."))
    else:
        s = split.set_index("split")
        covers = all((s.x_min <= s.grid_x_min + s.largest_gap)
                     & (s.x_max >= s.grid_x_max - s.largest_gap))
        nyquist = np.pi / 6
        add(claim, decide(covers and s.largest_gap.max() < nyquist),
            ", ".join(f"{n}: {int(r.points)} points, largest x gap {r.largest_gap:.3f}"
                      for n, r in s.iterrows()), "", "split.csv; data.png",
            "Rule: each split spans the x range and its largest gap between "
            f"neighbouring x is below {nyquist:.3f}, half the period of the "
            "fastest component (the burst's sin(6x)), so each split samples "
            "every half oscillation.")

    claim = "Before training the parameters are uniform: a top hat"
    if not absent(claim, [("l2", 0.0)], ["param_abs_max_before"]):
        r = at(l2, 0.0)
        ratio = r.param_std_before / r.param_abs_max_before
        add(claim, decide(abs(ratio * np.sqrt(3) - 1) <= 0.05),
            f"std / largest |value| {ratio:.4f}", "uniform",
            "table.csv: param_std_before, param_abs_max_before; kde_*.png",
            f"Rule: std / half-width within 5 % of 1/sqrt(3) = {1 / np.sqrt(3):.4f}, "
            "a uniform distribution's.")

    claim = "Without regularization the model learns the function well"
    if not absent(claim, [("l2", 0.0)], ["clean_r2"]):
        r = at(l2, 0.0)
        add(claim, decide(r.clean_r2 >= FITS),
            f"R^2 against the noise-free signal {r.clean_r2:.3f}; train MSE "
            f"{r.final_train_mse:.4f}, validation MSE {r.final_val_mse:.4f} (noise "
            "variance 0.01)", "", "table.csv: clean_r2, final_*_mse; predictions_l2.png",
            f"Rule: the prediction explains at least {FITS} of the noise-free "
            "signal's variance (R^2).")

    claim = ("Training turns the uniform parameters into a distribution of "
             "uneven values")
    if not absent(claim, [("l2", 0.0)], ["param_ks_to_init",
                                         "param_fraction_outside_init"]):
        r = at(l2, 0.0)
        add(claim, decide(r.param_ks_to_init >= 0.1,
                          r.param_fraction_outside_init >= 0.01),
            f"Kolmogorov-Smirnov distance before-after {r.param_ks_to_init:.3f}; "
            f"{r.param_fraction_outside_init:.1%} outside the initial range; "
            f"{r.param_fraction_moved:.0%} moved by more than {MOVED}", "",
            "table.csv: param_ks_to_init, param_fraction_outside_init, "
            "param_fraction_moved; kde_l2.png",
            "Rule: Kolmogorov-Smirnov distance between the parameter "
            "distributions before and after training at least 0.1; partly when "
            "only tails grow (at least 1 % of the parameters beyond the initial "
            "range) while the bulk stays a top hat.")

    claim = "The region around x = 11 is hard for the unregularized model"
    if not absent(claim, [("l2", 0.0)], ["hard_region_error_ratio"]):
        ratio = at(l2, 0.0).hard_region_error_ratio
        add(claim, decide(ratio >= 2, ratio > 1), f"RMS error there {ratio:.2f} "
            "times that elsewhere", "", "table.csv: hard_region_error_ratio",
            f"Rule: RMS error against the noise-free signal within {HARD_HALF_WIDTH} "
            f"of x = {HARD_CENTER:g} at least twice that elsewhere; partly above 1.")

    claim = "The unregularized training loss decreases monotonically"
    if not absent(claim, [("l2", 0.0)]):
        c = curve("l2", 0.0)
        rise = float((c / c.cummin().shift()).max() - 1)
        add(claim, decide(rise <= MONOTONE, c.iloc[-1] <= c.min()),
            f"largest rise {rise:+.0%} above the lowest loss before it", "",
            "history.csv: train_mse; loss_l2.png",
            f"Rule: no measurement more than {MONOTONE:.0%} above the lowest before "
            "it; partly when only the trend falls (the last measurement is the "
            "lowest).")

    claim = ("The models are trained until the unregularized loss has stopped "
             "falling (a setting check, not the article's claim)")
    if not absent(claim, [("l2", 0.0)]):
        val = window_change(curve("l2", 0.0, "val_mse"))
        train = window_change(curve("l2", 0.0))
        steps = int(curve("l2", 0.0).index[-1])
        add(claim, decide(-val <= CONVERGED and -train <= CONVERGED, -val <= CONVERGED),
            f"over the last fifth of the {steps} steps, mean validation MSE "
            f"{val:+.1%}, mean training MSE {train:+.1%} against the fifth before",
            "trained to a final result", "history.csv: val_mse, train_mse (l2, 0)",
            f"Rule: the mean over the last fifth of the steps at most {CONVERGED:.0%} "
            "below the mean over the fifth before, for the validation and the "
            "training MSE; partly for the validation MSE only. "
            + ("The validation loss has stopped falling: the other claims compare "
               "models past their best fit. " if -val <= CONVERGED else
               "The validation loss is still falling: more steps would change the "
               "fits. ")
            + ("" if -train <= CONVERGED else
               "The training loss keeps falling as the network memorizes the "
               "noise of its 800 points (training MSE below the validation MSE)."
               if train_below_val(curve) else
               "The training loss keeps falling."))

    claim = ("Regularization only hurts this well-working model (it does not "
             "overfit)")
    regularized = table[table.strength > 0]
    if regularized.empty:
        ledger.append(not_tested("004", claim, "no regularized point in this run"))
    elif not absent(claim, [("l2", 0.0)]):
        best = regularized.loc[regularized.final_val_mse.idxmin()]
        check = tables.get("seed_check")
        if check is None:
            check = pd.DataFrame([{"sweep": "l2", "strength": 0.0,
                                   "final_val_mse": at(l2, 0.0).final_val_mse},
                                  {"sweep": best.sweep, "strength": best.strength,
                                   "final_val_mse": best.final_val_mse}])
        # A seed whose model predicts one constant (an output ReLU that
        # never fires) failed to train: it says nothing of regularization.
        spread = (check["prediction_spread"] if "prediction_spread" in check
                  else pd.Series(1.0, index=check.index))
        dead = sorted(check.loc[spread == 0, "seed"].unique()) if "seed" in check else []
        kept = check[~check["seed"].isin(dead)] if "seed" in check else check
        stats = {(k, s): per_seed(g["final_val_mse"])
                 for (k, s), g in kept.groupby(["sweep", "strength"])}
        point = (best.sweep, float(best.strength))
        if ("l2", 0.0) not in stats or point not in stats:
            ledger.append(not_tested("004", claim, "every seed of the seed check "
                                     "failed to train (constant predictions)"))
        else:
            none, helped = stats["l2", 0.0], stats[point]
            n = len(kept[(kept.sweep == "l2") & (kept.strength == 0.0)])
            gains = beyond_spread(*none, *helped) and helped[0] < (1 - GAIN) * none[0]
            failed = check[check["seed"].isin(dead)] if dead else check.iloc[:0]
            add(claim, decide(not gains),
                f"validation MSE {mean_sd(*none)} without; best regularized "
                f"{point[0]}={point[1]:g} {mean_sd(*helped)}", "",
                "seed_check.csv: final_val_mse, prediction_spread; table.csv: "
                "final_val_mse",
                f"Rule: the best regularized point (lowest validation MSE on the "
                f"grid) not below {1 - GAIN:g} times the unregularized validation "
                f"MSE beyond both sds over seeds ({n} seed{'s' if n > 1 else ''}: "
                "each trained again with other initial weights and batches)."
                + (f" Left out: seed {', '.join(str(int(d)) for d in dead)}, where "
                   "the model predicts one constant everywhere (an output ReLU "
                   "that never fires; validation MSE "
                   + ", ".join(f"{v:.2f}" for v in failed["final_val_mse"])
                   + "): a failed training, not an effect of regularization."
                   if dead else ""))

    # -- L2 ----------------------------------------------------------------
    claim = "Larger lambda: the final training error increases greatly"
    if len(l2) >= 3 and not absent(claim, [("l2", 0.0)]):
        mse = l2.final_train_mse
        steps_ok = bool((mse.iloc[1:].to_numpy() >= 0.9 * mse.iloc[:-1].to_numpy()).all())
        grows = mse.iloc[-1] / mse.iloc[0]
        add(claim, decide(steps_ok and grows >= 5, grows >= 5),
            ", ".join(f"{s:g}: {v:.3f}" for s, v in mse.items()), "",
            "table.csv: final_train_mse; loss_l2.png",
            "Rule: each step up in lambda keeps at least 0.9 of the training "
            f"MSE before it and the largest lambda ends at least 5 times above "
            f"lambda = 0 (ours: {grows:.1f} times); partly when only the latter.")

    claim = "Larger lambda: the loss falls less early in training"
    if len(l2) >= 2 and not absent(claim, [("l2", 0.0)]):
        falls = {s: early_fall(curve("l2", s)) for s in l2.index}
        strongest = l2.index[-1]
        c = curve("l2", strongest)
        add(claim, decide(falls[strongest] < 0.5 * falls[0.0]),
            ", ".join(f"{s:g}: {v:.0%}" for s, v in falls.items())
            + f" (lambda = {strongest:g}: from {c.iloc[0]:.3f} at step "
            f"{c.index[0]} to {c[c.index <= c.index[-1] // 5].iloc[-1]:.3f})", "",
            "history.csv: train_mse; loss_l2.png",
            "Rule: the fall of the training MSE from the first measurement to "
            "a fifth of the steps, at the largest lambda, below half that at "
            "lambda = 0.")

    claim = "For very small lambda the predictions do not change"
    small = [s for s in l2.index if 0 < s <= 1e-4]
    if not small:
        ledger.append(not_tested("004", claim, "no lambda in (0, 1e-4] run here."))
    elif not absent(claim, [("l2", 0.0)], ["clean_r2"]):
        base = at(l2, 0.0).clean_r2
        worst = min(at(l2, s).clean_r2 for s in small)
        add(claim, decide(worst >= base - 0.05),
            f"R^2 {base:.3f} at lambda = 0, "
            + ", ".join(f"{at(l2, s).clean_r2:.3f} at {s:g}" for s in small), "",
            "table.csv: clean_r2; predictions_l2.png",
            "Rule: at every lambda up to 1e-4, R^2 against the noise-free "
            "signal within 0.05 of lambda = 0's.")

    claim = ("At lambda = 0.01 the qualitative shape is reproduced, the data "
             "points are not")
    if not absent(claim, [("l2", 0.01)], ["clean_correlation", "clean_r2"]):
        r = at(l2, 0.01)
        shape, points = r.clean_correlation >= SHAPE, r.clean_r2 >= SHAPE
        add(claim, decide(shape and not points, shape),
            f"correlation with the noise-free signal {r.clean_correlation:.3f}, "
            f"R^2 {r.clean_r2:.3f}", "turning point near 0.01",
            "table.csv: clean_correlation, clean_r2; predictions_l2.png",
            f"Rule: shape kept, correlation at least {SHAPE}; points missed, R^2 "
            f"below {SHAPE}; partly when the shape is kept and the points are "
            "fitted too.")

    claim = "Above lambda = 0.01 the model predicts only the data mean"
    above = [s for s in l2.index if 0.01 < s <= 0.1]
    if not above:
        ledger.append(not_tested("004", claim, "no lambda in (0.01, 0.1] run "
                                 "here: the grid cannot place the turning point.",
                                 "0.01"))
    elif not absent(claim, [("l2", 0.01)]):
        first = turning.at["l2", "first_strength_predicting_mean"]
        beyond = l2[l2.index >= first] if not np.isnan(first) else l2.iloc[:0]
        holds = (not np.isnan(first) and 0.01 < first <= 0.1
                 and bool(beyond.predicts_mean.all())
                 and bool((beyond.prediction_mean_minus_data_mean.abs() < 0.1).all()))
        add(claim, decide(holds, not np.isnan(first)),
            f"first lambda predicting the mean: {first:g}; spread at 0.01: "
            f"{at(l2, 0.01).prediction_spread:.3f}", "above 0.01",
            "turning_points.csv; table.csv: prediction_spread, predicts_mean, "
            "prediction_mean_minus_data_mean; spread.png",
            f"Rule: the first lambda whose prediction spread is below {FLAT} of "
            "the data's lies in (0.01, 0.1], every larger one too, each within "
            "0.1 of the data mean; partly when the turn lies elsewhere.")

    claim = "Once the model predicts the mean, its training loss stops"
    flat = l2[l2.predicts_mean.astype(bool)]
    if not len(flat):
        ledger.append(not_tested("004", claim, "no lambda here predicts the mean."))
    else:
        changes = {s: last_fifth_change(curve("l2", s)) for s in flat.index}
        add(claim, decide(max(abs(v) for v in changes.values()) <= FLAT_LOSS),
            ", ".join(f"{s:g}: {v:+.2%}" for s, v in changes.items()), "",
            "history.csv: train_mse; loss_l2.png",
            f"Rule: at every flat lambda the training MSE moves by at most "
            f"{FLAT_LOSS:.0%} over the last fifth of the steps.")

    claim = "Larger lambda: the spread of the parameters shrinks"
    if len(l2) >= 3 and not absent(claim, [("l2", 0.0)], ["kernel_std_after"]):
        iqr = l2.param_iqr_after
        shrinks = bool((iqr.iloc[1:].to_numpy() <= 1.1 * iqr.iloc[:-1].to_numpy()).all())
        std = l2.param_std_after
        std_shrinks = bool((std.iloc[1:].to_numpy() <= 1.1 * std.iloc[:-1].to_numpy()).all())
        kernel = l2.kernel_std_after
        kernel_shrinks = bool((kernel.iloc[1:].to_numpy()
                               <= 1.1 * kernel.iloc[:-1].to_numpy()).all())
        add(claim, decide(shrinks and iqr.iloc[-1] < 0.1 * iqr.iloc[0]),
            "IQR " + ", ".join(f"{s:g}: {v:.2g}" for s, v in iqr.items())
            + "; std " + ", ".join(f"{v:.3f}" for v in std),
            "", "table.csv: param_iqr_after, param_std_after, kernel_std_after; kde_l2.png",
            "Rule: the interquartile range of all parameters never grows by more "
            "than 10 % from one lambda to the next, and ends below a tenth of "
            "lambda = 0's. The standard deviation "
            + ("shrinks too." if std_shrinks else
               "does not shrink throughout: it is set by the few largest "
               "parameters. " + ("Over the kernels alone (biases carry no "
                                 "penalty) it does shrink, so the biases make "
                                 "the difference." if kernel_shrinks else
                                 "It does not shrink over the kernels alone "
                                 "either; the cause is not found.")))

    claim = ("At lambda = 1 the parameters form a Dirac spike at 0: L2 forces "
             "them close to zero")
    if not absent(claim, [("l2", 0.0), ("l2", 1.0)], ["param_fraction_near_zero"]):
        r, none = at(l2, 1.0), at(l2, 0.0)
        ratio = r.param_iqr_after / none.param_iqr_after
        add(claim, decide(ratio < SPIKE and r.param_fraction_near_zero >= SPIKE_MASS,
                          ratio < SPIKE),
            f"IQR {ratio:.1e} of lambda = 0's; {r.param_fraction_near_zero:.1%} "
            f"within {MOVED} of 0; largest |value| {r.param_abs_max_after:.2f}",
            "Dirac delta at 0", "table.csv: param_iqr_after, "
            "param_fraction_near_zero, param_abs_max_after; kde_l2.png",
            f"Rule: IQR below {SPIKE} of lambda = 0's and at least {SPIKE_MASS:.0%} "
            f"of the parameters within {MOVED} of 0; partly with the spike only. "
            "None is exactly 0: L2 shrinks, it does not make exact zeros.")

    # -- Dropout -----------------------------------------------------------
    claim = "Larger p: the final training loss increases"
    if len(dropout) >= 3 and not absent(claim, [("dropout", 0.0)]):
        mse = dropout.final_train_mse
        rho = rank_correlation(dropout.index, mse)
        grows = mse.iloc[-1] / mse.iloc[0]
        add(claim, decide(rho >= 0.9 and grows >= 5, grows >= 5),
            ", ".join(f"{s:g}: {v:.3f}" for s, v in mse.items()), "",
            "table.csv: final_train_mse; loss_dropout.png",
            f"Rule: rank correlation of p and final training MSE at least 0.9 "
            f"(ours {rho:.2f}) and the largest p at least 5 times p = 0's (ours "
            f"{grows:.1f}); partly when only the latter.")

    claim = "Larger p: the model still learns, more slowly"
    if len(dropout) >= 3 and not absent(claim, [("dropout", 0.0)]):
        early = {s: curve("dropout", s).loc[lambda c: c.index <= c.index[-1] // 5].iloc[-1]
                 for s in dropout.index}
        falls = {s: -last_fifth_change(curve("dropout", s)) for s in dropout.index}
        rho = rank_correlation(early.keys(), early.values())
        learning = all(v > FLAT_LOSS for s, v in falls.items() if s > 0)
        stalled = [f"{s:g}" for s, v in falls.items() if s > 0 and v <= FLAT_LOSS]
        add(claim, decide(rho >= 0.9 and learning, learning),
            "training MSE at a fifth of the steps " + ", ".join(
                f"{s:g}: {v:.3f}" for s, v in early.items())
            + "; no longer falling at p = " + (", ".join(stalled) or "none"), "",
            "history.csv: train_mse; loss_dropout.png",
            "Rule: the training MSE at a fifth of the steps rises with p (rank "
            f"correlation at least 0.9; ours {rho:.2f}) and every p < 1 still "
            f"lowers it by more than {FLAT_LOSS:.0%} over the last fifth; partly "
            "when only the latter.")

    def both_ways(holds_off, holds_on, what):
        """The why of a claim tested with dropout off and on at prediction."""
        if holds_off:
            return f"With dropout off at prediction, as Keras predicts, {what} holds."
        if holds_on:
            return (f"With dropout off at prediction {what} fails; with dropout "
                    f"still on (training=True, {DROPOUT_ON_PASSES} passes) it "
                    "holds, so the article's plots match predictions made with "
                    "dropout on.")
        return (f"{what.capitalize()} fails both with dropout off and with "
                f"dropout on at prediction ({DROPOUT_ON_PASSES} passes).")

    needs_on = ["roughness", "roughness_dropout_on", "hard_region_roughness_dropout_on"]
    claim = "At p = 0.1 the predictions track the data, noise included"
    if not absent(claim, [("dropout", 0.0), ("dropout", 0.1)], needs_on):
        r, none = at(dropout, 0.1), at(dropout, 0.0)
        off = r.roughness >= ROUGH and beyond_spread(r.roughness, None,
                                                      none.roughness, None)
        on = (r.roughness_dropout_on >= ROUGH
              and beyond_spread(r.roughness_dropout_on, r.roughness_dropout_on_sd,
                                none.roughness, None))
        follows = r.noise_fit_dropout_on >= 0.3
        add(claim, decide(off, on),
            f"roughness {r.roughness:.2f} with dropout off, "
            f"{mean_sd(r.roughness_dropout_on, r.roughness_dropout_on_sd, 2)} "
            f"with dropout on (p = 0: {none.roughness:.2f}; the data: 1); "
            f"error-noise correlation {r.noise_fit:.2f} off, "
            f"{r.noise_fit_dropout_on:.2f} on", "",
            "table.csv: roughness, roughness_dropout_on(_sd), noise_fit, "
            "noise_fit_dropout_on; predictions_dropout.png",
            f"Rule: roughness (RMS of the curve minus its {SMOOTH_WINDOW}-point "
            f"moving average, over the data's) at least {ROUGH} and above p = 0's "
            "by more than the sd over passes; partly when only with dropout on. "
            + both_ways(off, on, "tracking")
            + (" The dropout-on wiggles follow the actual noise (error-noise "
               "correlation at least 0.3)." if follows else
               " The dropout-on wiggles are not the data's noise (error-noise "
               "correlation below 0.3): they look like it without following it."))

    claim = "At p = 0.2 and 0.3 the predictions turn fuzzy at x = 11"
    points = [s for s in (0.2, 0.3) if at(dropout, s) is not None]
    if not points:
        ledger.append(not_tested("004", claim, "neither p = 0.2 nor 0.3 run here."))
    elif not absent(claim, [("dropout", 0.0)], needs_on):
        none = at(dropout, 0.0)
        rows = [at(dropout, s) for s in points]
        off = all(r.hard_region_roughness >= ROUGH and r.hard_region_roughness
                  > none.hard_region_roughness for r in rows)
        on = all(r.hard_region_roughness_dropout_on >= ROUGH and beyond_spread(
            r.hard_region_roughness_dropout_on, r.hard_region_roughness_dropout_on_sd,
            none.hard_region_roughness, None) for r in rows)
        more_there = all(beyond_spread(
            r.hard_region_roughness_dropout_on, r.hard_region_roughness_dropout_on_sd,
            r.roughness_dropout_on, r.roughness_dropout_on_sd) for r in rows)
        add(claim, decide(off, on),
            "; ".join(f"p = {s:g}: roughness near x = 11 {r.hard_region_roughness:.2f} "
                      "with dropout off, "
                      + mean_sd(r.hard_region_roughness_dropout_on,
                                r.hard_region_roughness_dropout_on_sd, 2)
                      + f" on (whole curve {r.roughness_dropout_on:.2f})"
                      for s, r in zip(points, rows))
            + f"; p = 0: {none.hard_region_roughness:.2f}", "",
            "table.csv: hard_region_roughness, hard_region_roughness_dropout_on(_sd), "
            "roughness_dropout_on; predictions_dropout.png",
            f"Rule: roughness within {HARD_HALF_WIDTH} of x = {HARD_CENTER:g} at "
            f"least {ROUGH} of the data's and above p = 0's there (by more than "
            "the sd over passes, with dropout on); partly when only with dropout "
            "on. " + both_ways(off, on, "fuzziness") + " With dropout on the "
            + ("region is fuzzier than the rest of the curve, as the article "
               "says it is more obvious there." if more_there else
               "region is not fuzzier than the rest of the curve beyond the "
               "spread: the article's 'more obvious at x = 11' is not seen."))

    claim = "From p = 0.4 only the first part of the curve is reproduced"
    if not absent(claim, [("dropout", 0.0), ("dropout", 0.4)],
                  ["clean_r2_first_part", "clean_r2_rest"]):
        r, none = at(dropout, 0.4), at(dropout, 0.0)
        first_kept = r.clean_r2_first_part >= PART_FIT
        rest_lost = r.clean_r2_rest < PART_FIT
        add(claim, decide(first_kept and rest_lost, rest_lost),
            f"R^2 for x < {FIRST_PART_END:g}: {r.clean_r2_first_part:.3f}, beyond: "
            f"{r.clean_r2_rest:.3f} (p = 0: {none.clean_r2_first_part:.3f}, "
            f"{none.clean_r2_rest:.3f})", "",
            "table.csv: clean_r2_first_part, clean_r2_rest; predictions_dropout.png",
            f"Rule: R^2 against the noise-free signal at least {PART_FIT} on the "
            f"first quarter (x < {FIRST_PART_END:g}) and below it beyond; partly "
            "when only the rest is lost.")

    claim = "At p = 0.6 the predictions approach the data mean"
    first = turning.at["dropout", "first_strength_predicting_mean"]
    if at(dropout, 0.6) is None:
        ledger.append(not_tested("004", claim, "p = 0.6 not run here.", "0.6"))
    else:
        r = at(dropout, 0.6)
        holds = not np.isnan(first) and abs(first - 0.6) <= TURN_TOLERANCE + 1e-9
        change = last_fifth_change(curve("dropout", 0.6))
        why = (f"Rule: the first p whose prediction spread is below {FLAT} of the "
               f"data's lies within {TURN_TOLERANCE} of 0.6.")
        if not holds:
            why += (" Tested explanations: training length: the p = 0.6 training "
                    f"MSE changed by {change:+.1%} over the last fifth of the "
                    "steps, so " + ("more steps would move it further from the "
                                    "mean, not towards it; a shorter training "
                                    "than ours could bring the turn nearer 0.6. "
                                    if change < -FLAT_LOSS
                                    else "more steps would not change it. "))
            if "prediction_spread_dropout_on" in r.index:
                on = r.prediction_spread_dropout_on
                why += ("Dropout on at prediction: the spread of one pass is "
                        f"{on:.3f}, " + ("below" if on < FLAT else "above")
                        + f" {FLAT}, so " + ("it would explain the article's "
                                             "turning point. " if on < FLAT else
                                             "it does not explain it. "))
            why += ("Untested: the article's placement of dropout (perhaps also "
                    "after the last hidden layer) and its training length.")
        add(claim, decide(holds),
            f"first p predicting the mean: {first:g}; spread at p = 0.6: "
            f"{r.prediction_spread:.3f}", "0.6",
            "turning_points.csv; table.csv: prediction_spread, "
            "prediction_spread_dropout_on; spread.png, predictions_dropout.png", why)

    claim = "Dropout keeps the parameter distribution wider than L2 does"
    l2_flat = l2[l2.predicts_mean.astype(bool)]
    if len(dropout) and len(l2_flat):
        d_flat = dropout[dropout.predicts_mean.astype(bool)]
        d_at = d_flat.index[0] if len(d_flat) else dropout.index[-1]
        l2_first = l2_flat.index[0]
        d_iqr, l_iqr = at(dropout, d_at).param_iqr_after, l2_flat.param_iqr_after.iloc[0]
        add(claim, decide(d_iqr >= 10 * l_iqr),
            f"IQR {d_iqr:.3g} at p = {d_at:g} against {l_iqr:.3g} at lambda = "
            f"{l2_first:g}", "", "table.csv: param_iqr_after; kde_*.png",
            "Rule: where each first predicts the mean (dropout: its largest p "
            "if it never does), dropout's parameter IQR at least 10 times L2's.")
    else:
        ledger.append(not_tested("004", claim, "no L2 point here predicts the mean."))

    claim = "Below p = 1, p has little effect on the parameter distribution"
    if len(dropout) >= 2:
        iqr = dropout.param_iqr_after
        ratio = iqr.min() / iqr.max()
        add(claim, decide(ratio >= LITTLE, ratio >= LITTLE_PARTLY),
            f"parameter IQR from {iqr.min():.3f} to {iqr.max():.3f} over p = "
            f"{dropout.index[0]:g} to {dropout.index[-1]:g}", "",
            "table.csv: param_iqr_after; kde_dropout.png",
            f"Rule: smallest IQR over the sweep at least {LITTLE} of the largest "
            f"(ours {ratio:.2f}); partly at least {LITTLE_PARTLY}.")

    claim = "At p = 1.0 the model learns nothing: the parameters stay uniform"
    if limit is None or not len(limit):
        ledger.append(not_tested("004", claim, "limit.csv not written by this run.",
                                 "as initialized"))
    else:
        r = limit.iloc[0]
        nothing = r.param_fraction_moved <= UNMOVED
        add(claim, decide(nothing and r.param_ks_to_init < 0.1, nothing),
            f"{r.param_fraction_moved:.1%} of the parameters moved; "
            f"Kolmogorov-Smirnov distance to the initialization {r.param_ks_to_init:.3f}; "
            f"training MSE {r.first_train_mse:.3f} at the first measurement, "
            f"{r.final_train_mse:.3f} at the end", "as initialized",
            "limit.csv: param_fraction_moved, param_ks_to_init, first_train_mse, "
            "final_train_mse",
            f"Rule: at most {UNMOVED:.0%} of the parameters moved by more than "
            f"{MOVED} and a Kolmogorov-Smirnov distance below 0.1; partly with "
            "the first only. Trained outside the grid (limit.csv): Keras' "
            "Dropout accepts rate 1.0 and then zeroes every hidden unit in "
            "training, so only the biases after a dropped layer and the output "
            "layer get gradients: the model can learn one constant.")

    # -- What nothing here can decide ---------------------------------------
    ledger.append(not_tested("004", "The signal's formula (a sum of lagged "
                             "periodic terms)", "The article's formula is lost; "
                             "ours is our own in its spirit (script header)."))
    ledger.append(not_tested("004", "Saturating activations (tanh, sigmoid) "
                             "sometimes fail to learn this function",
                             "Only LeakyReLU hidden layers are trained here."))
    ledger.append(not_tested("004", "Dropout spreads learning over the whole "
                             "network instead of one or two units",
                             "Nothing here measures how learning spreads over units."))
    ledger.append(not_tested("004", "The L2 penalty as the Frobenius norm; lambda "
                             "usually between 0 and 1", "Definitions and "
                             "conventions, nothing to measure (Keras' L2 is "
                             "lambda * sum(W^2), see the notes)."))
    return ledger


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
- The columns after tuner_id: `clean_*` compare the prediction with the
  noise-free F(x) (correlation; R^2 over all x, x < {FIRST_PART_END:g} and
  beyond); `hard_region_*` look within {HARD_HALF_WIDTH} of x = {HARD_CENTER:g}.
  `roughness` is the RMS of a prediction minus its {SMOOTH_WINDOW}-point moving
  average over the same for the noisy data (0: smooth, 1: as rough as the
  data); `noise_fit` the correlation of the prediction's error with the
  noise on the training points. The `*_dropout_on` columns measure
  {DROPOUT_ON_PASSES} predictions made with dropout still on (training=True),
  mean and sd over the passes; the others measure the usual prediction,
  dropout off. `param_fraction_moved`: parameters that moved by more than
  {MOVED} in training; `param_ks_to_init`: the Kolmogorov-Smirnov distance of
  the parameters after training to those before;
  `param_fraction_outside_init`: beyond the largest initial |value|;
  `param_fraction_near_zero`: within {MOVED} of 0; `kernel_*`: the kernels
  only (L2 does not touch the biases).
- `limit.csv`: p = {LIMIT_P:g}, which the command line does not take, trained
  the same way outside the grid. `split.csv`: each split's x range and
  largest gap between neighbouring x.
- One seed: the claims compare single runs, except where the sd is over the
  dropout-on passes.
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
    table = add_measures(summarize(results, signal), results, signal, data)
    turning = turning_points(table)
    limit = train_limit(args, signal, data)
    seeds = seed_check(args, table, signal, data)
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
        csv_files={"history": history, "limit": limit, "seed_check": seeds,
                   "split": split_frame(data, signal)},
        claims=claims)
    return table


if __name__ == "__main__":
    run_script(main)
