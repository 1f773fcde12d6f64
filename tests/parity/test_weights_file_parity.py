"""`.weights.h5` files between Keras 3 (JAX) and glassnet, both ways.

For each model: the file Keras writes and the file glassnet writes have the same groups and
datasets (paths, shapes, dtypes); a file one library trained and saved loads in the other with
identical weights and optimizer variables (they are copied exactly), the same predictions
(parity tolerance), and one more training step from there gives the same weights in both.
"""
import keras
import numpy as np
import pytest
from parity_tools import assert_close

import glassnet.keras as gk

h5py = pytest.importorskip("h5py")
LIBRARIES = {"keras": keras, "glassnet": gk}

RNG = np.random.default_rng(11)
X = (RNG.normal(size=(32, 5)) * [1.0, 3.0, 0.1, 10.0, 2.0] + [0.0, 5.0, -1.0, 20.0, 0.0]).astype("float32")
Y = (X[:, :1] - 0.2 * X[:, 1:2] + RNG.normal(scale=0.3, size=(32, 1)) > -1.0).astype("float32")

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "softplus", "softsign",
               "silu", "exponential", "hard_sigmoid", "relu6", "softmax", "log_softmax"]
OPTIMIZERS = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.5, "nesterov": True}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {"weight_decay": 0.05}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True}), ("Adagrad", {}),
    ("Adam", {"schedule": (0.01, 2, 0.5)}), ("SGD", {"momentum": 0.9, "use_ema": True}),
]


def optimizer(library, name, options):
    options = dict(options)
    if "schedule" in options:
        options["learning_rate"] = library.optimizers.schedules.ExponentialDecay(*options.pop("schedule"))
    return getattr(library.optimizers, name)(**options)


def stack(library, activations=("relu",), dropout=True):
    """Normalization (adapted), a Dense per activation (an L2 kernel penalty on the first, L1 on the
    bias of the second), Dropout, a sigmoid Dense."""
    norm = library.layers.Normalization()
    norm.adapt(X)
    hidden = [library.layers.Dense(4, activation=name,
                                   kernel_regularizer=library.regularizers.L2(0.01) if i == 0 else None,
                                   bias_regularizer=library.regularizers.L1(0.01) if i == 1 else None)
              for i, name in enumerate(activations)]
    tail = [library.layers.Dropout(0.3)] if dropout else []
    return library.Sequential([library.Input(shape=(5,)), norm, *hidden, *tail,
                               library.layers.Dense(1, activation="sigmoid")])


def listing(path):
    """(dataset path, shape, dtype) and the vars groups: what both libraries must write alike."""
    rows = []
    with h5py.File(path, "r") as file:
        file.visititems(lambda name, item: rows.append(
            (name, item.shape, str(item.dtype)) if isinstance(item, h5py.Dataset) else (name,)))
    return sorted(rows)


def train(model, library, name, options, loss="binary_crossentropy"):
    """A few steps of fit; the metrics' state is not in Keras's files (the listings compare it)."""
    model.compile(optimizer=optimizer(library, name, options), loss=loss, metrics=["mae", "accuracy"],
                  jit_compile=False)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)


def compiled_to_load(library, model, name, options, loss="binary_crossentropy"):
    """A fresh compiled model whose optimizer can take saved state: Keras skips the optimizer of a
    file when its own is not built yet (with a warning), so it is built first; glassnet builds it."""
    model.compile(optimizer=optimizer(library, name, options), loss=loss, jit_compile=False)
    if library is keras:
        model.optimizer.build(model.trainable_variables)
    return model


def predict(model):
    """The model on X in inference mode (a direct call: Keras's predict compiles a function per model)."""
    return np.asarray(model(X, training=False))


def variables(model):
    return [np.asarray(v.numpy()) for v in model.weights], [np.asarray(v.numpy()) for v in model.optimizer.variables]


def assert_identical(loaded, saved, what):
    for part, mine, theirs in zip(("weights", "optimizer variables"), variables(loaded), variables(saved)):
        assert len(mine) == len(theirs), f"{what}: {part} count"
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert a.dtype == b.dtype and a.shape == b.shape, f"{what}: {part} {i}"
            np.testing.assert_array_equal(a, b, err_msg=f"{what}: {part} {i}")


def one_more_step(path, name, options):
    """Load the file into Dropout-free copies (its empty dropout group is ignored) and train one batch."""
    results = {}
    for label, library in LIBRARIES.items():
        model = compiled_to_load(library, stack(library, dropout=False), name, options)
        model.load_weights(path)
        model.train_on_batch(X[:8], Y[:8])
        results[label] = [np.asarray(w.numpy()) for w in model.weights]
    for i, (mine, theirs) in enumerate(zip(results["glassnet"], results["keras"])):
        assert_close(mine, theirs, family="optimizer", what=f"{name}{options}: weight {i} after one more step")


