"""Fuzz the loader: a valid weights file corrupted in hundreds of ways.

Every load must end in one of two ways:

- a clean error (ValueError, OSError or KeyError with glassnet's wording, never an exception
  of another kind from inside h5py), and the model (weights and optimizer state) unchanged;
- or success, with every variable equal to what the file holds at its path (read again here
  with h5py directly); an optimizer skipped with Keras's warning keeps its state.

The corruptions: truncation at random points, random bytes flipped, and edits made with h5py
(datasets deleted, renamed, reshaped, retyped, swapped, replaced by groups or links; groups
deleted, renamed or added). The seeds are fixed, so a failure reproduces.
"""
import io
import random
import warnings

import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers, optimizers
from glassnet.keras.models import Sequential
from glassnet.keras.saving import weights_file
from glassnet.keras.saving.saveables import group_path, own_variables, saveables

h5py = pytest.importorskip("h5py")

X = np.random.default_rng(2).random((24, 3)).astype("float32")
Y = X[:, :1] * 2 - X[:, 1:2]
CLEAN = ("Cannot load the weights in", "Cannot read", "No weights file")


def trained_model(seed):
    tf.random.set_seed(seed)
    norm = layers.Normalization()
    norm.adapt(X)
    model = Sequential([tf.keras.Input(shape=(3,)), norm, layers.Dense(4, activation="relu"), layers.Dropout(0.1),
                        layers.Dense(1)])
    model.compile(optimizer=optimizers.Adam(), loss="mse")
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    return model


def snapshot(model):
    return [np.array(v.value) for v in model.weights + model.optimizer.variables]


def file_values(data, model):
    """{variable id: the array the file holds for it}, read with h5py directly; absent where unreadable."""
    values = {}
    with h5py.File(io.BytesIO(data), "r") as file:
        for path, saveable in saveables(model):
            for i, variable in enumerate(own_variables(saveable)):
                try:
                    values[id(variable)] = np.asarray(file[f"{group_path(path)}/{i}"][()])
                except Exception:  # noqa: BLE001 - the loader should not have taken this one
                    pass
    return values


def outcome(model, data):
    """'refused', 'loaded' or 'loaded-skipping-optimizer'; fails the test on anything else."""
    before = snapshot(model)
    variables = model.weights + model.optimizer.variables
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            weights_file.read_weights(model, io.BytesIO(data))
        except (ValueError, OSError, KeyError) as error:
            assert str(error).startswith(CLEAN), f"unclear error: {type(error).__name__}: {error}"
            for after, previous in zip(snapshot(model), before):
                np.testing.assert_array_equal(after, previous)
            return "refused"
    skipped = any("Skipping variable loading for optimizer" in str(w.message) for w in caught)
    expected = file_values(data, model)
    optimizer_ids = {id(v) for v in model.optimizer.variables}
    for variable, previous in zip(variables, before):
        if skipped and id(variable) in optimizer_ids:
            np.testing.assert_array_equal(variable.numpy(), previous)
        else:
            assert id(variable) in expected, f"{variable.path} loaded from a file h5py cannot read at its path"
            np.testing.assert_array_equal(variable.numpy(), expected[id(variable)].astype(variable.dtype))
    return "loaded-skipping-optimizer" if skipped else "loaded"


def edited(data, edit):
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "a") as file:
        edit(file)
    return buffer.getvalue()


def datasets_of(file):
    found = []
    file.visititems(lambda name, item: found.append(name) if isinstance(item, h5py.Dataset) else None)
    return found


def groups_of(file):
    found = []
    file.visititems(lambda name, item: found.append(name) if isinstance(item, h5py.Group) else None)
    return found


def structural_edits(rng):
    """Functions that change a file with h5py, each a different kind of damage."""
    def delete_dataset(file):
        del file[rng.choice(datasets_of(file))]

    def rename_dataset(file):
        name = rng.choice(datasets_of(file))
        file.move(name, name.rsplit("/", 1)[0] + "/" + rng.choice(["x", "99", "-1", "00", " 0"]))

    def reshape_dataset(file):
        name = rng.choice(datasets_of(file))
        value = file[name][()]
        del file[name]
        file[name] = np.zeros((*np.shape(value), 2) if rng.random() < 0.5 else np.size(value) + 1, value.dtype)

    def retype_dataset(file):
        name = rng.choice(datasets_of(file))
        value = np.asarray(file[name][()])
        del file[name]
        file[name] = value.astype(rng.choice(["float64", "int64", "int8", "bool", "float16", "S4"]))

    def swap_datasets(file):
        a, b = rng.sample(datasets_of(file), 2)
        file.move(a, "tmp_swap")
        file.move(b, a)
        file.move("tmp_swap", b)

    def dataset_to_group(file):
        name = rng.choice(datasets_of(file))
        del file[name]
        file.create_group(name)

    def dataset_to_link(file):
        name, target = rng.sample(datasets_of(file), 2)
        del file[name]
        file[name] = rng.choice([h5py.SoftLink("/" + target), h5py.ExternalLink("other.h5", "/" + target)])

    def delete_group(file):
        del file[rng.choice(groups_of(file))]

    def rename_group(file):
        name = rng.choice(groups_of(file))
        file.move(name, name + "_renamed")

    def add_group(file):
        group = file.create_group(rng.choice(["layers/dense_9/vars", "extra/vars", "layers/dense/vars/sub"]))
        group["0"] = np.zeros(3, "float32")

    def add_dataset(file):
        group = file[rng.choice([g for g in groups_of(file) if g.endswith("vars")])]
        group[str(len(group) + rng.randrange(2))] = np.zeros(2, "float32")

    def huge_shape(file):
        name = rng.choice(datasets_of(file))
        del file[name]
        file.create_dataset(name, shape=(1 << 20, 1 << 20), dtype="float32", chunks=(1, 1))

    return [delete_dataset, rename_dataset, reshape_dataset, retype_dataset, swap_datasets, dataset_to_group,
            dataset_to_link, delete_group, rename_group, add_group, add_dataset, huge_shape]


def test_corrupted_files_are_refused_cleanly_or_loaded_exactly():
    source = trained_model(seed=0)
    buffer = io.BytesIO()
    weights_file.write_weights(source, buffer)
    valid = buffer.getvalue()
    target = trained_model(seed=1)
    rng = random.Random(12345)
    counts = {}

    def record(kind, data):
        result = outcome(target, data)
        counts[(kind, result)] = counts.get((kind, result), 0) + 1

    for _ in range(150):
        record("truncate", valid[:rng.randrange(len(valid))])
    for _ in range(250):
        data = bytearray(valid)
        for _ in range(rng.choice([1, 1, 2, 4, 16])):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        record("flip", bytes(data))
    edits = structural_edits(rng)
    for _ in range(8):
        for edit in edits:
            record(edit.__name__, edited(valid, edit))
    record("valid", valid)

    total = sum(counts.values())
    print(f"\n{total} corrupted loads:", ", ".join(f"{k[0]} {k[1]}: {n}" for k, n in sorted(counts.items())))
    assert total == 150 + 250 + 8 * len(edits) + 1
    assert counts[("valid", "loaded")] == 1
    assert counts.get(("truncate", "refused"), 0) >= 140
    # A flipped bit in the raw data of a weight changes a value and nothing else: loaded as the file says.
    assert counts.get(("flip", "loaded"), 0) > 0 and counts.get(("flip", "refused"), 0) > 0
    assert all(counts.get((name, "refused"), 0) > 0
               for name in ["reshape_dataset", "dataset_to_group", "dataset_to_link", "add_group", "huge_shape"])
