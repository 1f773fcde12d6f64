"""Diagnostics' statistics and checks on small stand-in objects, with hand-worked numbers."""
import math
import warnings

import numpy as np
import pytest

from glassnet.inspect import TrainingWarning
from glassnet.inspect.diagnosis import curves, step_checks, thresholds
from glassnet.inspect.diagnosis.findings import Finding, Reporter
from glassnet.inspect.diagnosis.layer_stats import LayerStats, dead_share
from glassnet.inspect.diagnosis.record import Record

TH = thresholds.resolve({})


class StandIn:
    """The attributes of an inspect.step LayerTrace that the statistics read."""

    def __init__(self, name="dense", activation=None, weights=(), grads=(), updates=(), z=None, a=None):
        self.name, self.activation, self.z = name, activation, z
        self.weights, self.grads = list(weights), list(grads) or [None] * len(weights)
        self.updates = list(updates) or [None] * len(weights)  # aligned with the weights, as in a trace
        self.a = np.zeros((2, 1)) if a is None else a


def test_norms_and_update_ratio_by_hand():
    # |W| = sqrt(3^2 + 4^2 + 0^2) = 5; |dW| = sqrt(1 + 1 + 4) = sqrt(6); |update| = sqrt(0.09 + 0.16) = 0.5
    layer = StandIn(weights=[np.array([[3.0], [4.0]]), np.array([0.0])],
                    grads=[np.array([[1.0], [1.0]]), np.array([2.0])],
                    updates=[np.array([[0.3], [0.4]]), np.array([0.0])])
    stats = LayerStats(layer, saturation_z=5)
    assert stats.weight_norm == pytest.approx(5.0)
    assert stats.grad_norm == pytest.approx(math.sqrt(6))
    assert stats.update_ratio == pytest.approx(0.5 / 5.0)
    assert stats.mean_abs_grad == pytest.approx((1 + 1 + 2) / 3)
    assert stats.kernel_variances == [pytest.approx(0.5)]  # var([3, 4], ddof=1) = 0.5


def test_a_non_trainable_weight_counts_in_no_norm():
    layer = StandIn(weights=[np.array([3.0]), np.array([100.0])], grads=[np.array([1.0]), None],
                    updates=[np.array([0.3]), None])
    stats = LayerStats(layer, 5)
    assert stats.weight_norm == pytest.approx(3.0) and stats.update_ratio == pytest.approx(0.1)


def test_a_layer_without_weights_has_none():
    stats = LayerStats(StandIn(activation="relu", a=np.array([[0.0, 1.0]])), 5)
    assert stats.weight_norm is None and stats.grad_norm is None and stats.update_ratio is None
    assert stats.saturated is None and stats.dead == 0.5


def test_saturated_share_counts_z_beyond_the_limit():
    z = np.array([[6.0, -7.0, 0.5, 5.0]])  # |z| > 5: two of four (5.0 itself is not beyond)
    assert LayerStats(StandIn(activation="sigmoid", z=z), 5).saturated == 0.5
    assert LayerStats(StandIn(activation="relu", z=z), 5).saturated is None


def test_dead_share_counts_units_zero_on_every_row():
    values = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])  # unit 0 and unit 2 never fire
    assert dead_share(values) == pytest.approx(2 / 3)


def test_gradient_ratio_vanishing_and_exploding():
    first, last = StandIn("first", weights=[np.ones(2)]), StandIn("last", weights=[np.ones(2)])
    first.grads, last.grads = [np.full(2, 1e-6)], [np.full(2, 1e-2)]  # ratio 1e-4, |first| 1.4e-6
    stats = [LayerStats(first, 5), LayerStats(last, 5)]
    found = step_checks.gradients(stats, TH)
    assert [(f.check, f.layer) for f in found] == [("vanishing_gradient", "first")]
    first.grads, last.grads = [np.full(2, 100.0)], [np.full(2, 1.0)]  # ratio 100 > 70
    assert step_checks.gradients([LayerStats(first, 5), LayerStats(last, 5)], TH)[0].check == "exploding_gradient"
    assert step_checks.gradients([LayerStats(first, 5), LayerStats(last, 5)], {**TH, "exploding_ratio": 200}) == []


def test_non_finite_gradient_is_exploding():
    layer = StandIn(weights=[np.ones(2)], grads=[np.array([np.nan, 1.0])])
    assert step_checks.gradients([LayerStats(layer, 5)], TH)[0].check == "exploding_gradient"


