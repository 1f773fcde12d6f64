"""Saving and loading models in Keras 3's formats (``keras.saving``): ``model.save('m.keras')``,
``load_model``, ``model.save_weights('w.weights.h5')``, and the registry of the user's own classes."""
from glassnet.keras.saving.object_registration import (
    CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name, get_registered_object,
    register_keras_serializable,
)
from glassnet.keras.saving.saving_api import load_model, save_model
from glassnet.keras.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
    "get_registered_name", "get_registered_object", "load_model", "register_keras_serializable", "save_model",
    "serialize_keras_object",
]
