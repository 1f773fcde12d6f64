"""The normalization and reshaping layers against Keras 3: forward values in training and at
inference, gradients of the input and the weights, configs both ways; BatchNormalization's moving
statistics, history and weights after a short fit from the same start; .keras and .h5 files both
ways; the parameter counts of summary()."""
import inspect
import warnings

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import glassnet
from parity_tools import assert_close

# (class name, positional arguments, keyword arguments, input shape)
CASES = [
    ("BatchNormalization", (), {}, (6, 4)),
    ("BatchNormalization", (), {"axis": 1, "momentum": 0.8, "epsilon": 0.01}, (5, 3, 4)),
    ("BatchNormalization", (), {"center": False, "scale": False}, (4, 2, 3)),
    ("BatchNormalization", (), {"renorm": True, "renorm_momentum": 0.8}, (6, 3)),
    ("BatchNormalization", (), {"renorm": True, "axis": 1, "renorm_clipping": {"rmax": 1.2, "rmin": 0.9, "dmax": 0.1}},
     (5, 3, 2)),
    ("LayerNormalization", (), {}, (3, 5)),
    ("LayerNormalization", (), {"axis": [1, 2], "epsilon": 1e-5}, (3, 2, 4)),
    ("LayerNormalization", (), {"axis": 1, "center": False}, (3, 4, 2)),
    ("Reshape", ((2, -1),), {}, (3, 4, 3)),
    ("Permute", ((3, 1, 2),), {}, (2, 3, 4, 2)),
    ("RepeatVector", (3,), {}, (2, 4)),
    ("Rescaling", (0.5,), {"offset": -1.0}, (3, 4)),
    ("ZeroPadding1D", ((1, 2),), {}, (2, 3, 2)),
    ("ZeroPadding2D", (((2, 0), (1, 1)),), {}, (2, 3, 3, 2)),
    ("ZeroPadding2D", (1,), {"data_format": "channels_first"}, (2, 2, 3, 3)),
    ("Cropping1D", ((1, 0),), {}, (2, 4, 2)),
    ("Cropping2D", (((1, 0), (0, 2)),), {}, (2, 3, 4, 2)),
    ("UpSampling1D", (3,), {}, (2, 3, 2)),
    ("UpSampling2D", ((2, 3),), {}, (2, 2, 3, 2)),
    ("UpSampling2D", (2,), {"interpolation": "bilinear"}, (2, 3, 4, 2)),
    ("SpatialDropout1D", (0.5,), {}, (2, 3, 4)),
    ("SpatialDropout2D", (0.5,), {"data_format": "channels_first"}, (2, 3, 2, 2)),
    ("GlobalAveragePooling1D", (), {}, (2, 5, 3)),
    ("GlobalAveragePooling2D", (), {"keepdims": True}, (2, 3, 4, 2)),
    ("GlobalMaxPooling1D", (), {"data_format": "channels_first"}, (2, 3, 5)),
    ("GlobalMaxPooling2D", (), {}, (2, 3, 4, 2)),
    ("Flatten", (), {}, (3, 2, 2, 2)),
    ("Flatten", (), {}, (4,)),
]
IDS = [f"{name}-{i}" for i, (name, *_rest) in enumerate(CASES)]
# Only BatchNormalization computes differently in training (the spatial dropouts too, but at
# random: tests/keras/layers/test_reshaping_layers.py checks their masks).
TRAINING_CASES = [(case, True) for case in CASES if case[0] == "BatchNormalization"]
TRAINING_IDS = [f"{id_}-training" for id_, case in zip(IDS, CASES) if case[0] == "BatchNormalization"]


def _layers(case):
    name, args, kwargs, _ = case
    return getattr(keras.layers, name)(*args, **kwargs), getattr(glassnet.keras.layers, name)(*args, **kwargs)


def _same_weights(theirs, mine, shape, rng):
    theirs.build(shape)
    mine.build(shape)
    weights = [rng.normal(size=w.shape).astype("float32") for w in theirs.weights]
    for i, w in enumerate(theirs.weights):
        if "variance" in w.name or "stddev" in w.name:
            weights[i] = np.abs(weights[i]) + 0.5
    theirs.set_weights(weights)
    mine.set_weights(weights)