def test_loss_not_decreasing_needs_a_window_without_a_new_best():
    assert curves.not_decreasing([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], TH) == []
    flat = [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert curves.not_decreasing(flat, TH)[0].check == "loss_not_decreasing"
    assert curves.not_decreasing(flat, {**TH, "window": 6}) == []


def test_slow_convergence_waits_for_the_judgment_point():
    creeping = [1.0, 0.999, 0.998, 0.997]
    assert curves.slow(creeping, TH, epochs=4)[0].check == "slow_convergence"
    assert curves.slow(creeping, TH, epochs=100) == []  # judged from 30% of 100 epochs on
    assert curves.slow(creeping, {**TH, "slow_delta": 1e-4}, epochs=4) == []


def test_oscillating_counts_paired_peaks_and_troughs():
    zigzag = [1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 1.0, 0.5]
    assert curves.oscillating(zigzag, TH, epochs=8)[0].check == "oscillating_loss"
    assert curves.oscillating([1.0, 0.8, 0.6, 0.5, 0.45, 0.4], TH, epochs=6) == []


def test_overfitting_needs_consecutive_epochs():
    loss, val = [1.0, 0.9, 0.8, 0.7], [1.0, 1.1, 1.2, 1.3]
    assert curves.overfitting(loss, val, TH)[0].check == "overfitting"
    assert curves.overfitting(loss, [1.0, 1.1, 1.0, 1.3], TH) == []
    assert curves.overfitting(loss, val, {**TH, "overfit_epochs": 4}) == []
    small = [1.0, 0.995, 0.99, 0.985], [1.0, 1.005, 1.01, 1.015]  # changes of 0.005: noise at epsilon 0.01
    assert curves.overfitting(*small, TH) == []
    assert curves.overfitting(*small, {**TH, "overfit_delta": 1e-3})[0].check == "overfitting"


def test_loss_size_negative_and_huge():
    assert curves.loss_size([-0.5], TH)[0].check == "negative_loss"
    assert curves.loss_size([2e3], TH)[0].check == "exploding_gradient"
    assert curves.loss_size([2e3], {**TH, "exploding_loss": 1e4}) == []


def test_thresholds_refuse_unknown_names_and_bad_values():
    with pytest.raises(TypeError, match="saturation_share"):
        thresholds.resolve({"saturation_shares": 0.3})
    with pytest.raises(ValueError, match="window"):
        thresholds.resolve({"window": 0})
    with pytest.raises(ValueError, match="finite"):
        thresholds.resolve({"update_max": float("nan")})
    assert thresholds.resolve({"window": 3})["window"] == 3


def test_record_fills_none_where_nothing_was_measured():
    record = Record()
    record.add_epoch(0, 0.5, None)  # no trace this epoch
    record.add_epoch(1, 0.4, None)
    record.add_layers([LayerStats(StandIn("d", activation="relu", weights=[np.ones(1)], grads=[np.ones(1)],
                                          updates=[np.full(1, 0.1)], a=np.ones((2, 1))), 5)])
    result = record.as_dict()
    assert result["epochs"] == [0, 1] and result["loss"] == [0.5, 0.4] and "val_loss" not in result
    curves_ = result["layers"]["d"]
    assert curves_["weight_norm"] == [None, 1.0] and curves_["saturated"] == [None, None]
    assert curves_["dead"] == [None, 0.0] and curves_["update_ratio"] == [None, pytest.approx(0.1)]


def test_each_check_warns_once_but_every_finding_is_kept():
    reporter = Reporter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in (1, 2):
            reporter.add(Finding("saturated", "80% beyond +-5.", "scale the inputs.", layer="Hidden", epoch=epoch))
    assert len(caught) == 1 and caught[0].category is TrainingWarning
    assert str(caught[0].message).startswith("Epoch 1, layer 'Hidden': 80% beyond +-5.")
    assert "Fix: scale the inputs. [saturated]" in str(caught[0].message)
    assert [f.epoch for f in reporter.findings] == [1, 2]


def test_mean_gradient_below_the_limit_is_vanishing():
    # DeepDiagnosis: mean |dJ/dW| < 1e-7; one layer alone (no ratio to take)
    layer = StandIn("only", weights=[np.ones(4)], grads=[np.full(4, 1e-8)])
    found = step_checks.gradients([LayerStats(layer, 5)], TH)
    assert [(f.check, f.layer) for f in found] == [("vanishing_gradient", "only")]
    assert step_checks.gradients([LayerStats(layer, 5)], {**TH, "vanishing_mean": 1e-9}) == []
