"""Random configurations train bit for bit alike with and without the compiled Dense plan.

Each case draws a model (input rank 2-4, 1-3 Dense layers, any activation, sometimes a
regularizer; a Sequential, or the same chain as a functional model), a built-in loss with random
options and reduction, sample or class weights, an optimizer with random options (momentum,
nesterov, amsgrad, clipping, EMA, gradient accumulation, weight decay), frozen layers or
variables, constraints, and changes between two fits (an activation, a frozen kernel). It
trains once as fit does and once with the plan switched off (the tape), from the same weights and
seed, and compares the histories, the weights and the optimizer's variables bit for bit. It also
checks that the plan ran exactly where it should.
"""
import numpy as np
import pytest

from glassnet.keras import Model, Sequential, activations, losses, optimizers
from glassnet.keras.layers import Dense, Input
from glassnet.keras.models import dense_plan
from glassnet.keras.utils import set_random_seed

CASES_PER_CHUNK, CHUNKS = 52, 10  # 520 configurations
FUSED_ACTIVATIONS = ["linear", "sigmoid", "relu", "tanh", "softmax", "softplus", "elu", "leaky_relu"]
OTHER_ACTIVATIONS = ["gelu", "swish", "selu", "softsign"]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
# Losses whose per-sample function is one fused op: the plan serves them (without the options below).
FUSED_LOSSES = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
                "mean_squared_error")
OTHER_LOSSES = ("mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
                "huber", "log_cosh", "hinge", "squared_hinge", "categorical_hinge", "kl_divergence")


def _loss(rng, kind, rank):
    """(loss object or name, uses the plan if the rest allows)."""
    reduction = str(rng.choice(REDUCTIONS)) if rng.random() < 0.4 else "sum_over_batch_size"
    if kind in OTHER_LOSSES:
        return losses.LossFunctionWrapper(getattr(losses, kind), reduction=reduction), False
    if kind == "mean_squared_error":
        return (losses.MeanSquaredError(reduction=reduction) if rng.random() < 0.7 else "mse"), True
    from_logits = bool(rng.random() < 0.5)
    if kind == "sparse_categorical_crossentropy":
        ignore_class = int(rng.integers(0, 2)) if rng.random() < 0.2 else None
        return losses.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=ignore_class,
                                                    reduction=reduction), ignore_class is None
    smoothing = float(rng.choice([0.1, 0.3])) if rng.random() < 0.2 else 0.0
    axis = -2 if rank > 2 and rng.random() < 0.2 else -1
    cls = losses.BinaryCrossentropy if kind == "binary_crossentropy" else losses.CategoricalCrossentropy
    return cls(from_logits=from_logits, label_smoothing=smoothing, axis=axis, reduction=reduction), not smoothing


def _targets(rng, kind, output_shape):
    if kind == "sparse_categorical_crossentropy":
        labels = rng.integers(0, output_shape[-1], output_shape[:-1])
        return labels[..., None] if rng.random() < 0.3 else labels
    if kind in ("categorical_crossentropy", "categorical_hinge", "kl_divergence"):
        return np.eye(output_shape[-1], dtype=np.float32)[rng.integers(0, output_shape[-1], output_shape[:-1])]
    if kind == "binary_crossentropy":
        y = rng.integers(0, 2, output_shape).astype(np.float32)
        return y[..., 0] if output_shape[-1] == 1 and rng.random() < 0.4 else y  # (n,) with (n, 1)
    if kind in ("hinge", "squared_hinge"):
        return rng.choice([-1.0, 1.0], output_shape).astype(np.float32)
    return rng.uniform(0.1, 2, output_shape).astype(np.float32)


def _optimizer(rng):
    options = {}
    clip = rng.choice(["none", "none", "clipnorm", "global_clipnorm", "clipvalue"])
    if clip != "none":
        options[clip] = float(rng.choice([0.05, 1.0]))
    if rng.random() < 0.15:
        options.update(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=int(rng.choice([1, 2])))
    if rng.random() < 0.15:
        options["gradient_accumulation_steps"] = 2
    if rng.random() < 0.15:
        options["loss_scale_factor"] = 4.0
    name = rng.choice(["sgd", "sgd_momentum", "adam", "amsgrad", "adamw", "rmsprop", "adagrad"])
    if name in ("sgd", "adam", "rmsprop", "adagrad") and rng.random() < 0.2:
        options["weight_decay"] = 0.01
    if name == "sgd":
        return optimizers.SGD(learning_rate=0.1, **options)
    if name == "sgd_momentum":
        return optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=bool(rng.random() < 0.5), **options)
    if name in ("adam", "amsgrad"):
        return optimizers.Adam(learning_rate=0.01, amsgrad=name == "amsgrad", **options)
    if name == "adamw":
        return optimizers.AdamW(learning_rate=0.01, **options)
    if name == "rmsprop":
        return optimizers.RMSprop(learning_rate=0.01, momentum=float(rng.choice([0.0, 0.9])),
                                  centered=bool(rng.random() < 0.5), **options)
    return optimizers.Adagrad(learning_rate=0.05, **options)


