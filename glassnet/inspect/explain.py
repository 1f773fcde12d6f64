"""``model.explain()``: the model as the math it computes.

Layer by layer, the formula with the current shapes (``m`` is the batch size), then the cost
``J`` of the compiled loss with its regularization terms, then the update rule of the compiled
optimizer with its hyperparameters:

    a1 = sigmoid(x @ W1 + b1)    x:(m, 400)  W1:(400, 25)  b1:(25,)  ->  a1:(m, 25)

The formulas are read from the objects fit uses (the layers' activations and shapes, the loss
object, the optimizer's configuration), so what is shown is what is trained.
"""
import html

from glassnet.inspect.formulas import layer_formula

_GREEK = {"alpha": ("α", r"\alpha"), "beta_1": ("β1", r"\beta_1"), "beta_2": ("β2", r"\beta_2"),
          "epsilon": ("ε", r"\epsilon"), "rho": ("ρ", r"\rho"), "momentum": ("μ", r"\mu")}


class Statement:
    """One line of an explanation: its formula as text and as LaTeX, and the shapes it involves."""

    def __init__(self, text, latex, shapes=""):
        self.text, self.latex, self.shapes = text, latex, shapes


class Explanation:
    """What :func:`explain` returns: prints as aligned text, renders as Markdown in a notebook."""

    def __init__(self, model_name, sections, format="text"):  # noqa: A002 - explain()'s argument
        self.model_name, self.sections, self.format = model_name, sections, format

    def text(self):
        lines = [f'Model "{self.model_name}"']
        for title, statements in self.sections:
            lines.append(f"\n{title}:")
            width = max((len(s.text) for s in statements), default=0)
            lines += [f"  {s.text.ljust(width)}    {s.shapes}".rstrip() for s in statements]
        return "\n".join(lines)

    def markdown(self):
        parts = [f'**Model "{self.model_name}"**']
        for title, statements in self.sections:
            parts.append(f"\n*{title}*\n\n| formula | where |\n| --- | --- |")
            parts += [f"| `{s.text}` | {s.shapes.replace('|', '/')} |" for s in statements]
        return "\n".join(parts)

    def latex(self):
        rows = [s.latex for _, statements in self.sections for s in statements]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def __str__(self):
        return {"text": self.text, "markdown": self.markdown, "latex": self.latex}[self.format]()

    __repr__ = __str__

    def _repr_markdown_(self):
        return self.markdown() if self.format != "latex" else f"$$\n{self.latex()}\n$$"

    def _repr_html_(self):
        """The Markdown's tables as HTML; None for format='latex', so a notebook renders the formulas."""
        if self.format == "latex":
            return None
        parts = [f"<p><b>Model &quot;{html.escape(self.model_name)}&quot;</b></p>"]
        for title, statements in self.sections:
            rows = "".join(f"<tr><td><code>{html.escape(s.text)}</code></td><td>{html.escape(s.shapes)}</td></tr>"
                           for s in statements)
            parts.append(f"<p><i>{html.escape(title)}</i></p>\n<table><thead><tr><th>formula</th><th>where</th>"
                         f"</tr></thead><tbody>{rows}</tbody></table>")
        return "\n".join(parts)


def explain(model, format="text"):  # noqa: A002 - Keras-style argument name
    """The model's forward pass, cost and update rule as formulas (see the module docstring).

    Args:
        format: ``'text'`` (default), ``'markdown'`` or ``'latex'``: what ``str()`` of the
            result gives. In a notebook the result renders as a Markdown table either way.
    """
    if format not in ("text", "markdown", "latex"):
        raise ValueError(f"Invalid `format`: expected 'text', 'markdown' or 'latex'. Received: format={format!r}")
    from glassnet.keras.models.sequential import Sequential  # models use this module: import late
    graph = getattr(model, "_graph_nodes", None) if not isinstance(model, Sequential) else None
    if graph is not None:
        title = "forward pass, one line per layer call in the order the graph runs them"
        statements, symbols, output = _forward_graph(model, graph)
    else:
        title = "forward pass" if isinstance(model, Sequential) else \
            "layers, in the order they were assigned (call() decides how they connect)"
        statements = _forward(model)
        symbols = {id(layer): i for i, layer in enumerate(model.layers, start=1)}
        output = f"a{len(model.layers)}"
    sections = [(title, statements)]
    state = getattr(model, "_compile_state", None)
    if state is not None and state.loss_identifier is not None:
        sections.append(("cost", _cost(model, state, symbols, output)))
    if getattr(model, "optimizer", None) is not None:
        sections.append(("update, for every weight W with gradient g = dJ/dW", _update(model.optimizer)))
    return Explanation(model.name, sections, format)


