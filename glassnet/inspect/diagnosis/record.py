"""The curves Diagnostics records, in the format ``glassnet.plot.diagnostics`` reads::

    {"epochs": [0, 1, ...],                 # Keras's epoch indices, as History.epoch holds them
     "loss": [...], "val_loss": [...],      # val_loss only when fit validates
     "layers": {name: {"weight_norm": [...], "grad_norm": [...], "update_ratio": [...],
                       "saturated": [...], "dead": [...]}}}

One value per epoch in every list; None where a number does not apply (no weights, not a
sigmoid/tanh layer, not a ReLU layer) or was not measured (no sample to trace).
"""
import copy

LAYER_KEYS = ("weight_norm", "grad_norm", "update_ratio", "saturated", "dead")


class Record:
    def __init__(self):
        self.epochs, self.loss, self.val_loss, self.layers = [], [], [], {}

    def add_epoch(self, epoch, loss, val_loss):
        self.epochs.append(epoch)
        self.loss.append(loss)
        self.val_loss.append(val_loss)
        for curves in self.layers.values():
            for key in LAYER_KEYS:
                curves[key].append(None)

    def add_layers(self, stats):
        """This epoch's values (add_epoch first), one LayerStats per layer."""
        for s in stats:
            curves = self.layers.setdefault(s.name, {key: [None] * len(self.epochs) for key in LAYER_KEYS})
            for key in LAYER_KEYS:
                curves[key][-1] = getattr(s, key)

    def as_dict(self):
        result = {"epochs": list(self.epochs), "loss": list(self.loss)}
        if any(value is not None for value in self.val_loss):
            result["val_loss"] = list(self.val_loss)
        result["layers"] = copy.deepcopy(self.layers)
        return result