def _draw(seed):
    """One configuration: everything `_train` needs, drawn from `seed`."""
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(2, 5))
    kind = str(rng.choice(FUSED_LOSSES + OTHER_LOSSES, p=[0.2] * 4 + [0.2 / 9] * 9))
    loss, fused_loss = _loss(rng, kind, rank)
    units = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(0, 3)))]
    units.append(1 if kind == "binary_crossentropy" and rng.random() < 0.5 else int(rng.integers(2, 5)))
    activations_ = [str(rng.choice(FUSED_ACTIVATIONS if rng.random() < 0.9 else OTHER_ACTIVATIONS))
                    for _ in units]
    if kind in ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"):
        activations_[-1] = str(rng.choice(["sigmoid", "softmax", "linear"]))
    batch, steps = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    n = batch * steps - int(rng.integers(0, batch))  # sometimes a short last batch
    middle = tuple(int(d) for d in rng.integers(1, 4, rank - 2))
    x = rng.normal(size=(n, *middle, int(rng.integers(1, 5)))).astype(np.float32)
    y = _targets(rng, kind, (n, *middle, units[-1]))
    return {
        "rng": rng, "x": x, "y": y, "batch": batch, "units": units, "activations": activations_, "loss": loss,
        "fused_loss": fused_loss, "kind": kind,
        "use_bias": [bool(rng.random() < 0.85) for _ in units],
        "regularized": rng.random() < 0.1,
        "dtypes": ("float32", "float32") if rng.random() < 0.85 else (("float64", "float64"), ("float32", "float64"),
                                                                      ("float64", "float32"))[int(rng.integers(3))],
        "weights": rng.choice(["none", "none", "sample", "class"] if rank == 2 else ["none", "sample"]),
        "frozen": rng.choice(["none", "none", "none", "layer", "kernel", "bias"]),
        "constraint": rng.random() < 0.1,
        "between": rng.choice(["none", "none", "activation", "freeze", "train_on_batch"]),
        "optimizer_seed": int(rng.integers(1 << 30)),
        "weight_seed": int(rng.integers(1 << 30)),
        "functional": rng.random() < 0.3,  # drawn last: the draws above are those of the Sequential-only cases
    }


def _model(case):
    model_dtype, layer_dtype = case["dtypes"]
    layers = []
    for i, (units, activation, use_bias) in enumerate(zip(case["units"], case["activations"], case["use_bias"])):
        regularizer = "l2" if case["regularized"] and i == 0 else None
        layers.append(Dense(units, activation=activation, use_bias=use_bias, kernel_regularizer=regularizer,
                            dtype=layer_dtype))
    if case["functional"]:
        x = inputs = Input(case["x"].shape[1:])
        for layer in layers:
            x = layer(x)
        model = Model(inputs, x, dtype=model_dtype)
    else:
        model = Sequential([Input(case["x"].shape[1:]), *layers], dtype=model_dtype)
    rng = np.random.default_rng(case["weight_seed"])
    model.set_weights([rng.normal(0, 0.7, w.shape) for w in model.get_weights()])
    return model


def _dense(model):
    """The model's Dense layers in order (a functional model's layers start with its InputLayer)."""
    return [layer for layer in model.layers if isinstance(layer, Dense)]


def _freeze(model, how, index):
    layer = _dense(model)[index % len(_dense(model))]
    if how == "layer" and len(_dense(model)) > 1:  # a model with nothing to train fails both ways
        layer.trainable = False
    elif how == "kernel":
        layer.kernel.trainable = False
    elif how == "bias" and layer.bias is not None:
        layer.bias.trainable = False


