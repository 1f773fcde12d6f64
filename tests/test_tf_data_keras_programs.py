"""Keras's examples and guides and TensorFlow's tutorials that feed training through tf.data,
keras.datasets, keras.utils.timeseries_dataset_from_array and the metrics, run with only the import
changed.

Every change is marked ``# SUBST``: where a program downloads its data, a stand-in of the same
columns, shapes and dtypes is written here (no network), smaller so that each runs in seconds,
and epochs are cut. The checks compare what each program prints or computes with a direct
computation from the same arrays.
"""
import numpy as np
import pytest

try:
    import pandas as pd
except ImportError:  # CI's NumPy-floor run installs no pandas: the programs that read with it skip there
    pd = None

from glassnet import keras  # SUBST: was `import keras` / `from tensorflow import keras`

needs_pandas = pytest.mark.skipif(pd is None, reason="these programs read their data with pandas")


def jena_climate_like(rows, seed=0):
    """The columns of jena_climate_2009_2016.csv (one row every 10 minutes): a daily cycle plus noise."""
    rng = np.random.default_rng(seed)
    keys = ["p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)",
            "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)", "wd (deg)"]
    day = np.sin(np.arange(rows) * 2 * np.pi / 144)
    columns = {key: 10 * (i + 1) + (i + 1) * day + rng.normal(size=rows) for i, key in enumerate(keys)}
    dates = pd.date_range("2009-01-01 00:10:00", periods=rows, freq="10min").strftime("%d.%m.%Y %H:%M:%S")
    return pd.DataFrame({"Date Time": dates, **columns})


# keras-io examples/timeseries/timeseries_weather_forecasting.py ("Timeseries forecasting for weather
# prediction"): from "Data Preprocessing" to "Prediction"; the plots are left out.
@needs_pandas
def test_timeseries_weather_forecasting(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # SUBST: the checkpoint is written to the working directory
    df = jena_climate_like(5600)  # SUBST: pd.read_csv(csv_path) of the 420,551 rows of Jena's climate
    titles = ["Pressure", "Temperature", "Temperature in Kelvin", "Temperature (dew point)", "Relative Humidity",
              "Saturation vapor pressure", "Vapor pressure", "Vapor pressure deficit", "Specific humidity",
              "Water vapor concentration", "Airtight", "Wind speed", "Maximum wind speed", "Wind direction in degrees"]
    feature_keys = list(df.columns[1:])
    date_time_key = "Date Time"

    split_fraction = 0.715
    train_split = int(split_fraction * int(df.shape[0]))
    step = 6

    past = 720
    future = 72
    learning_rate = 0.001
    batch_size = 256
    epochs = 2  # SUBST: 10

    def normalize(data, train_split):
        data_mean = data[:train_split].mean(axis=0)
        data_std = data[:train_split].std(axis=0)
        return (data - data_mean) / data_std

    print(
        "The selected parameters are:",
        ", ".join([titles[i] for i in [0, 1, 5, 7, 8, 10, 11]]),
    )
    selected_features = [feature_keys[i] for i in [0, 1, 5, 7, 8, 10, 11]]
    features = df[selected_features]
    features.index = df[date_time_key]
    features.head()

    features = normalize(features.values, train_split)
    features = pd.DataFrame(features)
    features.head()

    train_data = features.loc[0 : train_split - 1]
    val_data = features.loc[train_split:]

    start = past + future
    end = start + train_split

    x_train = train_data[[i for i in range(7)]].values
    y_train = features.iloc[start:end][[1]]

    sequence_length = int(past / step)

    dataset_train = keras.preprocessing.timeseries_dataset_from_array(
        x_train,
        y_train,
        sequence_length=sequence_length,
        sampling_rate=step,
        batch_size=batch_size,
    )

    x_end = len(val_data) - past - future

    label_start = train_split + past + future

    x_val = val_data.iloc[:x_end][[i for i in range(7)]].values
    y_val = features.iloc[label_start:][[1]]

    dataset_val = keras.preprocessing.timeseries_dataset_from_array(
        x_val,
        y_val,
        sequence_length=sequence_length,
        sampling_rate=step,
        batch_size=batch_size,
    )

    for batch in dataset_train.take(1):
        inputs, targets = batch

    print("Input shape:", inputs.numpy().shape)
    print("Target shape:", targets.numpy().shape)

    # The first window: steps 0, 6, ..., 714 of the 7 features; its target: the temperature 792 steps on.
    np.testing.assert_array_equal(inputs.numpy()[0], x_train[0:past:step])
    np.testing.assert_array_equal(targets.numpy()[0], [features.values[past + future, 1]])

    inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
    lstm_out = keras.layers.LSTM(32)(inputs)
    outputs = keras.layers.Dense(1)(lstm_out)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    model.summary()

    path_checkpoint = "model_checkpoint.weights.h5"
    es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)

    modelckpt_callback = keras.callbacks.ModelCheckpoint(
        monitor="val_loss",
        filepath=path_checkpoint,
        verbose=1,
        save_weights_only=True,
        save_best_only=True,
    )

    history = model.fit(
        dataset_train,
        epochs=epochs,
        validation_data=dataset_val,
        callbacks=[es_callback, modelckpt_callback],
    )

    predictions = []
    for x, y in dataset_val.take(5):
        predictions.append((x[0][:, 1].numpy(), y[0].numpy(), model.predict(x)[0]))  # show_plot's data

    out = capsys.readouterr().out
    assert "Input shape: (256, 120, 7)" in out and "Target shape: (256, 1)" in out
    assert "The selected parameters are: Pressure, Temperature, Saturation vapor pressure" in out
    assert len(history.history["loss"]) == 2 and len(history.history["val_loss"]) == 2
    assert (tmp_path / path_checkpoint).exists()
    # Keras's windows: len(x) - (120 - 1) * 6 of them, also for validation.
    train_windows = min(len(x_train) - (sequence_length - 1) * step, len(y_train))
    assert sum(len(y) for _, y in dataset_train) == train_windows
    val_windows = min(len(x_val) - (sequence_length - 1) * step, len(y_val))
    assert len(dataset_val) == -(-val_windows // batch_size)
    # The validation loss is the model's mean squared error over all validation windows.
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in dataset_val])
    mse = np.mean((model.predict(np.concatenate(xs), verbose=0) - np.concatenate(ys)) ** 2)
    np.testing.assert_allclose(history.history["val_loss"][-1], mse, rtol=1e-4)
    history_, target, prediction = predictions[0]
    assert history_.shape == (120,) and target.shape == (1,) and prediction.shape == (1,)


