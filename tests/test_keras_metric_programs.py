"""Keras's and TensorFlow's imbalanced-classification programs, run with only the import changed.

- keras-io "Imbalanced classification: credit card fraud detection"
  (examples/structured_data/imbalanced_classification.py): the confusion counts, Precision and
  Recall as metrics, class_weight, ModelCheckpoint to .keras files;
- TensorFlow's "Classification on imbalanced data" (tutorials/structured_data/imbalanced_data):
  its METRICS list (cross entropy, Brier score, the counts, accuracy, precision, recall, ROC and
  PR AUC), the initial output bias, saved and reloaded initial weights, class_weight, and
  EarlyStopping on val_prc.

Every change is marked ``# SUBST``: the credit-card data (284,807 x 30, 0.17% fraud) is read
from a file, so it is replaced by a few thousand rows of the same columns and about the same
imbalance, where fraud shows in a few of the columns; epochs are cut so the programs run in
seconds. The checks: the logged metric names, and each logged value against a direct
computation from the model's own predictions.
"""
import math
import os
import tempfile

import numpy as np
import pytest

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `import keras` / `from tensorflow import keras`

FRAUD_RATE = 492 / 284807


def credit_card_like(rng, rows, columns=30):
    """Fraud-data-shaped arrays: float32 features (rows, columns) and uint8 targets (rows, 1),
    positives at the real data's rate (at least 12), shifted in five columns so they can be found."""
    positives = max(12, round(rows * FRAUD_RATE))
    targets = np.zeros((rows, 1), dtype="uint8")
    targets[rng.choice(rows, positives, replace=False)] = 1
    features = rng.normal(size=(rows, columns)).astype("float32")
    features[:, 1:6] += 4.0 * targets
    features[:, -1] = np.abs(features[:, -1]) * 100   # an "Amount"-like column on another scale
    return features, targets


def counts(y_true, y_pred, threshold=0.5):
    """(tp, fp, tn, fn) of 0/1 labels against probabilities, positive when p > threshold."""
    y_true, positive = y_true.reshape(-1) == 1, y_pred.reshape(-1) > threshold
    return (int(np.sum(y_true & positive)), int(np.sum(~y_true & positive)),
            int(np.sum(~y_true & ~positive)), int(np.sum(y_true & ~positive)))


def roc_auc_at_thresholds(y_true, y_pred, num_thresholds=200):
    """ROC AUC by the trapezoid rule over Keras's thresholds, counted one threshold at a time."""
    eps = 1e-7
    thresholds = [-eps] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1 + eps]
    tpr, fpr = [], []
    for t in thresholds:
        tp, fp, tn, fn = counts(y_true, y_pred, np.float32(t))
        tpr.append(tp / (tp + fn) if tp + fn else 0.0)
        fpr.append(fp / (fp + tn) if fp + tn else 0.0)
    return sum((fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1]) / 2 for i in range(num_thresholds - 1))


