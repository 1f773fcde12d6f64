"""Variable.numpy() gives a snapshot, not the live buffer."""
import numpy as np

from glassnet.autodiff import Variable


def test_variable_numpy_is_a_snapshot():
    w = Variable(np.array([1.0, 2.0], dtype="float32"))
    before = w.numpy()
    w.assign([5.0, 6.0])
    assert before.tolist() == [1.0, 2.0] and w.numpy().tolist() == [5.0, 6.0]
