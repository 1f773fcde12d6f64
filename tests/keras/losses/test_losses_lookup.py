"""losses.get, resolve_crossentropy, aliases and serialization."""
import numpy as np
import pytest

from glassnet.keras import losses


@pytest.mark.parametrize("name, fn", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("MAPE", losses.mean_absolute_percentage_error), ("msle", losses.mean_squared_logarithmic_error),
    ("bce", losses.binary_crossentropy), ("BCE", losses.binary_crossentropy),
    ("binary_crossentropy", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ("huber", losses.huber), ("log_cosh", losses.log_cosh), ("hinge", losses.hinge),
    ("kl_divergence", losses.kl_divergence), ("kld", losses.kl_divergence),
])
def test_strings_wrap_functions_named_after_the_function(name, fn):
    loss = losses.get(name)
    assert isinstance(loss, losses.LossFunctionWrapper) and loss.fn is fn
    assert loss.name == fn.__name__


@pytest.mark.parametrize("name, cls", [
    ("BinaryCrossentropy", losses.BinaryCrossentropy), ("MeanSquaredError", losses.MeanSquaredError),
    ("Huber", losses.Huber), ("SparseCategoricalCrossentropy", losses.SparseCategoricalCrossentropy),
])
def test_class_names_give_instances(name, cls):
    assert type(losses.get(name)) is cls


def test_aliases_are_the_same_objects():
    assert losses.MSE is losses.mse is losses.mean_squared_error
    assert losses.MAE is losses.mae is losses.mean_absolute_error
    assert losses.BCE is losses.bce is losses.binary_crossentropy
    assert losses.MAPE is losses.mape and losses.MSLE is losses.msle


def test_instances_pass_through_and_functions_are_wrapped():
    loss = losses.Huber()
    assert losses.get(loss) is loss
    assert losses.get(None) is None

    def my_loss(y_true, y_pred):
        return losses.mean_absolute_error(y_true, y_pred) * 2

    wrapped = losses.get(my_loss)
    assert wrapped.name == "my_loss"
    # 2 * (|1 - 2| + |2 - 4|) / 2 = 3
    assert float(wrapped(np.array([[1.0, 2.0]]), np.array([[2.0, 4.0]]))) == 3.0
    assert type(losses.get(losses.Huber)) is losses.Huber


def test_string_wrapped_loss_computes_like_the_class():
    y, p = np.array([1.0, 0.0]), np.array([[0.8], [0.4]])
    assert float(losses.get("bce")(y, p)) == pytest.approx(float(losses.BinaryCrossentropy()(y, p)))


def test_unknown_identifier_lists_known_losses():
    with pytest.raises(ValueError, match=r"Could not interpret loss identifier: 'foo'. Known losses: .*mse"):
        losses.get("foo")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 3"):
        losses.get(3)


@pytest.mark.parametrize("y_shape, out_shape, fn", [
    ((10, 1), (None, 1), "binary_crossentropy"),
    ((10,), (None, 1), "binary_crossentropy"),
    ((10,), (None, 3), "sparse_categorical_crossentropy"),
    ((10, 1), (None, 3), "sparse_categorical_crossentropy"),
    ((10, 3), (None, 3), "categorical_crossentropy"),
])
def test_resolve_crossentropy(y_shape, out_shape, fn):
    assert losses.resolve_crossentropy(y_shape, out_shape).fn is getattr(losses, fn)
    for name in ("crossentropy", "CE", "ce"):
        assert losses.get(name, y_shape, out_shape).fn is getattr(losses, fn)


def test_crossentropy_string_without_shapes_explains():
    with pytest.raises(ValueError, match="resolve_crossentropy"):
        losses.get("crossentropy")


def test_wrapper_config_lists_the_function_options():
    config = losses.get("binary_crossentropy").get_config()
    assert config["from_logits"] is False and config["label_smoothing"] == 0.0 and config["fn"] == "binary_crossentropy"
    clone = losses.LossFunctionWrapper.from_config(losses.LossFunctionWrapper(
        losses.binary_crossentropy, from_logits=True).get_config())
    assert clone.fn is losses.binary_crossentropy and clone.get_config()["from_logits"] is True


def test_serialize_round_trip():
    loss = losses.CategoricalCrossentropy(label_smoothing=0.2, from_logits=True)
    clone = losses.deserialize(losses.serialize(loss))
    assert type(clone) is losses.CategoricalCrossentropy and clone.get_config() == loss.get_config()
    assert type(losses.get(losses.serialize(loss))) is losses.CategoricalCrossentropy
