"""Finding a loss from what the user wrote: a name, a class, a function or a config.

    get('mse')                    -> LossFunctionWrapper(mean_squared_error), named 'mean_squared_error'
    get('BinaryCrossentropy')     -> BinaryCrossentropy()
    get(my_function)              -> LossFunctionWrapper(my_function), named my_function.__name__
    resolve_crossentropy((n,), (None, 10)) -> sparse categorical cross-entropy
"""
import inspect

from glassnet.keras import serialization
from glassnet.keras.identifiers import lookup
from glassnet.keras.losses import crossentropy, margin, regression
from glassnet.keras.losses.crossentropy import (
    BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, SparseCategoricalCrossentropy,
)
from glassnet.keras.losses.loss import Loss
from glassnet.keras.losses.margin import CategoricalHinge, Hinge, SquaredHinge
from glassnet.keras.losses.regression import (
    CosineSimilarity, Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson,
)
from glassnet.keras.losses.wrapper import LossFunctionWrapper

CLASSES = (
    Loss, LossFunctionWrapper, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, KLDivergence, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh, Hinge,
    SquaredHinge, CategoricalHinge, Poisson, CosineSimilarity,
)
FUNCTIONS = (
    crossentropy.binary_crossentropy, crossentropy.categorical_crossentropy,
    crossentropy.sparse_categorical_crossentropy, crossentropy.kl_divergence,
    regression.mean_squared_error, regression.mean_absolute_error,
    regression.mean_absolute_percentage_error, regression.mean_squared_logarithmic_error,
    regression.huber, regression.log_cosh, margin.hinge, margin.squared_hinge,
    margin.categorical_hinge, regression.poisson, regression.cosine_similarity,
)
ALIASES = {
    "mse": regression.mean_squared_error, "MSE": regression.mean_squared_error,
    "mae": regression.mean_absolute_error, "MAE": regression.mean_absolute_error,
    "mape": regression.mean_absolute_percentage_error, "MAPE": regression.mean_absolute_percentage_error,
    "msle": regression.mean_squared_logarithmic_error, "MSLE": regression.mean_squared_logarithmic_error,
    "bce": crossentropy.binary_crossentropy, "BCE": crossentropy.binary_crossentropy,
    "kld": crossentropy.kl_divergence, "KLD": crossentropy.kl_divergence,
    "logcosh": regression.log_cosh,
}
ALL_OBJECTS = {
    **{cls.__name__: cls for cls in CLASSES},
    **{fn.__name__: fn for fn in FUNCTIONS},
    **ALIASES,
}
CROSSENTROPY_NAMES = ("crossentropy", "ce")


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """The Loss object for `identifier`.

    Args:
        identifier: a Loss instance (returned as is), a name (function, class or
            alias), a Loss class, a function ``fn(y_true, y_pred)``, a config dict
            ``{'class_name': ..., 'config': ...}``, or None.
        y_true_shape, y_pred_shape: needed only for 'crossentropy' / 'ce'.

    Raises ValueError naming the known losses when the identifier is unknown.
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.lower() in CROSSENTROPY_NAMES:
            return _crossentropy_for(identifier, y_true_shape, y_pred_shape)
        return _instantiate(_lookup(identifier))
    if callable(identifier):
        return _instantiate(identifier)
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected a loss name, a Loss "
        f"object or a function of (y_true, y_pred)."
    )


def _lookup(name):
    known = [n for n in ALL_OBJECTS if n not in ("Loss", "LossFunctionWrapper")]
    return lookup(ALL_OBJECTS, name, "loss", "losses", known)


def _instantiate(obj):
    if inspect.isclass(obj):
        return obj()
    return LossFunctionWrapper(obj, name=getattr(obj, "__name__", None))


def get_function(name):
    """The loss function named `name` (a function name or an alias)."""
    obj = _lookup(name)
    if inspect.isclass(obj):
        raise ValueError(f"Expected the name of a loss function. Received the class name {name!r}.")
    return obj


def _crossentropy_for(identifier, y_true_shape, y_pred_shape):
    if y_true_shape is None or y_pred_shape is None:
        raise ValueError(
            f"The loss {identifier!r} is chosen from the shapes of y and the model's output: "
            f"call resolve_crossentropy(y_true_shape, y_pred_shape), or name the loss "
            f"('binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy')."
        )
    return resolve_crossentropy(y_true_shape, y_pred_shape)


def resolve_crossentropy(y_true_shape, y_pred_shape):
    """The cross-entropy that fits these shapes, by Keras's rule for 'accuracy':

        y_pred last dim 1                                     -> binary_crossentropy
        rank(y_true) < rank(y_pred), or y_true last dim 1
        with y_pred last dim > 1                              -> sparse_categorical_crossentropy
        otherwise                                             -> categorical_crossentropy

    >>> resolve_crossentropy((100,), (None, 10)).name
    'sparse_categorical_crossentropy'
    """
    return _instantiate(kind_for_shapes(y_true_shape, y_pred_shape, {
        "binary": crossentropy.binary_crossentropy,
        "sparse": crossentropy.sparse_categorical_crossentropy,
        "categorical": crossentropy.categorical_crossentropy,
    }))


def kind_for_shapes(y_true_shape, y_pred_shape, choices):
    """choices['binary' | 'sparse' | 'categorical'] by the shape rule above."""
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if y_pred_shape[-1] == 1:
        return choices["binary"]
    y_pred_last = y_pred_shape[-1] if y_pred_shape[-1] is not None else 2
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_last > 1):
        return choices["sparse"]
    return choices["categorical"]


def serialize(loss):
    """A config dict from which `deserialize` rebuilds `loss`."""
    return serialization.serialize(loss, "keras.losses")


def deserialize(config):
    """The Loss described by `serialize`'s dict (or a bare name)."""
    if isinstance(config, str):
        return get(config)
    class_name = config.get("class_name")
    if class_name not in ALL_OBJECTS or not inspect.isclass(ALL_OBJECTS[class_name]):
        raise ValueError(f"Could not interpret loss identifier: {config!r}. Unknown class_name {class_name!r}.")
    return ALL_OBJECTS[class_name].from_config(config.get("config", {}))
