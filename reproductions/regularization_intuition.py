"""Intuitive understanding of regularization: L2 and dropout sweeps.

Reproduces "Intuitive understanding of regularization in deep learning"
(article 004): a 1-64-64-64-1 network (LeakyReLU hidden layers, ReLU output,
uniform initialization, MSE, Adam) fits a noisy periodic 1-D signal (our own
formula in the article's spirit: harness/data/periodic_signal.py), split
80 / 20 with sklearn's train_test_split. The L2 strength lambda and the
dropout probability p between the hidden layers are swept; at each strength
we look at the training loss, the predictions and the distribution of all
parameters (kernel density estimates) before and after training.

Every training is a job (`harness.jobs`): each grid point of both sweeps,
dropout p = 1.0, tanh and sigmoid hidden layers on --seeds seeds and each
extra seed of the seed check. They train side by
side in worker processes of one core each (--workers, default one per core;
1 trains them here, one after another), or on the workers of a Dask cluster
(--scheduler tcp://HOST:PORT); the tables, figures and ledger are made here
from their numbers. The seed check's regularized arm is the grid's best
point, so its extra seeds train once the grid has returned.

Outputs, in `results/regularization_intuition/` (replaced atomically):
    table.csv/.md        a row per grid point: last train / validation MSE,
                         the predictions' spread and fit to the noise-free
                         signal, their roughness (dropout off and on), the
                         parameters' spread and how far they moved
    turning_points.csv/.md   where each sweep turns into the data mean
    history.csv          every grid point's training and validation curves
    final_window.csv     every training's last fifth measured at every step
    seed_check.csv, seed_check_history.csv   the unregularized model and the
                         best regularized point on --seeds seeds
    activations.csv      tanh and sigmoid hidden layers against LeakyReLU
    limit.csv            dropout p = 1.0, trained outside the grid
    split.csv            the x range and the largest x gap of each split
    claims.csv           every claim of the article, its status and why
    data.png, loss_<sweep>.png, predictions_<sweep>.png, kde_<sweep>.png,
    spread.png, metadata.json, README.md

Run:
    python reproductions/regularization_intuition.py            # the full setting
    python reproductions/regularization_intuition.py --quick    # a short look
"""

import sys
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
from harness.jobs import ONE_THREAD, Job, default_workers, run_jobs

