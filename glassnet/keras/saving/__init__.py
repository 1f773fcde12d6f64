"""Saving and loading models in Keras 3's file formats (``.weights.h5``, ``.keras``)."""
