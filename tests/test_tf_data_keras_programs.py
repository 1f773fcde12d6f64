"""Keras's examples and guides and TensorFlow's tutorials that feed training through tf.data,
keras.datasets, keras.utils.timeseries_dataset_from_array and the metrics, run with only the import
changed.

Every change is marked ``# SUBST``: where a program downloads its data, a stand-in of the same
columns, shapes and dtypes is written here (no network), smaller so that each runs in seconds,
and epochs are cut. The checks compare what each program prints or computes with a direct
computation from the same arrays.
"""
import numpy as np
import pandas as pd

from glassnet import keras  # SUBST: was `import keras` / `from tensorflow import keras`


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
