"""``check_model(model, x, y)``: the mistakes that can be found before training.

The checks UMLAUT (CHI 2021) and NeuraLint run before ``fit``, each a :class:`Finding` with the
layer, what is wrong (naming the values seen) and the fix:

======================================  ========================================  ==========
check                                   fires on                                  needs
======================================  ========================================  ==========
softmax_with_from_logits                softmax output, crossentropy with          compile
sigmoid_with_from_logits                from_logits=True (sigmoid likewise)
logits_without_from_logits              linear output, crossentropy with           compile
                                        from_logits=False
output_activation_for_crossentropy      relu/tanh/... output with a crossentropy   compile
softmax_with_binary_crossentropy        softmax over K > 1 units with BCE          compile
sigmoid_with_categorical_crossentropy   sigmoid output with (sparse) categorical   compile
one_unit_with_categorical_crossentropy  1 output unit with (sparse) categorical    compile
softmax_on_one_unit                     softmax over 1 unit (always 1)             -
missing_activation                      a linear Dense feeding a Dense             -
dropout_rate_high                       Dropout rate > ``max_dropout`` (0.5)       -
normalization_not_adapted               a Normalization layer never adapted        -
learning_rate_too_high / _too_low       outside [1e-7, 0.01] (SGD: 0.1)            compile
integer_inputs                          x of an integer dtype                      x
unscaled_inputs                         max |x| > 10, or feature spreads > 100x    x
labels_outside_binary_range             BCE with y outside [0, 1]                  y
labels_exceed_output_width              sparse CE with y < 0 or y >= units         y
one_hot_labels_with_sparse_loss         sparse CE with one-hot y                   y
integer_labels_with_categorical_loss    categorical CE with one label per sample   y
one_hot_width_mismatch                  categorical CE, y columns != units         y
labels_outside_output_range             regression y outside the output            y
                                        activation's range (e.g. y < 0, relu)
======================================  ========================================  ==========

Checks that need what was not given are skipped (the report names them). Nothing about the
model changes; an unbuilt model given ``x`` may be built from it, as ``predict`` would.
"""
from glassnet.inspect.checks import architecture, data, loss_fit, optimizer
from glassnet.inspect.checks.facts import Facts
from glassnet.inspect.checks.report import Finding, ModelReport
from glassnet.keras import validation as check

__all__ = ["Finding", "ModelReport", "check_model"]


def check_model(model, x=None, y=None, *, max_dropout=0.5, max_input_abs=10.0, max_feature_scale_ratio=100.0,
                min_learning_rate=optimizer.MIN_LEARNING_RATE, max_learning_rate=None):
    """Check a model (and optionally its data) for the mistakes that need no training to see.

    Args:
        model: a Sequential or subclassed model; compiled for the loss and optimizer checks.
        x, y: the training inputs and targets (or a sample of them), for the data checks.
        max_dropout: the largest Dropout rate that passes (UMLAUT: 0.5).
        max_input_abs: the largest |x| that passes (inputs should be near [-1, 1]).
        max_feature_scale_ratio: the largest ratio of feature standard deviations that passes.
        min_learning_rate: the smallest learning rate that passes (UMLAUT: 1e-7).
        max_learning_rate: the largest learning rate that passes; None for 0.01 (UMLAUT), 0.1 for SGD.

    Returns a :class:`ModelReport`: a list of :class:`Finding` (``check``, ``layer``, ``problem``,
    ``fix``), with ``ok`` True when it is empty; print it for a table and a verdict.

    >>> from glassnet.keras import Input, layers, losses, models
    >>> model = models.Sequential([Input(shape=(2,)), layers.Dense(3), layers.Dense(4, activation="softmax")])
    >>> model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    >>> report = check_model(model)
    >>> report.checks
    ['missing_activation', 'softmax_with_from_logits']
    >>> report[1].fix
    "use activation='linear' on the last layer (recommended), or from_logits=False in the loss."
    >>> report.ok
    False
    """
    limits = _limits(model, max_dropout, max_input_abs, max_feature_scale_ratio, min_learning_rate,
                     max_learning_rate)
    facts = Facts(model, x, y)
    findings, skipped = _architecture(facts, limits["max_dropout"]), []
    compiled = getattr(model, "_compile_state", None) is not None
    if compiled:
        findings += loss_fit.output_for_loss(facts)
        if model.optimizer is not None:
            findings += optimizer.learning_rate(model.optimizer, limits["min_learning_rate"],
                                                limits["max_learning_rate"])
    else:
        skipped.append("loss and learning rate, the model is not compiled")
    if x is not None:
        findings += data.inputs(facts, x, limits["max_input_abs"], limits["max_feature_scale_ratio"])
    else:
        skipped.append("inputs, no x given")
    if y is not None:
        findings += data.labels(facts, y) if compiled else []
    else:
        skipped.append("labels, no y given")
    return ModelReport(findings, skipped)


def _architecture(facts, max_dropout):
    return (architecture.missing_activation(facts) + architecture.softmax_on_one_unit(facts)
            + architecture.dropout_rate(facts, max_dropout) + architecture.normalization_not_adapted(facts))


def _limits(model, max_dropout, max_input_abs, max_feature_scale_ratio, min_learning_rate, max_learning_rate):
    """Every argument checked before any work."""
    if not hasattr(model, "layers") or not hasattr(model, "_compile_state"):
        check.fail("model", model, "a glassnet model (Sequential or a Model subclass)", error=TypeError)
    return {"max_dropout": check.fraction("max_dropout", max_dropout),
            "max_input_abs": check.positive("max_input_abs", max_input_abs),
            "max_feature_scale_ratio": check.real("max_feature_scale_ratio", max_feature_scale_ratio, low=1.0),
            "min_learning_rate": check.non_negative("min_learning_rate", min_learning_rate),
            "max_learning_rate": check.optional(check.positive, "max_learning_rate", max_learning_rate)}
