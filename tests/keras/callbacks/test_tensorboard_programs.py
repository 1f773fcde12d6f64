"""TensorFlow's and Keras's TensorBoard programs, run as a new user would: the code as written,
only the imports changed; then TensorBoard's own reader checks the logs against the run.

Sources:

- tensorflow/docs ``site/en/tutorials/keras/overfit_and_underfit.ipynb``: the training procedure
  (``get_callbacks``: EarlyStopping beside ``TensorBoard(logdir/name)``, ``compile_and_fit``) and the
  "sizes" models;
- tensorflow/tensorboard ``docs/get_started.ipynb``: ``Model.fit`` with ``histogram_freq=1``, and the
  ``GradientTape`` loop logging with ``tf.summary``;
- keras-io ``guides/training_with_built_in_methods.py``: "Visualizing loss and metrics during
  training with TensorBoard".

The changes, each marked ``# SUBST``: ``import tensorflow as tf`` -> ``import glassnet as tf``; the
HIGGS and MNIST data -> random arrays of the same per-sample shape, fewer samples (TensorBoard's
get-started loads its MNIST with its own ``mnist.load_data()``, from a stand-in ``mnist.npz`` in
Keras's format that the ``keras_datasets`` fixture writes), and the
``tf.data`` pipelines -> arrays or lists of batches; ``tfdocs.modeling.EpochDots`` (from the
tensorflow_docs package) -> a LambdaCallback printing a dot per epoch; far fewer epochs.
"""
import datetime
import pathlib
import shutil
import tempfile

import numpy as np
import pytest

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `import keras`
from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def read(folder):
    """{tag: [(step, value)]} of every summary in `folder`, by TensorBoard's reader."""
    accumulator = event_accumulator.EventAccumulator(str(folder), size_guidance={event_accumulator.TENSORS: 0})
    accumulator.Reload()
    return {tag: [(event.step, tensor_util.make_ndarray(event.tensor_proto)) for event in accumulator.Tensors(tag)]
            for tag in accumulator.Tags()["tensors"]}


def scalars(points):
    return [float(value) for _, value in points]


def as_float32(values):
    return [float(np.float32(v)) for v in values]


def mnist_like(rng, n):
    return rng.integers(0, 256, (n, 28, 28)).astype("uint8"), rng.integers(0, 10, (n,)).astype("uint8")


