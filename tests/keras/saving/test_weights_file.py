"""model.save_weights / load_weights: Keras 3's `.weights.h5` layout, round trips, and the errors.

The expected layouts below are copied from files Keras 3.15.1 (JAX) wrote for the same models
(tests/parity/test_weights_file_parity.py compares with Keras itself).
"""
import io
import warnings

import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers, optimizers
from glassnet.keras.models import Model, Sequential
from glassnet.keras.saving import weights_file

h5py = pytest.importorskip("h5py")

X = np.random.default_rng(0).random((32, 3)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 1.5).astype("float32")


def stack(optimizer=None, fit=True):
    """Normalization (adapted), Dense named 'hidden', Dropout, Dense: the model of the layout note."""
    norm = layers.Normalization()
    norm.adapt(X)
    model = Sequential([tf.keras.Input(shape=(3,)), norm,
                        layers.Dense(4, activation="relu", name="hidden", kernel_regularizer="l2"),
                        layers.Dropout(0.2), layers.Dense(1, activation="sigmoid")])
    if optimizer is not None:
        model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
        if fit:
            model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    return model


def listing(path):
    """Every group and dataset: (kind, path, name attribute or shape, dtype)."""
    rows = []
    with h5py.File(path, "r") as file:
        assert dict(file.attrs) == {}

        def visit(name, item):
            if isinstance(item, h5py.Group):
                rows.append(("G", name, item.attrs.get("name")))
            else:
                rows.append(("D", name, item.shape, str(item.dtype)))
        file.visititems(visit)
    return rows


def state(model):
    """Copies of every weight and optimizer variable, to compare before and after."""
    arrays = [np.array(w.value) for w in model.weights]
    if getattr(model, "optimizer", None) is not None:
        arrays += [np.array(v.value) for v in model.optimizer.variables]
    return arrays


def assert_same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x, y)


def test_sequential_layout_is_keras(tmp_path):
    model = stack(optimizers.RMSprop(momentum=0.9, centered=True))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    slots = [("D", f"optimizer/vars/{i}", shape, "float32")
             for i, shape in zip(range(2, 14), [(3, 4), (4,), (4, 1), (1,)] * 3)]
    expected = [
        ("G", "layers", None), ("G", "layers/dense", None), ("G", "layers/dense/vars", "hidden"),
        ("D", "layers/dense/vars/0", (3, 4), "float32"), ("D", "layers/dense/vars/1", (4,), "float32"),
        ("G", "layers/dense_1", None), ("G", "layers/dense_1/vars", "dense"),
        ("D", "layers/dense_1/vars/0", (4, 1), "float32"), ("D", "layers/dense_1/vars/1", (1,), "float32"),
        ("G", "layers/dropout", None), ("G", "layers/dropout/vars", "dropout"),
        ("G", "layers/normalization", None), ("G", "layers/normalization/vars", "normalization"),
        ("D", "layers/normalization/vars/0", (3,), "float32"), ("D", "layers/normalization/vars/1", (3,), "float32"),
        ("D", "layers/normalization/vars/2", (), "int32"),
        ("G", "optimizer", None), ("G", "optimizer/vars", "rm_sprop"),
        ("D", "optimizer/vars/0", (), "int32"), ("D", "optimizer/vars/1", (), "float32"), *slots,
        ("G", "vars", "sequential"),
    ]
    assert sorted(listing(path)) == sorted(expected)
    with h5py.File(path, "r") as file:
        np.testing.assert_array_equal(file["layers/dense/vars/0"][()], model.layers[1].kernel.numpy())
        np.testing.assert_array_equal(file["layers/normalization/vars/1"][()], model.layers[0].adapt_variance.numpy())
        assert file["optimizer/vars/0"][()] == 4  # 32 samples in batches of 8
        velocity = model.optimizer.variables[2]
        np.testing.assert_array_equal(file["optimizer/vars/2"][()], velocity.numpy())


def test_optimizer_group_only_once_compiled(tmp_path):
    stack().save_weights(tmp_path / "plain.weights.h5")
    stack(optimizers.Adam(), fit=False).save_weights(tmp_path / "compiled.weights.h5")
    assert not any(row[1].startswith("optimizer") for row in listing(tmp_path / "plain.weights.h5"))
    compiled = [row for row in listing(tmp_path / "compiled.weights.h5") if row[0] == "D" and "optimizer" in row[1]]
    assert compiled == [("D", "optimizer/vars/0", (), "int32"), ("D", "optimizer/vars/1", (), "float32")]


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(4)
        self.scale = self.add_weight(shape=(4,), name="scale")

    def call(self, x):
        return self.inner(x) * self.scale


