"""``keras.preprocessing``: ``sequence.pad_sequences`` (the same function as ``keras.utils.pad_sequences``).

tf.keras 2's ``preprocessing.text`` (``Tokenizer``) and the image-folder loaders are not provided.
"""
from glassnet.keras.preprocessing import sequence
from glassnet.keras.utils.timeseries_dataset import timeseries_dataset_from_array

__all__ = ["sequence", "timeseries_dataset_from_array"]