# --- the forward pass ---------------------------------------------------------------------------
def _forward(model):
    statements, previous, previous_latex = [], "x", "x"
    shape = _shape(getattr(model, "input", None))
    for i, layer in enumerate(model.layers, start=1):
        out, out_latex = f"a{i}", f"a^{{[{i}]}}"
        text, latex, weights = layer_formula(layer, i, previous, previous_latex)
        out_shape = _shape(layer.output) if layer.output is not None else "?"
        shapes = "  ".join([f"{previous}:{shape}", *weights, f"->  {out}:{out_shape}"])
        statements.append(Statement(f"{out} = {text}", f"{out_latex} &= {latex}", shapes))
        previous, previous_latex, shape = out, out_latex, out_shape
    return statements


def _forward_graph(model, nodes):
    """The statements of a functional model, one per layer call (node), each naming the tensors it
    reads: (statements, {id(layer): its number}, the output's name)."""
    inputs = model.inputs
    names = {id(t): ("x", "x") if len(inputs) == 1 else (f"x_{t.name}", rf"x_{{\mathrm{{{t.name}}}}}")
             for t in inputs}
    statements, symbols, out = [], {}, "x"
    for i, node in enumerate(nodes, start=1):
        symbols.setdefault(id(node.layer), i)
        args = [names.get(id(t), ("?", "?")) for t in node.input_tensors]
        x, x_latex = ", ".join(a for a, _ in args), ", ".join(a for _, a in args)
        merged = _merge_formula(node.layer, args)
        # A shared layer's weights keep the number of its first call.
        text, latex, weights = merged or layer_formula(node.layer, symbols[id(node.layer)], x, x_latex)
        out, out_latex = f"a{i}", f"a^{{[{i}]}}"
        for tensor in node.output_tensors:
            names[id(tensor)] = (out, out_latex)
        shapes = "  ".join([*(f"{a}:{_shape(t)}" for (a, _), t in zip(args, node.input_tensors)), *weights,
                            f"->  {out}:{_shape(node.output_tensors[0])}"])
        statements.append(Statement(f"{out} = {text}", f"{out_latex} &= {latex}", shapes))
    outputs = [names.get(id(t), ("?", "?"))[0] for t in model.outputs]
    return statements, symbols, ", ".join(outputs)


_MERGES = {"Add": (" + ", " + "), "Subtract": (" - ", " - "), "Multiply": (" * ", r" \odot ")}


def _merge_formula(layer, args):
    """(text, LaTeX, []) of a merge layer over the tensors `args`, or None for other layers."""
    kind = type(layer).__name__
    texts, latexes = [a for a, _ in args], [a for _, a in args]
    if kind in _MERGES:
        return _MERGES[kind][0].join(texts), _MERGES[kind][1].join(latexes), []
    if kind == "Dot" and len(args) == 2:
        if layer.normalize:  # cosine similarity
            norms = rf"\lVert {latexes[0]} \rVert \lVert {latexes[1]} \rVert"
            return (f"cos({texts[0]}, {texts[1]}) = {texts[0]}·{texts[1]} / (|{texts[0]}| |{texts[1]}|)",
                    rf"\frac{{{latexes[0]} \cdot {latexes[1]}}}{{{norms}}}", [])
        return f"{texts[0]}·{texts[1]}", rf"{latexes[0]} \cdot {latexes[1]}", []
    if kind == "Concatenate":
        return f"[{', '.join(texts)}]", rf"[{', '.join(latexes)}]", []
    if kind == "Average":
        return (f"({' + '.join(texts)}) / {len(texts)}", rf"\frac{{{' + '.join(latexes)}}}{{{len(latexes)}}}", [])
    return None


# --- the cost --------------------------------------------------------------------------------------
_COSTS = {  # loss name -> (per-sample text, per-sample LaTeX), with ŷ the model's output
    "binary_crossentropy": ("-[y log(ŷ) + (1 - y) log(1 - ŷ)]", r"-[y \log \hat y + (1 - y) \log(1 - \hat y)]"),
    "categorical_crossentropy": ("-Σ_k y_k log(ŷ_k)", r"-\sum_k y_k \log \hat y_k"),
    "sparse_categorical_crossentropy": ("-log(ŷ_y)", r"-\log \hat y_{y}"),
    "mean_squared_error": ("mean_k (ŷ_k - y_k)²", r"\mathrm{mean}_k (\hat y_k - y_k)^2"),
    "mean_absolute_error": ("mean_k |ŷ_k - y_k|", r"\mathrm{mean}_k |\hat y_k - y_k|"),
}


