"""A Model subclass that calls super().__init__(inputs, outputs) against Keras 3: the same class
hierarchy role (a Functional of its own class), layers, training numbers and overridden call;
its config differs on purpose (docs/differences-from-keras.md) but Keras reads glassnet's file."""
import keras
import numpy as np
import pytest

import glassnet
from parity_tools import assert_close


def _head_class(module):
    class Head(module.Model):
        def __init__(self, units, **kwargs):
            inputs = module.Input((4,), name="features")
            hidden = module.layers.Dense(8, activation="relu", name="hidden")(inputs)
            super().__init__(inputs=inputs, outputs=module.layers.Dense(units, name="out")(hidden), **kwargs)
            self.units = units

        def call(self, inputs, training=None):
            return super().call(inputs, training=training) * 2.0

    return Head


def test_a_functional_subclass_trains_as_in_keras():
    theirs, mine = _head_class(keras)(3, name="head"), _head_class(glassnet.keras)(3, name="head")
    assert type(theirs).__mro__[1].__name__ == type(mine).__mro__[1].__name__ == "Functional"
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    mine.set_weights(theirs.get_weights())
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(24, 4)).astype("float32"), rng.normal(size=(24, 3)).astype("float32")
    assert_close(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), family="forward", what="predict")
    for model, module in ((theirs, keras), (mine, glassnet.keras)):
        model.compile(optimizer=module.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    fits = [model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history for model in (theirs, mine)]
    assert list(fits[1]) == list(fits[0])
    for key in fits[0]:
        assert_close(fits[1][key], fits[0][key], family="fit", what=f"history[{key!r}]")


def test_keras_loads_the_file_glassnet_saves(tmp_path):
    pytest.importorskip("h5py")
    mine = _head_class(glassnet.keras)(3, name="head")
    mine.save(tmp_path / "head.keras")
    theirs = keras.saving.load_model(tmp_path / "head.keras", custom_objects={"Head": _head_class(keras)})
    assert theirs.units == 3 and theirs.name == "head"
    x = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    assert_close(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), family="forward", what="loaded")
