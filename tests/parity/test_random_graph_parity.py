"""Random functional models (``random_graphs.py``), glassnet against Keras 3.

Each seed describes a graph with several inputs and outputs, branches, merges,
shared layers and nested Sequentials. It is built in Keras and in glassnet, and
Keras's initial weights are copied into glassnet's model. Compared: the layer
names and order, the output names, predictions; after one training step of fit
(one batch, per-output losses, loss weights and metrics as lists or dicts keyed by
output name), the logged names and values and every weight; and the configs, each
library building the other's (its predictions from the same weights match).

A failure names the seed; ``random_graphs.draw_graph(seed)`` prints the description.
Tolerances: predictions of these graphs chain up to a dozen layers, several
merges and an l2 normalisation, so they are held to the "fit" family (the
"forward" bound is for one op); weights after one step to "optimizer"; the
logged values, means over a batch of a dozen-layer graph, to "fit".
"""
import json

import keras
import numpy as np
import pytest
import random_graphs
from parity_tools import assert_close

import glassnet

N_CASES = 16
# Keras 3.15.1's Variable.numpy() (get_weights) calls np.array(self) without NumPy 2's copy keyword.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def _pair(graph):
    keras.backend.clear_session()
    glassnet.keras.backend.clear_session()
    theirs = random_graphs.build(keras, graph)
    mine = random_graphs.build(glassnet.keras, graph)
    mine.set_weights(theirs.get_weights())
    return theirs, mine


def _as_list(predictions):
    return list(predictions) if isinstance(predictions, (list, tuple)) else [predictions]


def _keras_predict(model, x):
    """Keras's outputs, called eagerly: predict() would compile each random graph anew."""
    return [np.asarray(output) for output in _as_list(model(x, training=False))]


@pytest.mark.parametrize("seed", range(N_CASES), ids=lambda seed: f"seed_{seed}")
def test_predictions_and_one_fit_step_match_keras(seed):
    graph = random_graphs.draw_graph(seed)
    theirs, mine = _pair(graph)
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers], f"seed {seed}"
    assert [w.shape for w in mine.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()], f"seed {seed}"
    x, y = random_graphs.draw_data(graph)
    for a, k in zip(_as_list(mine.predict(x, verbose=0)), _keras_predict(theirs, x), strict=True):
        assert_close(a, k, family="fit", what="predict", seed=seed)
    names = theirs.output_names
    assert list(mine.output_names) == list(names), f"seed {seed}: output names"
    targets = y if len(y) > 1 else y[0]
    theirs.compile(**random_graphs.compile_options(keras, graph, names), run_eagerly=True)
    mine.compile(**random_graphs.compile_options(glassnet.keras, graph, names))
    logs = [model.fit(x, targets, epochs=1, shuffle=False, verbose=0).history for model in (theirs, mine)]
    assert list(logs[1]) == list(logs[0]), f"seed {seed}: logged names"
    for key in logs[0]:
        assert_close(logs[1][key], logs[0][key], family="fit", what=f"history[{key!r}]", seed=seed)
    for i, (a, k) in enumerate(zip(mine.get_weights(), theirs.get_weights(), strict=True)):
        assert_close(a, k, family="optimizer", what=f"weight {i} after one step", seed=seed)


def _json(config):
    return json.loads(json.dumps(config))          # as in a file: lists where Keras's dict holds tuples


@pytest.mark.parametrize("seed", range(0, N_CASES, 4), ids=lambda seed: f"seed_{seed}")
def test_each_library_builds_the_others_config(seed):
    graph = random_graphs.draw_graph(seed)
    theirs, mine = _pair(graph)
    x, _ = random_graphs.draw_data(graph)
    expected = _keras_predict(theirs, x)
    from_mine = keras.Model.from_config(_json(mine.get_config()))
    from_theirs = glassnet.keras.Model.from_config(_json(theirs.get_config()))
    for rebuilt in (from_mine, from_theirs):
        assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in theirs.layers], f"seed {seed}"
        rebuilt.set_weights(theirs.get_weights())
        predictions = _keras_predict(rebuilt, x) if rebuilt is from_mine else _as_list(rebuilt.predict(x, verbose=0))
        for a, k in zip(predictions, expected, strict=True):
            assert_close(a, k, family="fit", what=f"predict of {type(rebuilt).__module__}'s rebuilt model", seed=seed)