def _keras_value_and_gradients(layer, x, weights, training):
    """Keras's output and the gradients of ``sum(output * weights)`` for x and the trainable weights (JAX)."""
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    takes_training = "training" in inspect.signature(layer.call).parameters
    kwargs = {"training": training} if takes_training else {}

    def loss(x, trainable):
        out, moved = layer.stateless_call(trainable, non_trainable, x, **kwargs)
        return jnp.sum(out * weights), (out, moved)
    (_, (out, moved)), grads = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))(x, trainable)
    return np.asarray(out), [np.asarray(grads[0])] + [np.asarray(g) for g in grads[1]], moved


def _glassnet_value_and_gradients(layer, x, weights, training):
    x = glassnet.Variable(x)
    with glassnet.GradientTape() as tape:
        out = layer(x, training=training)
        loss = glassnet.reduce_sum(out * weights)
    grads = tape.gradient(loss, [x, *layer.trainable_weights])
    return out.numpy(), [np.zeros(v.shape, "float32") if g is None else g.numpy()
                         for g, v in zip(grads, [x, *layer.trainable_weights])]


@pytest.mark.parametrize("case, training", [(case, False) for case in CASES] + TRAINING_CASES,
                         ids=IDS + TRAINING_IDS)
def test_values_and_gradients_as_keras(case, training):
    name, _, _, shape = case
    rng = np.random.default_rng(len(IDS) * training + CASES.index(case))
    theirs, mine = _layers(case)
    _same_weights(theirs, mine, shape, rng)
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    out_shape = mine.compute_output_shape(shape)
    weights = rng.normal(size=out_shape).astype("float32")
    expected, expected_grads, moved = _keras_value_and_gradients(theirs, x, weights, training)
    actual, actual_grads = _glassnet_value_and_gradients(mine, x, weights, training)
    what = f"{name} {case[2]} training={training}"
    assert_close(actual, expected, family="forward", what=f"{what}: output")
    for i, (a, k) in enumerate(zip(actual_grads, expected_grads, strict=True)):
        assert_close(a, k, family="expression", what=f"{what}: gradient {i}")
    # The moving statistics after one call (Keras's dropouts also hold a random-seed state: not compared).
    moved = {v.name: k for v, k in zip(theirs.non_trainable_variables, moved, strict=True)}
    for variable in mine.non_trainable_weights:
        assert_close(variable.numpy(), np.asarray(moved[variable.name]), family="forward",
                     what=f"{what}: {variable.name}")
    assert tuple(theirs.compute_output_shape((None, *shape[1:]))) == mine.compute_output_shape((None, *shape[1:]))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_configs_both_ways(case):
    theirs, mine = _layers(case)
    mine_config = glassnet.keras.layers.serialize(mine)
    into_keras = keras.layers.deserialize(mine_config)
    assert _plain(into_keras.get_config()) == _plain(mine.get_config())
    into_glassnet = glassnet.keras.layers.deserialize(keras.layers.serialize(theirs))
    assert _plain(into_glassnet.get_config()) == _plain(theirs.get_config())


def _plain(config):
    """A config with the dtype as a name and tuples as lists (as JSON holds them), without the name."""
    config = dict(config)
    config.pop("name")
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = config["dtype"]["config"]["name"]
    return {key: _lists(value) for key, value in config.items()}


def _lists(value):
    return [_lists(v) for v in value] if isinstance(value, (tuple, list)) else value


def _model(api, momentum=0.9):
    layers = api.layers
    return api.Sequential([
        api.Input((4, 3)), layers.Flatten(),
        layers.Dense(6, activation="relu"), layers.BatchNormalization(momentum=momentum),
        layers.Reshape((3, 2)), layers.LayerNormalization(), layers.GlobalAveragePooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ])


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 2.0, size=(48, 4, 3)).astype("float32")
    return x, (x[:, 0, :1] + x[:, 1, 1:2] > 1).astype("float32")


def _compiled(api, model):
    model.compile(optimizer=api.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_batch_normalization_fit_as_keras():
    x, y = _data()
    theirs, mine = _compiled(keras, _model(keras)), _compiled(glassnet.keras, _model(glassnet.keras))
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    expected = theirs.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=(x, y))
    actual = mine.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=(x, y))
    for key, values in expected.history.items():
        assert_close(actual.history[key], values, family="fit", what=f"history {key}")
    for variable, k in zip(mine.weights, theirs.weights, strict=True):
        assert variable.name == k.name
        assert_close(variable.numpy(), np.asarray(k), family="fit", what=f"weight {variable.path} after fit")
    moved = mine.layers[2].moving_mean.numpy()
    assert np.abs(moved).min() > 0  # the moving statistics did move, and as Keras's did (above)
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="fit", what="predictions")


