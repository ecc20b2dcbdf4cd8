"""A one-hidden-layer image autoencoder, with dropout on its input (a
denoising autoencoder) or on its embedding, as article 003 trains on MNIST."""

import keras


def build_autoencoder(seed, hidden=256, pixels=784, input_dropout=0.0,
                      hidden_dropout=0.0, name=None, batchnorm=False):
    """An uncompiled `pixels`-`hidden`-`pixels` autoencoder.

    The encoder (`Dense` named `"encoder"`, ReLU) and decoder (`"decoder"`,
    sigmoid: pixels in [0, 1]) have Glorot-uniform kernels seeded `seed` and
    `seed + 1`. Dropout at `input_dropout` on the pixels and at
    `hidden_dropout` on the embedding (no layer at 0) draw their masks from
    `seed`; no draw reads a global generator. With `batchnorm`, the
    encoder is linear, then batch norm, then the ReLU (a layer named
    `"embedding"`: the hidden activations).
    """
    init = keras.initializers.GlorotUniform
    x = inputs = keras.Input((pixels,))
    if input_dropout:
        x = keras.layers.Dropout(input_dropout, seed=seed)(x)
    h = keras.layers.Dense(hidden, activation=None if batchnorm else "relu",
                           name="encoder", kernel_initializer=init(seed))(x)
    if batchnorm:
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.Activation("relu", name="embedding")(h)
    if hidden_dropout:
        h = keras.layers.Dropout(hidden_dropout, seed=seed)(h)
    outputs = keras.layers.Dense(pixels, activation="sigmoid", name="decoder",
                                 kernel_initializer=init(seed + 1))(h)
    return keras.Model(inputs, outputs, name=name)
