"""Files with the new layers cross between Keras and glassnet: a convnet and a sequence model that
Keras trained load in glassnet from all three of Keras's files (``.keras``, legacy ``.h5`` and
``.weights.h5``) and predict what Keras predicts; glassnet's ``.keras`` files open in Keras."""
import keras
import numpy as np
import pytest

import glassnet.keras as gk

pytest.importorskip("h5py")


def convnet(k):
    return k.Sequential([k.Input((12, 12, 1)), k.layers.Conv2D(6, 3, activation="relu"),
                         k.layers.BatchNormalization(), k.layers.MaxPooling2D(2),
                         k.layers.Conv2D(4, 2, padding="same"), k.layers.GlobalAveragePooling2D(),
                         k.layers.Dropout(0.2), k.layers.Dense(3, activation="softmax")])


def sequence_model(k):
    inputs = k.Input((7,), dtype="int32")
    x = k.layers.Embedding(20, 5, mask_zero=True)(inputs)
    x = k.layers.Bidirectional(k.layers.LSTM(4, return_sequences=True))(x)
    x = k.layers.GRU(3)(x)
    x = k.layers.LayerNormalization()(x)
    return k.Model(inputs, k.layers.Dense(1, activation="sigmoid")(x))


def data(kind):
    rng = np.random.default_rng(0)
    if kind == "convnet":
        return rng.random((32, 12, 12, 1)).astype("float32"), rng.integers(0, 3, 32)
    words = rng.integers(1, 20, (32, 7))
    return np.where(np.arange(7) < rng.integers(2, 8, (32, 1)), words, 0), rng.integers(0, 2, (32, 1))


BUILDERS = {"convnet": convnet, "sequence": sequence_model}
LOSSES = {"convnet": "sparse_categorical_crossentropy", "sequence": "binary_crossentropy"}


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_model_keras_trained_loads_in_glassnet_from_each_of_its_files(tmp_path, kind):
    x, y = data(kind)
    keras.utils.set_random_seed(1)
    trained = BUILDERS[kind](keras)
    trained.compile(optimizer="adam", loss=LOSSES[kind])
    trained.fit(x, y, epochs=2, batch_size=8, verbose=0)  # moves the moving statistics too
    expected = trained.predict(x, verbose=0)
    trained.save(tmp_path / "model.keras")
    trained.save(tmp_path / "model.h5")
    trained.save_weights(tmp_path / "model.weights.h5")
    for name in ("model.keras", "model.h5"):
        loaded = gk.models.load_model(tmp_path / name)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6, err_msg=name)
    loaded.save(tmp_path / "again.keras")  # a mask's not_equal node is written back as Keras wrote it
    again = keras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    mine = BUILDERS[kind](gk)
    mine.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_allclose(mine.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_model_glassnet_trained_opens_in_keras(tmp_path, kind):
    x, y = data(kind)
    gk.utils.set_random_seed(1)
    trained = BUILDERS[kind](gk)
    trained.compile(optimizer="adam", loss=LOSSES[kind])
    trained.fit(x, y, epochs=2, batch_size=8, verbose=0)
    trained.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), trained.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
