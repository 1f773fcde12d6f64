"""Keras's auto-config: a layer class without its own ``get_config`` is saved as the arguments
it was constructed with, when those are plain values (numbers, strings, booleans, None and
lists, tuples or dicts of them), so ``cls(**config)`` builds it again."""
import inspect

_PLAIN = (str, int, float, bool, type(None))
_signatures = {}


def arguments(cls, args, kwargs):
    """The arguments given to ``cls(*args, **kwargs)`` by name, or None if any is not plain."""
    signature = _signatures.get(cls)
    if signature is None:
        try:
            signature = _signatures[cls] = inspect.signature(cls.__init__)
        except (TypeError, ValueError):
            return None
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return None  # __init__ will raise the real error
    given = {}
    for name, value in list(bound.arguments.items())[1:]:
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            given.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None  # no name to save them under
        else:
            given[name] = value
    return given if all(_plain(value) for value in given.values()) else None


def merged(cls, base, auto):
    """`base` (name, trainable, dtype) updated with the `auto` arguments; base keys the class's
    ``__init__`` cannot take are dropped, as Keras drops them."""
    config = {**base, **auto}
    parameters = _signatures[cls].parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        for key in set(base) - set(auto) - set(parameters):
            del config[key]
    return config


def takes_arguments(cls):
    """Whether ``cls.__init__`` has parameters of its own (beyond self and **kwargs)."""
    try:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return False
    return any(p.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL) for p in parameters)


def _plain(value):
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    return isinstance(value, _PLAIN)
