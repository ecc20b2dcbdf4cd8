"""Dropout vs batch norm vs L2: a toy regression and an MNIST autoencoder.

Reproduces Tian Qi (Ricky) Chen, "Does Dropout or Batch Normalization actually
perform better than L2 regularization?" (UBC CPSC 522 wiki). A deliberately
too deep network (5 hidden layers of 16 ReLU units) fits 100 noisy points of
a 1-D function given as the polynomial basis [x, x^2, x^3, x^4]; we compare no
regularization, dropout (drop rate 0.1), batch norm and L2, then the same with
one extra pure-noise input, all three together (the article's thesis) and
DropConnect (its "further work"). Batch norm's learning-rate insensitivity
(lr vs lr/16) and its "caution" (results move with floating-point details)
are measured on this machine. Experiment 2 trains a 784-256-784 autoencoder
on MNIST with no regularization, dropout 0.5 on the input and on the embedding.

The data (the article's formula is lost, see harness/data/toy_regression.py):
    x ~ U(-2, 2),  y = sin(2x) + x/2 + N(0, 0.3^2),  200 samples, 100 / 100.

Outputs, in `results/toy_regression/` (replaced atomically): tables, each
run's errors per epoch (*history.csv), claims.csv, figures, metadata.json and
a README.md that shows them all.

Run:
    python reproductions/toy_regression.py            # the full setting
    python reproductions/toy_regression.py --quick    # a short look, not it
    python reproductions/toy_regression.py --workers 1  # every run in this process
    python reproductions/toy_regression.py --help

SGD with momentum; the learning rate divided by 4 after 1/4, 1/2 and 3/4 of
the epochs; errors measured after every epoch in inference mode.
"""

import dataclasses
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
from harness.jobs import ONE_THREAD, Job, default_workers, run_jobs
from harness.training.float_conditions import CONDITIONS, REFERENCE, beside_reference

METHODS = ("baseline", "dropout", "batchnorm", "l2", "dropconnect")
ALL_THREE = "all_three"  # dropout, batch norm and L2 in one model
SECTIONS = ("l2_sweep", ALL_THREE, "caution", "autoencoder", "dropout_sweep", "outliers")
TRAINING_EXAMPLES = 100
LEARNING_RATE = 0.01  # the full setting's: the ledger reads its runs
# The full setting; a run that changes any of these, or is --quick, writes to
# results/quick/.
PARAMETERS = (
    Setting("--epochs", number(int, 4), full=1000, quick=200, help="epochs per model"),
    Setting("--only", comma_list(METHODS + SECTIONS), full=list(METHODS + SECTIONS),
            help=f"what to run, a comma-separated subset of the methods "
            f"{', '.join(METHODS)} (at least one) and the sections "
            f"{', '.join(SECTIONS)} (L2 at --l2-sweep; the three together; the "
            "batch-norm caution; the MNIST autoencoder; dropout at --dropout-sweep; "
            "the noise-feature baseline and dropout refitted without end points)"),
    Setting("--batch-size", positive_int, full=20, help=f"examples per SGD step, at "
            f"most the {TRAINING_EXAMPLES} training examples"),
    Setting("--learning-rate", positive_float, full=LEARNING_RATE,
            help="SGD learning rate"),
    Setting("--momentum", rate, full=0.9, help="SGD momentum"),
    Setting("--dropout-rate", rate, full=0.1, help="drop rate of dropout (plain "
            "input) and of DropConnect (article: 0.1)"),
    Setting("--noise-dropout-rate", rate, full=0.12, help="drop rate of dropout with "
            "the noise feature (the article's figure names: Dropout-0.12)"),
    Setting("--l2", non_negative_float, full=1e-3,
            help="L2 strength, textbook convention 0.5*l2*sum(W^2)"),
    Setting("--l2-sweep", comma_separated(non_negative_float), full=[0.01, 0.1, 1.0],
            help="the l2_sweep section's other L2 strengths, both settings (the "
            "article's figure names say L2-1)"),
    Setting("--dropout-sweep", comma_separated(rate), full=[0.05, 0.2, 0.3, 0.5],
            help="the dropout_sweep section's other drop rates, both settings"),
    Setting("--seeds", positive_int, full=3, quick=1, help="training seeds per toy "
            "model (weights, batches, masks; the same data): the tables give the mean "
            "and sd over them, the figures the first"),
    Setting("--conditions", comma_list(tuple(CONDITIONS)), full=list(CONDITIONS),
            help="floating-point conditions of the batch-norm caution"),
    Setting("--ae-epochs", positive_int, full=30, quick=5, help="autoencoder epochs"),
    Setting("--ae-seeds", positive_int, full=3, quick=1, help="training seeds per "
            "autoencoder, as --seeds for the toy models"),
)


def parse_args(argv=None):
    parser = script_parser(__doc__, "toy_regression", PARAMETERS, data=True)
    args = parser.parse_args(argv)
    args.methods = [m for m in args.only if m in METHODS]
    if not args.methods:
        parser.error(f"argument --only: expected at least one method of "
                     f"{', '.join(METHODS)}; received {','.join(args.only)!r}")
    if args.batch_size > TRAINING_EXAMPLES:
        parser.error(f"argument --batch-size: expected at most the {TRAINING_EXAMPLES} "
                     f"training examples, received {args.batch_size}")
    (args.sweep, args.all_three, args.caution, args.autoencoder, args.rate_sweep,
     args.outliers) = (section in args.only for section in SECTIONS)
    return finish(parser, args)


if __name__ == "__main__":
    # The command line answers (--help, --version, bad input) before
    # the heavy stack below is imported.
    parse_args()

from harness.quiet_backend import start_backend_quietly  # noqa: E402

start_backend_quietly()  # TensorFlow's start-up notices dropped, here and in workers