def _cost(model, state, symbols, output):
    loss = state.loss_fn
    name = getattr(loss, "name", str(state.loss_identifier))
    options = getattr(loss, "_fn_kwargs", {})
    per_sample, per_sample_latex = _COSTS.get(name, (f"{name}(y, ŷ)", rf"\mathrm{{{name}}}(y, \hat y)"))
    reduction = getattr(loss, "reduction", "sum_over_batch_size")
    sum_text, sum_latex = ("Σ_i", r"\sum_i") if reduction == "sum" else ("(1/m) Σ_i", r"\frac{1}{m}\sum_i")
    text, latex = f"J = {sum_text} {per_sample}", rf"J &= {sum_latex} {per_sample_latex}"
    if state.loss_weight is not None:
        text, latex = f"J = {state.loss_weight:g} · {text[4:]}", rf"J &= {state.loss_weight:g} \cdot {latex[5:]}"
    text, latex = _with_penalties(model, text, latex, symbols)
    output = (f"ŷ = {'sigmoid' if 'binary' in name else 'softmax'}({output}): the loss takes logits"
              if options.get("from_logits") else f"ŷ = {output}")
    if "crossentropy" in name and not options.get("from_logits"):
        output += ", clipped to [1e-7, 1 - 1e-7]"
    return [Statement(text, latex, output)]


def _with_penalties(model, text, latex, symbols):
    for layer in model.layers:
        i = symbols.get(id(layer))
        if i is None:
            continue
        for weight, symbol, symbol_latex in ((getattr(layer, "kernel", None), f"W{i}", f"W^{{[{i}]}}"),
                                             (getattr(layer, "bias", None), f"b{i}", f"b^{{[{i}]}}")):
            regularizer = getattr(weight, "regularizer", None)
            if regularizer is None or not weight.trainable:
                continue
            config = regularizer.get_config()
            if config.get("l2"):
                text += f" + {config['l2']:g} · Σ {symbol}²"
                latex += rf" + {config['l2']:g} \sum ({symbol_latex})^2"
            if config.get("l1"):
                text += f" + {config['l1']:g} · Σ |{symbol}|"
                latex += rf" + {config['l1']:g} \sum |{symbol_latex}|"
    if any(getattr(layer, "activity_regularizer", None) is not None for layer in model.layers):
        text += " + activity penalties"
        latex += r" + \text{activity penalties}"
    return text, latex


# --- the update rule ---------------------------------------------------------------------------
def _update(optimizer):
    config = optimizer.get_config()
    rate = config.get("learning_rate")
    rate = f"{rate:g}" if isinstance(rate, (int, float)) else "schedule"
    kind = type(optimizer).__name__
    rules = {
        "SGD": _sgd, "Adam": _adam, "AdamW": _adam, "RMSprop": _rmsprop, "Adagrad": _adagrad,
    }.get(kind)
    generic = [Statement(f"W := {kind} step of W with g", rf"W &:= \mathrm{{{kind}}}(W, g)")]
    statements = rules(config) if rules else generic
    if config.get("weight_decay"):
        statements.insert(0, Statement(f"W := W - α · {config['weight_decay']:g} · W   (decoupled weight decay)",
                                       rf"W &:= W - \alpha \cdot {config['weight_decay']:g} W"))
    statements[-1].shapes = f"{kind}: α = {rate}" + "".join(
        f", {_GREEK[key][0]} = {config[key]:g}" for key in ("momentum", "rho", "beta_1", "beta_2", "epsilon")
        if isinstance(config.get(key), (int, float)) and (key != "momentum" or config[key]))
    return statements


def _sgd(config):
    if not config.get("momentum"):
        return [Statement("W := W - α g", r"W &:= W - \alpha g")]
    step = Statement("v := μ v - α g", r"v &:= \mu v - \alpha g")
    if config.get("nesterov"):
        return [step, Statement("W := W + μ v - α g", r"W &:= W + \mu v - \alpha g")]
    return [step, Statement("W := W + v", r"W &:= W + v")]


def _adam(config):
    return [Statement("m := β1 m + (1 - β1) g", r"m &:= \beta_1 m + (1 - \beta_1) g"),
            Statement("v := β2 v + (1 - β2) g²", r"v &:= \beta_2 v + (1 - \beta_2) g^2"),
            Statement("W := W - α √(1 - β2^t) / (1 - β1^t) · m / (√v + ε)   (t: the step number)",
                      r"W &:= W - \alpha \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t} \frac{m}{\sqrt{v} + \epsilon}")]


def _rmsprop(config):
    return [Statement("v := ρ v + (1 - ρ) g²", r"v &:= \rho v + (1 - \rho) g^2"),
            Statement("W := W - α g / √(v + ε)", r"W &:= W - \frac{\alpha g}{\sqrt{v + \epsilon}}")]


def _adagrad(config):
    return [Statement("s := s + g²", r"s &:= s + g^2"),
            Statement("W := W - α g / √(s + ε)", r"W &:= W - \frac{\alpha g}{\sqrt{s + \epsilon}}")]


# --- shapes ------------------------------------------------------------------------------------------
def _shape(tensor):
    if tensor is None:
        return "?"
    return _dims(tuple(tensor.shape), batch=True)


def _dims(shape, batch=False):
    dims = ["m" if batch and i == 0 and d is None else ("?" if d is None else str(d)) for i, d in enumerate(shape)]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