def _fit_arguments(case):
    rng = np.random.default_rng(case["weight_seed"] + 1)
    arguments = {"batch_size": case["batch"], "epochs": int(rng.integers(1, 3)), "verbose": 0}
    if case["weights"] == "sample":  # one weight per sample, or per time step for rank-3+ losses
        shape = case["x"].shape[:-1] if rng.random() < 0.7 else case["x"].shape[:1]
        arguments["sample_weight"] = rng.uniform(0, 2, shape).astype(np.float32)
    elif case["weights"] == "class" and case["kind"] in ("binary_crossentropy", "sparse_categorical_crossentropy"):
        arguments["class_weight"] = {0: 0.5, 1: 2.0, 2: 1.5, 3: 1.0}
    return arguments


def _train(case, use_plan, monkeypatch):
    """Train as the case says; returns (what to compare, plan steps in each fit)."""
    plan_steps = []
    with monkeypatch.context() as patch:
        call = dense_plan.DensePlan.__call__
        patch.setattr(dense_plan.DensePlan, "__call__", lambda plan, *a: plan_steps.append(1) or call(plan, *a))
        if not use_plan:
            patch.setattr(Model, "_compiled_train_step", lambda self: None)
        model = _model(case)
        optimizer = _optimizer(np.random.default_rng(case["optimizer_seed"]))
        if case["frozen"] != "none":
            _freeze(model, case["frozen"], case["optimizer_seed"])
        if case["constraint"]:
            _dense(model)[-1].kernel.constraint = lambda w: w * 0.5
        model.compile(optimizer=optimizer, loss=case["loss"])
        arguments = _fit_arguments(case)
        results = [_attempt(model.fit, case["x"], case["y"], seed=case["weight_seed"], **arguments)]
        first_fit_steps = len(plan_steps)
        between = case["between"]
        if between == "activation":
            _dense(model)[0].activation = activations.get("tanh" if case["activations"][0] != "tanh" else "gelu")
        elif between == "freeze":
            _dense(model)[0].kernel.trainable = False
        if between == "train_on_batch":
            results.append(_attempt(model.train_on_batch, case["x"][:3], case["y"][:3], seed=0))
        elif between != "none":
            results.append(_attempt(model.fit, case["x"], case["y"], seed=1, **arguments))
        results.append([np.asarray(w) for w in model.get_weights()])
        results.append([v.numpy() for v in model.optimizer.variables])
    return results, first_fit_steps


def _attempt(function, *args, seed, **kwargs):
    """The result of a fit (its history) or a train_on_batch, or the error it raised."""
    set_random_seed(seed)
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - both ways must fail alike
        return ("error", type(error).__name__, str(error))
    return result.history if hasattr(result, "history") else result


def _assert_same(a, b, where="result"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, str):
        assert a == b, where
    else:
        x, y = np.asarray(a), np.asarray(b)
        assert x.dtype == y.dtype and x.shape == y.shape, where
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), where


def _plan_expected(case):
    """Whether the first fit must take the plan: fused activations and loss, nothing else in the way."""
    fused = all(a in FUSED_ACTIVATIONS for a in case["activations"])
    # A frozen kernel's penalty is not part of the loss (Keras counts trainable weights' penalties only).
    frozen_first = case["optimizer_seed"] % len(case["units"]) == 0 and case["frozen"] in ("layer", "kernel") \
        and (case["frozen"] == "kernel" or len(case["units"]) > 1)
    penalised = case["regularized"] and not frozen_first
    # One bias-free layer with its kernel frozen has nothing to train: fit warns, as Keras, and takes the tape.
    nothing_trains = len(case["units"]) == 1 and case["frozen"] == "kernel" and not case["use_bias"][0]
    return fused and case["fused_loss"] and not penalised and not nothing_trains and len(set(case["dtypes"])) == 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # some random cases diverge, both ways alike
@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_plan_and_tape_train_alike(chunk, monkeypatch):
    planned = 0
    for seed in range(chunk * CASES_PER_CHUNK, (chunk + 1) * CASES_PER_CHUNK):
        case = _draw(seed)
        with_plan, plan_steps = _train(case, True, monkeypatch)
        with_tape, tape_steps = _train(case, False, monkeypatch)
        _assert_same(with_plan, with_tape, f"case {seed}")
        first_fit_failed = isinstance(with_plan[0], tuple) and with_plan[0][0] == "error"
        assert tape_steps == 0
        if not first_fit_failed:
            assert (plan_steps > 0) == _plan_expected(case), f"case {seed}: plan used {plan_steps} times"
        planned += plan_steps > 0
    assert planned >= CASES_PER_CHUNK // 3  # the comparison is not vacuous