@pytest.mark.parametrize(("name", "options"), OPTIMIZERS, ids=[f"{n}-{o}" for n, o in OPTIMIZERS])
def test_keras_file_loads_in_glassnet(tmp_path, name, options):
    theirs = stack(keras)
    train(theirs, keras, name, options)
    path = tmp_path / "keras.weights.h5"
    theirs.save_weights(path)
    mine = compiled_to_load(gk, stack(gk), name, options)
    mine.load_weights(path)
    assert_identical(mine, theirs, f"Keras -> glassnet, {name}{options}")
    assert_close(predict(mine), predict(theirs), family="forward",
                 what=f"predictions after loading Keras's file ({name}{options})")
    mine.save_weights(tmp_path / "glassnet.weights.h5")
    assert listing(tmp_path / "glassnet.weights.h5") == listing(path)
    one_more_step(path, name, options)


@pytest.mark.parametrize(("name", "options"), OPTIMIZERS, ids=[f"{n}-{o}" for n, o in OPTIMIZERS])
def test_glassnet_file_loads_in_keras(tmp_path, name, options):
    mine = stack(gk)
    train(mine, gk, name, options)
    path = tmp_path / "glassnet.weights.h5"
    mine.save_weights(path)
    theirs = compiled_to_load(keras, stack(keras), name, options)
    theirs.load_weights(path)
    assert_identical(theirs, mine, f"glassnet -> Keras, {name}{options}")
    assert_close(predict(mine), predict(theirs), family="forward",
                 what=f"predictions after Keras loaded glassnet's file ({name}{options})")
    one_more_step(path, name, options)


@pytest.mark.parametrize("group", range(4))
def test_every_activation_both_ways(tmp_path, group):
    activations = ACTIVATIONS[group * 4:group * 4 + 4]
    models = {label: stack(library, activations) for label, library in LIBRARIES.items()}
    for label, library in LIBRARIES.items():
        train(models[label], library, "Adam", {})
        models[label].save_weights(tmp_path / f"{label}.weights.h5")
    assert listing(tmp_path / "glassnet.weights.h5") == listing(tmp_path / "keras.weights.h5")
    for source, target in (("keras", "glassnet"), ("glassnet", "keras")):
        library = LIBRARIES[target]
        model = compiled_to_load(library, stack(library, activations), "Adam", {})
        model.load_weights(tmp_path / f"{source}.weights.h5")
        assert_identical(model, models[source], f"{source} -> {target}, {activations}")
        assert_close(predict(model), predict(models[source]), family="forward",
                     what=f"{source} -> {target}: predictions with {activations}")


