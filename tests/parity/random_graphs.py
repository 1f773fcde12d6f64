"""Random functional models, described by a seed and built the same way in Keras and in glassnet.

``draw_graph(seed)`` returns a plain description: 1-3 named inputs of widths 2-4,
then 3-7 steps that each add layers to the graph: a Dense on one tensor, one Dense
shared by two tensors of the same width, a merge of two or three tensors (Add,
Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot with or without
normalize), or a Sequential of two Dense layers nested in the graph. 1-3 outputs
follow, each a Dense head for a task (regression, binary or categorical labels,
sparse or not): the first from a Concatenate of every tensor nothing else uses (so
that each input and branch counts), the others from any tensor of the graph.

Layers are named explicitly or, for some seeds, left to the libraries' automatic
names (``dense``, ``dense_1``...; both counters are reset with
``clear_session()`` first), so that the logged names (``dense_3_loss``) are
compared too.

``build(library, graph)`` builds the model with ``library`` (the ``keras`` module or
``glassnet.keras``); ``compile_options(library, graph, output_names)`` gives the
losses, loss weights and metrics as lists or as dicts keyed by output name;
``draw_data(graph, output_names)`` gives inputs and targets.
"""
import random

import numpy as np

WIDTHS = [2, 3, 4]
ACTIVATIONS = ["linear", "tanh", "sigmoid", "relu", "elu", "softplus"]
MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "Dot"]
ROWS = 24
TASKS = {
    "regression": {"activation": ["linear", "tanh"], "losses": ["mse", "mae", "huber"],
                   "metrics": ["mae", "mse"]},
    "binary": {"activation": ["sigmoid"], "losses": ["binary_crossentropy"],
               "metrics": ["accuracy", "binary_crossentropy"]},
    "categorical": {"activation": ["softmax"], "losses": ["categorical_crossentropy"],
                    "metrics": ["accuracy", "categorical_accuracy"]},
    "sparse": {"activation": ["softmax"], "losses": ["sparse_categorical_crossentropy"],
               "metrics": ["accuracy", "sparse_categorical_accuracy"]},
}


def draw_graph(seed):
    """The model described by `seed`: inputs, steps, outputs and how it is compiled."""
    r = random.Random(seed)
    widths = [r.choice(WIDTHS) for _ in range(r.randint(1, 3))]      # tensor id -> width
    graph = {"seed": seed, "named": r.random() < 0.6, "inputs": list(widths), "steps": []}
    for _ in range(r.randint(3, 7)):
        graph["steps"].append(_draw_step(r, widths))
    used = {t for step in graph["steps"] for t in step["inputs"]}
    leaves = [t for t in range(len(widths) - 1) if t not in used]
    if leaves:                                   # every input and branch reaches the first output
        graph["steps"].append({"kind": "merge", "merge": "Concatenate", "inputs": leaves + [len(widths) - 1],
                               "options": {}})
        widths.append(sum(widths[t] for t in graph["steps"][-1]["inputs"]))
    graph["outputs"] = [_draw_output(r, widths, len(widths) - 1 if k == 0 else r.randrange(len(widths)))
                        for k in range(r.randint(1, 3))]
    graph["compile"] = {
        "losses_as": r.choice(["list", "dict"]), "metrics_as": r.choice(["list", "dict", "list", "dict", "none"]),
        "loss_weights_as": r.choice(["none", "list", "dict"]), "optimizer": r.choice(["SGD", "Adam"]),
        "loss_weights": [r.choice([0.5, 1.0, 2.0]) for _ in graph["outputs"]],
        "metrics": [r.sample(TASKS[o["task"]]["metrics"], r.randint(0, 2)) for o in graph["outputs"]],
    }
    return graph


def _pick_same_width(r, widths, count):
    """`count` tensor ids of one width (repeats allowed only if no other tensor has it), or None."""
    by_width = {}
    for tensor, width in enumerate(widths):
        by_width.setdefault(width, []).append(tensor)
    groups = [ids for ids in by_width.values() if len(ids) >= 2] or list(by_width.values())
    ids = r.choice(groups)
    return r.sample(ids, min(count, len(ids))) if len(ids) >= count else [ids[0]] * count


