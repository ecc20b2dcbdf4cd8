"""Statistics of `kreg.random`: exact rates, balanced bits, independence.

Every statistical tolerance is a number of standard errors computed from the
sample size; the seeds are fixed, so the tests are deterministic.
"""

import math

import keras
import numpy as np
import pytest

from kreg import random as kreg_random
from kreg.random.counter_hash import mix

_np = keras.ops.convert_to_numpy


def _words(shape, seed):
    return _np(kreg_random.random_bits(shape, seed)).view(np.uint32)


def test_same_seed_same_bits_and_known_words():
    first = _np(kreg_random.random_bits(1000, 7))
    np.testing.assert_array_equal(first, _np(kreg_random.random_bits(1000, 7)))
    assert not np.array_equal(first, _np(kreg_random.random_bits(1000, 8)))
    # The same words on every backend (recorded once; the hash is integer
    # arithmetic, so there is no rounding to differ).
    np.testing.assert_array_equal(
        _np(kreg_random.random_bits(4, 9)),
        [-659701137, -1621895186, 1706104229, -2092223251])
    np.testing.assert_array_equal(
        _np(kreg_random.random_bits((2, 2), keras.random.SeedGenerator(3))),
        [[1228125167, -1835716258], [-2108069298, -1397704806]])


def test_seed_generator_advances_and_integer_seed_repeats():
    generator = keras.random.SeedGenerator(4)
    a = _np(kreg_random.random_bits(64, generator))
    b = _np(kreg_random.random_bits(64, generator))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(_np(generator.state), [4, 2])
    # An integer seed is the state (seed, 0): the generator's first draw.
    np.testing.assert_array_equal(_np(kreg_random.random_bits(64, 4)), a)
    with pytest.raises(ValueError, match=r"argument `seed`.*Received: seed=None"):
        kreg_random.random_bits(4, None)


def test_mixer_is_a_bijection_on_a_sample():
    x = np.arange(-(1 << 16), 1 << 16, dtype=np.int32) * 40503
    assert len(np.unique(_np(mix(keras.ops.convert_to_tensor(x))))) == len(x)


def test_every_bit_balanced_and_words_uncorrelated():
    words = _words(100_000, 11)
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
    words = _words(50_000, 3)
    counts = np.bincount((words[:, None] >> np.array([0, 8, 16, 24],
                                                      dtype=np.uint32)).ravel() & 255,
                         minlength=256)
    expected = counts.sum() / 256
    chi2 = ((counts - expected) ** 2 / expected).sum()
    # 255 degrees of freedom: mean 255, sd sqrt(510) ~ 22.6.
    assert abs(chi2 - 255) < 5 * math.sqrt(2 * 255)


def _unmix(y):
    """The inverse of `mix` on a Python integer (in [0, 2**32))."""
    mask = (1 << 32) - 1
    y ^= y >> 16
    y = (y * pow(0x846CA68B, -1, 1 << 32)) & mask
    y ^= (y >> 15) ^ (y >> 30)
    y = (y * pow(0x7FEB352D, -1, 1 << 32)) & mask
    return y ^ (y >> 16)


def _seed(first, second):
    return np.array([first, second], dtype=np.uint32).view(np.int32)


def test_unmix_inverts_mix():
    x = np.array([0, 1, 12345, 2**31 + 7], dtype=np.uint32)
    y = _np(mix(keras.ops.convert_to_tensor(x.view(np.int32)))).view(np.uint32)
    assert [_unmix(int(v)) for v in y] == x.tolist()


def test_streams_of_different_seeds_are_unrelated():
    """Two seeds give unrelated words, not one stream at two offsets. Among
    n words of each, a common word appears ~n**2 / 2**32 times by chance;
    an offset copy would share nearly all n. The pairs include seeds that
    differ in one word only: two layers at one step, one layer at two steps,
    and two first words whose mixes are adjacent (the stream of one would be
    the other's shifted by one in a scheme that added a key made of the
    first word alone to the counter)."""
    n = 50_000
    first = 1234
    mixed = int(_np(mix(keras.ops.convert_to_tensor(first, "int32")))) & 0xFFFFFFFF
    adjacent = _unmix((mixed + 1) & 0xFFFFFFFF)
    pairs = [((1, 0), (2, 0)), ((5, 0), (5, 1)), ((first, 0), (adjacent, 0))]
    expected = n * n / 2.0**32
    for a, b in pairs:
        common = np.intersect1d(_words(n, _seed(*a)), _words(n, _seed(*b)))
        assert len(common) < expected + 5 * math.sqrt(expected) + 5, (a, b)


