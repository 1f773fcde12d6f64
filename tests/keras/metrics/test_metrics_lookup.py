"""metrics.get: 'accuracy' resolution, names as written, aliases, errors."""
import numpy as np
import pytest

from glassnet.keras import metrics


@pytest.mark.parametrize("y_shape, out_shape, cls", [
    ((10, 1), (None, 1), metrics.BinaryAccuracy),        # y_pred last dim 1
    ((10,), (None, 1), metrics.BinaryAccuracy),
    ((10, 3), (None, 1), metrics.BinaryAccuracy),        # checked first, whatever y is
    ((10,), (None, 3), metrics.SparseCategoricalAccuracy),  # rank(y) < rank(y_pred)
    ((10, 1), (None, 3), metrics.SparseCategoricalAccuracy),  # y last dim 1, y_pred > 1
    ((10, 3), (None, 3), metrics.CategoricalAccuracy),
])
@pytest.mark.parametrize("name", ["accuracy", "acc", "Accuracy", "ACC"])
def test_accuracy_resolution_table(y_shape, out_shape, cls, name):
    metric = metrics.get(name, y_shape, out_shape)
    assert type(metric) is cls and metric.name == name


def test_crossentropy_resolution():
    metric = metrics.get("ce", (10,), (None, 4))
    assert type(metric) is metrics.SparseCategoricalCrossentropy and metric.name == "ce"
    assert type(metrics.get("crossentropy", (10, 1), (None, 1))) is metrics.BinaryCrossentropy


@pytest.mark.parametrize("name, cls", [
    ("mse", metrics.MeanSquaredError), ("MSE", metrics.MeanSquaredError), ("mae", metrics.MeanAbsoluteError),
    ("MAE", metrics.MeanAbsoluteError), ("mape", metrics.MeanAbsolutePercentageError),
    ("msle", metrics.MeanSquaredLogarithmicError), ("bce", metrics.BinaryCrossentropy),
    ("mean_absolute_error", metrics.MeanAbsoluteError), ("MeanAbsoluteError", metrics.MeanAbsoluteError),
    ("binary_accuracy", metrics.BinaryAccuracy), ("categorical_accuracy", metrics.CategoricalAccuracy),
    ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
    ("root_mean_squared_error", metrics.RootMeanSquaredError), ("mean", metrics.Mean),
])
def test_strings_keep_the_users_name(name, cls):
    metric = metrics.get(name)
    assert type(metric) is cls and metric.name == name


def test_accuracy_without_shapes_is_exact_match():
    assert type(metrics.get("accuracy")) is metrics.Accuracy


def test_instances_classes_and_functions():
    m = metrics.BinaryAccuracy()
    assert metrics.get(m) is m and metrics.get(None) is None
    assert type(metrics.get(metrics.MeanSquaredError)) is metrics.MeanSquaredError

    def within_one(y_true, y_pred):
        return (np.abs(y_true - y_pred) <= 1).astype("float32")

    wrapped = metrics.get(within_one)
    assert wrapped.name == "within_one"
    assert wrapped(np.array([0.0, 0.0, 0.0, 0.0]), np.array([0.5, 1.0, 2.0, -3.0])) == 0.5


def test_unknown_metric_lists_known_names():
    known = r"Could not interpret metric identifier: 'foo'. Known metrics: .*accuracy.*mse"
    with pytest.raises(ValueError, match=known):
        metrics.get("foo")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 3"):
        metrics.get(3)


def test_serialize_round_trip():
    m = metrics.BinaryAccuracy(threshold=0.3, name="acc_03")
    clone = metrics.deserialize(metrics.serialize(m))
    assert type(clone) is metrics.BinaryAccuracy and clone.get_config() == m.get_config()


def test_one_object_many_paths():
    from glassnet.keras import losses

    assert metrics.mean_squared_error is losses.mean_squared_error
    assert metrics.binary_crossentropy is losses.binary_crossentropy
