"""Input and InputLayer: declare the shape of one sample before any data is seen."""
from glassnet import backend
from glassnet.keras import validation as check
from glassnet.keras.keras_tensor import KerasTensor
from glassnet.keras.layers.layer import Layer, _as_shape


class InputLayer(Layer):
    """The layer behind ``Input``: holds the model's input shape; passes data through.

    Args:
        shape: the shape of one sample, e.g. ``(400,)`` or a bare int ``400``.
        batch_size: optional fixed batch size.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, input_shape=None,
                 batch_shape=None, batch_input_shape=None, sparse=False, ragged=False, optional=False, **kwargs):
        for option, value in (("sparse", sparse), ("ragged", ragged), ("optional", optional)):
            if value:
                raise ValueError(f"glassnet's Input does not support {option}=True (dense inputs only). "
                                 f"Received: {option}={value!r}")
        shape = shape if shape is not None else input_shape
        if batch_shape is None:
            batch_shape = batch_input_shape
        if shape is None and batch_shape is None:
            raise ValueError(
                "InputLayer needs `shape` (the shape of one sample, e.g. shape=(400,)). Received: shape=None"
            )
        batch_size = check.optional(check.integer, "batch_size", batch_size, minimum=1, owner="Input")
        if batch_shape is None:
            batch_shape = (batch_size, *_as_shape(shape, "shape"))
        batch_shape = _as_shape(batch_shape, "batch_shape")
        strings = dtype in ("string", "str", object)  # Keras's "string": NumPy arrays of str here
        super().__init__(name=name, dtype=None if strings else dtype, **kwargs)
        if strings:
            self.dtype = "string"
        self.batch_shape = tuple(batch_shape)
        self.built = True
        self.output = KerasTensor(self.batch_shape, self.dtype, name=self.name, history=(self, None))
        from glassnet.keras.models.node import Node  # models import the layers: import at call time
        Node(self, None, self.output)

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False,
                "ragged": False, "name": self.name, "optional": False}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, **kwargs):  # noqa: N802 - Keras's name
    """A symbolic input of the given per-sample `shape` (``Input(shape=(400,))`` or ``Input(400)``).

    Returns a :class:`KerasTensor` whose ``shape`` is ``(batch_size, *shape)``.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype or backend.floatx(), name=name,
                       batch_shape=batch_shape, **kwargs)
    return layer.output
