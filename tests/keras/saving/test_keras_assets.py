"""A .keras file from Keras 3.15.1 whose adapted lookup vocabularies are in its assets/ folder
(tests/fixtures/keras_assets: the file and the script that wrote it)."""
from pathlib import Path

import numpy as np

from glassnet import keras

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "keras_assets" / "keras3_lookups.keras"


def test_adapted_vocabularies_load_from_a_keras_file(tmp_path):
    model = keras.models.load_model(FIXTURE)
    # printed by make_keras3_lookups.py: get_vocabulary() of the three layers, and the model's outputs
    vocabularies = [layer.get_vocabulary() for layer in model.layers if hasattr(layer, "get_vocabulary")]
    assert vocabularies == [["[UNK]", "b", "c", "a"], [-1, 7, 9], ["[UNK]", "the", "sat", "dog", "cat"]]
    x = [np.array([["a"], ["z"]]), np.array([[9], [7]]), np.array(["the sat sat", "dog x"])]
    np.testing.assert_allclose(model.predict(x, verbose=0), [[5.0], [4.0]])
    model.save(tmp_path / "again.keras")  # glassnet's own file keeps them in the configs
    again = keras.models.load_model(tmp_path / "again.keras")
    assert [layer.get_vocabulary() for layer in again.layers if hasattr(layer, "get_vocabulary")] == vocabularies
