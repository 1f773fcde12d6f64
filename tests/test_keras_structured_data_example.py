"""Keras's "Structured data classification from scratch" (keras.io/examples/structured_data/
structured_data_classification_from_scratch), its model code with only the import changed, on a
stand-in for the heart-disease CSV (same columns, random values: nothing is downloaded); then the
model saved to .keras and loaded, with the same predictions.

The tutorials' code is kept as they write it (`input` as a name, `dtype == object`)."""
# ruff: noqa: A001, E721
import numpy as np
import pytest


def test_structured_data_example_runs_saves_and_loads(tmp_path):
    import glassnet as tf
    from glassnet import keras
    from glassnet.keras import layers

    rng = np.random.default_rng(0)
    n = 60
    columns = {
        "age": rng.integers(30, 77, n), "sex": rng.integers(0, 2, n), "cp": rng.integers(0, 5, n),
        "trestbps": rng.integers(94, 200, n), "chol": rng.integers(126, 564, n), "fbs": rng.integers(0, 2, n),
        "restecg": rng.integers(0, 3, n), "thalach": rng.integers(71, 202, n), "exang": rng.integers(0, 2, n),
        "oldpeak": rng.uniform(0, 6.2, n), "slope": rng.integers(1, 4, n), "ca": rng.integers(0, 4, n),
        "thal": rng.choice(["fixed", "normal", "reversible"], n), "target": rng.integers(0, 2, n),
    }
    val_dataframe = {k: v[:12] for k, v in columns.items()}
    train_dataframe = {k: v[12:] for k, v in columns.items()}


    def dataframe_to_dataset(dataframe):
        dataframe = dict(dataframe)
        labels = dataframe.pop("target")
        ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
        ds = ds.shuffle(buffer_size=len(labels))
        return ds


    train_ds = dataframe_to_dataset(train_dataframe)
    val_ds = dataframe_to_dataset(val_dataframe)
    for x, y in train_ds.take(1):
        print("Input:", x)
        print("Target:", y)
    train_ds = train_ds.batch(32)
    val_ds = val_ds.batch(32)

    from glassnet.keras.layers import IntegerLookup, Normalization, StringLookup  # noqa: E402


    def encode_numerical_feature(feature, name, dataset):
        normalizer = Normalization()
        feature_ds = dataset.map(lambda x, y: x[name])
        feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
        normalizer.adapt(feature_ds)
        return normalizer(feature)


    def encode_categorical_feature(feature, name, dataset, is_string):
        lookup_class = StringLookup if is_string else IntegerLookup
        lookup = lookup_class(output_mode="binary")
        feature_ds = dataset.map(lambda x, y: x[name])
        feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
        lookup.adapt(feature_ds)
        return lookup(feature)


    sex = keras.Input(shape=(1,), name="sex", dtype="int64")
    cp = keras.Input(shape=(1,), name="cp", dtype="int64")
    fbs = keras.Input(shape=(1,), name="fbs", dtype="int64")
    restecg = keras.Input(shape=(1,), name="restecg", dtype="int64")
    exang = keras.Input(shape=(1,), name="exang", dtype="int64")
    ca = keras.Input(shape=(1,), name="ca", dtype="int64")
    thal = keras.Input(shape=(1,), name="thal", dtype="string")
    age = keras.Input(shape=(1,), name="age")
    trestbps = keras.Input(shape=(1,), name="trestbps")
    chol = keras.Input(shape=(1,), name="chol")
    thalach = keras.Input(shape=(1,), name="thalach")
    oldpeak = keras.Input(shape=(1,), name="oldpeak")
    slope = keras.Input(shape=(1,), name="slope")
    all_inputs = [sex, cp, fbs, restecg, exang, ca, thal, age, trestbps, chol, thalach, oldpeak, slope]

    sex_encoded = encode_categorical_feature(sex, "sex", train_ds, False)
    cp_encoded = encode_categorical_feature(cp, "cp", train_ds, False)
    fbs_encoded = encode_categorical_feature(fbs, "fbs", train_ds, False)
    restecg_encoded = encode_categorical_feature(restecg, "restecg", train_ds, False)
    exang_encoded = encode_categorical_feature(exang, "exang", train_ds, False)
    ca_encoded = encode_categorical_feature(ca, "ca", train_ds, False)
    thal_encoded = encode_categorical_feature(thal, "thal", train_ds, True)
    age_encoded = encode_numerical_feature(age, "age", train_ds)
    trestbps_encoded = encode_numerical_feature(trestbps, "trestbps", train_ds)
    chol_encoded = encode_numerical_feature(chol, "chol", train_ds)
    thalach_encoded = encode_numerical_feature(thalach, "thalach", train_ds)
    oldpeak_encoded = encode_numerical_feature(oldpeak, "oldpeak", train_ds)
    slope_encoded = encode_numerical_feature(slope, "slope", train_ds)

    all_features = layers.concatenate([
        sex_encoded, cp_encoded, fbs_encoded, restecg_encoded, exang_encoded, slope_encoded, ca_encoded,
        thal_encoded, age_encoded, trestbps_encoded, chol_encoded, thalach_encoded, oldpeak_encoded,
    ])
    x = layers.Dense(32, activation="relu")(all_features)
    x = layers.Dropout(0.5)(x)
    output = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(all_inputs, output)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train_ds, epochs=2, validation_data=val_ds, verbose=0)

    sample = {"age": 60, "sex": 1, "cp": 1, "trestbps": 145, "chol": 233, "fbs": 1, "restecg": 2, "thalach": 150,
              "exang": 0, "oldpeak": 2.3, "slope": 3, "ca": 0, "thal": "fixed"}
    input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
    predictions = model.predict(input_dict, verbose=0)
    print(f"This particular patient had a {100 * predictions[0][0]:.1f} percent probability of having a heart disease")
    assert 0.0 <= predictions[0][0] <= 1.0 and np.isfinite(history.history["loss"]).all()
    assert thal_encoded.shape[-1] == 4  # [UNK] and the three thal values
    model.save(tmp_path / "heart.keras")
    loaded = keras.models.load_model(tmp_path / "heart.keras")
    np.testing.assert_allclose(loaded.predict(input_dict, verbose=0), predictions, rtol=1e-6)
    original = [layer for layer in model.layers if isinstance(layer, StringLookup)][0]
    restored = [layer for layer in loaded.layers if isinstance(layer, StringLookup)][0]
    assert restored.get_vocabulary() == original.get_vocabulary()
    assert sorted(original.get_vocabulary()) == ["[UNK]", "fixed", "normal", "reversible"]