def _draw_step(r, widths):
    kind = r.choice(["dense", "dense", "shared", "merge", "merge", "nested"])
    latest = len(widths) - 1
    source = latest if r.random() < 0.5 else r.randrange(len(widths))
    if kind == "dense":
        units = r.choice(WIDTHS)
        widths.append(units)
        return {"kind": "dense", "inputs": [source], "units": units, "activation": r.choice(ACTIVATIONS)}
    if kind == "nested":
        units = [r.choice(WIDTHS), r.choice(WIDTHS)]
        widths.append(units[-1])
        return {"kind": "nested", "inputs": [source], "input_width": widths[source], "units": units,
                "activations": [r.choice(ACTIVATIONS), r.choice(ACTIVATIONS)]}
    if kind == "shared":
        pair = _pick_same_width(r, widths, 2)
        units = r.choice(WIDTHS)
        widths.extend([units, units])
        return {"kind": "shared", "inputs": pair, "units": units, "activation": r.choice(ACTIVATIONS)}
    merge = r.choice(MERGES)
    count = 2 if merge in ("Subtract", "Dot") else r.choice([2, 2, 3])
    if merge == "Concatenate":
        tensors = [r.randrange(len(widths)) for _ in range(count)]
        widths.append(sum(widths[t] for t in tensors))
        return {"kind": "merge", "merge": merge, "inputs": tensors, "options": {}}
    tensors = _pick_same_width(r, widths, count)
    options = {"axes": 1, "normalize": r.random() < 0.5} if merge == "Dot" else {}
    widths.append(1 if merge == "Dot" else widths[tensors[0]])
    return {"kind": "merge", "merge": merge, "inputs": tensors, "options": options}


def _draw_output(r, widths, tensor):
    task = r.choice(list(TASKS))
    spec = TASKS[task]
    units = {"regression": r.choice([1, 2]), "binary": 1, "categorical": 3, "sparse": 3}[task]
    return {"task": task, "tensor": tensor, "units": units,
            "activation": r.choice(spec["activation"]), "loss": r.choice(spec["losses"])}


def build(library, graph):
    """The described functional model in `library` (uncompiled)."""
    named = graph["named"]
    def name(text):
        return {"name": text} if named else {}
    layers = library.layers
    tensors = [library.Input((width,), name=f"input_{i}" if named else None)
               for i, width in enumerate(graph["inputs"])]
    inputs = list(tensors)
    for number, step in enumerate(graph["steps"]):
        args = [tensors[i] for i in step["inputs"]]
        if step["kind"] == "dense":
            tensors.append(layers.Dense(step["units"], activation=step["activation"], **name(f"dense_{number}"))(
                args[0]))
        elif step["kind"] == "shared":
            shared = layers.Dense(step["units"], activation=step["activation"], **name(f"shared_{number}"))
            tensors.extend([shared(args[0]), shared(args[1])])
        elif step["kind"] == "nested":
            inner = [layers.Dense(u, activation=a, **name(f"inner_{number}_{k}"))
                     for k, (u, a) in enumerate(zip(step["units"], step["activations"]))]
            tower = library.Sequential([library.Input((step["input_width"],))] + inner, **name(f"tower_{number}"))
            tensors.append(tower(args[0]))
        else:
            tensors.append(getattr(layers, step["merge"])(**step["options"], **name(f"merge_{number}"))(args))
    outputs = [layers.Dense(o["units"], activation=o["activation"], **name(f"out_{k}"))(tensors[o["tensor"]])
               for k, o in enumerate(graph["outputs"])]
    return library.Model(inputs, outputs if len(outputs) > 1 else outputs[0], **name(f"graph_{graph['seed']}"))


def _per_output(values, form, output_names):
    if form == "dict":
        return dict(zip(output_names, values))
    return list(values) if len(values) > 1 else values[0]


def compile_options(library, graph, output_names):
    """optimizer, loss, loss_weights and metrics for `library`'s compile, lists or dicts as drawn."""
    spec, outputs = graph["compile"], graph["outputs"]
    options = {"optimizer": getattr(library.optimizers, spec["optimizer"])(learning_rate=0.05),
               "loss": _per_output([o["loss"] for o in outputs], spec["losses_as"], output_names)}
    if spec["loss_weights_as"] != "none":
        options["loss_weights"] = _per_output(spec["loss_weights"], spec["loss_weights_as"], output_names)
    if spec["metrics_as"] == "dict":
        options["metrics"] = {n: m for n, m in zip(output_names, spec["metrics"]) if m}
    elif spec["metrics_as"] == "list":
        options["metrics"] = spec["metrics"] if len(outputs) > 1 else spec["metrics"][0]
    return options


def draw_data(graph):
    """Inputs (a list, one array per input) and targets (a list, one per output), float32."""
    rng = np.random.default_rng(graph["seed"])
    x = [rng.normal(size=(ROWS, width)).astype("float32") for width in graph["inputs"]]
    y = []
    for output in graph["outputs"]:
        units, task = output["units"], output["task"]
        if task == "regression":
            y.append(rng.normal(size=(ROWS, units)).astype("float32"))
        elif task == "binary":
            y.append(rng.integers(0, 2, size=(ROWS, 1)).astype("float32"))
        else:
            labels = rng.integers(0, units, size=ROWS)
            y.append(np.eye(units, dtype="float32")[labels] if task == "categorical" else labels.astype("int32"))
    return x, y
