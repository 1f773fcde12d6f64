"""KerasOperation: a ``keras.ops`` function that a Keras 3 functional model records as a node.

Keras 3 writes a function of ``keras.ops`` applied to symbolic tensors as a node of its own in
the model's config: ``{"module": "keras.src.ops.numpy", "class_name": "NotEqual", "config":
{"name": "not_equal"}}`` with the call's arguments in ``inbound_nodes``. The commonest is the
mask of ``Embedding(mask_zero=True)`` (``not_equal(ids, 0)``), passed on as ``mask=`` to the next
layers. A model file holding such nodes loads in glassnet as a layer that calls glassnet's
function of the same name, and is written back as Keras wrote it.
"""
import re

from glassnet.keras.layers.layer import Layer


class KerasOperation(Layer):
    """Calls ``function(*args, **kwargs)``: the Keras operation named by the subclass."""

    function = None
    keras_module = "keras.src.ops.numpy"

    def __init__(self, name=None, **kwargs):
        kwargs.pop("dtype", None)  # an operation keeps its inputs' dtypes (a comparison gives bool)
        super().__init__(name=name, autocast=False, **kwargs)

    def call(self, inputs, *args, training=None, **kwargs):  # `training` is the layer's, not the function's
        return type(self).function(inputs, *args, **kwargs)

    def get_config(self):
        return {"name": self.name}

    def get_build_config(self):
        return None  # an operation is no layer to Keras: it has nothing to build, and no build_config


def operation_class(class_name, module):
    """The KerasOperation subclass for Keras's operation `class_name` (``NotEqual``) of `module`
    (``keras.src.ops.numpy``), or None when glassnet's keras.ops has no function of that name."""
    from glassnet.keras import ops
    function = getattr(ops, re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower(), None)
    if not callable(function):
        return None
    if not module.startswith("keras.src.ops."):  # Keras's .h5 files say keras.layers; its .keras files need this
        module = KerasOperation.keras_module
    return type(class_name, (KerasOperation,), {"function": staticmethod(function), "keras_module": module,
                                                "__module__": __name__})