def test_keras_io_imbalanced_classification(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)   # SUBST: the checkpoints are written to the working directory
    features, targets = credit_card_like(np.random.default_rng(0), 6000)  # SUBST: the CSV file
    print("features.shape:", features.shape)
    print("targets.shape:", targets.shape)

    num_val_samples = int(len(features) * 0.2)
    train_features = features[:-num_val_samples]
    train_targets = targets[:-num_val_samples]
    val_features = features[-num_val_samples:]
    val_targets = targets[-num_val_samples:]

    counts_ = np.bincount(train_targets[:, 0])
    weight_for_0 = 1.0 / counts_[0]
    weight_for_1 = 1.0 / counts_[1]

    mean = np.mean(train_features, axis=0)
    train_features -= mean
    val_features -= mean
    std = np.std(train_features, axis=0)
    train_features /= std
    val_features /= std

    model = keras.Sequential(
        [
            keras.layers.Dense(256, activation="relu", input_shape=(train_features.shape[-1],)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    metrics = [
        keras.metrics.FalseNegatives(name="fn"),
        keras.metrics.FalsePositives(name="fp"),
        keras.metrics.TrueNegatives(name="tn"),
        keras.metrics.TruePositives(name="tp"),
        keras.metrics.Precision(name="precision"),
        keras.metrics.Recall(name="recall"),
    ]
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=metrics)
    callbacks = [keras.callbacks.ModelCheckpoint("fraud_model_at_epoch_{epoch}.keras")]
    class_weight = {0: weight_for_0, 1: weight_for_1}
    history = model.fit(
        train_features, train_targets, batch_size=2048,
        epochs=3,  # SUBST: was 30
        verbose=2, callbacks=callbacks, validation_data=(val_features, val_targets), class_weight=class_weight,
    )

    names = ["fn", "fp", "loss", "precision", "recall", "tn", "tp"]
    assert list(history.history) == names + ["val_" + name for name in names]
    assert "val_precision:" in capsys.readouterr().out
    # The validation pass of the last epoch ran with the final weights: its counts are the model's.
    tp, fp, tn, fn = counts(val_targets, model.predict(val_features, batch_size=2048, verbose=0))
    last = {key: values[-1] for key, values in history.history.items()}
    assert (last["val_tp"], last["val_fp"], last["val_tn"], last["val_fn"]) == (tp, fp, tn, fn)
    assert tp + fn == int(val_targets.sum()) and tp + fp + tn + fn == num_val_samples
    assert last["val_precision"] == pytest.approx(tp / (tp + fp) if tp + fp else 0.0, rel=1e-6)
    assert last["val_recall"] == pytest.approx(tp / (tp + fn), rel=1e-6)
    # Training metrics are plain (unweighted by class_weight): counts of all 4,800 rows per epoch.
    for epoch in range(3):
        total = sum(history.history[key][epoch] for key in ("tp", "fp", "tn", "fn"))
        assert total == len(train_features)

    reloaded = keras.models.load_model("fraud_model_at_epoch_3.keras")
    again = reloaded.evaluate(val_features, val_targets, batch_size=2048, verbose=0, return_dict=True)
    assert {key: again[key] for key in ("tp", "fp", "tn", "fn")} == {"tp": tp, "fp": fp, "tn": tn, "fn": fn}


METRICS = [
    keras.metrics.BinaryCrossentropy(name='cross entropy'),  # same as model's loss
    keras.metrics.MeanSquaredError(name='Brier score'),
    keras.metrics.TruePositives(name='tp'),
    keras.metrics.FalsePositives(name='fp'),
    keras.metrics.TrueNegatives(name='tn'),
    keras.metrics.FalseNegatives(name='fn'),
    keras.metrics.BinaryAccuracy(name='accuracy'),
    keras.metrics.Precision(name='precision'),
    keras.metrics.Recall(name='recall'),
    keras.metrics.AUC(name='auc'),
    keras.metrics.AUC(name='prc', curve='PR'),  # precision-recall curve
]


def test_tensorflow_imbalanced_data_tutorial(capsys):
    rng = np.random.default_rng(1)
    features, labels = credit_card_like(rng, 20000, columns=29)  # SUBST: the cleaned, scaled CSV columns
    features = np.clip((features - features.mean(0)) / features.std(0), -5, 5)
    labels = labels.astype("float32")[:, 0]
    train_features, val_features, test_features = features[:12800], features[12800:16000], features[16000:]
    train_labels, val_labels, test_labels = labels[:12800], labels[12800:16000], labels[16000:]
    neg, pos = np.bincount(labels.astype("int64"))
    total = neg + pos

    def make_model(metrics=METRICS, output_bias=None):
        if output_bias is not None:
            output_bias = tf.keras.initializers.Constant(output_bias)
        model = keras.Sequential([
            keras.layers.Dense(16, activation='relu', input_shape=(train_features.shape[-1],)),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(1, activation='sigmoid', bias_initializer=output_bias),
        ])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                      loss=keras.losses.BinaryCrossentropy(), metrics=metrics)
        return model

    EPOCHS = 30  # SUBST: was 100
    BATCH_SIZE = 256  # SUBST: was 2048, for about as many steps per epoch on 1/14 of the rows

    def early_stopping():
        return tf.keras.callbacks.EarlyStopping(monitor='val_prc', verbose=1, patience=10, mode='max',
                                                restore_best_weights=True)

    model = make_model()
    zero_bias_loss = model.evaluate(train_features, train_labels, batch_size=BATCH_SIZE, verbose=0)[0]
    initial_bias = np.log([pos / neg])
    model = make_model(output_bias=initial_bias)
    model.predict(train_features[:10])
    results = model.evaluate(train_features, train_labels, batch_size=BATCH_SIZE, verbose=0)
    print("Loss: {:0.4f}".format(results[0]))
    assert results[0] < zero_bias_loss / 5   # the careful bias starts near -p log p - (1-p) log(1-p)
    initial_weights = os.path.join(tempfile.mkdtemp(), 'initial.weights.h5')
    model.save_weights(initial_weights)

    model = make_model()
    model.load_weights(initial_weights)
    model.layers[-1].bias.assign([0.0])
    zero_bias_history = model.fit(train_features, train_labels, batch_size=BATCH_SIZE, epochs=2,
                                  validation_data=(val_features, val_labels), verbose=0)

    weight_for_0 = (1 / neg) * (total / 2.0)
    weight_for_1 = (1 / pos) * (total / 2.0)
    class_weight = {0: weight_for_0, 1: weight_for_1}
    weighted_model = make_model()
    weighted_model.load_weights(initial_weights)
    weighted_history = weighted_model.fit(
        train_features, train_labels, batch_size=BATCH_SIZE, epochs=EPOCHS, callbacks=[early_stopping()],
        validation_data=(val_features, val_labels), class_weight=class_weight, verbose=0)

    names = ["Brier score", "accuracy", "auc", "cross entropy", "fn", "fp", "loss", "prc", "precision",
             "recall", "tn", "tp"]
    for history in (zero_bias_history, weighted_history):
        assert list(history.history) == names + ["val_" + name for name in names]

    results = weighted_model.evaluate(test_features, test_labels, batch_size=BATCH_SIZE, verbose=0)
    assert weighted_model.metrics_names == ["loss", "compile_metrics"]   # Keras 3's, as the tutorial shows
    logged = weighted_model.evaluate(test_features, test_labels, batch_size=BATCH_SIZE, verbose=0,
                                     return_dict=True)
    assert results == [logged[name] for name in ["loss"] + [m.name for m in METRICS]]
    _check_against_predictions(logged, test_labels, weighted_model.predict(test_features, batch_size=BATCH_SIZE))


def _check_against_predictions(logged, y, p):
    """Every logged test metric, computed directly from the predictions."""
    tp, fp, tn, fn = counts(y, p)
    p = p.reshape(-1).astype("float64")
    clipped = np.clip(p, 1e-7, 1 - 1e-7)
    assert (logged["tp"], logged["fp"], logged["tn"], logged["fn"]) == (tp, fp, tn, fn)
    assert logged["accuracy"] == pytest.approx((tp + tn) / len(y), rel=1e-6)
    assert logged["precision"] == pytest.approx(tp / (tp + fp) if tp + fp else 0.0, rel=1e-6)
    assert logged["recall"] == pytest.approx(tp / (tp + fn), rel=1e-6)
    assert logged["Brier score"] == pytest.approx(np.mean((p - y) ** 2), rel=1e-5)
    assert logged["cross entropy"] == pytest.approx(
        -np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)), rel=1e-5)
    assert logged["auc"] == pytest.approx(roc_auc_at_thresholds(y, p.astype("float32")), abs=1e-6)
    prc = keras.metrics.AUC(curve="PR")
    prc.update_state(y, p.astype("float32"))
    assert logged["prc"] == pytest.approx(float(prc.result()), abs=1e-7)
    assert 0.0 <= logged["prc"] <= 1.0 and not math.isnan(logged["prc"])
