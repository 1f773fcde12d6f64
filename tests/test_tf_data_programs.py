"""TensorFlow tutorials' tf.data pipelines, run with only the import changed: "TensorFlow 2
quickstart for experts" (from_tensor_slices, shuffle, batch and a GradientTape loop), "Overfit and
underfit" (CsvDataset on a gzip file, batch-map-unbatch, take/skip/cache, shuffle-repeat-batch,
fit with steps_per_epoch and validation_data) and "Custom training: walkthrough" (make_csv_dataset,
map(pack_features_vector)). The data are stand-ins of the tutorials' shapes, written here (no
network); sizes are smaller so that each runs in seconds. MNIST is loaded by the tutorial's own
line, from a stand-in ``mnist.npz`` that the ``keras_datasets`` fixture writes in Keras's format."""
import gzip

import numpy as np

import glassnet as tf
from glassnet.keras import Model
from glassnet.keras import layers
from glassnet.keras.layers import Conv2D, Dense, Flatten


def _digits(n, seed):
    """MNIST-shaped stand-in: uint8 28x28 images of 10 classes, each a noisy copy of a class prototype."""
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(0).integers(0, 256, size=(10, 28, 28))
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = np.clip(prototypes[labels] + rng.normal(scale=40, size=(n, 28, 28)), 0, 255).astype(np.uint8)
    return images, labels


def test_quickstart_for_experts(keras_datasets):
    keras_datasets.mnist(_digits(384, 1), _digits(96, 2))  # 384 + 96 images, not 60,000 + 10,000
    tf.random.set_seed(0)
    mnist = tf.keras.datasets.mnist

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    # Add a channels dimension
    x_train = x_train[..., tf.newaxis].astype("float32")
    x_test = x_test[..., tf.newaxis].astype("float32")

    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

    class MyModel(Model):
        def __init__(self):
            super().__init__()
            self.conv1 = Conv2D(8, 3, activation="relu")  # 32 filters in the tutorial
            self.flatten = Flatten()
            self.d1 = Dense(32, activation="relu")  # 128 units in the tutorial
            self.d2 = Dense(10)

        def call(self, x):
            x = self.conv1(x)
            x = self.flatten(x)
            x = self.d1(x)
            return self.d2(x)

    # Create an instance of the model
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
            # training=True is only needed if there are layers with different
            # behavior during training versus inference (e.g. Dropout).
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

    EPOCHS = 3  # noqa: N806 - the tutorial's name (5 there)
    lines, batch_sizes = [], []
    for epoch in range(EPOCHS):
        # Reset the metrics at the start of the next epoch
        train_loss.reset_state()
        train_accuracy.reset_state()
        test_loss.reset_state()
        test_accuracy.reset_state()
        for images, labels in train_ds:
            batch_sizes.append(images.shape[0])
            train_step(images, labels)
        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)
        lines.append(
            f"Epoch {epoch + 1}, "
            f"Loss: {train_loss.result():0.2f}, "
            f"Accuracy: {train_accuracy.result() * 100:0.2f}, "
            f"Test Loss: {test_loss.result():0.2f}, "
            f"Test Accuracy: {test_accuracy.result() * 100:0.2f}"
        )
    assert batch_sizes[:12] == [32] * 12 and len(batch_sizes) == 36
    assert lines[0].startswith("Epoch 1, Loss: ")
    assert float(test_accuracy.result()) > 0.9, lines


