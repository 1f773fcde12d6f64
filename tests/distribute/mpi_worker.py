"""The training script the MPI tests launch: ``mpiexec -n 2 python mpi_worker.py SCENARIO OUT_DIR``.

Run without mpiexec it is one worker: the reference the tests compare the workers with.
Each worker saves its weights, history and evaluate result to OUT_DIR/rank<N>.npz.
"""
import json
import sys
import time

import numpy as np

import glassnet as tf


def data():
    rng = np.random.default_rng(0)
    x = rng.random((200, 5), dtype=np.float32)  # 200 rows in batches of 64: the last batch has 8
    y = (x @ np.arange(5.0, dtype=np.float32) > 5).astype("float32")[:, None]
    return x, y


OPTIMIZERS = {  # scenario: the optimizer (the others train with Adam(0.01))
    "adamw": lambda: tf.keras.optimizers.AdamW(0.01, weight_decay=0.1),  # decay on each worker's span
    "clipped": lambda: tf.keras.optimizers.SGD(0.05, momentum=0.9, global_clipnorm=0.5),  # the Allreduce's path
}


def build(units=8, built=True, scenario="fit"):
    layers = [tf.keras.layers.Dense(units, activation="relu"), tf.keras.layers.Dense(1, activation="sigmoid")]
    if scenario == "batchnorm":  # moving statistics: each worker moves them with its own rows
        layers.insert(1, tf.keras.layers.BatchNormalization(synchronized=True))  # not synchronized: a warning
    model = tf.keras.Sequential(([tf.keras.Input((5,))] if built else []) + layers)
    optimizer = OPTIMIZERS.get(scenario, lambda: tf.keras.optimizers.Adam(0.01))()
    model.compile(optimizer, "binary_crossentropy", metrics=["accuracy"])
    return model


class BatchLogs(tf.keras.callbacks.Callback):
    """The running logs after each batch, as a progress bar reads them."""

    def __init__(self):
        super().__init__()
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append(dict(logs))


class UpdateKind(tf.keras.callbacks.Callback):
    """Which of glassnet.distribute.updates' classes sums the gradients during fit (None: one process)."""

    def __init__(self):
        super().__init__()
        self.kinds = set()

    def on_train_batch_end(self, batch, logs=None):
        self.kinds.add(type(self.model.optimizer._workers).__name__)


class RaiseOnWorker(tf.keras.callbacks.Callback):
    def __init__(self, rank, ranks=(1,)):
        super().__init__()
        self.rank, self.ranks = rank, ranks

    def on_epoch_end(self, epoch, logs=None):
        if self.rank in self.ranks and epoch == 1:
            raise RuntimeError("deliberate failure in the test callback")


def callbacks_for(scenario, rank, out_dir):
    if scenario == "raise":
        return [RaiseOnWorker(rank)]
    if scenario.startswith("backup"):  # "backup-interrupted" stops after epoch 2; "backup" resumes from there
        backup = tf.keras.callbacks.BackupAndRestore(f"{out_dir}/backup")
        return [backup] + ([RaiseOnWorker(rank, ranks=(0, 1))] if scenario == "backup-interrupted" else [])
    extra = [BatchLogs()] if rank == 0 else []  # only worker 0 reads the batch logs: all must sum them
    return [tf.keras.callbacks.CSVLogger(f"{out_dir}/log{rank}.csv"), UpdateKind(), *extra]  # the log: worker 0's


def custom_loop(strategy, model, x, y):
    """TensorFlow's custom training loop under a strategy: strategy.run, compute_average_loss, reduce."""
    loss_fn = tf.keras.losses.BinaryCrossentropy(reduction=None)
    dataset = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((x, y)).batch(37))
    losses = []

    def step(inputs):
        x_batch, y_batch = inputs
        global_rows = int(strategy.reduce("SUM", np.array(len(x_batch)), axis=None))
        with tf.GradientTape() as tape:
            per_example = loss_fn(y_batch, model(x_batch, training=True))
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_rows)
        grads = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for _ in range(2):
        for batch in dataset:
            losses.append(float(strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(step, args=(batch,)),
                                                axis=None)))
    return {"loss": losses}


def main(scenario, out_dir):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    tf.keras.utils.set_random_seed(1 + (rank if scenario == "unbuilt" else 0))  # "unbuilt": worker 0's weights win
    x, y = data()
    if scenario == "rows" and rank == 1:
        x, y = x[:150], y[:150]  # fewer batches than worker 0
    if scenario == "late" and rank == 1:
        time.sleep(20)  # past the test's GLASSNET_DISTRIBUTE_TIMEOUT: worker 0 must not wait for ever
    with strategy.scope():
        # "adamw": 280,001 weights, so that each worker's span of the update runs in several blocks
        units = {"adamw": 40_000, "mismatch": 9 if rank == 1 else 8}.get(scenario, 8)
        model = build(units=units, built=scenario != "unbuilt", scenario=scenario)
    callbacks = callbacks_for(scenario, rank, out_dir)
    kinds = [c for c in callbacks if isinstance(c, UpdateKind)]
    batch_logs = [c for c in callbacks if isinstance(c, BatchLogs)]
    if scenario == "custom":
        history = tf.keras.callbacks.History()
        history.history = custom_loop(strategy, model, x, y)
    elif scenario in ("dataset", "unbuilt"):
        # 37 rows a batch: split 19/18 and the last (15 rows) 8/7, uneven between the workers
        train = tf.data.Dataset.from_tensor_slices((x, y)).batch(37)
        history = model.fit(train, epochs=3, verbose=0)
    elif scenario in ("adamw", "clipped"):  # two fits: the second starts from where the first left the weights
        model.fit(x, y, batch_size=64, epochs=2, verbose=0, callbacks=callbacks)
        history = model.fit(x, y, batch_size=64, epochs=1, verbose=0, callbacks=callbacks)
    else:
        history = model.fit(x, y, batch_size=64, epochs=3, verbose=0, validation_data=(x[:50], y[:50]),
                            callbacks=callbacks)
    result = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    weights = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    np.savez(f"{out_dir}/rank{rank}.npz", weights=weights, history=json.dumps(history.history),
             evaluate=json.dumps(result), replicas=strategy.num_replicas_in_sync,
             predictions=model.predict(x, batch_size=37, verbose=0),
             updates=json.dumps(sorted(kinds[0].kinds) if kinds else None),
             batch_logs=json.dumps(batch_logs[0].logs if batch_logs else None),
             # after fit, each worker's weights are its own again (not in memory the workers share)
             private=all(w.value.base is None or w.value.base is model.optimizer._flat[0] for w in model.weights))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
