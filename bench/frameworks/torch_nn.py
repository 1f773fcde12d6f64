"""W1-W5 in idiomatic PyTorch: nn.Sequential (or a small nn.Module), a DataLoader, torch.optim.Adam.

Initialisation and Adam's epsilon are set to Keras's (Glorot-uniform weights, zero biases,
epsilon 1e-7; for the LSTM an orthogonal recurrent kernel and a forget-gate bias of 1; for the
Embedding uniform in [-0.05, 0.05]) so that the final losses compare like with like.
"""
import sys

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from bench import data, flops, harness


def _keras_init(model):
    for layer in model:
        if isinstance(layer, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def course_model():
    return _keras_init(nn.Sequential(nn.Linear(400, 25), nn.Sigmoid(), nn.Linear(25, 15), nn.Sigmoid(),
                                     nn.Linear(15, 1), nn.Sigmoid()))


def mnist_model():
    return _keras_init(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                                     nn.Linear(256, 10)))


def convnet_model():
    """Keras's MNIST convnet; its softmax lives in CrossEntropyLoss, as PyTorch code has it."""
    return _keras_init(nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                                     nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10)))


class SentimentLSTM(nn.Module):
    """Embedding(20000, 128) -> LSTM(64), its last state -> Dense(1, sigmoid)."""

    def __init__(self, vocabulary=20000, embedding=128, units=64):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, units, batch_first=True)
        self.head = nn.Linear(units, 1)
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)
        nn.init.zeros_(self.lstm.bias_ih_l0)
        with torch.no_grad():  # Keras's unit_forget_bias; PyTorch's gate order is i, f, g, o
            self.lstm.bias_hh_l0.copy_(torch.zeros(4 * units).index_fill_(0, torch.arange(units, 2 * units), 1.0))
        _keras_init([self.head])

    def forward(self, words):
        _, (last, _) = self.lstm(self.embedding(words))
        return torch.sigmoid(self.head(last[-1]))


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
    return clock


def run_w1(args, size):
    x, y = (torch.from_numpy(a) for a in data.course_data(size["samples"], seed=args.seed))
    model = course_model()
    seconds = train(model, nn.BCELoss(), x, y, size).seconds
    steps = size["epochs"] * harness.steps_per_epoch(size["samples"], size["batch"])
    with torch.no_grad():
        p = model(x).numpy()
    return {"us_per_step": sum(seconds) / steps * 1e6, "steps": steps,
            "loss": data.binary_crossentropy(p, y.numpy()), "accuracy": data.binary_accuracy(p, y.numpy())}


def run_w2(args, size):
    x_np, y_np = data.mnist_like_data(size["samples"], seed=args.seed)
    model = mnist_model()
    clock = train(model, nn.CrossEntropyLoss(), torch.from_numpy(x_np), torch.from_numpy(y_np), size)
    with torch.no_grad():
        logits = model(torch.from_numpy(x_np)).numpy()
    return {**harness.steady_speed(size["samples"], clock),
            "parameters": sum(p.numel() for p in model.parameters()),
            "loss": data.sparse_crossentropy_from_logits(logits, y_np), "accuracy": data.sparse_accuracy(logits, y_np)}


def predict(model, x, batch=1000):
    """Outputs in inference mode (Dropout off), batch by batch, as Keras's predict(batch_size=1000)."""
    model.eval()
    with torch.no_grad():
        return np.concatenate([model(x[i:i + batch]).numpy() for i in range(0, len(x), batch)])


def run_w4(args, size):
    x_np, y_np = data.mnist_like_images(size["samples"], seed=args.seed)
    x = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))  # PyTorch's channels-first
    model = convnet_model()
    clock = train(model, nn.CrossEntropyLoss(), x, torch.from_numpy(y_np), size)
    probabilities = torch.softmax(torch.from_numpy(predict(model, x)), dim=1).numpy()
    return {**harness.steady_speed(size["samples"], clock),
            "parameters": sum(w.numel() for w in model.parameters()),
            "train_flops_per_sample": flops.training_flops(flops.convnet_macs()),
            "loss": data.categorical_crossentropy(probabilities, y_np),
            "accuracy": data.sparse_accuracy(probabilities, y_np)}


def run_w5(args, size):
    x_np, y_np = data.imdb_like_sequences(size["samples"], seed=args.seed, length=size["length"])
    x = torch.from_numpy(x_np.astype(np.int64))
    model = SentimentLSTM()
    clock = train(model, nn.BCELoss(), x, torch.from_numpy(y_np), size)
    p = predict(model, x)
    return {**harness.steady_speed(size["samples"], clock),
            "parameters": sum(w.numel() for w in model.parameters()),
            "train_flops_per_sample": flops.training_flops(flops.lstm_macs(size["length"])),
            "loss": data.binary_crossentropy(p, y_np), "accuracy": data.binary_accuracy(p, y_np)}


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
    run = {"w1": run_w1, "w2": run_w2, "w3": run_w3, "w4": run_w4, "w5": run_w5}[args.workload]
    measured = run(args, harness.sizes(args))
    versions = {"numpy": np.__version__, "torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    harness.write_result(args, "torch", versions, **measured)


if __name__ == "__main__":
    sys.exit(main())