L2_GRID = [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
DROPOUT_GRID = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
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
    Setting("--l2-values", comma_separated(non_negative_float), full=L2_GRID,
            help="comma-separated L2 strengths of the sweep"),
    Setting("--dropout-values", comma_separated(rate), full=DROPOUT_GRID,
            help="comma-separated dropout probabilities of the sweep"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds of the seed check: the unregularized model and the "
            "regularized grid point with the lowest final validation MSE, "
            "each trained on every seed with that seed's initial weights and "
            "batches"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "regularization_intuition", PARAMETERS)
    parser.add_argument("--eval-every", type=positive_int, default=None,
                        help="steps between loss measurements (default steps/40)")
    args = parser.parse_args(argv)
    args.eval_every = args.eval_every or max(1, args.steps // 40)
    args.l2_values = sorted(set(args.l2_values))
    args.dropout_values = sorted(set(args.dropout_values))
    args.workers = args.workers or default_workers(len(grid_points(args)) + 1)
    return finish(parser, args)


def grid_points(args):
    return ([("l2", v) for v in args.l2_values]
            + [("dropout", v) for v in args.dropout_values])


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import math  # noqa: E402
from functools import partial  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.analysis.intuition_verdicts import (  # noqa: E402
    failed_seeds,
    iqr_over_p,
    monotone,
    saturating,
    units_over_p,
    where_turns,
)
from harness.analysis.measured_window import window_blocks, window_summary  # noqa: E402
from harness.analysis.over_seeds import seed_range  # noqa: E402
from harness.analysis.parameter_change import kernel_mask  # noqa: E402
from harness.analysis.prediction_fit import r2  # noqa: E402
from harness.analysis.strength_sweeps import (  # noqa: E402
    add_fit_columns,
    sweep_table,
    turning_points,
)
from harness.claims.declare import Declared, NotTested, derive  # noqa: E402
from harness.claims.measures import (  # noqa: E402
    Cell,
    Constant,
    Derived,
    FinalChange,
    SeedRows,
)
from harness.claims.rules import (  # noqa: E402
    Above,
    AllOf,
    Below,
    Bespoke,
    Paired,
    Trend,
    Unmeasured,
    Within,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data.periodic_signal import make_periodic_signal  # noqa: E402
from harness.plotting.splits import plot_split  # noqa: E402
from harness.plotting.strength_sweeps import (  # noqa: E402
    plot_densities_per_strength,
    plot_loss_per_strength,
    plot_predictions_per_strength,
    plot_spread_against_strength,
)
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training.measured_regression import (  # noqa: E402
    DROPOUT_ON_PASSES,
    dropout_on_predictions,
    model_measures,
    predict,
    train,
)
from kreg.regularizers import L2  # noqa: E402

SWEEPS = ("l2", "dropout")
SYMBOL = {"l2": "lambda", "dropout": "p"}
FLAT = 0.25  # "predicts the mean": the prediction's std over x below this of the data's
ARTICLE_TURNING = {"l2": 0.01, "dropout": 0.6}
# The hard region: two burst widths (periodic_signal: 0.6) either side of x = 11.
HARD_CENTER, HARD_HALF_WIDTH = 11.0, 1.2
FIRST_PART_END = 5.0  # "the first part of the curve" (p = 0.4): x < this
SMOOTH_WINDOW = 9  # roughness: minus a moving average over 9 grid points (0.18 in x)
MOVED = 1e-3  # a parameter "moved" in training by more than this
LIMIT_P = 1.0  # the article's limit, trained outside the grid


def run_label(args):
    return marked_label(args, f"{args.steps} Adam steps per point")


def point(column, sweep, strength, fmt=".3g"):
    """A number of `table.csv` for one grid point: the row of its run (one
    seed; a key that matches several rows averages them, never fails)."""
    return SeedRows("table", column, f"{column} [{SYMBOL[sweep]} = {strength:g}]",
                    fmt, sweep=sweep, strength=strength)


def final(column, sweep, strength):
    """A curve's final value: the mean of its last fifth measured at every
    step (`final_window.csv`), of the sweep's own seed at every point."""
    return SeedRows("final_window", column, f"final {column} [{SYMBOL[sweep]} = "
                    f"{strength:g}]", ".3g", sweep=sweep, strength=strength, sweep_run=True)


def divide(a, b):  # a / b, NaN or inf (not an error) for b = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(a) / np.float64(b)


# ===========================================================================
# 1. The data: a noisy periodic signal, split 80 / 20 into training and
#    validation sets with sklearn's train_test_split.
# ===========================================================================
def load_data(seed):
    signal = make_periodic_signal(seed=seed)
    x_train, x_val, y_train, y_val = train_test_split(
        signal.x.reshape(-1, 1), signal.y.reshape(-1, 1), test_size=0.2,
        random_state=seed)
    return signal, (x_train, y_train, x_val, y_val)


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


# A split "represents the whole curve": no gap between neighbouring x, nor at
# an end of the range, reaches half the period of the burst's sin(6x).
HALF_PERIOD = math.pi / 6


def widest_gap(split):
    cells = [Cell("split", c, split=split) for c in
             ("largest_gap", "x_min", "x_max", "grid_x_min", "grid_x_max")]
    return Derived(f"widest x gap [{split}]", lambda gap, low, high, start, end:
                   max(gap, low - start, end - high), *cells, fmt=".3f")


DATA_CLAIMS = [
    NotTested("The signal's formula (a sum of lagged periodic terms)", "The "
              "article's formula is lost; ours is our own in its spirit (script "
              "header).", kind="implementation"),
    Declared("The train and validation splits each represent the whole curve: "
             "dropping either leaves the same picture",
             AllOf({s: Below(widest_gap(s), Constant(HALF_PERIOD, "pi/6"))
                    for s in ("train", "validation")}), figures=("data.png",)),
]


# ===========================================================================
# 2. The model, first without regularization: 1-64-64-64-1, LeakyReLU
#    hidden layers, ReLU output, MSE and Adam. Every grid point of both
#    sweeps is a job; the unregularized model and the best regularized point
#    are trained again on more seeds.
# ===========================================================================
ACTIVATIONS = ("tanh", "sigmoid")  # saturating hidden layers, trained unregularized


def build_model(kind, strength, args, seed):
    """The model of one grid point (or, for a `kind` of `ACTIVATIONS`, the
    unregularized model with those hidden layers); `seed` sets its initial
    weights and dropout masks."""
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
        x = (keras.layers.Activation(kind) if kind in ACTIVATIONS
             else keras.layers.LeakyReLU())(x)
    outputs = keras.layers.Dense(1, activation="relu", kernel_initializer=uniform(3),
                                 bias_initializer=uniform(13),
                                 kernel_regularizer=regularizer)(x)
    model = keras.Model(inputs, outputs, name=f"{kind}_{strength:g}")
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate), loss="mse")
    return model


def train_job(loaded, kind, strength, seed, passes, args, progress):
    """One training, a job: `kind` at `strength` from `seed` on `loaded`
    (`load_data`'s); with `passes`, the predictions with dropout on too."""
    signal, data = loaded
    model = build_model(kind, strength, args, seed)
    with warnings.catch_warnings():
        if kind == "dropout" and strength == 1:
            # The layers before the last dropout get no gradient: expected.
            warnings.filterwarnings("ignore", message="Gradients do not exist")
        result = train(model, data, args, seed, f"{kind}={strength:g} s{seed}",
                       progress)
    numbers = {"kind": kind, "strength": strength, "prediction": predict(model, signal),
               "kernel_mask": kernel_mask(model), "before": result["before"],
               "after": result["after"], "seconds": result["seconds"],
               **{k: np.asarray(v) for k, v in result["history"].items()},
               **{k: v for k, v in result.items() if k.startswith("window_")},
               **model_measures(model, signal, kind, strength)}
    if passes:
        numbers["prediction_dropout_on"] = dropout_on_predictions(model, signal)
    return numbers


# Where the jobs train. The model is small (8,500 parameters, batches of
# 64): a step is bound by per-operation overhead, not arithmetic, so each
# job trains on one thread and the cores train jobs side by side
# (`harness.jobs.job`), as for every model of the suite (`python
# benchmarks/threads_per_job.py`: even LeNet-5 gains nothing from a second
# thread). The one line to change:
JOB_ENV = ONE_THREAD


def cost(kind, strength):
    """A training's time relative to the unregularized model's (longest first):
    dropout ~3.8 (metadata.json, full setting: ~19.5 s against ~5.5 s a job),
    tanh or sigmoid ~1.25 (measured here on one thread, 19,200 steps)."""
    return 3.8 if kind == "dropout" and strength > 0 else 1.25 if kind in ACTIVATIONS else 1.0


def where(args):
    """Where the jobs train, as the table's `tuner_id` says."""
    return args.scheduler or ("here" if args.workers == 1 else "local workers")


def run_trainings(args, trainings):
    """`{(kind, strength, seed): numbers}` of `trainings` (`{key: passes}`),
    each one job, here (`--workers 1`), in one-core workers or on Dask."""
    here = args.workers == 1 and not args.scheduler
    jobs = sorted((Job(key, train_job, (*key, passes, args, here),
                       env={} if here else JOB_ENV)
                   for key, passes in trainings.items()),
                  key=lambda job: -cost(*job.key[:2]))
    with tqdm(total=len(jobs), desc="trainings", unit="run", file=sys.stdout,
              dynamic_ncols=True, disable=here or not jobs) as bar:
        def finished(key, numbers):
            bar.write(f"[kreg] {key[0]}={key[1]:g} seed {key[2]}: validation MSE "
                      f"{numbers['val_mse'][-1]:.4g} ({numbers['seconds']:.1f} s)")
            bar.update(1)

        return run_jobs(jobs, args.workers, load_data, (args.seed,),
                        on_result=finished, scheduler=args.scheduler)


def history_frame(results):
    """Every grid point's curves, one row per measurement."""
    return pd.concat([pd.DataFrame({"sweep": k, "strength": s, "step": r["step"],
                                    "train_mse": r["train_mse"],
                                    "val_mse": r["val_mse"]})
                      for (k, s), r in results.items()], ignore_index=True)


UNREGULARIZED = ("l2", 0.0)


def grid_results(args, runs):
    """`{(kind, strength): numbers}` of the grid in `runs`, with `tuner_id`."""
    return {(k, s): {**runs[(k, s, args.seed)], "tuner_id": where(args)}
            for k, s in grid_points(args)}


def window_frame(runs, sweep_seed=None):
    """A row per training of `runs` (`{(kind, strength, seed): numbers}`): its final
    window at every step (`window_summary`), `sweep_run` the sweeps' seed."""
    rows = []
    for (kind, strength, seed), r in runs.items():
        width = window_blocks(len(r["step"]))
        rows.append({"sweep": kind, "strength": strength, "seed": seed, "sweep_run":
                     sweep_seed is None or seed == sweep_seed, **{
            k: v for c in ("train_mse", "val_mse") for k, v in window_summary(
                r.get(f"window_{c}", ()), r[c][-width:], c).items()}})
    return pd.DataFrame(rows)


def seed_arms(results):
    """The seed check's arms: the unregularized model and the regularized
    grid point of lowest final validation MSE (measured window) in
    `results`."""
    arms = {"unregularized": UNREGULARIZED}
    frame = window_frame({(k, s, 0): r for (k, s), r in results.items()})
    frame = frame[frame.strength > 0].dropna(subset=["val_mse"])
    if len(frame):
        best = frame.loc[frame.val_mse.idxmin()]
        arms["regularized"] = (best.sweep, float(best.strength))
    return arms


def seed_trainings(args, arms):
    """The trainings of `arms` (`{arm: (kind, strength)}`) on every seed."""
    return [(k, s, seed) for k, s in arms.values() for seed in seed_range(args.seed, args.seeds)]


def run(args):
    """`(runs, arms)`: every training (`{(kind, strength, seed): numbers}`),
    first those needing no other's result (grid, p = 1.0, activations, the
    unregularized arm), then the seed check's regularized arm."""
    first = {key: False for key in seed_trainings(args, {"": UNREGULARIZED})}
    first.update({(a, 0.0, seed): False for a in ACTIVATIONS
                  for seed in seed_range(args.seed, args.seeds)})
    first[("dropout", LIMIT_P, args.seed)] = False
    first.update({(k, s, args.seed): True for k, s in grid_points(args)})
    return train_seed_check(args, run_trainings(args, first))


def train_seed_check(args, runs):
    """`(runs, arms)`: the arms chosen on the grid in `runs` (once it has
    returned), and `runs` with the arms' lacking trainings, a second run."""
    arms = seed_arms(grid_results(args, runs))
    lacking = {key: False for key in seed_trainings(args, arms) if key not in runs}
    return {**runs, **run_trainings(args, lacking)}, arms


def seed_check(args, arms, runs, signal):
    """The seed check from `runs`: a row per arm and seed (both arms of a
    seed from its initial weights and batches), and curves."""
    rows, curves = [], []
    for arm, (kind, strength) in arms.items():
        for seed in seed_range(args.seed, args.seeds):
            numbers = runs[(kind, strength, seed)]
            which = {"arm": arm, "sweep": kind, "strength": strength, "seed": seed}
            rows.append({**which, "prediction_spread":
                         float(np.std(numbers["prediction"])) / float(signal.y.std()),
                         "clean_r2": r2(numbers["prediction"], signal.clean),
                         **window_frame({(kind, strength, seed): numbers}).iloc[0, 4:]})
            curves.append(pd.DataFrame({**which, **{c: numbers[c] for c in
                                                    ("step", "train_mse", "val_mse")}}))
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


FITS = 0.9  # "learns the function well": R^2 against the noise-free signal
HARD = 2.0  # "hard": RMS error near x = 11 this many times that elsewhere
MONOTONE = 0.10  # "monotone": no measurement this far above the lowest before
# The one definition of "still falling": a curve's mean over its last fifth
# more than this below its mean over the fifth before (FinalChange).
FALLING = Constant(-0.05, "-5%")


def change(column, sweep, strength):
    return FinalChange("history", column, f"change over the last fifth of {column} "
                       f"[{SYMBOL[sweep]} = {strength:g}]", ".1%", relative=True,
                       sweep=sweep, strength=strength)


def activation_frame(args, runs, signal):
    """A row per hidden activation (LeakyReLU: the seed check's unregularized
    model; `ACTIVATIONS`) and seed: R^2 to the clean signal, final val MSE."""
    rows = []
    for name, kind in (("leaky_relu", "l2"), *((a, a) for a in ACTIVATIONS)):
        for seed in seed_range(args.seed, args.seeds):
            numbers = runs.get((kind, 0.0, seed))
            if numbers is not None:
                rows.append({"activation": name, "seed": seed,
                             "clean_r2": r2(numbers["prediction"], signal.clean),
                             "val_mse": window_frame({(kind, 0.0, seed): numbers}
                                                     ).val_mse.iloc[0]})
    return pd.DataFrame(rows, columns=["activation", "seed", "clean_r2", "val_mse"])


MODEL_CLAIMS = [
    Declared("Without regularization the model learns the function well",
             Above(point("clean_r2", "l2", 0.0), FITS),
             shows={"training MSE": final("train_mse", "l2", 0.0),
                    "validation MSE": final("val_mse", "l2", 0.0)},
             explain="The noise variance is 0.01.", figures=("predictions_l2.png",)),
    Declared("Saturating activations (tanh, sigmoid) sometimes fail to learn "
             "this function", Bespoke(partial(saturating, FITS, ACTIVATIONS))),
    Declared("The region around x = 11 is hard for the unregularized model",
             AllOf({f"{times:g} times": Above(point("hard_region_error_ratio", "l2",
                                                    0.0), times)
                    for times in (1, HARD)})),
    Declared("The unregularized training loss decreases monotonically",
             Bespoke(partial(monotone, MONOTONE)), figures=("loss_l2.png",)),
    Declared("The models are trained until the unregularized loss has stopped "
             "falling (a setting check, not the article's claim)",
             AllOf({c: Above(change(c, "l2", 0.0), FALLING)
                    for c in ("val_mse", "train_mse")}),
             article_value="trained to a final result"),
    Declared("Regularization only hurts this well-working model (it does not "
             "overfit)", Paired(*(SeedRows("seed_check", "val_mse",
                                           f"final val_mse [{arm}]", ".3g", arm=arm)
                                  for arm in ("regularized", "unregularized"))),
             explain=failed_seeds),
]


# ===========================================================================
# 3. What each strength does to the loss, the predictions and the parameters
#    (kernel densities before and after training): a table row per point.
# ===========================================================================
MODEL_MEASURES = ("effective_units", "top2_share", "penalty_model", "penalty_frobenius")


def table_of(results, signal, data):
    """A row per grid point (`sweep_table`) with how its prediction fits
    and how its parameters moved (`add_fit_columns`), and `model_measures`."""
    x = np.asarray(signal.x)
    regions = (np.isin(x, np.asarray(data[0]).reshape(-1)),
               np.abs(x - HARD_CENTER) <= HARD_HALF_WIDTH, x < FIRST_PART_END,
               SMOOTH_WINDOW)
    table = add_fit_columns(sweep_table(results, signal, FLAT), results, signal,
                            regions, MOVED)
    for column in MODEL_MEASURES:
        table[column] = [results[(r.sweep, r.strength)].get(column, np.nan)
                         for r in table.itertuples()]
    return table


def sweep_figures(kind, results, signal, args, label, limit=None):
    """The loss curves, predictions (dropout off, and on: one pass) and
    parameter densities (with `limit`, p = 1.0's) of one sweep."""
    runs = {s: r for (k, s), r in results.items() if k == kind}
    sym = SYMBOL[kind]
    on = {s: r["prediction_dropout_on"][0] for s, r in runs.items()
          if len(r.get("prediction_dropout_on", ()))}
    after = {s: r["after"] for s, r in runs.items()}
    if kind == "dropout" and limit is not None:
        after[LIMIT_P] = limit["after"]
    return {
        f"loss_{kind}.png": plot_loss_per_strength(
            {s: (r["step"], r["train_mse"], r["val_mse"]) for s, r in runs.items()},
            sym, kind, label),
        f"predictions_{kind}.png": plot_predictions_per_strength(
            signal.x, signal.y, {s: r["prediction"] for s, r in runs.items()}, sym,
            f"Predictions for each {kind} strength\n{label}", on),
        f"kde_{kind}.png": plot_densities_per_strength(
            runs[min(runs)]["before"], after, sym, kind, label, None, args.init_limit),
    }


# A top hat: std / half-width within TOP_HAT (relative) of 1/sqrt(3). The shape
# changes: Kolmogorov-Smirnov distance at least KS_CHANGED; tails: TAILS beyond.
TOP_HAT, KS_CHANGED, TAILS = 0.05, 0.1, 0.01

PARAMETER_CLAIMS = [
    Declared("Before training the parameters are uniform: a top hat",
             Within(Derived("std / largest |value| before training", divide,
                            point("param_std_before", "l2", 0.0),
                            point("param_abs_max_before", "l2", 0.0), fmt=".4f"),
                    (1 - TOP_HAT) / math.sqrt(3), (1 + TOP_HAT) / math.sqrt(3)),
             kind="implementation", article_value="uniform", figures=("kde_l2.png",)),
    Declared("Training turns the uniform parameters into a distribution of "
             "uneven values",
             AllOf({"shape": Above(point("param_ks_to_init", "l2", 0.0), KS_CHANGED),
                    "tails": Above(point("param_fraction_outside_init", "l2", 0.0),
                                   TAILS)}), figures=("kde_l2.png",)),
]


# ===========================================================================
# 4. L2 regularization: lambda from 0 to 1, the article's turning point
#    near 0.01, and a Dirac spike at lambda = 1.
# ===========================================================================
TREND = 0.9  # a rise or fall with the strength: |Spearman's correlation|
GREATLY = 5.0  # "increases greatly": at lambda = 1, times lambda = 0's
SAME_FIT = 0.05  # "do not change": R^2 within this of lambda = 0's
SHAPE = 0.8  # the shape kept: correlation at least; the points missed: R^2 below
MEAN_OFFSET = 0.1  # "predicts the mean": within this of it (and flat, FLAT)
# The parameter IQR at lambda = 1 over lambda = 0's: "shrinks" below SHRUNK,
# a Dirac spike below SPIKE, with SPIKE_MASS of the parameters within MOVED of 0.
SHRUNK, SPIKE, SPIKE_MASS = 0.1, 0.01, 0.9
ABOVE_TURN = [s for s in L2_GRID if s > ARTICLE_TURNING["l2"]]


def trend(what, sweep, read, rises=True, table="history"):
    """`read(evidence, strength)` rises (falls) with the strengths of `sweep`."""
    return Trend(what, table, "strength", read, rises, where={"sweep": sweep},
                 symbol=SYMBOL[sweep], strength=TREND)


def column_read(column, sweep):
    return lambda evidence, s: evidence.measure(point(column, sweep, s)).value


def final_loss(sweep):
    return lambda evidence, s: evidence.measure(final("train_mse", sweep, s)).value


def early_fall(evidence, sweep, strength):
    """1 - the training MSE's mean over its first fifth / its first value."""
    curve = evidence.frame("history", "step", "train_mse", sweep=sweep,
                           strength=strength).sort_values("step")["train_mse"]
    return float(1 - divide(np.array_split(curve, 5)[0].mean(), curve.iloc[0]))


def falls_less_early(sweep):
    return trend("the early fall of the training MSE (1 - its mean over the first "
                 "fifth / its first value)", sweep,
                 lambda evidence, s: early_fall(evidence, sweep, s), rises=False)


def against_none(column, strength, by="/"):
    """`column` at lambda = `strength` over (`by="-"`: minus) lambda = 0's."""
    return Derived(f"{column} [lambda = {strength:g}] {by} [lambda = 0]",
                   divide if by == "/" else lambda a, b: a - b,
                   point(column, "l2", strength), point(column, "l2", 0.0))


PENALTY_TOLERANCE = 1e-4  # relative: float32 sums against float64 norms


def penalty_matches(strength):
    return Within(Derived(f"(penalty - lambda ||W||_F^2) / it [lambda = {strength:g}]",
                          lambda model, frobenius: divide(model - frobenius, frobenius),
                          point("penalty_model", "l2", strength),
                          point("penalty_frobenius", "l2", strength), fmt=".2e"),
                  -PENALTY_TOLERANCE, PENALTY_TOLERANCE)


L2_CLAIMS = [
    Declared("The L2 penalty as the Frobenius norm; lambda usually between 0 "
             "and 1", AllOf({f"{s:g}": penalty_matches(s) for s in (0.01, 1.0)}),
             kind="implementation", explain="penalty_model: the sum of the trained "
             "model's losses (kreg's L2 on every kernel); penalty_frobenius: lambda "
             "times the kernels' squared Frobenius norms, computed apart in float64. "
             "Our lambda grid spans 0 to 1, the article's usual range."),
    Declared("Larger lambda: the final training error increases greatly", AllOf({
        "rises": trend("the final training MSE", "l2", final_loss("l2")),
        "greatly": Above(Derived("final train_mse [lambda = 1] / [lambda = 0]", divide,
                                 final("train_mse", "l2", 1.0),
                                 final("train_mse", "l2", 0.0)), GREATLY)}),
        figures=("loss_l2.png",)),
    Declared("Larger lambda: the loss falls less early in training",
             falls_less_early("l2"), figures=("loss_l2.png",)),
    Declared("For very small lambda the predictions do not change",
             AllOf({f"{s:g}": Within(against_none("clean_r2", s, "-"), -SAME_FIT, SAME_FIT)
                    for s in (1e-5, 1e-4)}), figures=("predictions_l2.png",)),
    Declared("At lambda = 0.01 the qualitative shape is reproduced, the data "
             "points are not",
             AllOf({"shape": Above(point("clean_correlation", "l2", 0.01), SHAPE),
                    "points": Below(point("clean_r2", "l2", 0.01), SHAPE)}),
             kind="number", article_value="turning point near 0.01",
             figures=("predictions_l2.png",)),
    Declared("Above lambda = 0.01 the model predicts only the data mean", AllOf({
        "not at 0.01": Above(point("prediction_spread", "l2", 0.01), FLAT),
        **{f"flat at {s:g}": Below(point("prediction_spread", "l2", s), FLAT)
           for s in ABOVE_TURN},
        **{f"at the mean at {s:g}": Below(Derived(
            f"|offset from the data mean| [lambda = {s:g}]", abs,
            point("prediction_mean_minus_data_mean", "l2", s)), MEAN_OFFSET)
           for s in ABOVE_TURN}}),
        kind="number", article_value="above 0.01", figures=("spread.png",),
        shows={"first lambda predicting the mean": Cell(
            "turning_points", "first_strength_predicting_mean", sweep="l2")}),
    Declared("Once the model predicts the mean, its training loss stops",
             AllOf({f"{s:g}": Above(change("train_mse", "l2", s), FALLING)
                    for s in ABOVE_TURN}), figures=("loss_l2.png",)),
    Declared("Larger lambda: the spread of the parameters shrinks",
             AllOf({"falls": trend("the parameter IQR", "l2", column_read(
                 "param_iqr_after", "l2"), rises=False, table="table"),
                    "to a tenth": Below(against_none("param_iqr_after", 1.0),
                                        SHRUNK)}),
             explain="The IQR is the bulk's width; the std, which the few largest "
             "parameters set (biases carry no penalty), need not shrink.",
             figures=("kde_l2.png",)),
    Declared("At lambda = 1 the parameters form a Dirac spike at 0: L2 forces "
             "them close to zero",
             AllOf({"spike": Below(against_none("param_iqr_after", 1.0), SPIKE),
                    "at 0": Above(point("param_fraction_near_zero", "l2", 1.0),
                                  SPIKE_MASS)}),
             article_value="Dirac delta at 0", figures=("kde_l2.png",),
             shows={"largest |value|": point("param_abs_max_after", "l2", 1.0)},
             explain="None is exactly 0: L2 shrinks, it does not make exact zeros."),
]


# ===========================================================================
# 5. Dropout: p from 0 to 1 between the hidden layers: fuzzy predictions,
#    then the mean, while the parameters stay wide; p = 1.0 outside the grid.
# ===========================================================================
def limit_table(args, runs, signal, data):
    """Dropout p = `LIMIT_P` (all hidden units dropped), outside the grid: a row."""
    limit = {**runs[("dropout", LIMIT_P, args.seed)], "tuner_id": where(args)}
    table = table_of({("dropout", LIMIT_P): limit}, signal, data)
    table.insert(2, "first_train_mse", float(limit["train_mse"][0]))
    return table


ROUGH = 0.5  # tracking the data, "fuzzy": roughness at least, of the data's
NOISE_FIT = 0.3  # following the noise: error-noise correlation at least
PART_FIT = 0.5  # "the first part" fitted, the rest not: R^2 at least / below
WIDER = 10.0  # dropout's parameter IQR at p = 0.6 over L2's at lambda = 0.1
LITTLE = 0.75  # "little effect": the smallest IQR over p at least of the largest
UNMOVED = 0.1  # p = 1.0 "learns nothing": at most this share of parameters moved
SETTLED = 0.3  # "Below p = 1": the p from which the IQR is compared as settled
DROPOUT_ON = (f"Dropout off is how Keras predicts; dropout on: {DROPOUT_ON_PASSES} "
              "passes with training=True, as the article's plots may be.")


def rough(column, p):
    return Above(point(column, "dropout", p), ROUGH)


DROPOUT_CLAIMS = [
    Declared("Dropout spreads learning over the whole network instead of one "
             "or two units", trend("the effective number of last-hidden units the "
                                   "output draws on", "dropout", column_read(
                                       "effective_units", "dropout"), table="table"),
             shows={f"top-2 share [p = {p:g}]": point("top2_share", "dropout", p)
                    for p in (0.0, 0.6)},
             explain=units_over_p, figures=("spread.png",)),
    Declared("Larger p: the final training loss increases",
             trend("the final training MSE", "dropout", final_loss("dropout")),
             figures=("loss_dropout.png",)),
    Declared("Larger p: the model still learns, more slowly", AllOf({
        "more slowly": falls_less_early("dropout"),
        "still falling at p = 0.9": Below(change("train_mse", "dropout", 0.9),
                                          FALLING)}),
        explain="The slowest learner, the largest p, is the last still falling.",
        figures=("loss_dropout.png",)),
    Declared("At p = 0.1 the predictions track the data, noise included", AllOf({
        "rough": rough("roughness", 0.1),
        "rough, dropout on": rough("roughness_dropout_on", 0.1),
        "noise, dropout on": Above(point("noise_fit_dropout_on", "dropout", 0.1),
                                   NOISE_FIT)}),
        explain=DROPOUT_ON, figures=("predictions_dropout.png",)),
    Declared("At p = 0.2 and 0.3 the predictions turn fuzzy at x = 11", AllOf({
        f"{what}, p = {p:g}": rule for p in (0.2, 0.3) for what, rule in (
            ("rough", rough("hard_region_roughness", p)),
            ("rough, dropout on", rough("hard_region_roughness_dropout_on", p)),
            ("rougher than elsewhere", Above(
                point("hard_region_roughness_dropout_on", "dropout", p),
                point("roughness_dropout_on", "dropout", p))))}),
        explain=DROPOUT_ON, figures=("predictions_dropout.png",)),
    Declared("From p = 0.4 only the first part of the curve is reproduced",
             Below(point("clean_r2_rest_dropout_on", "dropout", 0.4), PART_FIT),
             shows={"x < 5, dropout on": point("clean_r2_first_part_dropout_on",
                                               "dropout", 0.4),
                    "dropout off": point("clean_r2_rest", "dropout", 0.4)},
             explain=where_turns("clean_r2_rest_dropout_on", PART_FIT,
                                 "a poor fit beyond x = 5", DROPOUT_ON_PASSES),
             figures=("predictions_dropout.png",)),
    Declared("At p = 0.6 the predictions approach the data mean",
             Below(point("prediction_spread_dropout_on", "dropout", 0.6), FLAT),
             kind="number", article_value="0.6", figures=("spread.png",),
             shows={"dropout off": point("prediction_spread", "dropout", 0.6),
                    "training MSE": change("train_mse", "dropout", 0.6)},
             explain=where_turns("prediction_spread_dropout_on", FLAT, "the mean",
                                 DROPOUT_ON_PASSES)),
    Declared("Dropout keeps the parameter distribution wider than L2 does",
             Above(Derived("param_iqr_after [p = 0.6] / [lambda = 0.1]", divide,
                           point("param_iqr_after", "dropout", 0.6),
                           point("param_iqr_after", "l2", 0.1)), WIDER),
             figures=("kde_dropout.png", "kde_l2.png")),
    Declared("Dropout's wider parameter distribution increases the model's "
             "expressive ability", AllOf({
                 "more expressive": Above(point("clean_r2", "dropout", 0.6),
                                          point("clean_r2", "l2", 0.1)),
                 "because wider": Unmeasured("that the width is what keeps the "
                                             "expressive ability (a cause)")}),
             explain="Compared where the article sees each sweep reach the mean.",
             figures=("predictions_dropout.png", "predictions_l2.png")),
    Declared("Below p = 1, p has little effect on the parameter distribution",
             Above(Derived("smallest / largest parameter IQR over p",
                           lambda *iqr: divide(np.min(iqr), np.max(iqr)),
                           *(point("param_iqr_after", "dropout", p)
                             for p in DROPOUT_GRID)), LITTLE),
             explain=partial(iqr_over_p, SETTLED, KS_CHANGED), figures=("kde_dropout.png",)),
    Declared("At p = 1.0 the model learns nothing: the parameters stay uniform",
             AllOf({"unmoved": Below(Cell("limit", "param_fraction_moved"), UNMOVED),
                    "as initialized": Below(Cell("limit", "param_ks_to_init"),
                                            KS_CHANGED)}),
             article_value="as initialized",
             explain="Trained outside the grid: Keras' Dropout(1.0) zeroes every "
             "hidden unit in training, so only the biases after a dropped layer "
             "and the output layer learn: one constant."),
]


# ===========================================================================
# 6. Closing: L2 has one hyperparameter; the capacity falls rapidly for large
#    lambda and not at all for small ones.
# ===========================================================================
CLOSING_CLAIMS = [
    Declared("For larger lambda the model capacity decreases rapidly", AllOf({
        "kept up to 0.01": Within(against_none("clean_r2", 0.01, "-"), -SAME_FIT, SAME_FIT),
        "lost by 0.1": Above(
            Derived("R^2 [lambda = 0.01] - [lambda = 0.1]", lambda a, b: a - b,
                    point("clean_r2", "l2", 0.01), point("clean_r2", "l2", 0.1)),
            Derived("R^2 [lambda = 0] / 2", lambda a: a / 2,
                    point("clean_r2", "l2", 0.0)))}),
        explain="Capacity: how much of the noise-free signal the model expresses "
        "(R^2).", figures=("predictions_l2.png",)),
]


def claims(tables, jitter=None):
    """Article 004's ledger, decided from `tables` (`table`, `history`,
    `turning_points`, `seed_check`, `seed_check_history`, `limit`, `split`
    as written), section by section."""
    return derive("004", DATA_CLAIMS + MODEL_CLAIMS + PARAMETER_CLAIMS + L2_CLAIMS
                  + DROPOUT_CLAIMS + CLOSING_CLAIMS, tables, jitter)


# ===========================================================================
# The run: the grid, the seed check and p = 1.0 trained; every table and
# figure written at once.
# ===========================================================================
NOTES = f"""\
Notes on the comparison:

- Not in the article's text, so ours: uniform initialization in [-0.3, 0.3],
  Adam 1e-3, batch 64; L2 in Keras' convention (lambda * sum(W^2)) on every
  kernel, not on biases; dropout before the 2nd and 3rd hidden Dense.
- `final_*_mse` in table.csv: the last measurement. The claims read a final
  value from final_window.csv: the curve's last fifth measured at EVERY step
  (`*_sampled`: the mean of history.csv's points there, for comparison).
- `predicts_mean`: the prediction's std over x below {FLAT} of the data's.
  The parameter spread is over all weights and biases. `clean_*`: against the
  noise-free F(x) (R^2 over all x, x < {FIRST_PART_END:g} and beyond);
  `hard_region_*`: within {HARD_HALF_WIDTH} of x = {HARD_CENTER:g}; `roughness`: the RMS of the
  prediction minus its {SMOOTH_WINDOW}-point moving average, over the data's;
  `noise_fit`: the correlation of its error with the noise on the training
  points; `*_dropout_on`: mean and sd over {DROPOUT_ON_PASSES} passes with dropout on;
  `param_fraction_moved`: moved by more than {MOVED}; `param_ks_to_init`: the
  Kolmogorov-Smirnov distance to the initial parameters; `effective_units`:
  the participation ratio of |w_out_j| * std(h_j) over the last hidden units;
  `penalty_*`: Keras' L2 loss and lambda * ||W||_F^2 computed apart.
- `seed_check*.csv`: the unregularized model and the regularized point of
  lowest final validation MSE on every seed, both arms of a seed from its
  initial weights and batches; every seed counts, a failed one included.
- `limit.csv`: p = {LIMIT_P:g}, which the command line does not take. The grid
  runs one seed: its claims compare single runs.
"""


def make_figures(results, signal, data, args, limit=None):
    label = run_label(args)
    figures = {"data.png": plot_split(
        data[:2], data[2:], signal.x, signal.clean,
        f"The signal and its train / validation split\n{label}")}
    for kind in SWEEPS:
        figures.update(sweep_figures(kind, results, signal, args, label, limit))
    table = table_of(results, signal, data)
    panels = []
    for k in SWEEPS:
        rows = table[table.sweep == k].sort_values("strength")
        on = rows.prediction_spread_dropout_on.to_numpy() if k == "dropout" else None
        panels.append((SYMBOL[k] + (" (lambda = 0 not drawn)" if k == "l2" else ""),
                       rows.strength.to_numpy(), rows.param_iqr_after.to_numpy(),
                       rows.prediction_spread.to_numpy(), on,
                       rows.effective_units.to_numpy(), k == "l2"))
    figures["spread.png"] = plot_spread_against_strength(
        panels, FLAT, "Parameter IQR, prediction spread and effective output units "
        f"against strength\n{label}")
    return figures


def write(args, runs, arms, wall_seconds):
    """Every table and figure of `runs` (`run`'s), written at once."""
    signal, data = load_data(args.seed)
    results = grid_results(args, runs)
    table = table_of(results, signal, data)
    seeds, seed_curves = seed_check(args, arms, runs, signal)
    meta = run_metadata(
        "Intuitive understanding of regularization in deep learning", args,
        run_label(args),
        {"source": "generated, harness.data.periodic_signal",
         "phases": signal.phases,
         "sizes": {"train": len(data[0]), "validation": len(data[2])}},
        wall_seconds=wall_seconds)
    write_results(
        args.out, "Intuitive regularization: L2 and dropout sweeps",
        run_label(args),
        [("turning_points", turning_points(table, ARTICLE_TURNING), None),
         ("table", table, None)],
        make_figures(results, signal, data, args, runs[("dropout", LIMIT_P, args.seed)]),
        meta, NOTES,
        csv_files={"history": history_frame(results),
                   "limit": limit_table(args, runs, signal, data),
                   "seed_check": seeds, "seed_check_history": seed_curves,
                   "final_window": window_frame(runs, args.seed),
                   "activations": activation_frame(args, runs, signal),
                   "split": split_frame(data, signal)},
        claims=claims)
    return table


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    print(f"[kreg] {run_label(args)}; {len(grid_points(args))} grid points; "
          f"jobs: {where(args)}")
    runs, arms = run(args)
    return write(args, runs, arms, time.perf_counter() - wall_start)


if __name__ == "__main__":
    run_script(main)
