"""Everything one training step may change, and how to put it back.

``inspect.step`` (and the tools built on it) run a real step of ``fit`` and must leave the
model as they found it: its weights (trainable or not: a moving mean changes in the forward
pass), the optimizer's variables (its step count and slots), the metrics' running sums, what
compile resolved from the first data (a first ``fit`` draws one more shuffle than later ones,
as Keras's does), and every random generator a step draws from (dropout masks), so that
training afterwards is bit-identical to training without the look.
"""
import contextlib

import numpy as np

from glassnet import random


@contextlib.contextmanager
def kept(model, keep=True):
    """Restore, on leaving the ``with`` block, every array and random state `model`'s training
    step can change (nothing when `keep` is False). Yields ``{id(variable): value before}``
    for the model's weights."""
    variables = _state_variables(model)
    saved = [(v, np.array(v.value)) for v in variables]
    generators = _generators(model)
    states = [g.bit_generator.state for g in generators]
    legacy = np.random.get_state()  # NumPy's global generator: fit shuffles with it
    compiled = _resolution(model)
    try:
        yield {id(v): value for v, value in saved}
    finally:
        if keep:
            for variable, value in saved:
                variable.value[...] = value  # in place: the optimizer's flat buffers are views of these
            for generator, state in zip(generators, states):
                generator.bit_generator.state = state
            np.random.set_state(legacy)
            if compiled is not None:
                state, resolution = compiled
                state.loss_fn, state.metrics, state.weighted_metrics, state.built = resolution


def _state_variables(model):
    variables = list(model.weights)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        variables += optimizer.variables
    for metric in model.metrics:
        variables += metric.variables
        for inner in getattr(metric, "metrics", []):
            variables += inner.variables
    unique = {id(v): v for v in variables}
    return list(unique.values())


def _resolution(model):
    state = getattr(model, "_compile_state", None)
    return None if state is None else (state, (state.loss_fn, state.metrics, state.weighted_metrics, state.built))


def _generators(model):
    """glassnet's global generator and any a layer keeps for itself (a seeded Dropout)."""
    generators = [random.generator()]
    for layer in model._flatten_layers():
        generators += [value for value in vars(layer).values() if isinstance(value, np.random.Generator)]
    return generators
