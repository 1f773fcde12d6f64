"""glassnet.plot.model: one column of units per layer, labelled with the layer's name, class, units
and activation; wide layers capped; an unbuilt model refused before anything is drawn."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers

pytest.importorskip("matplotlib")


def _columns(figure):
    """{column name: (x, number of circles drawn)} from the scatter of each column."""
    axis = figure.axes[0]
    return {c.get_gid()[len("units:"):]: (float(c.get_offsets()[0][0]), len(c.get_offsets()))
            for c in axis.collections if (c.get_gid() or "").startswith("units:")}


def _texts(figure):
    return [text.get_text() for text in figure.axes[0].texts]


def _course_model():
    return tf.keras.Sequential([tf.keras.Input(shape=(400,)), layers.Dense(25, activation="sigmoid"),
                                layers.Dense(15, activation="sigmoid"), layers.Dense(1, activation="sigmoid")],
                               name="course")


def test_one_column_per_layer_with_its_units_and_labels(tmp_path, png_size):
    figure = tf.plot.model(_course_model(), tmp_path / "model.png")
    assert _columns(figure) == {"input": (0, 7), "dense": (1, 7), "dense_1": (2, 7), "dense_2": (3, 1)}
    texts = _texts(figure)
    assert texts.count("⋮") == 3  # 400, 25 and 15 units: a few circles around an ellipsis
    for label in ("Input\n400 units", "Dense\n25 units\nactivation: sigmoid", "Dense\n15 units\nactivation: sigmoid",
                  "Dense\n1 unit\nactivation: sigmoid", "input", "dense", "dense_1", "dense_2"):
        assert label in texts
    assert figure.axes[0].get_title() == 'Model "course": 3 layers, 10,431 parameters'  # 400*25+25 + 25*15+15 + 16
    width, height = png_size(tmp_path / "model.png")
    assert (width, height) == (760, 600)  # 4 columns of 1.9 inches, 6 inches high, at 100 dpi


def test_dense_layers_connect_every_unit_and_weightless_layers_unit_to_unit():
    model = tf.keras.Sequential([tf.keras.Input(shape=(2, 3)), layers.Flatten(), layers.Dense(4, activation="relu"),
                                 layers.Dropout(0.5), layers.Dense(2)])
    figure = tf.plot.model(model)
    edges = {c.get_gid()[len("edges:"):]: len(c.get_segments()) for c in figure.axes[0].collections
             if (c.get_gid() or "").startswith("edges:")}
    assert edges == {"flatten": 6, "dense": 6 * 4, "dropout": 4, "dense_1": 4 * 2}
    texts = _texts(figure)
    assert "Input\n2×3 = 6 units" in texts and "Flatten\n6 units" in texts
    assert "Dropout\n4 units\nrate: 0.5" in texts and "Dense\n2 units\nactivation: linear" in texts


class TwoLayers(tf.keras.Model):
    def __init__(self):
        super().__init__(name="two_layers")
        self.hidden = layers.Dense(3, activation="tanh")
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


def test_a_subclassed_model_once_called():
    model = TwoLayers()
    model(np.zeros((2, 5), dtype="float32"))
    figure = tf.plot.model(model)
    assert _columns(figure) == {"input": (0, 5), "dense": (1, 3), "dense_1": (2, 1)}
    assert "Input\n5 units" in _texts(figure) and "Dense\n3 units\nactivation: tanh" in _texts(figure)


@pytest.mark.parametrize("make", [lambda: tf.keras.Sequential([layers.Dense(2)], name="late"), TwoLayers])
def test_an_unbuilt_model_is_refused_before_the_file_is_made(tmp_path, make):
    model = make()
    with pytest.raises(ValueError, match=f'the model "{model.name}" is not built.*call the model on data or build it'):
        tf.plot.model(model, tmp_path / "model.png")
    assert not list(tmp_path.iterdir())


def test_a_model_built_from_a_shape_is_drawn():
    model = tf.keras.Sequential([layers.Dense(2)])
    model.build((None, 3))
    assert _columns(tf.plot.model(model)) == {"input": (0, 3), "dense": (1, 2)}


def test_not_a_model():
    with pytest.raises(TypeError, match="expected a glassnet Model.*Received: model=3"):
        tf.plot.model(3)


def test_a_model_with_several_inputs_is_sent_to_summary_and_plot_model(tmp_path):
    a, b = tf.keras.Input(shape=(2,), name="a"), tf.keras.Input(shape=(3,), name="b")
    model = tf.keras.Model([a, b], layers.Dense(1)(layers.Concatenate()([a, b])), name="two_inputs")
    with pytest.raises(NotImplementedError, match=r'the model "two_inputs" is a graph with several inputs\. '
                                                  r"Its summary\(\) .*keras\.utils\.plot_model\(model, "):
        tf.plot.model(model, tmp_path / "model.png")
    assert not list(tmp_path.iterdir())


class WithUnusedLayer(tf.keras.Model):
    def __init__(self):
        super().__init__(name="with_unused")
        self.used = layers.Dense(2)
        self.unused = layers.Dense(7)  # assigned, never called: no weights, but its units are known

    def call(self, x):
        return self.used(x)


def test_a_layer_never_called_is_drawn_and_marked():
    model = WithUnusedLayer()
    model(np.zeros((1, 3), dtype="float32"))
    figure = tf.plot.model(model)
    assert _columns(figure) == {"input": (0, 3), "dense": (1, 2), "dense_1": (2, 7)}
    assert "Dense\n7 units\nactivation: linear\n(not built)" in _texts(figure)
    assert figure.axes[0].get_title() == 'Model "with_unused": 2 layers, 8 parameters'  # 3*2+2


def test_normalization_is_unit_to_unit_and_its_statistics_are_not_trainable_connections():
    normalization = layers.Normalization()
    normalization.adapt(np.arange(8, dtype="float32").reshape(2, 4))
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), normalization, layers.Dense(3)])
    edges = {c.get_gid(): len(c.get_segments()) for c in tf.plot.model(model).axes[0].collections
             if c.get_gid().startswith("edges:")}
    assert edges == {"edges:normalization": 4, "edges:dense": 4 * 3}
