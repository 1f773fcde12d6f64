"""compile() for a model with several outputs, as Keras's CompileLoss and CompileMetrics.

The targets come as a list (in the order of the model's outputs) or a dict keyed by the
output names, and are sliced together (data.InputArrays). The compiled loss is the sum over
the outputs of each output's loss times its weight; each output's own loss (before its
weight, as Keras) is logged as ``<output>_loss`` and each metric as ``<output>_<metric>``.
"""
import numpy as np

from glassnet.autodiff import Tensor, ops
from glassnet.keras import losses as losses_module
from glassnet.keras import metrics as metrics_module
from glassnet.keras.trainers import data
from glassnet.keras.trainers.compile_state import CompileMetrics, _is_auto_crossentropy

# The messages name Keras's words for the structures the arguments may take.
_STRUCTURES = "one loss for every output, a list with one per output, or a dict keyed by output name"


class MultiOutputCompileState:
    """What CompileState is for one output, per output (same methods, for the trainer)."""

    multi_output = True

    def __init__(self, loss, metrics, weighted_metrics, loss_weights, output_names):
        self.output_names = list(output_names)
        self.loss_identifier = loss
        self.metric_identifiers = metrics
        self.weighted_metric_identifiers = weighted_metrics
        self.loss_weight = None
        self._loss_ids = per_output(loss, self.output_names, "loss", shared=True)
        self._weights = [1.0 if w is None else float(w)
                         for w in per_output(loss_weights, self.output_names, "loss_weights", shared=False)]
        self._metric_ids = [_as_list(m) for m in per_output(metrics, self.output_names, "metrics", shared=False)]
        self._weighted_ids = [_as_list(m) for m in
                              per_output(weighted_metrics, self.output_names, "weighted_metrics", shared=False)]
        self.loss_fns = [None] * len(self.output_names)
        self.metrics, self.weighted_metrics = [], []
        self.per_output_metrics = [[] for _ in self.output_names]
        self.per_output_weighted = [[] for _ in self.output_names]
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.output_loss_trackers = [metrics_module.Mean(name=f"{name}_loss") for name in self.output_names]
        self.compile_metrics = MultiOutputMetrics(self)
        self.built = False

    @property
    def loss_fn(self):
        return None  # the trainer validates each output's targets itself (validate_targets)

    # --- building from the first data's shapes --------------------------------------------
    def resolve(self, y_shapes, y_pred_shapes):
        loss_fns, metrics, weighted = [], [], []
        for i, (y_shape, pred_shape) in enumerate(zip(y_shapes, y_pred_shapes)):
            identifier = self._loss_ids[i]
            if identifier is None:
                loss_fns.append(None)
            elif _is_auto_crossentropy(identifier):
                loss_fns.append(losses_module.get(losses_module.resolve_crossentropy(y_shape, pred_shape)))
            else:
                loss_fns.append(losses_module.get(identifier))
            metrics.append([metrics_module.get(m, y_true_shape=y_shape, y_pred_shape=pred_shape)
                            for m in self._metric_ids[i]])
            weighted.append([metrics_module.get(m, y_true_shape=y_shape, y_pred_shape=pred_shape)
                             for m in self._weighted_ids[i]])
        return loss_fns, metrics, weighted

    def commit(self, resolved):
        self.loss_fns, self.per_output_metrics, self.per_output_weighted = resolved
        self.metrics = [m for group in self.per_output_metrics for m in group]
        self.weighted_metrics = [m for group in self.per_output_weighted for m in group]
        self.built = True

    def build(self, y_shapes, y_pred_shapes):
        self.commit(self.resolve(y_shapes, y_pred_shapes))

    # --- one batch -------------------------------------------------------------------------
    def loss(self, y, y_pred, sample_weight=None):
        """The weighted sum of the outputs' losses (a Tensor on the tape); each output's own
        loss goes to its ``<output>_loss`` tracker, as Keras's CompileLoss does."""
        ys, preds = self.flatten(y, "y"), self.flatten(y_pred, "y_pred")
        weights = self.flatten_weights(sample_weight)
        if not self.built:
            self.build([np.shape(_plain(v)) for v in ys], [np.shape(_plain(v)) for v in preds])
        total = None
        batch = len(_plain(preds[0]))
        for i, loss_fn in enumerate(self.loss_fns):
            if loss_fn is None:
                continue
            value = loss_fn(ys[i], preds[i], sample_weight=weights[i])
            self.output_loss_trackers[i].update_state(float(_plain(value)), sample_weight=batch)
            if self._weights[i] != 1.0:
                value = ops.multiply(value, np.asarray(self._weights[i], dtype=value.dtype))
            total = value if total is None else total + value
        return total

    def update_metrics(self, y, y_pred, batch_size, loss_value, sample_weight=None):
        self.loss_tracker.update_state(loss_value, sample_weight=batch_size)
        self.compile_metrics.update_state(y, y_pred, sample_weight)

    def reset(self):
        self.loss_tracker.reset_state()
        for tracker in self.output_loss_trackers:
            tracker.reset_state()
        self.compile_metrics.reset_state()

    # --- structures ------------------------------------------------------------------------
    def flatten(self, values, argument):
        """Targets or outputs (a list, tuple, dict or InputArrays) as a list in output order."""
        if isinstance(values, data.InputArrays):
            return values.arrays
        if isinstance(values, dict):
            missing = [name for name in self.output_names if name not in values]
            if missing:
                raise ValueError(f"`{argument}` is a dict without the model's outputs {missing}: expected the keys "
                                 f"{self.output_names}. Received keys: {sorted(values)}")
            return [values[name] for name in self.output_names]
        if isinstance(values, (list, tuple)) and len(values) == len(self.output_names):
            return list(values)
        count = len(values) if isinstance(values, (list, tuple)) else 1
        raise ValueError(f"The model has {len(self.output_names)} outputs ({', '.join(self.output_names)}), so "
                         f"`{argument}` must be a list of {len(self.output_names)} arrays in that order, or a dict "
                         f"keyed by those names. Received {count} array(s) ({type(values).__name__}).")

    def flatten_weights(self, sample_weight):
        """One array of sample weights for every output (as Keras), or one per output."""
        if sample_weight is None or isinstance(sample_weight, (np.ndarray, Tensor)):
            return [sample_weight] * len(self.output_names)
        return self.flatten(sample_weight, "sample_weight")


