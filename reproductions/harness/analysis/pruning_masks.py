"""Which weights matter: a network's accuracy with its kernels pruned by
magnitude (dense-sparse-dense's mask) against pruned at random, to the same
sparsity, with no retraining."""

import numpy as np

from harness.training.evaluation import Evaluator
from kreg.callbacks.dense_sparse_dense import magnitude_mask


def kernels(model):
    """The model's kernel variables (`kernel` of its Dense and Conv layers)."""
    return [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]


def random_mask(shape, sparsity, rng):
    """A 0/1 mask of `shape` with as many zeros as `magnitude_mask` gives,
    at random places."""
    mask = np.ones(int(np.prod(shape)), dtype="float32")
    mask[rng.permutation(mask.size)[:int(np.floor(sparsity * mask.size + 0.5))]] = 0.0
    return mask.reshape(shape)


def pruned_accuracies(model, x, y, sparsity, seed):
    """`{"magnitude": accuracy, "random": accuracy}` of `model` on `(x, y)`
    with each kernel's `sparsity` fraction zeroed, by smallest magnitude or
    at random (from `seed`); the weights are restored after."""
    rng = np.random.default_rng(seed)
    variables = kernels(model)
    saved = [np.array(v.numpy()) for v in variables]
    accuracy = Evaluator(model, x, y)
    out = {}
    for name, mask_of in (("magnitude", lambda w: magnitude_mask(w, sparsity)),
                          ("random", lambda w: random_mask(w.shape, sparsity, rng))):
        for variable, weights in zip(variables, saved):
            variable.assign(weights * mask_of(weights))
        out[name] = accuracy()
        for variable, weights in zip(variables, saved):
            variable.assign(weights)
    return out
