"""Statistics of `kreg.random`: exact rates, balanced bits, independence.

Every tolerance is a number of standard errors computed from the sample
size; the seeds are fixed, so the tests are deterministic.
"""

import math

import keras
import numpy as np
import pytest

from kreg import random as kreg_random
from kreg.random.counter_hash import mix

_np = keras.ops.convert_to_numpy


def test_same_seed_same_bits_and_known_words():
    first = _np(kreg_random.random_bits(1000, 7))
    np.testing.assert_array_equal(first, _np(kreg_random.random_bits(1000, 7)))
    assert not np.array_equal(first, _np(kreg_random.random_bits(1000, 8)))
    # The same words on every backend (recorded once; the hash is integer
    # arithmetic, so there is no rounding to differ).
    np.testing.assert_array_equal(
        _np(kreg_random.random_bits(4, 9)),
        [876949133, 468694766, -264137686, 1194643055])


def test_mixer_is_a_bijection_on_a_sample():
    x = np.arange(-(1 << 16), 1 << 16, dtype=np.int32) * 40503
    assert len(np.unique(_np(mix(keras.ops.convert_to_tensor(x))))) == len(x)


def test_every_bit_balanced_and_words_uncorrelated():
    words = _np(kreg_random.random_bits(100_000, 11)).view(np.uint32)
    bits = (words[:, None] >> np.arange(32, dtype=np.uint32)) & 1
    standard_error = math.sqrt(0.25 / len(words))
    assert np.all(np.abs(bits.mean(axis=0) - 0.5) < 5 * standard_error)
    # Correlation of neighbouring words and of bit 0 with every other bit.
    centred = bits - 0.5
    corr_bits = (centred[:, :1] * centred[:, 1:]).mean(axis=0) / 0.25
    assert np.all(np.abs(corr_bits) < 5 / math.sqrt(len(words)))
    corr_next = np.corrcoef(centred[:-1, 5], centred[1:, 5])[0, 1]
    assert abs(corr_next) < 5 / math.sqrt(len(words))


def test_bytes_pass_a_chi_square():
    words = _np(kreg_random.random_bits(50_000, 3)).view(np.uint32)
    counts = np.bincount((words[:, None] >> np.array([0, 8, 16, 24],
                                                      dtype=np.uint32)).ravel() & 255,
                         minlength=256)
    expected = counts.sum() / 256
    chi2 = ((counts - expected) ** 2 / expected).sum()
    # 255 degrees of freedom: mean 255, sd sqrt(510) ~ 22.6.
    assert abs(chi2 - 255) < 5 * math.sqrt(2 * 255)


@pytest.mark.parametrize("rate", [0.5, 0.25, 0.75, 0.125, 3 / 256, 0.1])
def test_keep_rate_is_exact_in_expectation(rate):
    shape = (400, 500)
    mask = _np(kreg_random.keep_mask(shape, rate, seed=keras.random.SeedGenerator(5)))
    assert set(np.unique(mask)) <= {0.0, 1.0}
    n = mask.size
    standard_error = math.sqrt(rate * (1 - rate) / n)
    assert abs(mask.mean() - (1 - rate)) < 5 * standard_error
    assert kreg_random.is_packed_rate(rate) == (rate != 0.1)


def test_masks_independent_across_calls_and_positions():
    generator = keras.random.SeedGenerator(2)
    first = _np(kreg_random.keep_mask((2000, 64), 0.5, generator))
    second = _np(kreg_random.keep_mask((2000, 64), 0.5, generator))
    assert not np.array_equal(first, second)
    limit = 5 / math.sqrt(first.size)
    for a, b in ((first, second),                      # across calls (steps)
                 (first[:-1], first[1:]),               # across examples
                 (first[:, :-1], first[:, 1:]),         # across neighbours
                 (first[:, :32], first[:, 32:])):       # 32 bits apart
        corr = np.corrcoef(a.ravel(), b.ravel())[0, 1]
        assert abs(corr) < limit, corr


def test_signs_and_uniforms():
    signs = _np(kreg_random.random_signs((100_000,), 4))
    assert set(np.unique(signs)) == {-1.0, 1.0}
    assert abs(signs.mean()) < 5 / math.sqrt(signs.size)
    u = _np(kreg_random.uniform((100_000,), 6))
    assert 0 < u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 5 * math.sqrt(1 / 12 / u.size)
    # Kolmogorov-Smirnov distance to U(0, 1).
    d = np.max(np.abs(np.sort(u) - np.arange(1, u.size + 1) / u.size))
    assert d < 1.63 / math.sqrt(u.size)  # the 1 % critical value


def test_normal_moments_and_ks():
    x = _np(kreg_random.normal((200_001,), 8)).astype(np.float64)
    assert np.all(np.isfinite(x)) and np.abs(x).max() < 5.5
    n = x.size
    assert x.shape == (200_001,)
    assert abs(x.mean()) < 5 / math.sqrt(n)
    assert abs(x.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs(np.mean(x ** 3)) < 5 * math.sqrt(15 / n)
    assert abs(np.mean(x ** 4) - 3) < 5 * math.sqrt(96 / n)
    cdf = 0.5 * (1 + np.vectorize(math.erf)(np.sort(x) / math.sqrt(2)))
    d = np.max(np.abs(cdf - np.arange(1, n + 1) / n))
    assert d < 1.63 / math.sqrt(n)
