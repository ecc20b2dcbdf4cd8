import keras
import numpy as np

from harness.analysis.dead_units import dead_unit_mask


def test_dead_units_never_fire_on_the_data():
    inputs = keras.Input((2,))
    hidden = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    # Unit 0 fires on positive inputs, unit 1 never (negative weights, bias),
    # unit 2 only on the second row.
    model.get_layer("hidden").set_weights([
        np.array([[1.0, -1.0, 0.0], [1.0, -1.0, 1.0]]), np.array([0.0, -0.1, -1.5])])
    x = np.array([[1.0, 1.0], [0.5, 2.0]], "float32")
    np.testing.assert_array_equal(dead_unit_mask(model, "hidden", x), [False, True, False])
    np.testing.assert_array_equal(dead_unit_mask(model, "hidden", x[:1]),
                                  [False, True, True])
