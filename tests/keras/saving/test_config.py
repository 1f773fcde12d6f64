"""Models as Keras's config dicts and JSON, and back; the user's own classes by registered name.

Loading never runs code a file names: a class is found only in glassnet's table, the registry
and ``custom_objects``.
"""
import json
import sys

import numpy as np
import pytest

import glassnet
from glassnet.keras import Input, Model, Sequential, layers, models, optimizers, saving
from glassnet.keras.saving import serialization_lib


def _model():
    model = Sequential([Input((3,)), layers.Normalization(), layers.Dense(4, activation="relu", kernel_regularizer="l2",
                                                                           name="hidden"),
                        layers.Dropout(0.2), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(0.1, momentum=0.9), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_json_round_trip_keeps_architecture_and_compile_settings():
    model = _model()
    config = json.loads(model.to_json())
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    entries = config["config"]["layers"]
    assert [e["class_name"] for e in entries] == ["InputLayer", "Normalization", "Dense", "Dropout", "Dense"]
    assert entries[2]["config"]["dtype"]["class_name"] == "DTypePolicy"  # Keras 3's form in files
    assert entries[2]["build_config"] == {"input_shape": [None, 3]}
    assert config["compile_config"]["optimizer"]["config"]["momentum"] == 0.9
    assert config["compile_config"]["loss"] == "binary_crossentropy"

    clone = models.model_from_json(model.to_json())
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert clone.built and [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    for mine, theirs in zip(clone.layers, model.layers):
        assert mine.get_config() == theirs.get_config()
    assert isinstance(clone.optimizer, optimizers.SGD) and clone.optimizer.get_config() == model.optimizer.get_config()
    assert clone.loss == "binary_crossentropy"
    x, y = np.random.default_rng(0).random((8, 3), dtype="float32"), np.ones((8, 1), "float32")
    assert np.isfinite(clone.fit(x, y, epochs=1, verbose=0).history["loss"][0])


def test_a_model_built_from_data_still_saves_its_input():
    model = Sequential([layers.Dense(2)])
    model.predict(np.ones((1, 5)), verbose=0)
    clone = models.model_from_json(model.to_json())
    assert clone.built and clone.layers[0].kernel.shape == (5, 2)


def test_clone_model_has_new_weights_and_no_compile():
    model = _model()
    clone = models.clone_model(model)
    assert not clone.compiled and clone.layers[1].kernel is not model.layers[1].kernel


@saving.register_keras_serializable(package="tests")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Shift(layers.Layer):  # not registered, no get_config: Keras's auto-config saves its arguments
    def __init__(self, amount, name=None):
        super().__init__(name=name)
        self.amount = amount

    def call(self, inputs):
        return inputs + self.amount


def test_registered_and_custom_layers_round_trip():
    model = Sequential([Input((2,)), Scale(3.0), Shift(amount=1.5)])
    config = json.loads(model.to_json())
    scale, shift = config["config"]["layers"][1:]
    assert scale["registered_name"] == "tests>Scale" and scale["config"]["factor"] == 3.0
    assert shift["config"] == {"amount": 1.5, "name": model.layers[1].name}
    with pytest.raises(TypeError, match="Could not locate class 'Shift'.*register_keras_serializable"):
        models.model_from_json(model.to_json())
    clone = models.model_from_json(model.to_json(), custom_objects={"Shift": Shift})
    np.testing.assert_array_equal(clone.predict(np.ones((1, 2)), verbose=0), [[4.5, 4.5]])
    with saving.custom_object_scope({"Shift": Shift}):
        assert isinstance(models.model_from_json(model.to_json()).layers[1], Shift)


def test_a_layer_with_arguments_that_cannot_be_saved_says_to_write_get_config():
    class Holder(layers.Layer):
        def __init__(self, table):
            super().__init__()
            self.table = table

    with pytest.raises(NotImplementedError, match="must override `get_config\\(\\)`"):
        Holder(np.zeros(3)).get_config()


class Tower(Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs)


def test_a_subclassed_model_saves_its_constructor_arguments():
    model = Tower(units=2, name="tower")
    model(np.ones((1, 4), "float32"))
    model.compile(optimizer="adam", loss="mse")
    config = json.loads(model.to_json())
    assert config["config"]["units"] == 2 and config["build_config"] == {"input_shape": [None, 4]}
    clone = models.model_from_json(model.to_json(), custom_objects={"Tower": Tower})
    assert clone.units == 2 and clone.built and clone.dense.kernel.shape == (4, 2) and clone.name == "tower"
    assert isinstance(clone.optimizer, optimizers.Adam)


def test_a_file_never_imports_the_module_it_names():
    entry = {"module": "glassnet_test_not_a_module", "class_name": "Exploit", "config": {}, "registered_name": None}
    with pytest.raises(TypeError, match="Could not locate class 'Exploit'"):
        serialization_lib.deserialize_keras_object(entry)
    assert "glassnet_test_not_a_module" not in sys.modules
    entry = {"module": "keras.layers", "class_name": "Conv7D", "config": {}, "registered_name": None}
    with pytest.raises(TypeError, match="glassnet's keras.layers has: .*Dense"):
        serialization_lib.deserialize_keras_object(entry)


def test_keras_only_options_are_accepted_at_their_defaults_and_refused_otherwise():
    entry = serialization_lib.serialize_keras_object(layers.Dense(2))
    entry["config"]["quantization_config"] = None
    assert isinstance(serialization_lib.deserialize_keras_object(entry), layers.Dense)
    entry["config"]["quantization_config"] = {"mode": "int8"}
    with pytest.raises(ValueError, match="does not support quantization_config"):
        serialization_lib.deserialize_keras_object(entry)
    with pytest.raises(ValueError, match="sparse=True"):
        layers.InputLayer(shape=(2,), sparse=True)


def test_plain_values_tuples_and_arrays_round_trip():
    value = {"a": (1, 2), "b": np.arange(3, dtype="int32"), "c": [None, True, "x", 1.5]}
    back = serialization_lib.deserialize_keras_object(
        json.loads(json.dumps(serialization_lib.serialize_keras_object(value))))
    assert back["a"] == [1, 2] and back["c"] == [None, True, "x", 1.5]
    assert back["b"]["class_name"] == "__numpy__"  # nested dicts come back as written, as in Keras
    assert serialization_lib.deserialize_keras_object(
        serialization_lib.serialize_keras_object(np.arange(3, dtype="int32"))).dtype == np.int32


def test_registering_needs_a_get_config_and_a_plain_package():
    with pytest.raises(ValueError, match="get_config"):
        saving.register_keras_serializable()(type("NoConfig", (), {}))
    with pytest.raises(ValueError, match="package"):
        saving.register_keras_serializable(package="a>b")
    assert glassnet.keras.utils.register_keras_serializable is saving.register_keras_serializable


@saving.register_keras_serializable(package="tests", name="squared")
def squared(x):
    return x * x


@saving.register_keras_serializable(package="tests")
class HalfL1(glassnet.keras.regularizers.Regularizer):
    def __call__(self, weights):
        return glassnet.keras.regularizers.L1(0.5)(weights)

    def get_config(self):
        return {}


def test_registered_functions_and_objects_are_found_by_their_registered_names():
    model = Sequential([Input((2,)), layers.Dense(2, activation=squared, kernel_regularizer=HalfL1()),
                        layers.Activation(squared)])
    config = json.loads(model.to_json())
    dense, activation = config["config"]["layers"][1:]
    assert dense["config"]["activation"] == {"module": __name__, "class_name": "function",
                                             "config": "tests>squared", "registered_name": "function"}
    assert dense["config"]["kernel_regularizer"]["registered_name"] == "tests>HalfL1"
    clone = models.model_from_json(model.to_json())
    assert clone.layers[0].activation is squared and clone.layers[1].activation is squared
    assert isinstance(clone.layers[0].kernel_regularizer, HalfL1)
    assert glassnet.keras.activations.get("tests>squared") is squared  # names reach every get()
    assert isinstance(glassnet.keras.regularizers.get("tests>HalfL1"), HalfL1)


def test_layers_serialize_and_deserialize():
    entry = layers.serialize(Scale(4.0, name="scale4"))
    assert entry["registered_name"] == "tests>Scale"
    layer = layers.deserialize(entry)
    assert isinstance(layer, Scale) and layer.factor == 4.0 and layer.name == "scale4"
    assert isinstance(layers.deserialize(layers.serialize(layers.Dense(3))), layers.Dense)


def test_flatten_reads_keras_data_format_and_flattens_channels_first_as_channels_last():
    entry = {"module": "keras.layers", "class_name": "Flatten", "registered_name": None,
             "config": {"name": "flatten", "trainable": True, "data_format": "channels_last",
                        "dtype": serialization_lib.dtype_policy("float32")}}
    assert serialization_lib.deserialize_keras_object(entry).data_format == "channels_last"
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)  # (batch, channels, steps)
    flat = layers.Flatten(data_format="channels_first")(x).numpy()
    np.testing.assert_array_equal(flat, x.transpose(0, 2, 1).reshape(2, -1))
    with pytest.raises(ValueError, match="data_format"):
        layers.Flatten(data_format="channels_middle")
