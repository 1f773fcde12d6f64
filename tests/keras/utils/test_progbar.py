import io
import re

import pytest

from glassnet.keras.utils import Progbar
from glassnet.keras.utils import progbar as progbar_module

BAR = "\u2501"


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progbar_module, "_clock", clock)
    return clock


def bar(done):
    return f"\x1b[32m{BAR * done}\x1b[0m" * (done > 0) + f"\x1b[37m{BAR * (20 - done)}\x1b[0m"


def test_terminal_lines_match_keras(clock):
    out = FakeTTY()
    progbar = Progbar(4, stream=out)
    clock.now = 1.0
    progbar.update(1, [("loss", 0.5)])
    first = f"\r\x1b[1m1/4\x1b[0m {bar(5)} \x1b[1m3s\x1b[0m 1s/step - loss: 0.5000"
    assert out.getvalue() == first
    clock.now = 1.5
    progbar.update(2, [("loss", 0.3)])
    # per step: (1.5 - 1.0) / 1 (the first step is left out); eta 0.5 * 2 = 1s;
    # the value shown is Keras's average over steps: (0.5 + 0.3) / 2
    second = "\b" * 50 + f"\r\x1b[1m2/4\x1b[0m {bar(10)} \x1b[1m1s\x1b[0m 500ms/step - loss: 0.4000"
    assert out.getvalue() == first + second
    clock.now = 4.0
    progbar.update(4, [("loss", 0.25), ("mae", 1e-5)])
    # final: elapsed 4s; per step (4.0 - 1.0) / 3 = 1s; values shown as given
    third = "\b" * 53 + f"\r\x1b[1m4/4\x1b[0m {bar(20)} \x1b[1m4s\x1b[0m 1s/step - loss: 0.2500 - mae: 1.0000e-05\n"
    assert out.getvalue() == first + second + third


def test_shorter_line_is_padded_over_the_longer_one(clock):
    out = FakeTTY()
    progbar = Progbar(4, stream=out, stateful_metrics=["loss"])
    clock.now = 1.0
    progbar.update(1, [("loss", 1e-5)])  # visible width 4 + 20 + 3 + 8 + 19 = 54
    clock.now = 2.0
    progbar.update(2, [("loss", 0.5)])  # visible width 50
    assert out.getvalue().endswith(" 1s/step - loss: 0.5000" + " " * 4)
    assert "\b" * 54 + "\r" in out.getvalue()


def test_non_terminal_prints_only_the_final_line(clock):
    out = io.StringIO()
    progbar = Progbar(32, stream=out)
    for step in range(1, 33):
        clock.now = step * 0.002 + 0.01
        progbar.update(step, [("accuracy", 0.975), ("loss", 0.1234)])
    # per step after the first: (0.074 - 0.012) / 31 = 2ms
    assert out.getvalue() == "32/32 - 0s - 2ms/step - accuracy: 0.9750 - loss: 0.1234\n"
    assert not re.search("[\r\b\x1b]", out.getvalue())


def test_redraws_closer_than_interval_are_skipped(clock):
    out = FakeTTY()
    progbar = Progbar(10, stream=out, interval=0.05)
    for step, now in [(1, 0.01), (2, 0.02), (3, 0.03), (4, 0.07), (5, 0.08)]:
        clock.now = now
        progbar.update(step)
    assert out.getvalue().count("\r") == 2  # steps 1 and 4
    clock.now = 0.081
    progbar.update(10)  # the final update always prints
    assert out.getvalue().count("\r") == 3 and out.getvalue().endswith("\n")


def test_verbose_2_prints_the_final_line_with_signed_format(clock):
    out = FakeTTY()
    progbar = Progbar(3, verbose=2, stream=out)
    clock.now = 3.0
    progbar.update(1, [("loss", -0.5)])
    assert out.getvalue() == ""
    clock.now = 5.0
    progbar.update(3, [("loss", -0.5)])
    # per step after the first: (5.0 - 3.0) / 2
    assert out.getvalue() == "3/3 - 5s - 1s/step - loss: -5.0000e-01\n"


def test_verbose_1_pipe_formats_by_size(clock):
    out = io.StringIO()
    progbar = Progbar(3, stream=out)
    progbar.update(3, [("loss", -0.5), ("tiny", 0.001)])
    assert out.getvalue() == "3/3 - 0s - 0s/step - loss: -0.5000 - tiny: 1.0000e-03\n"


def test_verbose_0_prints_nothing(clock):
    out = FakeTTY()
    progbar = Progbar(2, verbose=0, stream=out)
    progbar.update(1)
    progbar.update(2)
    assert out.getvalue() == ""


def test_counts_are_right_aligned_to_the_target_width(clock):
    out = io.StringIO()
    Progbar(100, stream=out).update(7, finalize=True)
    assert out.getvalue().startswith("  7/100 - ")


def test_unknown_target(clock):
    out = FakeTTY()
    progbar = Progbar(None, stream=out)
    progbar.update(3)
    assert out.getvalue() == "\r      3/Unknown \x1b[1m0s\x1b[0m 0s/step"
    plain = io.StringIO()
    Progbar(None, stream=plain).update(3, finalize=True)
    assert plain.getvalue() == "3/Unknown - 0s - 0s/step\n"


def test_add_advances(clock):
    out = io.StringIO()
    progbar = Progbar(4, stream=out, stateful_metrics=["loss"])
    progbar.add(2, [("loss", 1.0)])
    assert out.getvalue() == ""
    progbar.add(2, [("loss", 2.0)])
    assert out.getvalue() == "4/4 - 0s - 0s/step - loss: 2.0000\n"


def test_writes_to_stdout_at_call_time(clock, capsys):
    progbar = Progbar(1)
    progbar.update(1, [("loss", 0.5)])
    assert capsys.readouterr().out == "1/1 - 0s - 0s/step - loss: 0.5000\n"


@pytest.mark.parametrize("value, text", [(0.5, "0.5000"), (0.0011, "0.0011"), (0.001, "1.0000e-03"),
                                         (-2.0, "-2.0000"), (0.0, "0.0000e+00"), (1234.5, "1234.5000")])
def test_format_value(value, text):
    assert progbar_module.format_value(value) == text


@pytest.mark.parametrize("seconds, text", [(0, " 0s/step"), (2.4, " 2s/step"), (0.25, " 250ms/step"),
                                           (5e-5, " 50us/step")])
def test_format_time(seconds, text):
    assert progbar_module._format_time(seconds, "step") == text


@pytest.mark.parametrize("seconds, text", [(45.7, "45s"), (125, "2:05"), (3725, "1:02:05")])
def test_format_eta(seconds, text):
    assert progbar_module._format_eta(seconds) == text


@pytest.mark.parametrize("kwargs, error, match", [
    ({"target": -1}, ValueError, "target=-1"),
    ({"target": 2.5}, ValueError, "target=2.5"),
    ({"target": 3, "width": 0}, ValueError, "width=0"),
    ({"target": 3, "verbose": 3}, ValueError, "verbose=3"),
    ({"target": 3, "interval": -1}, ValueError, "interval=-1"),
    ({"target": 3, "unit_name": 1}, TypeError, "unit_name=1"),
    ({"target": 3, "stream": "out"}, TypeError, "stream='out'"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Progbar(**kwargs)


def test_docstring_examples():
    import doctest
    result = doctest.testmod(progbar_module)
    assert result.attempted > 0 and result.failed == 0
