"""Small files in exactly the formats of Keras's data sets, written where Keras's cache keeps them.

The real files are tens of megabytes and there is no network in the tests, so each writer draws
a few rows, saves them as Keras's file would be (``.npz``, gzipped IDX, a tar.gz of pickled CIFAR
batches, JSON) under ``<home>/datasets/``, and returns the arrays written and the file's hash, for
the test to put in place of Keras's published one. Pickle is used here only to WRITE files.
"""
import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile
import zipfile

import numpy as np


def sha256(path):
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


def md5(path):
    with open(path, "rb") as stream:
        return hashlib.md5(stream.read()).hexdigest()


def datasets(home):
    path = os.path.join(home, "datasets")
    os.makedirs(path, exist_ok=True)
    return path


def mnist(home, rng, n_train=6, n_test=3, name="mnist.npz"):
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, n_test).astype(np.uint8)}
    return arrays, write_mnist(home, arrays, name)


def write_mnist(home, arrays, name="mnist.npz"):
    """`arrays` (x_train, y_train, x_test, y_test) as ``mnist.npz``; returns the file's SHA-256."""
    path = os.path.join(datasets(home), name)
    np.savez_compressed(path, **arrays)
    return sha256(path)


def fashion_mnist(home, rng, n_train=5, n_test=4):
    folder = os.path.join(datasets(home), "fashion-mnist")
    os.makedirs(folder, exist_ok=True)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, n_test).astype(np.uint8)}
    for prefix, split in (("train", "train"), ("t10k", "test")):
        write_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), arrays[f"y_{split}"])
        write_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), arrays[f"x_{split}"])
    return arrays


def write_idx(path, array):
    header = struct.pack(">I", 0x0800 + array.ndim) + b"".join(struct.pack(">I", n) for n in array.shape)
    with gzip.open(path, "wb") as stream:
        stream.write(header + array.tobytes())


def cifar_batch(data, labels, label_key="labels", extra=None):
    """A CIFAR batch as Python 3 pickles it (protocol 3: bytes keys stay bytes)."""
    batch = {b"batch_label": b"training batch", label_key.encode(): labels, b"data": data,
             b"filenames": [f"img_{i}.png".encode() for i in range(len(data))], **(extra or {})}
    return pickle.dumps(batch, protocol=3)


def python2_cifar_batch(data, labels, protocol=2):
    """A CIFAR batch as Python 2's cPickle wrote the real files: ``str`` as SHORT_BINSTRING (protocol 1
    or 2; protocol 1 has no PROTO opcode and writes False as the text ``I00``)."""
    def string(value):
        return (b"U" + bytes([len(value)]) if len(value) < 256 else b"T" + struct.pack("<I", len(value))) + value

    def int_(value):
        return b"K" + bytes([value]) if value < 256 else b"M" + struct.pack("<H", value)

    array = (b"cnumpy.core.multiarray\n_reconstruct\nq\x02cnumpy\nndarray\nq\x03K\x00\x85q\x04" + string(b"b")
             + b"\x87q\x05Rq\x06(K\x01" + int_(data.shape[0]) + int_(data.shape[1]) + b"\x86q\x07cnumpy\ndtype\nq\x08"
             + string(b"u1") + b"K\x00K\x01\x87q\tRq\n(K\x03" + string(b"|")
             + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tq\x0bb" + (b"\x89" if protocol == 2 else b"I00\n")
             + string(data.tobytes()) + b"tq\x0cb")
    labels_list = b"]q\r(" + b"".join(int_(label) for label in labels) + b"e"
    return ((b"\x80\x02" if protocol == 2 else b"") + b"}q\x00(" + string(b"data") + b"q\x01" + array
            + string(b"labels") + b"q\x0e" + labels_list + b"u.")


def python2_sequences_npy(sequences):
    """An object array of lists of ints as Python 2's NumPy saved it: a ``.npy`` header, then protocol 2."""
    def int_(value):
        return b"K" + bytes([value]) if value < 256 else b"M" + struct.pack("<H", value) if value < 65536 else \
            b"J" + struct.pack("<i", value)

    items = b"".join(b"](" + b"".join(int_(w) for w in sequence) + b"e" for sequence in sequences)
    pickled = (b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nq\x01cnumpy\nndarray\nq\x02K\x00\x85U\x01b\x87R"
               b"(K\x01" + int_(len(sequences)) + b"\x85cnumpy\ndtype\nU\x02O8K\x00K\x01\x87R(K\x03U\x01|NNN"
               b"J\xff\xff\xff\xffJ\xff\xff\xff\xffK?tb\x89](" + items + b"etb.")
    header = f"{{'descr': '|O', 'fortran_order': False, 'shape': ({len(sequences)},), }}".encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + pickled


