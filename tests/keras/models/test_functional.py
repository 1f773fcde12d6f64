"""The functional API: Model(inputs, outputs) on graphs with branches, merges, shared layers,
several inputs, nested models; training; summary; config and files."""
import numpy as np
import pytest

import glassnet
from glassnet.autodiff import check_gradients
from glassnet.keras import Input, Model, Sequential, layers


def _two_input_model():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    x = layers.Dense(4, name="da")(a)
    y = layers.Dense(4, name="db")(b)
    merged = layers.Concatenate(name="cat")([layers.Add(name="add")([x, y]), b])
    return Model([a, b], layers.Dense(1, name="out")(merged), name="two")


def _by_hand(model, xa, xb):
    w = {layer.name: layer.get_weights() for layer in model.layers if layer.weights}
    x = xa @ w["da"][0] + w["da"][1]
    y = xb @ w["db"][0] + w["db"][1]
    merged = np.concatenate([x + y, xb], axis=1)
    return merged @ w["out"][0] + w["out"][1]


def test_model_of_inputs_and_outputs_is_functional_with_keras_layer_order():
    model = _two_input_model()
    assert type(model).__name__ == "Functional" and isinstance(model, Model)
    assert [layer.name for layer in model.layers] == ["a", "b", "da", "db", "add", "cat", "out"]
    assert [t.name for t in model.inputs] == ["a", "b"]
    assert model.output is model.outputs[0]
    assert model.get_layer("cat").output.shape.as_list() == [None, 6]
    assert len(model.weights) == 6


def test_several_inputs_as_list_or_dict_give_the_graph_computed_by_hand():
    model = _two_input_model()
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 2)).astype("float32")
    expected = _by_hand(model, xa, xb)
    np.testing.assert_allclose(model([xa, xb]).numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model({"b": xb, "a": xa}).numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict({"a": xa, "b": xb}, batch_size=2, verbose=0), expected,
                               rtol=1e-5, atol=1e-6)


def test_wrong_inputs_are_clear_errors():
    model = _two_input_model()
    with pytest.raises(ValueError, match="doesn't match the expected structure"):
        model(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"Input 1 with name 'b' of layer 'two' .*expected shape=\(None, 2\), "
                                         r"found shape=\(2, 5\)"):
        model([np.ones((2, 3), "float32"), np.ones((2, 5), "float32")])
    with pytest.raises(ValueError, match="must be a list of 2 arrays"):
        model.predict(np.ones((2, 3)), verbose=0)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.predict([np.ones((2, 3)), np.ones((3, 2))], verbose=0)
    with pytest.raises(ValueError, match=r"without the model's inputs \['b'\]"):
        model.predict({"a": np.ones((2, 3))}, verbose=0)


def test_inputs_must_be_keras_tensors_and_connected():
    a = Input((3,))
    with pytest.raises(ValueError, match="All `inputs` values must be KerasTensors"):
        Model(np.ones((2, 3)), layers.Dense(1)(a))
    b = Input((3,))
    with pytest.raises(ValueError, match="Output with path `` is not connected to `inputs`"):
        Model(a, layers.Add()([a, b]))
    with pytest.raises(ValueError, match="Output with path `1` is not connected to `inputs`"):
        Model(a, [layers.Dense(1)(a), layers.Dense(1)(b)])


def test_shared_layer_has_one_node_per_call_and_its_first_input():
    u, v = Input((5,), name="u"), Input((5,), name="v")
    shared = layers.Dense(3, name="shared")
    cosine = layers.Dot(axes=1, normalize=True)([shared(u), shared(v)])
    model = Model([u, v], cosine)
    assert len(shared._inbound_nodes) == 2
    assert shared.input is u  # Keras 3: the first call's
    assert [layer.name for layer in model.layers][:3] == ["u", "v", "shared"]
    assert len(model.weights) == 2
    rng = np.random.default_rng(1)
    xu, xv = rng.normal(size=(4, 5)).astype("float32"), rng.normal(size=(4, 5)).astype("float32")
    kernel, bias = shared.get_weights()
    a, b = xu @ kernel + bias, xv @ kernel + bias
    expected = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(model.predict([xu, xv], verbose=0)[:, 0], expected, rtol=1e-5, atol=1e-6)


