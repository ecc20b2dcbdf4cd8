"""Where a run's error curves end up against their best, and how much they
jitter early and late.

Article 003 reads its train and test error curves by eye: the test error
"shoots up" after its best while the training error keeps falling
(overfitting), and the "perturbations" shrink when the learning rate drops.
These are the numbers its ledger decides those words by.
"""

import numpy as np

from harness.analysis.error_fluctuation import fluctuation


def curve_measures(train_errors, test_errors, drops, skip=5):
    """A run's measures from its errors after each epoch.

    Args:
        train_errors, test_errors: the mean squared errors after each epoch.
        drops: the epochs after which the learning rate fell (at least one).
        skip: epochs left out at the start of each window (the first fall
            of the error is not jitter).

    Returns:
        `final_train_mse`, `final_test_mse`; `best_test_mse` and its
        (1-based) `best_test_epoch`; `test_rise_after_best` (0.1: the final
        test error is 10 % above the best) and `train_fall_after_best` (0.1:
        the training error fell by 10 % since that epoch); and the
        `fluctuation`s of the test and training errors from `skip` to the
        first drop (`fluctuation_test`, `fluctuation_train`) and of the test
        error from `skip` after the last drop to the end
        (`fluctuation_test_late`), NaN where a window is too short.
    """
    train, test = (np.asarray(e, dtype=np.float64) for e in (train_errors, test_errors))
    best = int(np.argmin(test))
    return {"final_train_mse": float(train[-1]), "final_test_mse": float(test[-1]),
            "best_test_mse": float(test[best]), "best_test_epoch": best + 1,
            "test_rise_after_best": float(test[-1] / test[best] - 1),
            "train_fall_after_best": float(1 - train[-1] / train[best]),
            "fluctuation_test": fluctuation(test, skip, drops[0]),
            "fluctuation_train": fluctuation(train, skip, drops[0]),
            "fluctuation_test_late": fluctuation(test, drops[-1] + skip, len(test))}
