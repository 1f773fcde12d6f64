"""h5py, imported only when a Keras file is read or written: NumPy stays the only dependency."""

INSTALL = 'pip install "glassnet[h5]"'


def require_h5py():
    """The h5py module, or an ImportError that says what to install."""
    try:
        import h5py
    except ImportError as error:
        raise ImportError(
            f"Saving and loading Keras files (.keras, .weights.h5, .h5) needs the h5py package, which is not "
            f"installed. "
            f"Install it with: {INSTALL}"
        ) from error
    return h5py
