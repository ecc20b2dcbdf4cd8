"""The trainings of the CS231n notes' "example 3-layer neural network"
(`harness.models.three_layer_mlp`) at a script's settings, one function
per kind of job (`harness.cli.section_jobs`): each trains a fresh network
in its worker and returns numbers, never a model
(`reproductions/cs231n_regularization.py` plans them)."""

import dataclasses
import time

import keras
import numpy as np
import pandas as pd

from harness.analysis.dropout_scaling import network_scaling
from harness.analysis.input_usage import mean_weight_ratio, top_share, used_fraction
from harness.analysis.over_seeds import seed_range, seed_statistics
from harness.analysis.weight_statistics import (
    kernels,
    max_unit_norm,
    near_zero_fraction,
    unit_norms,
    weight_summary,
)
from harness.data.ink import ink_pixels
from harness.models.three_layer_mlp import build_three_layer_mlp, with_weights_of
from harness.training import CompiledLoop, Evaluator, epoch_batch_indices
from harness.training.validation_stopping import run_until_plateau
from kreg.constraints.max_norm import MaxNorm
from kreg.regularizers import L2

# The dropout checks' copies of a trained network: without dropout, and
# scaled by p (vanilla dropout's test-time pass alone).
FREE, SCALED = "prediction_vs_dropout_free_copy", "prediction_vs_copy_scaled_by_p"


def build_mlp(args, learning_rate=None, keep=None, **spec):
    """The network at this run's settings (`build_three_layer_mlp`'s `spec`)."""
    return build_three_layer_mlp(args.hidden, learning_rate or args.learning_rate,
                                 args.momentum, keep or args.keep, **spec)


def train(data, args, seed=None, steps=None, **spec):
    """Trains a fresh network; returns it with its accuracies and timing."""
    seed = args.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
    model = build_mlp(args, seed=seed, **spec)
    start = time.perf_counter()
    loop = CompiledLoop(model, data.x_train, data.y_train)
    loss = loop.run(epoch_batch_indices(len(data.x_train), args.batch_size,
                                        steps or args.steps, seed=seed))
    result = {"model": model, "loss": loss,
              "test_accuracy": Evaluator(model, data.x_test, data.y_test)(),
              "validation_accuracy": Evaluator(model, data.x_val, data.y_val)(),
              "seconds": time.perf_counter() - start}
    # With correct inference (dropout off), as the other accuracies; after
    # the timing, which it would otherwise change.
    result["train_accuracy"] = Evaluator(model, data.x_train, data.y_train)()
    result["train_test_gap"] = result["train_accuracy"] - result["test_accuracy"]
    return result



ACCURACIES = ("test_accuracy", "validation_accuracy", "train_accuracy",
              "train_test_gap")  # what each run records for the tables over seeds



def l2_spec(strength, **spec):
    """`build_mlp`'s arguments: L2 at `strength` (none at 0), and `spec`."""
    return {**({"regularizer": L2(strength, convention="textbook")} if strength
               else {}), **spec}


def network_job(data, args, seed, spec):
    """A network built with `spec` (`build_mlp`'s arguments): its accuracies."""
    return {k: v for k, v in train(data, args, seed, **spec).items() if k != "model"}



def inked_weights(model, data):
    """All kernel weights but those fed by pixels inkless in every training digit."""
    ink = ink_pixels(data.x_train)
    return np.concatenate([(kernel[ink] if "hidden1" in path else kernel).ravel()
                           for path, kernel in kernels(model).items()])


def variant_job(data, args, seed, spec):
    """A network built with `spec` on one seed: its accuracies, its weights
    and their statistics; how its first layer spreads over the inked pixels
    (`harness.analysis.input_usage`); and, for an L2 penalty, its autodiff
    gradient against the notes' lambda w."""
    r = train(data, args, seed, **spec)
    model = r.pop("model")
    first = kernels(model)[model.get_layer("hidden1").kernel.path][ink_pixels(data.x_train)]
    penalty = spec.get("regularizer")
    return {**r, **weight_summary(model),
            "weights": np.concatenate([k.ravel() for k in kernels(model).values()]),
            "near_zero_fraction_ink": near_zero_fraction(inked_weights(model, data)),
            "input_top_decile_share": top_share(first), "inputs_used": used_fraction(first),
            "bias_share": bias_share(model),
            "penalty_gradient_error": gradient_error(penalty, first)
            if isinstance(penalty, L2) else np.nan}


