"""DeepDiagnosis's unchanged tensor: a layer with weights whose output on the sample stays the
same over `window` epochs has stopped learning (e.g. sigmoids saturated so hard that float32
rounds them to exactly 0 or 1, or ReLUs that all output 0)."""
import numpy as np

from glassnet.inspect.diagnosis.findings import Finding


class UnchangedOutputs:
    def __init__(self):
        self._last, self._same = {}, {}

    def check(self, stats, th):
        window, findings = int(th["window"]), []
        for s in stats:
            if not s.has_weights:
                continue
            last = self._last.get(s.name)
            same = last is not None and last.shape == s.output.shape and np.array_equal(last, s.output)
            self._same[s.name] = self._same.get(s.name, 1) + 1 if same else 1
            self._last[s.name] = s.output
            if self._same[s.name] >= window:
                findings.append(Finding("unchanged_output", f"its output on the sampled rows has not changed at all "
                                        f"over the last {window} epochs: the layer has stopped learning.",
                                        "look for saturated or dead units in this layer (the other warnings say "
                                        "which), scale the inputs, or check the learning rate is not 0.",
                                        layer=s.name))
        return findings
