"""tf.distribute's API in one process: strategies, scope, reduce, sharding, and no MPI import."""
import contextlib
import subprocess
import sys

import numpy as np
import pytest

import glassnet as tf
from glassnet.distribute.sharding import shard_span


def test_import_glassnet_never_imports_mpi4py():
    code = ("import sys, glassnet\nglassnet.distribute.MultiWorkerMirroredStrategy()\n"
            "print('mpi4py' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


def test_one_worker_without_mpiexec():
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert strategy.cluster_resolver.task_id == 0
    assert strategy.cluster_resolver.task_type == "worker"
    assert tf.distribute.MirroredStrategy().num_replicas_in_sync == 1


def test_scope_sets_and_restores_the_strategy():
    strategy = tf.distribute.MirroredStrategy()
    assert not tf.distribute.has_strategy()
    default = tf.distribute.get_strategy()
    with strategy.scope():
        assert tf.distribute.has_strategy()
        assert tf.distribute.get_strategy() is strategy
        model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    assert tf.distribute.get_strategy() is default
    assert model._distribute_strategy is strategy


def test_reduce_and_run():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.run(lambda a, b: a + b, args=(2, 3)) == 5
    value = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(strategy.reduce(tf.distribute.ReduceOp.SUM, value, axis=0), [4.0, 7.0])
    np.testing.assert_allclose(strategy.reduce(tf.distribute.ReduceOp.MEAN, value, axis=0), [2.0, 3.5])
    np.testing.assert_allclose(strategy.reduce("SUM", value, axis=None), value)
    with pytest.raises(ValueError, match="reduce_op"):
        strategy.reduce("MAX", value, axis=None)
    np.testing.assert_allclose(strategy.gather(value, axis=0), value)


@pytest.mark.parametrize("n, size", [(64, 2), (36, 2), (7, 3), (10, 4), (3, 3)])
def test_shard_spans_cover_the_batch_evenly(n, size):
    spans = [shard_span(n, size, rank) for rank in range(size)]
    assert spans[0][0] == 0 and spans[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    lengths = [stop - start for start, stop in spans]
    assert max(lengths) - min(lengths) <= 1


def test_model_created_outside_the_scope_is_refused():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope(), pytest.raises(ValueError, match="not created in the scope"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)


def test_fit_in_a_one_worker_scope_equals_plain_fit():
    def train(strategy):
        tf.keras.utils.set_random_seed(1)
        x = np.random.rand(50, 3).astype("float32")
        y = x.sum(axis=1, keepdims=True)
        with strategy.scope() if strategy else contextlib.nullcontext():
            model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
            model.compile("adam", "mse")
        history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        return history.history["loss"], model.get_weights()
    plain, scoped = train(None), train(tf.distribute.MultiWorkerMirroredStrategy())
    assert plain[0] == scoped[0]
    for a, b in zip(plain[1], scoped[1]):
        np.testing.assert_array_equal(a, b)




def test_timeout_variable_is_checked(monkeypatch):
    from glassnet.distribute.communicator import timeout_seconds
    monkeypatch.setenv("GLASSNET_DISTRIBUTE_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="GLASSNET_DISTRIBUTE_TIMEOUT"):
        timeout_seconds()
    monkeypatch.setenv("GLASSNET_DISTRIBUTE_TIMEOUT", "2.5")
    assert timeout_seconds() == 2.5


def test_compute_average_loss_divides_by_the_global_batch():
    per_example = np.array([1.0, 2.0, 3.0, 4.0], dtype="float32")
    assert float(tf.nn.compute_average_loss(per_example, global_batch_size=8).numpy()) == 1.25
    assert float(tf.nn.compute_average_loss(per_example).numpy()) == 2.5  # one replica: the local mean
    weighted = tf.nn.compute_average_loss(per_example, sample_weight=np.array([1, 0, 0, 1.0]), global_batch_size=4)
    assert float(weighted.numpy()) == 1.25
    with pytest.raises(ValueError, match="global_batch_size"):
        tf.nn.compute_average_loss(per_example, global_batch_size=0)
    assert float(tf.nn.scale_regularization_loss(3.0).numpy()) == 3.0


def test_run_keeps_a_one_worker_optimizer_as_is():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        variable = tf.Variable([1.0, 2.0])
        optimizer = tf.keras.optimizers.SGD(0.5)
    strategy.run(lambda: optimizer.apply_gradients([(np.array([2.0, 2.0], dtype="float32"), variable)]))
    np.testing.assert_array_equal(variable.numpy(), [0.0, 1.0])


def test_distributed_dataset_of_one_worker_is_the_dataset():
    strategy = tf.distribute.MirroredStrategy()
    dataset = tf.data.Dataset.from_tensor_slices(np.arange(10.0)).batch(4)
    batches = [np.asarray(b) for b in strategy.experimental_distribute_dataset(dataset)]
    assert [b.tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