def bias_share(model):
    """The biases' share of the network's trainable parameters."""
    sizes = [(int(np.prod(v.shape)), v.path.endswith("bias"))
             for v in model.trainable_variables]
    return sum(n for n, bias in sizes if bias) / sum(n for n, _ in sizes)


def gradient_error(penalty, weights):
    """The largest gap between the autodiff gradient of an L2 `penalty`
    (0.5 lambda w^2, lambda its `l2`) and lambda w, relative to lambda |w|'s
    largest; the gradient by the running backend's own autodiff."""
    w = np.asarray(weights, np.float32)
    formula = penalty.get_config()["l2"] * w.astype(np.float64)
    gap = np.abs(_autodiff(penalty, w) - formula).max()
    scale = np.abs(formula).max()
    return float(gap / scale) if scale > 0 else float("nan")  # all-zero weights: no test


def _autodiff(fn, w):
    """d fn(w) / dw by the backend Keras runs on (TensorFlow, JAX or PyTorch)."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax
        return np.asarray(jax.grad(lambda v: fn(v))(w))
    if backend == "torch":
        import torch
        v = torch.tensor(w, requires_grad=True)
        fn(v).backward()
        return v.grad.detach().cpu().numpy()
    import tensorflow as tf
    v = tf.Variable(w)
    with tf.GradientTape() as tape:
        value = fn(v)
    return tape.gradient(value, v).numpy()


def noisy(data, extra, seed):
    """`data` with `extra` noise features appended to every example: uniform
    in [0, 1], drawn once (`seed`), carrying nothing of the label."""
    rng = np.random.default_rng(seed)
    return dataclasses.replace(data, **{name: np.hstack([
        getattr(data, name), rng.random((len(getattr(data, name)), extra), np.float32)])
        for name in ("x_train", "x_val", "x_test")})


def noise_job(data, args, seed, spec, extra):
    """A network built with `spec` on `data` with `extra` noise inputs: its
    accuracies and the mean |w| of its first layer on the noise inputs over
    that on the inked pixels."""
    wider = noisy(data, extra, seed)
    r = train(wider, args, seed, inputs=784 + extra, **spec)
    model = r.pop("model")
    first = kernels(model)[model.get_layer("hidden1").kernel.path]
    ink = np.concatenate([ink_pixels(data.x_train), np.zeros(extra, bool)])
    noise = np.arange(len(first)) >= 784
    return {**r, "noise_weight_ratio": mean_weight_ratio(first, noise, ink)}


def divergence_job(data, args, name):
    """The plain or the max-norm network at the too-high rate, step by step."""
    keras.utils.set_random_seed(args.seed)
    model = build_mlp(args, constraint=MaxNorm(args.max_norm) if name == "max_norm"
                      else None, learning_rate=args.diverge_learning_rate, seed=args.seed)
    loop = CompiledLoop(model, data.x_train, data.y_train)
    indices = epoch_batch_indices(len(data.x_train), args.batch_size,
                                  args.diverge_steps, seed=args.seed)
    norms, losses = [max_unit_norm(model)], [np.nan]
    with np.errstate(all="ignore"):
        for step in range(args.diverge_steps):
            model.reset_metrics()
            losses.append(loop.run(indices[step:step + 1]))
            norms.append(max_unit_norm(model))
    return {"step": list(range(len(norms))), "max_unit_norm": norms, "loss": losses,
            "test_accuracy": Evaluator(model, data.x_test, data.y_test)()}



def dropout_job(data, args, seed, kind):
    """A kind of dropout on one seed; on the first, its network's checks over
    `--mc-samples` masks and its first activations (for the bare layers)."""
    r = train(data, args, seed=seed, dropout=kind)
    model, x = r.pop("model"), data.x_test[:200]
    if seed == args.seed:
        keras.utils.set_random_seed(args.seed)
        r["check"] = network_scaling(model, x, {  # copies without dropout, scaled
            FREE: with_weights_of(build_mlp(args), model),
            SCALED: with_weights_of(build_mlp(args, dropout="scale"), model)},
            args.mc_samples)
        r["hidden"] = keras.ops.convert_to_numpy(
            keras.Model(model.input, model.get_layer("hidden1").output)(x))
    return r



def tuning_job(data, args, seed, keep, learning_rate, blocks, patience, cap):
    """Inverted dropout keeping `keep` (none at 1) at `learning_rate`,
    trained until its validation accuracy stops improving: a check every
    `--steps / blocks` steps, a stop after `patience` checks without a gain,
    never before `--steps`, at most `cap x --steps`; the best check kept."""
    keras.utils.set_random_seed(seed)
    model = build_mlp(args, learning_rate, seed=seed,
                      keep=keep, dropout="inverted" if keep < 1 else None)
    loop, at_steps = CompiledLoop(model, data.x_train, data.y_train), {}
    test, fit = (Evaluator(model, x, y) for x, y in ((data.x_test, data.y_test),
                                                      (data.x_train, data.y_train)))

    def at_budget(step):  # the fixed-step runs' budget: --steps (or the first check after)
        if step >= args.steps and not at_steps:
            at_steps.update(test_accuracy_at_steps=test(), train_accuracy_at_steps=fit())
    stop = run_until_plateau(loop, model, epoch_batch_indices(
        len(data.x_train), args.batch_size, cap * args.steps, seed=seed),
        Evaluator(model, data.x_val, data.y_val), max(1, args.steps // blocks),
        patience, args.steps, at_budget)
    train_accuracy, test_accuracy = fit(), test()
    return {"test_accuracy": test_accuracy,
            "validation_accuracy": stop["best_validation_accuracy"],
            "train_accuracy": train_accuracy,
            "train_test_gap": train_accuracy - test_accuracy, **at_steps,
            **{k: stop[k] for k in ("best_step", "steps_run")}}



def sweep_job(data, args, seed, c, binding):
    """Max norm at bound `c` on one seed: accuracies, and how many units the
    bound holds (their share at c to `binding`, over the three layers)."""
    r = train(data, args, seed, constraint=MaxNorm(c))
    norms = np.concatenate([unit_norms(k) for k in kernels(r.pop("model")).values()])
    return {**r, "max_unit_norm": float(norms.max()),
            "bound_fraction": float(np.mean(norms >= c * (1 - binding)))}


# A section plans its jobs over the seeds and gathers their numbers:
def over_seeds(args, key, function, *arguments):
    """Each seed's job `(*key, seed)`: `function(data, args, seed, *arguments)`."""
    return [((*key, seed), args.steps, function, (args, seed, *arguments))
            for seed in seed_range(args.seed, args.seeds)]


