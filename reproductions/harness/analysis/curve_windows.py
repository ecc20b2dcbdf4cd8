"""Where a training curve stands at the end: its last fifth of steps.

A curve is a pandas Series indexed by step, as the scripts' `history.csv`
files give it.
"""


def last_fifth_start(curve):
    """The curve's value where the last fifth of the steps begins: the last
    measurement at or before that step."""
    start = curve.index[-1] - curve.index[-1] // 5
    return curve[curve.index <= start].iloc[-1]


def last_fifth_change(curve):
    """The relative change from `last_fifth_start` to the final value
    (-0.1: it fell by 10 %)."""
    return float(curve.iloc[-1] / last_fifth_start(curve) - 1)


def window_change(curve):
    """The relative change of the curve's mean over the last fifth of the
    steps against its mean over the fifth before (-0.1: it fell by 10 %);
    window means, as single measurements of a minibatch-trained loss
    scatter."""
    end = curve.index[-1]
    last = curve[curve.index > 0.8 * end].mean()
    before = curve[(curve.index > 0.6 * end) & (curve.index <= 0.8 * end)].mean()
    return float(last / before - 1)
