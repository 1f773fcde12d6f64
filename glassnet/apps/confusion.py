"""The confusion matrix: how often each true label was predicted as each label."""
import numpy as np


def confusion_matrix(y_true, y_pred, classes):
    """Counts ``matrix[t, p]`` of the images with true label ``t`` predicted as ``p``.

    Args:
        y_true, y_pred: integer labels, shape ``(n,)``.
        classes: the number of labels, ``0 .. classes - 1``.

    Returns:
        An int64 array of shape ``(classes, classes)``; its diagonal holds the correct answers.

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 0, 1], classes=2).tolist()
        [[1, 0], [1, 1]]
    """
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def format_confusion(matrix):
    """The matrix as text: one row per true label, one column per predicted label."""
    width = max(len(str(matrix.max())), len(str(len(matrix) - 1))) + 2
    header = "true \\ predicted".ljust(17) + "".join(str(label).rjust(width) for label in range(len(matrix)))
    rows = [f"{label:>4}".ljust(17) + "".join(str(count).rjust(width) for count in row)
            for label, row in enumerate(matrix)]
    return "\n".join([header, *rows])
