"""UnitNormalization: scale each sample to length 1 along `axis` (Keras 3's layer).

The saveable form of ``tf.linalg.l2_normalize(x, axis=-1)`` inside a functional model.
"""
from glassnet.keras.layers.layer import Layer


class UnitNormalization(Layer):
    """``x / max(||x||, 1e-12)``, the L2 norm taken over `axis` (an int or a list of ints), as Keras's
    ``ops.normalize(x, axis, order=2, epsilon=1e-12)``.

    >>> import glassnet as tf
    >>> x = tf.constant([[3.0, 4.0], [0.0, 0.0]])
    >>> tf.keras.layers.UnitNormalization()(x).numpy()
    array([[0.6, 0.8],
           [0. , 0. ]], dtype=float32)
    """

    supports_masking = True  # passes a mask on to its output, as in Keras

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(f"Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                            f"Received: axis={axis}")

    def call(self, inputs):
        from glassnet.nn import l2_normalize
        # sqrt(max(s, 1e-24)) is max(sqrt(s), 1e-12): Keras's epsilon on the norm, not its square
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        return l2_normalize(inputs, axis=axis, epsilon=1e-24)

    def compute_output_shape(self, input_shape):
        for axis in self.axis if isinstance(self.axis, list) else [self.axis]:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {self.axis} is out of bounds for input shape {input_shape}.")
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
