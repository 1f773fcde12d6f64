"""The README's Python examples run as written."""
import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_examples_run():
    blocks = _python_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        namespace = {}
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - running the docs is the test
        assert "model" in namespace


def test_readme_seed_example_learns():
    namespace = {}
    block = _python_blocks()[0].replace("epochs=100)", "epochs=100, verbose=0)")
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102
    model, X, Y = namespace["model"], namespace["X"], namespace["Y"]
    assert np.mean((model.predict(X, verbose=0) >= 0.5) == Y) >= 0.98
