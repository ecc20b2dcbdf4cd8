"""LeNet-5 for 28x28 digits, with optional dropout and input augmentation."""

import keras

from harness.models.kernel_initializers import glorot_kernels

L = keras.layers


def build_lenet5(dropout_rate=0.0, augmentation=(), classes=10, seed=None,
                 name="lenet5"):
    """LeNet-5 (LeCun et al. 1998) in its common modern form.

    Input: flattened 28x28 images (784 values in [0, 1]), reshaped inside
    the model. C1: 6 filters 5x5 with "same" padding (LeCun padded the
    digits to 32x32 instead); S2: 2x2 max pooling; C3: 16 filters 5x5;
    S4: 2x2 max pooling; F5: 120 units; F6: 84 units; 10 logits. ReLU
    everywhere and max pooling, where the original had scaled tanh,
    trainable subsampling and RBF outputs. About 62,000 parameters.

    Args:
        dropout_rate: drop rate of the `keras.layers.Dropout` (inverted
            dropout) after F5 and after F6; 0 for none.
        augmentation: Keras preprocessing layers applied to the 28x28x1
            image before C1 (active in training only), e.g.
            `RandomTranslation`, `RandomRotation`, `RandomZoom`. These
            Keras layers default to `training=True` when the model is
            called directly: call `model(x, training=False)` to predict
            (`fit`, `evaluate` and `predict` pass the flag themselves).
        classes: number of output logits.
        seed: seed of the kernels' Glorot-uniform initializers (the weights
            Keras's defaults draw after `keras.utils.set_random_seed(seed)`,
            drawn from this seed alone: `harness.models.kernel_initializers`)
            and of the dropout layers; `None`: Keras's defaults, seeded from
            Python's global `random`.
        name: the model's name.

    Returns:
        An uncompiled `keras.Sequential` returning logits.
    """
    if not 0 <= dropout_rate < 1:
        raise ValueError(
            "Invalid value received for argument `dropout_rate`. Expected a "
            f"float in [0, 1). Received: dropout_rate={dropout_rate}"
        )
    c1, c3, f5, f6, logits = (["glorot_uniform"] * 5 if seed is None
                               else glorot_kernels(seed, 5))
    layers = [keras.Input((784,), name="pixels"), L.Reshape((28, 28, 1), name="image")]
    layers += list(augmentation)
    layers += [
        L.Conv2D(6, 5, padding="same", activation="relu", kernel_initializer=c1,
                 name="c1"),
        L.MaxPooling2D(name="s2"),
        L.Conv2D(16, 5, activation="relu", kernel_initializer=c3, name="c3"),
        L.MaxPooling2D(name="s4"),
        L.Flatten(name="flatten"),
        L.Dense(120, activation="relu", kernel_initializer=f5, name="f5"),
    ]
    if dropout_rate:
        layers.append(L.Dropout(dropout_rate, seed=seed, name="dropout_f5"))
    layers.append(L.Dense(84, activation="relu", kernel_initializer=f6, name="f6"))
    if dropout_rate:
        layers.append(L.Dropout(dropout_rate, seed=None if seed is None else seed + 1,
                                name="dropout_f6"))
    layers.append(L.Dense(classes, kernel_initializer=logits, name="logits"))
    return keras.Sequential(layers, name=name)


def compiled_lenet5(seed, learning_rate, dropout_rate=0.0, augmentation=(), classes=10):
    """A fresh LeNet-5 (`build_lenet5`) from `seed` alone, compiled for
    digits: Adam at `learning_rate`, softmax cross-entropy on its logits.

    `keras.utils.set_random_seed(seed)` first (the batch order of `fit`),
    then the kernels and dropout layers seeded by `seed` itself: the same
    network and training whatever ran in this process before or draws from
    Python's global `random` meanwhile. `augmentation`'s layers carry their
    own seeds. `classes`: the logits (11 with an extra class of negatives).
    """
    keras.utils.set_random_seed(seed)
    model = build_lenet5(dropout_rate=dropout_rate, augmentation=augmentation,
                         classes=classes, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model
