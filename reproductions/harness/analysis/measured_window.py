"""A curve's final window measured at every step, beside its samples.

`harness.claims.measures.Final` reads a curve's final value as the mean of
its last fifth of points. When the curve is sampled every few thousand
steps, those few points can land on, or miss, a spike of the loss. A
training that also measures every step of that window (`StepwiseLoop`)
gives the window's mean over every step: `window_summary` sets it beside the
mean of the sampled points, so the table shows what sampling did.
"""

import math

import numpy as np


def window_blocks(blocks):
    """How many of a curve's `blocks` (measurements) its final window holds:
    the last fifth, at least one (as `Final` reads it)."""
    return math.ceil(blocks / 5)


def window_summary(every_step, sampled, name):
    """`{name, name_sd, name_max, name_sampled, window_steps}` of one
    curve: the mean, sd and largest value over `every_step` (the window's
    measurement after each of its steps) and the mean of `sampled` (the
    curve's points in the same window)."""
    every_step = np.asarray(every_step, dtype=np.float64)
    if every_step.size == 0:
        return {name: math.nan, f"{name}_sd": math.nan, f"{name}_max": math.nan,
                f"{name}_sampled": math.nan, "window_steps": 0}
    return {name: float(every_step.mean()),
            f"{name}_sd": float(every_step.std(ddof=1)) if every_step.size > 1 else 0.0,
            f"{name}_max": float(every_step.max()),
            f"{name}_sampled": float(np.mean(sampled)),
            "window_steps": int(every_step.size)}
