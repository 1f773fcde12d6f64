"""What a GradientTape watches, and for how long."""
import numpy as np

from glassnet.autodiff import GradientTape, Tensor, Variable


def test_watch_lasts_only_while_the_tape_records():
    x = Tensor(np.array(2.0))
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).numpy() == 4.0
    with GradientTape() as later:
        z = x * x  # not watched by this tape
    assert later.gradient(z, x) is None


def test_watch_accessed_variables_false_watches_only_what_is_asked():
    w = Variable(np.array(3.0))
    v = Variable(np.array(5.0))
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = w * v
    grad_w, grad_v = tape.gradient(y, [w, v])
    assert grad_w is None and grad_v.numpy() == 3.0


def test_nested_tapes_watch_independently():
    x = Tensor(np.array(1.5))
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        assert inner.gradient(y, x).numpy() == 3 * 1.5**2
        assert x._watched == 1  # the inner tape let go; the outer still watches
    assert outer.gradient(y, x).numpy() == 3 * 1.5**2
    assert x._watched == 0