import keras  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from harness.analysis.encoder_features import encoder_features  # noqa: E402
from harness.analysis.learned_function import (  # noqa: E402
    rms_distance,
    step_share,
    total_variation_ratio,
)
from harness.analysis.over_seeds import seed_range  # noqa: E402
from harness.analysis.reconstruction import reconstruction_errors  # noqa: E402
from harness.analysis.toy_regression_evidence import (  # noqa: E402
    ae,
    border_test,
    cell,
    dark_test,
    fluctuation_by_rate,
    l2_weights,
    prediction_moves,
    swept,
)
from harness.claims.declare import Declared, NotTested, derive  # noqa: E402
from harness.claims.measures import Cell, Derived, Final, FinalChange, Missing  # noqa: E402
from harness.claims.rules import (  # noqa: E402
    Above,
    AllOf,
    Below,
    Bespoke,
    Each,
    Lowest,
    Trend,
    Within,
)
from harness.cli.run import run_script  # noqa: E402
from harness.data import load_mnist  # noqa: E402
from harness.data.ink import ink_pixels  # noqa: E402
from harness.data.toy_regression import make_toy_regression, true_function  # noqa: E402
from harness.models.autoencoder import build_autoencoder  # noqa: E402
from harness.models.regression_mlp import build_regression_mlp  # noqa: E402
from harness.plotting.toy_regression_figures import (  # noqa: E402
    autoencoder_figures,
    caution_figure,
    fit_figures,
    learning_rate_figure,
)
from harness.results.run_metadata import run_metadata  # noqa: E402
from harness.results.toy_regression_tables import (  # noqa: E402
    ARTICLE_METHODS,
    CAUTION_METHODS,
    GRID,
    INNER,
    SETTINGS,
    SIMILAR,
    decay_epochs,
    result_tables,
)
from harness.results.writer import write_results  # noqa: E402
from harness.training import Evaluator  # noqa: E402
from harness.training.epoch_loop import train_epochs  # noqa: E402
from harness.training.float_conditions import run_under_conditions  # noqa: E402

LR_METHODS = ("baseline", "batchnorm")  # also at lr/16, plain input


# ===========================================================================
# 1. Method descriptions and the model: 5 hidden layers of 16 ReLU units,
#    dropout and batch norm after each linear map, L2 on every weight matrix.
# ===========================================================================
def build_model(method, num_inputs, args, seed, learning_rate=None, dtype=None,
                drop_rate=None, l2=None):
    """`drop_rate` and `l2` default to `--dropout-rate` and `--l2`."""
    parts = {"dropout", "batchnorm", "l2"} if method == ALL_THREE else {method}
    model = build_regression_mlp(
        num_inputs, seed, dtype=dtype, batchnorm="batchnorm" in parts,
        dropout=(args.dropout_rate if drop_rate is None else drop_rate)
        if "dropout" in parts else None,
        l2=(args.l2 if l2 is None else l2) if "l2" in parts else None,
        dropconnect=args.dropout_rate if method == "dropconnect" else None)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate or args.learning_rate,
                                                 momentum=args.momentum), loss="mse")
    return model


def train(method, data, args, learning_rate=None, dtype=None, quiet=False, seed=None,
          l2=None, drop_rate=None):
    """Trains one model on `data`; `seed` (default `--seed`) sets the initial
    weights, batch order and dropout masks, `l2` the L2 weight (default `--l2`).
    Dropout's rate is `drop_rate`, else the noise feature's own with it (the
    figure names)."""
    seed = args.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
    lr = learning_rate or args.learning_rate
    x_train, y_train, x_test, y_test = (a.astype(dtype or a.dtype) for a in (
        data.features_train, data.y_train, data.features_test, data.y_test))
    noise_rate = drop_rate or (args.noise_dropout_rate if data.noise_feature else None)
    model = build_model(method, x_train.shape[1], args, seed, lr, dtype, noise_rate, l2)
    label = (f"{method}{'' if lr == args.learning_rate else ' lr/16'}"
             f"{'' if l2 is None else f' {l2:g}'}{'' if drop_rate is None else f' p{drop_rate:g}'}"
             f"{'' if seed == args.seed else f' s{seed}'}")
    start = time.perf_counter()
    history = train_epochs(
        model, x_train, y_train, args.epochs, args.batch_size, seed,
        {"train_mse": Evaluator(model, x_train, y_train, measure="mse"),
         "test_mse": Evaluator(model, x_test, y_test, measure="mse")},
        decay_epochs(args.epochs), desc=f"{label:>14}", quiet=quiet)
    # The learned function over the grid (the noise input at its mean, 0),
    # and at the test points (each with its own noise input, if any).
    curve, at_test = (keras.ops.convert_to_numpy(model(x, training=False)).reshape(-1)
                      for x in (data.mean_features(GRID), data.features_test))
    return {"history": history, "learning_rate": lr,
            "prediction_curve": curve, "test_prediction": at_test,
            "test_rms_from_mean": rms_distance(at_test, true_function(data.x_test)),
            "curve_wiggle": total_variation_ratio(curve, true_function(GRID)),
            "curve_step_share": step_share(curve),
            "seconds": time.perf_counter() - start}


# ===========================================================================
# 2. Experiment 1: the toy regression, plain input [x, x^2, x^3, x^4], each
#    method on every training seed; 3. its variant with a noise feature.
# ===========================================================================
def toy_datasets(args):
    """Both settings' data, made from `--seed`: the same in every process."""
    return {s: make_toy_regression(seed=args.seed, noise_feature=(s == "noise"))
            for s in SETTINGS}


def toy_job(_, setting, method, seed, learning_rate, l2, args, here):
    """One toy model trained (a job), on its data made here (200 points)."""
    return train(method, toy_datasets(args)[setting], args, learning_rate,
                 quiet=not here, seed=seed, l2=l2)


