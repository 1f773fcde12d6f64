"""The hand-written NumPy loop: the speed a Keras-style framework on NumPy can hope for.

All parameters live in one flat float32 buffer, and their gradients in another; each layer's
weight and bias are views into them. So Adam is one fused update over the whole buffer — about
a dozen NumPy calls per step however many layers there are. Same model, same formulas as Keras:
Glorot-uniform weights, zero biases, Adam with epsilon 1e-7, BCE clipped at 1e-7.
"""
import sys

import numpy as np

from bench import data, harness


class FlatNetwork:
    """Dense layers whose weights are views of one flat buffer, trained with a fused Adam."""

    def __init__(self, sizes, hidden, output, rng, learning_rate=1e-3):
        shapes = [s for fan_in, fan_out in zip(sizes[:-1], sizes[1:]) for s in ((fan_in, fan_out), (fan_out,))]
        total = sum(int(np.prod(s)) for s in shapes)
        self.theta, self.grad = np.zeros(total, np.float32), np.zeros(total, np.float32)
        self.params, self.grads = self._views(self.theta, shapes), self._views(self.grad, shapes)
        for weight in self.params[0::2]:
            limit = np.sqrt(6.0 / sum(weight.shape))
            weight[...] = rng.uniform(-limit, limit, weight.shape)
        self.hidden, self.output = hidden, output
        self.m, self.v, self.scratch = (np.zeros(total, np.float32) for _ in range(3))
        self.learning_rate, self.t = learning_rate, 0

    @staticmethod
    def _views(buffer, shapes):
        views, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            views.append(buffer[start:start + size].reshape(shape))
            start += size
        return views

    def forward(self, x):
        """The activations of every layer, input first."""
        activations = [x]
        layers = len(self.params) // 2
        for i in range(layers):
            z = activations[-1] @ self.params[2 * i]
            z += self.params[2 * i + 1]
            activations.append(_ACTIVATIONS[self.output if i == layers - 1 else self.hidden](z))
        return activations

    def backward(self, activations, delta):
        """Fill the flat gradient; `delta` is d(loss)/d(last pre-activation)."""
        for i in reversed(range(len(self.params) // 2)):
            np.matmul(activations[i].T, delta, out=self.grads[2 * i])
            np.sum(delta, axis=0, out=self.grads[2 * i + 1])
            if i:
                delta = delta @ self.params[2 * i].T
                delta *= _DERIVATIVES[self.hidden](activations[i])

    def adam_step(self):
        """Keras's Adam over the whole flat buffer at once, in place."""
        self.t += 1
        self.adam_update(self.theta, self.grad, self.m, self.v, self.scratch)

    def adam_update(self, theta, g, m, v, s, beta1=0.9, beta2=0.999, epsilon=1e-7):
        """Adam's step `self.t` on the flat buffers, or on the same slice of each (one thread's share)."""
        np.subtract(g, m, out=s)                         # m += (1 - b1) (g - m)
        s *= 1 - beta1
        m += s
        np.multiply(g, g, out=s)                         # v += (1 - b2) (g^2 - v)
        s -= v
        s *= 1 - beta2
        v += s
        rate = self.learning_rate * np.sqrt(1 - beta2**self.t) / (1 - beta1**self.t)
        np.sqrt(v, out=s)
        s += epsilon
        np.divide(m, s, out=s)
        s *= rate
        theta -= s


def _sigmoid(z):
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def _relu(z):
    return np.maximum(z, 0, out=z)


_ACTIVATIONS = {"sigmoid": _sigmoid, "relu": _relu, "linear": lambda z: z}
_DERIVATIVES = {"sigmoid": lambda a: a * (1 - a), "relu": lambda a: a > 0}


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def train_epoch(net, x, y, batch, rng, delta_of):
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch):
        index = order[start:start + batch]
        activations = net.forward(x[index])
        net.backward(activations, delta_of(activations[-1], y[index]))
        net.adam_step()


def _bce_delta(p, y):
    # sigmoid + BCE: d(mean loss)/dz = (p - y) / batch
    return (p - y) / len(y)


def _sparse_ce_delta(logits, y):
    delta = _softmax(logits)
    delta[np.arange(len(y)), y] -= 1
    delta /= len(y)
    return delta


def _train(net, x, y, size, rng, delta_of):
    clock = harness.EpochClock()
    for _ in range(size["epochs"]):
        clock.start()
        train_epoch(net, x, y, size["batch"], rng, delta_of)
        clock.stop()
    return clock


def run_w1(args, size, rng):
    x, y = data.course_data(size["samples"], seed=args.seed)
    net = FlatNetwork([400, 25, 15, 1], "sigmoid", "sigmoid", rng)
    seconds = _train(net, x, y, size, rng, _bce_delta).seconds
    steps = size["epochs"] * harness.steps_per_epoch(size["samples"], size["batch"])
    p = net.forward(x)[-1]
    return {"us_per_step": sum(seconds) / steps * 1e6, "steps": steps,
            "loss": data.binary_crossentropy(p, y), "accuracy": data.binary_accuracy(p, y)}


def run_w2(args, size, rng):
    x, y = data.mnist_like_data(size["samples"], seed=args.seed)
    net = FlatNetwork([784, 512, 256, 10], "relu", "linear", rng)
    clock = _train(net, x, y, size, rng, _sparse_ce_delta)
    logits = net.forward(x)[-1]
    return {**harness.steady_speed(size["samples"], clock),
            "parameters": int(net.theta.size),
            "loss": data.sparse_crossentropy_from_logits(logits, y), "accuracy": data.sparse_accuracy(logits, y)}


def run_w3(args, size, rng):
    x, y = data.course_data(1000, seed=args.seed)
    net = FlatNetwork([400, 25, 15, 1], "sigmoid", "sigmoid", rng)
    one, rows = x[:1], np.resize(x, (size["big_rows"], x.shape[1]))
    result = {"call_one_us": harness.median_call_us(lambda: net.forward(one)[-1], size["call_calls"]),
              "predict_rows_ms": harness.median_call_us(lambda: net.forward(rows)[-1], size["big_repeats"]) / 1000}
    result["predict_one_us"] = result["call_one_us"]

    def train_step(call):
        i = (call * 32) % (len(x) - 31)
        activations = net.forward(x[i:i + 32])
        net.backward(activations, _bce_delta(activations[-1], y[i:i + 32]))
        net.adam_step()

    result.update(harness.repeated_training_memory(train_step, size["train_calls"]))
    return result


def main(argv=None):
    args = harness.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    run = {"w1": run_w1, "w2": run_w2, "w3": run_w3}[args.workload]
    measured = run(args, harness.sizes(args), rng)
    harness.write_result(args, "numpy-loop", {"numpy": np.__version__}, **measured)


if __name__ == "__main__":
    sys.exit(main())