class Subclassed(Model):
    """Attributes, a list, a dict (one head never called), a private layer and an alias."""

    def __init__(self):
        super().__init__()
        self.dense1 = layers.Dense(4, activation="relu")
        self.blocks = [layers.Dense(4), Block(), layers.Dense(4)]
        self.heads = {"b": layers.Dense(2), "a": layers.Dense(1)}
        self.zlast = layers.Dense(1)
        self._priv = layers.Dense(1)
        self.alias = self.dense1

    def call(self, x):
        x = self.dense1(x)
        for block in self.blocks:
            x = block(x)
        return self.zlast(x) + self.heads["a"](x) + self._priv(x)


def test_subclassed_layout_is_keras(tmp_path):
    model = Subclassed()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    model.save_weights(tmp_path / "s.weights.h5")
    groups = {row[1]: row[2] for row in listing(tmp_path / "s.weights.h5") if row[1].endswith("vars")}
    counts = {}
    for row in listing(tmp_path / "s.weights.h5"):
        if row[0] == "D":
            counts[row[1].rsplit("/", 1)[0]] = counts.get(row[1].rsplit("/", 1)[0], 0) + 1
    # Keras 3.15.1 wrote these paths for the same class: the alias sorts first and takes dense1;
    # zlast and _priv are reached first through `layers`; the head never called has no arrays.
    assert sorted(groups) == ["alias/vars", "blocks/block/inner/vars", "blocks/block/vars", "blocks/dense/vars",
                              "blocks/dense_1/vars", "heads/dense/vars", "heads/dense_1/vars", "layers/dense_5/vars",
                              "layers/dense_6/vars", "optimizer/vars", "vars"]
    assert groups["alias/vars"] == model.dense1.name and groups["layers/dense_6/vars"] == model._priv.name
    assert counts == {"alias/vars": 2, "blocks/block/inner/vars": 2, "blocks/block/vars": 1, "blocks/dense/vars": 2,
                      "blocks/dense_1/vars": 2, "heads/dense_1/vars": 2, "layers/dense_5/vars": 2,
                      "layers/dense_6/vars": 2, "optimizer/vars": 2 + 2 * 15}


def test_round_trip_restores_weights_and_optimizer(tmp_path):
    model = stack(optimizers.Adam(amsgrad=True))
    model.save_weights(tmp_path / "m.weights.h5")
    copy = stack(optimizers.Adam(amsgrad=True))
    copy.fit(X[::-1], Y, epochs=1, batch_size=4, verbose=0)  # different weights and state before the load
    copy.load_weights(tmp_path / "m.weights.h5")
    assert_same(state(copy), state(model))
    np.testing.assert_array_equal(copy.predict(X, verbose=0), model.predict(X, verbose=0))


def test_subclassed_round_trip(tmp_path):
    model = Subclassed()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    model.save_weights(tmp_path / "s.weights.h5")
    copy = Subclassed()
    copy(X)
    copy.load_weights(tmp_path / "s.weights.h5")
    assert_same([np.array(w.value) for w in copy.weights], [np.array(w.value) for w in model.weights])


def test_nested_models_round_trip(tmp_path):
    def build():
        inner = Sequential([layers.Dense(3, activation="tanh"), layers.Dense(2)])
        return Sequential([tf.keras.Input(shape=(3,)), inner, layers.Dense(1)])
    model = build()
    model.save_weights(tmp_path / "n.weights.h5")
    paths = {row[1] for row in listing(tmp_path / "n.weights.h5") if row[0] == "D"}
    assert paths == {"layers/sequential/layers/dense/vars/0", "layers/sequential/layers/dense/vars/1",
                     "layers/sequential/layers/dense_1/vars/0", "layers/sequential/layers/dense_1/vars/1",
                     "layers/dense/vars/0", "layers/dense/vars/1"}
    copy = build()
    copy.load_weights(tmp_path / "n.weights.h5")
    assert_same(state(copy), state(model))


