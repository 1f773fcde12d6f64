"""The README's Python examples run as written."""
import os
import re
from pathlib import Path

import numpy as np
import pytest

from glassnet import backend, random
from glassnet.keras import naming

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def namespaces(tmp_path_factory):
    """Each Python block run once, as written (the first trains for 100 epochs: both tests below use that run),
    in a folder of its own: the examples write files (TensorBoard's logs)."""
    naming.reset()           # the autouse fresh_session's start: it runs after a module-scoped fixture
    random.set_seed(0)
    results = []
    folder, before = tmp_path_factory.mktemp("readme"), os.getcwd()
    os.chdir(folder)
    try:
        for block in _python_blocks():
            namespace = {"__folder__": folder}
            exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - running the docs is the test
            results.append(namespace)
    finally:
        os.chdir(before)
        backend.set_floatx("float32")
    return results


def test_readme_examples_run(namespaces):
    assert len(namespaces) >= 2
    for namespace in namespaces:
        assert "model" in namespace


def test_readme_seed_example_learns(namespaces):
    model, X, Y = namespaces[0]["model"], namespaces[0]["X"], namespaces[0]["Y"]
    assert np.mean((model.predict(X, verbose=0) >= 0.5) == Y) >= 0.98


# Each shell block in the README, and where it runs as written.
SHELL_BLOCKS = {
    'pip install -e ".[plots,h5]" && glassnet digits\n': "tests/test_cli.py runs glassnet digits",
    'pip install -e ".[test]" && python -m pytest\n': ".ci/run",
}


def test_every_code_block_is_covered():
    text = README.read_text()
    languages = re.findall(r"^```(.*)$", text, flags=re.M)[::2]  # the opening fences
    assert set(languages) <= {"python", "bash"}, languages
    assert len(_python_blocks()) == languages.count("python")
    shell = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    assert len(shell) == languages.count("bash")
    assert set(shell) <= set(SHELL_BLOCKS), "a new shell block in README.md: run it in a test or in .ci/run"


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text().splitlines(keepends=True)
    assert 'pip install -e ".[test]" && python -m pytest\n' in ci


def test_readme_tf_data_example_logs_what_fit_reports(namespaces):
    namespace = next(n for n in namespaces if "train" in n and "val" in n)
    history = namespace["model"].history.history
    assert {"loss", "precision", "auc", "val_loss", "val_precision", "val_auc"} <= set(history)
    assert all(len(values) == 3 for values in history.values())
    logs = namespace["__folder__"] / "logs"
    for folder in ("train", "validation"):
        assert list((logs / folder).glob("events.out.tfevents.*")), folder