def test_summary_counts_as_keras(capsys):
    theirs, mine = _model(keras), _model(glassnet.keras)
    theirs.summary()
    expected = capsys.readouterr().out
    mine.summary()
    actual = capsys.readouterr().out
    for label in ("Total params", "Trainable params", "Non-trainable params"):
        expected_line = next(line for line in expected.splitlines() if line.strip().startswith(label))
        actual_line = next(line for line in actual.splitlines() if line.strip().startswith(label))
        assert actual_line.strip() == expected_line.strip()


def _trained(api):
    """A compiled model with random weights (positive moving variances), as if trained."""
    x, _ = _data()
    model = _compiled(api, _model(api))
    rng = np.random.default_rng(5)
    model.set_weights([np.abs(w) + 0.5 if "variance" in v.name else rng.normal(size=w.shape).astype("float32")
                       for v, w in zip(model.weights, model.get_weights())])
    return model, x


@pytest.mark.parametrize("extension", ["keras", "h5"])
def test_glassnet_file_opens_in_keras(tmp_path, extension):
    mine, x = _trained(glassnet.keras)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine.save(tmp_path / f"model.{extension}")
        theirs = keras.models.load_model(tmp_path / f"model.{extension}")
    for variable, k in zip(mine.weights, theirs.weights, strict=True):
        np.testing.assert_array_equal(variable.numpy(), np.asarray(k))
    assert_close(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), family="forward",
                 what=f"Keras predicting from glassnet's .{extension}")
    again = glassnet.keras.models.load_model(tmp_path / f"model.{extension}")
    np.testing.assert_array_equal(again.predict(x, verbose=0), mine.predict(x, verbose=0))


@pytest.mark.parametrize("extension", ["keras", "h5"])
def test_keras_file_opens_in_glassnet(tmp_path, extension):
    theirs, x = _trained(keras)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.save(tmp_path / f"model.{extension}")
    mine = glassnet.keras.models.load_model(tmp_path / f"model.{extension}")
    for variable, k in zip(mine.weights, theirs.weights, strict=True):
        np.testing.assert_array_equal(variable.numpy(), np.asarray(k))
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward",
                 what=f"glassnet predicting from Keras's .{extension}")


def _every_layer_model(api):
    """One functional model holding each of the other layers (two branches: images and sequences)."""
    layers = api.layers
    image = api.Input((4, 4, 2))
    x = layers.Rescaling(0.5, offset=0.1)(image)
    x = layers.ZeroPadding2D(((1, 0), (0, 1)))(x)
    x = layers.Cropping2D(1)(x)
    x = layers.UpSampling2D((2, 1), interpolation="bilinear")(x)
    x = layers.UpSampling2D(1)(x)
    x = layers.SpatialDropout2D(0.3)(x)
    x = layers.BatchNormalization(axis=-1)(x)
    pooled = layers.GlobalMaxPooling2D()(layers.Permute((2, 1, 3))(x))
    averaged = layers.GlobalAveragePooling2D()(x)
    sequence = layers.Reshape((-1, 2))(x)
    sequence = layers.ZeroPadding1D(1)(layers.Cropping1D((0, 1))(sequence))
    sequence = layers.SpatialDropout1D(0.2)(layers.UpSampling1D(2)(sequence))
    sequence = layers.LayerNormalization(axis=[1, 2])(sequence)
    merged = layers.Concatenate()([pooled, averaged, layers.GlobalAveragePooling1D()(sequence),
                                   layers.GlobalMaxPooling1D()(sequence)])
    out = layers.Dense(2)(layers.Flatten()(layers.RepeatVector(2)(merged)))
    return api.Model(image, out)


