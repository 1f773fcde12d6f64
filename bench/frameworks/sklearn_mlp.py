"""W1, W2 and W3 in scikit-learn's MLPClassifier, set to the same computation as the Keras model.

``alpha=0`` (Keras adds no L2 penalty), Adam with epsilon 1e-7, no early stop: W1 runs exactly
its epochs through `fit`; W2 runs one `partial_fit` (one shuffled epoch) at a time so that each
epoch is timed.
"""
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from bench import data, harness


def _classifier(hidden, activation, size, seed):
    return MLPClassifier(hidden_layer_sizes=hidden, activation=activation, solver="adam", alpha=0.0,
                         batch_size=size["batch"], learning_rate_init=1e-3, epsilon=1e-7,
                         max_iter=size.get("epochs", 1), shuffle=True, tol=0.0,
                         n_iter_no_change=10**9, random_state=seed)


def run_w1(args, size):
    x, y = data.course_data(size["samples"], seed=args.seed)
    model = _classifier((25, 15), "logistic", size, args.seed)
    clock = harness.EpochClock()
    clock.start()
    model.fit(x, y.ravel())
    clock.stop()
    steps = model.n_iter_ * harness.steps_per_epoch(size["samples"], size["batch"])
    p = model.predict_proba(x)[:, 1]
    return {"us_per_step": clock.seconds[0] / steps * 1e6, "steps": steps,
            "loss": data.binary_crossentropy(p, y), "accuracy": data.binary_accuracy(p, y)}


def run_w2(args, size):
    x, y = data.mnist_like_data(size["samples"], seed=args.seed)
    model = _classifier((512, 256), "relu", size, args.seed)
    classes = np.arange(10)
    clock = harness.EpochClock()
    for _ in range(size["epochs"]):
        clock.start()
        model.partial_fit(x, y, classes=classes)
        clock.stop()
    p = model.predict_proba(x)
    parameters = sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_)
    return {**harness.steady_speed(size["samples"], clock), "parameters": int(parameters),
            "loss": data.sparse_crossentropy_from_logits(np.log(np.maximum(p, 1e-300)), y),
            "accuracy": data.sparse_accuracy(p, y)}


def run_w3(args, size):
    x, y = data.course_data(1000, seed=args.seed)
    y = y.ravel()
    model = _classifier((25, 15), "logistic", {"batch": 32}, args.seed)
    model.partial_fit(x[:64], y[:64], classes=np.array([0.0, 1.0]))
    one, rows = x[:1], np.resize(x, (size["big_rows"], x.shape[1]))
    predict_one = harness.median_call_us(lambda: model.predict_proba(one), size["predict_calls"])
    result = {"predict_one_us": predict_one, "call_one_us": predict_one,
              "predict_rows_ms": harness.median_call_us(lambda: model.predict_proba(rows), size["big_repeats"]) / 1000}

    def train_step(call):
        i = (call * 32) % (len(x) - 31)
        model.partial_fit(x[i:i + 32], y[i:i + 32])

    result.update(harness.repeated_training_memory(train_step, size["train_calls"]))
    return result


def main(argv=None):
    args = harness.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    run = {"w1": run_w1, "w2": run_w2, "w3": run_w3}[args.workload]
    measured = run(args, harness.sizes(args))
    harness.write_result(args, "sklearn", {"numpy": np.__version__, "scikit-learn": sklearn.__version__}, **measured)


if __name__ == "__main__":
    sys.exit(main())
