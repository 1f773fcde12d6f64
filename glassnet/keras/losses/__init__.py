"""Losses: what `fit` minimises.

Each loss exists twice, as in Keras: a function returning per-sample losses
(``mean_squared_error(y_true, y_pred)``) and a class whose objects add the
sample weights and the reduction to a scalar (``MeanSquaredError()(y_true, y_pred)``).
"""
from glassnet.keras.losses.alignment import squeeze_or_expand_to_same_rank
from glassnet.keras.losses.crossentropy import (
    BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, SparseCategoricalCrossentropy, binary_crossentropy,
    categorical_crossentropy, kl_divergence, sparse_categorical_crossentropy,
)
from glassnet.keras.losses.lookup import deserialize, get, resolve_crossentropy, serialize
from glassnet.keras.losses.loss import Loss
from glassnet.keras.losses.margin import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from glassnet.keras.losses.reduction import reduce_weighted_values
from glassnet.keras.losses.regression import (
    CosineSimilarity, Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson, cosine_similarity, huber, log_cosh, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, poisson,
)
from glassnet.keras.losses.wrapper import LossFunctionWrapper

# Short names, as in keras.losses: one function, several names.
MSE = mse = mean_squared_error
MAE = mae = mean_absolute_error
MAPE = mape = mean_absolute_percentage_error
MSLE = msle = mean_squared_logarithmic_error
BCE = bce = binary_crossentropy
KLD = kld = kl_divergence
logcosh = log_cosh

__all__ = [
    "BCE", "BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity",
    "Hinge", "Huber",
    "KLD", "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MAE", "MAPE", "MSE", "MSLE",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "bce",
    "binary_crossentropy", "categorical_crossentropy", "categorical_hinge", "cosine_similarity",
    "deserialize", "get",
    "hinge", "huber", "kl_divergence", "kld", "log_cosh", "logcosh", "mae", "mape",
    "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "mse", "msle", "poisson", "reduce_weighted_values",
    "resolve_crossentropy", "serialize", "sparse_categorical_crossentropy", "squared_hinge",
    "squeeze_or_expand_to_same_rank",
]
