"""LeNet-300-100, the fully connected network for 28x28 digits (LeCun et
al. 1998; Han et al. prune it too): a second architecture beside LeNet-5."""

import keras

from harness.models.kernel_initializers import glorot_kernels

L = keras.layers


def compiled_lenet300(seed, learning_rate, augmentation=()):
    """A fresh LeNet-300-100 from `seed` alone, compiled as
    `harness.models.lenet5.compiled_lenet5` is (Adam at `learning_rate`,
    softmax cross-entropy on logits): 784 pixels, `augmentation`'s layers on
    the 28x28 image (training only), 300 and 100 ReLU units, 10 logits;
    about 266,000 parameters."""
    keras.utils.set_random_seed(seed)
    h1, h2, logits = glorot_kernels(seed, 3)
    model = keras.Sequential(
        [keras.Input((784,), name="pixels"), L.Reshape((28, 28, 1), name="image"),
         *augmentation, L.Flatten(name="flatten"),
         L.Dense(300, activation="relu", kernel_initializer=h1, name="h1"),
         L.Dense(100, activation="relu", kernel_initializer=h2, name="h2"),
         L.Dense(10, kernel_initializer=logits, name="logits")], name="lenet300")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model
