"""Regularization for neural networks: MNIST weight images.

Reproduces Sam Greydanus, "Regularization for Neural Networks" (2016): a
one-layer softmax network (784x10, no bias) trained on MNIST with no
regularization, dropout on the input, the article's "Gaussian weight"
regularization, L2 and whole-matrix weight normalization. Each column of the
weight matrix, reshaped to 28x28, shows which pixels speak for a digit; the
regularizers change those "weight images" in ways one can see.

Every variant is trained with `--seeds` seeds (3 by default): the table gives
the mean and standard deviation of its test accuracy over them, the accuracy
figure a band, so that one can tell which differences are real.

Outputs, in `results/mnist_weight_images/` (replaced atomically; a quick or
shortened run writes `results/quick/mnist_weight_images/` instead):
    table.csv, table.md     test accuracy (mean and sd over seeds), runtime
                            relative to the first row, min and max weight,
                            ours beside the article's
    weights_<variant>.png   the ten weight images of each variant (first seed)
    gaussian_scale.png      the scale S of the Gaussian variant, clipped to [0, 5]
    test_accuracy.png       test accuracy against step for all variants
    history.csv             the same curves as numbers, one row per seed and step
    metadata.json           data source, sizes and file hashes, settings, seeds,
                            versions, CPU, wall time per variant
    README.md               the table and figures together

Run:
    python reproductions/mnist_weight_images.py            # the article's setting
    python reproductions/mnist_weight_images.py --data path/to/mnist  # IDX files
    python reproductions/mnist_weight_images.py --quick    # a short look, not it
    python reproductions/mnist_weight_images.py --help

The defaults are the original notebooks' settings:
squared error on the softmax output, Adam 1e-4 (1e-3 for the Gaussian
variant), batch 32, 150,000 steps, test accuracy every 1,000 steps, truncated
normal init with stddev 0.075.
"""

import os
import sys
import time

