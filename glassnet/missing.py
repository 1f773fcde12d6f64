"""Module-level ``__getattr__`` for the public namespaces: a name glassnet lacks says so.

``glassnet.foo`` raises ``AttributeError("glassnet has no tf.foo; the supported API is listed
in docs/api.md")`` rather than Python's bare message; still an AttributeError, so ``hasattr``
and ``getattr(module, name, default)`` keep working.
"""
import importlib
import importlib.util


def attribute_error(module, public_prefix):
    """The ``__getattr__`` for `module` (its ``__name__``), whose names read ``public_prefix.name``."""

    def missing_name(name):
        if not name.startswith("__"):
            # A subpackage not imported yet (glassnet.datasets) is imported on first use.
            try:
                found = importlib.util.find_spec(f"{module}.{name}") is not None
            except (ImportError, ValueError):
                found = False
            if found:
                return importlib.import_module(f"{module}.{name}")
        raise AttributeError(f"glassnet has no {public_prefix}.{name}; the supported API is listed in docs/api.md")

    return missing_name
