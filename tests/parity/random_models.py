"""Randomly drawn training runs, built the same way in Keras and in glassnet.

``draw_case(seed)`` turns a seed into a plain description of one run: a
Sequential of 1-4 Dense layers with random widths, activations and L1/L2
regularizers; a task (regression, binary, categorical or sparse labels) with a
loss and metrics that fit it; an optimizer with its options and learning rate;
a batch size that usually leaves a last partial batch; 2-3 epochs; validation
data, a validation split or neither; sometimes sample weights.

``run_case(library, case, weights)`` builds and trains that model with ``library``
(the ``keras`` module or ``glassnet.keras``) from the given initial weights, with
``shuffle=False``, and returns everything that is compared: the History, the
evaluate() dict, predict() and the final weights.
"""
import random

import numpy as np

HIDDEN_ACTIVATIONS = ["relu", "sigmoid", "tanh", "linear", "elu", "selu", "softplus", "softsign",
                      "leaky_relu", "gelu", "silu", "hard_sigmoid", "relu6"]
OPTIMIZERS = [
    ("SGD", {}, [0.01, 0.05, 0.1]),
    ("SGD", {"momentum": 0.9}, [0.01, 0.03]),
    ("SGD", {"momentum": 0.8, "nesterov": True}, [0.01, 0.03]),
    ("Adam", {}, [0.001, 0.01, 0.03]),
    ("Adam", {"amsgrad": True}, [0.01, 0.03]),
    ("AdamW", {"weight_decay": 0.01}, [0.01]),
    ("RMSprop", {}, [0.001, 0.01]),
    ("RMSprop", {"momentum": 0.5, "centered": True}, [0.003]),
    ("Adagrad", {}, [0.05, 0.1]),
]
CLIPS = [{}, {}, {}, {"clipnorm": 1.0}, {"clipvalue": 0.5}, {"global_clipnorm": 1.0}]
TASKS = {
    "regression": {
        "losses": [("mse", {}), ("mae", {}), ("Huber", {"delta": 0.7}), ("log_cosh", {}),
                   ("mean_squared_error", {})],
        "metrics": ["mae", "mse", "root_mean_squared_error", "mean_absolute_error"],
        "output": ["linear", "linear", "tanh"],
    },
    "binary": {
        "losses": [("binary_crossentropy", {}), ("BinaryCrossentropy", {"label_smoothing": 0.1}),
                   ("BinaryCrossentropy", {"from_logits": True}), ("squared_hinge", {}), ("hinge", {})],
        "metrics": ["accuracy", "binary_accuracy", "mse", "binary_crossentropy"],
        "output": ["sigmoid"],
    },
    "categorical": {
        "losses": [("categorical_crossentropy", {}), ("CategoricalCrossentropy", {"label_smoothing": 0.2}),
                   ("CategoricalCrossentropy", {"from_logits": True}), ("kl_divergence", {}),
                   ("categorical_hinge", {})],
        "metrics": ["accuracy", "categorical_accuracy", "categorical_crossentropy", "mse"],
        "output": ["softmax"],
    },
    "sparse": {
        "losses": [("sparse_categorical_crossentropy", {}),
                   ("SparseCategoricalCrossentropy", {"from_logits": True})],
        "metrics": ["accuracy", "sparse_categorical_accuracy", "sparse_categorical_crossentropy"],
        "output": ["softmax"],
    },
}
# Sizes come from small sets: Keras on JAX compiles each primitive once per shape
# (about 30 ms each), so reusing shapes across cases keeps the suite fast.
# 40 rows in batches of 12, 16 or 32 leave partial batches of 4 and 8; a 0.2
# validation split leaves 32 rows (12 + 12 + 8), and the validation data has 8 rows.
ROWS, FEATURES, WIDTHS, BATCH_SIZES, VALIDATION_ROWS = [40], [3], [2, 3, 5], [None, 12, 16], 8
REGULARIZERS = [None, None, None, ("L1", {"l1": 0.01}), ("L2", {"l2": 0.01}),
                ("L1L2", {"l1": 0.005, "l2": 0.02})]


def draw_case(seed):
    """A plain dict describing one training run, drawn from `seed`."""
    r = random.Random(seed)
    task = r.choice(list(TASKS))
    spec = TASKS[task]
    loss = r.choice(spec["losses"])
    outputs = {"regression": r.choice([1, 2]), "binary": r.choice([1, 1, 2]), "categorical": 3,
               "sparse": 3}[task]
    from_logits = loss[1].get("from_logits", False) or "hinge" in loss[0]
    output_activation = "linear" if from_logits and task != "binary" or loss[0] == "hinge" else \
        r.choice(spec["output"])
    if loss[0] == "BinaryCrossentropy" and from_logits:
        output_activation = "linear"
    hidden = [(r.choice(WIDTHS), r.choice(HIDDEN_ACTIVATIONS), r.choice(REGULARIZERS), r.choice(REGULARIZERS[:4]))
              for _ in range(r.randint(0, 3))]
    optimizer, options, rates = r.choice(OPTIMIZERS)
    rows = r.choice(ROWS)
    return {
        "seed": seed, "task": task, "features": r.choice(FEATURES), "rows": rows, "outputs": outputs,
        "hidden": hidden, "output_activation": output_activation,
        "output_regularizer": r.choice(REGULARIZERS),
        "loss": loss, "metrics": r.sample(spec["metrics"], r.randint(0, 2)),
        "optimizer": (optimizer, {**options, **r.choice(CLIPS), "learning_rate": r.choice(rates)}),
        "batch_size": r.choice(BATCH_SIZES),
        "epochs": r.choice([2, 3]),
        "validation": r.choice(["none", "data", "split"]),
        "sample_weight": r.random() < 0.25,
        "column_labels": r.random() < 0.5,
    }


