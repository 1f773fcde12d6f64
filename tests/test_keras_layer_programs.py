"""Keras's and TensorFlow's own convolution and sequence programs, run with only the import changed.

- keras-io "Simple MNIST convnet" (examples/vision/mnist_convnet.py);
- TensorFlow's "quickstart for experts" (a subclassed convnet trained by a GradientTape loop);
- keras-io "Bidirectional LSTM on IMDB" (examples/nlp/bidirectional_lstm_imdb.py);
- keras-io "Timeseries classification from scratch" (Conv1D, BatchNormalization, ReLU,
  GlobalAveragePooling1D; ModelCheckpoint to an .h5 file, then load_model).

Every change to the programs is marked ``# SUBST``. MNIST and IMDB are loaded by the programs' own
lines (``keras.datasets.mnist.load_data()``), from small stand-in files in Keras's formats that the
``keras_datasets`` fixture writes into a fresh Keras cache (there is no network in the tests): data
of the same shape and dtype that a model can learn (class prototypes plus noise), fewer rows. FordA
is replaced in the program. The sizes and epochs are cut so that the programs run in seconds. The numbers the
programs print (parameter counts, shapes) are checked against what Keras prints for them.
"""
import numpy as np
import pytest

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `from tensorflow import keras`
from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`


def learnable_images(rng, n_train, n_test, shape=(28, 28), classes=10):
    """``(x_train, y_train), (x_test, y_test)`` as mnist.load_data() gives them: uint8 images of
    `shape` whose class shows (one random prototype per class, plus noise) and uint8 labels."""
    prototypes = rng.integers(0, 256, (classes, *shape))
    labels = rng.integers(0, classes, n_train + n_test)
    noise = rng.normal(0, 40, (n_train + n_test, *shape))
    x, y = np.clip(prototypes[labels] + noise, 0, 255).astype("uint8"), labels.astype("uint8")
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def learnable_reviews(rng, n, length=40, words=1000):
    """IMDB-shaped reviews: integer word ids, positive ones using more of the first 100 words
    (the same rule for every call, so that a second call gives validation data)."""
    labels = rng.integers(0, 2, n)
    low = rng.integers(1, 100, (n, length))
    high = rng.integers(100, words, (n, length))
    tokens = np.where(rng.random((n, length)) < np.where(labels[:, None] == 1, 0.6, 0.1), low, high)
    return tokens.astype("int32"), labels


def test_simple_mnist_convnet(capsys, keras_datasets):
    keras_datasets.mnist(*learnable_images(np.random.default_rng(0), 768, 128))  # SUBST: 768 + 128 images

    # keras-io examples/vision/mnist_convnet.py from here
    num_classes = 10
    input_shape = (28, 28, 1)
    # Load the data and split it between train and test sets
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    x_train = np.expand_dims(x_train, -1)
    x_test = np.expand_dims(x_test, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.summary()
    summary = capsys.readouterr().out
    assert "Total params: 34,826" in summary  # as Keras prints it
    assert [tuple(layer.output.shape) for layer in model.layers] == [
        (None, 26, 26, 32), (None, 13, 13, 32), (None, 11, 11, 64), (None, 5, 5, 64), (None, 1600), (None, 1600),
        (None, 10)]

    batch_size = 128
    epochs = 6  # SUBST: 15
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)
    score = model.evaluate(x_test, y_test, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert score[1] > 0.5  # ten classes: chance is 0.1


def test_quickstart_for_experts(keras_datasets):
    rng = np.random.default_rng(1)
    keras_datasets.mnist(*learnable_images(rng, 256, 64))  # SUBST: 256 + 64 images

    # TensorFlow's "quickstart for experts" from here
    from glassnet.keras import Model
    from glassnet.keras.layers import Conv2D, Dense, Flatten

    mnist = tf.keras.datasets.mnist

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    x_train = x_train[..., tf.newaxis].astype("float32")
    x_test = x_test[..., tf.newaxis].astype("float32")
    # SUBST: tf.data.Dataset.from_tensor_slices(...).shuffle(10000).batch(32) -> lists of batches
    order = rng.permutation(len(x_train))
    train_ds = [(x_train[order[i:i + 32]], y_train[order[i:i + 32]]) for i in range(0, len(x_train), 32)]
    test_ds = [(x_test[i:i + 32], y_test[i:i + 32]) for i in range(0, len(x_test), 32)]

    class MyModel(Model):
        def __init__(self):
            super().__init__()
            self.conv1 = Conv2D(32, 3, activation="relu")
            self.flatten = Flatten()
            self.d1 = Dense(128, activation="relu")
            self.d2 = Dense(10)

        def call(self, x):
            x = self.conv1(x)
            x = self.flatten(x)
            x = self.d1(x)
            return self.d2(x)

    model = MyModel()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_loss = tf.keras.metrics.Mean(name="test_loss")
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)
        test_loss(t_loss)
        test_accuracy(labels, predictions)

    EPOCHS = 3  # SUBST: 5
    losses = []
    for epoch in range(EPOCHS):
        train_loss.reset_state()
        train_accuracy.reset_state()
        test_loss.reset_state()
        test_accuracy.reset_state()
        for images, labels in train_ds:
            train_step(images, labels)
        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)
        losses.append(float(train_loss.result()))
        print(f"Epoch {epoch + 1}, Loss: {train_loss.result():0.2f}, Accuracy: {train_accuracy.result() * 100:0.2f}, "
              f"Test Loss: {test_loss.result():0.2f}, Test Accuracy: {test_accuracy.result() * 100:0.2f}")
    assert model.count_params() == 2770634  # as Keras counts the same model
    assert losses[-1] < losses[0]
    assert float(test_accuracy.result()) > 0.5


def test_bidirectional_lstm_on_imdb(capsys, keras_datasets):
    rng = np.random.default_rng(2)
    # SUBST: 256 + 64 reviews of 39 words (40 with the start mark the loader adds)
    keras_datasets.imdb(learnable_reviews(rng, 256, length=39), learnable_reviews(rng, 64, length=39))

    # keras-io examples/nlp/bidirectional_lstm_imdb.py from here
    max_features = 20000  # Only consider the top 20k words
    maxlen = 40  # SUBST: 200 (Only consider the first 200 words of each movie review)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(max_features, 128)(inputs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.summary()
    assert "Total params: 2,757,761" in capsys.readouterr().out  # as Keras prints it

    (x_train, y_train), (x_val, y_val) = keras.datasets.imdb.load_data(num_words=max_features)
    print(len(x_train), "Training sequences")
    print(len(x_val), "Validation sequences")
    # Use pad_sequence to standardize sequence length:
    # this will truncate sequences longer than 200 words and zero-pad sequences shorter than 200 words.
    x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)
    assert capsys.readouterr().out == "256 Training sequences\n64 Validation sequences\n"
    assert x_train.shape == (256, maxlen) and x_train[:, 0].tolist() == [1] * 256  # the start mark, kept
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.7


def test_timeseries_classification_from_scratch(tmp_path, monkeypatch):
    pytest.importorskip("h5py")
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    # SUBST: FordA from the UCR archive (3601 + 1320 series of 500 steps, labels -1/1) -> 160 + 64
    # series of 176 steps whose class is a sine's frequency, labels -1/1 as in the file
    def readucr(n):
        y = rng.choice([-1, 1], n)
        steps = np.arange(176)
        x = np.sin(steps[None, :] * np.where(y == 1, 0.3, 0.1)[:, None] + rng.uniform(0, 6, (n, 1)))
        return x + rng.normal(0, 0.3, x.shape), y.astype(int)

    x_train, y_train = readucr(160)
    x_test, y_test = readucr(64)
    x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
    x_test = x_test.reshape((x_test.shape[0], x_test.shape[1], 1))
    num_classes = len(np.unique(y_train))
    idx = np.random.permutation(len(x_train))
    x_train = x_train[idx]
    y_train = y_train[idx]
    y_train[y_train == -1] = 0
    y_test[y_test == -1] = 0

    def make_model(input_shape):
        input_layer = keras.layers.Input(input_shape)

        conv1 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(input_layer)
        conv1 = keras.layers.BatchNormalization()(conv1)
        conv1 = keras.layers.ReLU()(conv1)

        conv2 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(conv1)
        conv2 = keras.layers.BatchNormalization()(conv2)
        conv2 = keras.layers.ReLU()(conv2)

        conv3 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(conv2)
        conv3 = keras.layers.BatchNormalization()(conv3)
        conv3 = keras.layers.ReLU()(conv3)

        gap = keras.layers.GlobalAveragePooling1D()(conv3)

        output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

        return keras.models.Model(inputs=input_layer, outputs=output_layer)

    model = make_model(input_shape=x_train.shape[1:])
    assert model.count_params() == 25858  # as Keras counts it, 384 of them the moving statistics
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == 384

    epochs = 6  # SUBST: 500
    batch_size = 32
    callbacks = [
        keras.callbacks.ModelCheckpoint("best_model.h5", save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=20, min_lr=0.0001),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=50, verbose=1),
    ]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, callbacks=callbacks,
                        validation_split=0.2, verbose=0)

    model = keras.models.load_model("best_model.h5")
    y_pred = model.predict(x_test, verbose=0).argmax(axis=1)
    accuracy = np.mean(y_pred == y_test)  # SUBST: sklearn.metrics.accuracy_score
    print("Test accuracy", accuracy)
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]
    assert accuracy > 0.7
