"""Train a network to read handwritten digits: 0 vs 1 (the seed lecture), or all ten.

``glassnet digits`` trains the lecture's 25-15-1 sigmoid network to tell 0s from 1s;
``glassnet digits --classes 10`` trains 25-15-10 (relu, then softmax folded into the loss
with ``from_logits=True``) on all ten digits; ``--model cnn`` trains a small convnet instead
(:func:`build_cnn`: each 64-pixel row reshaped into its 8x8 image, 3x3 convolutions of 32, 32
and 64 filters with a 2x2 max pooling before the last, Dropout(0.4), then the output layer),
for 6 epochs on the training images and their copies moved a pixel up, down, left and right,
with Adam's learning rate falling from 0.003 to 0 along a cosine. All print the data, the model summary, the
progress (watched by ``inspect.Diagnostics``, which warns when training goes wrong), the test
accuracy and the confusion matrix, and write the model (``model.keras``, which Keras opens too)
and four pictures into ``--out``; ``--trace`` first prints one training step laid open.

The same model, by hand::

    model = Sequential([Input(shape=(64,)),
                        Dense(25, activation="relu"), Dense(15, activation="relu"), Dense(10)])
    model.compile(optimizer=Adam(0.001),
                  loss=SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x_train / 16, y_train, epochs=100, validation_split=0.05)
"""
import argparse
import os

import numpy as np

from glassnet import inspect
from glassnet.apps import digits_data, plots
from glassnet.apps.blas_threads import blas_threads
from glassnet.apps.confusion import confusion_matrix, format_confusion
from glassnet.keras import Input, Sequential, losses, optimizers
from glassnet.keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Reshape
from glassnet.keras.utils import set_random_seed

MODEL_FILE = "model.keras"
MODELS = ("mlp", "cnn")
HIDDEN = {"mlp": (25, 15), "cnn": (32, 32, 64)}
EPOCHS = {"mlp": 100, "cnn": 6}  # each of the cnn's epochs sees every image 5 times, shifted
CNN_LEARNING_RATE = 0.003  # Adam's start, decayed to 0 along a cosine over the run
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adagrad", "adamw")
ACTIVATIONS = ("sigmoid", "relu", "tanh", "elu", "selu", "gelu", "silu", "swish", "leaky_relu", "softplus", "linear")


