"""Cheap, exact random draws for kreg's stochastic layers, in `keras.ops`.

One mechanism for every stochastic piece of kreg (dropout masks, DropConnect
masks, Flipout signs, Gaussian samples): a counter-based hash of the seed and
the entry's index (`counter_hash`), turned into masks, signs, uniforms and
normals (`draws`). It compiles into one fused loop under XLA, where the
backends' own random kernels are slow on a CPU, and gives the same numbers on
TensorFlow, JAX and PyTorch.
"""

from kreg.random.counter_hash import random_bits
from kreg.random.draws import (
    is_packed_rate,
    keep_mask,
    normal,
    random_signs,
    uniform,
)