def toy_runs(args, seed):
    """`seed`'s toy trainings, `(setting, method, seed, learning rate, L2)`
    (`None`: the flag's): each method in both settings, baseline and batch
    norm at lr/16, and L2 at the sweep's strengths (`--l2`: the L2 method's)."""
    methods = args.methods + [ALL_THREE] * args.all_three
    sweep = [l2 for l2 in dict.fromkeys(args.l2_sweep)
             if args.sweep and not (l2 == args.l2 and "l2" in methods)]
    return ([(s, m, seed, None, None) for s in SETTINGS for m in methods]
            + [("plain", m, seed, args.learning_rate / 16, None)
               for m in LR_METHODS if m in methods]
            + [(s, "l2", seed, None, l2) for s in SETTINGS for l2 in sweep])


def rate_runs(args, seed):
    """`seed`'s dropout-sweep trainings, `(setting, seed, rate)`: each rate of
    `--dropout-sweep` in both settings but the dropout method's own."""
    own = {"plain": args.dropout_rate, "noise": args.noise_dropout_rate}
    return [(s, seed, r) for s in SETTINGS for r in dict.fromkeys(args.dropout_sweep)
            if args.rate_sweep and not (r == own[s] and "dropout" in args.methods)]


def rate_job(_, setting, seed, rate, args, here):
    return train("dropout", toy_datasets(args)[setting], args, quiet=not here, seed=seed,
                 drop_rate=rate)


# The refits leave out END_POINTS training points at each end of x (those
# with the largest polynomial features), or, the control, as many nearest 0.
END_POINTS = 5
REFIT_METHODS = ("baseline", "dropout")


def refit_runs(args, seed):
    """`seed`'s refits, `(method, removed, seed)`: the noise-feature baseline
    and dropout without the end points, and without as many middle ones."""
    return [(m, removed, seed) for m in REFIT_METHODS if args.outliers and m in args.methods
            for removed in ("ends", "middle")]


def refit_job(_, method, removed, seed, args, here):
    data = toy_datasets(args)["noise"]
    order = np.argsort(data.x_train if removed == "ends" else np.abs(data.x_train))
    keep = np.sort(order[END_POINTS:-END_POINTS] if removed == "ends"
                   else order[2 * END_POINTS:])
    data = dataclasses.replace(data, **{f: getattr(data, f)[keep] for f in (
        "x_train", "y_train", "features_train")})
    return train(method, data, args, quiet=not here, seed=seed)


def gather_toy(results, args):
    """The toy jobs' results (by key) as `{seed: {"runs", "lr_runs", "sweep",
    "history"}}`, in the flags' order whatever order the jobs finished in."""
    repeats = {}
    for seed in seed_range(args.seed, args.seeds):
        done = [(key, results[("toy", *key)]) for key in toy_runs(args, seed)]
        runs = {s: {k[1]: r for k, r in done if k[0] == s and k[3:] == (None, None)}
                for s in SETTINGS}
        lr_runs = {k[1]: {"lr": runs["plain"][k[1]], "lr/16": r}
                   for k, r in done if k[3] is not None}
        sweep = {(k[0], k[4]): r for k, r in done if k[4] is not None}
        every = [(s, m, r) for s in SETTINGS for m, r in runs[s].items()]
        every += [("plain", m, pair["lr/16"]) for m, pair in lr_runs.items()]
        history = [({"setting": s, "method": m, "seed": seed,
                     "learning_rate": r["learning_rate"]}, r["history"]) for s, m, r in every]
        repeats[seed] = {"runs": runs, "lr_runs": lr_runs, "sweep": sweep,
                         "history": history,
                         "rates": {(s, r): results[("rate", s, seed, r)]
                                   for s, _, r in rate_runs(args, seed)},
                         "refits": {(m, removed): results[("refit", m, removed, seed)]
                                    for m, removed, _ in refit_runs(args, seed)}}
    return repeats


# Overfitting: the test error ends over RISE above its best. NOISE_SD: the
# targets' noise sd. "Reduced": by at least REDUCES. A learned curve
# "zigzags" when its ups and downs exceed the true mean's by SIMILAR.
# "Step-like": at least STEP_LIKE of the curve's rise and fall made in its
# steepest tenth of the grid (`step_share`).
RISE, NOISE_SD, REDUCES, ZIGZAG, STEP_LIKE = 0.05, 0.3, 0.25, 1 + SIMILAR, 0.5


def final(setting, method, column="test_mse"):
    """A run's final value (`Final`) at the full setting's learning rate."""
    return Final("history", column, f"final {column} [{setting} {method}]", ".4f",
                 step="epoch", setting=setting, method=method,
                 learning_rate=LEARNING_RATE)


def ratio(a, b, label=None):
    return Derived(label or f"{a.label} / {b.label}", np.divide, a, b, fmt=".3f")


def rise(setting, method):
    """How far the final test error lies above the best (0.1: 10 %)."""
    return Derived(f"test error's rise from its best [{setting} {method}]",
                   lambda end, best: np.divide(end, best) - 1, final(setting, method),
                   cell("best_test_mse", setting, method, ".4f"), fmt=".3f")


def near_best(arm, setting, others=("baseline", "dropout", "batchnorm")):
    """`arm`'s final test error within SIMILAR of each of `others`'."""
    return AllOf({m: Below(ratio(arm, final(setting, m)), 1 + SIMILAR) for m in others})


def best_of(setting, arm="batchnorm", others=("baseline", "dropout", "l2")):
    return Lowest(final(setting, arm), {m: final(setting, m) for m in others})


