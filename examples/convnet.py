"""Keras's MNIST convnet, on the handwritten digits glassnet ships, and what its filters see.

The layers are those of Keras's "Simple MNIST convnet" example: two 3x3 convolutions of 32 and
64 filters, each followed by a 2x2 max pooling, then Dropout and a softmax over the ten digits.
MNIST (28x28 pixels) is not shipped, so the images are the 8x8 UCI digits
(``glassnet.datasets.digits``), each pixel repeated 2x2 to make 16x16 images: large enough for
the two unpadded convolutions and poolings (16 -> 14 -> 7 -> 5 -> 2).

After training, ``glassnet.inspect.step`` runs one training step on a few test images, laid open
(without applying it), and ``glassnet.plot.feature_maps`` draws the first convolution's output
for one of them: one small picture per filter, showing where in the digit that filter responds.

Run: python examples/convnet.py [--epochs N] [--maps PATH]
"""
import argparse

import numpy as np

import glassnet as tf
from glassnet.datasets import digits
from glassnet.keras import layers
from glassnet.keras.models import Sequential

NUM_CLASSES = 10
INPUT_SHAPE = (16, 16, 1)


def load_images():
    """The shipped digits as (count, 16, 16, 1) float32 images in [0, 1], and their labels."""
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    return (_upsample(x_train), y_train), (_upsample(x_test), y_test)


def _upsample(images):
    """8x8 images, pixels 0..16, to 16x16 in [0, 1]: each pixel becomes a 2x2 block."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, 8, 8) / 16
    return images.repeat(2, axis=1).repeat(2, axis=2)[..., None]


def main(epochs=15, maps_path=None):
    (x_train, y_train), (x_test, y_test) = load_images()
    print("x_train shape:", x_train.shape, f"({len(x_train)} train and {len(x_test)} test samples)")
    # One-hot targets for categorical_crossentropy, as Keras's example does.
    y_train_hot = tf.keras.utils.to_categorical(y_train, NUM_CLASSES)
    y_test_hot = tf.keras.utils.to_categorical(y_test, NUM_CLASSES)

    tf.random.set_seed(1234)
    model = Sequential([
        layers.Input(shape=INPUT_SHAPE),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ])
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train_hot, batch_size=32, epochs=epochs, validation_split=0.1)

    loss, accuracy = model.evaluate(x_test, y_test_hot, verbose=0)
    print(f"test loss: {loss:.4f}")
    trace = tf.inspect.step(model, x_test[:8], y_test_hot[:8])  # the model is left unchanged
    maps = trace.layer("conv2d").a
    print(f"layer conv2d on test image 0 (a {y_test[0]}): {maps.shape[-1]} feature maps of "
          f"{maps.shape[1]}x{maps.shape[2]}; the filter responding most is channel "
          f"{int(np.argmax(maps[0].mean(axis=(0, 1))))}")
    _draw(trace, maps_path)
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy, maps


def _draw(trace, path):
    """The first convolution's feature maps of test image 0, written to `path` if matplotlib is there."""
    try:
        tf.plot.feature_maps(trace, "conv2d", sample=0, max_maps=16, path=path)
    except ImportError as error:
        print(f"feature maps not drawn: {error}")
        return
    print(f"feature maps drawn to {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--maps", default="convnet_feature_maps.png", metavar="PATH",
                        help="where to write the picture of the feature maps (convnet_feature_maps.png)")
    arguments = parser.parse_args()
    main(arguments.epochs, arguments.maps)
