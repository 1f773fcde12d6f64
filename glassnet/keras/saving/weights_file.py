"""Keras 3's weights file (``.weights.h5``, also the ``model.weights.h5`` of a ``.keras`` archive).

The layout Keras 3 writes (``saving_lib.save_weights_only``)::

    /vars                   name="sequential"   the model's own variables (usually none)
    /layers/dense/vars      name="hidden"       "0" kernel (3, 4), "1" bias (4,)
    /layers/dropout/vars    name="dropout"      no datasets
    /layers/dense_1/vars    name="dense_1"      "0" kernel (4, 1), "1" bias (1,)
    /optimizer/vars         name="adam"         "0" iteration, "1" learning_rate, then the slots

Group paths are not layer names: saveables.py says how Keras derives them. Datasets are
numbered in each object's variable order; the ``name`` attribute is informational.

Saving is atomic (atomic.py): the previous file stays intact if anything fails. Loading is all
or nothing: the whole file is indexed and every variable matched (matching.py) and read before
the first assignment; a refused load raises and leaves the model as it was.

In use (h5py installed)::

    model.save_weights("model.weights.h5")       # Keras's model.load_weights reads it
    copy.load_weights("model.weights.h5")        # a model of the same architecture, built
"""
import io
import os
import warnings

import numpy as np

from glassnet.keras.optimizers import interrupts
from glassnet.keras.saving import atomic, matching, reading
from glassnet.keras.saving.h5 import require_h5py
from glassnet.keras.saving.saveables import group_path, own_variables, saveables

SUFFIX = ".weights.h5"


def save_weights(model, filepath, overwrite=True):
    """``model.save_weights``: write `model`'s weights (and optimizer state) to `filepath`."""
    filepath_str = str(filepath)
    if not filepath_str.endswith(SUFFIX):
        raise ValueError(f"The filename must end in `{SUFFIX}`. Received: filepath={filepath_str}")
    if not overwrite and os.path.exists(filepath):
        # Keras asks on the terminal; a library call cannot, so it refuses instead.
        raise FileExistsError(f"{filepath_str} already exists and overwrite=False. Pass overwrite=True to replace "
                              "it, or choose another path.")
    write_weights(model, filepath)


def load_weights(model, filepath, skip_mismatch=False):
    """``model.load_weights``: read a ``.weights.h5`` file, or the weights of a ``.keras`` file (as
    Keras does), into `model` (see :func:`read_weights`)."""
    filepath_str = str(filepath)
    if filepath_str.endswith(".keras"):
        from glassnet.keras.saving import keras_archive
        keras_archive.read_weights_into(model, filepath, skip_mismatch=skip_mismatch)
        return
    if not filepath_str.endswith(SUFFIX):
        raise ValueError(f"File format not supported: filepath={filepath_str}. glassnet's load_weights reads "
                         f"Keras 3 `{SUFFIX}` and `.keras` files.")
    read_weights(model, filepath, skip_mismatch=skip_mismatch)


def write_weights(model, target):
    """Write the weights file of `model` to `target`: a path (replaced atomically) or a binary file object.

    Every layer's own variables, the model's, and the optimizer's when the model is compiled,
    at the paths Keras 3 uses, so that Keras's ``load_weights`` reads the file.
    """
    h5py = require_h5py()
    _check_built(model, "You are saving a model that has not yet been built.")
    entries = [(group_path(path), saveable.name, [np.array(v.value) for v in own_variables(saveable)])
               for path, saveable in saveables(model)]
    data = _hdf5_bytes(h5py, entries)
    if reading.is_path(target):
        atomic.write_bytes(target, data)
    else:
        target.write(data)


def read_weights(model, source, skip_mismatch=False):
    """Load a weights file from `source` (a path or a binary file object) into `model`.

    Every dataset is matched with its variable and read first; only when all match are they
    assigned (in place, so an optimizer's packed buffers stay shared). Otherwise a ValueError
    lists each problem (path in the file, variable, expected and received shape) and the model
    is unchanged; with ``skip_mismatch=True`` the objects with a problem are skipped with a
    warning and the rest load. A file that is not HDF5, or is damaged, raises OSError.
    """
    h5py = require_h5py()
    _check_built(model, "You are loading weights into a model that has not yet been built.")
    where = reading.describe(source)
    with reading.opened(h5py, source, where) as file, reading.damaged_file_errors(where):
        matches = _matched(model, reading.vars_groups(h5py, file, where), where, skip_mismatch)
        values = [(variable, reading.read_array(dataset, path, where))
                  for match in matches for variable, dataset, path in match.assignments]
    with interrupts.deferred():  # a Ctrl-C waits until every variable has its new value
        for variable, value in values:
            variable.assign(value)


def _matched(model, stored, where, skip_mismatch):
    """The matches to assign; raises (or, skipping, warns) for those with problems."""
    found = saveables(model)
    layers = [matching.match_layer(path, s, stored.get(path)) for path, s in found if not matching.is_optimizer(s)]
    layers.append(matching.unclaimed(stored, {path for path, _ in found}))
    _refuse_or_warn(model, layers, where, skip_mismatch)
    optimizers = [matching.match_optimizer(path, s, stored.get(path), model.trainable_weights)
                  for path, s in found if matching.is_optimizer(s)]
    optimizers = [match for match in optimizers if match is not None]
    _refuse_or_warn(model, optimizers, where, skip_mismatch)
    return [match for match in layers + optimizers if not match.problems]


def _refuse_or_warn(model, matches, where, skip_mismatch):
    problems = [problem for match in matches for problem in match.problems]
    if not problems:
        return
    if skip_mismatch:
        for match in matches:
            if match.problems:
                warnings.warn(f"Skipping loading weights for {match.owner} from {where}: "
                              + " ".join(match.problems), UserWarning, stacklevel=5)
        return
    listed = "\n".join(f"  - {problem}" for problem in problems[:20])
    more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
    raise reading.refusal(
        where, f"{len(problems)} problem{'s' if len(problems) != 1 else ''} with model '{model.name}'; nothing was "
        f"loaded, the model is unchanged.\n{listed}{more}\nThe file was probably saved from a different "
        "architecture. Pass skip_mismatch=True to load the layers that match and skip the others."
    )


def _check_built(model, what):
    if not model.built:
        raise ValueError(f"{what} Try building the model first by calling it on some data or by using `build()`.")


def _hdf5_bytes(h5py, entries):
    """The HDF5 file of `entries` ``(group path, name attribute, arrays)``, as bytes."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        for path, name, arrays in entries:
            group = file.create_group(path)
            group.attrs["name"] = name
            for index, array in enumerate(arrays):
                group[str(index)] = array
    return buffer.getvalue()
