"""Regularization in deep learning: L1 and L2 weight histograms on iris.

Reproduces the weight-penalty section of "Regularization in deep learning"
(article 001; the other sections of that article, dropout,
early stopping, data augmentation and dense-sparse-dense training, are in
`reproductions/regularization_overview.py`). The article trains the
TensorFlow iris example network (three hidden ReLU layers of 10, 20 and 10
units, 3 classes, 80/20 split) with no penalty, an L1 penalty and an L2
penalty and shows histograms of the first hidden layer's weights: "L1 tends
to drive some weights to exactly zero (introducing sparsity in the model),
while allowing some weights to be big"; "L2 tends to drive all the weights
to smaller values".

Besides the three histograms, a sweep of the penalty strength measures the
fraction of first-layer weights within `--atol` (1e-3) of zero, for L1 and
L2, over several seeds. It separates two reasons a weight ends near zero:
L1's sparsity, and the decay of the weights of "dead" ReLU units (units that
never fire on the training set get no gradient from the data, so any
penalty, L2 included, shrinks their weights towards zero).

Outputs, in `results/iris_histograms/` (replaced atomically):
    table.csv, table.md     per variant: test accuracy, fraction of first-layer
                            weights near zero (all, and of units that fire),
                            median and largest |w|, dead units; the article's
                            statement beside each
    sweep.csv, sweep.md     the strength sweep, mean over seeds
    sweep_runs.csv          the sweep, one row per run
    histograms.png          first-layer weight histograms, shared axes
    sparsity_sweep.png      fraction near zero against strength, L1 and L2
    metadata.json           data, settings, seed, versions, wall times
    README.md               the tables and figures together

Run:
    python reproductions/iris_histograms.py            # the article's setting
    python reproductions/iris_histograms.py --quick    # a short look, not it
    python reproductions/iris_histograms.py --help

Settings, as the article's code has them: it modifies
TensorFlow's `examples/learn/iris_custom_model.py`: Adagrad with learning
rate 0.1, 1,000 steps, each on the whole training set (`learn.Estimator.fit`
without a batch size fed all 120 rows); TF1 `fully_connected` defaults
(Glorot-uniform kernels, zero biases); softmax cross-entropy. Penalties in
TF1's conventions: `l1_regularizer(s)` = `s * sum|w|` is kreg `L1(s)`,
`l2_regularizer(s)` = `s * sum(w^2) / 2` is kreg
`L2(s, convention="textbook")`. The regularizer was the default of the
`variable_scope`, which TF1 gives every variable created in it, biases
included: all weights and biases are penalized here too. The article does
not state its strength; `--strength` (default 0.01) is ours.
"""

import sys
import time

from harness.cli.arguments import (
    comma_separated,
    finish,
    marked_label,
    number,
    positive_float,
    positive_int,
    script_parser,
)
from harness.cli.settings import Setting
from harness.data.iris import TEST_FRACTIONS

# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--steps", positive_int, full=1000,
            help="full-batch Adagrad steps per run (the article's 1,000)"),
    Setting("--learning-rate", positive_float, full=0.1, help="Adagrad learning rate"),
    Setting("--strength", positive_float, full=0.01,
            help="L1 and L2 strength of the histograms (TF1 conventions; the "
            "article does not state its value)"),
    Setting("--sweep", comma_separated(positive_float),
            full=[1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1], quick=[1e-3, 1e-2],
            help="comma-separated strengths of the sweep"),
    Setting("--seeds", positive_int, full=3, quick=1, dest="sweep_seeds",
            help="seeds per sweep point"),
    Setting("--atol", positive_float, full=1e-3,
            help="a weight counts as zero when |w| <= atol"),
    # A stratified split keeps each of the 3 species in both sets: at least
    # 3 flowers held out, and 3 kept for training.
    Setting("--test-fraction", number(float, *TEST_FRACTIONS), full=0.2,
            help="fraction of the 150 flowers held out for testing (each set "
            "keeps every species)"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "iris_histograms", PARAMETERS)
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
from tqdm import tqdm  # noqa: E402

from harness.analysis.dead_units import dead_unit_mask  # noqa: E402
from harness.analysis.weight_statistics import near_zero_fraction  # noqa: E402
from harness.cli.run import run_script  # noqa: E402
from harness.data.iris import load_iris  # noqa: E402
from harness.plotting.weight_histograms import plot_weight_histograms  # noqa: E402
from harness.results.claims import Claim, decide, not_tested  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices  # noqa: E402
from kreg.regularizers import L1, L2  # noqa: E402
from kreg.regularizers.apply_to_kernels import apply_regularizer  # noqa: E402

HIDDEN = (10, 20, 10)
PENALTIES = ("none", "l1", "l2")
TITLES = {"none": "No regularization", "l1": "L1", "l2": "L2"}
COLORS = {"none": "tab:gray", "l1": "tab:red", "l2": "tab:blue"}

