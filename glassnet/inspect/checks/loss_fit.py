"""Checks that the output layer's activation fits the compiled loss.

Keras's cross-entropies take probabilities by default (``from_logits=False``: the output is
clipped to [1e-7, 1 - 1e-7] and logged) or, with ``from_logits=True``, raw scores that the
loss turns into probabilities itself (sigmoid or softmax inside, fused for stability). So:

=========================  ==================  ========================================
output activation          from_logits         verdict
=========================  ==================  ========================================
sigmoid / softmax          False               right
linear                     True                right (the recommended form)
sigmoid / softmax          True                squashed twice: gradients shrink
linear                     False               scores clipped as if probabilities
relu, tanh, ...            either              cannot express the probabilities needed
=========================  ==================  ========================================

and sigmoid pairs with binary cross-entropy (each unit its own yes/no), softmax with the
categorical ones (one class out of K). Softmax over K > 1 units with binary cross-entropy is
flagged too, as Keras users are told on the forums: Keras computes it without complaint, but
it fits neither one-of-K targets (use a categorical loss) nor multi-label ones (use sigmoid).
"""
from glassnet.inspect.checks.report import Finding

_PROBABILITY = ("sigmoid", "softmax")


def output_for_loss(facts):
    """The findings for the output activation against the loss (none without a known pair)."""
    if facts.loss_kind not in ("binary", "categorical", "sparse") or facts.output_activation is None:
        return []
    layer, act, loss = facts.output_layer.name, facts.output_activation, facts.loss_name
    if act in _PROBABILITY and facts.from_logits:
        return [Finding(
            f"{act}_with_from_logits", layer,
            f"The last layer '{layer}' already applies {act}, and the loss {loss} has from_logits=True, "
            f"so it applies {act} again: probabilities are squashed twice and the gradients shrink.",
            "use activation='linear' on the last layer (recommended), or from_logits=False in the loss.")]
    if act == "linear" and not facts.from_logits:
        squash = "sigmoid" if facts.loss_kind == "binary" else "softmax"
        return [Finding(
            "logits_without_from_logits", layer,
            f"The last layer '{layer}' is linear (raw scores, any real number) but the loss {loss} has "
            "from_logits=False, so it takes them for probabilities: scores outside [0, 1] are clipped "
            "and give no useful gradient.",
            f"pass from_logits=True to the loss (recommended), or use activation='{squash}' on the last layer.")]
    if act not in (*_PROBABILITY, "linear"):
        return [Finding(
            "output_activation_for_crossentropy", layer,
            f"The last layer '{layer}' uses {act}, whose outputs are neither probabilities for {loss} "
            f"nor unrestricted scores (logits){_floor(act)}.",
            "use activation='linear' on the last layer with from_logits=True in the loss.")]
    return _kind_mismatch(facts, layer, act, loss)


def _kind_mismatch(facts, layer, act, loss):
    """A probability output of the wrong kind for the loss, or a width the loss cannot use."""
    width = facts.output_width
    if facts.loss_kind in ("categorical", "sparse") and width == 1:
        return [Finding(
            "one_unit_with_categorical_crossentropy", layer,
            f"{loss} compares K class probabilities, but the last layer '{layer}' has 1 unit: the softmax "
            "over one unit is always 1, so the loss is constant and nothing is learned.",
            "for two classes use Dense(1, activation='sigmoid') with BinaryCrossentropy; for K classes "
            "use K units.")]
    if facts.loss_kind == "binary" and act == "softmax" and width is not None and width > 1:
        return [Finding(
            "softmax_with_binary_crossentropy", layer,
            f"The last layer '{layer}' has softmax over {width} units but the loss is {loss}, which scores "
            "each unit as its own yes/no: softmax ties the units together (they sum to 1), so this is "
            "right for neither one-of-K nor multi-label targets.",
            "one class per sample: use CategoricalCrossentropy (one-hot y) or SparseCategoricalCrossentropy "
            "(integer y); several labels per sample: use activation='sigmoid'.")]
    if facts.loss_kind in ("categorical", "sparse") and act == "sigmoid":
        return [Finding(
            "sigmoid_with_categorical_crossentropy", layer,
            f"The last layer '{layer}' has sigmoid but the loss is {loss}, which expects the outputs to be "
            "one distribution over the classes: sigmoid outputs do not sum to 1.",
            "use activation='softmax' (or 'linear' with from_logits=True) on the last layer.")]
    return []


def _floor(act):
    floor = {"relu": 0, "relu6": 0, "softplus": 0, "exponential": 0, "tanh": -1, "elu": -1}.get(act)
    return "" if floor is None else f": {act} never goes below {floor}"
