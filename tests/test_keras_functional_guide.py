"""Keras's guide "The Functional API" (keras-io ``guides/functional_api.py``, TensorFlow edition,
2020/04/12), run as a new user would: the guide's code as written, with only the imports changed.

The changes, each marked ``# SUBST`` where it is made:

- ``import tensorflow as tf`` -> ``import glassnet as tf``; ``from tensorflow import keras`` ->
  ``from glassnet import keras``.
- MNIST: loaded by the guide's own line, from a stand-in ``mnist.npz`` in Keras's format that the
  ``keras_datasets`` fixture writes (random arrays of MNIST's shape and dtype, fewer samples).
- ``model.save("path_to_my_model")`` (a TensorFlow SavedModel folder) -> ``"path_to_my_model.keras"``,
  the Keras 3 file; Keras 3 refuses a path without an extension too.
- CIFAR-10: loaded by the guide's own line, from a stand-in archive in Keras's format that the
  ``keras_datasets`` fixture writes (random images of its shape, fewer samples); one short epoch.
- The pretrained VGG19 (a download) -> the guide's MNIST model, for the same graph queries.
"""
import numpy as np
import pytest

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `from tensorflow import keras`
from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`


def mnist_like(rng, n):
    """Random stand-ins for MNIST: uint8 images of 28 x 28 and uint8 labels in [0, 10)."""
    return rng.integers(0, 256, (n, 28, 28)).astype("uint8"), rng.integers(0, 10, (n,)).astype("uint8")


def _mnist_model():
    inputs = keras.Input(shape=(784,))
    img_inputs = keras.Input(shape=(32, 32, 3))
    assert tuple(inputs.shape) == (None, 784) and inputs.dtype == "float32"
    assert tuple(img_inputs.shape) == (None, 32, 32, 3)
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def test_introduction_training_evaluation_and_inference(capsys, tmp_path, monkeypatch, keras_datasets):
    rng = np.random.default_rng(0)
    keras_datasets.mnist(mnist_like(rng, 640), mnist_like(rng, 128))  # SUBST: 640 + 128 images
    model = _mnist_model()
    model.summary()
    summary = capsys.readouterr().out
    assert 'Model: "mnist_model"' in summary and "Total params: 55,050" in summary

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(640, 784).astype("float32") / 255  # SUBST: 60000 samples
    x_test = x_test.reshape(128, 784).astype("float32") / 255  # SUBST: 10000 samples
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2)
    test_scores = model.evaluate(x_test, y_test, verbose=2)
    print("Test loss:", test_scores[0])
    print("Test accuracy:", test_scores[1])
    printed = capsys.readouterr().out
    assert "Epoch 2/2" in printed and "val_accuracy" in printed and "Test accuracy:" in printed
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert len(test_scores) == 2 and np.isfinite(test_scores).all()

    monkeypatch.chdir(tmp_path)
    predictions = model.predict(x_test, verbose=0)
    model.save("path_to_my_model.keras")  # SUBST: "path_to_my_model" (a SavedModel folder)
    del model
    model = keras.models.load_model("path_to_my_model.keras")
    np.testing.assert_array_equal(model.predict(x_test, verbose=0), predictions)
    assert model.name == "mnist_model" and model.optimizer.__class__.__name__ == "RMSprop"


def test_use_the_same_graph_of_layers_to_define_multiple_models(capsys):
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)

    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    encoder.summary()

    x = layers.Reshape((4, 4, 1))(encoder_output)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

    autoencoder = keras.Model(encoder_input, decoder_output, name="autoencoder")
    autoencoder.summary()

    printed = capsys.readouterr().out
    assert "Total params: 18,672" in printed and "Total params: 28,241" in printed  # as Keras prints them
    assert autoencoder.output.shape.as_list() == [None, 28, 28, 1]  # "the same as the input shape"
    images = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    assert autoencoder.predict(images, verbose=0).shape == (2, 28, 28, 1)
    # The encoder is the autoencoder's first half: the same layers, the same weights.
    np.testing.assert_array_equal(encoder.predict(images, verbose=0),
                                  keras.Model(encoder_input, encoder_output).predict(images, verbose=0))


def test_all_models_are_callable_the_autoencoder_from_an_encoder_and_a_decoder(capsys):
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)

    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    encoder.summary()

    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

    decoder = keras.Model(decoder_input, decoder_output, name="decoder")
    decoder.summary()

    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
    autoencoder.summary()

    assert "Total params: 9,569" in capsys.readouterr().out  # the decoder's, as Keras prints it
    images = np.random.default_rng(1).random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(autoencoder.predict(images, verbose=0),
                               decoder.predict(encoder.predict(images, verbose=0), verbose=0), rtol=1e-6)
    autoencoder.compile(optimizer="adam", loss="mse")  # not in the guide: the nested models train
    before = [w.copy() for w in decoder.get_weights()]
    autoencoder.fit(images, images, epochs=1, verbose=0)
    assert any((old != new).any() for old, new in zip(before, decoder.get_weights()))


def test_all_models_are_callable_ensembling():
    def get_model():
        inputs = keras.Input(shape=(128,))
        outputs = layers.Dense(1)(inputs)
        return keras.Model(inputs, outputs)

    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = keras.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)

    x = np.random.default_rng(1).normal(size=(5, 128)).astype("float32")
    expected = np.mean([m.predict(x, verbose=0) for m in (model1, model2, model3)], axis=0)
    np.testing.assert_allclose(ensemble_model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert ensemble_model.count_params() == 3 * 129


def _ticket_model(num_tags=12, num_words=10000, num_departments=4):
    title_input = keras.Input(shape=(None,), name="title")  # Variable-length sequence of ints
    body_input = keras.Input(shape=(None,), name="body")  # Variable-length sequence of ints
    tags_input = keras.Input(shape=(num_tags,), name="tags")  # Binary vectors of size `num_tags`
    # Embed each word in the title into a 64-dimensional vector
    title_features = layers.Embedding(num_words, 64)(title_input)
    # Embed each word in the text into a 64-dimensional vector
    body_features = layers.Embedding(num_words, 64)(body_input)
    # Reduce sequence of embedded words in the title into a single 128-dimensional vector
    title_features = layers.LSTM(128)(title_features)
    # Reduce sequence of embedded words in the body into a single 32-dimensional vector
    body_features = layers.LSTM(32)(body_features)
    # Merge all available features into a single large vector via concatenation
    x = layers.concatenate([title_features, body_features, tags_input])
    # Stick a logistic regression for priority prediction on top of the features
    priority_pred = layers.Dense(1, name="priority")(x)
    # Stick a department classifier on top of the features
    department_pred = layers.Dense(num_departments, name="department")(x)
    # Instantiate an end-to-end model predicting both priority and department
    return keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs=[priority_pred, department_pred],
    )


def test_models_with_multiple_inputs_and_outputs(capsys):
    num_tags, num_words, num_departments = 12, 10000, 4
    model = _ticket_model(num_tags, num_words, num_departments)
    assert [t.name for t in model.inputs] == ["title", "body", "tags"]
    assert [tuple(t.shape) for t in model.outputs] == [(None, 1), (None, 4)]

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )

    # Dummy input data
    title_data = np.random.randint(num_words, size=(1280, 10))
    body_data = np.random.randint(num_words, size=(1280, 100))
    tags_data = np.random.randint(2, size=(1280, num_tags)).astype("float32")
    # Dummy target data
    priority_targets = np.random.random(size=(1280, 1))
    dept_targets = np.random.randint(2, size=(1280, num_departments))

    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=32,
    )
    printed = capsys.readouterr().out
    assert "40/40" in printed and "department_loss" in printed and "priority_loss" in printed
    logs = history.history
    assert sorted(logs) == ["department_loss", "loss", "priority_loss"]
    for epoch in range(2):  # the total is the weighted sum of the per-output losses
        np.testing.assert_allclose(logs["loss"][epoch],
                                   logs["priority_loss"][epoch] + 0.2 * logs["department_loss"][epoch], rtol=1e-4)


def test_shared_layers():
    # Embedding for 1000 unique words mapped to 128-dimensional vectors
    shared_embedding = layers.Embedding(1000, 128)
    # Variable-length sequence of integers
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    # Variable-length sequence of integers
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    # Reuse the same layer to encode both inputs
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)

    model = keras.Model([text_input_a, text_input_b], [encoded_input_a, encoded_input_b])
    assert len(model.layers) == 3 and model.count_params() == 1000 * 128
    a, b = np.array([[1, 2, 3]]), np.array([[4, 5, 6, 999]])  # two lengths: the inputs are variable-length
    out_a, out_b = model.predict([a, b], verbose=0)
    table = shared_embedding.embeddings.numpy()  # one table serves both inputs
    np.testing.assert_array_equal(out_a, table[a])
    np.testing.assert_array_equal(out_b, table[b])


def test_extract_and_reuse_nodes():
    # SUBST: a pretrained VGG19 (a download) -> the guide's MNIST model; the same graph queries
    base = _mnist_model()
    features_list = [layer.output for layer in base.layers]
    feat_extraction_model = keras.Model(inputs=base.input, outputs=features_list)
    img = np.random.random((1, 784)).astype("float32")  # SUBST: (1, 224, 224, 3)
    extracted_features = feat_extraction_model(img)
    assert [tuple(f.shape) for f in extracted_features] == [(1, 784), (1, 64), (1, 64), (1, 10)]
    np.testing.assert_allclose(extracted_features[-1].numpy(), base(img).numpy(), rtol=1e-6)


def test_extend_the_api_using_custom_layers():
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super(CustomDense, self).__init__()  # noqa: UP008 - as the guide writes it
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)

    model = keras.Model(inputs, outputs)
    config = model.get_config()

    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    assert [type(layer).__name__ for layer in new_model.layers] == ["InputLayer", "CustomDense"]
    assert new_model.layers[1].units == 10 and tuple(new_model.outputs[0].shape) == (None, 10)
    new_model.set_weights(model.get_weights())
    x = np.ones((2, 4), dtype="float32")
    np.testing.assert_allclose(new_model.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_functional_mlp_and_subclassed_mlp_compare():
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10)(x)
    mlp = keras.Model(inputs, outputs)

    class MLP(keras.Model):
        def __init__(self, **kwargs):
            super(MLP, self).__init__(**kwargs)  # noqa: UP008 - as the guide writes it
            self.dense_1 = layers.Dense(64, activation="relu")
            self.dense_2 = layers.Dense(10)

        def call(self, inputs):
            x = self.dense_1(inputs)
            return self.dense_2(x)

    # Instantiate the model.
    subclassed = MLP()
    # Necessary to create the model's state.
    # The model doesn't have a state until it's called at least once.
    _ = subclassed(tf.zeros((1, 32)))
    subclassed.set_weights(mlp.get_weights())
    x = np.random.default_rng(2).normal(size=(3, 32)).astype("float32")
    np.testing.assert_allclose(subclassed(x).numpy(), mlp(x).numpy(), rtol=1e-6)


def test_model_validation_while_defining_the_graph():
    """"Every time you call a layer, the layer checks that the specification passed to it matches its
    assumptions, and it will raise a helpful error message if not.\""""
    inputs = keras.Input(shape=(32,))
    dense = layers.Dense(8)
    dense(inputs)
    with pytest.raises(ValueError, match="32|16"):
        dense(keras.Input(shape=(16,)))
    with pytest.raises(ValueError, match="shape"):
        layers.concatenate([keras.Input(shape=(3, 4)), keras.Input(shape=(5, 6))])


def test_mix_and_match_api_styles(capsys):
    units = 32
    timesteps = 10
    input_dim = 5

    # Define a Functional model
    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)

    class CustomRNN(layers.Layer):
        def __init__(self):
            super(CustomRNN, self).__init__()  # noqa: UP008 - as the guide writes it
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            # Our previously-defined Functional model
            self.classifier = model

        def call(self, inputs):
            outputs = []
            state = tf.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = tf.stack(outputs, axis=1)
            print(features.shape)
            return self.classifier(features)

    rnn_model = CustomRNN()
    result = rnn_model(tf.zeros((1, timesteps, input_dim)))
    assert "(1, 10, 32)" in capsys.readouterr().out
    assert tuple(result.shape) == (1, 1)
    assert len(rnn_model.trainable_weights) == 6  # two projections and the classifier's Dense

    batch_size = 16

    class CustomRNNWithDense(CustomRNN):
        """The guide's second CustomRNN: its classifier is a Dense layer."""

        def __init__(self):
            super().__init__()
            self.classifier = layers.Dense(1)

    # Note that you specify a static batch size for the inputs with the `batch_shape`
    # arg, because the inner computation of `CustomRNN` requires a static batch size
    # (when you create the `state` zeros tensor).
    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNNWithDense()(x)
    model = keras.Model(inputs, outputs)
    capsys.readouterr()
    assert tuple(model.outputs[0].shape) == (16, 8, 1)  # Conv1D(32, 3) leaves 10 - 3 + 1 steps
    data = np.random.default_rng(3).normal(size=(batch_size, timesteps, input_dim)).astype("float32")
    assert model.predict(data, batch_size=batch_size, verbose=0).shape == (16, 8, 1)

    rnn_model = CustomRNNWithDense()
    _ = rnn_model(tf.zeros((1, 10, 5)))


def test_a_toy_resnet_model(capsys, keras_datasets):
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)

    model = keras.Model(inputs, outputs, name="toy_resnet")
    model.summary()
    printed = capsys.readouterr().out
    assert 'Model: "toy_resnet"' in printed and "Total params: 223,242" in printed  # as Keras prints it
    assert "add (Add)" in printed

    rng = np.random.default_rng(4)  # SUBST: 64 + 16 random images, not 50,000 + 10,000
    keras_datasets.cifar10(
        (rng.integers(0, 256, (64, 32, 32, 3)).astype("uint8"), rng.integers(0, 10, (64, 1)).astype("uint8")),
        (rng.integers(0, 256, (16, 32, 32, 3)).astype("uint8"), rng.integers(0, 10, (16, 1)).astype("uint8")))
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()

    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    # We restrict the data to the first 1000 samples so as to limit execution time
    # on Colab. Try to train on the entire dataset until convergence!
    history = model.fit(x_train[:1000], y_train[:1000], batch_size=64, epochs=1, validation_split=0.2, verbose=0)
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert np.isfinite(history.history["loss"][0])