def test_load_csv_titanic_model(tmp_path):
    """TensorFlow's "Load CSV data" titanic part (tensorflow.org/tutorials/load_data/csv) with only the
    import changed: a dict of Inputs (tf.string for object columns), StringLookup then CategoryEncoding
    per string column, fit on a dict of arrays, saved and reloaded. The stand-in frame has the
    tutorial's columns (random values; object columns, as pandas < 3 reads the CSV)."""
    pd = pytest.importorskip("pandas", reason="the tutorial reads its data with pandas")

    import glassnet as tf
    from glassnet.keras import layers
    rng = np.random.default_rng(0)
    n = 40
    titanic = pd.DataFrame({
        "survived": rng.integers(0, 2, n), "sex": rng.choice(["male", "female"], n),
        "age": rng.uniform(1, 70, n), "n_siblings_spouses": rng.integers(0, 4, n), "parch": rng.integers(0, 3, n),
        "fare": rng.uniform(5, 100, n), "class": rng.choice(["First", "Second", "Third"], n),
        "deck": rng.choice(["unknown", "A", "B", "C"], n), "embark_town": rng.choice(["Southampton", "Cherbourg"], n),
        "alone": rng.choice(["y", "n"], n),
    })
    for column in ("sex", "class", "deck", "embark_town", "alone"):  # read_csv of pandas < 3: object columns
        titanic[column] = titanic[column].astype(object)
    titanic_features = titanic.copy()
    titanic_labels = titanic_features.pop('survived')

    inputs = {}
    for name, column in titanic_features.items():
      dtype = column.dtype
      if dtype == object:
        dtype = tf.string
      else:
        dtype = tf.float32
      inputs[name] = tf.keras.Input(shape=(1,), name=name, dtype=dtype)

    numeric_inputs = {name:input for name,input in inputs.items()
                      if input.dtype==tf.float32}
    x = layers.Concatenate()(list(numeric_inputs.values()))
    norm = layers.Normalization()
    norm.adapt(np.array(titanic[numeric_inputs.keys()]))
    all_numeric_inputs = norm(x)
    preprocessed_inputs = [all_numeric_inputs]
    for name, input in inputs.items():
      if input.dtype == tf.float32:
        continue
      lookup = layers.StringLookup(vocabulary=np.unique(titanic_features[name]))
      one_hot = layers.CategoryEncoding(num_tokens=lookup.vocabulary_size())
      x = lookup(input)
      x = one_hot(x)
      preprocessed_inputs.append(x)
    preprocessed_inputs_cat = layers.Concatenate()(preprocessed_inputs)
    titanic_preprocessing = tf.keras.Model(inputs, preprocessed_inputs_cat)
    titanic_features_dict = {name: np.array(value)
                             for name, value in titanic_features.items()}
    features_dict = {name:values[:1] for name, values in titanic_features_dict.items()}
    preprocessed = titanic_preprocessing(features_dict)

    def titanic_model(preprocessing_head, inputs):
      body = tf.keras.Sequential([
        layers.Dense(64, activation='relu'),
        layers.Dense(1)
      ])
      preprocessed_inputs = preprocessing_head(inputs)
      result = body(preprocessed_inputs)
      model = tf.keras.Model(inputs, result)
      model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                    optimizer=tf.keras.optimizers.Adam())
      return model

    titanic_model = titanic_model(titanic_preprocessing, inputs)
    titanic_model.fit(x=titanic_features_dict, y=titanic_labels, epochs=2, verbose=0)
    titanic_model.save(tmp_path / 'test.keras')
    reloaded = tf.keras.models.load_model(tmp_path / 'test.keras')
    features_dict = {name:values[:1] for name, values in titanic_features_dict.items()}
    before = titanic_model(features_dict)
    after = reloaded(features_dict)
    assert (abs(before-after) < 1e-3).numpy()
    # 4 normalized numbers, then one-hot blocks of 3 (sex), 4 (class), 5 (deck), 3 (embark_town), 3 (alone)
    assert preprocessed.shape == (1, 22)
    row = preprocessed.numpy()[0]
    assert [row[4:7].sum(), row[7:11].sum(), row[11:16].sum(), row[16:19].sum(), row[19:].sum()] == [1] * 5
    sex_vocabulary = ["[UNK]", "female", "male"]
    assert row[4:7].tolist() == [float(token == titanic_features["sex"][0]) for token in sex_vocabulary]


def test_sequential_with_integer_lookup_and_category_encoding():
    from glassnet import keras
    model = keras.Sequential([keras.Input(shape=(2,), dtype="int64"),
                              keras.layers.IntegerLookup(vocabulary=[7, 9], output_mode="multi_hot"),
                              keras.layers.Dense(1, kernel_initializer="ones")])
    np.testing.assert_allclose(model.predict(np.array([[7, 9], [5, 5]]), verbose=0), [[2.0], [1.0]])
