"""The functional API against Keras 3: merge layers' values, a two-input graph's and a two-tower
(content-based filtering) model's predictions and training step with the same weights, the
config format, the summary text, and .keras files both ways."""
import json

import keras
import numpy as np
import pytest

import glassnet
from parity_tools import assert_close

MERGES = [("Add", {}), ("Subtract", {}), ("Multiply", {}), ("Average", {}), ("Maximum", {}), ("Minimum", {}),
          ("Concatenate", {}), ("Concatenate", {"axis": 1}), ("Dot", {"axes": 1}),
          ("Dot", {"axes": 1, "normalize": True}),
          ("Dot", {"axes": (2, 2)}), ("Dot", {"axes": (1, 2), "normalize": True}), ("Dot", {"axes": -1})]


@pytest.mark.parametrize("name, arguments", MERGES, ids=[f"{n}-{a}" for n, a in MERGES])
def test_merge_layer_forward_values(name, arguments):
    rng = np.random.default_rng(len(name) + len(arguments))
    axes = arguments.get("axes")
    shape = (4, 3, 3) if isinstance(axes, tuple) or arguments.get("axis") == 1 else (4, 5)
    count = 2 if name in ("Subtract", "Dot") else 3
    arrays = [rng.normal(size=shape).astype("float32") for _ in range(count)]
    mine = getattr(glassnet.keras.layers, name)(**arguments)(arrays)
    theirs = getattr(keras.layers, name)(**arguments)(arrays)
    assert_close(mine, theirs, family="forward", what=f"{name}({arguments})")
    symbolic = getattr(glassnet.keras.layers, name)(**arguments)([glassnet.keras.Input(shape[1:]) for _ in arrays])
    expected = getattr(keras.layers, name)(**arguments)([keras.Input(shape[1:]) for _ in arrays])
    assert tuple(symbolic.shape) == tuple(expected.shape)


def _two_input(module):
    a, b = module.Input((3,), name="a"), module.Input((2,), name="b")
    x = module.layers.Dense(4, activation="relu", name="da")(a)
    y = module.layers.Dense(4, name="db")(b)
    merged = module.layers.Concatenate(name="cat")([module.layers.Add(name="add")([x, y]), b])
    return module.Model([a, b], module.layers.Dense(1, name="out")(merged), name="two")


def _towers(module):
    """The content-based filtering lab's model: user and item towers, l2-normalised, cosine similarity."""
    user, item = module.Input((6,), name="user"), module.Input((5,), name="item")
    user_tower = module.Sequential([module.layers.Dense(8, activation="relu"), module.layers.Dense(4)], name="user_nn")
    item_tower = module.Sequential([module.layers.Dense(8, activation="relu"), module.layers.Dense(4)], name="item_nn")
    shared = module.layers.Dense(4, name="shared")
    u, v = shared(user_tower(user)), shared(item_tower(item))
    return module.Model([user, item], module.layers.Dot(axes=1, normalize=True, name="cosine")([u, v]), name="cbf")


def _skip_connection(module):
    a, b = module.Input((3,), name="a"), module.Input((2,), name="b")
    hidden = module.layers.Dense(4, name="hidden")(a)
    merged = module.layers.Concatenate(name="merged")([hidden, b, module.layers.Dense(2, name="side")(hidden)])
    return module.Model({"b": b, "a": a}, module.layers.Dense(1, name="out")(merged))


@pytest.mark.parametrize("build", [lambda m: _two_input(m), lambda m: _towers(m), lambda m: _skip_connection(m)],
                         ids=["two_input", "towers", "skip_connection"])
def test_layers_and_inputs_in_keras_order(build):
    theirs, mine = build(keras), build(glassnet.keras)
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    assert [tensor.name for tensor in mine.inputs] == [tensor.name for tensor in theirs.inputs]
    assert len(mine.weights) == len(theirs.weights)


def _data(seed, model):
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(16, t.shape[1])).astype("float32") for t in model.inputs]
    return x, rng.normal(size=(16, 1)).astype("float32")


@pytest.mark.parametrize("build", [_two_input, _towers])
def test_predictions_and_a_training_step_match_keras(build):
    theirs, mine = build(keras), build(glassnet.keras)
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    mine.set_weights(theirs.get_weights())
    x, y = _data(0, theirs)
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward", what=build.__name__)
    for model, module in ((theirs, keras), (mine, glassnet.keras)):
        model.compile(optimizer=module.optimizers.SGD(learning_rate=0.1), loss="mse")
    loss_theirs = theirs.train_on_batch(x, y)
    loss_mine = mine.train_on_batch({"a" if build is _two_input else "user": x[0],
                                     "b" if build is _two_input else "item": x[1]}, y)
    assert_close(loss_mine, loss_theirs, family="forward", what=f"{build.__name__} loss")
    for after_mine, after_theirs in zip(mine.get_weights(), theirs.get_weights()):  # w - 0.1 * gradient
        assert_close(after_mine, after_theirs, family="optimizer", what=f"{build.__name__} step")