def add_arguments(parser):
    """Declare ``glassnet digits``'s options on ``parser``; the command runs :func:`run`."""
    parser.add_argument("--classes", type=int, choices=(2, 10), default=2,
                        help="2: zeros vs ones, sigmoid output (default); 10: all digits, softmax output")
    parser.add_argument("--model", choices=MODELS, default="mlp",
                        help="mlp: Dense layers on the 64 pixels (default); cnn: 3x3 convolutions over the 8x8 "
                             "image, a 2x2 max pooling before the last, trained on the images and their copies "
                             "shifted by one pixel (5 times as many), with a cosine-decayed learning rate")
    parser.add_argument("--epochs", type=_positive(int),
                        help=f"passes over the training set ({EPOCHS['mlp']} for mlp, {EPOCHS['cnn']} for cnn)")
    parser.add_argument("--batch-size", type=_positive(int), default=32, help="images per step (32)")
    parser.add_argument("--hidden", type=_layer_sizes,
                        help="hidden layer sizes, comma-separated: units of the Dense layers for mlp (25,15), "
                             "filters of the convolutions for cnn (32,32,64)")
    parser.add_argument("--activation", choices=ACTIVATIONS,
                        help="hidden-layer activation (mlp: sigmoid for 2 classes, relu for 10; cnn: relu)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="adam", help="(adam)")
    parser.add_argument("--learning-rate", type=_positive(float),
                        help="(mlp: the optimizer's default, adam: 0.001; cnn: 0.003 at the start)")
    parser.add_argument("--validation-split", type=_fraction, default=0.05, metavar="FRACTION",
                        help="the last part of the training images, kept out of training to draw the "
                             "validation curves (0.05); 0 trains on all of them")
    parser.add_argument("--seed", type=int, default=1234, help="random seed; the same seed gives the same run (1234)")
    parser.add_argument("--data", metavar="PATH",
                        help="an .npz with x and y (or x_train, y_train, x_test, y_test), or the course's X.npy/y.npy")
    parser.add_argument("--out", metavar="FOLDER", default="glassnet-digits",
                        help="where to write the model and pictures (./glassnet-digits)")
    parser.add_argument("--threads", type=_positive(int), default=1,
                        help="threads for NumPy's matrix products (1: these networks are too small to share out, "
                             "and busy cores make OpenBLAS's threads wait for one another)")
    parser.add_argument("--trace", action="store_true",
                        help="before training, print one training step laid open: each layer's output, gradients "
                             "and update on the first batch (not applied: training is unchanged)")
    parser.add_argument("--quiet", action="store_true", help="print only the test accuracy")
    parser.set_defaults(run=run, parser=parser)


def run(args):
    """Train, evaluate and report as the options say; return the exit status (0)."""
    say = (lambda *lines: None) if args.quiet else (lambda *lines: print(*lines, sep="\n"))
    try:
        data = digits_data.load(args.data, args.classes)
    except digits_data.DataError as error:
        args.parser.error(str(error))
    pooled = args.model == "cnn" and len(args.hidden or HIDDEN["cnn"]) > 1
    if pooled and min(data.image_shape) < 2:
        args.parser.error(f"--model cnn pools 2x2 pixels, so it needs images of at least 2x2 pixels. "
                          f"Received images of {data.image_shape[0]}x{data.image_shape[1]} in {args.data}")
    say(f"Data: {data.describe()}")
    with blas_threads(args.threads):
        model, history, diagnostics = train(data, args)
    predicted = predict_labels(model, data.x_test, args.classes)
    right = int(np.sum(predicted == data.y_test))
    print(f"test accuracy: {right / len(predicted):.2%} ({right} of {len(predicted)} test images)")
    say("", "confusion matrix (rows: true label, columns: predicted label)",
        format_confusion(confusion_matrix(data.y_test, predicted, args.classes)), "")
    os.makedirs(args.out, exist_ok=True)
    written = _save(model, args.out, say)
    written += _draw(history, diagnostics, data, predicted, args.out, say)
    say("wrote: " + ", ".join(written))
    if written and written[0].endswith(".keras"):
        say(f"load the model in glassnet with glassnet.keras.models.load_model({written[0]!r}),",
            "or in Keras with keras.models.load_model(...) on the same file")
    return 0


def train(data, args):
    """Build, compile and fit the model the options describe, with Diagnostics watching; return
    the model, its History and the Diagnostics."""
    set_random_seed(args.seed)
    hidden = args.hidden or HIDDEN[args.model]
    epochs = args.epochs or EPOCHS[args.model]
    (x, y), validation = _split_validation(data, args.validation_split)
    if args.model == "cnn":
        model = build_cnn(args.classes, hidden, args.activation, data.image_shape)
        x, y = digits_data.shifted_copies(x, y, data.image_shape)
        steps = epochs * -(-len(x) // args.batch_size)  # batches per epoch, the last one partial
        learning_rate = optimizers.schedules.CosineDecay(args.learning_rate or CNN_LEARNING_RATE, steps)
    else:
        model = build_model(args.classes, hidden, args.activation, input_size=data.x_train.shape[1])
        learning_rate = args.learning_rate
    compile_model(model, args.classes, args.optimizer, learning_rate)
    if not args.quiet:
        model.summary()
        print(model.explain(), end="\n\n")  # the math behind the table: what fit will compute
    if args.trace:
        print(inspect.step(model, data.x_train[:args.batch_size], data.y_train[:args.batch_size]), end="\n\n")
    diagnostics = inspect.Diagnostics()
    history = model.fit(x, y, epochs=epochs, batch_size=args.batch_size, validation_data=validation,
                        verbose=0 if args.quiet else "auto", callbacks=[diagnostics])
    return model, history, diagnostics


def _split_validation(data, validation_split):
    """((x, y) to train on, (x, y) to validate on or None): the last part of the training images
    held out, as fit's `validation_split` does, but before the convnet's shifted copies are made,
    so that none of those is of a validation image."""
    split_at = int(len(data.x_train) * (1 - validation_split))
    validation = (data.x_train[split_at:], data.y_train[split_at:]) if split_at < len(data.x_train) else None
    return (data.x_train[:split_at], data.y_train[:split_at]), validation


def build_model(classes, hidden=(25, 15), activation=None, input_size=64):
    """``hidden`` Dense layers, then 1 sigmoid unit (2 classes) or ``classes`` logits.

    ``activation=None`` picks the lecture's choice: sigmoid for 2 classes, relu otherwise.
    """
    activation = activation or ("sigmoid" if classes == 2 else "relu")
    layers = [Input(shape=(input_size,))] + [Dense(units, activation=activation) for units in hidden]
    layers.append(Dense(1, activation="sigmoid") if classes == 2 else Dense(classes, activation="linear"))
    return Sequential(layers)


def build_cnn(classes, filters=(32, 32, 64), activation=None, image_shape=(8, 8)):
    """A small convnet on rows of pixels: each row reshaped into its image, one 3x3 convolution
    ('same' padding, so that an 8x8 image keeps its size) per entry of `filters` with a 2x2 max
    pooling before the last one, then Flatten, Dropout(0.4) and the output layer as
    :func:`build_model`'s. ``activation=None`` is relu."""
    activation = activation or "relu"
    layers = [Input(shape=(image_shape[0] * image_shape[1],)), Reshape((*image_shape, 1))]
    for i, count in enumerate(filters):
        if i == len(filters) - 1 and i > 0:
            layers.append(MaxPooling2D(2))
        layers.append(Conv2D(count, 3, padding="same", activation=activation))
    layers += [Flatten(), Dropout(0.4)]
    layers.append(Dense(1, activation="sigmoid") if classes == 2 else Dense(classes, activation="linear"))
    return Sequential(layers)


def compile_model(model, classes, optimizer="adam", learning_rate=None):
    """Binary cross-entropy for 2 classes; sparse categorical cross-entropy on logits for more."""
    optimizer = optimizers.get(optimizer)
    if learning_rate is not None:
        optimizer = type(optimizer)(learning_rate=learning_rate)
    loss = (losses.BinaryCrossentropy() if classes == 2
            else losses.SparseCategoricalCrossentropy(from_logits=True))
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])


