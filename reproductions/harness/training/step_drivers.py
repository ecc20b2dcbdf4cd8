"""Seconds per training step under two drivers: a compiled loop, or one
call from Python per step.

Article 000's notebooks stepped a TF1 graph from Python, one
`session.run(train_step, feed_dict=...)` per batch, so every step paid a
fixed cost (the call, the feed, the fetch) on top of its arithmetic. The
suite runs whole blocks of steps in one compiled call (`CompiledLoop`),
which counts only the arithmetic. `seconds_per_step` times models both
ways, so that a script can tell whether a per-step cost explains the
runtime ratios the article printed:

- `"compiled loop"`: `CompiledLoop.run` over a block of steps in one call;
- `"per-step call"`: `model.train_on_batch` once per batch, from NumPy
  arrays (Keras's compiled train function, called from Python: the
  `session.run` of Keras 3).

Every model and driver runs its steps once untimed (tracing, compiling),
then in `rounds` timed rounds that visit every model and driver in turn;
each keeps its fastest round (as `timeit` does: a busy machine only adds
time), so that a burst of load on a shared machine does not land on one
variant alone. Only ratios of such times, from one process, mean anything.
"""

import time

import numpy as np

DRIVERS = ("compiled loop", "per-step call")


def _steps(model, x, y, indices, driver):
    if driver == "compiled loop":
        from harness.training.compiled_loop import CompiledLoop

        loop = CompiledLoop(model, x, y)
        return lambda: loop.run(indices)

    def steps():
        for batch in indices:
            model.train_on_batch(x[batch], y[batch])
    return steps


def seconds_per_step(builds, x, y, indices, rounds=3):
    """`{(key, driver): seconds per step}` for every model of `builds`
    (`{key: function returning a compiled model}`, one fresh model per
    driver) and driver of `DRIVERS`, training on the batches `indices[driver]`
    (`(steps, batch)` rows of `x` and `y`): the fastest of `rounds`
    interleaved timed rounds, after one untimed pass."""
    if set(indices) != set(DRIVERS):
        raise ValueError(
            f"Invalid value received for argument `indices`. Expected a dict "
            f"with the keys {DRIVERS}. Received: keys={sorted(indices)}")
    if rounds < 1:
        raise ValueError(
            "Invalid value received for argument `rounds`. Expected at least 1. "
            f"Received: rounds={rounds}")
    runs = {}
    for key, build in builds.items():
        for driver in DRIVERS:
            runs[key, driver] = _steps(build(), x, y, np.asarray(indices[driver]),
                                       driver)
            runs[key, driver]()
    best = dict.fromkeys(runs, np.inf)
    for _ in range(rounds):
        for name, steps in runs.items():
            start = time.perf_counter()
            steps()
            best[name] = min(best[name], time.perf_counter() - start)
    return {(key, driver): seconds / len(indices[driver])
            for (key, driver), seconds in best.items()}


def driver_ratios(timings, variants, baseline="none"):
    """One row per variant and driver of `timings` (`{seed: {(variant,
    driver): seconds per step}}`, each seed's times from one process):
    `seconds_per_step` and `ratio`, the time over `baseline`'s under the
    same driver in the same process, as mean and `_sd` over the seeds (the
    ratio NaN without `baseline`)."""
    import pandas as pd

    from harness.analysis.over_seeds import seed_statistics

    runs = [{"variant": v, "driver": d, "seed": seed, "seconds_per_step": t[v, d],
             "ratio": t[v, d] / t[baseline, d] if baseline in variants else np.nan}
            for seed, t in timings.items() for v in variants for d in DRIVERS]
    return seed_statistics(pd.DataFrame(runs), ["variant", "driver"],
                           ["seconds_per_step", "ratio"])
