"""MNIST, read the way Keras reads it: ``mnist.load_data(path="mnist.npz")``.

glassnet does not ship MNIST (11 MB). ``load_data`` reads Keras's file, ``mnist.npz``
(keys ``x_train``, ``y_train``, ``x_test``, ``y_test``), from the path given or from
Keras's cache folder (``~/.keras/datasets/``, or ``$KERAS_HOME/datasets/``), so a file
that Keras has already downloaded is used as it is. When it is in neither place,
``load_data`` downloads it once from Keras's address into the cache folder; offline,
it says which file to place where.

Every file is checked against Keras's SHA-256 for ``mnist.npz`` before it is read, a
file found as well as a download, and it is read without unpickling: a ``.npz`` can
hold pickled Python objects, and unpickling a crafted one runs its code.
"""
import hashlib
import os
import tempfile
import urllib.error
import urllib.request

import numpy as np

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Load the MNIST digits: 60,000 training and 10,000 test images, 28x28.

    Args:
        path: the file to read. An existing file is read as it is; otherwise the name is
            looked up in Keras's cache folder (``~/.keras/datasets/``, or
            ``$KERAS_HOME/datasets/``) and downloaded there when it is missing.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(n, 28, 28)``
        with pixel values 0..255, and uint8 labels 0..9 of shape ``(n,)``.

    Raises:
        FileNotFoundError: the file is neither at ``path`` nor in the cache folder, and
            the download failed; the message names the file and where to put it.
        ValueError: the file found is not Keras's ``mnist.npz`` (its SHA-256 differs).

    Example:
        >>> from glassnet.datasets import mnist
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
        >>> x_train.shape  # doctest: +SKIP
        (60000, 28, 28)
    """
    file = _find_or_download(path)
    _check_sha256(file)
    with np.load(file, allow_pickle=False) as data:  # never unpickle: the arrays are plain uint8
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def cache_dir():
    """Keras's folder for downloaded data sets: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(keras_home, "datasets")


def _find_or_download(path):
    path = os.path.expanduser(os.fspath(path))
    if os.path.isfile(path):
        return path
    cached = os.path.join(cache_dir(), path)
    if os.path.isfile(cached):
        return cached
    try:
        _download(ORIGIN, cached)
    except (OSError, ValueError) as error:
        looked_in = path if cached == path else f"{path} nor at {cached}"
        raise FileNotFoundError(
            f"MNIST file not found at {looked_in}, and downloading it from {ORIGIN} failed "
            f"({error}). Download that file on a machine with internet access and place it at "
            f"{cached}, or pass its location: mnist.load_data(path='/path/to/mnist.npz')."
        ) from None
    return cached


def _check_sha256(file):
    """Refuse a file that is not Keras's mnist.npz (a partial download, or another file)."""
    actual = _sha256(file)
    if actual != SHA256:
        cached = os.path.join(cache_dir(), "mnist.npz")
        raise ValueError(
            f"The file {file} is not Keras's mnist.npz: its SHA-256 is {actual}, expected {SHA256}. It may be "
            f"an incomplete download or a different file, and it is not read. Delete it, then download "
            f"{ORIGIN} and place it at {cached} (load_data() downloads it there when it is missing), or pass "
            "that file's location: mnist.load_data(path='/path/to/mnist.npz')."
        )


def _download(url, destination):
    """Fetch ``url`` into ``destination``, whole and with the expected checksum, or not at all."""
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(destination), suffix=".part")
    os.close(handle)
    try:
        urllib.request.urlretrieve(url, partial)
        if _sha256(partial) != SHA256:
            raise ValueError(f"the downloaded file's SHA-256 is not {SHA256}")
        os.replace(partial, destination)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _sha256(file):
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
