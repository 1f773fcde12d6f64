"""W1-W5 written once against the Keras API, run on glassnet or on tf.keras.

    python -m bench.frameworks.keras_api --backend glassnet --workload w1 --out r.json
    python -m bench.frameworks.keras_api --backend tensorflow --workload w1 --out r.json

The only difference between the two runs is the import line, as for a user switching.
"""
import argparse
import importlib
import os
import sys

import numpy as np

from bench import data, flops, harness


def _load_backend(name, threads):
    if name == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    tf = importlib.import_module(name)
    if name == "tensorflow" and threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    versions = {"numpy": np.__version__, name: getattr(tf, "__version__", "checkout")}
    if name == "tensorflow":
        versions["keras"] = tf.keras.__version__ if hasattr(tf.keras, "__version__") else "?"
    return tf, versions


def course_model(tf):
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(400,)),
        tf.keras.layers.Dense(25, activation="sigmoid"),
        tf.keras.layers.Dense(15, activation="sigmoid"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
    return model


def mnist_model(tf):
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(784,)),
        tf.keras.layers.Dense(512, activation="relu"),
        tf.keras.layers.Dense(256, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
    return model


def convnet_model(tf):
    """Keras's MNIST convnet (keras.io/examples/vision/mnist_convnet)."""
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss=tf.keras.losses.CategoricalCrossentropy(),
                  optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
    return model


def sequence_model(tf, length):
    """The IMDB LSTM: word ids -> Embedding(20000, 128) -> LSTM(64) -> Dense(1, sigmoid)."""
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(length,), dtype="int32"),
        tf.keras.layers.Embedding(20000, 128),
        tf.keras.layers.LSTM(64),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
    return model


def _epoch_clock_callback(tf, clock):
    class EpochTimes(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            clock.start()

        def on_epoch_end(self, epoch, logs=None):
            clock.stop()

    return EpochTimes()


def run_w1(tf, args, size):
    x, y = data.course_data(size["samples"], seed=args.seed)
    model = course_model(tf)
    clock = harness.EpochClock()  # the whole `fit` call: what the user waits for
    clock.start()
    history = model.fit(x, y, batch_size=size["batch"], epochs=size["epochs"], shuffle=True, verbose=0)
    clock.stop()
    steps = size["epochs"] * harness.steps_per_epoch(size["samples"], size["batch"])
    p = model.predict(x, batch_size=1000, verbose=0)
    return {"us_per_step": sum(clock.seconds) / steps * 1e6, "steps": steps,
            "last_epoch_loss": float(history.history["loss"][-1]),
            "loss": data.binary_crossentropy(p, y), "accuracy": data.binary_accuracy(p, y)}


def _fit_epochs(tf, model, x, y, size):
    """Train with shuffling; the samples/s of the epochs after the first, and each epoch's seconds."""
    clock = harness.EpochClock()
    model.fit(x, y, batch_size=size["batch"], epochs=size["epochs"], shuffle=True, verbose=0,
              callbacks=[_epoch_clock_callback(tf, clock)])
    return {**harness.steady_speed(size["samples"], clock), "parameters": int(model.count_params())}


def run_w2(tf, args, size):
    x, y = data.mnist_like_data(size["samples"], seed=args.seed)
    model = mnist_model(tf)
    result = _fit_epochs(tf, model, x, y, size)
    logits = model.predict(x, batch_size=1000, verbose=0)
    return {**result, "loss": data.sparse_crossentropy_from_logits(logits, y),
            "accuracy": data.sparse_accuracy(logits, y)}


def run_w4(tf, args, size):
    x, labels = data.mnist_like_images(size["samples"], seed=args.seed)
    model = convnet_model(tf)
    result = _fit_epochs(tf, model, x, data.one_hot(labels), size)
    p = model.predict(x, batch_size=1000, verbose=0)
    return {**result, "train_flops_per_sample": flops.training_flops(flops.convnet_macs()),
            "loss": data.categorical_crossentropy(p, labels), "accuracy": data.sparse_accuracy(p, labels)}


def run_w5(tf, args, size):
    x, y = data.imdb_like_sequences(size["samples"], seed=args.seed, length=size["length"])
    model = sequence_model(tf, size["length"])
    result = _fit_epochs(tf, model, x, y, size)
    p = model.predict(x, batch_size=1000, verbose=0)
    return {**result, "train_flops_per_sample": flops.training_flops(flops.lstm_macs(size["length"])),
            "loss": data.binary_crossentropy(p, y), "accuracy": data.binary_accuracy(p, y)}


def run_w3(tf, args, size):
    x, y = data.course_data(1000, seed=args.seed)
    model = course_model(tf)
    model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)
    one = x[:1]
    rows = np.resize(x, (size["big_rows"], x.shape[1]))
    result = {
        "predict_one_us": harness.median_call_us(lambda: model.predict(one, verbose=0), size["predict_calls"]),
        "call_one_us": harness.median_call_us(lambda: np.asarray(model(one)), size["call_calls"]),
        "predict_rows_ms": harness.median_call_us(lambda: model.predict(rows, verbose=0),
                                                  size["big_repeats"], warmup=1) / 1000,
    }
    batches = [(x[i:i + 32], y[i:i + 32]) for i in range(0, len(x) - 31, 32)]
    result.update(harness.repeated_training_memory(
        lambda call: model.train_on_batch(*batches[call % len(batches)]), size["train_calls"]))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--backend", choices=["glassnet", "tensorflow"], default="glassnet")
    known, rest = parser.parse_known_args(argv)
    args = harness.parse_args(rest)
    tf, versions = _load_backend(known.backend, args.threads)
    tf.keras.utils.set_random_seed(args.seed)
    run = {"w1": run_w1, "w2": run_w2, "w3": run_w3, "w4": run_w4, "w5": run_w5}[args.workload]
    measured = run(tf, args, harness.sizes(args))
    name = "glassnet" if known.backend == "glassnet" else "tf-keras"
    harness.write_result(args, name, versions, **measured)


if __name__ == "__main__":
    sys.exit(main())