def first_tenth(evidence):
    """Bespoke: a threshold read from the run (a tenth of its epochs)."""
    epochs = max(evidence.distinct("history", "epoch"))
    return Below(cell("best_test_epoch", "noise", "baseline", ".0f"),
                 epochs / 10).decide(evidence)


def wiggle(method):
    return cell("curve_wiggle", "plain", method)


def rms(setting, method):
    return cell("test_rms_from_mean", setting, method)


EXPERIMENT_1_CLAIMS = [
    # The setup: the learning-rate drops show as the perturbations changing.
    Declared("Dividing the learning rate by 4 shows as smaller perturbations",
             Each("table", "method", lambda m: AllOf({s: Below(
                 cell("fluctuation_test_late", s, m), cell("fluctuation_test", s, m))
                 for s in SETTINGS})), figures=("errors_plain.png",)),
    Declared("Baseline: slightly overfits, test error rising while training error falls",
             AllOf({"test error ends above its best":
                    Above(rise("plain", "baseline"), RISE),
                    "training error still falling": Below(FinalChange(
                        "history", "train_mse", "relative change of train_mse over the "
                        "last fifth [plain baseline]", ".4f", True, "epoch", setting="plain",
                        method="baseline", learning_rate=LEARNING_RATE), 0),
                    "slightly: less than with the noise feature": Below(
                        rise("plain", "baseline"), rise("noise", "baseline"))}),
             figures=("errors_plain.png",)),
    Declared("Baseline: the learned function zigzags",
             Above(wiggle("baseline"), ZIGZAG)),
    Declared("Dropout's function on the plain input is simple: fewer ups and downs than "
             "the baseline's, and no zigzags of its own",
             AllOf({"simpler than the baseline's": Below(wiggle("dropout"),
                                                         wiggle("baseline")),
                    "no zigzags": Below(wiggle("dropout"), ZIGZAG)}),
             figures=("predictions_plain.png",)),
    Declared("Dropout makes the ReLU network form a step-like function",
             AllOf({"more step-like than the baseline's": Above(
                        cell("curve_step_share", "plain", "dropout"),
                        cell("curve_step_share", "plain", "baseline")),
                    "steps: most of its rise and fall in a tenth of the grid": Above(
                        cell("curve_step_share", "plain", "dropout"), STEP_LIKE)}),
             figures=("predictions_plain.png",), explain="table.csv, curve_step_share: the "
             "share of the drawn curve's total variation made in its steepest tenth of the "
             f"grid (a step: 1; a line: 0.1; the true mean: "
             f"{step_share(true_function(GRID)):.2f})."),
    NotTested("Dropout's function does not rely on one input; L2's relies on it most",
              "The input's symbol is lost from the article's text."),
    Declared("Batch norm clearly reduces the fluctuation of the error compared with the "
             "other methods",
             Below(cell("fluctuation_test", "plain", "batchnorm"), Derived(
                 "three quarters of the lowest other method's", lambda *others:
                 (1 - REDUCES) * min(others), *(cell("fluctuation_test", "plain", m)
                                                for m in METHODS if m != "batchnorm"))),
             article_value="the smallest (figures only)", explain=lambda evidence, _:
             fluctuation_by_rate(evidence)),
    Declared("Batch norm achieves the best result (plain input)", best_of("plain")),
    Declared("L2 performs very well (plain input)",
             near_best(final("plain", "l2"), "plain")),
    NotTested("L2 does well because the target is a Gaussian process with Gaussian noise",
              "Needs the article's target, which is lost (an image that did not survive): "
              "whether it was a Gaussian-process draw cannot be checked; ours is a fixed "
              "function."),
    Declared("L2 at the figure names' weight (\"L2-1\", read as 1 in 0.5 * l2 * sum(W^2)) "
             "performs very well, in both settings",
             AllOf({s: near_best(Final("l2_sweep_history", "test_mse",
                                       f"final test_mse [{s} L2 1]", ".4f",
                                       step="epoch", setting=s, l2=1.0), s)
                    for s in SETTINGS}),
             explain=l2_weights),
]

def shift(method, removed):
    return Cell("outlier_refits", "curve_shift", f"curve_shift [{method} without "
                f"{removed}]", ".3f", method=method, removed=removed)


NOISE_CLAIMS = [
    Declared("The noise feature lets the baseline fit the training data extremely well",
             AllOf({"a quarter below the plain baseline's": Below(ratio(
                        final("noise", "baseline", "train_mse"),
                        final("plain", "baseline", "train_mse")), 1 - REDUCES),
                    "below the noise variance": Below(
                        final("noise", "baseline", "train_mse"), NOISE_SD ** 2)})),
    Declared("Baseline (noise feature) overfits quickly: the test error shoots up",
             AllOf({"shoots up: over twice the plain baseline's rise": Above(
                        rise("noise", "baseline"), Derived(
                            "twice the plain baseline's rise", lambda r: 2 * r,
                            rise("plain", "baseline"))),
                    "quickly: its best within the first tenth of the epochs":
                    Bespoke(first_tenth)}),
             figures=("errors_noise.png",)),
    Declared("Baseline (noise feature): the learned function fluctuates extremely",
             AllOf({"as far from the true mean as the noise":
                    Above(rms("noise", "baseline"), NOISE_SD),
                    "a third farther than without the noise feature": Above(ratio(
                        rms("noise", "baseline"), rms("plain", "baseline")),
                        1 / (1 - REDUCES))}),
             figures=("predictions_noise.png",)),
    Declared("The outliers at each end drive the baseline's fit with the noise feature, "
             "and no longer do with dropout",
             AllOf({"the baseline moves more without its end points than without as many "
                    "middle ones": Above(shift("baseline", "ends"), shift("baseline", "middle")),
                    "dropout moves less without them than the baseline":
                    Below(shift("dropout", "ends"), shift("baseline", "ends"))}),
             explain=f"outlier_refits.csv: each refitted without the {END_POINTS} training "
             f"points at each end of x (or as many nearest 0), same seed; curve_shift: the "
             f"rms change of the learned function over |x| <= {INNER:g}."),
    Declared("Dropout (noise feature) still overfits slightly",
             AllOf({"overfits": Above(rise("noise", "dropout"), RISE),
                    "slightly: less than the baseline": Below(
                        rise("noise", "dropout"), rise("noise", "baseline"))})),
    Declared("Dropout (noise feature) reduces the learned function's fluctuations "
             "compared with the baseline",
             Below(ratio(rms("noise", "dropout"), rms("noise", "baseline")),
                   1 - REDUCES),
             shows={"drop rate": cell("strength", "noise", "dropout", ".2f")}),
    Declared("Dropout (noise feature) keeps the learned function within the noise",
             Below(rms("noise", "dropout"), NOISE_SD),
             figures=("predictions_noise.png",)),
    Declared("Batch norm performs the best (noise feature)", best_of("noise")),
    Declared("L2 performs similarly to dropout",
             AllOf({s: Within(ratio(final(s, "l2"), final(s, "dropout")), 1 - SIMILAR,
                              1 + SIMILAR) for s in SETTINGS})),
    Declared("Using all three (dropout, batch norm and L2) together helps when the data "
             "are noisy: with the noise feature it beats each of them alone",
             best_of("noise", ALL_THREE, ARTICLE_METHODS),
             explain="The article's thesis (its abstract); it ran no such model."),
]