def subclassed(library):
    """The same user-written model in either library: attributes, a list, a dict with a head never
    called, a private layer, an alias, and a layer with its own weight and a sub-layer."""
    class Block(library.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = library.layers.Dense(4)
            self.scale = self.add_weight(shape=(4,), initializer="ones", name="scale")

        def call(self, x):
            return self.inner(x) * self.scale

    class Subclassed(library.Model):
        def __init__(self):
            super().__init__()
            self.dense1 = library.layers.Dense(4, activation="relu")
            self.blocks = [library.layers.Dense(4), Block(), library.layers.Dense(4, activation="tanh")]
            self.heads = {"b": library.layers.Dense(2), "a": library.layers.Dense(1)}
            self.zlast = library.layers.Dense(1)
            self._priv = library.layers.Dense(1)
            self.alias = self.dense1

        def call(self, x):
            x = self.dense1(x)
            for block in self.blocks:
                x = block(x)
            return self.zlast(x) + self.heads["a"](x) + self._priv(x)

    model = Subclassed()
    model(X[:2])
    return model


def test_subclassed_model_both_ways(tmp_path):
    models = {label: subclassed(library) for label, library in LIBRARIES.items()}
    for label, library in LIBRARIES.items():
        train(models[label], library, "RMSprop", {"momentum": 0.5}, loss="mse")
        models[label].save_weights(tmp_path / f"{label}.weights.h5")
    assert listing(tmp_path / "glassnet.weights.h5") == listing(tmp_path / "keras.weights.h5")
    for source, target in (("keras", "glassnet"), ("glassnet", "keras")):
        library = LIBRARIES[target]
        model = compiled_to_load(library, subclassed(library), "RMSprop", {"momentum": 0.5}, loss="mse")
        model.load_weights(tmp_path / f"{source}.weights.h5")
        assert_identical(model, models[source], f"subclassed {source} -> {target}")
        # Six layers deep, each within the forward tolerance; together within the optimizer family's.
        assert_close(predict(model), predict(models[source]), family="optimizer",
                     what=f"subclassed {source} -> {target}: predictions")


def nested(library):
    inner = library.Sequential([library.layers.Dense(3, activation="tanh"), library.layers.Dense(2)])
    return library.Sequential([library.Input(shape=(5,)), inner, library.layers.Dense(1)])


def test_nested_sequential_layout(tmp_path):
    for label, library in LIBRARIES.items():
        nested(library).save_weights(tmp_path / f"{label}.weights.h5")
    assert listing(tmp_path / "glassnet.weights.h5") == listing(tmp_path / "keras.weights.h5")
    model = nested(gk)
    model.load_weights(tmp_path / "keras.weights.h5")
    reference = nested(keras)
    reference.load_weights(tmp_path / "keras.weights.h5")
    assert_close(predict(model), predict(reference), family="optimizer",  # three layers deep
                 what="nested Sequential from Keras's file")


def slot_name(path):
    """'adam/sequential_3_dense_7_kernel_momentum' -> 'kernel_momentum' (the auto-names differ)."""
    name = path.split("/", 1)[1]
    return name[name.index("kernel"):] if "kernel" in name else name[name.index("bias"):] if "bias" in name else name


def test_optimizer_variables_are_listed_in_keras_order():
    """Every optimizer and option: the same variables, in the same order, as Keras builds them."""
    options = [{}, {"use_ema": True}, {"gradient_accumulation_steps": 2},
               {"schedule": (0.1, 2, 0.5)}, {"use_ema": True, "gradient_accumulation_steps": 3}]
    for name, base in OPTIMIZERS:
        for extra in options:
            if "schedule" in extra and "schedule" in base or "use_ema" in extra and "use_ema" in base:
                continue
            listed = {}
            for label, library in LIBRARIES.items():
                model = library.Sequential([library.Input(shape=(3,)), library.layers.Dense(4),
                                            library.layers.Dense(2)])
                opt = optimizer(library, name, {**base, **extra})
                opt.build(model.trainable_variables)
                listed[label] = [(slot_name(v.path), tuple(v.shape), str(v.dtype)) for v in opt.variables]
            assert listed["glassnet"] == listed["keras"], f"{name}{base}{extra}"


def containers(library):
    """Layers in a tuple, nested lists and dicts, a metric attribute, a capitalised attribute (sorted
    before `layers`), and a frozen layer with variables made by add_weight and assigned directly."""
    class Odd(library.layers.Layer):
        def __init__(self):
            super().__init__()
            self.v = (keras.Variable if library is keras else gk_variable)(np.full(5, 2.0, "float32"), name="v")

        def build(self, input_shape):
            self.a = self.add_weight(shape=(2,), initializer="ones", trainable=False, name="a")
            self.b = self.add_weight(shape=(3,), initializer="zeros", name="b")
            self.c = self.add_weight(shape=(4,), initializer="ones", trainable=False, name="c")

        def call(self, x):
            return x

    class Containers(library.Model):
        def __init__(self):
            super().__init__()
            self.tracker = library.metrics.Mean()
            self.pair = (library.layers.Dense(2), library.layers.Dense(2))
            self.nest = [[library.layers.Dense(2)], {"k": library.layers.Dense(2)}, library.layers.Dense(2)]
            self.odd = Odd()
            self.Upper = library.layers.Dense(2)

        def call(self, x):
            x = self.pair[1](self.pair[0](self.odd(x)))
            x = self.nest[2](self.nest[1]["k"](self.nest[0][0](x)))
            return self.Upper(x)

    model = Containers()
    model(X[:2, :3])
    model.odd.trainable = False
    return model


def gk_variable(*args, **kwargs):
    from glassnet.autodiff import Variable
    return Variable(*args, **kwargs)


def test_containers_and_own_variables_layout(tmp_path):
    models = {label: containers(library) for label, library in LIBRARIES.items()}
    for label, model in models.items():
        model.save_weights(tmp_path / f"{label}.weights.h5")
    assert listing(tmp_path / "glassnet.weights.h5") == listing(tmp_path / "keras.weights.h5")
    for source, target in (("keras", "glassnet"), ("glassnet", "keras")):
        model = containers(LIBRARIES[target])
        model.load_weights(tmp_path / f"{source}.weights.h5")
        model.save_weights(tmp_path / "again.weights.h5")  # the same arrays at the same paths
        assert contents(tmp_path / "again.weights.h5") == contents(tmp_path / f"{source}.weights.h5")


def contents(path):
    with h5py.File(path, "r") as file:
        found = {}
        file.visititems(lambda name, item: found.update({name: item[()].tobytes()})
                        if isinstance(item, h5py.Dataset) else None)
    return found
