"""Matching a model's variables with a weights file's datasets, before anything is assigned.

Each layer (and the optimizer) is matched with the ``vars`` group at its path (see
saveables.py): the group must hold exactly the datasets ``"0"`` .. ``"n-1"`` for its n
variables, each of the variable's shape and of its kind of dtype (float, integer, bool).
What does not match becomes a problem that names the path in the file, the variable, and
the expected and received shapes; nothing is assigned unless there is none (or the caller
skips the objects that have one).

The optimizer follows Keras: when the file holds a different number of variables than the
optimizer (an optimizer never built, another optimizer), it is skipped with a UserWarning.
"""
import warnings

from glassnet.keras.optimizers.optimizer import Optimizer
from glassnet.keras.saving.saveables import group_path, own_variables

# Where a compiled model's optimizer is saved; a file's optimizer is ignored by a model without one.
OPTIMIZER_PATH = "optimizer"


class Match:
    """One object's outcome: the (variable, dataset, path in the file) triples to assign, or problems."""

    def __init__(self, owner):
        self.owner = owner
        self.assignments = []
        self.problems = []


def match_layer(path, layer, stored):
    """A :class:`Match` of `layer`'s own variables with the group `stored` (None: absent)."""
    variables = own_variables(layer)
    match = Match(_describe(layer, stored))
    where = group_path(path)
    if stored is None:
        if variables:
            match.problems.append(f"/{where} is missing from the file; {match.owner} has {_listing(variables)}.")
    elif not variables and stored.datasets and not layer.built:
        match.problems.append(
            f"/{where} holds {len(stored.datasets)} arrays, but {match.owner} was never built and has no "
            "variables yet: build the model (call it on data, or model.build(input_shape)) before loading."
        )
    else:
        _match_variables(where, variables, stored.datasets, match)
    return match


def match_optimizer(path, optimizer, stored, trainable_weights):
    """A :class:`Match` for the optimizer, or None (skipped with Keras's warning).

    An optimizer never built is built first (for `trainable_weights`, as ``fit`` would) when
    the file holds the state of a built one, so that training resumes where it stopped.
    """
    datasets = {} if stored is None else stored.datasets
    if not optimizer.built and len(datasets) > len(optimizer.variables):
        optimizer._ensure_built(trainable_weights)
    variables = optimizer.variables
    if len(datasets) != len(variables):
        message = (f"Skipping variable loading for optimizer '{optimizer.name}', because it has {len(variables)} "
                   f"variables whereas the saved optimizer has {len(datasets)} variables. ")
        if not variables:
            message += "This is likely because the optimizer has not been called/built yet."
        warnings.warn(message, UserWarning, stacklevel=6)
        return None
    match = Match(_describe(optimizer, stored))
    _match_variables(group_path(path), variables, datasets, match)
    return match


def unclaimed(stored, claimed_paths):
    """A :class:`Match` with a problem per group that holds arrays no object of the model takes.

    Keras ignores them; glassnet refuses, since they mean another architecture (a file of three
    Dense layers would otherwise fill a model of two without a word)."""
    match = Match("groups no layer takes")
    for path, group in sorted(stored.items()):
        if path not in claimed_paths and path != OPTIMIZER_PATH and group.datasets:
            saved = f" (saved from '{group.name}')" if group.name else ""
            match.problems.append(f"/{group_path(path)} holds {len(group.datasets)} arrays{saved} that no layer of "
                                  "the model takes.")
    return match


def is_optimizer(saveable):
    return isinstance(saveable, Optimizer)


def _match_variables(where, variables, datasets, match):
    keys = [str(i) for i in range(len(variables))]
    if sorted(datasets) != sorted(keys):
        match.problems.append(
            f"/{where} holds {len(datasets)} arrays ({_keys(datasets)}); {match.owner} has {_listing(variables)}."
        )
        return
    for key, variable in zip(keys, variables):
        dataset = datasets[key]
        expected, received = tuple(variable.shape), tuple(dataset.shape)
        what = f"/{where}/{key} ({variable.name} of {match.owner})"
        if received != expected:
            match.problems.append(f"{what}: expected shape {expected}, the file holds shape {received}.")
        elif _kind(dataset.dtype) != _kind(variable.dtype):
            match.problems.append(f"{what}: expected {_kind(variable.dtype)} values ({variable.dtype}), "
                                  f"the file holds {dataset.dtype}.")
        else:
            match.assignments.append((variable, dataset, f"{where}/{key}"))


def _kind(dtype):
    return {"f": "float", "i": "integer", "u": "integer", "b": "bool"}.get(dtype.kind, f"'{dtype.kind}'-kind")


def _describe(saveable, stored):
    kind = "optimizer" if is_optimizer(saveable) else ("model" if hasattr(saveable, "layers") else "layer")
    saved = f"; saved as '{stored.name}'" if stored is not None and stored.name not in (None, saveable.name) else ""
    return f"{kind} '{saveable.name}' ({type(saveable).__name__}{saved})"


def _listing(variables):
    if not variables:
        return "no variables"
    shown = ", ".join(f"{v.name} {tuple(v.shape)}" for v in variables[:6])
    more = f", ... ({len(variables)} in all)" if len(variables) > 6 else ""
    return f"{len(variables)} variable{'s' if len(variables) != 1 else ''}: {shown}{more}"


def _keys(datasets):
    names = sorted(datasets, key=lambda k: (len(k), k))
    return ", ".join(repr(k) for k in names[:8]) + (", ..." if len(names) > 8 else "") if names else "none"
