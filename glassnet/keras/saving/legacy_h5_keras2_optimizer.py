"""The optimizer state a Keras 2 (tf_keras 2.11 and later) legacy ``.h5`` file holds, matched
to glassnet's optimizer variables by name.

tf_keras 2.11+ saves ``optimizer.variables``: ``iteration:0`` (int64), then the slots, each named
``<optimizer name>/<slot>/<weight name>``, where the weight name is the one ``model_weights``
lists (``Adam/m/dense/kernel:0``). Keras 3 and glassnet call the same slots
``<weight path>_<slot>`` with other slot names (``momentum`` for ``m``), order some of them
otherwise (Adam's ``vhat``, RMSprop's momentum), and also hold the learning rate as a variable,
which the file's config already gives. The updates are the same formulas, so the state carries
over: every glassnet variable but the learning rate must be found in the file, or nothing is
restored (the caller then warns, as Keras does, and training starts with a fresh optimizer).

TF <= 2.10's optimizers (``Adam/iter:0``, ``Adam/dense/kernel/m:0``) are not matched here.
"""
# tf_keras slot name -> glassnet (Keras 3) slot name; the others are the same in both.
_SLOT_NAMES = {"m": "momentum", "v": "velocity", "vhat": "velocity_hat"}
_ITERATION = "iteration:0"


def is_keras2_layout(names):
    """Whether optimizer weight `names` are tf_keras 2.11+'s: the iteration first, then slots."""
    return bool(names) and names[0].rsplit("/", 1)[-1] == _ITERATION and all(
        name.count("/") >= 2 for name in names[1:])


def assignments(optimizer, saved, weights_by_name):
    """``([(variable, value)], None)`` restoring `optimizer` from `saved` ``[(name, dataset)]``,
    or ``(None, reason)`` when the file's state does not fit glassnet's optimizer.

    `weights_by_name` maps each weight name in ``model_weights`` to the model's variable."""
    by_slot_name = {}
    for name, dataset in saved[1:]:
        _, slot, weight_name = name.split("/", 2)
        variable = weights_by_name.get(weight_name)
        if variable is None:
            return None, f"the file's slot {name!r} is for a weight the model does not have"
        key = f"{variable.path.replace('/', '_')}_{_SLOT_NAMES.get(slot, slot)}"
        if key in by_slot_name:
            return None, f"two of the file's slots ({name!r} and another) are for the same glassnet slot {key!r}"
        by_slot_name[key] = (name, dataset)
    pairs = [(optimizer.iterations, saved[0][1])]
    for variable in optimizer.variables:
        if variable is optimizer.iterations or variable.name == "learning_rate":
            continue
        found = by_slot_name.pop(variable.name, None)
        if found is None:
            return None, f"the file holds no value for the optimizer variable {variable.path!r}"
        if tuple(found[1].shape) != tuple(variable.shape):
            return None, (f"the file's {found[0]!r} has shape {tuple(found[1].shape)}; the optimizer variable "
                          f"{variable.path!r} has shape {tuple(variable.shape)}")
        pairs.append((variable, found[1]))
    if by_slot_name:
        return None, f"the optimizer has no variable for the file's {[name for name, _ in by_slot_name.values()]}"
    return [(variable, dataset[()]) for variable, dataset in pairs], None
