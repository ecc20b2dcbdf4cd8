"""Random bits from a counter-based hash, written in `keras.ops`.

A counter-based generator computes the `i`-th random word as a strong hash of
`(seed, i)`: no state but the seed, every word independent of the others, and
all of them at once as one elementwise integer computation. XLA (TensorFlow
and JAX) fuses that into a single loop, which is far cheaper on a CPU than
its own random-number kernels (measured here: a 32x784 Bernoulli(0.5) mask
in an XLA-compiled TensorFlow loop costs ~10 us this way against ~1,100 us
with `tf.random.stateless_uniform`); PyTorch runs it as ordinary integer ops.

The hash is two rounds of a 32-bit multiply-xorshift mixer (Wellons's
"lowbias32" constants) over the counter, keyed by the two seed words. The
words are identical on TensorFlow, JAX and PyTorch for the same seed.

All arithmetic is on int32 with wrapping multiplication (as XLA, TensorFlow,
PyTorch and NumPy do it); logical right shifts are arithmetic shifts followed
by a mask, since the backends shift signed integers arithmetically.
"""

import keras
from keras import ops

_M1 = 0x7FEB352D
_M2 = 0x846CA68B - (1 << 32)  # the same 32 bits, as a signed int32
_KEY = 0x5BD1E995


def _logical_right_shift(x, k):
    return ops.bitwise_and(ops.right_shift(x, k), (1 << (32 - k)) - 1)


def mix(x):
    """A bijective 32-bit avalanche mixer on int32 tensors."""
    x = ops.bitwise_xor(x, _logical_right_shift(x, 16))
    x = ops.multiply(x, _M1)
    x = ops.bitwise_xor(x, _logical_right_shift(x, 15))
    x = ops.multiply(x, _M2)
    return ops.bitwise_xor(x, _logical_right_shift(x, 16))


def seed_words(seed):
    """Two int32 words from `seed`.

    Args:
        seed: a `keras.random.SeedGenerator` (its state is drawn and advanced,
            as `keras.random` does, so that each call gives new numbers, also
            inside a compiled train step on every backend), a Python integer
            (the same numbers on every call), or a tensor of two integers.
    """
    if isinstance(seed, keras.random.SeedGenerator):
        words = ops.cast(seed.next(), "int32")
    elif isinstance(seed, int) and not isinstance(seed, bool):
        words = ops.convert_to_tensor([seed & 0x7FFFFFFF, 0], dtype="int32")
    else:
        words = ops.cast(seed, "int32")
    return words[0], words[1]


def random_bits(count, seed):
    """`count` random int32 words (32 random bits each) as a 1-D tensor.

    Args:
        count: the number of words, a Python integer or a scalar tensor.
        seed: see `seed_words`.
    """
    first, second = seed_words(seed)
    key0 = mix(first)
    key1 = mix(ops.bitwise_xor(second, _KEY))
    counter = ops.arange(count, dtype="int32")
    return mix(ops.bitwise_xor(mix(ops.add(counter, key0)), key1))
