"""Layers called on several KerasTensors at once, by position and by keyword (Keras's "endpoint layer"
pattern, ``LogisticEndpoint()(logits, targets, sample_weight)``): the node keeps every tensor, the
graph runs each call with them, fit trains on the layer's own loss and metric, and the config names
them as Keras 3 does."""
import json

import numpy as np

import glassnet as tf
from glassnet import keras


class Endpoint(keras.layers.Layer):
    """Squared error against `targets` weighted by `sample_weight`, added as a loss; softmax out."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.error = keras.metrics.Mean(name="error")

    def call(self, logits, targets=None, sample_weight=None):
        if targets is not None:
            loss = tf.reduce_mean(tf.reduce_sum((targets - logits) ** 2, axis=1, keepdims=True) * sample_weight)
            self.add_loss(loss)
            self.error.update_state(loss)
        return tf.nn.softmax(logits)


def _endpoint_model():
    inputs = keras.Input((4,), name="inputs")
    logits = keras.layers.Dense(2, name="logits")(inputs)
    targets = keras.Input((2,), name="targets")
    sample_weight = keras.Input((1,), name="sample_weight")
    preds = Endpoint(name="endpoint")(logits, targets, sample_weight=sample_weight)
    return keras.Model([inputs, targets, sample_weight], preds)


def _data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return {"inputs": x, "targets": (x[:, :2] * 2).astype("float32"), "sample_weight": np.ones((n, 1), "float32")}


def test_every_tensor_of_the_call_is_an_input_of_its_node():
    model = _endpoint_model()
    assert [layer.name for layer in model.layers] == ["inputs", "logits", "targets", "sample_weight", "endpoint"]
    node = model.get_layer("endpoint")._inbound_nodes[0]
    assert [t.name for t in node.input_tensors] == ["logits", "targets", "sample_weight"]
    assert tuple(model.outputs[0].shape) == (None, 2)


def test_the_graph_runs_the_call_with_all_its_arguments():
    model, data = _endpoint_model(), _data(8)
    kernel, bias = model.get_layer("logits").get_weights()
    logits = data["inputs"] @ kernel + bias
    out = model(data)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)
    loss = np.mean(np.sum((data["targets"] - logits) ** 2, axis=1))
    assert len(model.losses) == 1
    np.testing.assert_allclose(float(model.losses[0]), loss, rtol=1e-5)


def test_fit_minimises_the_layers_loss_and_logs_its_metric():
    model, data = _endpoint_model(), _data()
    model.compile(keras.optimizers.Adam(0.05))  # no loss: the endpoint adds it
    history = model.fit(data, epochs=30, verbose=0).history
    assert sorted(history) == ["error", "loss"]
    assert history["loss"][-1] < history["loss"][0] / 5
    np.testing.assert_allclose(history["error"], history["loss"], rtol=1e-5)


def test_an_inference_model_shares_the_layers_without_the_targets():
    model = _endpoint_model()
    inputs = keras.Input((4,), name="inputs")
    logits = model.get_layer("logits")(inputs)
    preds = model.get_layer("endpoint")(logits, targets=None, sample_weight=None)
    inference_model = keras.Model(inputs, preds)
    data = _data(5)
    np.testing.assert_allclose(inference_model.predict(data["inputs"], verbose=0), model(data).numpy(), rtol=1e-6)


def test_config_names_every_tensor_as_keras_does_and_reads_back():
    model = _endpoint_model()
    config = model.get_config()
    node = config["layers"][-1]["inbound_nodes"][0]
    assert [entry["config"]["keras_history"] for entry in node["args"]] == [["logits", 0, 0], ["targets", 0, 0]]
    assert node["kwargs"]["sample_weight"]["config"]["keras_history"] == ["sample_weight", 0, 0]
    json.dumps(config)
    again = keras.Model.from_config(config, custom_objects={"Endpoint": Endpoint})
    again.set_weights(model.get_weights())
    data = _data(6)
    np.testing.assert_allclose(again(data).numpy(), model(data).numpy(), rtol=1e-6)
    again(data)
    assert len(again.losses) == 1


def test_a_build_of_several_shapes_gets_each_arguments_shape():
    class Scale(keras.layers.Layer):
        def build(self, x_shape, weights_shape):
            self.seen = (tuple(x_shape), tuple(weights_shape))

        def call(self, x, weights):
            return x * weights

    a, b = keras.Input((3,)), keras.Input((1,))
    layer = Scale()
    out = layer(a, b)
    assert layer.seen == ((None, 3), (None, 1)) and tuple(out.shape) == (None, 3)
    model = keras.Model([a, b], out)
    np.testing.assert_allclose(model([np.ones((2, 3)), np.full((2, 1), 2.0)]).numpy(), np.full((2, 3), 2.0))
