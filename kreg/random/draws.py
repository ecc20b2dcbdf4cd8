"""Bernoulli masks, random signs, uniforms and normals from counter bits.

A keep/drop decision at rate 1/2 needs one random bit, not a 32-bit float:
one word of `random_bits` holds 32 decisions at rate 1/2, 16 at any multiple
of 1/4, 8 at multiples of 1/16, 4 at multiples of 1/256 and 2 at multiples
of 1/65536. A decision compares one `b`-bit field with an integer threshold,
so `P(drop) = d / 2**b` exactly. Which rates are exact (`drawn_rate`):

- a rate that is a multiple of `1 / 2**b`, `b` in 1, 2, 4, 8, 16 (0.5, 0.25,
  0.75, 0.125, 0.375, 3/256, ...) is drawn exactly, from `b` bits a decision;
- any other rate (0.1, 0.2, 0.3, ...) takes a whole 32-bit word a decision
  and is drawn as `round(rate * 2**32) / 2**32`, within `2**-33` (1.2e-10)
  of the rate. (`keras.layers.Dropout` compares a float32 uniform with the
  rate, which is within about `2**-24` (6e-8) of it.)

Every rate is drawn by the same counter-based hash, so every mask is cheap
under XLA.
"""

import math

from keras import ops

from kreg.argument_checks import check_rate
from kreg.random.counter_hash import num_entries, random_bits

# The field widths of the exact packed draws; any other rate uses 32 bits.
_FIELD_BITS = (1, 2, 4, 8, 16)
_WORD_BITS = 32


def bits_per_decision(rate):
    """The random bits one keep/drop decision at `rate` uses: the least `b`
    in 1, 2, 4, 8, 16 such that `rate` is a multiple of `1 / 2**b`, else 32
    (see the module docstring)."""
    check_rate("rate", rate)
    for bits in _FIELD_BITS:
        scaled = rate * (1 << bits)
        if scaled == int(scaled):
            return bits
    return _WORD_BITS


def _drop_count(rate, bits):
    """The number `d` of the `2**bits` field values that drop an entry."""
    return min(round(rate * (1 << bits)), (1 << bits) - 1)


def drawn_rate(rate):
    """The drop probability `keep_mask` draws for `rate`: `rate` itself when
    it is a multiple of 1/65536, else `round(rate * 2**32) / 2**32` (a Python
    float, within 1.2e-10 of `rate`)."""
    bits = bits_per_decision(rate)
    return _drop_count(rate, bits) / (1 << bits)


def _fields(shape, bits, seed):
    """Independent uniform `bits`-bit integers, one per entry of `shape`."""
    per_word = 32 // bits
    size = num_entries(shape)
    words = random_bits((size + per_word - 1) // per_word, seed)
    shifts = ops.arange(per_word, dtype="int32") * bits
    # After an arithmetic right shift by s, the low `bits` bits are bits
    # s .. s + bits - 1 of the word, whatever its sign: masking suffices.
    fields = ops.bitwise_and(
        ops.right_shift(ops.expand_dims(words, 1), ops.expand_dims(shifts, 0)),
        (1 << bits) - 1,
    )
    return ops.reshape(ops.reshape(fields, (-1,))[:size], shape)


def keep_mask(shape, rate, seed, dtype="float32"):
    """A 0/1 mask keeping each entry independently with probability
    `1 - rate` (exactly `1 - drawn_rate(rate)`, see the module docstring).

    Args:
        shape: the mask's shape; a dimension may be a scalar tensor (a
            batch size known only at run time).
        rate: the drop probability, a Python float in [0, 1).
        seed: a `keras.random.SeedGenerator` (advanced by one), an integer
            or a seed tensor (see `kreg.random.counter_hash.seed_words`).
        dtype: the mask's dtype.
    """
    shape = tuple(shape)
    bits = bits_per_decision(rate)
    drop = _drop_count(rate, bits)
    if bits == _WORD_BITS:
        # The field is the whole word read as a signed int32 plus 2**31
        # (uniform on 0 .. 2**32 - 1), compared without leaving int32.
        words = random_bits(shape, seed)
        keep = ops.greater_equal(words, drop - (1 << 31))
    else:
        keep = ops.greater_equal(_fields(shape, bits, seed), drop)
    return ops.cast(keep, dtype)


def random_signs(shape, seed, dtype="float32"):
    """+1 or -1 with probability 1/2 each, one random bit per entry."""
    shape = tuple(shape)
    bits = ops.cast(_fields(shape, 1, seed), dtype)
    return ops.subtract(ops.cast(1, dtype), ops.multiply(ops.cast(2, dtype), bits))


def _unit_interval(words):
    """Uniforms in the open interval (0, 1) from the top 24 bits of each
    word: `(k + 1/2) / 2**24`, k = 0 .. 2**24 - 1."""
    top = ops.bitwise_and(ops.right_shift(words, 8), 0xFFFFFF)
    return ops.multiply(ops.add(ops.cast(top, "float32"), 0.5), 2.0**-24)


def uniform(shape, seed, dtype="float32"):
    """Uniform numbers in (0, 1), 24 random bits each."""
    shape = tuple(shape)
    return ops.cast(_unit_interval(random_bits(shape, seed)), dtype)


def normal(shape, seed, dtype="float32"):
    """Standard normal numbers, by the inverse of the normal CDF:
    `sqrt(2) * erfinv(2 u - 1)` of a 24-bit uniform `u`.

    Exact in distribution up to the uniform's resolution (the tails end at
    |z| ~ 5.4, beyond which a normal falls with probability ~1e-7); four
    times cheaper under XLA than Box-Muller's logarithm, square root, sine
    and cosine.
    """
    shape = tuple(shape)
    centred = ops.subtract(
        ops.multiply(2.0, _unit_interval(random_bits(shape, seed))), 1.0)
    z = ops.multiply(math.sqrt(2.0), ops.erfinv(centred))
    return ops.cast(z, dtype)
