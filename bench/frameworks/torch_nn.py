"""W1, W2 and W3 in idiomatic PyTorch: nn.Sequential, a DataLoader, torch.optim.Adam.

Initialisation and Adam's epsilon are set to Keras's (Glorot-uniform weights, zero biases,
epsilon 1e-7) so that the final losses compare like with like.
"""
import sys

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from bench import data, harness


def _keras_init(model):
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def course_model():
    return _keras_init(nn.Sequential(nn.Linear(400, 25), nn.Sigmoid(), nn.Linear(25, 15), nn.Sigmoid(),
                                     nn.Linear(15, 1), nn.Sigmoid()))


def mnist_model():
    return _keras_init(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                                     nn.Linear(256, 10)))


def train(model, loss_fn, x, y, size):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loader = DataLoader(TensorDataset(x, y), batch_size=size["batch"], shuffle=True)
    clock = harness.EpochClock()
    for _ in range(size["epochs"]):
        clock.start()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        clock.stop()
    return clock.seconds


def run_w1(args, size):
    x, y = (torch.from_numpy(a) for a in data.course_data(size["samples"], seed=args.seed))
    model = course_model()
    seconds = train(model, nn.BCELoss(), x, y, size)
    steps = size["epochs"] * harness.steps_per_epoch(size["samples"], size["batch"])
    with torch.no_grad():
        p = model(x).numpy()
    return {"us_per_step": sum(seconds) / steps * 1e6, "steps": steps,
            "loss": data.binary_crossentropy(p, y.numpy()), "accuracy": data.binary_accuracy(p, y.numpy())}


def run_w2(args, size):
    x_np, y_np = data.mnist_like_data(size["samples"], seed=args.seed)
    model = mnist_model()
    seconds = train(model, nn.CrossEntropyLoss(), torch.from_numpy(x_np), torch.from_numpy(y_np), size)
    with torch.no_grad():
        logits = model(torch.from_numpy(x_np)).numpy()
    return {"samples_per_s": harness.w2_speed(size["samples"], seconds), "epoch_s": seconds,
            "parameters": sum(p.numel() for p in model.parameters()),
            "loss": data.sparse_crossentropy_from_logits(logits, y_np), "accuracy": data.sparse_accuracy(logits, y_np)}


def run_w3(args, size):
    x_np, y_np = data.course_data(1000, seed=args.seed)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    model, loss_fn = course_model(), nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    one, rows = x[:1], torch.from_numpy(np.resize(x_np, (size["big_rows"], x_np.shape[1])))

    def predict(inputs):
        with torch.no_grad():
            return model(inputs).numpy()

    result = {"predict_one_us": harness.median_call_us(lambda: predict(one), size["predict_calls"]),
              "call_one_us": harness.median_call_us(lambda: model(one), size["call_calls"]),
              "predict_rows_ms": harness.median_call_us(lambda: predict(rows), size["big_repeats"]) / 1000}

    def train_step(call):
        i = (call * 32) % (len(x) - 31)
        optimizer.zero_grad()
        loss_fn(model(x[i:i + 32]), y[i:i + 32]).backward()
        optimizer.step()

    result.update(harness.repeated_training_memory(train_step, size["train_calls"]))
    return result


def main(argv=None):
    args = harness.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = {"w1": run_w1, "w2": run_w2, "w3": run_w3}[args.workload]
    measured = run(args, harness.sizes(args))
    versions = {"numpy": np.__version__, "torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    harness.write_result(args, "torch", versions, **measured)


if __name__ == "__main__":
    sys.exit(main())
