"""``model.save`` and ``load_model``: the file kinds by their extensions, as Keras chooses them."""
import os


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save `model` to a ``.keras`` file (Keras 3's format: architecture, weights, compile
    settings and optimizer state). The file is written atomically.

    Args:
        overwrite: False refuses to replace an existing file (Keras asks; there is no prompt here).
        zipped: accepted for Keras's signature; only the zipped format is written.
    """
    if str(os.fspath(filepath)).endswith((".h5", ".hdf5")):  # Keras's legacy full-model file
        from glassnet.keras.saving import legacy_h5
        return legacy_h5.save_model(model, filepath, overwrite=overwrite, **kwargs)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    path = os.fspath(filepath)
    if not str(path).endswith(".keras"):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for the native "
            f"Keras format (recommended) or a `.h5` extension. Received: filepath={filepath}"
        )
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists and overwrite=False: nothing was written.")
    from glassnet.keras.saving import keras_archive  # zipfile and h5py load with the first save, not with glassnet
    keras_archive.write(model, path)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002 - Keras's names
    """The model saved in `filepath` (``.keras``), compiled as it was unless ``compile=False``.

    Args:
        custom_objects: ``{name: class or function}`` for the user's own layers, losses, ...
        safe_mode: accepted for Keras's signature: glassnet never runs code from a file.
    """
    path = os.fspath(filepath)
    if str(path).endswith((".h5", ".hdf5")):  # Keras's legacy full-model file
        from glassnet.keras.saving import legacy_h5
        return legacy_h5.load_model(path, custom_objects=custom_objects, compile=compile)
    if not str(path).endswith(".keras"):
        raise ValueError(f"File format not supported: filepath={filepath}. glassnet loads `.keras` files.")
    if not os.path.exists(path):
        raise FileNotFoundError(f"No file at {path}.")
    from glassnet.keras.saving import keras_archive
    return keras_archive.read(path, custom_objects=custom_objects, compile=compile)