def draw_data(case, dtype="float32"):
    """x, y, sample weights and validation data for `case`: a random target function plus noise."""
    rng = np.random.default_rng(case["seed"])
    n, d, k = case["rows"], case["features"], case["outputs"]
    x = rng.normal(size=(n + VALIDATION_ROWS, d))
    scores = np.tanh(x @ rng.normal(size=(d, k))) * 2 + rng.normal(scale=0.3, size=(n + VALIDATION_ROWS, k))
    task = case["task"]
    if task == "regression":
        y = scores
    elif task == "binary":
        y = (scores > 0).astype(float)
        if case["loss"][0] == "hinge" and rng.random() < 0.5:
            y = 2 * y - 1                                    # hinge also takes -1/1 labels
    else:
        labels = np.argmax(scores, axis=-1)
        y = np.eye(k)[labels] if task == "categorical" else labels
        if task == "sparse" and case["column_labels"]:
            y = labels.reshape(-1, 1)
    y = y.astype("int32") if task == "sparse" else y.astype(dtype)
    x = x.astype(dtype)
    weights = rng.uniform(0.2, 2.0, size=n).astype(dtype) if case["sample_weight"] else None
    return x[:n], y[:n], weights, (x[n:], y[n:])


def _regularizer(library, spec):
    return None if spec is None else getattr(library.regularizers, spec[0])(**spec[1])


def _loss(library, spec):
    name, options = spec
    return getattr(library.losses, name)(**options) if name[0].isupper() else name


def build(library, case):
    """The case's Sequential model in `library`, compiled (eagerly in Keras, where that is faster)."""
    layers = [library.Input(shape=(case["features"],))]
    for units, activation, kernel_reg, bias_reg in case["hidden"]:
        layers.append(library.layers.Dense(units, activation=activation,
                                           kernel_regularizer=_regularizer(library, kernel_reg),
                                           bias_regularizer=_regularizer(library, bias_reg)))
    layers.append(library.layers.Dense(case["outputs"], activation=case["output_activation"],
                                       kernel_regularizer=_regularizer(library, case["output_regularizer"])))
    model = library.Sequential(layers)
    name, options = case["optimizer"]
    optimizer = getattr(library.optimizers, name)(**options)
    extra = {"run_eagerly": True} if library.__name__ == "keras" else {}
    model.compile(optimizer=optimizer, loss=_loss(library, case["loss"]), metrics=list(case["metrics"]),
                  **extra)
    return model


def run_case(library, case, weights=None, dtype="float32"):
    """Train the case in `library` from `weights` (None: the model's own) and collect the results."""
    x, y, sample_weight, validation = draw_data(case, dtype)
    library.utils.set_random_seed(case["seed"])              # Keras's initial weights, reproducibly
    model = build(library, case)
    if weights is not None:
        model.set_weights([np.asarray(w, dtype=dtype) for w in weights])
    initial = [np.asarray(w) for w in model.get_weights()]
    fit_options = {"validation_data": validation} if case["validation"] == "data" else \
        {"validation_split": 0.2} if case["validation"] == "split" else {}
    history = model.fit(x, y, batch_size=case["batch_size"], epochs=case["epochs"], shuffle=False, verbose=0,
                        sample_weight=sample_weight, **fit_options)
    return {
        "initial_weights": initial,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "evaluate": model.evaluate(x, y, batch_size=case["batch_size"], verbose=0, return_dict=True),
        "predict": np.asarray(model.predict(x, batch_size=case["batch_size"], verbose=0)),
        "weights": [np.asarray(w) for w in model.get_weights()],
    }


def keras_run(seed):
    """Keras's results for the case drawn from `seed` (run in a worker process)."""
    import keras
    return run_case(keras, draw_case(seed))


# Keras runs already submitted to a background process, by seed (see conftest.py).
PENDING = {}
_EXECUTORS = []


def start_in_background(seeds):
    """Run Keras on these cases in one spawned worker process while the other tests run."""
    import concurrent.futures
    import multiprocessing
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=1,
                                                      mp_context=multiprocessing.get_context("spawn"))
    _EXECUTORS.append(executor)
    for seed in seeds:
        PENDING[seed] = executor.submit(keras_run, seed)


def stop_background():
    """Drop the runs no test asked for (after a failure with -x, say) and stop the worker."""
    PENDING.clear()
    while _EXECUTORS:
        _EXECUTORS.pop().shutdown(wait=True, cancel_futures=True)


def keras_results(seed):
    """The background result for `seed` if one was started, else a run here and now."""
    future = PENDING.pop(seed, None)
    return future.result() if future is not None else keras_run(seed)
