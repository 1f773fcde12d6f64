"""Models: ``Sequential`` and ``Model``, and loading them: ``load_model``, ``model_from_json``."""
from glassnet.keras.models.model import Model
from glassnet.keras.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002 - Keras's names
    """The model saved in a ``.keras`` file (see glassnet.keras.saving.load_model)."""
    from glassnet.keras import saving
    return saving.load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, **kwargs):
    """``model.save(filepath)``."""
    from glassnet.keras import saving
    saving.save_model(model, filepath, overwrite=overwrite, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """The model of a ``model.to_json()`` string (architecture only: the weights are new)."""
    import json
    from glassnet.keras.saving import serialization_lib
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"`json_string` is not valid JSON: {error}") from None
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)


def clone_model(model, custom_objects=None):
    """A new model of the same architecture (new weights, not compiled), from its config."""
    from glassnet.keras.saving import serialization_lib
    config = serialization_lib.serialize_keras_object(model)
    config.pop("compile_config", None)
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)


__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]
