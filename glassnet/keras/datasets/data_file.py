"""Where a data set's file is: Keras's cache for a bare name, or the path given."""
import os

from glassnet.keras.utils import file_utils

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def data_file(path, origin, file_hash, loader):
    """The checked local copy of `origin` for a loader's `path` argument.

    A bare name (Keras's ``"mnist.npz"``) is looked up in Keras's cache, ``~/.keras/datasets/``, and
    downloaded there when missing, as Keras does. A path with a folder is that file (downloaded there
    when missing), as tf.keras 2 allowed; Keras 3 refuses it. Either way the file's hash is checked
    before it is read.
    """
    path = os.path.expanduser(os.fspath(path))
    if not os.path.dirname(path):
        return file_utils.get_file(path, origin=origin, file_hash=file_hash)
    cached = os.path.join(file_utils.datasets_dir(), os.path.basename(origin))
    hint = f", or place it at {cached} and call {loader}() without `path`"
    return file_utils.fetch(os.path.abspath(path), origin, file_hash, hint=hint)
