"""The IoU metrics on hand-built confusion matrices."""
import numpy as np
import pytest

from glassnet.keras import metrics

# y_true [0, 0, 1, 1, 2], y_pred [0, 1, 1, 1, 0]: cm rows true, columns predicted
#   [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
# class 0: tp 1, union 2 + 2 - 1 = 3 -> 1/3;  class 1: 2 / (2 + 3 - 2) = 2/3;  class 2: 0 / 1 = 0
Y_TRUE, Y_PRED = [0, 0, 1, 1, 2], [0, 1, 1, 1, 0]


def test_mean_iou_averages_the_classes():
    m = metrics.MeanIoU(num_classes=3)
    m.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(m.total_cm.numpy(), [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    assert float(m.result()) == pytest.approx((1 / 3 + 2 / 3 + 0) / 3, abs=1e-6)


def test_absent_classes_and_ignored_pixels_are_left_out():
    m = metrics.MeanIoU(num_classes=4, ignore_class=2)
    m.update_state(Y_TRUE + [7], Y_PRED + [1])      # the 2 is ignored, the 7 is out of range
    # cm [[1, 1], [0, 2]]: class 0: 1 / (1 + 2 - 1), class 1: 2 / (3 + 2 - 2); classes 2, 3 never appear
    assert float(m.result()) == pytest.approx((1 / 2 + 2 / 3) / 2, abs=1e-6)


def test_iou_of_chosen_classes_with_weights():
    m = metrics.IoU(num_classes=3, target_class_ids=[1])
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 3, 1, 1, 1])   # the (0 -> 1) pixel weighs 3
    assert float(m.result()) == pytest.approx(2 / (2 + 5 - 2), abs=1e-6)


def test_one_hot_and_binary_forms():
    one_hot = metrics.OneHotMeanIoU(num_classes=3)
    one_hot.update_state(np.eye(3)[Y_TRUE], np.eye(3)[Y_PRED] * 0.8 + 0.05)
    assert float(one_hot.result()) == pytest.approx(1 / 3, abs=1e-6)
    binary = metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    binary.update_state([0, 1, 1, 0], [0.2, 0.5, 0.4, 0.7])      # 0.5 counts as 1: tp 1, fp 1, fn 1
    assert float(binary.result()) == pytest.approx(1 / 3, abs=1e-6)


def test_state_is_an_int32_matrix_and_config_round_trips():
    m = metrics.MeanIoU(num_classes=3, ignore_class=0, name="miou")
    assert m.variables[0].name == "total_confusion_matrix" and m.variables[0].numpy().dtype == np.int32
    config = m.get_config()
    assert config == {"num_classes": 3, "name": "miou", "dtype": "int32", "ignore_class": 0,
                      "sparse_y_true": True, "sparse_y_pred": True, "axis": -1}
    assert metrics.MeanIoU.from_config(config).get_config() == config


@pytest.mark.parametrize("make, argument", [
    (lambda: metrics.MeanIoU(num_classes=0), "num_classes"),
    (lambda: metrics.IoU(num_classes=3, target_class_ids=[3]), "target_class_ids"),
    (lambda: metrics.MeanIoU(num_classes=3, sparse_y_true="no"), "sparse_y_true"),
])
def test_bad_arguments_are_named(make, argument):
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`"):
        make()