# ==================================================================================================
# Overfit and underfit (TensorFlow tutorial): the training procedure and the "sizes" runs
# ==================================================================================================
def test_overfit_and_underfit_training_procedure(capsys):
    logdir = pathlib.Path(tempfile.mkdtemp())/"tensorboard_logs"
    shutil.rmtree(logdir, ignore_errors=True)

    FEATURES = 28
    rng = np.random.default_rng(0)  # SUBST: HIGGS -> 1 000 + 2 000 random rows with a learnable label
    features = rng.normal(size=(3000, FEATURES)).astype("float32")
    labels = (features[:, :3].sum(axis=1) + rng.normal(size=3000) > 0).astype("float32")
    N_VALIDATION = int(1e3)
    N_TRAIN = int(2e3)  # SUBST: was int(1e4)
    BATCH_SIZE = 500
    STEPS_PER_EPOCH = N_TRAIN//BATCH_SIZE
    validate_x, validate_y = features[:N_VALIDATION], labels[:N_VALIDATION]  # SUBST: the tf.data pipelines
    train_x, train_y = features[N_VALIDATION:], labels[N_VALIDATION:]

    lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
      0.001,
      decay_steps=STEPS_PER_EPOCH*1000,
      decay_rate=1,
      staircase=False)

    def get_optimizer():
      return tf.keras.optimizers.Adam(lr_schedule)

    def get_callbacks(name):
      return [
        tf.keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(".", end="")),  # SUBST: EpochDots
        tf.keras.callbacks.EarlyStopping(monitor='val_binary_crossentropy', patience=200),
        tf.keras.callbacks.TensorBoard(logdir/name),
      ]

    def compile_and_fit(model, name, optimizer=None, max_epochs=10000):
      if optimizer is None:
        optimizer = get_optimizer()
      model.compile(optimizer=optimizer,
                    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                    metrics=[
                      tf.keras.metrics.BinaryCrossentropy(
                          from_logits=True, name='binary_crossentropy'),
                      'accuracy'])

      model.summary()

      history = model.fit(
        train_x, train_y,  # SUBST: was train_ds
        batch_size=BATCH_SIZE,  # SUBST: batched by the dataset
        steps_per_epoch = STEPS_PER_EPOCH,
        epochs=max_epochs,
        validation_data=(validate_x, validate_y),  # SUBST: was validate_ds
        callbacks=get_callbacks(name),
        verbose=0)
      return history

    tiny_model = tf.keras.Sequential([
        layers.Dense(16, activation='elu', input_shape=(FEATURES,)),
        layers.Dense(1)
    ])
    size_histories = {}
    size_histories['Tiny'] = compile_and_fit(tiny_model, 'sizes/Tiny', max_epochs=6)  # SUBST: max_epochs

    small_model = tf.keras.Sequential([
        # `input_shape` is only required here so that `.summary` works.
        layers.Dense(16, activation='elu', input_shape=(FEATURES,)),
        layers.Dense(16, activation='elu'),
        layers.Dense(1)
    ])
    size_histories['Small'] = compile_and_fit(small_model, 'sizes/Small', max_epochs=4)  # SUBST: max_epochs

    assert capsys.readouterr().out.count(".") >= 10
    assert sorted(p.name for p in (logdir/"sizes").iterdir()) == ["Small", "Tiny"]
    for name in ("Tiny", "Small"):
        history = size_histories[name].history
        train, validation = read(logdir/"sizes"/name/"train"), read(logdir/"sizes"/name/"validation")
        for metric in ("loss", "binary_crossentropy", "accuracy"):
            assert scalars(train[f"epoch_{metric}"]) == as_float32(history[metric])
            assert scalars(validation[f"epoch_{metric}"]) == as_float32(history[f"val_{metric}"])
        # The decayed rate the optimizer used at each epoch's end: 0.001 / (1 + step / decay_steps)
        steps = [STEPS_PER_EPOCH * (epoch + 1) for epoch in range(len(history["loss"]))]
        np.testing.assert_allclose(scalars(train["epoch_learning_rate"]),
                                   [0.001 / (1 + step / (STEPS_PER_EPOCH * 1000)) for step in steps], rtol=1e-6)
        assert [step for step, _ in validation["evaluation_binary_crossentropy_vs_iterations"]] == steps
    shutil.rmtree(logdir.parent)  # not in the tutorial: the temporary folder it made


