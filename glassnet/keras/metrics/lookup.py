"""Finding a metric from what the user wrote in `compile(metrics=[...])`.

    get('mae')                                     -> MeanAbsoluteError() named 'mae'
    get('accuracy', (n,), (None, 10))              -> SparseCategoricalAccuracy() named 'accuracy'
    get(my_function)                               -> MeanMetricWrapper(my_function)

A metric made from a string keeps that string as its name, so the logs show
the key the user wrote.
"""
import inspect

from glassnet.keras import serialization
from glassnet.keras.identifiers import lookup
from glassnet.keras import naming
from glassnet.keras.losses.lookup import kind_for_shapes
from glassnet.keras.metrics import accuracy_metrics as acc
from glassnet.keras.metrics import auc
from glassnet.keras.metrics import confusion_metrics as confusion
from glassnet.keras.metrics import correlation_metrics as correlation
from glassnet.keras.metrics import f_score_metrics as f_score
from glassnet.keras.metrics import hinge_metrics as margin
from glassnet.keras.metrics import probabilistic_metrics as probabilistic
from glassnet.keras.metrics import iou_metrics as iou
from glassnet.keras.metrics import r2_score
from glassnet.keras.metrics import threshold_metrics as at_threshold
from glassnet.keras.metrics import top_k_accuracy_metrics as top_k
from glassnet.keras.metrics import crossentropy_metrics as ce
from glassnet.keras.metrics import regression_metrics as regression
from glassnet.keras.metrics.mean import Mean, MeanMetricWrapper, Sum
from glassnet.keras.metrics.metric import Metric

CLASSES = (
    Mean, Sum, acc.Accuracy, acc.BinaryAccuracy, acc.CategoricalAccuracy,
    acc.SparseCategoricalAccuracy, regression.MeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.RootMeanSquaredError, ce.BinaryCrossentropy, ce.CategoricalCrossentropy,
    ce.SparseCategoricalCrossentropy,
    auc.AUC, confusion.TruePositives, confusion.FalsePositives, confusion.TrueNegatives,
    confusion.FalseNegatives, confusion.Precision, confusion.Recall, at_threshold.PrecisionAtRecall,
    at_threshold.RecallAtPrecision, at_threshold.SensitivityAtSpecificity,
    at_threshold.SpecificityAtSensitivity, f_score.F1Score, f_score.FBetaScore, iou.IoU, iou.BinaryIoU,
    iou.MeanIoU, iou.OneHotIoU, iou.OneHotMeanIoU, r2_score.R2Score, regression.CosineSimilarity,
    regression.LogCoshError, top_k.TopKCategoricalAccuracy, top_k.SparseTopKCategoricalAccuracy,
    margin.Hinge, margin.SquaredHinge, margin.CategoricalHinge, probabilistic.KLDivergence, probabilistic.Poisson,
    correlation.PearsonCorrelation, correlation.ConcordanceCorrelation,
)
ALIASES = {
    "mse": regression.MeanSquaredError, "MSE": regression.MeanSquaredError,
    "mae": regression.MeanAbsoluteError, "MAE": regression.MeanAbsoluteError,
    "mape": regression.MeanAbsolutePercentageError, "MAPE": regression.MeanAbsolutePercentageError,
    "msle": regression.MeanSquaredLogarithmicError, "MSLE": regression.MeanSquaredLogarithmicError,
    "bce": ce.BinaryCrossentropy, "BCE": ce.BinaryCrossentropy,
}
ALL_OBJECTS = {
    **{cls.__name__: cls for cls in CLASSES},
    **{naming.snake_case(cls.__name__): cls for cls in CLASSES},
    **ALIASES,
}
SHAPE_RESOLVED = {
    "accuracy": {"binary": acc.BinaryAccuracy, "sparse": acc.SparseCategoricalAccuracy,
                 "categorical": acc.CategoricalAccuracy},
    "crossentropy": {"binary": ce.BinaryCrossentropy, "sparse": ce.SparseCategoricalCrossentropy,
                     "categorical": ce.CategoricalCrossentropy},
}
SHAPE_RESOLVED["acc"] = SHAPE_RESOLVED["accuracy"]
SHAPE_RESOLVED["ce"] = SHAPE_RESOLVED["crossentropy"]


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """The Metric object for `identifier`.

    Args:
        identifier: a Metric (returned as is), a name (class name, its
            snake_case form, an alias such as 'mse', or 'accuracy' / 'acc' /
            'crossentropy' / 'ce'), a Metric class, a function
            ``fn(y_true, y_pred)`` returning per-sample values, a config dict, or None.
        y_true_shape, y_pred_shape: the shapes of y and of the model's output,
            used to resolve 'accuracy' (y_pred last dim 1 -> binary; labels one
            rank short, or (n, 1) labels against K > 1 outputs -> sparse;
            otherwise categorical).

    >>> get('acc', (100, 1), (None, 1)).__class__.__name__, get('acc', (100, 1), (None, 1)).name
    ('BinaryAccuracy', 'acc')
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        metric = _from_string(identifier, y_true_shape, y_pred_shape)
        metric.name = identifier
        return metric
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r}. Expected a metric name, a "
        f"Metric object or a function of (y_true, y_pred)."
    )


def _from_string(name, y_true_shape, y_pred_shape):
    choices = SHAPE_RESOLVED.get(name.lower())
    if choices is not None and y_true_shape is not None and y_pred_shape is not None:
        return kind_for_shapes(y_true_shape, y_pred_shape, choices)()
    if name.lower() in ("accuracy", "acc"):
        return acc.Accuracy()  # without shapes, Keras's plain exact-match accuracy
    if choices is not None:
        raise ValueError(
            f"The metric {name!r} is chosen from the shapes of y and the model's output: pass "
            f"y_true_shape and y_pred_shape, or name it ('binary_crossentropy', ...)."
        )
    known = set(ALL_OBJECTS) | {"accuracy", "acc", "crossentropy", "ce"}
    return lookup(ALL_OBJECTS, name, "metric", "metrics", known)()


def serialize(metric):
    """A config dict from which `deserialize` rebuilds `metric`."""
    return serialization.serialize(metric, "keras.metrics")


def deserialize(config):
    """The Metric described by `serialize`'s dict."""
    class_name = config.get("class_name")
    if class_name not in ALL_OBJECTS:
        raise ValueError(f"Could not interpret metric identifier: {config!r}. Unknown class_name {class_name!r}.")
    return ALL_OBJECTS[class_name].from_config(config.get("config", {}))
