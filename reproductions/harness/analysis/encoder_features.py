"""What an autoencoder's encoder learned: how many of its units it uses,
and how rough its weight images are.

Article 003 reads its autoencoders' weight images by eye: "random noise",
"more like strokes", features "not being used (all black)". These are the
numbers its ledger decides those words by (`unit_usage`, `roughness`).
"""

import keras
import numpy as np

from harness.analysis.coadaptation import mean_abs_correlation
from harness.analysis.image_smoothness import roughness
from harness.analysis.unit_usage import unit_usage


def encoder_features(model, images, seed, layer="encoder", ink=None, output=None):
    """The encoder's kernel and its measures on `images`.

    Args:
        model: an autoencoder whose `layer` (a `Dense`) is the embedding.
        images: `(n, side*side)` square images to encode (in inference
            mode).
        seed: draws the shuffle of the pixels.
        layer: the encoder layer's name.
        output: the name of the layer whose output is the embedding, where
            it is not `layer`'s (a ReLU after batch norm, say).
        ink: optional boolean `(pixels,)` mask of the pixels some training
            image inks (`harness.data.ink.ink_pixels`): the others get no
            gradient from the data and keep their random initial weights.

    Returns:
        `(kernel, measures)`: the `(pixels, units)` kernel, and `unit_usage`'s
        shares with `weight_roughness` (the roughness of the positive
        weights, as the figures draw them), `shuffled_roughness` (the same
        with each image's pixels shuffled) and `relative_roughness`, their
        ratio: about 1 for noise-like images, well below for strokes;
        `hidden_correlation`, the units' co-adaptation on `images`
        (`mean_abs_correlation`). With `ink`, the same over the inked pixels
        alone (`relative_roughness_ink`, its shuffle within them;
        `dark_unit_fraction_ink`) and `border_to_ink_weight`: the mean
        positive weight of the inkless pixels over that of the inked ones.
    """
    encoder = keras.Model(model.input, model.get_layer(output or layer).output)
    hidden = keras.ops.convert_to_numpy(encoder(np.asarray(images), training=False))
    kernel = keras.ops.convert_to_numpy(model.get_layer(layer).kernel)
    positive, side = np.maximum(kernel, 0.0), round(np.sqrt(len(kernel)))
    rough = roughness(positive, side)
    shuffled = roughness(np.random.default_rng(seed).permuted(positive, axis=0), side)
    measures = {**unit_usage(hidden, kernel), "weight_roughness": rough,
                "shuffled_roughness": shuffled, "relative_roughness": rough / shuffled,
                "hidden_correlation": mean_abs_correlation(hidden)}
    if ink is not None:
        ink = np.asarray(ink, bool)
        mixed = positive.copy()
        mixed[ink] = np.random.default_rng(seed).permuted(positive[ink], axis=0)
        measures |= {
            "relative_roughness_ink": roughness(positive, side, mask=ink)
            / roughness(mixed, side, mask=ink),
            "dark_unit_fraction_ink": unit_usage(hidden, kernel[ink])["dark_unit_fraction"],
            "border_to_ink_weight": float(positive[~ink].mean() / positive[ink].mean())}
    return kernel, measures