# What the article says about each histogram (it prints no numbers).
ARTICLE_SAYS = {
    "none": "(reference histogram)",
    "l1": "drives some weights to exactly zero, allows some to be big",
    "l2": "drives all the weights to smaller values",
}


# ---------------------------------------------------------------------------
# The model: 4 -> 10 -> 20 -> 10 -> 3, ReLU, one penalty on every weight.
# ---------------------------------------------------------------------------
def penalty(kind, strength):
    if kind == "l1":
        return L1(strength)  # TF1 l1_regularizer: s * sum|w|
    if kind == "l2":
        return L2(strength, convention="textbook")  # TF1: s * sum(w^2) / 2
    return None


def build_model(kind, strength, args):
    inputs = keras.Input((4,), name="features")
    x = inputs
    for i, units in enumerate(HIDDEN, start=1):
        x = keras.layers.Dense(units, activation="relu", name=f"hidden{i}")(x)
    logits = keras.layers.Dense(3, name="logits")(x)
    model = keras.Model(inputs, logits, name=f"iris_{kind}")
    if kind != "none":
        # The TF1 scope regularizer covered kernels and biases alike.
        apply_regularizer(model, penalty(kind, strength), include_biases=True)
    model.compile(optimizer=keras.optimizers.Adagrad(args.learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


def first_layer(model):
    return keras.ops.convert_to_numpy(model.get_layer("hidden1").kernel)


# ---------------------------------------------------------------------------
# Training: `steps` full-batch steps in one compiled loop.
# ---------------------------------------------------------------------------
def train(kind, strength, data, args, seed):
    keras.utils.set_random_seed(seed)
    model = build_model(kind, strength, args)
    start = time.perf_counter()
    loop = CompiledLoop(model, data.x_train, data.y_train, jit_compile=False)
    n = len(data.x_train)
    loss = loop.run(epoch_batch_indices(n, n, args.steps, seed=seed))
    kernel = first_layer(model)
    dead = dead_unit_mask(model, "hidden1", data.x_train)
    return {
        "model": model,
        "kind": kind,
        "strength": strength if kind != "none" else 0.0,
        "seed": seed,
        "loss": loss,
        "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
        "kernel": kernel,
        "dead_units": int(dead.sum()),
        "seconds": time.perf_counter() - start,
        **kernel_statistics(kernel, dead, args.atol),
    }


def kernel_statistics(kernel, dead, atol):
    live = kernel[:, ~dead]
    return {
        "near_zero": near_zero_fraction(kernel, atol),
        "near_zero_live": near_zero_fraction(live, atol),
        "median_abs": float(np.median(np.abs(kernel))),
        "median_abs_live": float(np.median(np.abs(live))) if live.size else np.nan,
        "max_abs": float(np.max(np.abs(kernel))),
        "exact_zero": float(np.mean(kernel == 0)),
        "exact_zero_live": float(np.mean(live == 0)) if live.size else np.nan,
    }


def run_histograms(data, args, bar):
    results = {}
    for kind in PENALTIES:
        results[kind] = train(kind, args.strength, data, args, args.seed)
        bar.update(1)
    return results


def run_sweep(data, args, bar):
    runs = []
    for kind in ("l1", "l2"):
        for strength in args.sweep:
            for offset in range(args.sweep_seeds):
                result = train(kind, strength, data, args, args.seed + offset)
                runs.append({k: v for k, v in result.items()
                             if k not in ("model", "kernel")})
                bar.update(1)
    return pd.DataFrame(runs)


def summarize_sweep(runs):
    columns = ["test_accuracy", "near_zero", "near_zero_live", "dead_units",
               "median_abs_live", "max_abs"]
    summary = runs.groupby(["kind", "strength"], sort=False)[columns].mean()
    summary["runs"] = runs.groupby(["kind", "strength"], sort=False).size()
    return summary.reset_index()


# ---------------------------------------------------------------------------
# Figures and tables.
# ---------------------------------------------------------------------------
def run_label(args):
    return marked_label(args, f"{args.steps:,} full-batch steps, sweep over "
                        f"{args.sweep_seeds} seeds")


def make_figures(results, sweep, data, args):
    label = f"{run_label(args)}; {data.source}"
    figures = {}
    figures["histograms.png"] = plot_weight_histograms(
        {f"{TITLES[k]}" + (f" (s={args.strength:g})" if k != "none" else "")
         + f"\ntest acc {r['test_accuracy']:.3f}, "
         f"{r['near_zero']:.0%} within {args.atol:g} of 0": r["kernel"]
         for k, r in results.items()},
        f"Weights histogram (1st layer fc), iris, seed {args.seed}\n{label}",
        bins=30, cols=3)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    panels = [("near_zero", f"all first-layer weights: fraction |w| <= {args.atol:g}"),
              ("near_zero_live", "weights of units that fire: fraction near zero"),
              ("test_accuracy", "test accuracy")]
    for ax, (column, title) in zip(axes, panels):
        for kind in ("l1", "l2"):
            rows = sweep[sweep["kind"] == kind]
            ax.plot(rows["strength"], rows[column], marker="o", color=COLORS[kind],
                    label=TITLES[kind])
        ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.03)  # fractions: fixed axes, comparable runs
        ax.set_xlabel("penalty strength s (TF1 conventions)", fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Strength sweep, mean over {args.sweep_seeds} seed(s)\n{label}",
                 fontsize=10)
    fig.tight_layout()
    figures["sparsity_sweep.png"] = fig
    return figures


def build_table(results, args):
    rows = []
    for kind, r in results.items():
        rows.append({
            "variant": kind,
            "strength": r["strength"],
            "test_accuracy": r["test_accuracy"],
            "near_zero": r["near_zero"],
            "near_zero_live": r["near_zero_live"],
            "median_abs": r["median_abs"],
            "median_abs_live": r["median_abs_live"],
            "max_abs": r["max_abs"],
            "dead_units": r["dead_units"],
            "exact_zero": r["exact_zero"],
            "article_says": ARTICLE_SAYS[kind],
        })
    return pd.DataFrame(rows)


def metadata(results, sweep_runs, data, args, wall_seconds):
    return run_metadata(
        "Regularization in deep learning (article 001), weight penalty "
        "section: iris first-layer histograms", args, run_label(args), data,
        seconds_per_histogram_run={k: r["seconds"] for k, r in results.items()},
        sweep_runs=len(sweep_runs), wall_seconds=wall_seconds)


# ---------------------------------------------------------------------------
# The claims ledger (harness.results.claims), decided from the tables alone.
# ---------------------------------------------------------------------------
# A sweep point where test accuracy falls to this or below has collapsed (the
# network predicts one class): its zeros are not sparsity.
COLLAPSED = 0.5


def claims(tables):
    """The weight-penalty claims of article 001, from `table` (the three
    histogram runs) and `sweep_runs` (every sweep run)."""
    table = tables["table"].set_index("variant")
    runs = tables["sweep_runs"]
    sweep = runs.groupby(["kind", "strength"])[
        ["test_accuracy", "near_zero", "near_zero_live", "dead_units"]].mean()
    strength = table.at["l1", "strength"]
    none, l1, l2 = table.loc["none"], table.loc["l1"], table.loc["l2"]
    ledger = []

    def add(claim, status, ours, evidence, why="", article_value=""):
        ledger.append(Claim("001", claim, status, ours, article_value, evidence, why))

    add("L1 drives some weights to exactly zero: sparsity in the histogram",
        decide(l1["exact_zero"] > 0.1 and l1["near_zero_live"] > 0.1,
               l1["near_zero_live"] > max(0.1, none["near_zero_live"])),
        f"s={strength:g}: {l1['exact_zero']:.0%} exactly zero, "
        f"{l1['near_zero_live']:.0%} of the firing units' weights within atol "
        f"(none: {none['near_zero_live']:.0%})",
        "table.csv: exact_zero, near_zero_live; histograms.png",
        "Rule: over 10 % of first-layer weights exactly zero; partly when over "
        "10 % of the firing units' weights lie within atol of zero (and more "
        "than without a penalty) but not at exactly zero. "
        + ("" if l1["exact_zero"] > 0.1 else
           "Adagrad takes (sub)gradient steps, which step over zero instead "
           "of stopping on it: measured, the weights sit within atol of zero, "
           f"{l1['exact_zero']:.0%} at exactly zero. A proximal step (as TF1's "
           "FTRL) would be needed for exact zeros."),
        "the L1 histogram's spike at 0")

    add("L1 allows some weights to stay big",
        decide(l1["max_abs"] > l2["max_abs"] and l1["max_abs"] >= 0.9 * none["max_abs"]),
        f"largest |w| {l1['max_abs']:.3f}, L2 {l2['max_abs']:.3f}, none "
        f"{none['max_abs']:.3f}", "table.csv: max_abs",
        "Rule: L1's largest |w| above L2's and at least 90 % of the "
        "unpenalized one's.")

    add("L2 drives all the weights to smaller values",
        decide(l2["median_abs_live"] < none["median_abs_live"]
               and l2["max_abs"] < none["max_abs"],
               l2["max_abs"] < none["max_abs"]),
        f"median |w| of firing units {l2['median_abs_live']:.3f} against "
        f"{none['median_abs_live']:.3f}; largest {l2['max_abs']:.3f} against "
        f"{none['max_abs']:.3f}", "table.csv: median_abs_live, max_abs",
        "Rule: both the median and the largest |w| below those without a "
        "penalty; partly the largest only.")

    live = sweep[sweep["test_accuracy"] > COLLAPSED]
    points = sorted(set(live.loc["l1"].index) & set(live.loc["l2"].index))
    sparser = [s for s in points
               if live.at[("l1", s), "near_zero_live"]
               >= live.at[("l2", s), "near_zero_live"]]
    over_all = [s for s in points if sweep.at[("l1", s), "near_zero"]
                <= sweep.at[("l2", s), "near_zero"] and sweep.at[("l2", s), "near_zero"] > 0]
    dead = ", ".join(f"s={s:g}: L1 {sweep.at[('l1', s), 'dead_units']:.1f}, L2 "
                     f"{sweep.at[('l2', s), 'dead_units']:.1f}" for s in over_all)
    add("L1 gives sparser first-layer weights than L2, at every strength",
        decide(len(sparser) == len(points), len(sparser) > len(points) / 2),
        f"L1 at least as sparse among firing units at {len(sparser)} of "
        f"{len(points)} strengths", "sweep_runs.csv: near_zero_live, near_zero, "
        "dead_units, test_accuracy; sparsity_sweep.png",
        "Rule: mean fraction within atol over seeds, weights of firing units "
        f"only, at every strength where neither network has collapsed (test "
        f"accuracy above {COLLAPSED}). "
        + (f"Over all weights, L2 catches up where it zeroes the weights of "
           f"units that never fire ({dead} dead units), which no data gradient "
           "holds up: that is decay of dead units, not sparsity."
           if over_all else ""))

    add("Weight penalties can shrink a model while keeping its accuracy",
        decide(l1["test_accuracy"] >= none["test_accuracy"] - 1 / 30
               and l1["near_zero"] > 0.2),
        f"L1: {l1['near_zero']:.0%} of first-layer weights within atol of zero, "
        f"test accuracy {l1['test_accuracy']:.3f} against {none['test_accuracy']:.3f}",
        "table.csv: near_zero, test_accuracy",
        "Rule: over 20 % of the first layer near zero and at most one of the 30 "
        "test flowers lost.")

    collapsed = sorted(s for (kind, s) in sweep.index
                       if kind == "l1" and sweep.at[(kind, s), "test_accuracy"] <= COLLAPSED)
    ledger.append(not_tested(
        "001", "Penalties keep weights small unless big gradients counteract them",
        "Read off the histograms as a whole; no run here varies the gradient. "
        + (f"Seen at the extreme: at s = {', '.join(f'{s:g}' for s in collapsed)} "
           "L1 overrides the data gradient entirely (test accuracy 1/3)."
           if collapsed else "")))
    ledger.append(not_tested(
        "001", "A model with small weights is simpler and more interpretable",
        "A premise of the article, not a measured effect; nothing here measures "
        "simplicity or interpretability."))
    return ledger


NOTES = """\
Columns: `near_zero` is the fraction of the 40 first-layer weights with
|w| <= atol; `near_zero_live` the same over the weights of first-layer units
that fire on at least one training flower; `exact_zero` the fraction at
exactly 0; `dead_units` counts the units that never fire (of 10).

Notes on the comparison:

- The article prints no numbers; its claims are the shapes of its three
  histograms. Ours are one run each (40 weights), so the sweep, averaged over
  seeds, carries the evidence.
- Dead units: with the raw (all-positive) iris features and Glorot init,
  several first-layer units never fire, with or without a penalty. Their
  weights get no data gradient, so any penalty decays them.
- The article's exact strength is not stated; `strength` is ours.
"""


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = load_iris(args.test_fraction, seed=args.seed)
    print(f"[kreg] iris: {data.description}; sizes {data.sizes}")
    print(f"[kreg] {run_label(args)}")
    total = len(PENALTIES) + 2 * len(args.sweep) * args.sweep_seeds
    with tqdm(total=total, desc="iris runs", unit="run", file=sys.stdout,
              mininterval=2.0, dynamic_ncols=True) as bar:
        results = run_histograms(data, args, bar)
        sweep_runs = run_sweep(data, args, bar)
    sweep = summarize_sweep(sweep_runs)
    table = build_table(results, args)
    write_results(
        args.out, "Iris weight histograms, L1 vs L2 (article 001)",
        f"{run_label(args)}; data: {data.description}",
        [("table", table, None),
         ("sweep", sweep, "Strength sweep (mean over seeds):")],
        make_figures(results, sweep, data, args),
        metadata(results, sweep_runs, data, args, time.perf_counter() - wall_start),
        NOTES, csv_files={"sweep_runs": sweep_runs}, claims=claims)
    return table, sweep


if __name__ == "__main__":
    run_script(main)