# ===========================================================================
# 4. Experiment 2: an MNIST autoencoder, 784-256-784, with no regularization,
#    dropout 0.5 on the input (a denoising autoencoder) or on the embedding.
# ===========================================================================
AE_VARIANTS = ("none", "input_dropout", "hidden_dropout", "batchnorm")
ARTICLE_AE = AE_VARIANTS[:3]  # batch norm: the article mentions it, shows nothing
SHOWN = 10  # test digits drawn beside their reconstructions


def train_autoencoder(data, variant, seed, args, here=True):
    """One autoencoder trained on `data` (a job; `here`: with its progress
    bar); `seed` sets the weights, batch order, dropout masks and the half of
    each test image kept."""
    keras.utils.set_random_seed(seed)
    model = build_autoencoder(seed, input_dropout=0.5 * (variant == "input_dropout"),
                              hidden_dropout=0.5 * (variant == "hidden_dropout"),
                              name=variant, batchnorm=variant == "batchnorm")
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                  loss="binary_crossentropy")
    start = time.perf_counter()
    train_epochs(model, data.x_train, data.x_train, args.ae_epochs, 32, seed, {},
                 desc=f"ae {variant:>14}{'' if seed == args.seed else f' s{seed}'}",
                 quiet=not here)
    seconds = time.perf_counter() - start
    recon, errors = reconstruction_errors(model, data.x_test, data.x_train, seed)
    kernel, features = encoder_features(
        model, data.x_test, seed, ink=ink_pixels(data.x_train),
        output="embedding" if variant == "batchnorm" else None)
    return {"reconstructions": recon[:SHOWN], "encoder_kernel": kernel, **errors,
            **features, "runtime_s": seconds}


def load_quietly(data, seed):
    """A worker's MNIST (the jobs' setup): read once, for its every job."""
    return load_mnist(data, seed=seed, log=lambda _: None)


# Noise-like weight images: roughness at least NOISE_LIKE of the same pixels
# shuffled. "Many" units unused: at least MANY; "almost all" used: at most
# ALMOST_ALL unused. "An amazing level": an error at most AMAZING of the
# mean image's (three quarters of the pixel variance about it recovered).
NOISE_LIKE, MANY, ALMOST_ALL, AMAZING = 0.8, 0.10, 0.05, 0.25


def unused(variant, *columns):
    """The largest share of units unused by any of `columns`' counts."""
    return Derived(f"unused units [{variant}]", max, *(ae(c, variant) for c in columns))


def rough(variant):
    """Over the ink pixels: the features the data shaped (not the border)."""
    return ae("relative_roughness_ink", variant)


AUTOENCODER_CLAIMS = [
    Declared("No regularization gives the best reconstruction error",
             Lowest(ae("test_mse", "none"),
                    {v: ae("test_mse", v) for v in ARTICLE_AE[1:]}),
             figures=("ae_reconstructions.png",)),
    Declared("Dropout on the input blurs the reconstructions",
             Above(ae("test_mse", "input_dropout"), ae("test_mse", "none"))),
    Declared("Dropout on the input (a denoising autoencoder) still reconstructs at an "
             "amazing level, even from half of each image",
             AllOf({f"from {whole}": Below(ratio(ae(column, "input_dropout"),
                                                 ae("mean_image_mse", "input_dropout")),
                                           AMAZING)
                    for whole, column in (("the whole image", "test_mse"),
                                          ("half of it", "half_input_mse"))})),
    Declared("Dropout on the embedding blurs them even more",
             Above(ae("test_mse", "hidden_dropout"), ae("test_mse", "input_dropout"))),
    Declared("Without regularization the encoder's features look like random noise",
             Above(rough("none"), NOISE_LIKE), explain=border_test("none"),
             figures=("ae_weights_none.png",)),
    Declared("Dropout on the input makes the features more like strokes",
             Below(rough("input_dropout"), rough("none")),
             explain=border_test("none", "input_dropout")),
    Declared("Dropout on the embedding makes the features clearly strokes, with far less "
             "noise", Lowest(rough("hidden_dropout"),
                             {v: rough(v) for v in AE_VARIANTS[:2]}),
             explain=border_test(*ARTICLE_AE)),
    Declared("Dropout on the input leaves many features unused (all black)",
             Above(unused("input_dropout", "dark_unit_fraction_ink", "dead_fraction"),
                   MANY), explain=dark_test,
             shows={"rarely active": ae("rarely_active_fraction", "input_dropout")}),
    Declared("Dropout on the embedding uses almost all features",
             Below(unused("hidden_dropout", "dark_unit_fraction", "dead_fraction",
                          "rarely_active_fraction"), ALMOST_ALL)),
    Declared("Dropout on the embedding reduces noise-like features by stopping "
             "co-adaptation",
             AllOf({"its units less co-adapted": Below(ae("hidden_correlation",
                                                          "hidden_dropout"),
                                                       ae("hidden_correlation", "none")),
                    "its features less noise-like": Below(rough("hidden_dropout"),
                                                          rough("none"))}),
             explain="autoencoder.csv, hidden_correlation: the mean |correlation| of the "
             "embedding's units over the test digits (DeCov's measure, scale-free)."),
    Declared("Batch norm in the autoencoder yields nothing interesting",
             AllOf({column: Within(ratio(ae(column, "batchnorm"), ae(column, "none")),
                                   1 - SIMILAR, 1 + SIMILAR)
                    for column in ("test_mse", "relative_roughness_ink",
                                   "hidden_correlation")}),
             explain=f"Nothing interesting: its reconstruction error, features' roughness "
             f"(ink pixels) and co-adaptation within {SIMILAR:.0%} of no regularization's "
             "(autoencoder.csv)."),
]