def test_nested_models_both_ways():
    inner = Sequential([Input((3,)), layers.Dense(2, name="inner_dense")], name="inner")
    x = Input((3,))
    model = Model(x, layers.Dense(1, name="head")(inner(x)))
    assert [layer.name for layer in model.layers][1:] == ["inner", "head"]
    data = np.random.default_rng(2).normal(size=(4, 3)).astype("float32")
    k1, b1 = inner.layers[0].get_weights()
    k2, b2 = model.get_layer("head").get_weights()
    np.testing.assert_allclose(model(data).numpy(), (data @ k1 + b1) @ k2 + b2, rtol=1e-5, atol=1e-6)
    outer = Sequential([model, layers.Dense(2)])
    assert outer(data).shape.as_list() == [4, 2]
    z = Input((3,))
    twice = Model(z, layers.Add()([model(z), model(z)]))
    np.testing.assert_allclose(twice(data).numpy(), 2 * model(data).numpy(), rtol=1e-6)


def test_training_flag_reaches_dropout():
    x = Input((50,))
    model = Model(x, layers.Dropout(0.5)(x))
    data = np.ones((4, 50), "float32")
    np.testing.assert_array_equal(model(data).numpy(), data)
    assert (model(data, training=True).numpy() == 0).any()


def test_single_output_training_matches_the_same_sequential_model():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    glassnet.random.set_seed(0)
    seq = Sequential([Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(1)])
    inputs = Input((4,))
    func = Model(inputs, layers.Dense(1)(layers.Dense(5, activation="relu")(inputs)))
    func.set_weights(seq.get_weights())
    for model in (seq, func):
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    h1 = seq.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False)
    h2 = func.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False)
    np.testing.assert_allclose(h2.history["loss"], h1.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(func.evaluate(x, y, verbose=0), seq.evaluate(x, y, verbose=0), rtol=1e-5)


def test_fit_with_several_inputs_lowers_the_loss_and_validation_split_works():
    rng = np.random.default_rng(4)
    xa, xb = rng.normal(size=(64, 3)).astype("float32"), rng.normal(size=(64, 2)).astype("float32")
    y = (xa.sum(1, keepdims=True) - xb[:, :1]).astype("float32")
    model = _two_input_model()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit([xa, xb], y, epochs=5, batch_size=16, validation_split=0.25, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert "val_loss" in history.history
    assert np.isfinite(model.evaluate({"a": xa, "b": xb}, y, verbose=0))
    assert np.isfinite(model.train_on_batch([xa[:4], xb[:4]], y[:4]))


def test_several_outputs_predict_and_compile_with_a_loss_per_output():
    x = Input((3,))
    model = Model(x, [layers.Dense(1, name="o1")(x), layers.Dense(2, name="o2")(x)])
    out = model.predict(np.ones((5, 3)), verbose=0)
    assert [o.shape for o in out] == [(5, 1), (5, 2)]
    model.compile(optimizer="adam", loss="mse")  # trained per output: tests/keras/trainers/test_multi_output.py
    logs = model.evaluate(np.ones((5, 3)), [np.ones((5, 1)), np.ones((5, 2))], verbose=0, return_dict=True)
    assert sorted(logs) == ["loss", "o1_loss", "o2_loss"]


@pytest.mark.parametrize("layer, reference", [
    (layers.Add, lambda a, b, c: a + b + c),
    (layers.Multiply, lambda a, b, c: a * b * c),
    (layers.Average, lambda a, b, c: (a + b + c) / 3),
    (layers.Maximum, lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    (layers.Minimum, lambda a, b, c: np.minimum(np.minimum(a, b), c)),
    (layers.Concatenate, lambda a, b, c: np.concatenate([a, b, c], axis=-1)),
])
def test_merge_layers_values_and_gradients(layer, reference):
    rng = np.random.default_rng(5)
    arrays = [rng.normal(size=(3, 4)) for _ in range(3)]
    np.testing.assert_allclose(layer(dtype="float64")(arrays).numpy(), reference(*arrays), rtol=1e-12)
    weights = rng.normal(size=reference(*arrays).shape)
    check_gradients(lambda a, b, c: layer(dtype="float64")([a, b, c]) * weights, *arrays)


def test_subtract_and_dot_values_and_gradients():
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    np.testing.assert_allclose(layers.Subtract(dtype="float64")([a, b]).numpy(), a - b)
    check_gradients(lambda p, q: layers.Subtract(dtype="float64")([p, q]) * np.arange(4.0), a, b)
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(layers.Dot(axes=1, normalize=True, dtype="float64")([a, b]).numpy()[:, 0], cosine)
    check_gradients(lambda p, q: layers.Dot(axes=1, normalize=True, dtype="float64")([p, q]) * np.arange(3.0)[:, None],
                    a, b)
    s, t = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    np.testing.assert_allclose(layers.Dot(axes=(2, 2), dtype="float64")([s, t]).numpy(), s @ t.transpose(0, 2, 1))
    weights = rng.normal(size=(2, 3, 5))
    check_gradients(lambda p, q: layers.Dot(axes=2, dtype="float64")([p, q]) * weights, s, t)


def test_merge_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"axis values 3 \(at axis 1\) != 4 \(at axis 1\). Full input shapes: "
                                         r"\(None, 3\), \(None, 4\)"):
        layers.Dot(axes=1)([Input((3,)), Input((4,))])
    with pytest.raises(ValueError, match=r"matching shapes except for the concatenation axis. Received: "
                                         r"input_shape=\[\(None, 3, 2\), \(None, 4, 3\)\]"):
        layers.Concatenate()([Input((3, 2)), Input((4, 3))])
    with pytest.raises(ValueError, match=r"Inputs have incompatible shapes. Received shapes \(3,\) and \(4,\)"):
        layers.Add()([Input((3,)), Input((4,))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([Input((3,)), Input((3,)), Input((3,))])
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        layers.Add()(Input((3,)))


def test_lambda_layer_in_a_graph():
    x = Input((3,))
    model = Model(x, layers.Lambda(lambda t: t * 2.0)(x))
    assert model.output.shape.as_list() == [None, 3]
    np.testing.assert_allclose(model(np.ones((2, 3), "float32")).numpy(), 2 * np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="Python lambda"):
        model.get_config()


def test_summary_has_keras_connected_to_column():
    lines = []
    _two_input_model().summary(line_length=76, print_fn=lines.append)
    text = lines[0].splitlines()
    assert text[2] == "┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃"
    assert "│ add (Add)           │ (None, 4)         │          0 │ da[0][0],         │" in text
    assert "│                     │                   │            │ db[0][0]          │" in text
    chain_lines = []
    x = Input((3,))
    Model(x, layers.Dense(2)(x)).summary(print_fn=chain_lines.append)
    assert "Connected to" not in chain_lines[0]


def test_config_round_trip_rebuilds_the_same_graph():
    model = _two_input_model()
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == ["out", 0, 0]
    add = next(entry for entry in config["layers"] if entry["name"] == "add")
    assert [t["config"]["keras_history"] for t in add["inbound_nodes"][0]["args"][0]] == [["da", 0, 0], ["db", 0, 0]]
    clone = Model.from_config(config)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    data = [np.ones((2, 3), "float32"), np.ones((2, 2), "float32")]
    np.testing.assert_allclose(clone(data).numpy(), model(data).numpy())


def test_keras_file_round_trip(tmp_path):
    pytest.importorskip("h5py")
    model = _two_input_model()
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(7)
    data = [rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")]
    model.fit(data, rng.normal(size=(8, 1)).astype("float32"), verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = glassnet.keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)


def test_explain_writes_a_graph_one_layer_call_a_line():
    a, b = Input((4,), name="a"), Input((3,), name="b")
    shared = layers.Dense(5, activation="relu", name="shared", kernel_regularizer="l2")
    x, y = shared(layers.Dense(4, name="pa")(a)), shared(layers.Dense(4, name="pb")(b))
    out = layers.Dense(1, activation="sigmoid")(layers.Dot(axes=1, normalize=True)([x, y]))
    model = Model([a, b], out)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    text = model.explain().text()
    lines = [line.split("    ")[0].strip() for line in text.splitlines() if line.startswith("  a")]
    # the graph's order; the shared layer's two calls use the same W3 and b3
    assert lines == ["a1 = x_b @ W1 + b1", "a2 = x_a @ W2 + b2", "a3 = relu(a2 @ W3 + b3)",
                     "a4 = relu(a1 @ W3 + b3)", "a5 = cos(a3, a4) = a3·a4 / (|a3| |a4|)",
                     "a6 = sigmoid(a5 @ W6 + b6)"]
    assert "+ 0.01 · Σ W3²" in text and "ŷ = a6" in text

def test_a_keras_2_functional_config_with_list_nodes_loads():
    """tf.keras 2 (and its .h5 files) wrote each node as a list of [layer, node, tensor, kwargs]."""
    from glassnet.keras.saving import legacy_h5_config, serialization_lib
    config = {"name": "m", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3], "dtype": "float32", "name": "a"},
         "name": "a", "inbound_nodes": []},
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2], "dtype": "float32", "name": "b"},
         "name": "b", "inbound_nodes": []},
        {"class_name": "Concatenate", "config": {"name": "c", "axis": -1}, "name": "c",
         "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]]},
        {"class_name": "Dense", "config": {"name": "o", "units": 1}, "name": "o",
         "inbound_nodes": [[["c", 0, 0, {}]]]}],
        "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["o", 0, 0]]}
    model = serialization_lib.deserialize_keras_object(
        legacy_h5_config.model_entry({"class_name": "Model", "config": config}))
    assert [layer.name for layer in model.layers] == ["a", "b", "c", "o"]
    xa, xb = np.ones((2, 3), "float32"), np.full((2, 2), 2.0, "float32")
    kernel, bias = model.get_layer("o").get_weights()
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), np.concatenate([xa, xb], 1) @ kernel + bias,
                               rtol=1e-6)