def predict_labels(model, x, classes):
    """The predicted digit of each image: probability >= 0.5 for 2 classes, else the largest logit."""
    output = np.asarray(model.predict(x, verbose=0))
    return (output[:, 0] >= 0.5).astype(np.int64) if classes == 2 else np.argmax(output, axis=1)


def _save(model, folder, say):
    """``model.keras`` in the folder (a list of the path), or [] and why, without h5py."""
    path = os.path.join(folder, MODEL_FILE)
    try:
        model.save(path)
    except ImportError as error:
        say(f"model not saved: {error}")
        return []
    return [path]


def _draw(history, diagnostics, data, predicted, folder, say):
    images = data.x_test.reshape(-1, *data.image_shape)
    try:
        return [plots.plot_history(history.history, os.path.join(folder, "history.png")),
                plots.plot_diagnostics(diagnostics, os.path.join(folder, "diagnostics.png")),
                plots.plot_mistakes(images, data.y_test, predicted, os.path.join(folder, "mistakes.png")),
                plots.plot_samples(images, data.y_test, predicted, os.path.join(folder, "samples.png"))]
    except ImportError as error:
        say(str(error))
        return []


def _positive(kind):
    """An argparse type: a number of type ``kind`` above zero."""
    noun = "a positive integer" if kind is int else "a positive number"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected {noun}. Received: {text!r}")
        return value
    return parse


def _fraction(text):
    """An argparse type: a number from 0 up to, but not including, 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 up to (not including) 1. Received: {text!r}")
    return value


def _layer_sizes(text):
    """An argparse type: ``"25,15"`` -> ``(25, 15)``, every size a positive integer."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, like 25,15. "
                                         f"Received: {text!r}")
    return sizes