# ===========================================================================
# 5. Conclusions: dropout's fluctuation, batch norm's speed, and its
#    learning-rate insensitivity (baseline and batch norm at lr and lr/16).
# ===========================================================================
def lr_fluctuation(method, key):
    return Cell("learning_rate", "fluctuation_test", f"fluctuation_test [{method} "
                f"{key}]", ".3f", method=method, rate=key)


def tuning(setting, regularizer):
    return Cell("tuning", "worst_over_best_test_mse", f"worst / best final test_mse "
                f"[{setting} {regularizer}]", ".3f", setting=setting, regularizer=regularizer)


def fluctuation_ratio(method):
    return ratio(lr_fluctuation(method, "lr"), lr_fluctuation(method, "lr/16"))


CONCLUSION_CLAIMS = [
    Declared("Dropout increases the fluctuation of the error",
             AllOf({s: Above(cell("fluctuation_test", s, "dropout"),
                             cell("fluctuation_test", s, "baseline"))
                    for s in SETTINGS})),
    Declared("Dropout's fluctuation of the error grows with its drop rate",
             AllOf({s: Trend(f"fluctuation_test [{s}]", "dropout_sweep", "rate", lambda
                             evidence, r, s=s: evidence.measure(swept(
                                 "fluctuation_test", s, r)).value,
                             where={"setting": s, "diverged": 0})
                    for s in SETTINGS})),
    Declared("Dropout is easier to tune than L2 (a rate in [0, 1])",
             AllOf({s: Below(tuning(s, "dropout"), tuning(s, "l2")) for s in SETTINGS}),
             explain="tuning.csv, worst_over_best_test_mse: the worst final test error "
             "over the best across each one's swept settings (its settings column), seed by "
             "seed: a flatter range is easier to tune; a rate at which some seed diverged "
             "(dropout_sweep.csv: diverged) is left out of the range."),
    Declared("Batch norm finds a good solution much faster than the other methods",
             AllOf({s: Lowest(cell("epochs_to_near_best", s, "batchnorm", ".0f"),
                              {m: cell("epochs_to_near_best", s, m, ".0f")
                               for m in ("baseline", "dropout", "l2")})
                    for s in SETTINGS}),
             explain=f"Good: a test error within {SIMILAR:.0%} of the best any of the "
             "article's methods reaches in that setting and seed."),
    Declared("Batch norm removes the sensitivity to the learning rate: its fluctuation "
             "stays the same at lr/16, the baseline's does not",
             AllOf({"batch norm's stays": Within(fluctuation_ratio("batchnorm"),
                                                 1 - SIMILAR, 1 + SIMILAR),
                    "the baseline's falls": Above(fluctuation_ratio("baseline"),
                                                  1 + SIMILAR)}),
             article_value="unchanged at lr/16 (figures only)",
             figures=("learning_rate.png",)),
]


# ===========================================================================
# 6. Batch norm, a caution: the noise-feature baseline and batch norm under
#    other floating-point conditions (harness.training.float_conditions).
# ===========================================================================


def caution_runs(dtype, args):
    """The noise-feature baseline and batch norm in `dtype`, on a condition."""
    data = make_toy_regression(seed=args.seed, noise_feature=True)
    runs = {m: train(m, data, args, dtype=dtype, quiet=True) for m in CAUTION_METHODS}
    return {m: {**r["history"], "test_predictions": r["test_prediction"].tolist()}
            for m, r in runs.items()}


# A condition changes a run when its test-error curve moves by over CHANGED
# (relative) from the reference's; a final test error moved by over VAST is
# "vastly different".
CHANGED, VAST = 0.05, 0.20


def each_condition(make, machine_like=False):
    """Bespoke (`Each` has no exclusion): `make(condition)` for each condition
    beside the reference (`beside_reference`), or each machine-like one."""
    def decide(evidence):
        rows = evidence.frame("bn_caution", "condition", "dtype")
        chosen = beside_reference(rows["condition"], rows["dtype"], machine_like)
        if not chosen:
            raise Missing("bn_caution.csv: the reference and a condition beside it")
        return AllOf({label: make(c) for label, c in chosen.items()}).decide(evidence)

    return Bespoke(decide)


def curve_change(condition, method):
    return Cell("bn_caution", "max_relative_curve_change",
                f"curve change [{condition} {method}]", ".2g",
                condition=condition, method=method)


