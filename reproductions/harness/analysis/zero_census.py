"""Exact zeros of a trained model's kernels, and the dead units that keep
them zero.

A pruned weight (dense-sparse-dense, say) trains again when the pruning
mask is lifted, unless no gradient reaches it: its input is 0 for every
example, or its ReLU unit never fires. The census counts both per kernel.
"""

import keras
import numpy as np

from kreg.kernels import INPUT_ROLES, model_kernels


def exact_zero_fraction(model):
    """The fraction of the model's kernel weights (not biases) exactly 0."""
    values = np.concatenate([keras.ops.convert_to_numpy(v).ravel()
                             for v in model.trainable_weights if v.name == "kernel"])
    return float(np.mean(values == 0))


def zero_census(model, x, batch_size=2000):
    """Per kernel of a trained `keras.Sequential`: its exact zeros, and its
    dead units on the data `x`.

    Kernel entry `[..., i, o]` connects input channel `i` to output channel
    `o` (a unit of a dense layer, a feature map of a convolution). Input
    channel `i` is dead when the layer's input is exactly 0 there, at every
    position, for every row of `x`; output channel `o` is dead when its
    ReLU output is 0 everywhere for every row (a layer without ReLU, such
    as the logits, is never dead). The gradient of a weight with a dead
    input or a dead output is exactly 0 on every batch of `x`, so once
    Adam's moments have decayed it does not move: a pruned weight there
    stays exactly 0.

    Returns:
        A list of dicts, one per kernel layer: `layer`, `weights`, `zeros`,
        `inputs`, `dead_inputs`, `outputs`, `dead_outputs`,
        `dead_unit_weights` (weights with a dead input or output) and
        `zeros_of_dead_units` (exact zeros among those).
    """
    kernels = [k.layer for k in model_kernels(model, roles=INPUT_ROLES)]
    live_in = {layer.name: np.zeros(layer.kernel.shape[-2], bool) for layer in kernels}
    live_out = {layer.name: np.zeros(layer.kernel.shape[-1], bool) for layer in kernels}
    for start in range(0, len(x), batch_size):
        h = keras.ops.convert_to_tensor(x[start:start + batch_size])
        for layer in model.layers:
            before = h
            h = layer(h, training=False)
            if layer.name in live_in:
                inputs = keras.ops.convert_to_numpy(before)
                outputs = keras.ops.convert_to_numpy(h)
                live_in[layer.name] = live_in[layer.name] | np.any(
                    inputs.reshape(-1, inputs.shape[-1]) != 0, axis=0)
                live_out[layer.name] = live_out[layer.name] | np.any(
                    outputs.reshape(-1, outputs.shape[-1]) > 0, axis=0)
    rows = []
    for layer in kernels:
        kernel = keras.ops.convert_to_numpy(layer.kernel)
        dead_in = ~live_in[layer.name]
        relu = layer.activation is keras.activations.relu
        dead_out = ~live_out[layer.name] if relu else np.zeros(kernel.shape[-1], bool)
        dead = np.broadcast_to(dead_in[:, None] | dead_out[None, :], kernel.shape)
        rows.append({"layer": layer.name, "weights": kernel.size,
                     "zeros": int(np.sum(kernel == 0)),
                     "inputs": dead_in.size, "dead_inputs": int(dead_in.sum()),
                     "outputs": dead_out.size, "dead_outputs": int(dead_out.sum()),
                     "dead_unit_weights": int(dead.sum()),
                     "zeros_of_dead_units": int(np.sum((kernel == 0) & dead))})
    return rows


def describe_census(census):
    """What the census of the first seed says of the exact zeros left after
    dense-sparse-dense, in words: how many are weights of dead units, and
    whether plain training has as many dead units (the pruning did not kill
    them) or fewer. `census`: the rows of `zero_census` with a `variant`
    column, `"dsd"` and (where it ran) `"plain"`, and a `seed` column where
    several seeds ran."""
    seed = census["seed"].min() if "seed" in census else 0
    if "seed" in census:
        census = census[census["seed"] == seed]
    dsd, plain = (census[census["variant"] == v] for v in ("dsd", "plain"))
    zeros, dead = int(dsd["zeros"].sum()), int(dsd["zeros_of_dead_units"].sum())
    units = [", ".join(f"{r.layer} {r.dead_outputs}/{r.outputs}"
                       for r in rows.itertuples() if r.dead_outputs) or "none"
             for rows in (dsd, plain)]
    text = (f"Hypothesis tested on seed {seed}: a weight whose input is 0 on "
            "every training digit, or whose ReLU "
            "unit never fires, gets an exactly zero gradient, so a pruned weight "
            f"there stays 0. Of the {zeros:,} exact zeros, {dead:,} "
            f"({f'{dead / zeros:.1%}' if zeros else 'no zeros'}) are such weights; "
            f"dead ReLU units after DSD: {units[0]}; after plain training: "
            f"{units[1]}.")
    if zeros:
        text += (" The dead units account for the zeros." if dead >= 0.9 * zeros
                 else " The dead units do not account for most of the zeros.")
    dead_dsd, dead_plain = int(dsd["dead_outputs"].sum()), int(plain["dead_outputs"].sum())
    if len(plain) and dead_dsd:
        text += (f" Plain training has about as many dead units ({dead_plain} "
                 f"against {dead_dsd}): the pruning did not kill them, it zeroed "
                 "weights that no gradient reaches." if dead_plain >= 0.8 * dead_dsd
                 else f" Plain training has fewer dead units ({dead_plain} "
                 f"against {dead_dsd}): the pruning killed some.")
    return text
