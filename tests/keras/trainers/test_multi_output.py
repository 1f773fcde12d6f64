"""Training a model with several outputs: the total loss is the weighted sum of the outputs' losses
plus the penalties, each output's loss and metrics are logged under its name, and structures that do
not match the outputs are refused with the argument's name (parity with Keras:
tests/parity/test_multi_output_parity.py)."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import Input, Model, layers


def _model(regularizer=None):
    x = Input((3,), name="features")
    hidden = layers.Dense(4, activation="tanh", name="hidden", kernel_regularizer=regularizer)(x)
    return Model(x, [layers.Dense(1, name="reg")(hidden), layers.Dense(2, activation="softmax", name="cls")(hidden)])


def _data(n=10):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 1)).astype("float32"),
            rng.integers(0, 2, size=n))


def _hand_losses(model, x, y_reg, y_cls, w_reg=None, w_cls=None):
    """MSE and sparse crossentropy from the predictions, weighted means as Keras reduces them."""
    reg, cls = model.predict(x, verbose=0)
    mse = ((reg - y_reg) ** 2).mean(axis=-1)
    ce = -np.log(np.clip(cls[np.arange(len(x)), y_cls], 1e-7, 1.0))
    w_reg = np.ones(len(x)) if w_reg is None else w_reg
    w_cls = np.ones(len(x)) if w_cls is None else w_cls
    return (mse * w_reg).sum() / len(x), (ce * w_cls).sum() / len(x)


def test_evaluate_is_the_weighted_sum_of_the_outputs_losses_plus_the_penalties():
    model = _model(regularizer=tf.keras.regularizers.L2(0.01))
    model.compile(optimizer="sgd", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                  loss_weights=[0.25, 3.0], metrics={"cls": ["accuracy"]})
    x, y_reg, y_cls = _data()
    logs = model.evaluate(x, [y_reg, y_cls], verbose=0, return_dict=True)
    mse, ce = _hand_losses(model, x, y_reg, y_cls)
    penalty = 0.01 * (model.get_layer("hidden").kernel.numpy() ** 2).sum()
    assert list(logs) == ["cls_accuracy", "cls_loss", "loss", "reg_loss"]
    np.testing.assert_allclose([logs["reg_loss"], logs["cls_loss"]], [mse, ce], rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], 0.25 * mse + 3.0 * ce + penalty, rtol=1e-5)
    accuracy = (model.predict(x, verbose=0)[1].argmax(-1) == y_cls).mean()
    np.testing.assert_allclose(logs["cls_accuracy"], accuracy)
    assert model.evaluate(x, [y_reg, y_cls], verbose=0) == pytest.approx(
        [logs["loss"], logs["reg_loss"], logs["cls_loss"], logs["cls_accuracy"]])


def test_one_loss_serves_every_output_and_sample_weights_go_per_output():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    x, y_reg, _ = _data()
    y_two = np.eye(2, dtype="float32")[np.arange(len(x)) % 2]
    weights = np.linspace(0.5, 2.0, len(x)).astype("float32")
    as_list = model.evaluate(x, [y_reg, y_two], sample_weight=[weights, np.ones(len(x))], verbose=0, return_dict=True)
    as_dict = model.evaluate(x, {"cls": y_two, "reg": y_reg}, sample_weight={"reg": weights, "cls": np.ones(len(x))},
                             verbose=0, return_dict=True)
    assert as_list == as_dict
    reg, cls = model.predict(x, verbose=0)
    np.testing.assert_allclose(as_list["reg_loss"], (((reg - y_reg) ** 2).mean(-1) * weights).mean(), rtol=1e-5)
    np.testing.assert_allclose(as_list["cls_loss"], ((cls - y_two) ** 2).mean(), rtol=1e-5)


def test_fit_trains_both_heads_and_logs_validation_per_output():
    model = _model()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss=["mse", "sparse_categorical_crossentropy"],
                  metrics=[["mae"], ["accuracy"]])
    x, y_reg, y_cls = _data(40)
    history = model.fit(x, [y_reg, y_cls], epochs=5, batch_size=8, validation_split=0.25, verbose=0).history
    assert sorted(history) == ["cls_accuracy", "cls_loss", "loss", "reg_loss", "reg_mae",
                               "val_cls_accuracy", "val_cls_loss", "val_loss", "val_reg_loss", "val_reg_mae"]
    assert history["loss"][-1] < history["loss"][0]
    np.testing.assert_allclose(np.array(history["loss"]), np.array(history["reg_loss"]) + history["cls_loss"],
                               rtol=1e-5)


def test_train_on_batch_with_a_dict_of_targets():
    model = _model()
    model.compile(optimizer="sgd", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"})
    x, y_reg, y_cls = _data()
    before = model.get_layer("hidden").kernel.numpy().copy()
    result = model.train_on_batch(x, {"reg": y_reg, "cls": y_cls}, return_dict=True)
    assert sorted(result) == ["cls_loss", "loss", "reg_loss"]
    assert not np.allclose(before, model.get_layer("hidden").kernel.numpy())


def test_a_subclassed_model_returning_a_dict_is_trained_per_output():
    class TwoHeads(Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = layers.Dense(1), layers.Dense(2)

        def call(self, x):
            return {"a": self.a(x), "b": self.b(x)}
    arguments = dict(optimizer="sgd", loss={"a": "mse", "b": "mae"}, loss_weights={"a": 1.0, "b": 0.5})
    x = np.ones((4, 3), "float32")
    fresh = TwoHeads()
    fresh.compile(**arguments)
    with pytest.raises(ValueError, match="must be a dict keyed by the names of the outputs"):
        fresh.fit(x, [np.zeros((4, 1)), np.zeros((4, 2))], verbose=0)
    model = TwoHeads()
    model.compile(**arguments)
    logs = model.evaluate(x, {"a": np.zeros((4, 1)), "b": np.zeros((4, 2))}, verbose=0, return_dict=True)
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(logs["a_loss"], (out["a"] ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], (out["a"] ** 2).mean() + 0.5 * np.abs(out["b"]).mean(), rtol=1e-5)


@pytest.mark.parametrize("arguments, match", [
    (dict(loss=["mse"]), "`loss` must have one entry per output: the model has 2 outputs"),
    (dict(loss={"reg": "mse", "nope": "mse"}), r"`loss` has keys \['nope'\] that are not outputs"),
    (dict(loss={"reg": "mse"}), r"Expected keys \['reg', 'cls'\] in loss dict"),
    (dict(loss="mse", loss_weights=[1.0, 2.0, 3.0]), "`loss_weights` must have one entry per output"),
    (dict(loss="mse", loss_weights=2.0), "multiple output case"),
    (dict(loss="mse", metrics=["mae"]), "`metrics` must have one entry per output"),
    (dict(loss="mse", metrics={"other": ["mae"]}), r"`metrics` has keys \['other'\]"),
])
def test_compile_refuses_structures_that_do_not_match_the_outputs(arguments, match):
    with pytest.raises(ValueError, match=match):
        _model().compile(optimizer="sgd", **arguments)


@pytest.mark.parametrize("y, match", [
    (lambda y_reg, y_cls: [y_reg], r"The model has 2 outputs \(reg, cls\), so `y` must be a list of 2 arrays"),
    (lambda y_reg, y_cls: {"reg": y_reg}, r"`y` is a dict without the model's outputs \['cls'\]"),
    (lambda y_reg, y_cls: {"reg": y_reg, "cls": y_cls, "extra": y_cls}, r"`y` has keys \['extra'\]"),
    (lambda y_reg, y_cls: [y_reg, y_cls[:5]], "Data cardinality is ambiguous"),
])
def test_targets_that_miss_an_output_are_refused(y, match):
    model = _model()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    x, y_reg, y_cls = _data()
    with pytest.raises(ValueError, match=match):
        model.fit(x, y(y_reg, y_cls), verbose=0)


def test_labels_are_checked_against_each_outputs_loss_and_class_weight_is_refused():
    model = _model()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    x, y_reg, y_cls = _data()
    with pytest.raises(ValueError):
        model.fit(x, [y_reg, y_cls + 5], verbose=0)  # labels beyond the 2 classes of 'cls'
    with pytest.raises(ValueError, match="`class_weight` is only supported for models with a single output"):
        model.fit(x, [y_reg, y_cls], class_weight={0: 1.0, 1: 2.0}, verbose=0)
