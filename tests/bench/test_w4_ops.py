"""bench/w4_ops.py runs and prints a line per W4 op and their total; no timing is asserted."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_w4_ops_prints_each_op_forward_and_backward():
    done = subprocess.run([sys.executable, "-m", "bench.w4_ops", "--repeats", "1"], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0].strip() for line in lines] == [
        "conv1 3x3 1->32, relu", "pool1 2x2 on 26x26x32", "conv2 3x3 32->64, relu", "pool2 2x2 on 11x11x64",
        "dense 1600->10, softmax", "total", "conv1 + pool1 fused", "conv2 + pool2 fused", "total, the pairs fused"]