def test_config_matches_keras_and_each_reads_the_other():
    theirs, mine = _two_input(keras), _two_input(glassnet.keras)
    # as in a file: JSON (Keras's own dict holds tuples where the file has lists)
    config_theirs, config_mine = json.loads(json.dumps(theirs.get_config())), json.loads(json.dumps(mine.get_config()))
    for key in ("name", "trainable", "input_layers", "output_layers"):
        assert config_mine[key] == config_theirs[key]
    for entry_mine, entry_theirs in zip(config_mine["layers"], config_theirs["layers"]):
        assert (entry_mine["class_name"], entry_mine["name"]) == (entry_theirs["class_name"], entry_theirs["name"])
        assert entry_mine["inbound_nodes"] == entry_theirs["inbound_nodes"]
        assert entry_mine.get("build_config") == entry_theirs.get("build_config")
    from_keras = glassnet.keras.Model.from_config(config_theirs)
    from_mine = keras.Model.from_config(config_mine)
    assert [layer.name for layer in from_keras.layers] == [layer.name for layer in theirs.layers]
    assert [layer.name for layer in from_mine.layers] == [layer.name for layer in theirs.layers]


def _nested_tower(module):
    a, b = module.Input((3,), name="a"), module.Input((2,), name="b")
    layers = module.layers
    tower = module.Sequential([module.Input((3,)), layers.Dense(4, name="t1"), layers.Dense(2, name="t2")],
                              name="tower")
    merged = module.layers.Concatenate(name="cat")([tower(a), b])
    return module.Model([a, b], module.layers.Dense(1, name="out")(merged), name="nested")


SUMMARIES = [(_two_input, {}), (_nested_tower, {"expand_nested": True}), (_nested_tower, {"show_trainable": True}),
             (_two_input, {"positions": [0.25, 0.5, 0.7, 1.0]})]


@pytest.mark.parametrize("build, options", SUMMARIES, ids=["plain", "expand_nested", "show_trainable", "positions"])
def test_summary_text_matches_keras(build, options):
    """At a line length within the 80-column console Keras renders to (wider tables are cropped by it)."""
    theirs, mine = build(keras), build(glassnet.keras)
    text_theirs, text_mine = [], []
    theirs.summary(line_length=76, print_fn=lambda line, **kwargs: text_theirs.append(line), **options)
    mine.summary(line_length=76, print_fn=text_mine.append, **options)
    assert "\n".join(text_mine).strip() == "\n".join(text_theirs).strip()


@pytest.mark.parametrize("build", [_two_input, _towers])
def test_keras_files_both_ways(tmp_path, build):
    """The file carries every weight exactly, at Keras's paths, both ways. Predictions of the
    trained models are compared at the "fit" tolerance: the towers model chains six layers and an
    l2 normalisation, whose float32 roundings add up beyond the one-op "forward" bound (7.8e-7 seen)."""
    x, y = _data(1, build(keras))
    glassnet.random.set_seed(0)
    mine = build(glassnet.keras)
    mine.compile(optimizer="adam", loss="mse")
    mine.fit(x, y, epochs=2, verbose=0)
    mine.save(tmp_path / "mine.keras")
    opened = keras.saving.load_model(tmp_path / "mine.keras")
    for opened_weight, weight in zip(opened.get_weights(), mine.get_weights(), strict=True):
        np.testing.assert_array_equal(opened_weight, weight)
    assert_close(opened.predict(x, verbose=0), mine.predict(x, verbose=0), family="fit", what="glassnet->keras")
    theirs = build(keras)
    theirs.compile(optimizer="adam", loss="mse")
    theirs.fit(x, y, epochs=2, verbose=0)
    theirs.save(tmp_path / "theirs.keras")
    loaded = glassnet.keras.models.load_model(tmp_path / "theirs.keras")
    assert type(loaded).__name__ == "Functional"
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in theirs.layers]
    for loaded_weight, weight in zip(loaded.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_array_equal(loaded_weight, weight)
    assert_close(loaded.predict(x, verbose=0), theirs.predict(x, verbose=0), family="fit", what="keras->glassnet")


def test_legacy_h5_files_both_ways(tmp_path):
    x, _ = _data(2, _two_input(keras))
    mine = _two_input(glassnet.keras)
    with pytest.warns(UserWarning):
        mine.save(tmp_path / "mine.h5")
    opened = keras.saving.load_model(tmp_path / "mine.h5")
    assert_close(opened.predict(x, verbose=0), mine.predict(x, verbose=0), family="forward", what="h5 glassnet->keras")
    theirs = _two_input(keras)
    theirs.save(tmp_path / "theirs.h5")
    loaded = glassnet.keras.models.load_model(tmp_path / "theirs.h5")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in theirs.layers]
    assert_close(loaded.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward",
                 what="h5 keras->glassnet")