def final_move(condition, method):
    """How far a condition moves a run's final test error from the reference's."""
    ends = [Final("bn_caution_history", "test_mse", step="epoch", condition=c,
                  method=method) for c in (condition, REFERENCE)]
    return Derived(f"final test error moved [{condition} {method}]",
                   lambda end, reference: abs(np.divide(end, reference) - 1), *ends)


CAUTION_CLAIMS = [
    Declared("The same code and seed give different batch-norm results under other "
             "floating-point details",
             each_condition(lambda c: Above(Derived(
                 f"batch norm's curve change less the baseline's [{c}]", np.subtract,
                 curve_change(c, "batchnorm"), curve_change(c, "baseline")), CHANGED)),
             explain=lambda evidence, verdict: "Threads and oneDNN (machine-like) stand "
             "in for another machine; float64 is another precision. " + prediction_moves(
                 evidence, verdict), figures=("bn_caution.png",)),
    Declared("Batch norm, more than the baseline, gives vastly different results on "
             "another machine (good on one, bad on the other)",
             each_condition(lambda c: Above(final_move(c, "batchnorm"), Derived(
                 f"the larger of {VAST:g} and the baseline's move [{c}]",
                 lambda move: max(VAST, move), final_move(c, "baseline"))),
                 machine_like=True), explain=lambda evidence, verdict: prediction_moves(
                     evidence, verdict, machine_like=True)),
    NotTested("The good / bad split between the two machines holds over different seeds",
              "No condition on this one machine splits good results from bad."),
    NotTested("The cause is round-off in batch norm's division by a small sd",
              "The article's own guess at a cause, which needs the two CPUs."),
]


# ===========================================================================
# 7. Future work: DropConnect, run beside the others for the record.
# ===========================================================================
FUTURE_CLAIMS = [
    Declared("DropConnect may change learning differently (named as further work)",
             AllOf({s: Above(Derived(
                 f"|DropConnect's fluctuation_test / dropout's - 1| [{s}]",
                 lambda a, b: abs(a / b - 1), cell("fluctuation_test", s, "dropconnect"),
                 cell("fluctuation_test", s, "dropout"), fmt=".3f"), SIMILAR)
                 for s in SETTINGS}),
             explain=f"Differently: its error's fluctuation (how learning proceeds) "
             f"differs from dropout's at the same rate by over {SIMILAR:.0%}."),
]


def claims(tables, jitter=None):
    """Article 003's ledger, decided from `tables` (as written), section by
    section."""
    return derive("003", EXPERIMENT_1_CLAIMS + NOISE_CLAIMS + AUTOENCODER_CLAIMS
                  + CONCLUSION_CLAIMS + CAUTION_CLAIMS + FUTURE_CLAIMS, tables, jitter)


# ===========================================================================
# The run: every section's experiment, tables and figures, written at once.
# ===========================================================================
def run_label(args):
    seeds = (f", curves of seed {args.seed} of {args.seeds} training seeds"
             if getattr(args, "seeds", 1) > 1 else "")
    return marked_label(args, f"{args.epochs} epochs{seeds}")


# Placement: one thread a job, as many jobs side by side as cores
# (`--workers`), measured (`python benchmarks/threads_per_job.py`, 2-core
# Intel, quiet): two one-thread jobs side by side against the same two on two
# threads in turn, 1.07x faster for a toy model (5 x 16 units, batches of 20:
# each step a few dozen tiny operations bound by their overhead) and 1.49x
# for the autoencoder (784-256-784, batches of 32). Each choice is one line.
JOB_ENV = {"toy": ONE_THREAD, "rate": ONE_THREAD, "refit": ONE_THREAD,
           "autoencoder": ONE_THREAD}

# Seconds a job takes, to hand out the longest first: a toy epoch, an
# autoencoder step (the committed full run's runtime_s; all three guessed).
TOY_EPOCH_COST = {"baseline": 0.0052, "dropout": 0.0060, "batchnorm": 0.0080,
                  "l2": 0.0059, "dropconnect": 0.0068, ALL_THREE: 0.0095}
AE_STEP_COST = {"none": 0.0011, "input_dropout": 0.0027, "hidden_dropout": 0.0024,
                "batchnorm": 0.0016}