def test_file_objects(tmp_path):
    model = stack(optimizers.SGD(momentum=0.9))
    buffer = io.BytesIO()
    weights_file.write_weights(model, buffer)
    copy = stack(optimizers.SGD(momentum=0.9))
    weights_file.read_weights(copy, io.BytesIO(buffer.getvalue()))
    assert_same(state(copy), state(model))


def test_a_fresh_compiled_model_builds_its_optimizer_to_load_the_state(tmp_path):
    model = stack(optimizers.Adagrad())
    model.save_weights(tmp_path / "m.weights.h5")
    copy = stack(optimizers.Adagrad(), fit=False)
    assert len(copy.optimizer.variables) == 2
    copy.load_weights(tmp_path / "m.weights.h5")
    assert_same(state(copy), state(model))


# --- arguments and errors ------------------------------------------------------------------
def test_path_must_end_in_weights_h5(tmp_path):
    model = stack()
    with pytest.raises(ValueError, match=r"The filename must end in `.weights.h5`. Received: filepath=.*m\.h5"):
        model.save_weights(tmp_path / "m.h5")
    with pytest.raises(ValueError, match=r"File format not supported: filepath=.*m\.npz"):
        model.load_weights(tmp_path / "m.npz")


def test_overwrite_false_refuses_an_existing_file(tmp_path):
    path = tmp_path / "m.weights.h5"
    path.write_bytes(b"previous")
    with pytest.raises(FileExistsError, match="already exists and overwrite=False"):
        stack().save_weights(path, overwrite=False)
    assert path.read_bytes() == b"previous"
    stack().save_weights(path)
    assert path.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"


def test_unbuilt_models_are_refused_as_keras_does(tmp_path):
    stack().save_weights(tmp_path / "m.weights.h5")
    unbuilt = Sequential([layers.Dense(4)])
    with pytest.raises(ValueError, match="You are saving a model that has not yet been built"):
        unbuilt.save_weights(tmp_path / "u.weights.h5")
    with pytest.raises(ValueError, match="loading weights into a model that has not yet been built.*build"):
        unbuilt.load_weights(tmp_path / "m.weights.h5")
    assert not (tmp_path / "u.weights.h5").exists()


def test_a_different_architecture_is_refused_and_changes_nothing(tmp_path):
    stack(optimizers.Adam()).save_weights(tmp_path / "m.weights.h5")
    other = Sequential([tf.keras.Input(shape=(3,)), layers.Normalization(), layers.Dense(5, name="wide"),
                        layers.Dropout(0.2), layers.Dense(1)])
    other.compile(optimizer="adam", loss="mse")
    other.fit(X, Y, epochs=1, verbose=0)
    before = state(other)
    with pytest.raises(ValueError) as caught:
        other.load_weights(tmp_path / "m.weights.h5")
    message = str(caught.value)
    assert "/layers/dense/vars/0 (kernel of layer 'wide' (Dense; saved as 'hidden')): expected shape (3, 5), " \
           "the file holds shape (3, 4)" in message
    assert "/layers/dense_1/vars/0 (kernel of layer 'dense_1' (Dense; saved as 'dense')): expected shape (5, 1)" \
           in message
    assert "nothing was loaded, the model is unchanged" in message and "skip_mismatch=True" in message
    assert_same(state(other), before)


def test_missing_and_extra_layers_are_refused(tmp_path):
    small = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(2)])
    big = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(2), layers.Dense(2)])
    small.save_weights(tmp_path / "small.weights.h5")
    big.save_weights(tmp_path / "big.weights.h5")
    before = state(small)
    with pytest.raises(ValueError, match=r"/layers/dense_1/vars holds 2 arrays \(saved from 'dense_2'\) that no "
                                         "layer of the model takes"):
        small.load_weights(tmp_path / "big.weights.h5")
    assert_same(state(small), before)
    with pytest.raises(ValueError, match=r"/layers/dense_1/vars is missing from the file; layer 'dense_4' \(Dense\) "
                                         r"has 2 variables: kernel \(2, 2\), bias \(2,\)"):
        Sequential([tf.keras.Input(shape=(3,)), layers.Dense(2), layers.Dense(2)]).load_weights(
            tmp_path / "small.weights.h5")