def test_legacy_h5_round_trip(tmp_path):
    pytest.importorskip("h5py")
    model = _two_input_model()
    data = [np.ones((3, 3), "float32"), np.ones((3, 2), "float32")]
    with pytest.warns(UserWarning, match="legacy"):
        model.save(tmp_path / "m.h5")
    loaded = glassnet.keras.models.load_model(tmp_path / "m.h5")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)


def test_feature_extraction_from_a_sequential_model():
    """Keras's idiom: a functional model from a built Sequential's input and its layers' outputs."""
    seq = Sequential([Input((3,)), layers.Dense(4, activation="relu", name="h"), layers.Dense(1, name="o")])
    extractor = Model(inputs=seq.inputs, outputs=[layer.output for layer in seq.layers])
    assert [layer.name for layer in extractor.layers][1:] == ["h", "o"]
    data = np.random.default_rng(8).normal(size=(5, 3)).astype("float32")
    hidden, out = extractor.predict(data, verbose=0)
    kernel, bias = seq.get_layer("h").get_weights()
    np.testing.assert_allclose(hidden, np.maximum(data @ kernel + bias, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, seq.predict(data, verbose=0), rtol=1e-6)
    unbuilt = Sequential([layers.Dense(2)])
    unbuilt.build((None, 3))
    assert Model(unbuilt.input, unbuilt.layers[0].output)(data).shape.as_list() == [5, 2]


def test_an_input_with_a_batch_size_takes_other_batch_sizes():
    x = Input((3,), batch_size=4)
    model = Model(x, layers.Dense(2)(x))
    assert model.predict(np.ones((10, 3)), verbose=0).shape == (10, 2)


def test_lambda_of_a_registered_function_saves_by_name():
    @glassnet.keras.saving.register_keras_serializable(package="functional_test")
    def double(x):
        return x * 2.0
    x = Input((3,))
    model = Model(x, layers.Lambda(double, name="lam")(x))
    config = model.get_config()
    assert config["layers"][1]["config"]["function"]["config"] == "functional_test>double"
    rebuilt = Model.from_config(config)
    np.testing.assert_allclose(rebuilt(np.ones((1, 3), "float32")).numpy(), [[2.0, 2.0, 2.0]])


def test_the_functional_merge_forms_are_the_layers():
    a, b = Input((3,)), Input((3,))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    y = np.ones((2, 3), "float32")
    cases = [(layers.add, x + y), (layers.subtract, x - y), (layers.multiply, x * y),
             (layers.average, (x + y) / 2), (layers.maximum, np.maximum(x, y)), (layers.minimum, np.minimum(x, y)),
             (layers.concatenate, np.concatenate([x, y], axis=-1)),
             (lambda t: layers.dot(t, axes=1), np.sum(x * y, 1)[:, None])]
    for merge, expected in cases:
        model = Model([a, b], merge([a, b]))
        np.testing.assert_allclose(model.predict([x, y], verbose=0), expected, rtol=1e-6)
