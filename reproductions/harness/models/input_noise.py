"""Noise on a model's input pixels, in training only: dropout on the
pixels, or additive Gaussian noise (the article's advice for the input
layer)."""

import keras


def input_variants(drop_rates, noise_sds):
    """`{name: (kind, value)}`: none, dropout on the pixels at each drop
    rate (`"dropout 0.2"`), additive Gaussian noise at each sd
    (`"noise 0.3"`)."""
    return {"none": ("none", 0.0),
            **{f"dropout {rate:g}": ("dropout", rate) for rate in drop_rates},
            **{f"noise {sd:g}": ("noise", sd) for sd in noise_sds}}


def input_layer(kind, value, seed):
    """The layers of a variant, to put on the image before the first
    convolution: Keras's `Dropout(value)` (inverted: kept pixels scaled by
    1 / (1 - value)), `GaussianNoise(value)`, or none."""
    if kind == "dropout":
        return [keras.layers.Dropout(value, seed=seed, name="input_dropout")]
    if kind == "noise":
        return [keras.layers.GaussianNoise(value, seed=seed, name="input_noise")]
    if kind == "none":
        return []
    raise ValueError(f"Invalid value received for argument `kind`: expected one of "
                     f"none, dropout, noise. Received: kind={kind!r}")