def run(args, ae_data):
    """Every training a job (`harness.jobs`), the longest first: the toy runs
    (`gather_toy`) and `{seed: {variant: autoencoder}}`. With `--workers 1`
    they train here; otherwise in worker processes (or on the Dask cluster
    at `--scheduler`), each reading MNIST once. A job's numbers depend on its
    arguments alone, not on where it trains or when it finishes."""
    seeds = seed_range(args.seed, args.seeds)
    plan = [(("toy", *key), toy_job, key, TOY_EPOCH_COST[key[1]] * args.epochs)
            for seed in seeds for key in toy_runs(args, seed)]
    plan += [(("rate", *key), rate_job, key, TOY_EPOCH_COST["dropout"] * args.epochs)
             for seed in seeds for key in rate_runs(args, seed)]
    plan += [(("refit", *key), refit_job, key, TOY_EPOCH_COST[key[0]] * args.epochs)
             for seed in seeds for key in refit_runs(args, seed)]
    ae_seeds = seed_range(args.seed, args.ae_seeds) if args.autoencoder else []
    steps = args.ae_epochs * (len(ae_data.x_train) // 32) if ae_seeds else 0
    plan += [(("autoencoder", v, seed), train_autoencoder, (v, seed), AE_STEP_COST[v] * steps)
             for seed in ae_seeds for v in AE_VARIANTS]
    args.workers = args.workers or default_workers(len(plan))
    here = args.workers == 1 and not args.scheduler
    jobs = [Job(key, function, (*job_args, args, here), {} if here else JOB_ENV[key[0]])
            for key, function, job_args, _ in sorted(plan, key=lambda job: -job[3])]
    setup, setup_args = ((None, ()) if not ae_seeds else ((lambda: ae_data), ()) if here
                         else (load_quietly, (args.data, args.seed)))
    results, envs = {}, [tuple(sorted(job.env.items())) for job in jobs]
    with tqdm(total=len(jobs), desc="runs", unit="run", file=sys.stdout,
              mininterval=2.0, dynamic_ncols=True, disable=here) as bar:
        for env in dict.fromkeys(envs):  # one call an environment: a cluster's one
            results.update(run_jobs(
                [job for job, its in zip(jobs, envs) if its == env], args.workers, setup,
                setup_args, on_result=lambda *_: bar.update(1), scheduler=args.scheduler))
    return gather_toy(results, args), {seed: {v: results[("autoencoder", v, seed)]
                                              for v in AE_VARIANTS} for seed in ae_seeds}


def make_figures(runs, datasets, lr_runs, caution, ae, ae_data, args, seed_runs=None):
    """Every figure (`harness.plotting.toy_regression_figures`); `seed_runs`
    (`{seed: runs}`): the error curves' bands over seeds."""
    label = run_label(args)
    figures = fit_figures(runs, datasets, GRID, true_function(GRID), label,
                          decay_epochs(args.epochs), seed_runs)
    if lr_runs:
        figures["learning_rate.png"] = learning_rate_figure(lr_runs, label,
                                                            args.learning_rate)
    if caution:
        figures["bn_caution.png"] = caution_figure(caution, label, CAUTION_METHODS)
    if ae:
        seeds = getattr(args, "ae_seeds", 1)
        figures.update(autoencoder_figures(ae, ae_data, (
            f"{'QUICK run, ' if args.quick else ''}{args.ae_epochs} autoencoder epochs"
            + (f", seed {args.seed} of {seeds} (the table: all)" if seeds > 1 else "")),
            SHOWN))
    return figures


NOTES = """\
Notes on the comparison:

- The article gives figures, not numbers, and its target function is lost;
  ours is y = sin(2x) + x/2 + N(0, 0.3^2). `final_*`: the last epoch's errors
  (the ledger's final values are each run's mean over its last fifth of
  epochs, in the history files). `fluctuation_*`: the mean |change of
  log10(MSE)| from one epoch to the next over epochs 5 to epochs/4 (`_late`:
  after the last drop). `epochs_to_near_best`: the first epoch within 10 % of
  the best test error of the article's methods in that setting and seed
  (epochs + 1: never). `test_rms_from_mean`: the rms distance of the test predictions from the
  noise-free mean; `curve_wiggle`: the drawn curve's total variation over the
  true mean's. Means and sds (`<column>_sd`) are over the `seeds`.
- Dropout runs at 0.12 with the noise feature (the figure names); "L2-1" has
  no stated convention, so `l2_sweep` runs L2 at 0.01, 0.1 and 1 beside our
  0.001. `all_three`: batch norm, then dropout, after each linear map, and L2.
- Batch-norm caution (one seed): each condition a fresh process on this
  machine, compared with `reference`; zeros mean bit-identical training.
- Autoencoder: `half_input_mse` from test images with a random half of their
  pixels dropped (the rest doubled, as input dropout trains); `mean_image_mse`
  of the mean training image; `relative_roughness`: the positive weight
  images' roughness over that of their pixels shuffled; `_ink`: over the
  pixels some training digit inks (the others keep their random start);
  `border_to_ink_weight`: the inkless pixels' mean positive weight over the
  inked ones'; `hidden_correlation`: the mean |correlation| between hidden
  units (co-adaptation); `batchnorm`: batch norm before the embedding's ReLU.
- `dropout_sweep`: dropout at each rate (0: the baseline); `tuning`: the
  worst over the best final test error (last fifth) across each one's rates
  or weights; `outlier_refits`: refits without the 5 points at each end of x
  (or 10 nearest 0), `curve_shift` the rms move over |x| <= 1.6.
"""


def metadata(args, ae_data, wall_seconds):
    data = {"toy": "y = sin(2x) + x/2 + N(0, 0.3^2), x ~ U(-2, 2), 200 samples "
                   "100/100 (harness.data.toy_regression)",
            **{f"mnist_{key}": getattr(ae_data, key, None)
               for key in ("source", "sizes", "description", "files")}}
    return run_metadata("Chen, Does Dropout or Batch Normalization actually perform "
                        "better than L2 regularization? (UBC CPSC 522 wiki)", args,
                        run_label(args), data, decay_epochs=decay_epochs(args.epochs),
                        wall_seconds=wall_seconds)


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.perf_counter()
    # MNIST is read first: a bad file stops the run before any training.
    ae_data = (settle_data(args, load_mnist(args.data, seed=args.seed))
               if args.autoencoder else None)
    print(f"[kreg] {run_label(args)}; methods: {', '.join(args.methods)}")
    repeats, ae = run(args, ae_data)
    caution = (run_under_conditions(caution_runs, (args,), args.conditions)
               if args.caution else {})
    tables, csv_files = result_tables(repeats, caution, ae, args)
    first = repeats[args.seed]
    write_results(
        args.out, "Dropout vs batch norm vs L2 (Chen, UBC CPSC 522)", run_label(args),
        tables, make_figures(first["runs"], toy_datasets(args), first["lr_runs"], caution,
                             ae.get(args.seed, {}), ae_data, args,
                             {seed: rep["runs"] for seed, rep in repeats.items()}),
        metadata(args, ae_data, time.perf_counter() - wall_start),
        NOTES, csv_files=csv_files, claims=claims)
    return tables[0][1]


if __name__ == "__main__":
    run_script(main)