from harness.cli.arguments import (
    comma_list,
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

VARIANTS = ("none", "dropout", "gaussian", "l2", "weight_norm")
# The article's setting (the original notebooks'); a run that changes any of
# these, or is --quick, writes to results/quick/.
PARAMETERS = (
    Setting("--steps", positive_int, full=150_000, quick=3_000,
            help="training steps per variant"),
    Setting("--only", comma_list(VARIANTS), full=list(VARIANTS), dest="variants",
            help=f"the variants to run, a comma-separated subset of "
            f"{', '.join(VARIANTS)}"),
    Setting("--seeds", positive_int, full=3, quick=1,
            help="seeds per variant: --seed, --seed + 1, ..."),
    Setting("--batch-size", positive_int, full=32, help="examples per Adam step"),
    Setting("--eval-every", positive_int, full=1000, quick=250,
            help="steps between test-accuracy measurements"),
    Setting("--learning-rate", positive_float, full=1e-4,
            help="Adam learning rate of every variant but the Gaussian"),
    Setting("--gaussian-learning-rate", positive_float, full=1e-3,
            help="Adam learning rate of the Gaussian variant"),
    Setting("--init-stddev", positive_float, full=0.075,
            help="stddev of the truncated-normal initial weights"),
    Setting("--dropout-rate", rate, full=0.5,
            help="drop rate on the input (the article keeps 0.5)"),
    Setting("--l2", non_negative_float, full=0.01,
            help="L2 strength, textbook 1/2 convention: l2*sum(W^2)/2"),
    Setting("--gaussian-noise-scale", non_negative_float, full=0.5,
            help="initial scale S of the Gaussian variant"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "mnist_weight_images", PARAMETERS, data=True)
    parser.add_argument("--workers", type=positive_int, default=None,
                        help="processes training runs side by side, one core "
                        "each (default: one per core; 1 trains in this process)")
    args = parser.parse_args(argv)
    args.workers = args.workers or default_workers(args.seeds * len(args.variants))
    if args.eval_every > args.steps:
        parser.error(f"argument --eval-every: expected at most --steps "
                     f"({args.steps}), received {args.eval_every}")
    return finish(parser, args)


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
from harness.plotting import plot_curves, plot_weight_images  # noqa: E402
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.writer import write_results  # noqa: E402
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices  # noqa: E402
from kreg.layers import (  # noqa: E402
    GaussianFunctionDense,
    InvertedDropout,
    WeightNormDense,
)
from kreg.losses import HalfMeanSquaredError  # noqa: E402
from kreg.regularizers import L2  # noqa: E402

TITLES = {
    "none": "No regularization",
    "dropout": "Dropout",
    "gaussian": "Gaussian weight regularization",
    "l2": "L2 regularization",
    "weight_norm": "Weight normalization",
}

# What the article's table and the original notebooks printed.
PUBLISHED = pd.DataFrame(
    {
        "variant": list(VARIANTS),
        "article_accuracy": [0.932, 0.895, 0.915, 0.760, 0.711],
        "notebook_accuracy": [0.9319, 0.8903, 0.9152, 0.7601, 0.7113],
        "article_runtime_ratio": [1.00, 1.49, 1.85, 1.25, 1.58],
        "notebook_runtime_ratio": [1.00, 1.91, 2.59, 1.25, 1.58],
        "article_min": [-1.95, -1.42, 0.0, -0.062, -0.05],
        "article_max": [1.64, 1.18, 0.80, 0.094, 0.08],
    }
).set_index("variant")


def seeds(args):
    return [args.seed + i for i in range(args.seeds)]


# ---------------------------------------------------------------------------
# The model: softmax(x @ W), W 784x10, no bias, one regularizer per variant.
# ---------------------------------------------------------------------------
def build_model(variant, args, seed):
    init = keras.initializers.TruncatedNormal(stddev=args.init_stddev, seed=seed)
    inputs = keras.Input((784,), name="pixels")
    x = inputs
    if variant == "dropout":
        x = InvertedDropout(args.dropout_rate, seed=seed, name="dropout")(x)
    if variant == "gaussian":
        layer = GaussianFunctionDense(
            10, use_bias=False, activation="softmax",
            mean_initializer=init,
            scale_initializer=keras.initializers.TruncatedNormal(
                stddev=args.init_stddev, seed=seed + 1),
            noise_scale=args.gaussian_noise_scale, seed=seed, name="weights")
    elif variant == "weight_norm":
        layer = WeightNormDense(10, use_bias=False, norm="matrix", use_scale=False,
                                activation="softmax", kernel_initializer=init,
                                name="weights")
    else:
        regularizer = L2(args.l2, convention="textbook") if variant == "l2" else None
        layer = keras.layers.Dense(10, use_bias=False, activation="softmax",
                                   kernel_initializer=init,
                                   kernel_regularizer=regularizer, name="weights")
    model = keras.Model(inputs, layer(x), name=variant)
    lr = args.gaussian_learning_rate if variant == "gaussian" else args.learning_rate
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=HalfMeanSquaredError())
    return model


def weight_matrix(model):
    """The 784x10 matrix the model uses at test time."""
    layer = model.get_layer("weights")
    if isinstance(layer, GaussianFunctionDense):
        kernel = layer.effective_kernel()
    else:
        kernel = layer.kernel
    return keras.ops.convert_to_numpy(kernel)


# ---------------------------------------------------------------------------
# Training: blocks of `eval_every` steps in one compiled call, test accuracy
# after each block. Every seed draws its own initial weights, batch order and
# dropout masks. A run gives plain numbers; the figures and the table are
# drawn from those numbers only.
# ---------------------------------------------------------------------------
def train(variant, data, args, seed, progress=True):
    """Trains one model; returns its numbers (curves, weights, accuracies)."""
    keras.utils.set_random_seed(seed)
    model = build_model(variant, args, seed=seed)
    loop = CompiledLoop(model, data.x_train, data.y_train)
    indices = epoch_batch_indices(len(data.x_train), args.batch_size, args.steps,
                                  seed=seed)
    test_accuracy = Evaluator(model, data.x_test, data.y_test)
    history = {"step": [], "test_accuracy": [], "loss": []}
    start = time.perf_counter()
    with tqdm(total=args.steps, desc=f"{variant:>11} seed {seed}", unit="step",
              file=sys.stdout, mininterval=2.0, dynamic_ncols=True,
              disable=not progress) as bar:
        for first in range(0, args.steps, args.eval_every):
            block = indices[first:first + args.eval_every]
            loss = loop.run(block)
            history["step"].append(first + len(block))
            history["test_accuracy"].append(test_accuracy())
            history["loss"].append(loss)
            bar.update(len(block))
            bar.set_postfix(test_acc=f"{history['test_accuracy'][-1]:.4f}")
    numbers = {
        "seconds": time.perf_counter() - start,
        "step": history["step"],
        "test_accuracy_curve": history["test_accuracy"],
        "loss_curve": history["loss"],
        "test_accuracy": history["test_accuracy"][-1],
        "validation_accuracy": Evaluator(model, data.x_val, data.y_val)(),
        "weights": weight_matrix(model),
    }
    if variant == "dropout":
        # The original measured test accuracy with dropout still on.
        numbers["test_accuracy_dropout_on"] = Evaluator(
            model, data.x_test, data.y_test, training=True)()
    if variant == "gaussian":
        numbers["scale"] = keras.ops.convert_to_numpy(
            model.get_layer("weights").kernel_scale())
    return numbers


def stack(runs):
    """One variant's numbers over seeds: each key an array with a leading
    seed axis (the steps are shared)."""
    stacked = {key: np.stack([np.asarray(run[key]) for run in runs])
               for key in runs[0] if key != "step"}
    stacked["step"] = np.asarray(runs[0]["step"])
    return stacked


# Relative cost of a step (measured), to hand out the longest runs first.
COST = {"gaussian": 2.3, "weight_norm": 1.4, "l2": 1.15, "dropout": 1.05,
        "none": 1.0}


def load_quietly(data, seed):
    return load_mnist(data, seed=seed, log=lambda _: None)


def train_job(data, variant, args, seed, progress):
    return train(variant, data, args, seed, progress=progress)


def run(data, args):
    """`{variant: numbers stacked over seeds}`.

    Each (variant, seed) is one job (`harness.jobs`). With `--workers 1`
    they train here, one after the other, on `data`; otherwise they are
    spread over worker processes of one core each, each reading the same
    data once.
    """
    here = args.workers == 1
    jobs = [Job((variant, seed), train_job, (variant, args, seed, here),
                env={} if here else ONE_THREAD)
            for variant in args.variants for seed in seeds(args)]
    if not here:  # the longest first, to whichever worker is free
        jobs.sort(key=lambda job: -COST[job.key[0]])
    with tqdm(total=len(jobs), desc="runs", unit="run", file=sys.stdout,
              dynamic_ncols=True, disable=here) as bar:
        def finished(key, numbers):
            bar.write(f"[kreg] {key[0]:>11} seed {key[1]}: test accuracy "
                      f"{numbers['test_accuracy']:.4f} ({numbers['seconds']:.1f} s)")
            bar.update(1)

        if here:
            results = run_jobs(jobs, setup=lambda: data, on_result=finished)
        else:
            results = run_jobs(jobs, args.workers, load_quietly,
                               (args.data, args.seed), on_result=finished)
    return {variant: stack([results[(variant, seed)] for seed in seeds(args)])
            for variant in args.variants}


# ---------------------------------------------------------------------------
# Figures and table, from the numbers alone.
# ---------------------------------------------------------------------------
def run_label(args):
    runs = f"{args.seeds} seed{'s' if args.seeds > 1 else ''}"
    return marked_label(args, f"{args.steps:,} steps, {runs}")


def make_figures(numbers, label):
    """The article's figures, as `{file name: matplotlib figure}`.

    `label` (the run label and data) goes under every title. The weight
    images show the first seed's model.
    """
    figures = {}
    for variant, n in numbers.items():
        figures[f"weights_{variant}.png"] = plot_weight_images(
            n["weights"][0], f"{TITLES[variant]}: weight images\n{label}")
        if variant == "gaussian":
            figures["gaussian_scale.png"] = plot_weight_images(
                n["scale"][0],
                f"Gaussian weight: scale S = exp(s_hat), clipped to [0, 5]\n{label}",
                clip=(0, 5))
    curves = {TITLES[v]: (n["step"], n["test_accuracy_curve"])
              for v, n in numbers.items()}
    figures["test_accuracy.png"] = plot_curves(
        curves, "training step", "test accuracy",
        f"Test accuracy during training\n{label}")
    return figures


def build_table(numbers, label):
    rows = []
    first = None
    for variant, n in numbers.items():
        seconds = float(np.mean(n["seconds"]))
        first = first or seconds
        accuracy = np.asarray(n["test_accuracy"], dtype=np.float64)
        weights = n["weights"][0]
        published = PUBLISHED.loc[variant]
        rows.append({
            "variant": variant,
            "seeds": len(accuracy),
            "test_accuracy": accuracy.mean(),
            "test_accuracy_sd": accuracy.std(ddof=1) if len(accuracy) > 1 else np.nan,
            "article_accuracy": published["article_accuracy"],
            "accuracy_difference": accuracy.mean() - published["article_accuracy"],
            "test_accuracy_dropout_on": float(np.mean(
                n["test_accuracy_dropout_on"])) if "test_accuracy_dropout_on" in n
            else np.nan,
            "runtime_s": seconds,
            "runtime_ratio": seconds / first,
            "article_runtime_ratio": published["article_runtime_ratio"],
            "notebook_runtime_ratio": published["notebook_runtime_ratio"],
            "min_weight": float(weights.min()),
            "article_min": published["article_min"],
            "max_weight": float(weights.max()),
            "article_max": published["article_max"],
            "run": label,
        })
    return pd.DataFrame(rows)


def history_frame(numbers, args):
    frames = []
    for variant, n in numbers.items():
        for i, seed in enumerate(seeds(args)):
            frames.append(pd.DataFrame({
                "variant": variant, "seed": seed, "step": n["step"],
                "test_accuracy": n["test_accuracy_curve"][i],
                "loss": n["loss_curve"][i]}))
    return pd.concat(frames, ignore_index=True)


def metadata(numbers, data, args, wall_seconds):
    return run_metadata(
        "Greydanus 2016, Regularization for Neural Networks (MNIST weight "
        "images)", args, run_label(args), data, seeds=seeds(args),
        seconds_per_variant={v: float(np.sum(n["seconds"]))
                             for v, n in numbers.items()},
        wall_seconds=wall_seconds)


NOTES = """\
Notes on the comparison:

- `test_accuracy` is the mean over the seeds of the accuracy on the test set
  after the last step, measured with correct inference (no dropout at test);
  `test_accuracy_sd` its standard deviation over the seeds. The article ran
  one seed.
- The original dropout notebook measured test accuracy with dropout still on;
  `test_accuracy_dropout_on` is that number, which explains the article's lower
  dropout figure.
- `min_weight` and `max_weight` are those of the first seed's model, whose
  weight images are shown.
- Runtime ratios: the article ran each variant as its own TF1 graph stepping
  from Python. Here every step runs inside one compiled loop, so the fixed
  per-step cost that dominated the original is gone and ratios reflect the
  extra arithmetic of each variant only. `runtime_s` is per seed.
- The Gaussian variant's weights are values of a Gaussian function, so every
  weight is positive; the article's "min ~ 0" is the same fact.
"""


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    data = load_mnist(args.data, seed=args.seed)
    print(f"[kreg] {run_label(args)}; variants: {', '.join(args.variants)}")
    numbers = run(data, args)
    label = f"{run_label(args)}; data: {data.source}"
    table = build_table(numbers, run_label(args))
    write_results(
        args.out, "MNIST weight images (Greydanus 2016)",
        f"{run_label(args)}; data: {data.description}",
        [("table", table, None)], make_figures(numbers, label),
        metadata(numbers, data, args, time.perf_counter() - wall_start), NOTES,
        csv_files={"history": history_frame(numbers, args)})
    return table


if __name__ == "__main__":
    run_script(main)
