"""The user's own classes, by the names files know them by.

A file never names code to import: it names a class, and loading looks that name up only in
glassnet's own table (serialization_lib.py), in what the user registered with
:func:`register_keras_serializable`, and in the ``custom_objects`` passed to the loader or
set by :class:`CustomObjectScope`. Names follow Keras: ``"package>ClassName"``.
"""
import threading

_REGISTERED = {}        # registered name -> class or function
_NAMES = {}             # class or function -> registered name
_scopes = threading.local()


def register_keras_serializable(package="Custom", name=None):
    """Decorator: make a class (or function) loadable by name, as ``"package>name"``.

    >>> @register_keras_serializable(package="demo")
    ... class Doubler:
    ...     def get_config(self):
    ...         return {}
    >>> get_registered_name(Doubler), get_registered_object("demo>Doubler") is Doubler
    ('demo>Doubler', True)
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"`package` must be a string without '>'. Received: package={package!r}")

    def decorator(arg):
        registered_name = f"{package}>{name or arg.__name__}"
        if isinstance(arg, type) and not hasattr(arg, "get_config"):
            raise ValueError(f"Cannot register a class that does not have a get_config() method: {arg.__name__}")
        _REGISTERED[registered_name] = arg
        _NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    """``"package>name"`` for a registered class or function, else its ``__name__``."""
    return _NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or passed in a scope, or in `custom_objects`) as `name`, else None."""
    for table in (custom_objects or {}, *reversed(_scope_stack()), _REGISTERED, module_objects or {}):
        if name in table:
            return table[name]
    return None


def get_custom_objects():
    """The global table of registered objects (Keras's name); add to it to make a name loadable."""
    return _REGISTERED


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}): load_model(...)``: names known inside the block."""

    def __init__(self, custom_objects):
        if not isinstance(custom_objects, dict):
            raise TypeError(f"`custom_objects` must be a dict of names to classes or functions. "
                            f"Received: {custom_objects!r}")
        self.custom_objects = dict(custom_objects)

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


def _scope_stack():
    stack = getattr(_scopes, "stack", None)
    if stack is None:
        stack = _scopes.stack = []
    return stack