# ==================================================================================================
# TensorBoard's "Get started": Model.fit with histograms, then a GradientTape loop with tf.summary
# ==================================================================================================
def test_tensorboard_get_started(tmp_path, monkeypatch, keras_datasets):
    monkeypatch.chdir(tmp_path)  # the tutorial writes to ./logs
    rng = np.random.default_rng(1)
    keras_datasets.mnist(mnist_like(rng, 256), mnist_like(rng, 64))  # SUBST: 256 + 64 images
    mnist = tf.keras.datasets.mnist

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0

    def create_model():
      return tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(512, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation='softmax')
      ])

    model = create_model()
    model.compile(optimizer='adam',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])

    log_dir = "logs/fit/" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    tensorboard_callback = tf.keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=1)

    history = model.fit(x=x_train,
              y=y_train,
              epochs=2,  # SUBST: was 5
              validation_data=(x_test, y_test),
              callbacks=[tensorboard_callback])

    train = read(tmp_path / log_dir / "train")
    assert scalars(train["epoch_accuracy"]) == as_float32(history.history["accuracy"])
    assert scalars(read(tmp_path / log_dir / "validation")["epoch_loss"]) == as_float32(history.history["val_loss"])
    kernel = model.layers[1].kernel
    (_, last), = train[f"{kernel.path}/histogram"][-1:]
    assert last[:, 2].sum() == 784 * 512
    np.testing.assert_array_equal(last, tf.summary.histogram_buckets(np.array(kernel)))

    # --- Using TensorBoard with other methods ---
    train_dataset = [(x_train[i:i + 64], y_train[i:i + 64]) for i in range(0, len(x_train), 64)]  # SUBST: tf.data
    test_dataset = [(x_test[i:i + 64], y_test[i:i + 64]) for i in range(0, len(x_test), 64)]

    loss_object = tf.keras.losses.SparseCategoricalCrossentropy()
    optimizer = tf.keras.optimizers.Adam()

    # Define our metrics
    train_loss = tf.keras.metrics.Mean('train_loss', dtype=tf.float32)
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy('train_accuracy')
    test_loss = tf.keras.metrics.Mean('test_loss', dtype=tf.float32)
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy('test_accuracy')

    def train_step(model, optimizer, x_train, y_train):
      with tf.GradientTape() as tape:
        predictions = model(x_train, training=True)
        loss = loss_object(y_train, predictions)
      grads = tape.gradient(loss, model.trainable_variables)
      optimizer.apply_gradients(zip(grads, model.trainable_variables))

      train_loss(loss)
      train_accuracy(y_train, predictions)

    def test_step(model, x_test, y_test):
      predictions = model(x_test)
      loss = loss_object(y_test, predictions)

      test_loss(loss)
      test_accuracy(y_test, predictions)

    current_time = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    train_log_dir = 'logs/gradient_tape/' + current_time + '/train'
    test_log_dir = 'logs/gradient_tape/' + current_time + '/test'
    train_summary_writer = tf.summary.create_file_writer(train_log_dir)
    test_summary_writer = tf.summary.create_file_writer(test_log_dir)

    model = create_model() # reset our model

    EPOCHS = 2  # SUBST: was 5
    logged = []  # not in the tutorial: what it printed, to compare with the files

    for epoch in range(EPOCHS):
      for (x_train, y_train) in train_dataset:
        train_step(model, optimizer, x_train, y_train)
      with train_summary_writer.as_default():
        tf.summary.scalar('loss', train_loss.result(), step=epoch)
        tf.summary.scalar('accuracy', train_accuracy.result(), step=epoch)

      for (x_test, y_test) in test_dataset:
        test_step(model, x_test, y_test)
      with test_summary_writer.as_default():
        tf.summary.scalar('loss', test_loss.result(), step=epoch)
        tf.summary.scalar('accuracy', test_accuracy.result(), step=epoch)

      template = 'Epoch {}, Loss: {}, Accuracy: {}, Test Loss: {}, Test Accuracy: {}'
      print (template.format(epoch+1,
                             train_loss.result(),
                             train_accuracy.result()*100,
                             test_loss.result(),
                             test_accuracy.result()*100))
      logged.append([float(m.result()) for m in (train_loss, train_accuracy, test_loss, test_accuracy)])

      # Reset metrics every epoch
      train_loss.reset_state()
      test_loss.reset_state()
      train_accuracy.reset_state()
      test_accuracy.reset_state()

    train, test = read(tmp_path / train_log_dir), read(tmp_path / test_log_dir)
    assert [step for step, _ in train["loss"]] == [0, 1]
    assert scalars(train["loss"]) == as_float32([row[0] for row in logged])
    assert scalars(train["accuracy"]) == as_float32([row[1] for row in logged])
    assert scalars(test["loss"]) == as_float32([row[2] for row in logged])
    assert scalars(test["accuracy"]) == as_float32([row[3] for row in logged])


# ==================================================================================================
# Keras guide, "Training & evaluation with the built-in methods": the TensorBoard section
# ==================================================================================================
def test_keras_guide_tensorboard_section(tmp_path):
    def get_uncompiled_model():
        inputs = keras.Input(shape=(784,), name="digits")
        x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
        x = layers.Dense(64, activation="relu", name="dense_2")(x)
        outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    def get_compiled_model():
        model = get_uncompiled_model()
        model.compile(
            optimizer="rmsprop",
            loss="sparse_categorical_crossentropy",
            metrics=["sparse_categorical_accuracy"],
        )
        return model

    rng = np.random.default_rng(2)
    x_train, y_train = mnist_like(rng, 200)  # SUBST: MNIST
    x_train = x_train.reshape(200, 784).astype("float32") / 255
    full_path_to_your_logs = str(tmp_path / "logs")  # SUBST: "/full_path_to_your_logs"

    model = get_compiled_model()
    tensorboard_cbk = keras.callbacks.TensorBoard(
        log_dir=full_path_to_your_logs,
        histogram_freq=0,  # How often to log histogram visualizations
        embeddings_freq=0,  # How often to log embedding visualizations
        update_freq="epoch",
    )  # How often to write logs (default: once per epoch)
    history = model.fit(x_train, y_train, epochs=2, validation_split=0.2, callbacks=[tensorboard_cbk], verbose=0)

    train = read(tmp_path / "logs" / "train")
    assert scalars(train["epoch_sparse_categorical_accuracy"]) == as_float32(
        history.history["sparse_categorical_accuracy"])
    validation = read(tmp_path / "logs" / "validation")
    assert scalars(validation["epoch_loss"]) == as_float32(history.history["val_loss"])
    assert "keras" in train  # a functional model: its config for the Graphs tab
