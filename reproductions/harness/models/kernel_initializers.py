"""Kernel initializers seeded from a run's own seed, not from Python's
global `random`.

Keras's default initializers (`"glorot_uniform"`, any with `seed=None`)
draw their seeds from Python's global `random` when they are made, which
`keras.utils.set_random_seed` seeds. Where other threads draw from that
same `random` while a run builds its model (a Dask worker's own machinery
does), the run's weights would depend on their timing, not on its seed
alone. These initializers draw the same seeds from a `random.Random` of the
run's own: the same weights as before, whatever else draws from `random`.
"""

import random

import keras


def glorot_kernels(seed, count):
    """`count` Glorot-uniform initializers, for the kernels of a model's
    layers in the order they are made: the seeds Keras's default
    initializers would draw after `keras.utils.set_random_seed(seed)`, with
    nothing else drawing from Python's `random` in between."""
    draws = random.Random(seed)
    return [keras.initializers.GlorotUniform(seed=draws.randint(1, int(1e9)))
            for _ in range(count)]
