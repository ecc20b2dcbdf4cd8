"""A noisy periodic 1-D signal, after "Intuitive understanding of
regularization in deep learning" (article 004).

The article sums "very similar" periodic functions whose lags come from
Gaussian random numbers a, b, c, and adds white noise; its formula is not in
the surviving text. This module's own formula, in that spirit:

    F(x) = 3 + (1/K) sum_{k=1..K} [ sin(x + a_k) + 0.5 sin(2 (x + b_k))
                                   + 0.3 sin(3 (x + c_k)) ]
           + h exp(-(x - 11)^2 / (2 w^2)) sin(6 x)
           + eps,

    a_k ~ N(0, 1),  b_k ~ N(0.5, 0.5^2),  c_k ~ N(-0.5, 0.5^2),  eps ~ N(0, s^2)

with K = 5 terms, a burst of height h = 1 and width w = 0.6 around x = 11
(the "hard region" the article mentions), noise s = 0.1, on n = 1000 evenly
spaced x in [0, 20]. The offset 3 keeps F positive, since the article's
network ends in a ReLU.
"""

import dataclasses

import numpy as np


@dataclasses.dataclass
class PeriodicSignal:
    x: np.ndarray
    y: np.ndarray
    clean: np.ndarray
    phases: dict

    @property
    def mean(self):
        return float(self.y.mean())


def make_periodic_signal(seed=0, num_points=1000, terms=5, noise=0.1,
                         burst_height=1.0, burst_width=0.6, x_max=20.0):
    if num_points < 2 or terms < 1:
        raise ValueError(
            "Invalid value received for arguments `num_points` / `terms`. "
            f"Expected >= 2 and >= 1. Received: num_points={num_points}, "
            f"terms={terms}"
        )
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 1.0, terms)
    b = rng.normal(0.5, 0.5, terms)
    c = rng.normal(-0.5, 0.5, terms)
    x = np.linspace(0.0, x_max, num_points)
    periodic = np.mean(
        np.sin(x[:, None] + a) + 0.5 * np.sin(2 * (x[:, None] + b))
        + 0.3 * np.sin(3 * (x[:, None] + c)), axis=1)
    burst = burst_height * np.exp(-((x - 11.0) ** 2) / (2 * burst_width ** 2)) \
        * np.sin(6 * x)
    clean = 3.0 + periodic + burst
    y = clean + noise * rng.standard_normal(num_points)
    return PeriodicSignal(x=x.astype(np.float32), y=y.astype(np.float32),
                          clean=clean.astype(np.float32),
                          phases={"a": a.tolist(), "b": b.tolist(), "c": c.tolist()})
