"""One formula per kind of layer, for ``model.explain()``: what the layer computes from its input.

Each function takes the layer, its number ``i`` (the weights are named ``W{i}``, ``b{i}``...) and
the names of its input as text and LaTeX, and returns ``(text, LaTeX, weight shapes)``. The
formulas are read from the layer's own settings (its activation, strides, padding, epsilon), so
what is shown is what is trained. A layer missing from :data:`FORMULAS` is shown by its name.
"""
from glassnet.keras import activations


def layer_formula(layer, i, x, x_latex):
    """(text, LaTeX, weight shapes) of one layer applied to `x`."""
    formula = FORMULAS.get(type(layer).__name__)
    if formula is None:
        return f"{layer.name}({x})", rf"\mathrm{{{layer.name}}}({x_latex})", []
    return formula(layer, i, x, x_latex)


def weight_shape(weight):
    """A weight's shape, or "?" before the layer is built (it learns its input size from data)."""
    if weight is None:
        return "?"
    return "(" + ", ".join(str(d) for d in weight.shape) + ("," if len(weight.shape) == 1 else "") + ")"


def _weights(layer, **names):
    """``["W1:(400, 25)", ...]`` for the layer's weights named by attribute (``W1="kernel"``); a bias,
    gamma or beta the layer does not use is left out, and a weight not yet built shows "?"."""
    unused = {"bias": not getattr(layer, "use_bias", True), "gamma": not getattr(layer, "scale", True),
              "beta": not getattr(layer, "center", True)}
    return [f"{symbol}:{weight_shape(getattr(layer, attribute, None))}" for symbol, attribute in names.items()
            if not unused.get(attribute, False)]


def _activated(layer, text, latex):
    """`text` passed through the layer's activation (nothing for a linear one)."""
    name = activations.serialize(layer.activation)
    if name == "linear":
        return text, latex
    return f"{name}({text})", rf"\mathrm{{{name}}}({latex})"


def _named(name, x, x_latex, settings=""):
    """``name(x, settings)`` as text and LaTeX, for the layers whose formula is a named function."""
    tail = f", {settings}" if settings else ""
    return f"{name}({x}{tail})", rf"\mathrm{{{name}}}({x_latex}{tail})"


# --- layers with weights ----------------------------------------------------------------------------
def dense(layer, i, x, x_latex):
    affine = f"{x} @ W{i}" + (f" + b{i}" if layer.use_bias else "")
    affine_latex = f"{x_latex} W^{{[{i}]}}" + (f" + b^{{[{i}]}}" if layer.use_bias else "")
    return (*_activated(layer, affine, affine_latex), _weights(layer, **{f"W{i}": "kernel", f"b{i}": "bias"}))


def convolution(layer, i, x, x_latex):
    """``relu(conv2d(x, K1, strides=(1, 1), padding='valid') + b1)``: K's windows slide over x."""
    name = type(layer).__name__.lower()
    settings = f"strides={tuple(layer.strides)}, padding='{layer.padding}'"
    if any(d != 1 for d in tuple(layer.dilation_rate)):
        settings += f", dilation={tuple(layer.dilation_rate)}"
    text, latex = _named(name, x, x_latex, f"K{i}, {settings}")
    if layer.use_bias:
        text, latex = f"{text} + b{i}", f"{latex} + b^{{[{i}]}}"
    return (*_activated(layer, text, latex), _weights(layer, **{f"K{i}": "kernel", f"b{i}": "bias"}))


def pooling(layer, i, x, x_latex):
    """``max over each 2x2 window of x, strides (2, 2)``."""
    kind = "max" if "Max" in type(layer).__name__ else "mean"
    window = "x".join(str(d) for d in tuple(layer.pool_size))
    return (f"{kind} over each {window} window of {x}, strides {tuple(layer.strides)}, padding '{layer.padding}'",
            rf"\mathrm{{{kind}pool}}_{{{window}}}({x_latex})", [])


def global_pooling(layer, i, x, x_latex):
    kind = "max" if "Max" in type(layer).__name__ else "mean"
    axes = "steps" if type(layer).__name__.endswith("1D") else "rows and columns"
    return f"{kind} of {x} over its {axes}, per channel", rf"\mathrm{{{kind}}}_{{\text{{{axes}}}}}({x_latex})", []


def batch_normalization(layer, i, x, x_latex):
    """γ ⊙ (x - μ) / sqrt(σ² + ε) + β, with the batch's μ, σ² in training and the moving ones after."""
    text = (f"γ{i} ⊙ ({x} - μ) / sqrt(σ² + {layer.epsilon:g}) + β{i}   "
            f"(μ, σ²: the batch's in training, else moving averages, momentum {layer.momentum:g})")
    scaled = rf"\frac{{{x_latex} - \mu}}{{\sqrt{{\sigma^2 + {layer.epsilon:g}}}}}"
    latex = rf"\gamma^{{[{i}]}} \odot {scaled} + \beta^{{[{i}]}}"
    return text, latex, _weights(layer, **{f"γ{i}": "gamma", f"β{i}": "beta"})


def layer_normalization(layer, i, x, x_latex):
    text = f"γ{i} ⊙ ({x} - mean({x})) / sqrt(var({x}) + {layer.epsilon:g}) + β{i}   (over each sample's features)"
    latex = (rf"\gamma^{{[{i}]}} \odot \frac{{{x_latex} - \mathrm{{mean}}({x_latex})}}"
             rf"{{\sqrt{{\mathrm{{var}}({x_latex}) + {layer.epsilon:g}}}}} + \beta^{{[{i}]}}")
    return text, latex, _weights(layer, **{f"γ{i}": "gamma", f"β{i}": "beta"})