def mnist_like(n, seed):
    """MNIST-shaped stand-in: uint8 28x28 images of 10 classes, each a noisy copy of a class prototype."""
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(0).integers(0, 256, size=(10, 28, 28))
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = np.clip(prototypes[labels] + rng.normal(scale=250, size=(n, 28, 28)), 0, 255).astype(np.uint8)
    return images, labels


# keras-io guides/training_with_built_in_methods.py ("Training & evaluation with the built-in
# methods"): "Training & evaluation from tf.data Datasets", "Using a validation dataset", class and
# sample weights (NumPy and Dataset), and the Dataset of a multi-input, multi-output model.
def test_training_with_built_in_methods_tf_data(capsys):
    import glassnet as tf  # SUBST: was `import tensorflow as tf`
    from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`

    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    # SUBST: keras.datasets.mnist.load_data(), 60,000 + 10,000 images; 3,000 + 640 here
    (x_train, y_train), (x_test, y_test) = mnist_like(3000, 1), mnist_like(640, 2)

    # Preprocess the data (these are NumPy arrays)
    x_train = x_train.reshape(3000, 784).astype("float32") / 255  # SUBST: reshape(60000, 784)
    x_test = x_test.reshape(640, 784).astype("float32") / 255  # SUBST: reshape(10000, 784)

    y_train = y_train.astype("float32")
    y_test = y_test.astype("float32")

    # Reserve 10,000 samples for validation
    x_val = x_train[-1000:]  # SUBST: 10000 here and below
    y_val = y_train[-1000:]
    x_train = x_train[:-1000]
    y_train = y_train[:-1000]

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

    model = get_compiled_model()

    # First, let's create a training Dataset instance.
    # For the sake of our example, we'll use the same MNIST data as before.
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    # Shuffle and slice the dataset.
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(64)

    # Now we get a test dataset.
    test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))
    test_dataset = test_dataset.batch(64)

    # Since the dataset already takes care of batching,
    # we don't pass a `batch_size` argument.
    model.fit(train_dataset, epochs=3)

    # You can also evaluate or predict on a dataset.
    print("Evaluate")
    result = model.evaluate(test_dataset)
    scores = dict(zip(model.metrics_names, result))

    # The Dataset's evaluation is the arrays' one; the accuracy is the share of right argmaxes.
    assert list(scores) == ["loss", "compile_metrics"]  # Keras 3's metrics_names, checked with Keras 3.15.1
    np.testing.assert_allclose(result, model.evaluate(x_test, y_test, verbose=0), rtol=1e-5)
    accuracy = np.mean(np.argmax(model.predict(test_dataset, verbose=0), axis=1) == y_test)
    np.testing.assert_allclose(scores["compile_metrics"], accuracy, rtol=1e-6)
    assert 0.5 < accuracy < 1
    assert int(model.optimizer.iterations.numpy()) == 3 * 32  # 2,000 rows in batches of 64: 32 a pass

    model = get_compiled_model()

    # Prepare the training dataset
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(64)

    # Only use the 100 batches per epoch (that's 64 * 100 samples)
    model.fit(train_dataset, epochs=3, steps_per_epoch=10)  # SUBST: steps_per_epoch=100 (of 782 batches)
    assert int(model.optimizer.iterations.numpy()) == 30

    model = get_compiled_model()

    # Prepare the training dataset
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(64)

    # Prepare the validation dataset
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    val_dataset = val_dataset.batch(64)

    history = model.fit(train_dataset, epochs=1, validation_data=val_dataset)
    np.testing.assert_allclose([history.history["val_loss"][0], history.history["val_sparse_categorical_accuracy"][0]],
                               model.evaluate(x_val, y_val, verbose=0), rtol=1e-5)

    model = get_compiled_model()

    # Prepare the training dataset
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(64)

    # Prepare the validation dataset
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    val_dataset = val_dataset.batch(64)

    history = model.fit(
        train_dataset,
        epochs=1,
        # Only run validation using the first 10 batches of the dataset
        # using the `validation_steps` argument
        validation_data=val_dataset,
        validation_steps=10,
    )
    # Validation ran on the first 10 batches only: the first 640 rows.
    np.testing.assert_allclose(history.history["val_loss"][0],
                               model.evaluate(x_val[:640], y_val[:640], verbose=0)[0], rtol=1e-5)

    class_weight = {
        0: 1.0,
        1: 1.0,
        2: 1.0,
        3: 1.0,
        4: 1.0,
        # Set weight "2" for class "5",
        # making this class 2x more important
        5: 2.0,
        6: 1.0,
        7: 1.0,
        8: 1.0,
        9: 1.0,
    }

    print("Fit with class weight")
    model = get_compiled_model()
    model.fit(x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1)

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0

    print("Fit with sample weight")
    model = get_compiled_model()
    model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1)

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0

    # Create a Dataset that includes sample weights
    # (3rd element in the return tuple).
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train, sample_weight))

    # Shuffle and slice the dataset.
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(64)

    model = get_compiled_model()
    model.fit(train_dataset, epochs=1)

    # class_weight trains exactly as the sample weights it stands for (same seed, no shuffle).
    trained = []
    for weighting in (dict(class_weight=class_weight), dict(sample_weight=sample_weight)):
        keras.utils.set_random_seed(1)
        check_model = get_compiled_model()
        check_model.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0, **weighting)
        trained.append(check_model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_array_equal(a, b)

    # A Dataset's third element weighs the samples as `sample_weight=` does, and as `class_weight` would.
    weighted = tf.data.Dataset.from_tensor_slices((x_val, y_val, np.where(y_val == 5, 2.0, 1.0))).batch(64)
    expected = model.evaluate(x_val, y_val, sample_weight=np.where(y_val == 5, 2.0, 1.0), verbose=0)
    np.testing.assert_allclose(model.evaluate(weighted, verbose=0), expected, rtol=1e-5)
    probabilities = model.predict(x_val, verbose=0)[np.arange(len(y_val)), y_val.astype(int)]
    weights = np.where(y_val == 5, 2.0, 1.0)
    np.testing.assert_allclose(expected[0], np.sum(-np.log(probabilities) * weights) / len(y_val), rtol=1e-4)

    image_input = keras.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = keras.Input(shape=(None, 10), name="ts_input")

    x1 = layers.Conv2D(3, 3)(image_input)
    x1 = layers.GlobalMaxPooling2D()(x1)

    x2 = layers.Conv1D(3, 3)(timeseries_input)
    x2 = layers.GlobalMaxPooling1D()(x2)

    x = layers.concatenate([x1, x2])

    score_output = layers.Dense(1, name="score_output")(x)
    class_output = layers.Dense(5, name="class_output")(x)

    model = keras.Model(
        inputs=[image_input, timeseries_input], outputs=[score_output, class_output]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
    )

    # Generate dummy NumPy data
    img_data = np.random.random_sample(size=(100, 32, 32, 3))
    ts_data = np.random.random_sample(size=(100, 20, 10))
    score_targets = np.random.random_sample(size=(100, 1))
    class_targets = np.random.random_sample(size=(100, 5))

    train_dataset = tf.data.Dataset.from_tensor_slices(
        (
            {"img_input": img_data, "ts_input": ts_data},
            {"score_output": score_targets, "class_output": class_targets},
        )
    )
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(64)

    history = model.fit(train_dataset, epochs=1)
    # The dict-fed loss is the sum of the two outputs' losses (Keras's unweighted total).
    logs = model.evaluate(train_dataset, verbose=0, return_dict=True)
    score, classes = model.predict({"img_input": img_data, "ts_input": ts_data}, verbose=0)
    mse = np.mean((score - score_targets) ** 2)
    # CategoricalCrossentropy() reads the (here raw) outputs as Keras does: scaled to sum 1, then clipped.
    probabilities = np.clip(classes / classes.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    crossentropy = np.mean(-np.sum(class_targets * np.log(probabilities), axis=1))
    np.testing.assert_allclose(logs["loss"], mse + crossentropy, rtol=1e-4)

    out = capsys.readouterr().out
    assert "Evaluate" in out and "Fit with class weight" in out and "Fit with sample weight" in out


# keras-io guides/custom_train_step_in_tensorflow.py ("Customizing what happens in `fit()` with
# TensorFlow"): every section, the GAN fed by a tf.data Dataset of MNIST digits. The `results[...]`
# lines and the names history1..3 are added to keep what each section computed.
def test_customizing_what_happens_in_fit(capsys):
    import glassnet as tf  # SUBST: was `import tensorflow as tf`
    from glassnet.keras import layers  # SUBST: was `from keras import layers`

    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    results = {}
    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value
                # (the loss function is configured in `compile()`)
                loss = self.compute_loss(y=y, y_pred=y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Update metrics (includes the metric that tracks the loss)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)

            # Return a dict mapping metric names to current value
            return {m.name: m.result() for m in self.metrics}


    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # Just use `fit` as usual
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history1 = model.fit(x, y, epochs=3)
    results["first"] = (model, x, y, history1)


    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute our own loss
                loss = self.loss_fn(y, y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Compute our own metrics
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {
                "loss": self.loss_tracker.result(),
                "mae": self.mae_metric.result(),
            }

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch
            # or at the start of `evaluate()`.
            return [self.loss_tracker, self.mae_metric]


    # Construct an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)

    # We don't pass a loss or metrics here.
    model.compile(optimizer="adam")

    # Just use `fit` as usual -- you can use callbacks, etc.
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history2 = model.fit(x, y, epochs=5)
    results["lower"] = (model, x, y, history2)


    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value.
                # The loss function is configured in `compile()`.
                loss = self.compute_loss(
                    y=y,
                    y_pred=y_pred,
                    sample_weight=sample_weight,
                )

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Update the metrics.
            # Metrics are configured in `compile()`.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)

            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}


    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # You can now use sample_weight argument
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    sw = np.random.random((1000, 1))
    history3 = model.fit(x, y, sample_weight=sw, epochs=3)
    results["weighted"] = (model, x, y, history3)
    # Added: the same model fed by a Dataset of (x, y, sample_weight), as "data" arrives in train_step.
    history3b = model.fit(tf.data.Dataset.from_tensor_slices((x, y, sw)).batch(32), epochs=1)
    results["weighted_dataset"] = history3b


    class CustomModel(keras.Model):
        def test_step(self, data):
            # Unpack the data
            x, y = data
            # Compute predictions
            y_pred = self(x, training=False)
            # Updates the metrics tracking the loss
            loss = self.compute_loss(y=y, y_pred=y_pred)
            # Update the metrics.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}


    # Construct an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(loss="mse", metrics=["mae"])

    # Evaluate with our custom test_step
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    evaluation = model.evaluate(x, y)
    results["evaluate"] = (model, x, y, evaluation)

    # Keras 3.15.1 on TensorFlow 2.21, the same program: every history holds ["loss", "mae"] (the
    # compiled metrics' dict is flattened), and evaluate returns [loss, mae].
    for key in ("first", "lower", "weighted"):
        model_, x_, y_, history = results[key]
        assert sorted(history.history) == ["loss", "mae"]
    assert sorted(results["weighted_dataset"].history) == ["loss", "mae"]
    assert len(results["first"][3].history["loss"]) == 3 and len(results["lower"][3].history["loss"]) == 5
    # The lower-level model's last-epoch logs: the mean of the epoch's batch losses and its MAE, which
    # a pass over the same batches after training cannot give; check instead evaluate's custom step.
    model_, x_, y_, evaluation = results["evaluate"]
    predictions = model_.predict(x_, verbose=0)
    batch_losses = [np.mean((predictions[i:i + 32] - y_[i:i + 32]) ** 2) for i in range(0, 1000, 32)]
    np.testing.assert_allclose(evaluation, [np.mean(batch_losses), np.mean(np.abs(predictions - y_))], rtol=1e-5)

    # Create the discriminator
    discriminator = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )

    # Create the generator
    latent_dim = 128
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            # We want to generate 128 coefficients to reshape into a 7x7x128 map
            layers.Dense(7 * 7 * 128),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )


    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator(1337)

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            # Sample random points in the latent space
            batch_size = tf.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine them with real images
            combined_images = tf.concat([generated_images, real_images], axis=0)

            # Assemble labels discriminating real from fake images
            labels = tf.concat(
                [tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0
            )
            # Add random noise to the labels - important trick!
            labels += 0.05 * keras.random.uniform(
                tf.shape(labels), seed=self.seed_generator
            )

            # Train the discriminator
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

            # Sample random points in the latent space
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Assemble labels that say "all real images"
            misleading_labels = tf.zeros((batch_size, 1))

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)

            # Update metrics and return their value.
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {
                "d_loss": self.d_loss_tracker.result(),
                "g_loss": self.g_loss_tracker.result(),
            }


    # Prepare the dataset. We use both the training & test MNIST digits.
    batch_size = 8  # SUBST: 64
    (x_train, _), (x_test, _) = mnist_like(12, 1), mnist_like(4, 2)  # SUBST: keras.datasets.mnist.load_data()
    all_digits = np.concatenate([x_train, x_test])
    all_digits = all_digits.astype("float32") / 255.0
    all_digits = np.reshape(all_digits, (-1, 28, 28, 1))
    dataset = tf.data.Dataset.from_tensor_slices(all_digits)
    dataset = dataset.shuffle(buffer_size=1024).batch(batch_size)

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )

    # To limit the execution time, we only train on 100 batches. You can train on
    # the entire dataset. You will need about 20 epochs to get nice results.
    gan_history = gan.fit(dataset.take(2), epochs=1)  # SUBST: take(100)

    assert sorted(gan_history.history) == ["d_loss", "g_loss"]
    assert int(gan.d_optimizer.iterations.numpy()) == 2 and int(gan.g_optimizer.iterations.numpy()) == 2
    assert all(np.isfinite(gan_history.history["d_loss"])) and all(np.isfinite(gan_history.history["g_loss"]))
    assert "d_loss:" in capsys.readouterr().out


# keras-io examples/vision/mnist_convnet.py ("Simple MNIST convnet"): keras.datasets.mnist,
# keras.utils.to_categorical, fit with validation_split, evaluate.
def test_mnist_convnet(capsys):
    from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`

    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    # Model / data parameters
    num_classes = 10
    input_shape = (28, 28, 1)

    # Load the data and split it between train and test sets
    # SUBST: keras.datasets.mnist.load_data() (60,000 + 10,000 images); 600 + 200 here
    (x_train, y_train), (x_test, y_test) = mnist_like(600, 1), mnist_like(200, 2)

    # Scale images to the [0, 1] range
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    # Make sure images have shape (28, 28, 1)
    x_train = np.expand_dims(x_train, -1)
    x_test = np.expand_dims(x_test, -1)
    print("x_train shape:", x_train.shape)
    print(x_train.shape[0], "train samples")
    print(x_test.shape[0], "test samples")

    labels_test = y_test  # SUBST: added, the integer labels for the check below
    # convert class vectors to binary class matrices
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

    batch_size = 128
    epochs = 2  # SUBST: 15

    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)

    score = model.evaluate(x_test, y_test, verbose=0)
    print("Test loss:", score[0])
    print("Test accuracy:", score[1])

    out = capsys.readouterr().out
    assert "x_train shape: (600, 28, 28, 1)" in out and "600 train samples" in out and "200 test samples" in out
    assert "Total params: 34,826" in out  # Keras's summary of this model
    assert y_train.shape == (600, 10) and np.all(y_test.argmax(axis=1) == labels_test)
    # validation_split=0.1: the last 60 rows, before shuffling.
    assert history.history["val_accuracy"][-1] == pytest.approx(
        np.mean(model.predict(x_train[-60:], verbose=0).argmax(axis=1) == y_train[-60:].argmax(axis=1)))
    probabilities = model.predict(x_test, verbose=0)
    crossentropy = np.mean(-np.log(np.clip(probabilities[np.arange(200), labels_test], 1e-7, 1)))
    np.testing.assert_allclose(score, [crossentropy, np.mean(probabilities.argmax(axis=1) == labels_test)], rtol=1e-4)
    assert f"Test accuracy: {score[1]}" in out


