"""Keras's guide "Save, serialize, and export models" (keras-io ``guides/serialization_and_saving.py``,
Keras 3 edition, 2023/06/30), run as a new user would: the code as written, only the imports changed.

The changes, each marked ``# SUBST`` where it is made:

- ``import keras`` -> ``from glassnet import keras``; ``keras.ops.matmul`` -> ``glassnet.autodiff.ops.matmul``
  (glassnet has no ``keras.ops`` yet: another issue).
- ``keras.Model(inputs, outputs)`` (the functional API, another issue) -> ``keras.Sequential`` with the
  same layers, named as the guide names them.

Left out: the ``export`` section (TensorFlow SavedModel serving artifacts).
"""
import numpy as np
import pytest

from glassnet import keras  # SUBST: import keras
from glassnet.autodiff import ops  # SUBST: from keras import ops

pytest.importorskip("h5py")


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_saving():
    def get_model():
        # SUBST: inputs = keras.Input(shape=(32,)); outputs = Dense(1)(inputs); keras.Model(inputs, outputs)
        model = keras.Sequential([keras.Input(shape=(32,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error")
        return model

    model = get_model()
    test_input = np.random.random((128, 32))
    test_target = np.random.random((128, 1))
    model.fit(test_input, test_target)
    model.save("my_model.keras")
    reconstructed_model = keras.models.load_model("my_model.keras")
    np.testing.assert_allclose(model.predict(test_input), reconstructed_model.predict(test_input))


def test_custom_objects_registered_passed_and_scoped():
    keras.saving.get_custom_objects().clear()

    @keras.saving.register_keras_serializable(package="MyLayers")
    class CustomLayer(keras.layers.Layer):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {"factor": self.factor}

    @keras.saving.register_keras_serializable(package="my_package", name="custom_fn")
    def custom_fn(x):
        return x**2

    def get_model():
        # SUBST: the functional Input -> CustomLayer -> Dense(1, activation=custom_fn) as a Sequential
        model = keras.Sequential([keras.Input(shape=(4,)), CustomLayer(0.5),
                                  keras.layers.Dense(1, activation=custom_fn)])
        model.compile(optimizer="rmsprop", loss="mean_squared_error")
        return model

    def train_model(model):
        input = np.random.random((4, 4))  # noqa: A001 - the guide's name
        target = np.random.random((4, 1))
        model.fit(input, target)
        return model

    test_input = np.random.random((4, 4))

    model = get_model()
    model = train_model(model)
    model.save("custom_model.keras")
    reconstructed_model = keras.models.load_model("custom_model.keras")
    np.testing.assert_allclose(model.predict(test_input), reconstructed_model.predict(test_input))

    model = get_model()
    model = train_model(model)
    model.save("custom_model.keras")
    reconstructed_model = keras.models.load_model(
        "custom_model.keras",
        custom_objects={"CustomLayer": CustomLayer, "custom_fn": custom_fn},
    )
    np.testing.assert_allclose(model.predict(test_input), reconstructed_model.predict(test_input))

    model = get_model()
    model = train_model(model)
    model.save("custom_model.keras")
    custom_objects = {"CustomLayer": CustomLayer, "custom_fn": custom_fn}
    with keras.saving.custom_object_scope(custom_objects):
        reconstructed_model = keras.models.load_model("custom_model.keras")
    np.testing.assert_allclose(model.predict(test_input), reconstructed_model.predict(test_input))

    new_model = keras.models.clone_model(model)
    assert [type(layer) for layer in new_model.layers] == [CustomLayer, keras.layers.Dense]
    keras.saving.get_custom_objects().clear()


def test_model_serialization():
    layer = keras.layers.Dense(3, activation="relu")
    layer_config = layer.get_config()
    assert layer_config["units"] == 3 and layer_config["activation"] == "relu"
    new_layer = keras.layers.Dense.from_config(layer_config)
    assert new_layer.get_config() == layer_config

    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    config = model.get_config()
    new_model = keras.Sequential.from_config(config)
    assert new_model.layers[0].kernel.shape == (32, 1)

    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    json_config = model.to_json()
    new_model = keras.models.model_from_json(json_config)
    assert new_model.layers[0].kernel.shape == (32, 1)

    my_reg = keras.regularizers.L1(0.005)
    config = keras.saving.serialize_keras_object(my_reg)
    assert config == {"module": "keras.regularizers", "class_name": "L1", "config": {"l1": 0.005},
                      "registered_name": None}
    new_reg = keras.saving.deserialize_keras_object(config)
    assert isinstance(new_reg, keras.regularizers.L1) and new_reg.l1 == 0.005


def test_model_weights_saving():
    def create_layer():
        layer = keras.layers.Dense(64, activation="relu", name="dense_2")
        layer.build((None, 784))
        return layer

    layer_1 = create_layer()
    layer_2 = create_layer()
    layer_2.set_weights(layer_1.get_weights())

    # SUBST: the functional "3_layer_mlp" as a Sequential with the same layers
    functional_model = keras.Sequential([
        keras.Input(shape=(784,), name="digits"),
        keras.layers.Dense(64, activation="relu", name="dense_1"),
        keras.layers.Dense(64, activation="relu", name="dense_2"),
        keras.layers.Dense(10, name="predictions"),
    ], name="3_layer_mlp")

    class SubclassedModel(keras.Model):
        def __init__(self, output_dim, name=None):
            super().__init__(name=name)
            self.output_dim = output_dim
            self.dense_1 = keras.layers.Dense(64, activation="relu", name="dense_1")
            self.dense_2 = keras.layers.Dense(64, activation="relu", name="dense_2")
            self.dense_3 = keras.layers.Dense(output_dim, name="predictions")

        def call(self, inputs):
            x = self.dense_1(inputs)
            x = self.dense_2(x)
            x = self.dense_3(x)
            return x

        def get_config(self):
            return {"output_dim": self.output_dim, "name": self.name}

    subclassed_model = SubclassedModel(10)
    subclassed_model(np.ones((1, 784)))
    subclassed_model.set_weights(functional_model.get_weights())
    assert len(functional_model.weights) == len(subclassed_model.weights)
    for a, b in zip(functional_model.weights, subclassed_model.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy())

    sequential_model = keras.Sequential(
        [
            keras.Input(shape=(784,), name="digits"),
            keras.layers.Dense(64, activation="relu", name="dense_1"),
            keras.layers.Dense(64, activation="relu", name="dense_2"),
            keras.layers.Dense(10, name="predictions"),
        ]
    )
    sequential_model.save_weights("my_model.weights.h5")
    sequential_model.load_weights("my_model.weights.h5")

    class NestedDenseLayer(keras.layers.Layer):
        def __init__(self, units, name=None):
            super().__init__(name=name)
            self.dense_1 = keras.layers.Dense(units, name="dense_1")
            self.dense_2 = keras.layers.Dense(units, name="dense_2")

        def call(self, inputs):
            return self.dense_2(self.dense_1(inputs))

    nested_model = keras.Sequential([keras.Input((784,)), NestedDenseLayer(10, "nested")])
    variable_names = [v.name for v in nested_model.weights]
    nested_model.get_layer("nested").dense_1.trainable = False
    variable_names_2 = [v.name for v in nested_model.weights]
    # Keras 3 prints "variable ordering changed: False" here (its weights keep their order); so does glassnet
    assert variable_names == variable_names_2
    assert [v.path for v in nested_model.weights][0].endswith("/nested/dense_1/kernel")

    def create_functional_model():
        # SUBST: the functional model as a Sequential
        return keras.Sequential([
            keras.Input(shape=(784,), name="digits"),
            keras.layers.Dense(64, activation="relu", name="dense_1"),
            keras.layers.Dense(64, activation="relu", name="dense_2"),
            keras.layers.Dense(10, name="predictions"),
        ], name="3_layer_mlp")

    functional_model = create_functional_model()
    functional_model.save_weights("pretrained.weights.h5")
    pretrained_model = create_functional_model()
    pretrained_model.load_weights("pretrained.weights.h5")
    for a, b in zip(functional_model.get_weights(), pretrained_model.get_weights()):
        np.testing.assert_array_equal(a, b)
    extracted_layers = pretrained_model.layers[:-1]
    extracted_layers.append(keras.layers.Dense(5, name="dense_3"))
    model = keras.Sequential(extracted_layers)
    model.summary()


def test_handling_custom_objects():
    @keras.saving.register_keras_serializable(package="MyLayers", name="KernelMult")
    class MyDense(keras.layers.Layer):
        def __init__(self, units, *, kernel_regularizer=None, kernel_initializer=None, nested_model=None,
                     **kwargs):
            super().__init__(**kwargs)
            self.hidden_units = units
            self.kernel_regularizer = kernel_regularizer
            self.kernel_initializer = kernel_initializer
            self.nested_model = nested_model

        def get_config(self):
            config = super().get_config()
            config.update({
                "units": self.hidden_units,
                "kernel_regularizer": self.kernel_regularizer,
                "kernel_initializer": self.kernel_initializer,
                "nested_model": self.nested_model,
            })
            return config

        def build(self, input_shape):
            input_units = input_shape[-1]
            self.kernel = self.add_weight(name="kernel", shape=(input_units, self.hidden_units),
                                          regularizer=self.kernel_regularizer,
                                          initializer=self.kernel_initializer)

        def call(self, inputs):
            return ops.matmul(inputs, self.kernel)

    layer = MyDense(units=16, kernel_regularizer="l1", kernel_initializer="ones")
    layer3 = MyDense(units=64, nested_model=layer)
    config = keras.layers.serialize(layer3)
    assert config["registered_name"] == "MyLayers>KernelMult" and config["module"] == __name__
    assert config["config"]["nested_model"]["registered_name"] == "MyLayers>KernelMult"
    new_layer = keras.layers.deserialize(config)
    assert isinstance(new_layer, MyDense) and new_layer.hidden_units == 64

    @keras.saving.register_keras_serializable(package="ComplexModels")
    class CustomModel(keras.layers.Layer):
        def __init__(self, first_layer, second_layer=None, **kwargs):
            super().__init__(**kwargs)
            self.first_layer = first_layer
            if second_layer is not None:
                self.second_layer = second_layer
            else:
                self.second_layer = keras.layers.Dense(8)

        def get_config(self):
            config = super().get_config()
            config.update({"first_layer": self.first_layer, "second_layer": self.second_layer})
            return config

        @classmethod
        def from_config(cls, config):
            config["first_layer"] = keras.layers.deserialize(config["first_layer"])
            config["second_layer"] = keras.layers.deserialize(config["second_layer"])
            return cls(**config)

        def call(self, inputs):
            return self.first_layer(self.second_layer(inputs))

    # SUBST: keras.Model(inputs, CustomModel(first_layer=layer)(inputs)) as a Sequential
    model = keras.Sequential([keras.Input((32,)), CustomModel(first_layer=layer)])
    config = model.get_config()
    new_model = keras.Sequential.from_config(config)
    np.testing.assert_array_equal(new_model.layers[0].first_layer.kernel.numpy(), np.ones((8, 16)))

    layer = MyDense(units=16, kernel_regularizer=keras.regularizers.L1L2(l1=1e-5, l2=1e-4),
                    kernel_initializer="ones")
    config = keras.layers.serialize(layer)
    assert config["class_name"] == "MyDense" and config["registered_name"] == "MyLayers>KernelMult"
    assert config["config"]["kernel_regularizer"]["class_name"] == "L1L2"