def seed_rows(done, key, labels, args, columns=ACCURACIES):
    """Each seed's row of runs: `labels`, the seed, its job's `columns`
    (NaN for one it lacks)."""
    return [{**labels, "seed": seed, **{k: done[(*key, seed)].get(k, np.nan)
                                        for k in columns}}
            for seed in seed_range(args.seed, args.seeds)]


def over_seed_table(runs, by, columns):
    """`(table, runs)`: the rows per run and their statistics over seeds."""
    runs = pd.DataFrame(runs)
    return seed_statistics(runs, by, columns), runs


SUMMARIES = ("near_zero_fraction", "near_zero_fraction_ink", "mean_abs", "std",
             "max_unit_norm", "input_top_decile_share", "inputs_used", "bias_share",
             "penalty_gradient_error")  # the first seed's, of `variant_job`


def variants_table(results, about):
    """`(table, runs)` of the variants: a row per variant (`variant`, its
    `setting`, its accuracies over seeds, the first seed's SUMMARIES, and
    `notes_say`; `about`: `{variant: (setting, notes_say)}`), and the rows
    per variant and seed behind it."""
    runs = pd.DataFrame([row for r in results.values() for row in r["runs"]])
    accuracy = seed_statistics(runs, "variant", ACCURACIES).set_index("variant")
    return pd.DataFrame([{"variant": name, "setting": about[name][0],
                          **accuracy.loc[name].to_dict(), **{k: r[k] for k in SUMMARIES},
                          "notes_say": about[name][1]}
                         for name, r in results.items()]), runs