def imdb_like(n, num_words, seed):
    """keras.datasets.imdb-shaped stand-in: an object array of word-index lists (1 starts each review,
    lengths 10 to 300) and 0/1 labels; the word 10 + label is frequent in a review of that label."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    reviews = np.empty(n, dtype=object)
    for i, label in enumerate(labels):
        words = rng.integers(4, num_words, size=rng.integers(10, 300))
        words[rng.random(len(words)) < 0.1] = 10 + label
        reviews[i] = [1] + words.tolist()
    return reviews, labels


# keras-io examples/nlp/bidirectional_lstm_imdb.py ("Bidirectional LSTM on IMDB"):
# keras.datasets.imdb, keras.preprocessing.sequence.pad_sequences, two Bidirectional LSTMs.
def test_bidirectional_lstm_imdb(capsys):
    from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`

    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    max_features = 20000  # Only consider the top 20k words
    maxlen = 40  # Only consider the first 200 words of each movie review  # SUBST: 200

    # Input for variable-length sequences of integers
    inputs = keras.Input(shape=(None,), dtype="int32")
    # Embed each integer in a 128-dimensional vector
    x = layers.Embedding(max_features, 128)(inputs)
    # Add 2 bidirectional LSTMs
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    # Add a classifier
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.summary()

    # SUBST: keras.datasets.imdb.load_data(num_words=max_features) (25,000 + 25,000 reviews); 64 + 32 here
    (x_train, y_train), (x_val, y_val) = imdb_like(64, max_features, 1), imdb_like(32, max_features, 2)
    reviews_train = x_train  # SUBST: added, the lists for the check below
    print(len(x_train), "Training sequences")
    print(len(x_val), "Validation sequences")
    # Use pad_sequence to standardize sequence length:
    # this will truncate sequences longer than 200 words and zero-pad sequences shorter than 200 words.
    x_train = keras.preprocessing.sequence.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.preprocessing.sequence.pad_sequences(x_val, maxlen=maxlen)

    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val))

    out = capsys.readouterr().out
    assert "64 Training sequences" in out and "32 Validation sequences" in out
    assert "Total params: 2,757,761" in out  # Keras's summary of this model
    # pad_sequences keeps the last maxlen words (truncating="pre") and pads in front.
    assert x_train.shape == (64, 40) and x_train.dtype == np.int32
    for review, row in zip(reviews_train, x_train):
        kept = review[-maxlen:]
        np.testing.assert_array_equal(row, [0] * (maxlen - len(kept)) + kept)
    probabilities = np.clip(model.predict(x_val, verbose=0)[:, 0], 1e-7, 1 - 1e-7)
    crossentropy = np.mean(-(y_val * np.log(probabilities) + (1 - y_val) * np.log(1 - probabilities)))
    np.testing.assert_allclose([history.history["val_loss"][-1], history.history["val_accuracy"][-1]],
                               [crossentropy, np.mean((probabilities > 0.5) == y_val)], rtol=1e-4)


# TensorFlow's tutorial "Load NumPy data" (tutorials/load_data/numpy): keras.utils.get_file of an
# .npz file, Dataset.from_tensor_slices of its arrays, shuffle-batch, fit and evaluate on Datasets.
def test_load_numpy_data(tmp_path, monkeypatch, capsys):
    import glassnet as tf  # SUBST: was `import tensorflow as tf`

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))  # SUBST: get_file's cache in a temporary folder
    (x_train, y_train), (x_test, y_test) = mnist_like(1000, 1), mnist_like(300, 2)  # SUBST: the file's arrays
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable

    # SUBST: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz'
    DATA_URL = (tmp_path / "mnist.npz").as_uri()

    path = tf.keras.utils.get_file('mnist.npz', DATA_URL)
    with np.load(path) as data:
        train_examples = data['x_train']
        train_labels = data['y_train']
        test_examples = data['x_test']
        test_labels = data['y_test']

    train_dataset = tf.data.Dataset.from_tensor_slices((train_examples, train_labels))
    test_dataset = tf.data.Dataset.from_tensor_slices((test_examples, test_labels))

    BATCH_SIZE = 64
    SHUFFLE_BUFFER_SIZE = 100

    train_dataset = train_dataset.shuffle(SHUFFLE_BUFFER_SIZE).batch(BATCH_SIZE)
    test_dataset = test_dataset.batch(BATCH_SIZE)

    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10)
    ])

    model.compile(optimizer=tf.keras.optimizers.RMSprop(),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['sparse_categorical_accuracy'])

    history = model.fit(train_dataset, epochs=3)  # SUBST: epochs=10

    result = model.evaluate(test_dataset)

    # get_file put the file in Keras's cache; the arrays came back as saved.
    assert path == str(tmp_path / "keras_home" / "datasets" / "mnist.npz")
    np.testing.assert_array_equal(train_examples, x_train)
    assert train_dataset.element_spec[0].shape.as_list() == [None, 28, 28]
    assert len(train_dataset) == 16 and len(test_dataset) == 5
    assert len(history.history["loss"]) == 3
    # Each shuffled pass holds every row once: the batches' labels sum to the labels' sum.
    assert sum(int(y.numpy().sum()) for _, y in train_dataset) == int(y_train.astype(int).sum())
    logits = model.predict(test_examples, verbose=0)
    log_softmax = logits - logits.max(axis=1, keepdims=True)
    log_softmax -= np.log(np.exp(log_softmax).sum(axis=1, keepdims=True))
    expected = [-np.mean(log_softmax[np.arange(300), test_labels]), np.mean(logits.argmax(axis=1) == test_labels)]
    np.testing.assert_allclose(result, expected, rtol=1e-4)
    assert "Downloading data from" in capsys.readouterr().out


def write_auto_mpg(path, rows=398, seed=0):
    """auto-mpg.data's layout: whitespace-separated numbers, '?' for 6 missing horsepowers, a tab,
    then the quoted car name; MPG falls with weight and horsepower."""
    rng = np.random.default_rng(seed)
    cylinders = rng.choice([4, 6, 8], size=rows)
    displacement = cylinders * 40 + rng.normal(0, 15, rows)
    horsepower = displacement * 0.45 + rng.normal(0, 8, rows)
    weight = 1500 + displacement * 6 + rng.normal(0, 150, rows)
    acceleration = 20 - horsepower / 20 + rng.normal(0, 1, rows)
    year = rng.integers(70, 83, rows)
    origin = rng.choice([1, 2, 3], size=rows)
    mpg = 60 - weight / 150 - horsepower / 20 + (year - 70) * 0.6 + rng.normal(0, 1.5, rows)
    missing = set(rng.choice(rows, 6, replace=False).tolist())
    with open(path, "w") as f:
        for i in range(rows):
            hp = "?" if i in missing else f"{horsepower[i]:.1f}"
            f.write(f"{mpg[i]:.1f}   {cylinders[i]}   {displacement[i]:.1f}      {hp}      {weight[i]:.0f}.      "
                    f"{acceleration[i]:.1f}   {year[i]}  {origin[i]}\t\"car {i}\"\n")


# TensorFlow's tutorial "Basic regression: Predict fuel efficiency" (tutorials/keras/regression):
# the Auto MPG CSV through pandas, Normalization.adapt, single- and multi-input linear and DNN
# models fit with validation_split, evaluate, save and load_model. The plots are left out.
@needs_pandas
def test_regression_auto_mpg(tmp_path, monkeypatch, capsys):
    import glassnet as tf  # SUBST: was `import tensorflow as tf`
    from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`

    monkeypatch.chdir(tmp_path)  # SUBST: the model is saved to the working directory
    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    write_auto_mpg(tmp_path / "auto-mpg.data")  # SUBST: the UCI file (398 cars), a stand-in of its layout
    auto_mpg_path = str(tmp_path / "auto-mpg.data")
    EPOCHS = 20  # SUBST: 100 in each fit

    url = auto_mpg_path  # SUBST: 'http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data'
    column_names = ['MPG', 'Cylinders', 'Displacement', 'Horsepower', 'Weight',
                    'Acceleration', 'Model Year', 'Origin']

    raw_dataset = pd.read_csv(url, names=column_names,
                              na_values='?', comment='\t',
                              sep=' ', skipinitialspace=True)

    dataset = raw_dataset.copy()
    dataset.tail()

    dataset.isna().sum()

    dataset = dataset.dropna()

    dataset['Origin'] = dataset['Origin'].map({1: 'USA', 2: 'Europe', 3: 'Japan'})

    # pandas 2 makes bool columns here, so np.array(train_features) is an object array of floats and
    # bools: Normalization.adapt and fit take it as numbers, as Keras does.
    dataset = pd.get_dummies(dataset, columns=['Origin'], prefix='', prefix_sep='')
    dataset.tail()

    train_dataset = dataset.sample(frac=0.8, random_state=0)
    test_dataset = dataset.drop(train_dataset.index)

    train_dataset.describe().transpose()

    train_features = train_dataset.copy()
    test_features = test_dataset.copy()

    train_labels = train_features.pop('MPG')
    test_labels = test_features.pop('MPG')

    train_dataset.describe().transpose()[['mean', 'std']]

    normalizer = tf.keras.layers.Normalization(axis=-1)

    normalizer.adapt(np.array(train_features))

    print(normalizer.mean.numpy())

    first = np.array(train_features[:1])

    with np.printoptions(precision=2, suppress=True):
        print('First example:', first)
        print()
        print('Normalized:', normalizer(first).numpy())

    horsepower = np.array(train_features['Horsepower'])

    horsepower_normalizer = layers.Normalization(input_shape=[1,], axis=None)
    horsepower_normalizer.adapt(horsepower)

    horsepower_model = tf.keras.Sequential([
        horsepower_normalizer,
        layers.Dense(units=1)
    ])

    horsepower_model.summary()

    horsepower_model.predict(horsepower[:10])

    horsepower_model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
        loss='mean_absolute_error')

    history = horsepower_model.fit(
        train_features['Horsepower'],
        train_labels,
        epochs=EPOCHS,  # SUBST: 100
        # Suppress logging.
        verbose=0,
        # Calculate validation results on 20% of the training data.
        validation_split = 0.2)

    hist = pd.DataFrame(history.history)
    hist['epoch'] = history.epoch
    hist.tail()

    test_results = {}

    test_results['horsepower_model'] = horsepower_model.evaluate(
        test_features['Horsepower'],
        test_labels, verbose=0)

    x = tf.linspace(0.0, 250, 251)
    y = horsepower_model.predict(x)

    linear_model = tf.keras.Sequential([
        normalizer,
        layers.Dense(units=1)
    ])

    linear_model.predict(train_features[:10])

    linear_model.layers[1].kernel  # noqa: B018

    linear_model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
        loss='mean_absolute_error')

    history = linear_model.fit(
        train_features,
        train_labels,
        epochs=EPOCHS,  # SUBST: 100
        # Suppress logging.
        verbose=0,
        # Calculate validation results on 20% of the training data.
        validation_split = 0.2)

    test_results['linear_model'] = linear_model.evaluate(
        test_features, test_labels, verbose=0)


    def build_and_compile_model(norm):
        model = keras.Sequential([
            norm,
            layers.Dense(64, activation='relu'),
            layers.Dense(64, activation='relu'),
            layers.Dense(1)
        ])

        model.compile(loss='mean_absolute_error',
                      optimizer=tf.keras.optimizers.Adam(0.001))
        return model


    dnn_horsepower_model = build_and_compile_model(horsepower_normalizer)

    dnn_horsepower_model.summary()

    history = dnn_horsepower_model.fit(
        train_features['Horsepower'],
        train_labels,
        validation_split=0.2,
        verbose=0, epochs=EPOCHS)  # SUBST: 100

    x = tf.linspace(0.0, 250, 251)
    y = dnn_horsepower_model.predict(x)

    test_results['dnn_horsepower_model'] = dnn_horsepower_model.evaluate(
        test_features['Horsepower'], test_labels,
        verbose=0)

    dnn_model = build_and_compile_model(normalizer)
    dnn_model.summary()

    history = dnn_model.fit(
        train_features,
        train_labels,
        validation_split=0.2,
        verbose=0, epochs=EPOCHS)  # SUBST: 100

    test_results['dnn_model'] = dnn_model.evaluate(test_features, test_labels, verbose=0)

    pd.DataFrame(test_results, index=['Mean absolute error [MPG]']).T  # noqa: B018

    test_predictions = dnn_model.predict(test_features).flatten()

    error = test_predictions - test_labels

    dnn_model.save('dnn_model.keras')

    reloaded = tf.keras.models.load_model('dnn_model.keras')

    test_results['reloaded'] = reloaded.evaluate(
        test_features, test_labels, verbose=0)

    pd.DataFrame(test_results, index=['Mean absolute error [MPG]']).T  # noqa: B018

    out = capsys.readouterr().out
    features = np.array(train_features, dtype="float64")
    assert features.shape[1] == 9 and len(dataset) == 392  # the 6 rows without horsepower dropped
    np.testing.assert_allclose(np.ravel(normalizer.mean.numpy()), features.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(np.ravel(normalizer.variance.numpy()), features.var(axis=0), rtol=1e-4)
    first_row = first.astype("float64")  # an object array of floats and bools, as the program made it
    np.testing.assert_allclose(normalizer(first).numpy(), (first_row - features.mean(axis=0)) / features.std(axis=0),
                               rtol=1e-4, atol=1e-5)
    assert "First example:" in out and "Normalized:" in out
    assert tuple(linear_model.layers[1].kernel.shape) == (9, 1) and y.shape == (251, 1)
    assert list(hist["epoch"]) == list(range(EPOCHS)) and {"loss", "val_loss"} <= set(hist.columns)
    # Each result is the mean absolute error of the model's predictions.
    np.testing.assert_allclose(test_results["dnn_model"], np.mean(np.abs(error)), rtol=1e-5)
    linear_error = linear_model.predict(test_features, verbose=0)[:, 0] - test_labels
    np.testing.assert_allclose(test_results["linear_model"], np.mean(np.abs(linear_error)), rtol=1e-5)
    assert test_results["reloaded"] == test_results["dnn_model"]
    assert test_results["dnn_model"] < 0.5 * test_results["linear_model"]  # trained 20 of 100 epochs


# tensorflow/tensorboard docs/get_started.ipynb ("Get started with TensorBoard"), "Using TensorBoard
# with other methods": the GradientTape loop over its tf.data pipeline, logging with tf.summary,
# then the first section's Model.fit with the TensorBoard callback, fed the same Datasets.
def test_tensorboard_get_started_with_tf_data(tmp_path, monkeypatch, capsys):
    import datetime

    import glassnet as tf  # SUBST: was `import tensorflow as tf`

    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.util import tensor_util

    def read(folder):
        """{tag: [(step, value)]} of every scalar summary in `folder`, by TensorBoard's own reader."""
        accumulator = event_accumulator.EventAccumulator(str(folder), size_guidance={event_accumulator.TENSORS: 0})
        accumulator.Reload()
        values = {tag: [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in accumulator.Tensors(tag)]
                  for tag in accumulator.Tags()["tensors"]}
        return {tag: [(step, float(value)) for step, value in points] for tag, points in values.items()
                if all(value.shape == () and value.dtype.kind == "f" for _, value in points)}

    monkeypatch.chdir(tmp_path)  # SUBST: the tutorial writes to ./logs
    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    # SUBST: tf.keras.datasets.mnist.load_data(); 256 + 64 images here
    (x_train, y_train), (x_test, y_test) = mnist_like(256, 1), mnist_like(64, 2)
    x_train, x_test = x_train / 255.0, x_test / 255.0
    test_images, test_labels = x_test, y_test  # SUBST: added; the loop below reuses the names

    def create_model():
        return tf.keras.models.Sequential([
            tf.keras.layers.Flatten(input_shape=(28, 28)),
            tf.keras.layers.Dense(512, activation='relu'),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(10, activation='softmax')
        ])

    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))

    train_dataset = train_dataset.shuffle(60000).batch(64)
    test_dataset = test_dataset.batch(64)

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

    model = create_model()  # reset our model

    EPOCHS = 2  # SUBST: 5
    logged = []  # SUBST: added, what the loop printed, to compare with the files

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
        print(template.format(epoch + 1,
                              train_loss.result(),
                              train_accuracy.result() * 100,
                              test_loss.result(),
                              test_accuracy.result() * 100))
        logged.append([float(m.result()) for m in (train_loss, train_accuracy, test_loss, test_accuracy)])

        # Reset metrics every epoch
        train_loss.reset_state()
        test_loss.reset_state()
        train_accuracy.reset_state()
        test_accuracy.reset_state()

    train, test = read(tmp_path / train_log_dir), read(tmp_path / test_log_dir)
    assert [step for step, _ in train["loss"]] == [0, 1]
    f32 = [[float(np.float32(v)) for v in row] for row in logged]
    assert [v for _, v in train["loss"]] == [row[0] for row in f32]
    assert [v for _, v in train["accuracy"]] == [row[1] for row in f32]
    assert [v for _, v in test["loss"]] == [row[2] for row in f32]
    # The test metrics are the model's on all 64 test images (the loop's last model, the last epoch).
    probabilities = model(test_images).numpy()
    accuracy = np.mean(np.argmax(probabilities, axis=1) == test_labels)
    np.testing.assert_allclose(logged[-1][3], accuracy, rtol=1e-6)
    crossentropy = -np.mean(np.log(np.clip(probabilities[np.arange(64), test_labels], 1e-7, 1)))
    np.testing.assert_allclose(logged[-1][2], crossentropy, rtol=1e-5)
    assert "Epoch 2, Loss:" in capsys.readouterr().out

    # The first section's fit, with the TensorBoard callback, on the same Datasets.
    model = create_model()
    model.compile(optimizer='adam',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])

    log_dir = "logs/fit/" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    tensorboard_callback = tf.keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=1)

    history = model.fit(train_dataset,  # SUBST: x=x_train, y=y_train
                        epochs=2,  # SUBST: 5
                        validation_data=test_dataset,  # SUBST: (x_test, y_test)
                        callbacks=[tensorboard_callback])

    train, validation = read(tmp_path / log_dir / "train"), read(tmp_path / log_dir / "validation")
    for name in ("loss", "accuracy"):
        assert [v for _, v in train[f"epoch_{name}"]] == [float(np.float32(v)) for v in history.history[name]]
        assert [v for _, v in validation[f"epoch_{name}"]] == [
            float(np.float32(v)) for v in history.history[f"val_{name}"]]