def _write_higgs_like(path, rows, features=28, seed=0):
    """HIGGS.csv.gz's shape: a 0/1 label then 28 float features per line, gzip-compressed, no header."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=rows)
    values = rng.normal(size=(rows, features)) + labels[:, None] * np.linspace(-0.6, 0.6, features)
    with gzip.open(path, "wt") as file:
        for label, row in zip(labels, values):
            file.write(f"{float(label):.18e}," + ",".join(f"{v:.18e}" for v in row) + "\n")


def test_overfit_and_underfit_pipeline(tmp_path):
    gz = str(tmp_path / "HIGGS.csv.gz")  # tf.keras.utils.get_file('HIGGS.csv.gz', ...) in the tutorial
    _write_higgs_like(gz, rows=1700)
    FEATURES = 28  # noqa: N806 - the tutorial's names
    ds = tf.data.experimental.CsvDataset(gz, [float(), ] * (FEATURES + 1), compression_type="GZIP")

    def pack_row(*row):
        label = row[0]
        features = tf.stack(row[1:], 1)
        return features, label

    packed_ds = ds.batch(10000).map(pack_row).unbatch()
    for features, label in packed_ds.batch(1000).take(1):
        assert features.shape == (1000, 28) and label.shape == (1000,)
        assert features.numpy().flatten().dtype == np.float32

    N_VALIDATION = int(2e2)  # noqa: N806 - 1e3, 1e4, 1e4 and 500 in the tutorial
    N_TRAIN = int(1e3)  # noqa: N806
    BUFFER_SIZE = int(1e3)  # noqa: N806
    BATCH_SIZE = 100  # noqa: N806
    STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE  # noqa: N806

    validate_ds = packed_ds.take(N_VALIDATION).cache()
    train_ds = packed_ds.skip(N_VALIDATION).take(N_TRAIN).cache()
    assert train_ds.cardinality() == tf.data.UNKNOWN_CARDINALITY  # unbatch: as TensorFlow
    validate_ds = validate_ds.batch(BATCH_SIZE)
    train_ds = train_ds.shuffle(BUFFER_SIZE).repeat().batch(BATCH_SIZE)

    lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
        0.001, decay_steps=STEPS_PER_EPOCH * 1000, decay_rate=1, staircase=False)

    def get_optimizer():
        return tf.keras.optimizers.Adam(lr_schedule)

    def get_callbacks(name):
        return [tf.keras.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=200)]

    def compile_and_fit(model, name, optimizer=None, max_epochs=10000):
        if optimizer is None:
            optimizer = get_optimizer()
        model.compile(optimizer=optimizer,
                      loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                      metrics=[tf.keras.metrics.BinaryCrossentropy(from_logits=True, name="binary_crossentropy"),
                               "accuracy"])
        history = model.fit(train_ds, steps_per_epoch=STEPS_PER_EPOCH, epochs=max_epochs,
                            validation_data=validate_ds, callbacks=get_callbacks(name), verbose=0)
        return history

    tf.random.set_seed(0)
    tiny_model = tf.keras.Sequential([
        layers.Input((FEATURES,)),  # the tutorial gives input_shape=(FEATURES,) to the first layer
        layers.Dense(16, activation="elu"),
        layers.Dense(1),
    ])
    history = compile_and_fit(tiny_model, "sizes/Tiny", max_epochs=30)
    logs = history.history
    assert sorted(logs) == ["accuracy", "binary_crossentropy", "loss", "val_accuracy", "val_binary_crossentropy",
                            "val_loss"]
    assert len(logs["loss"]) == 30 and history.params["steps"] == STEPS_PER_EPOCH
    assert logs["val_binary_crossentropy"][-1] < logs["val_binary_crossentropy"][0]
    assert logs["val_accuracy"][-1] > 0.75, logs["val_accuracy"][-5:]


def _write_iris_like(path, n, seed):
    """iris_training.csv's shape: a header line (count, features, class names), then 4 floats and a label."""
    rng = np.random.default_rng(seed)
    centres = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    labels = rng.integers(0, 3, size=n)
    values = centres[labels] + rng.normal(scale=0.3, size=(n, 4))
    lines = [f"{n},4,setosa,versicolor,virginica"]
    lines += [",".join(f"{v:.1f}" for v in row) + f",{label}" for row, label in zip(values, labels)]
    path.write_text("\n".join(lines) + "\n")


def test_custom_training_walkthrough_pipeline(tmp_path):
    train_dataset_fp = tmp_path / "iris_training.csv"  # tf.keras.utils.get_file(...) in the tutorial
    _write_iris_like(train_dataset_fp, 120, seed=0)
    # column order in CSV file
    column_names = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    feature_names = column_names[:-1]
    label_name = column_names[-1]
    batch_size = 32
    train_dataset = tf.data.experimental.make_csv_dataset(
        str(train_dataset_fp),
        batch_size,
        column_names=column_names,
        label_name=label_name,
        num_epochs=1)
    features, labels = next(iter(train_dataset))
    assert list(features) == feature_names and features["sepal_length"].shape == (32,)
    assert labels.dtype == tf.int32 and features["petal_width"].dtype == tf.float32

    def pack_features_vector(features, labels):
        """Pack the features into a single array."""
        features = tf.stack(list(features.values()), axis=1)
        return features, labels

    train_dataset = train_dataset.map(pack_features_vector)
    features, labels = next(iter(train_dataset))
    assert features.shape == (32, 4)

    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Input((4,)),  # the tutorial gives input_shape=(4,) to the first layer
        tf.keras.layers.Dense(10, activation=tf.nn.relu),
        tf.keras.layers.Dense(10, activation=tf.nn.relu),
        tf.keras.layers.Dense(3),
    ])
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def loss(model, x, y, training):
        y_ = model(x, training=training)
        return loss_object(y_true=y, y_pred=y_)

    def grad(model, inputs, targets):
        with tf.GradientTape() as tape:
            loss_value = loss(model, inputs, targets, training=True)
        return loss_value, tape.gradient(loss_value, model.trainable_variables)

    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    train_loss_results, train_accuracy_results, lines = [], [], []
    num_epochs = 101  # 201 in the tutorial
    for epoch in range(num_epochs):
        epoch_loss_avg = tf.keras.metrics.Mean()
        epoch_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
        # Training loop - using batches of 32
        for x, y in train_dataset:
            loss_value, grads = grad(model, x, y)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            epoch_loss_avg.update_state(loss_value)
            epoch_accuracy.update_state(y, model(x, training=True))
        train_loss_results.append(epoch_loss_avg.result())
        train_accuracy_results.append(epoch_accuracy.result())
        if epoch % 50 == 0:
            lines.append("Epoch {:03d}: Loss: {:.3f}, Accuracy: {:.3%}".format(
                epoch, epoch_loss_avg.result(), epoch_accuracy.result()))
    assert len(lines) == 3 and lines[0].startswith("Epoch 000: Loss: ") and lines[0].endswith("%")
    assert float(train_loss_results[-1]) < float(train_loss_results[0]) / 2
    assert float(train_accuracy_results[-1]) > 0.8

    test_fp = tmp_path / "iris_test.csv"
    _write_iris_like(test_fp, 30, seed=1)
    test_dataset = tf.data.experimental.make_csv_dataset(
        str(test_fp),
        batch_size,
        column_names=column_names,
        label_name="species",
        num_epochs=1,
        shuffle=False)
    test_dataset = test_dataset.map(pack_features_vector)
    test_accuracy = tf.keras.metrics.Accuracy()
    for (x, y) in test_dataset:
        logits = model(x, training=False)
        prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
        test_accuracy(prediction, y)
    assert float(test_accuracy.result()) > 0.8
