"""A user-written Metric makes its state as Keras's does: add_variable(shape, initializer, dtype,
aggregation, name) and the older add_weight(shape=(), initializer=None, dtype=None, name=None)."""
import numpy as np

from glassnet.keras import metrics


class Counter(metrics.Metric):
    def __init__(self, name="counter", **kwargs):
        super().__init__(name=name, **kwargs)
        self.seen = self.add_variable(shape=(), initializer="zeros", name="seen")
        self.offset = self.add_variable((2,), "ones", dtype="float64", aggregation="mean", name="offset")
        self.legacy = self.add_weight(name="legacy")  # TF-era guides: zeros of shape ()

    def update_state(self, values, sample_weight=None):
        self.seen.assign_add(float(np.size(values)))

    def result(self):
        return self.seen


def test_add_variable_takes_keras_arguments():
    metric = Counter()
    assert [v.name for v in metric.variables] == ["seen", "offset", "legacy"]
    assert metric.offset.numpy().tolist() == [1.0, 1.0] and metric.offset.dtype == np.float64
    assert metric.seen.shape.as_list() == [] and metric.legacy.numpy() == 0.0
    assert not any(v.trainable for v in metric.variables)
    assert metric.offset.path == "counter/offset"


def test_user_metric_updates_and_resets_to_zero():
    metric = Counter()
    metric.update_state([1.0, 2.0, 3.0])
    assert float(metric.result()) == 3.0
    metric.reset_state()  # Keras sets every state variable to zero, whatever its initializer
    assert float(metric.result()) == 0.0 and metric.offset.numpy().tolist() == [0.0, 0.0]
