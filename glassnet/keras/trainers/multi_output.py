"""compile() for a model with several outputs, as Keras's CompileLoss and CompileMetrics.

The targets come as a list (in the order of the model's outputs) or a dict keyed by the
output names, and are sliced together (data.InputArrays). The compiled loss is the sum over
the outputs of each output's loss times its weight; each output's own loss (before its
weight, as Keras) is logged as ``<output>_loss`` and each metric as ``<output>_<metric>``.

A subclassed model's outputs are what its ``call`` returns, known once it has run:

- a dict: named by its keys, in sorted order (as Keras flattens a dict), logged as above; the
  targets come as a dict;
- a list or tuple: its outputs have no names in Keras 3, so each output's loss is logged under
  the loss's own name (``mse_loss``; tf.keras 2 wrote ``output_1_loss``) and the metrics
  without a prefix (``mae``, then ``mae_1`` for a second one); the targets come as a list.
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

    def __init__(self, loss, metrics, weighted_metrics, loss_weights, output_names, structure=None):
        """`structure`: None for a functional model's outputs (targets as a list or a dict);
        "list" or "dict" for what a subclassed model's call returns (targets in that structure;
        see the module's docstring for the names)."""
        self.output_names = list(output_names)
        self.structure = structure
        self.loss_identifier = loss
        self.metric_identifiers = metrics
        self.weighted_metric_identifiers = weighted_metrics
        self.loss_weight = None
        names, named = self.output_names, structure != "list"  # Keras 3 has no names for a list's outputs
        self._loss_ids = per_output(loss, names, "loss", shared=True, named=named, complete=structure is None)
        self._weights = [1.0 if w is None else float(w)
                         for w in per_output(loss_weights, names, "loss_weights", shared=False, named=named)]
        self._metric_ids = [_as_list(m) for m in per_output(metrics, names, "metrics", shared=False, named=named)]
        self._weighted_ids = [_as_list(m) for m in
                              per_output(weighted_metrics, names, "weighted_metrics", shared=False, named=named)]
        # Keras iterates a dict of losses in the order it was given: the order of the trackers.
        self._loss_order = [names.index(key) for key in loss if key in names] \
            if isinstance(loss, dict) and structure == "dict" else list(range(len(names)))
        self.loss_fns = [None] * len(self.output_names)
        self.metrics, self.weighted_metrics = [], []
        self.per_output_metrics = [[] for _ in self.output_names]
        self.per_output_weighted = [[] for _ in self.output_names]
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.output_loss_trackers, self._tracker_of = [], {}  # made with the losses (commit)
        self.compile_metrics = MultiOutputMetrics(self)
        self.built = False

    def log_prefix(self, index):
        """What the logs put before output `index`'s metrics: ``'<name>_'``, or nothing for an
        output of a list."""
        return "" if self.structure == "list" else f"{self.output_names[index]}_"

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
        self._make_loss_trackers()
        self.built = True

    def _make_loss_trackers(self):
        """A ``<output>_loss`` mean for each output with a loss, when there are several (Keras
        adds none for a single loss); an output of a list is named after its loss."""
        with_loss = [i for i in self._loss_order if self.loss_fns[i] is not None]
        self._tracker_of = {}
        if len(with_loss) > 1:
            for i in with_loss:
                name = self.output_names[i] if self.structure != "list" else _loss_name(self._loss_ids[i],
                                                                                       self.loss_fns[i])
                self._tracker_of[i] = metrics_module.Mean(name=f"{name}_loss")
        self.output_loss_trackers = list(self._tracker_of.values())

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
            if i in self._tracker_of:
                self._tracker_of[i].update_state(float(_plain(value)), sample_weight=batch)
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
        check_structure(values, self.structure, len(self.output_names), argument)
        if isinstance(values, dict):
            missing = [name for name in self.output_names if name not in values]
            if missing:
                raise ValueError(f"`{argument}` is a dict without the model's outputs {missing}: expected the keys "
                                 f"{self.output_names}. Received keys: {sorted(values)}")
            return [values[name] for name in self.output_names]
        if isinstance(values, (list, tuple)) and len(values) == len(self.output_names):
            return list(values)
        raise _wrong_count(values, self.output_names, argument, self.structure)

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
        ``<output>_weighted_<metric>`` (no ``<output>_`` for an output of a list)."""
        state, results = self._state, {}
        for index, group in enumerate(state.per_output_metrics):
            for metric in group:
                results[_unique(f"{state.log_prefix(index)}{metric.name}", results)] = metric.result()
        for index, group in enumerate(state.per_output_weighted):
            prefix = state.log_prefix(index)
            for metric in group:
                key = f"{prefix}{metric.name}"
                if key in results:
                    key = _unique(f"{prefix}weighted_{metric.name}", results)
                results[key] = metric.result()
        return results


def output_arrays(y, names, argument, dtype, structure=None):
    """Targets (or sample weights) of several outputs as checked InputArrays in output order;
    float arrays are cast to the model's `dtype`, integer labels kept."""
    if isinstance(y, data.InputArrays):
        return y
    check_structure(y, structure, len(names), argument)
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
        raise _wrong_count(y, names, argument, structure)
    arrays = data.input_arrays(y, names, argument)
    arrays.arrays = [a.astype(dtype) if a.dtype.kind == "f" and a.dtype != dtype else a for a in arrays.arrays]
    return arrays


