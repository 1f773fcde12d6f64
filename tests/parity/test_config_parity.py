"""Model configs (config.json, to_json) both ways against Keras 3: what glassnet writes, Keras
reads into the same model and writes back the same; what Keras writes, glassnet reads."""
import json

import keras
import pytest

import glassnet
from glassnet.keras import models as glassnet_models

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "softplus", "softsign",
               "silu", "exponential", "hard_sigmoid", "relu6", "softmax", "log_softmax"]
OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"learning_rate": 0.002, "beta_1": 0.8, "amsgrad": True, "clipnorm": 1.0}),
    ("AdamW", {"learning_rate": 0.003, "weight_decay": 0.01}),
    ("RMSprop", {"learning_rate": 0.004, "rho": 0.8, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.2}),
]


def _build(api, activation, optimizer, loss):
    """The same model in glassnet or Keras (`api` is glassnet or keras)."""
    layers = api.layers if api is keras else api.keras.layers
    module = keras if api is keras else api.keras
    model = module.Sequential([
        module.Input((3,)), layers.Normalization(),
        layers.Dense(5, activation=activation, kernel_regularizer=module.regularizers.L1L2(0.01, 0.02),
                     bias_constraint=module.constraints.MaxNorm(2.0),
                     kernel_initializer=module.initializers.RandomNormal(stddev=0.1, seed=3), name="hidden"),
        layers.Dropout(0.25, seed=1), layers.Dense(2, activation="softmax"),
    ], name="parity")
    name, arguments = optimizer
    model.compile(optimizer=getattr(module.optimizers, name)(**arguments), loss=loss, metrics=["accuracy"])
    return model


def _layer_configs(config):
    """Each layer's config with the dtype as a plain name (Keras writes one shared policy object id)."""
    layers = []
    for entry in config["config"]["layers"]:
        inner = dict(entry["config"])
        if isinstance(inner.get("dtype"), dict):
            inner["dtype"] = inner["dtype"]["config"]["name"]
        inner.pop("quantization_config", None)
        layers.append((entry["module"], entry["class_name"], inner, entry.get("build_config")))
    return layers


def _normalized(config):
    compile_config = config["compile_config"]
    return _layer_configs(config), compile_config["optimizer"], compile_config["loss"], compile_config["metrics"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_glassnet_config_reads_in_keras_and_back(activation, optimizer):
    mine = _build(glassnet, activation, optimizer, glassnet.keras.losses.CategoricalCrossentropy(label_smoothing=0.1))
    theirs = keras.models.model_from_json(mine.to_json())
    assert [type(layer).__name__ for layer in theirs.layers] == [type(layer).__name__ for layer in mine.layers]
    written_by_keras = json.loads(theirs.to_json())
    written_by_glassnet = json.loads(mine.to_json())
    keras_layers, keras_optimizer, keras_loss, keras_metrics = _normalized(written_by_keras)
    layers, optimizer_config, loss, metrics = _normalized(written_by_glassnet)
    assert layers == keras_layers
    assert optimizer_config == keras_optimizer
    assert loss == keras_loss and metrics == keras_metrics


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=[name for name, _ in OPTIMIZERS])
def test_keras_config_reads_in_glassnet_and_writes_back_the_same(activation, optimizer):
    theirs = _build(keras, activation, optimizer, keras.losses.CategoricalCrossentropy(label_smoothing=0.1))
    written_by_keras = json.loads(theirs.to_json())
    mine = glassnet_models.model_from_json(theirs.to_json())
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    assert mine.layers[1].kernel.shape == tuple(theirs.layers[1].kernel.shape)
    assert _normalized(json.loads(mine.to_json())) == _normalized(written_by_keras)


def test_a_keras_schedule_and_loss_function_read_in_glassnet():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    mine = glassnet_models.model_from_json(model.to_json())
    assert mine.optimizer._learning_rate.get_config() == schedule.get_config()
    assert type(mine.loss).__name__ == "BinaryCrossentropy" and mine.loss.get_config()["from_logits"] is True


def _every_layer(module):
    layers = module.layers
    return module.Sequential([
        module.Input((2, 3)), layers.Flatten(), layers.Normalization(), layers.Dense(4), layers.Activation("tanh"),
        layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5), layers.LeakyReLU(negative_slope=0.2),
        layers.Dropout(0.1, noise_shape=(None, 4), seed=2), layers.Dense(3), layers.Softmax(axis=-1),
    ])


def _unnamed(layers):
    """Layer configs without the auto-numbered names (they count the layers made so far in a process)."""
    return [(module, name, {k: v for k, v in config.items() if k != "name"}, build) for module, name, config, build
            in layers]


def test_every_glassnet_layer_reads_and_writes_keras_configs():
    written_by_glassnet = json.loads(_every_layer(glassnet.keras).to_json())
    written_by_keras = json.loads(_every_layer(keras).to_json())
    assert _unnamed(_layer_configs(written_by_glassnet)) == _unnamed(_layer_configs(written_by_keras))
    theirs = keras.models.model_from_json(json.dumps(written_by_glassnet))
    mine = glassnet_models.model_from_json(json.dumps(written_by_keras))
    assert [type(layer).__name__ for layer in theirs.layers] == [type(layer).__name__ for layer in mine.layers]
    assert _layer_configs(json.loads(mine.to_json())) == _layer_configs(written_by_keras)