def test_skip_mismatch_loads_what_matches(tmp_path):
    model = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(1)])
    model.save_weights(tmp_path / "m.weights.h5")
    other = Sequential([tf.keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(2)])
    last = state(other)[2:]
    with pytest.warns(UserWarning, match=r"Skipping loading weights for layer 'dense_3'.*expected shape \(4, 2\)"):
        other.load_weights(tmp_path / "m.weights.h5", skip_mismatch=True)
    assert_same(state(other)[:2], state(model)[:2])
    assert_same(state(other)[2:], last)


def test_an_optimizer_of_another_size_is_skipped_with_keras_warning(tmp_path):
    source = stack(optimizers.Adam())
    source.save_weights(tmp_path / "m.weights.h5")
    model = stack(optimizers.SGD())
    before = [np.array(v.value) for v in model.optimizer.variables]
    with pytest.warns(UserWarning, match=r"Skipping variable loading for optimizer 'sgd', because it has 2 "
                                         r"variables whereas the saved optimizer has 10 variables"):
        model.load_weights(tmp_path / "m.weights.h5")
    assert_same([np.array(v.value) for v in model.optimizer.variables], before)
    assert_same([np.array(w.value) for w in model.weights], [np.array(w.value) for w in source.weights])


def test_a_file_without_optimizer_loads_the_layers_and_warns(tmp_path):
    source = stack()
    source.save_weights(tmp_path / "m.weights.h5")
    model = stack(optimizers.Adam())
    with pytest.warns(UserWarning, match="saved optimizer has 0 variables"):
        model.load_weights(tmp_path / "m.weights.h5")
    assert_same([np.array(w.value) for w in model.weights], [np.array(w.value) for w in source.weights])


def test_a_file_with_optimizer_loads_into_an_uncompiled_model_silently(tmp_path):
    source = stack(optimizers.Adam())
    source.save_weights(tmp_path / "m.weights.h5")
    model = stack()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.load_weights(tmp_path / "m.weights.h5")
    assert_same([np.array(w.value) for w in model.weights], [np.array(w.value) for w in source.weights])


@pytest.mark.parametrize("content", [b"", b"not an hdf5 file at all", b"\x89HDF\r\n\x1a\n" + b"\0" * 40])
def test_files_that_are_not_hdf5(tmp_path, content):
    path = tmp_path / "bad.weights.h5"
    path.write_bytes(content)
    model = stack()
    before = state(model)
    with pytest.raises(OSError, match=r"Cannot read '.*bad\.weights\.h5': it is not an HDF5 file"):
        model.load_weights(path)
    assert_same(state(model), before)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No weights file at '.*none\.weights\.h5'"):
        stack().load_weights(tmp_path / "none.weights.h5")


def test_wrong_dtype_kind_and_links_are_refused(tmp_path):
    model = stack(optimizers.Adam())
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as file:
        del file["layers/normalization/vars/2"]
        file["layers/normalization/vars/2"] = np.float32(3.0)
    with pytest.raises(ValueError, match=r"/layers/normalization/vars/2 \(count of layer 'normalization' "
                                         r"\(Normalization\)\): expected integer values \(int32\), the file holds "
                                         "float32"):
        model.load_weights(path)
    model.save_weights(path)
    with h5py.File(path, "a") as file:
        del file["layers/dense/vars/1"]
        file["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense_1/vars/1")
    with pytest.raises(ValueError, match=r"/layers/dense/vars/1 is a SoftLink"):
        model.load_weights(path)
    model.save_weights(path)
    with h5py.File(path, "a") as file:
        file["layers/dense/vars"].create_dataset("2", data=np.zeros(3, "float32"))
    with pytest.raises(ValueError, match=r"/layers/dense/vars holds 3 arrays \('0', '1', '2'\); layer 'hidden' "
                                         r"\(Dense\) has 2 variables: kernel \(3, 4\), bias \(4,\)"):
        model.load_weights(path)


def test_a_never_built_sublayer_cannot_take_arrays(tmp_path):
    model = Subclassed()
    model(X)
    model.heads["b"](X[:, :1].repeat(4, axis=1))  # the head 'b' is built in this model only
    model.save_weights(tmp_path / "s.weights.h5")
    copy = Subclassed()
    copy(X)
    with pytest.raises(ValueError, match=r"/heads/dense/vars holds 2 arrays, but layer 'dense_\d+' "
                                         r"\(Dense; saved as 'dense_4'\) was never built"):
        copy.load_weights(tmp_path / "s.weights.h5")
