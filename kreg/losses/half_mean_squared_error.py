"""Half the mean squared error, TensorFlow 1's `l2_loss` convention."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kreg")
class HalfMeanSquaredError(keras.losses.Loss):
    """Computes `sum((y_true - y_pred) ** 2) / 2 / (units * batch_size)`.

    This is `0.5 * keras.losses.MeanSquaredError()`: the squared-error loss on
    softmax outputs that Greydanus's MNIST article wrote as
    `tf.nn.l2_loss(y_ - output) / (ylen * batch_size)`. The 1/2 matters beside
    a penalty term, whose strength is relative to the loss.

    Args:
        reduction: as for any `keras.losses.Loss`.
        name: the loss's name.

    Example:

    >>> loss = HalfMeanSquaredError()
    >>> float(loss([[0.0, 1.0]], [[0.5, 0.5]]))
    0.125

    Reference:
        - [Greydanus, 2016](https://greydanus.github.io/2016/09/05/regularization/)
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="half_mean_squared_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        return 0.5 * ops.mean(ops.square(y_true - y_pred), axis=-1)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}