def embedding(layer, i, x, x_latex):
    """``E1[x]``: row x of the table for each integer in x."""
    return f"E{i}[{x}]   (row {x} of E{i} for each index)", rf"E^{{[{i}]}}[{x_latex}]", _weights(
        layer, **{f"E{i}": "embeddings"})


_RECURRENCES = {
    "SimpleRNN": "h_t = tanh(x_t @ W + h_t-1 @ U + b)",
    "LSTM": "i,f,c̃,o = σ,σ,tanh,σ(x_t @ W + h_t-1 @ U + b); c_t = f⊙c_t-1 + i⊙c̃; h_t = o⊙tanh(c_t)",
    "GRU": "z,r = σ(x_t @ W + h_t-1 @ U + b); h̃ = tanh(x_t @ W_h + r⊙(h_t-1 @ U_h) + b_h); h_t = z⊙h_t-1 + (1-z)⊙h̃",
}


def recurrent(layer, i, x, x_latex):
    """The cell's recurrence over the steps of x, and which steps' h the layer returns."""
    kind = type(layer).__name__
    which = "h_t of every step" if layer.return_sequences else "h of the last step"
    order = ", last step first" if layer.go_backwards else ""
    text = f"{kind.lower()}({x}; W{i}, U{i}, b{i})   [{_RECURRENCES[kind]}] -> {which}{order}"
    cell = getattr(layer, "cell", layer)
    weights = _weights(cell, **{f"W{i}": "kernel", f"U{i}": "recurrent_kernel", f"b{i}": "bias"})
    return text, rf"\mathrm{{{kind.lower()}}}({x_latex})", weights


def bidirectional(layer, i, x, x_latex):
    inner = type(layer.forward_layer).__name__.lower()
    return (f"{layer.merge_mode}({inner}({x}), {inner}_backward(reversed {x}))",
            rf"\mathrm{{{layer.merge_mode}}}(\overrightarrow{{\mathrm{{{inner}}}}}({x_latex}), "
            rf"\overleftarrow{{\mathrm{{{inner}}}}}({x_latex}))", [])


# --- layers without weights ---------------------------------------------------------------------
def activation(layer, i, x, x_latex):
    name = activations.serialize(layer.activation) if type(layer).__name__ == "Activation" else \
        type(layer).__name__.lower()
    return f"{name}({x})", rf"\mathrm{{{name}}}({x_latex})", []


def dropout(layer, i, x, x_latex):
    name = {"Dropout": "dropout", "SpatialDropout1D": "spatial_dropout", "SpatialDropout2D": "spatial_dropout"}
    kind = name.get(type(layer).__name__, "dropout")
    return (f"{kind}({x}, rate={layer.rate:g})   (in training only)",
            rf"\mathrm{{{kind}}}({x_latex}, {layer.rate:g})", [])


def normalization(layer, i, x, x_latex):
    return f"({x} - mean) / sqrt(variance)", rf"\frac{{{x_latex} - \mu}}{{\sqrt{{\sigma^2}}}}", []


def rescaling(layer, i, x, x_latex):
    offset = f" + {layer.offset:g}" if layer.offset else ""
    return f"{x} * {layer.scale:g}{offset}", rf"{layer.scale:g} {x_latex}{offset}", []


def reshaping(layer, i, x, x_latex):
    """flatten, reshape, permute and the like: the values move, none change."""
    kind = type(layer).__name__
    settings = {"Reshape": "target_shape", "Permute": "dims", "RepeatVector": "n", "UpSampling1D": "size",
                "UpSampling2D": "size", "ZeroPadding1D": "padding", "ZeroPadding2D": "padding",
                "Cropping1D": "cropping", "Cropping2D": "cropping"}.get(kind)
    value = getattr(layer, settings, None) if settings else None
    name = {"RepeatVector": "repeat", "UpSampling1D": "upsample", "UpSampling2D": "upsample",
            "ZeroPadding1D": "zero_pad", "ZeroPadding2D": "zero_pad"}.get(kind, kind.lower())
    text, latex = _named(name, x, x_latex, "" if value is None else repr(value if not isinstance(value, list)
                                                                          else tuple(value)))
    return text, latex, []


FORMULAS = {
    "Dense": dense,
    "Conv1D": convolution, "Conv2D": convolution,
    "MaxPooling1D": pooling, "MaxPooling2D": pooling, "AveragePooling1D": pooling, "AveragePooling2D": pooling,
    "GlobalAveragePooling1D": global_pooling, "GlobalAveragePooling2D": global_pooling,
    "GlobalMaxPooling1D": global_pooling, "GlobalMaxPooling2D": global_pooling,
    "BatchNormalization": batch_normalization, "LayerNormalization": layer_normalization,
    "Embedding": embedding,
    "SimpleRNN": recurrent, "LSTM": recurrent, "GRU": recurrent, "Bidirectional": bidirectional,
    "Activation": activation, "ReLU": activation, "LeakyReLU": activation, "Softmax": activation,
    "Dropout": dropout, "SpatialDropout1D": dropout, "SpatialDropout2D": dropout,
    "Normalization": normalization, "Rescaling": rescaling,
    **{kind: reshaping for kind in ("Flatten", "Reshape", "Permute", "RepeatVector", "UpSampling1D", "UpSampling2D",
                                    "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D")},
}
