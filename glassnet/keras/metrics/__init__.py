"""Metrics: numbers reported during training, never differentiated.

Each metric is a running mean (or sum) over all samples seen since its last
reset: `update_state` per batch, `result()` for the value, `reset_state()` to
start again.
"""
from glassnet.keras.losses.crossentropy import (
    binary_crossentropy, categorical_crossentropy, kl_divergence, sparse_categorical_crossentropy,
)
from glassnet.keras.losses.margin import categorical_hinge, hinge, squared_hinge
from glassnet.keras.losses.regression import (
    huber, log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, poisson,
)
from glassnet.keras.metrics.accuracy_metrics import (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, accuracy,
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
)
from glassnet.keras.metrics.auc import AUC
from glassnet.keras.metrics.confusion_metrics import (
    FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives,
)
from glassnet.keras.metrics.correlation_metrics import (
    ConcordanceCorrelation, PearsonCorrelation, concordance_correlation, pearson_correlation,
)
from glassnet.keras.metrics.crossentropy_metrics import (
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
)
from glassnet.keras.metrics.f_score_metrics import F1Score, FBetaScore
from glassnet.keras.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from glassnet.keras.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from glassnet.keras.metrics.lookup import deserialize, get, serialize
from glassnet.keras.metrics.mean import Mean, MeanMetricWrapper, Sum
from glassnet.keras.metrics.metric import Metric
from glassnet.keras.metrics.probabilistic_metrics import KLDivergence, Poisson
from glassnet.keras.metrics.threshold_metrics import (
    PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
)
from glassnet.keras.metrics.r2_score import R2Score
from glassnet.keras.metrics.regression_metrics import (
    CosineSimilarity, LogCoshError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)
from glassnet.keras.metrics.top_k_accuracy_metrics import (
    SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)

__all__ = [
    "AUC", "FalseNegatives", "FalsePositives", "Precision", "PrecisionAtRecall", "Recall",
    "RecallAtPrecision", "SensitivityAtSpecificity", "SpecificityAtSensitivity", "TrueNegatives",
    "TruePositives",
    "BinaryIoU", "CosineSimilarity", "F1Score", "FBetaScore", "IoU", "LogCoshError", "MeanIoU",
    "OneHotIoU", "OneHotMeanIoU", "R2Score", "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy",
    "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy",
    "CategoricalHinge", "Hinge", "KLDivergence", "Poisson", "SquaredHinge", "huber", "poisson",
    "ConcordanceCorrelation", "PearsonCorrelation", "concordance_correlation", "pearson_correlation",
    "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "CategoricalAccuracy",
    "CategoricalCrossentropy", "Mean", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanMetricWrapper", "MeanSquaredError", "MeanSquaredLogarithmicError", "Metric",
    "RootMeanSquaredError", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy", "Sum",
    "accuracy", "binary_accuracy", "binary_crossentropy", "categorical_accuracy",
    "categorical_crossentropy", "categorical_hinge", "deserialize", "get", "hinge",
    "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mean_squared_logarithmic_error", "serialize",
    "sparse_categorical_accuracy", "sparse_categorical_crossentropy", "squared_hinge",
]
