"""The confusion matrix and its printout."""
import numpy as np

from glassnet.apps.confusion import confusion_matrix, format_confusion


def test_counts_true_rows_against_predicted_columns():
    # Two 0s (one taken for a 2), one 1, three 2s (one taken for a 1).
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 2, 1, 2, 1, 2], classes=3)
    assert matrix.tolist() == [[1, 0, 1],
                               [0, 1, 0],
                               [0, 1, 2]]
    assert np.trace(matrix) == 4 and matrix.sum() == 6


def test_printout_has_a_header_and_one_line_per_true_label():
    lines = format_confusion(np.array([[36, 0], [1, 35]])).splitlines()
    assert len(lines) == 3
    assert lines[0].split()[-2:] == ["0", "1"]
    assert lines[1].split() == ["0", "36", "0"] and lines[2].split() == ["1", "1", "35"]