def write_titanic_like(path, rows=40, seed=0):
    """train.csv of TensorFlow's titanic data: survived,sex,age,n_siblings_spouses,parch,fare,class,deck,
    embark_town,alone."""
    rng = np.random.default_rng(seed)
    lines = ["survived,sex,age,n_siblings_spouses,parch,fare,class,deck,embark_town,alone"]
    for _ in range(rows):
        lines.append(",".join([
            str(rng.integers(0, 2)), rng.choice(["male", "female"]), f"{rng.uniform(1, 80):.1f}",
            str(rng.integers(0, 4)), str(rng.integers(0, 3)), f"{rng.uniform(5, 100):.4f}",
            rng.choice(["First", "Second", "Third"]), rng.choice(["unknown", "A", "B", "C"]),
            rng.choice(["Southampton", "Cherbourg", "Queenstown"]), rng.choice(["y", "n"])]))
    path.write_text("\n".join(lines) + "\n")


# TensorFlow's tutorial "Load CSV data" (tutorials/load_data/csv): "In memory data" (abalone, with
# Normalization.adapt), "From a single file" (get_file, make_csv_dataset, a gzipped CSV with
# compression_type, cache) and "Lower level functions" (CsvDataset with header). Left out: the
# titanic model and the "Mixed data types" section (StringLookup, CategoryEncoding: glassnet has no
# such preprocessing layers) and the fonts section (hundreds of files).
@needs_pandas
def test_load_csv_data(tmp_path, monkeypatch, capsys):
    import gzip

    import glassnet as tf  # SUBST: was `import tensorflow as tf`
    from glassnet.keras import layers  # SUBST: was `from tensorflow.keras import layers`

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))  # SUBST: get_file's cache in a temporary folder
    monkeypatch.chdir(tmp_path)  # SUBST: get_file(cache_dir='.') writes to the working directory
    keras.utils.set_random_seed(0)  # SUBST: added, so that the checks below are repeatable
    rng = np.random.default_rng(0)  # SUBST: the stand-in files, written here
    abalone_rows = rng.uniform(0.05, 1.0, size=(300, 7))
    abalone_csv = tmp_path / "abalone_train.csv"
    abalone_csv.write_text("\n".join(",".join(f"{v:.3f}" for v in row) + f",{int(5 + 10 * row[0])}"
                                     for row in abalone_rows) + "\n")
    write_titanic_like(tmp_path / "titanic.csv")

    abalone_train = pd.read_csv(
        abalone_csv,  # SUBST: "https://storage.googleapis.com/download.tensorflow.org/data/abalone_train.csv"
        names=["Length", "Diameter", "Height", "Whole weight", "Shucked weight",
               "Viscera weight", "Shell weight", "Age"])

    abalone_train.head()

    abalone_features = abalone_train.copy()
    abalone_labels = abalone_features.pop('Age')

    abalone_features = np.array(abalone_features)
    abalone_features  # noqa: B018

    abalone_model = tf.keras.Sequential([
        layers.Dense(64, activation='relu'),
        layers.Dense(1)
    ])

    abalone_model.compile(loss=tf.keras.losses.MeanSquaredError(),
                          optimizer=tf.keras.optimizers.Adam())

    abalone_model.fit(abalone_features, abalone_labels, epochs=10)

    normalize = layers.Normalization()

    normalize.adapt(abalone_features)

    norm_abalone_model = tf.keras.Sequential([
        normalize,
        layers.Dense(64, activation='relu'),
        layers.Dense(1)
    ])

    norm_abalone_model.compile(loss=tf.keras.losses.MeanSquaredError(),
                               optimizer=tf.keras.optimizers.Adam())

    history = norm_abalone_model.fit(abalone_features, abalone_labels, epochs=10)

    # "From a single file"
    titanic_file_path = tf.keras.utils.get_file(
        "train.csv",
        (tmp_path / "titanic.csv").as_uri())  # SUBST: "https://storage.googleapis.com/tf-datasets/titanic/train.csv"

    titanic_csv_ds = tf.data.experimental.make_csv_dataset(
        titanic_file_path,
        batch_size=5,  # Artificially small to make examples easier to show.
        label_name='survived',
        num_epochs=1,
        ignore_errors=True,)

    for batch, label in titanic_csv_ds.take(1):
        for key, value in batch.items():
            print(f"{key:20s}: {value}")
        print()
        print(f"{'label':20s}: {label}")

    first_batch = {key: value.numpy() for key, value in batch.items()}  # SUBST: added, for the checks

    # SUBST: get_file(..., "https://archive.ics.uci.edu/ml/machine-learning-databases/00492/
    # Metro_Interstate_Traffic_Volume.csv.gz"); a gzipped stand-in with its columns
    with gzip.open(tmp_path / "Metro_Interstate_Traffic_Volume.csv.gz", "wt") as f:
        f.write("holiday,temp,rain_1h,snow_1h,clouds_all,weather_main,weather_description,date_time,traffic_volume\n")
        for i in range(600):
            f.write(f"None,{280 + i % 20}.5,0.0,0.0,{i % 100},Clouds,scattered clouds,"
                    f"2012-10-02 {i % 24:02d}:00:00,{1000 + 7 * i}\n")
    traffic_volume_csv_gz = tf.keras.utils.get_file(
        'Metro_Interstate_Traffic_Volume.csv.gz',
        (tmp_path / "Metro_Interstate_Traffic_Volume.csv.gz").as_uri(),
        cache_dir='.', cache_subdir='traffic')

    traffic_volume_csv_gz_ds = tf.data.experimental.make_csv_dataset(
        traffic_volume_csv_gz,
        batch_size=256,
        label_name='traffic_volume',
        num_epochs=1,
        compression_type="GZIP")

    for batch, label in traffic_volume_csv_gz_ds.take(1):
        for key, value in batch.items():
            print(f"{key:20s}: {value[:5]}")
        print()
        print(f"{'label':20s}: {label[:5]}")

    traffic_batch, traffic_label = batch, label  # SUBST: added, for the checks

    caching = traffic_volume_csv_gz_ds.cache().shuffle(1000)
    # SUBST: `for i, (batch, label) in enumerate(caching): if i % 40 == 0: print('.', end='')`
    cached_batches = sum(1 for _ in caching)

    # "Lower level functions"
    titanic_lines = open(titanic_file_path).readlines()  # SUBST: added, for the checks
    titanic_types = [int(), str(), float(), int(), int(), float(), str(), str(), str(), str()]

    simple_titanic = tf.data.experimental.CsvDataset(titanic_file_path,
                                                     record_defaults=titanic_types,
                                                     header=True)

    for example in simple_titanic.take(1):
        print([e.numpy() for e in example])

    out = capsys.readouterr().out
    # CsvDataset's first example is the file's first row, typed by record_defaults. (TensorFlow's
    # .numpy() gives NumPy scalars and bytes, glassnet's 0-d arrays: compared by value.)
    first_line = titanic_lines[1].strip().split(",")
    values = [np.asarray(e.numpy()).item() for e in example]
    assert values[:3] == [int(first_line[0]), first_line[1].encode(), float(np.float32(first_line[2]))]
    assert (example[0].dtype.name, example[2].dtype.name) == ("int32", "float32")
    assert values[-1] == first_line[-1].encode()
    assert sorted(first_batch) == ["age", "alone", "class", "deck", "embark_town", "fare", "n_siblings_spouses",
                                   "parch", "sex"]
    assert first_batch["age"].dtype == np.float32 and first_batch["parch"].dtype == np.int32
    assert len(first_batch["sex"]) == 5 and set(first_batch["sex"].tolist()) <= {b"male", b"female"}
    assert "label               :" in out
    # The gzipped file: 600 rows in batches of 256, shuffled (make_csv_dataset's shuffle=True default).
    assert cached_batches == 3 and traffic_label.dtype == tf.int32 and len(traffic_label) == 256
    assert set(traffic_label.numpy().tolist()) <= {1000 + 7 * i for i in range(600)}
    assert traffic_batch["temp"].dtype == tf.float32
    # Normalization.adapt learned the columns' means and variances.
    np.testing.assert_allclose(np.ravel(normalize.mean.numpy()), abalone_features.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(np.ravel(normalize.variance.numpy()), abalone_features.var(axis=0), rtol=1e-4)
    assert history.history["loss"][-1] < history.history["loss"][0]
