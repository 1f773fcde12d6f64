"""The ``.keras`` file: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``,
members stored uncompressed and in that order, as Keras 3 writes it.

Reading takes only those members, and the files of Keras's ``assets/`` folder (an adapted
StringLookup's vocabulary), into memory: nothing is extracted, no member name reaches the file
system, and a file that is not such a zip is refused with the reason.
"""
import datetime
import io
import json
import zipfile

from glassnet.keras.saving import atomic, serialization_lib

KERAS_VERSION = "3.15.1"  # the Keras whose layout these files follow
METADATA, CONFIG, WEIGHTS = "metadata.json", "config.json", "model.weights.h5"
ASSETS = "assets/"
_LARGEST_CONFIG = 64 << 20  # bytes: a config larger than this is not one a model needs


def write(model, filepath):
    """Write `model` to `filepath` (atomically: a failure leaves any earlier file as it was)."""
    from glassnet.keras.saving import weights_file
    config = json.dumps(serialization_lib.serialize_keras_object(model))
    metadata = json.dumps({"keras_version": KERAS_VERSION,
                           "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    weights = io.BytesIO()
    weights_file.write_weights(model, weights)

    def write_zip(stream):
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(METADATA, metadata)
            archive.writestr(CONFIG, config)
            archive.writestr(WEIGHTS, weights.getvalue())

    atomic.write_file(filepath, write_zip)


def read(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's argument name
    """The model saved in `filepath`, with its weights (and optimizer state when compiled)."""
    config, weights = _members(filepath)
    if not compile:
        config = {key: value for key, value in config.items() if key != "compile_config"}
    model = serialization_lib.deserialize_keras_object(config, custom_objects)
    _read_assets(model, filepath)
    _read_weights(model, filepath, weights)
    return model


def _read_assets(model, filepath):
    """Hand each layer that has ``load_assets`` its files under ``assets/<its path>/``, as Keras does
    (an adapted StringLookup's ``vocabulary.txt``). glassnet writes none: its layers keep such
    state in their configs."""
    from glassnet.keras.saving.saveables import saveables
    with zipfile.ZipFile(filepath) as archive:
        names = [name for name in archive.namelist() if name.startswith(ASSETS)]
        if not names:
            return
        for path, saveable in saveables(model):
            prefix = f"{ASSETS}{path}/" if path else ASSETS
            files = {name[len(prefix):]: archive.read(name) for name in names
                     if name.startswith(prefix) and "/" not in name[len(prefix):]}
            if files and hasattr(saveable, "load_assets"):
                saveable.load_assets(files)


def read_weights_into(model, filepath, skip_mismatch=False):
    """``model.load_weights('m.keras')``: the archive's weights into an existing model."""
    _, weights = _members(filepath)
    _read_weights(model, filepath, weights, skip_mismatch)


def _read_weights(model, filepath, weights, skip_mismatch=False):
    from glassnet.keras.saving import weights_file
    try:
        weights_file.read_weights(model, io.BytesIO(weights), skip_mismatch=skip_mismatch)
    except OSError as error:  # the member is damaged: the file as a whole is not a .keras file
        raise ValueError(f"{filepath!s}: its {WEIGHTS} cannot be read. {error}") from None


def _members(filepath):
    """(config dict, weights bytes) of a .keras file, or ValueError saying what is wrong with it."""
    try:
        with zipfile.ZipFile(filepath) as archive:
            names = archive.namelist()
            _check_names(filepath, names)
            if archive.getinfo(CONFIG).file_size > _LARGEST_CONFIG:
                raise ValueError(f"{filepath!s}: config.json is larger than any model config ({CONFIG!r}).")
            config_text = archive.read(CONFIG)
            weights = archive.read(WEIGHTS)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as error:
        raise ValueError(f"{filepath!s} is not a valid .keras file (a zip archive): {error}") from None
    except (OSError, RuntimeError, NotImplementedError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"{filepath!s} could not be read as a .keras file: {error}") from None
    try:
        config = json.loads(config_text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{filepath!s}: config.json is not valid JSON ({error}).") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{filepath!s}: config.json does not describe a model (no 'class_name').")
    return config, weights


def _check_names(filepath, names):
    unsafe = [name for name in names if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/")]
    if unsafe:
        raise ValueError(f"{filepath!s}: refusing a .keras file with member paths outside the archive: {unsafe}")
    missing = [name for name in (CONFIG, WEIGHTS) if name not in names]
    if missing:
        raise ValueError(f"{filepath!s} is not a complete .keras file: it has no {', '.join(missing)} "
                         f"(its members: {names}).")