class MultiOutputMetrics(CompileMetrics):
    """``compile_metrics`` of several outputs: results named ``<output>_<metric>`` (Keras)."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        state = self._state
        ys, preds = state.flatten(y_true, "y"), state.flatten(y_pred, "y_pred")
        weights = state.flatten_weights(sample_weight)
        if not state.built:
            state.build([np.shape(_plain(v)) for v in ys], [np.shape(_plain(v)) for v in preds])
        for i in range(len(state.output_names)):
            y, pred, weight = _plain(ys[i]), _plain(preds[i]), _plain(weights[i])
            for metric in state.per_output_metrics[i]:
                metric.update_state(y, pred)
            for metric in state.per_output_weighted[i]:
                metric.update_state(y, pred, sample_weight=weight)

    def result(self):
        """Keras's names: ``<output>_<metric>``; a weighted metric whose name is taken gets
        ``<output>_weighted_<metric>``."""
        state, results = self._state, {}
        for name, group in zip(state.output_names, state.per_output_metrics):
            for metric in group:
                results[_unique(f"{name}_{metric.name}", results)] = metric.result()
        for name, group in zip(state.output_names, state.per_output_weighted):
            for metric in group:
                key = f"{name}_{metric.name}"
                if key in results:
                    key = _unique(f"{name}_weighted_{metric.name}", results)
                results[key] = metric.result()
        return results


def output_arrays(y, names, argument, dtype):
    """Targets (or sample weights) of several outputs as checked InputArrays in output order;
    float arrays are cast to the model's `dtype`, integer labels kept."""
    if isinstance(y, data.InputArrays):
        return y
    if isinstance(y, dict):
        unknown = [key for key in y if key not in names]
        if unknown:
            raise ValueError(f"`{argument}` has keys {unknown} that are not outputs of the model: expected the keys "
                             f"{list(names)}.")
        missing = [name for name in names if name not in y]
        if missing:
            raise ValueError(f"`{argument}` is a dict without the model's outputs {missing}: expected the keys "
                             f"{list(names)}. Received keys: {sorted(y)}")
    elif not isinstance(y, (list, tuple)) or len(y) != len(names):
        count = len(y) if isinstance(y, (list, tuple)) else 1
        raise ValueError(f"The model has {len(names)} outputs ({', '.join(names)}), so `{argument}` must be a list "
                         f"of {len(names)} arrays in that order, or a dict keyed by those names. Received {count} "
                         f"array(s) ({type(y).__name__}).")
    arrays = data.input_arrays(y, names, argument)
    arrays.arrays = [a.astype(dtype) if a.dtype.kind == "f" and a.dtype != dtype else a for a in arrays.arrays]
    return arrays


def per_output(value, names, argument, shared):
    """`value` (a loss, metric list or weight) as a list with one entry per output. A single
    value (not a list or dict) is shared by every output where `shared`, else refused."""
    if value is None:
        return [None] * len(names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        if unknown:
            raise ValueError(f"`{argument}` has keys {unknown} that are not outputs of the model: expected keys "
                             f"among the output names {list(names)}. Received: {argument}={value!r}")
        if argument == "loss" and set(value) != set(names):
            raise ValueError(f"Expected keys {list(names)} in loss dict, but found loss.keys()={list(value)}")
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"`{argument}` must have one entry per output: the model has {len(names)} outputs "
                             f"({', '.join(names)}), and {argument} has {len(value)}. Received: {argument}={value!r}")
        return list(value)
    if shared:
        return [value] * len(names)
    if argument == "loss_weights":
        raise ValueError("Expected `loss_weights` argument to be a float (single output case) or a list, tuple, or "
                         f"dict (multiple output case). A model with {len(names)} outputs takes a list or dict. "
                         f"Received instead: loss_weights={value!r}")
    raise ValueError(f"Invalid `{argument}`: a model with {len(names)} outputs ({', '.join(names)}) takes a list "
                     f"with one list of metrics per output, or a dict keyed by output name. Received: "
                     f"{argument}={value!r}")


def _as_list(metrics):
    if metrics is None:
        return []
    return list(metrics) if isinstance(metrics, (list, tuple)) else [metrics]


def _unique(name, taken):
    if name not in taken:
        return name
    index = 1
    while f"{name}_{index}" in taken:
        index += 1
    return f"{name}_{index}"


def _plain(value):
    return value.value if isinstance(value, Tensor) else value