@pytest.mark.parametrize("rate, bits", [
    (0.5, 1), (0.25, 2), (0.75, 2), (0.125, 4), (3 / 256, 8), (5 / 65536, 16),
    (0.1, 32), (0.3, 32),
])
def test_mask_is_the_threshold_of_the_bits(rate, bits):
    """The mask is exactly `field >= round(rate * 2**b)` of the `b`-bit
    fields of the seed's words, so P(drop) is exactly `drawn_rate(rate)`
    given uniform bits; `drawn_rate` is the rate itself for multiples of
    1/65536 and within 2**-33 of it otherwise."""
    assert kreg_random.bits_per_decision(rate) == bits
    drawn = kreg_random.drawn_rate(rate)
    assert abs(drawn - rate) <= (0 if bits < 32 else 2.0**-33)
    n = 10_000
    mask = _np(kreg_random.keep_mask((n,), rate, seed=6))
    per_word = 32 // bits
    words = _words((n + per_word - 1) // per_word, 6).astype(np.uint64)
    if bits == 32:
        # A whole word, read as a signed int32 plus 2**31: uniform on
        # 0 .. 2**32 - 1 like the unsigned word.
        fields = words.astype(np.uint32).view(np.int32).astype(np.int64) + 2**31
    else:
        shifts = np.arange(per_word, dtype=np.uint64) * bits
        fields = ((words[:, None] >> shifts) & ((1 << bits) - 1)).ravel()[:n]
    np.testing.assert_array_equal(mask, fields >= round(drawn * 2**bits))


@pytest.mark.parametrize("rate", [0.5, 0.25, 0.75, 0.125, 3 / 256, 0.1, 0.2])
def test_keep_rate_within_sampling_error(rate):
    shape = (400, 500)
    mask = _np(kreg_random.keep_mask(shape, rate, seed=keras.random.SeedGenerator(5)))
    assert set(np.unique(mask)) <= {0.0, 1.0}
    n = mask.size
    standard_error = math.sqrt(rate * (1 - rate) / n)
    assert abs(mask.mean() - (1 - rate)) < 5 * standard_error


def test_rate_zero_keeps_all():
    assert np.all(_np(kreg_random.keep_mask((100,), 0.0, 1)) == 1)
    assert kreg_random.drawn_rate(0.0) == 0.0


@pytest.mark.parametrize("rate", [0.5, 0.25, 0.2])
def test_masks_independent_across_calls_and_positions(rate):
    generator = keras.random.SeedGenerator(2)
    first = _np(kreg_random.keep_mask((2000, 64), rate, generator))
    second = _np(kreg_random.keep_mask((2000, 64), rate, generator))
    assert not np.array_equal(first, second)
    limit = 5 / math.sqrt(first.size)
    for a, b in ((first, second),                      # across calls (steps)
                 (first[:-1], first[1:]),               # across examples
                 (first[:, :-1], first[:, 1:]),         # across neighbours
                 (first[:, :32], first[:, 32:])):       # 32 bits apart
        corr = np.corrcoef(a.ravel(), b.ravel())[0, 1]
        assert abs(corr) < limit, corr


def test_masks_uncorrelated_over_many_steps():
    """Fifty steps of one generator: every pair of steps' masks is
    uncorrelated; the largest of the 1,225 correlations stays below 5
    standard errors (the chance that pure noise exceeds it is ~7e-4)."""
    generator = keras.random.SeedGenerator(9)
    steps = np.stack([_np(kreg_random.keep_mask((32, 784), 0.5, generator)).ravel()
                      for _ in range(50)])
    corr = np.corrcoef(steps)[np.triu_indices(len(steps), 1)]
    assert np.max(np.abs(corr)) < 5 / math.sqrt(steps.shape[1])


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


def test_normals_of_neighbouring_entries_and_calls_uncorrelated():
    generator = keras.random.SeedGenerator(1)
    a = _np(kreg_random.normal((100_000,), generator))
    b = _np(kreg_random.normal((100_000,), generator))
    limit = 5 / math.sqrt(a.size)
    assert abs(np.corrcoef(a, b)[0, 1]) < limit
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < limit


def test_draws_in_a_compiled_function_advance_the_generator():
    """Inside the backend's compiled function (a tf.function, jax.jit with
    the generator's state threaded as Keras does, torch eager), each call
    draws new bits and the state advances by one a call."""
    generator = keras.random.SeedGenerator(3)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        draw = tf.function(lambda: kreg_random.random_bits(16, generator),
                           jit_compile=True)
        a, b = _np(draw()), _np(draw())
    elif backend == "jax":
        import jax

        @jax.jit
        def draw(state):
            with keras.StatelessScope(
                    state_mapping=[(generator.state, state)]) as scope:
                words = kreg_random.random_bits(16, generator)
            return words, scope.get_current_value(generator.state)

        a, state = draw(generator.state.value)
        b, state = draw(state)
        generator.state.assign(state)
        a, b = _np(a), _np(b)
    else:
        a = _np(kreg_random.random_bits(16, generator))
        b = _np(kreg_random.random_bits(16, generator))
    np.testing.assert_array_equal(_np(generator.state), [3, 2])
    np.testing.assert_array_equal(a, _np(kreg_random.random_bits(16, np.array([3, 0]))))
    np.testing.assert_array_equal(b, _np(kreg_random.random_bits(16, np.array([3, 1]))))


def test_rate_outside_zero_one_is_refused():
    for rate in (1.0, -0.25, 1.5, "0.5"):
        with pytest.raises(ValueError, match=r"argument `rate`\. Expected a "
                           r"float value in the range \[0, 1\)"):
            kreg_random.keep_mask((4,), rate, 0)
