"""Keras's "Endpoint layer pattern" example (keras-io ``examples/keras_recipes/endpoint_layer_pattern.py``,
2023/11/22), run as a user would, with only the imports changed: a layer called on the logits, the targets
and the sample weights adds its own loss and metric; the model compiles without a loss and fits on a
dict of inputs, both as a functional model and as a subclassed one."""
import numpy as np

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `import keras`


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_metric = keras.metrics.BinaryAccuracy(name="accuracy")

    def call(self, logits, targets=None, sample_weight=None):
        if targets is not None:
            # Compute the training-time loss value and add it
            # to the layer using `self.add_loss()`.
            loss = self.loss_fn(targets, logits, sample_weight)
            self.add_loss(loss)

            # Log the accuracy as a metric (we could log arbitrary metrics,
            # including different metrics for training and inference.)
            self.accuracy_metric.update_state(targets, logits, sample_weight)

        # Return the inference-time prediction tensor (for `.predict()`).
        return tf.nn.softmax(logits)


def _data(rng):
    """The example's random data, with 0/1 targets (SUBST: `np.random.random((1000, 1))`) so that the
    accuracy it logs can move."""
    x = rng.random((1000, 764))
    return {
        "inputs": x,
        "targets": (x[:, :1] > 0.5).astype("float64"),
        "sample_weight": rng.random((1000, 1)),
    }


def _weighted_bce(data, logits):
    p = 1 / (1 + np.exp(-logits))
    t, w = data["targets"], data["sample_weight"]
    return np.sum(-(t * np.log(p) + (1 - t) * np.log(1 - p)) * w) / len(t)


def test_endpoint_layer_in_the_functional_api():
    tf.random.set_seed(0)
    inputs = keras.Input((764,), name="inputs")
    logits = keras.layers.Dense(1)(inputs)
    targets = keras.Input((1,), name="targets")
    sample_weight = keras.Input((1,), name="sample_weight")
    preds = LogisticEndpoint()(logits, targets, sample_weight)
    model = keras.Model([inputs, targets, sample_weight], preds)

    data = _data(np.random.default_rng(0))
    kernel, bias = model.layers[1].get_weights()
    first_loss = _weighted_bce(data, data["inputs"] @ kernel + bias)

    model.compile(keras.optimizers.Adam(1e-3))
    history = model.fit(data, epochs=2, verbose=0).history
    assert sorted(history) == ["accuracy", "loss"]
    assert history["loss"][1] < history["loss"][0] < first_loss * 1.01
    assert history["accuracy"][1] > 0.5

    # Exporting an inference-only model: simply don't include `targets` in the model.
    inputs = keras.Input((764,), name="inputs")
    logits = keras.layers.Dense(1)(inputs)
    preds = LogisticEndpoint()(logits, targets=None, sample_weight=None)
    inference_model = keras.Model(inputs, preds)
    inference_model.set_weights(model.get_weights())
    preds = inference_model.predict(np.random.random((1000, 764)), verbose=0)
    assert preds.shape == (1000, 1) and np.allclose(preds, 1.0)  # a softmax over one logit, as in Keras


def test_endpoint_layer_in_a_subclassed_model():
    class LogReg(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.logistic_endpoint = LogisticEndpoint()

        def call(self, inputs):
            # Note that all inputs should be in the first argument
            # since we want to be able to call `model.fit(inputs)`.
            logits = self.dense(inputs["inputs"])
            preds = self.logistic_endpoint(
                logits=logits,
                targets=inputs["targets"],
                sample_weight=inputs["sample_weight"],
            )
            return preds

    tf.random.set_seed(0)
    model = LogReg()
    data = _data(np.random.default_rng(1))
    model.compile(keras.optimizers.Adam(1e-3))
    history = model.fit(data, epochs=2, verbose=0).history
    assert sorted(history) == ["accuracy", "loss"]
    assert history["loss"][1] < history["loss"][0]
    kernel, bias = model.dense.get_weights()
    assert kernel.shape == (764, 1)
    model(data)  # the loss of the last call is the trained model's weighted cross-entropy
    np.testing.assert_allclose(float(model.losses[0]), _weighted_bce(data, data["inputs"] @ kernel + bias),
                               rtol=1e-4)
