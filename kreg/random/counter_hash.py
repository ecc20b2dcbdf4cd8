"""Random bits from a counter-based hash, written in `keras.ops`.

A counter-based generator computes the `i`-th random word as a strong hash of
`(seed, i)`: no state but the seed, every word independent of the others, and
all of them at once as one elementwise integer computation. XLA (TensorFlow
and JAX) fuses that into a single loop, which is far cheaper on a CPU than
its own random-number kernels (see `kreg.random`); PyTorch runs it as
ordinary integer ops.

The hash: the two 32-bit seed words are mixed into two keys `(k0, k1)`,
each depending on both words (a bijection of the pair: distinct seeds get
distinct keys); word `i` is `mix(mix(i + k0) ^ k1)`, with
`mix` a 32-bit multiply-xorshift avalanche mixer (Wellons's "lowbias32"
constants). Two seeds that differ in either word (two layers, two steps of
one `SeedGenerator`) get unrelated keys, so their streams are unrelated: not
offsets of one another.

Replicas: a draw from a `keras.random.SeedGenerator` inside a
`tf.distribute` replica context with more than one replica in sync
(`tf.distribute.MirroredStrategy` on the TensorFlow backend) also keys the
hash with the replica's `replica_id_in_sync_group` (`_fold_replica`), so
the replicas draw unrelated streams from the same mirrored seed state:
independent dropout masks and weight samples, where `keras.layers.Dropout`
draws the same mask on every replica for the same local example. An
integer or tensor seed (a stateless draw, meant to repeat) gives the same
numbers on every replica. Outside such a context (one device, a
one-replica strategy, the JAX and PyTorch backends) nothing changes; under
`keras.distribution.DataParallel` on JAX the step is one program over the
global batch, whose draws are already independent across its shards.

All arithmetic is on int32 with wrapping multiplication (as XLA, TensorFlow,
PyTorch and NumPy do it), and logical right shifts are arithmetic shifts
followed by a mask (the backends shift signed integers arithmetically), so
the words are bit-identical on TensorFlow, JAX and PyTorch for the same seed.
"""

import sys

import keras
from keras import ops

from kreg.argument_checks import invalid_argument, is_int

_M1 = 0x7FEB352D
_M2 = 0x846CA68B - (1 << 32)  # the same 32 bits, as a signed int32
# Constants of the key schedule (`_keys`): the pair is xored with two
# keys, then mixed with an even and an odd multiplier.
_PAIR_KEYS = (0x5BD1E995, 0x27D4EB2F)
_PAIR_MULTIPLIERS = (0x2C1B3C6C, 0x297A2D39)
# Offsets of the replica id in the two replica keys (`_fold_replica`).
_REPLICA_OFFSETS = (0x3C6EF372, 0x7F4A7C15)


def _logical_right_shift(x, k):
    return ops.bitwise_and(ops.right_shift(x, k), (1 << (32 - k)) - 1)


def mix(x):
    """A bijective 32-bit avalanche mixer on int32 tensors."""
    x = ops.bitwise_xor(x, _logical_right_shift(x, 16))
    x = ops.multiply(x, _M1)
    x = ops.bitwise_xor(x, _logical_right_shift(x, 15))
    x = ops.multiply(x, _M2)
    return ops.bitwise_xor(x, _logical_right_shift(x, 16))


def _as_int32(value):
    """A Python integer's low 32 bits as a signed int32 value."""
    return ((value & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000


def seed_words(seed):
    """The seed as an int32 tensor of two words.

    Args:
        seed: a `keras.random.SeedGenerator` (its state is drawn and advanced
            with `next()`, as `keras.random` does, so that each call gives
            new numbers, also inside a compiled train step on every backend),
            a Python integer (the same numbers on every call; its low 32 bits
            are used) or a tensor of two integers (a seed state).
    """
    if isinstance(seed, keras.random.SeedGenerator):
        return ops.cast(seed.next(), "int32")
    if is_int(seed):
        return ops.convert_to_tensor([_as_int32(seed), 0], dtype="int32")
    if seed is not None and not isinstance(seed, (bool, float, str)):
        return ops.cast(seed, "int32")
    raise invalid_argument(
        "seed", "a keras.random.SeedGenerator, an integer or a tensor of "
        "two integers", seed)


def _keys(seed):
    """Two int32 keys from the two seed words, by a bijection of the pair:
    each word is mixed, then `k0 = mix(a0 + M0 a1)`, `k1 = mix(a1 + M1 a0)`
    (the matrix `[[1, M0], [M1, 1]]` has an odd determinant, so the linear
    step is invertible modulo 2**32). Distinct seeds get distinct key pairs,
    each key depending on both words. Written on the pair at once: a few
    ops whatever the backend (each op costs a kernel launch in eager
    PyTorch). A `SeedGenerator`'s keys are then folded with the replica id
    inside a multi-replica `tf.distribute` replica context (see the module
    docstring)."""
    pair_keys = ops.convert_to_tensor(_PAIR_KEYS, dtype="int32")
    multipliers = ops.convert_to_tensor(_PAIR_MULTIPLIERS, dtype="int32")
    mixed = mix(ops.bitwise_xor(seed_words(seed), pair_keys))
    keys = mix(ops.add(mixed, ops.multiply(ops.flip(mixed, axis=0), multipliers)))
    replica = (_replica_id() if isinstance(seed, keras.random.SeedGenerator)
               else None)
    if replica is not None:
        keys = _fold_replica(keys, replica)
    return keys[0], keys[1]


def _replica_id():
    """The replica's `replica_id_in_sync_group` inside a `tf.distribute`
    replica context with more than one replica in sync, else `None` (always
    on the JAX and PyTorch backends)."""
    if keras.backend.backend() != "tensorflow":
        return None
    # Keras has loaded TensorFlow, its backend; kreg reads that module and
    # never imports TensorFlow itself.
    tf = sys.modules["tensorflow"]
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context.replica_id_in_sync_group


def _fold_replica(keys, replica):
    """The keys xored with two replica keys `mix(replica + offset)` and
    mixed again: for one replica a bijection of the key pair (distinct
    seeds keep distinct keys), and two replicas' keys for one seed are
    unrelated (`mix` is a bijection, so distinct replicas get distinct
    replica keys)."""
    offsets = ops.convert_to_tensor(_REPLICA_OFFSETS, dtype="int32")
    replica_keys = mix(ops.add(ops.cast(replica, "int32"), offsets))
    return mix(ops.bitwise_xor(keys, replica_keys))


def num_entries(shape):
    """The number of entries of `shape` (an integer or a tuple): a Python
    integer when the shape is static, a scalar tensor when a dimension is
    known only at run time (a TensorFlow graph's batch size)."""
    if not isinstance(shape, (tuple, list)):
        return shape
    size = 1
    for dim in shape:
        size = size * dim
    return size


def random_bits(shape, seed):
    """Random int32 words (32 random bits each) of the given shape.

    Args:
        shape: an integer (a 1-D tensor of that many words) or a tuple; a
            dimension may be a scalar tensor (a batch size known only at run
            time).
        seed: a `keras.random.SeedGenerator`, an integer or a seed tensor,
            see `seed_words`.

    Returns:
        An int32 tensor; the same words on TensorFlow, JAX and PyTorch for
        the same seed.
    """
    key0, key1 = _keys(seed)
    counter = ops.arange(num_entries(shape), dtype="int32")
    words = mix(ops.bitwise_xor(mix(ops.add(counter, key0)), key1))
    if isinstance(shape, (tuple, list)):
        words = ops.reshape(words, tuple(shape))
    return words
