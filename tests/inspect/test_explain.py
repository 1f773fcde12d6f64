"""model.explain(): formulas read from the layers, loss and optimizer that fit uses."""
import numpy as np
import pytest

import glassnet as tf
from glassnet.keras import layers, optimizers, regularizers
from glassnet.keras.models import Sequential


def _course_model(**compile_args):
    model = Sequential([tf.keras.Input(shape=(400,)), layers.Dense(25, activation="sigmoid"),
                        layers.Dense(15, activation="sigmoid"), layers.Dense(1, activation="sigmoid")])
    model.compile(**{"optimizer": optimizers.Adam(0.001), "loss": "binary_crossentropy", **compile_args})
    return model


def test_the_course_network_reads_as_its_lecture_writes_it():
    text = str(_course_model().explain())
    assert "a1 = sigmoid(x @ W1 + b1)" in text
    assert "x:(m, 400)  W1:(400, 25)  b1:(25,)  ->  a1:(m, 25)" in text
    assert "a3 = sigmoid(a2 @ W3 + b3)" in text and "a3:(m, 1)" in text
    assert "J = (1/m) Σ_i -[y log(ŷ) + (1 - y) log(1 - ŷ)]" in text and "ŷ = a3, clipped" in text
    assert "m := β1 m + (1 - β1) g" in text
    assert "Adam: α = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-07" in text


def test_formulas_follow_the_objects_fit_uses():
    model = Sequential([tf.keras.Input(shape=(3,)),
                        layers.Dense(4, activation="relu", kernel_regularizer=regularizers.L2(0.5)),
                        layers.Dropout(0.25), layers.Dense(2, use_bias=False)])
    model.compile(optimizer=optimizers.SGD(0.1, momentum=0.9, nesterov=True),
                  loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True), loss_weights=0.5)
    text = model.explain().text()
    assert "a2 = dropout(a1, rate=0.25)" in text
    assert "a3 = a2 @ W3 " in text and "b3" not in text
    assert "+ 0.5 · Σ W1²" in text and "J = 0.5 · (1/m) Σ_i -Σ_k y_k log(ŷ_k)" in text
    assert "ŷ = softmax(a3): the loss takes logits" in text
    assert "W := W + μ v - α g" in text and "SGD: α = 0.1, μ = 0.9" in text
    model.layers[0].activation = tf.keras.activations.get("tanh")  # changed: the explanation follows
    assert "a1 = tanh(x @ W1 + b1)" in model.explain().text()


@pytest.mark.parametrize("optimizer, rule", [
    (optimizers.RMSprop(), "W := W - α g / √(v + ε)"),
    (optimizers.Adagrad(), "W := W - α g / √(s + ε)"),
    (optimizers.SGD(), "W := W - α g"),
    (optimizers.AdamW(weight_decay=0.004), "W := W - α · 0.004 · W"),
])
def test_each_optimizer_shows_its_update_rule(optimizer, rule):
    model = _course_model(optimizer=optimizer)
    assert rule in model.explain().text()


def test_markdown_and_latex_forms():
    model = _course_model()
    markdown = model.explain(format="markdown")
    assert str(markdown).startswith('**Model "sequential"**') and "| `a1 = sigmoid(x @ W1 + b1)` |" in str(markdown)
    assert markdown._repr_markdown_() == str(markdown)
    latex = str(model.explain(format="latex"))
    assert latex.startswith("\\begin{aligned}") and r"a^{[1]} &= \mathrm{sigmoid}(x W^{[1]} + b^{[1]})" in latex
    with pytest.raises(ValueError, match="format"):
        model.explain(format="html")


def test_custom_layers_and_uncompiled_models():
    class Doubler(layers.Layer):
        def call(self, x):
            return x * 2.0

    model = Sequential([tf.keras.Input(shape=(2,)), Doubler(name="doubler"), layers.Dense(1)])
    text = model.explain().text()
    assert "a1 = doubler(x)" in text and "cost:" not in text and "update" not in text
    model(np.ones((1, 2), "float32"))
    assert "a2 = a1 @ W2 + b2" in text


def test_an_unbuilt_model_shows_its_formulas_with_unknown_shapes():
    model = Sequential([layers.Dense(2, activation="relu"), layers.Dense(1)])
    text = model.explain().text()
    assert "a1 = relu(x @ W1 + b1)    x:?  W1:?  b1:?  ->  a1:?" in text
    model.build((None, 3))
    assert "W1:(3, 2)" in model.explain().text()


def test_a_subclassed_model_says_its_call_decides_the_wiring():
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(3, activation="relu")

        def call(self, x):
            return self.hidden(x)

    text = Net().explain().text()
    assert "call() decides how they connect" in text and "a1 = relu(x @ W1 + b1)" in text


def test_convolution_pooling_and_normalization_layers_show_their_settings_and_weights():
    from glassnet.keras import Input, Sequential, layers
    model = Sequential([Input((28, 28, 1)), layers.Rescaling(1 / 255), layers.Conv2D(8, 3, activation="relu"),
                        layers.BatchNormalization(momentum=0.9), layers.MaxPooling2D(2),
                        layers.Conv2D(4, 3, padding="same", dilation_rate=2, use_bias=False),
                        layers.GlobalAveragePooling2D(), layers.Dense(10)])
    lines = model.explain().text().splitlines()
    assert lines[3].startswith("  a1 = x * 0.00392157")
    assert "a2 = relu(conv2d(a1, K2, strides=(1, 1), padding='valid') + b2)" in lines[4]
    assert "K2:(3, 3, 1, 8)  b2:(8,)  ->  a2:(m, 26, 26, 8)" in lines[4]
    assert "a3 = γ3 ⊙ (a2 - μ) / sqrt(σ² + 0.001) + β3" in lines[5] and "momentum 0.9)" in lines[5]
    assert "a4 = max over each 2x2 window of a3, strides (2, 2)" in lines[6] and "a4:(m, 13, 13, 8)" in lines[6]
    assert "conv2d(a4, K5, strides=(1, 1), padding='same', dilation=(2, 2))    " in lines[7]  # no bias
    assert "K5:(3, 3, 8, 4)  ->" in lines[7] and "b5" not in lines[7]
    assert "a6 = mean of a5 over its rows and columns, per channel" in lines[8]


def test_embedding_and_recurrent_layers_show_their_recurrence():
    from glassnet.keras import Input, Sequential, layers
    model = Sequential([Input((20,)), layers.Embedding(100, 8), layers.LSTM(16, return_sequences=True),
                        layers.Bidirectional(layers.GRU(4)), layers.Dense(1)])
    lines = model.explain().text().splitlines()
    assert "a1 = E1[x]" in lines[3] and "E1:(100, 8)  ->  a1:(m, 20, 8)" in lines[3]
    assert "a2 = lstm(a1; W2, U2, b2)" in lines[4] and "c_t = f⊙c_t-1 + i⊙c̃" in lines[4]
    assert "-> h_t of every step" in lines[4] and "W2:(8, 64)  U2:(16, 64)  b2:(64,)" in lines[4]
    assert "a3 = concat(gru(a2), gru_backward(reversed a2))" in lines[5] and "a3:(m, 8)" in lines[5]