def python2_imdb(home, rng, n_train=12, n_test=10):
    """``imdb.npz`` with its sequences in Python 2's pickle format (the labels are plain arrays)."""
    arrays = {"x_train": sequences(rng, n_train, vocabulary=70000), "y_train": rng.integers(0, 2, n_train),
              "x_test": sequences(rng, n_test, vocabulary=300), "y_test": rng.integers(0, 2, n_test)}
    path = os.path.join(datasets(home), "imdb.npz")
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            if array.dtype == object:
                archive.writestr(f"{name}.npy", python2_sequences_npy(array.tolist()))
            else:
                buffer = io.BytesIO()
                np.save(buffer, array)
                archive.writestr(f"{name}.npy", buffer.getvalue())
    return arrays, sha256(path)


def cifar10(home, rng, per_batch=4, n_test=3, python2=False, sparse=False):
    """``cifar-10-batches-py-target_archive``: a tar.gz of five training batches and a test batch.

    `sparse` draws every 97th byte of each image (spread over the three colour planes) and leaves
    the rest 0, so that full-size batches compress and extract quickly.
    """
    batches = []
    for n in [per_batch] * 5 + [n_test]:
        data = np.zeros((n, 3072), np.uint8)
        drawn = data[:, ::97] if sparse else data
        drawn[...] = rng.integers(0, 256, drawn.shape, dtype=np.uint8)
        batches.append((data, rng.integers(0, 10, n).tolist()))
    return batches, write_cifar10(home, batches, python2)


def write_cifar10(home, batches, python2=False):
    """Six ``(data, labels)`` batches (five training, then the test batch; data (n, 3072) uint8 in
    channel planes, labels a list of ints) as ``cifar-10-batches-py-target_archive``; returns its SHA-256."""
    write = python2_cifar_batch if python2 else cifar_batch
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    members = {f"cifar-10-batches-py/{name}": write(data, labels) for name, (data, labels) in zip(names, batches)}
    path = os.path.join(datasets(home), "cifar-10-batches-py-target_archive")
    write_tar(path, members)
    return sha256(path)


def cifar100(home, rng, n_train=5, n_test=3):
    splits = {}
    members = {}
    for name, n in (("train", n_train), ("test", n_test)):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        fine, coarse = rng.integers(0, 100, n).tolist(), rng.integers(0, 20, n).tolist()
        splits[name] = (data, fine, coarse)
        members[f"cifar-100-python/{name}"] = cifar_batch(data, fine, label_key="fine_labels",
                                                       extra={b"coarse_labels": coarse})
    path = os.path.join(datasets(home), "cifar-100-python-target_archive")
    write_tar(path, members)
    return splits, sha256(path)


def write_tar(path, members):
    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def sequences(rng, n, vocabulary=60, longest=30):
    """`n` reviews as Keras's file holds them: an object array of lists of ints (word ranks from 1)."""
    array = np.empty(n, dtype=object)
    for i in range(n):
        array[i] = [int(w) for w in rng.integers(1, vocabulary, rng.integers(1, longest))]
    return array


def imdb(home, rng, n_train=12, n_test=10, name="imdb.npz"):
    arrays = {"x_train": sequences(rng, n_train), "y_train": rng.integers(0, 2, n_train),
              "x_test": sequences(rng, n_test), "y_test": rng.integers(0, 2, n_test)}
    return arrays, write_imdb(home, arrays, name)


def write_imdb(home, arrays, name="imdb.npz"):
    """`arrays` (object arrays of lists of word ranks, int64 labels) as ``imdb.npz``; returns its SHA-256."""
    path = os.path.join(datasets(home), name)
    np.savez(path, **arrays)
    return sha256(path)


def reuters(home, rng, n=20):
    arrays = {"x": sequences(rng, n), "y": rng.integers(0, 46, n)}
    path = os.path.join(datasets(home), "reuters.npz")
    np.savez(path, **arrays)
    return arrays, sha256(path)


def word_index(home, name):
    path = os.path.join(datasets(home), name)
    with open(path, "w") as stream:
        json.dump({"the": 1, "and": 2, "a": 3, "film": 19}, stream)
    return md5(path)


def housing(home, rng, name, n, features):
    path = os.path.join(datasets(home), name)
    arrays = {"x": rng.normal(size=(n, features)), "y": rng.uniform(5, 50, n)}
    np.savez(path, **arrays)
    return arrays, sha256(path)