def check_structure(values, structure, count, argument):
    """Refuse targets whose structure is not the one a subclassed model's call returns: a dict
    for a list of outputs (which have no names), a list for a dict of outputs."""
    if structure == "list" and isinstance(values, dict):
        raise ValueError(f"The model's call returns a list of {count} outputs, which have no names, so `{argument}` "
                         f"must be a list of {count} arrays in that order. Received: a dict with keys "
                         f"{sorted(values)}")
    if structure == "dict" and isinstance(values, (list, tuple)):
        raise ValueError(f"The model's call returns a dict of {count} outputs, so `{argument}` must be a dict keyed "
                         f"by the names of the outputs (the keys of the dict the model's call returns). Received: "
                         f"{argument} of type {type(values).__name__}")


def _wrong_count(values, names, argument, structure):
    count = len(values) if isinstance(values, (list, tuple)) else 1
    how = "" if structure == "list" else ", or a dict keyed by those names"
    return ValueError(f"The model has {len(names)} outputs ({', '.join(names)}), so `{argument}` must be a list of "
                      f"{len(names)} arrays in that order{how}. Received {count} array(s) ({type(values).__name__}).")


def per_output(value, names, argument, shared, named=True, complete=True):
    """`value` (a loss, metric list or weight) as a list with one entry per output. A single
    value (not a list or dict) is shared by every output where `shared`, else refused. A dict
    is keyed by the output names, unless the outputs have none (not `named`: a list returned
    by call); a dict of losses must name every output when `complete` (a functional model's, as
    Keras)."""
    if value is None:
        return [None] * len(names)
    if isinstance(value, dict) and not named:
        raise ValueError(f"`{argument}` is a dict, but the model's call returns a list of {len(names)} outputs, "
                         f"which have no names: pass a list with one entry per output. Received: {argument}={value!r}")
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        if unknown:
            raise ValueError(f"`{argument}` has keys {unknown} that are not outputs of the model: expected keys "
                             f"among the output names {list(names)}. Received: {argument}={value!r}")
        if argument == "loss" and complete and set(value) != set(names):
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


def call_outputs(outputs):
    """(output names, structure) of what a subclassed model's call returned, when it holds
    several outputs; None otherwise. A dict's names are its keys, sorted as Keras flattens a
    dict; a list's outputs are named ``output_1``, ``output_2``... in messages only."""
    if not isinstance(outputs, (dict, list, tuple)) or len(outputs) < 2:
        return None
    if isinstance(outputs, dict):
        return sorted(outputs), "dict"
    return [f"output_{i + 1}" for i in range(len(outputs))], "list"


def _loss_name(identifier, loss_fn):
    """Keras's name for a loss in the logs: the string it was given by, else its own name."""
    if isinstance(identifier, str):
        return identifier
    return getattr(identifier, "name", None) or getattr(identifier, "__name__", None) or loss_fn.name


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
