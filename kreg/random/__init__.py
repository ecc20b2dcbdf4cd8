"""Cheap, exact random draws for kreg's stochastic layers, in `keras.ops`.

One mechanism for every stochastic piece of kreg (dropout masks, DropConnect
masks, Flipout signs, Gaussian samples): a counter-based hash of the seed and
the entry's index (`random_bits`), turned into masks, signs, uniforms and
normals. It compiles into one fused loop under XLA, where the backends' own
random kernels are slow on a CPU, and gives bit-identical numbers on
TensorFlow, JAX and PyTorch for the same seed (normals up to the backends'
`erfinv` rounding).

A keep/drop decision takes 1, 2, 4, 8 or 16 random bits for a rate that is a
multiple of 1/2, 1/4, 1/16, 1/256 or 1/65536 (drawn exactly), and a whole
32-bit word for any other rate (drawn within 1.2e-10): see `drawn_rate`.

Every function takes `seed`: a `keras.random.SeedGenerator` (advanced on
each call, as `keras.random` does, also inside compiled train steps), or an
integer (the same numbers every call).
"""

from kreg.random.counter_hash import random_bits
from kreg.random.draws import (
    bits_per_decision,
    drawn_rate,
    keep_mask,
    normal,
    random_signs,
    uniform,
)
