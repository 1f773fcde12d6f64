"""Embedding: turns integer indices into dense vectors, rows of a trainable table."""
import warnings

import numpy as np

from glassnet.autodiff import Tensor
from glassnet.autodiff.ops.embedding import embedding_lookup
from glassnet.keras import constraints, initializers, regularizers
from glassnet.keras import validation as check
from glassnet.keras.layers.layer import Layer


class Embedding(Layer):
    """Turns non-negative integers (indices) into dense vectors of fixed size.

    ``output[..., :] = embeddings[inputs[...]]``: row ``i`` of the ``(input_dim, output_dim)`` table
    for each index ``i``. The gradient adds into each row the gradients of every position that
    picked it (a word seen twice gets both).

    Args:
        input_dim: size of the vocabulary: the indices lie in ``[0, input_dim)``.
        output_dim: size of each vector.
        embeddings_initializer: initializer of the table (default ``'uniform'``: U(-0.05, 0.05)).
        embeddings_regularizer, embeddings_constraint: as a Dense kernel's.
        mask_zero: whether index 0 is padding: the layer then gives ``inputs != 0`` as the mask
            that later layers (an LSTM) use to skip those steps, and index 0 cannot be a word.

    Input shape ``(batch, ...)`` of integers (or floats holding whole numbers, as ``fit`` passes
    them); output shape ``(batch, ..., output_dim)``. An index outside ``[0, input_dim)`` is an
    error here (Keras on JAX clamps it silently; see docs/differences-from-keras.md).

    >>> layer = Embedding(10, 3, mask_zero=True)
    >>> out = layer(np.array([[1, 2, 0]]))
    >>> out.shape.as_list(), out._keras_mask.numpy().tolist()
    ([1, 3, 3], [[True, True, False]])
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, **kwargs):
        input_dim = check.integer("input_dim", input_dim, minimum=1, owner="Embedding")
        output_dim = check.integer("output_dim", output_dim, minimum=1, owner="Embedding")
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", UserWarning, stacklevel=2)
        for unsupported in ("lora_rank", "lora_alpha", "quantization_config"):
            if kwargs.pop(unsupported, None) is not None:
                raise ValueError(f"Embedding({unsupported}=...) is not supported by glassnet (no LoRA or "
                                 f"quantization). Leave `{unsupported}` at None.")
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = None if embeddings_regularizer is None \
            else regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = check.boolean("mask_zero", mask_zero, owner="Embedding")
        self.supports_masking = self.mask_zero
        self.autocast = False  # indices stay integers
        self.embeddings = None
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, list) and len(weights) == 1 else [weights])

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer, name="embeddings",
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        return embedding_lookup(self.embeddings, self._indices(inputs))

    def _indices(self, inputs):
        """`inputs` as an integer array, refused (naming the layer) if they are not whole numbers in range."""
        values = inputs.value if isinstance(inputs, Tensor) else np.asarray(inputs)
        if values.dtype.kind == "f":  # fit casts x to float32: whole numbers come back exactly
            indices = values.astype(np.int64)
            if not np.array_equal(indices, values):
                bad = values[indices != values].flat[0]
                raise ValueError(f"Embedding layer '{self.name}' expects integer indices; received floats with "
                                 f"a fractional part (e.g. {float(bad)!r}) in input of shape {values.shape}. Pass "
                                 "the word indices as integers.")
        elif values.dtype.kind in "iub":
            indices = values
        else:
            raise TypeError(f"Embedding layer '{self.name}' expects integer indices. Received dtype {values.dtype}.")
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            bad = indices.min() if indices.min() < 0 else indices.max()
            raise ValueError(
                f"Embedding layer '{self.name}' received index {int(bad)}, outside [0, input_dim) with "
                f"input_dim={self.input_dim} (input shape {indices.shape}). Make input_dim one more than the "
                "largest index (a vocabulary of n words with 0 for padding needs input_dim=n+1)."
            )
        return indices

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        values = inputs.value if isinstance(inputs, Tensor) else np.asarray(inputs)
        return Tensor(values != 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
