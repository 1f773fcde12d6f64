"""Benchmarks: glassnet beside tf.keras, PyTorch, scikit-learn and a hand-written NumPy loop.

`python -m bench.run` runs everything (see bench/README.md). Each framework and workload runs
in its own process from `bench/frameworks/`; `bench/run.py` interleaves the runs and
`bench/report.py` writes the Markdown table and the chart.
"""