def test_a_model_of_every_layer_saves_and_loads_both_ways(tmp_path):
    x = np.random.default_rng(3).normal(size=(5, 4, 4, 2)).astype("float32")
    mine = _every_layer_model(glassnet.keras)
    batch_norm = next(layer for layer in mine.layers if type(layer).__name__ == "BatchNormalization")
    batch_norm.moving_mean.assign(np.array([0.5, -0.5], "float32"))  # not the initial statistics
    mine.save(tmp_path / "glassnet.keras")
    theirs = keras.models.load_model(tmp_path / "glassnet.keras")
    assert [type(layer).__name__ for layer in theirs.layers] == [type(layer).__name__ for layer in mine.layers]
    assert_close(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), family="forward",
                 what="Keras predicting from glassnet's every-layer model")
    theirs.save(tmp_path / "keras.keras")
    again = glassnet.keras.models.load_model(tmp_path / "keras.keras")
    for a, k in zip(again.weights, theirs.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), np.asarray(k))
    assert_close(again.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward",
                 what="glassnet predicting from Keras's every-layer model")


def test_batch_normalization_with_a_mask_as_keras():
    rng = np.random.default_rng(7)
    x = rng.normal(1.0, 2.0, size=(3, 5, 4)).astype("float32")
    mask = rng.random((3, 5)) > 0.4
    theirs, mine = keras.layers.BatchNormalization(momentum=0.7), glassnet.keras.layers.BatchNormalization(momentum=0.7)
    _same_weights(theirs, mine, x.shape, rng)
    weights = rng.normal(size=x.shape).astype("float32")
    trainable = [v.value for v in theirs.trainable_variables]
    non_trainable = [v.value for v in theirs.non_trainable_variables]

    def loss(x, trainable):
        out, moved = theirs.stateless_call(trainable, non_trainable, x, training=True, mask=mask)
        return jnp.sum(out * weights), (out, moved)
    (_, (expected, moved)), grads = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(x, trainable)
    actual, actual_grads = _glassnet_value_and_gradients_with_mask(mine, x, weights, mask)
    assert_close(actual, np.asarray(expected), family="forward", what="masked BatchNormalization output")
    for i, (a, k) in enumerate(zip(actual_grads, [grads[0], *grads[1]], strict=True)):
        assert_close(a, np.asarray(k), family="expression", what=f"masked BatchNormalization gradient {i}")
    for variable, k in zip(mine.non_trainable_weights, moved, strict=True):
        assert_close(variable.numpy(), np.asarray(k), family="forward", what=f"masked {variable.name}")


def _glassnet_value_and_gradients_with_mask(layer, x, weights, mask):
    x = glassnet.Variable(x)
    with glassnet.GradientTape() as tape:
        out = layer(x, training=True, mask=mask)
        loss = glassnet.reduce_sum(out * weights)
    return out.numpy(), [g.numpy() for g in tape.gradient(loss, [x, *layer.trainable_weights])]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling_1d_with_a_mask_as_keras(data_format):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 5, 4)).astype("float32")
    steps = 5 if data_format == "channels_last" else 4
    mask = rng.random((3, steps)) > 0.3
    mask[:, 0] = True
    expected = keras.layers.GlobalAveragePooling1D(data_format=data_format)(x, mask=mask)
    actual = glassnet.keras.layers.GlobalAveragePooling1D(data_format=data_format)(x, mask=mask)
    assert_close(actual.numpy(), np.asarray(expected), family="forward", what=f"masked average ({data_format})")


def _masked_model(api):
    layers = api.layers
    return api.Sequential([
        api.Input((6,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
        layers.BatchNormalization(momentum=0.8), layers.Rescaling(2.0), layers.LayerNormalization(),
        layers.SpatialDropout1D(0.0), layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid"),
    ])


def test_a_mask_from_embedding_through_the_normalizations_and_the_average_fits_as_keras():
    if not hasattr(glassnet.keras.layers, "Embedding"):
        pytest.skip("glassnet has no Embedding (masks) yet")
    rng = np.random.default_rng(9)
    x = rng.integers(1, 10, size=(32, 6))
    x[:, 4:] = 0  # padding: masked steps
    x[::3, 2:] = 0
    y = (x[:, :1] > 4).astype("float32")
    theirs, mine = _compiled(keras, _masked_model(keras)), _compiled(glassnet.keras, _masked_model(glassnet.keras))
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    expected = theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    actual = mine.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for key, values in expected.history.items():
        assert_close(actual.history[key], values, family="fit", what=f"masked model history {key}")
    for variable, k in zip(mine.weights, theirs.weights, strict=True):
        assert_close(variable.numpy(), np.asarray(k), family="fit", what=f"masked model {variable.path}")
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="fit", what="masked predictions")
