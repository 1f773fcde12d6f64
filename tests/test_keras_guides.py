"""Keras's own guide programs, run as a new user would: the code as written, only the imports changed.

Sources (keras-io and tensorflow/docs):

- ``guides/making_new_layers_and_models_via_subclassing.py`` (TensorFlow edition, 2023/03/16)
- ``guides/custom_train_step_in_tensorflow.py`` ("Customizing what happens in fit()", 2023/06/27)
- ``guides/training_with_built_in_methods.py`` (Keras 3 edition, 2023/06/25)
- ``guides/writing_a_custom_training_loop_in_tensorflow.py`` (2023/06/25)
- ``guides/customizing_what_happens_in_fit.py`` (the TensorFlow 2 edition, 2020/04/15: compiled_loss)
- ``guides/intro_to_keras_for_researchers.py`` (TensorFlow edition, 2020/10/02)
- ``guides/keras_core/transfer_learning.py`` (the `trainable` sections) and
  ``guides/keras_core/writing_your_own_callbacks.py`` (2023/06/25)
- ``site/en/tutorials/customization/custom_layers.ipynb`` and ``custom_training.ipynb`` (TensorFlow)

The changes, each marked ``# SUBST`` where it is made:

- ``import tensorflow as tf`` -> ``import glassnet as tf``; ``import keras`` / ``from tensorflow import
  keras`` -> ``from glassnet import keras``.
- tf.keras 2's ``keras.backend.random_normal`` (gone from Keras 3) -> ``tf.random.normal``.
- MNIST: loaded by the guides' own ``keras.datasets.mnist.load_data()``, from a stand-in ``mnist.npz``
  in Keras's format that the ``keras_datasets`` fixture writes (random arrays of the same per-sample
  shape and dtype, fewer samples); ``tf.data`` datasets -> lists of batches or arrays.
- The training-loop guide's GAN: its Conv2D / Conv2DTranspose / Reshape / GlobalMaxPooling2D stacks ->
  Dense stacks on flattened 28 * 28 images (the GAN code itself is unchanged). The train-step guide's
  GAN runs its real networks, on 16 images in batches of 8 rather than 64.

Left out (other issues, or other files): the sections on several inputs and outputs (in
tests/test_keras_functional_guide.py and tests/test_keras_endpoint_example.py), tf.data, PyTorch
DataLoaders, Conv layers, BatchNormalization, TensorBoard, and the JAX edition of the train-step guide
(it is written against ``stateless_call`` and ``jax.value_and_grad``).
"""
import numpy as np
import pytest

import glassnet as tf  # SUBST: was `import tensorflow as tf`
from glassnet import keras  # SUBST: was `import keras` / `from tensorflow import keras`
from glassnet.keras import layers  # SUBST: was `from keras import layers`
from glassnet.keras import ops  # SUBST: was `from keras import ops`


def mnist_like(rng, n):
    """Random stand-ins for MNIST: uint8 images of 28 x 28 and uint8 labels in [0, 10)."""
    return rng.integers(0, 256, (n, 28, 28)).astype("uint8"), rng.integers(0, 10, (n,)).astype("uint8")


def values(variables):
    return [np.array(v.numpy()) for v in variables]


# ==================================================================================================
# Making new layers and models via subclassing
# ==================================================================================================
class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_mean(inputs))
        return inputs


def test_subclassing_the_layer_class():
    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            self.w = self.add_weight(
                shape=(input_dim, units), initializer="random_normal", trainable=True
            )
            self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    x = tf.ones((2, 2))
    linear_layer = Linear(4, 2)
    y = linear_layer(x)
    print(y)

    assert linear_layer.weights == [linear_layer.w, linear_layer.b]
    assert y.shape.as_list() == [2, 4]
    np.testing.assert_allclose(y.numpy(), np.ones((2, 2)) @ linear_layer.w.numpy(), rtol=1e-6)


def test_subclassing_non_trainable_weights():
    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(
                initializer="zeros", shape=(input_dim,), trainable=False
            )

        def call(self, inputs):
            self.total.assign_add(tf.reduce_sum(inputs, axis=0))
            return self.total

    x = tf.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    assert y.numpy().tolist() == [2.0, 2.0]
    y = my_sum(x)
    assert y.numpy().tolist() == [4.0, 4.0]

    assert len(my_sum.weights) == 1
    assert len(my_sum.non_trainable_weights) == 1
    assert my_sum.trainable_weights == []


def test_subclassing_deferred_weight_creation():
    x = tf.ones((2, 2))
    linear_layer = Linear(32)
    assert linear_layer.weights == [] and not linear_layer.built

    y = linear_layer(x)
    assert y.shape.as_list() == [2, 32]
    assert linear_layer.w.shape.as_list() == [2, 32]
    assert len(linear_layer.weights) == 2


def test_subclassing_layers_are_recursively_composable():
    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = tf.nn.relu(x)
            x = self.linear_2(x)
            x = tf.nn.relu(x)
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(tf.ones(shape=(3, 64)))  # The first call to the `mlp` will create the weights
    assert len(mlp.weights) == 6  # the guide prints "weights: 6"
    assert len(mlp.trainable_weights) == 6  # "trainable weights: 6"
    assert y.shape.as_list() == [3, 1]


def test_subclassing_add_loss():
    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    assert len(layer.losses) == 0  # No losses yet since the layer has never been called

    _ = layer(tf.zeros((1, 1)))
    assert len(layer.losses) == 1  # We created one loss value

    # `layer.losses` gets reset at the start of each __call__
    _ = layer(tf.ones((1, 1)))
    assert len(layer.losses) == 1  # This is the loss created during the call above
    assert float(layer.losses[0]) == pytest.approx(1e-2)


def test_subclassing_losses_include_inner_regularizers():
    class OuterLayerWithKernelRegularizer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(
                32, kernel_regularizer=keras.regularizers.l2(1e-3)
            )

        def call(self, inputs):
            return self.dense(inputs)

    layer = OuterLayerWithKernelRegularizer()
    _ = layer(tf.zeros((1, 1)))

    # This is `1e-3 * sum(layer.dense.kernel ** 2)`,
    # created by the `kernel_regularizer` above.
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) == pytest.approx(1e-3 * np.sum(layer.dense.kernel.numpy() ** 2), rel=1e-6)


def test_subclassing_add_loss_works_with_fit():
    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)

    # If there is a loss passed in `compile`, the regularization
    # losses get added to it
    x, y = np.random.random((2, 3)), np.random.random((2, 3))
    model.compile(optimizer="adam", loss="mse")
    with pytest.warns(UserWarning, match="trainable weights"):  # Keras warns too: nothing to train
        history = model.fit(x, y, verbose=0)
    expected = np.mean((x - y) ** 2) + 1e-2 * np.mean(x)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)

    # It's also possible not to pass any loss in `compile`,
    # since the model already has a loss to minimize, via the `add_loss`
    # call during the forward pass!
    model.compile(optimizer="adam")
    x = np.random.random((2, 3))
    with pytest.warns(UserWarning, match="trainable weights"):
        history = model.fit(x, np.random.random((2, 3)), verbose=0)
    assert history.history["loss"][0] == pytest.approx(1e-2 * np.mean(x), rel=1e-5)


class SerializableLinear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


class LinearWithBaseConfig(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def test_subclassing_get_config():
    layer = SerializableLinear(64)
    config = layer.get_config()
    assert config == {"units": 64}

    layer = LinearWithBaseConfig(64, name="my_linear")
    config = layer.get_config()
    # Keras: {'name': ..., 'trainable': True, 'dtype': <DTypePolicy config>, 'units': 64}
    assert config["units"] == 64 and config["name"] == "my_linear" and config["trainable"] is True


def test_subclassing_from_config():
    # Now you can recreate the layer from its config:
    layer = SerializableLinear(64)
    config = layer.get_config()
    new_layer = SerializableLinear.from_config(config)
    assert new_layer.units == 64

    layer = LinearWithBaseConfig(64)
    config = layer.get_config()
    new_layer = LinearWithBaseConfig.from_config(config)
    assert new_layer.units == 64 and new_layer.name == layer.name


def test_subclassing_training_argument():
    class CustomDropout(keras.layers.Layer):
        def __init__(self, rate, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate

        def call(self, inputs, training=False):
            if training:
                return tf.nn.dropout(inputs, rate=self.rate)
            return inputs

    layer = CustomDropout(0.5)
    x = tf.ones((200, 40))
    assert layer(x).numpy().tolist() == x.numpy().tolist()  # inference: the identity
    dropped = layer(x, training=True).numpy()
    assert set(np.unique(dropped)) == {0.0, 2.0} and abs((dropped == 0).mean() - 0.5) < 0.05


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.random.normal(shape=(batch, dim))  # SUBST: keras.backend.random_normal
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

    def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(keras.Model):
    """Combines the encoder and decoder into an end-to-end model for training."""

    def __init__(
        self,
        original_dim,
        intermediate_dim=64,
        latent_dim=32,
        name="autoencoder",
        **kwargs
    ):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        # Add KL divergence regularization loss.
        kl_loss = -0.5 * tf.reduce_mean(
            z_log_var - tf.square(z_mean) - tf.exp(z_log_var) + 1
        )
        self.add_loss(kl_loss)
        return reconstructed


def vae_data(keras_datasets):
    rng = np.random.default_rng(0)
    keras_datasets.mnist(mnist_like(rng, 192), mnist_like(rng, 16))  # SUBST: 192 + 16 images
    (x_train, _), _ = keras.datasets.mnist.load_data()
    return x_train.reshape(192, 784).astype("float32") / 255  # SUBST: 60000


def test_subclassing_vae_custom_training_loop(keras_datasets):
    original_dim = 784
    vae = VariationalAutoEncoder(original_dim, 64, 32)

    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    mse_loss_fn = keras.losses.MeanSquaredError()

    loss_metric = keras.metrics.Mean()

    x_train = vae_data(keras_datasets)
    train_dataset = [x_train[i:i + 64] for i in range(0, len(x_train), 64)]  # SUBST: tf.data batches

    epochs = 2
    epoch_means = []
    for epoch in range(epochs):  # noqa: B007 - the guide's loop
        for step, x_batch_train in enumerate(train_dataset):  # noqa: B007 - the guide's loop
            with tf.GradientTape() as tape:
                reconstructed = vae(x_batch_train)
                # Compute reconstruction loss
                loss = mse_loss_fn(x_batch_train, reconstructed)
                loss += sum(vae.losses)  # Add KLD regularization loss

            grads = tape.gradient(loss, vae.trainable_weights)
            optimizer.apply_gradients(zip(grads, vae.trainable_weights))

            loss_metric(loss)
        epoch_means.append(float(loss_metric.result()))

    assert len(vae.trainable_weights) == 10  # 5 Dense layers
    assert len(vae.losses) == 1
    assert epoch_means[1] < epoch_means[0]  # the running mean falls as the model learns


def test_subclassing_vae_fit(keras_datasets):
    x_train = vae_data(keras_datasets)
    vae = VariationalAutoEncoder(784, 64, 32)

    optimizer = keras.optimizers.Adam(learning_rate=1e-3)

    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    history = vae.fit(x_train, x_train, epochs=2, batch_size=64, verbose=0)

    losses = history.history["loss"]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert [layer.name for layer in vae.layers] == ["encoder", "decoder"]


# ==================================================================================================
# Customizing what happens in fit() with TensorFlow
# ==================================================================================================
def custom_model(cls):
    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    return cls(inputs, outputs)


def test_train_step_a_first_simple_example():
    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value
                # (the loss function is configured in `compile()`)
                loss = self.compute_loss(y=y, y_pred=y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Update metrics (includes the metric that tracks the loss)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)

            # Return a dict mapping metric names to current value
            return {m.name: m.result() for m in self.metrics}

    # Construct and compile an instance of CustomModel
    model = custom_model(CustomModel)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # Just use `fit` as usual
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history = model.fit(x, y, epochs=3, verbose=0)

    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]  # as Keras
    assert sorted(history.history) == ["loss", "mae"]  # compile_metrics' dict is flattened
    assert history.history["loss"][2] < history.history["loss"][0]


def test_train_step_going_lower_level():
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute our own loss
                loss = self.loss_fn(y, y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Compute our own metrics
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {
                "loss": self.loss_tracker.result(),
                "mae": self.mae_metric.result(),
            }

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch
            # or at the start of `evaluate()`.
            return [self.loss_tracker, self.mae_metric]

    model = custom_model(CustomModel)

    # We don't pass a loss or metrics here.
    model.compile(optimizer="adam")

    # Just use `fit` as usual -- you can use callbacks, etc.
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history = model.fit(x, y, epochs=5, verbose=0)

    assert sorted(history.history) == ["loss", "mae"]
    assert history.history["loss"][4] < history.history["loss"][0]
    # The metrics were reset at the start of each epoch: the last epoch's 32 batches only.
    assert float(model.loss_tracker.count.numpy()) == 32


def test_train_step_supporting_sample_weight():
    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value.
                # The loss function is configured in `compile()`.
                loss = self.compute_loss(
                    y=y,
                    y_pred=y_pred,
                    sample_weight=sample_weight,
                )

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Update the metrics.
            # Metrics are configured in `compile()`.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)

            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    # Construct and compile an instance of CustomModel
    model = custom_model(CustomModel)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # You can now use sample_weight argument
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    sw = np.random.random((1000, 1))
    history = model.fit(x, y, sample_weight=sw, epochs=3, verbose=0)
    assert history.history["loss"][2] < history.history["loss"][0]

    # The weights reach compute_loss: zero weights leave nothing to learn from (a fresh
    # optimizer, as Adam's moments from the fit above would still move the weights).
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    before = values(model.trainable_variables)
    history = model.fit(x, y, sample_weight=np.zeros((1000, 1)), epochs=1, verbose=0)
    assert history.history["loss"] == [0.0]
    for old, new in zip(before, values(model.trainable_variables)):
        np.testing.assert_array_equal(old, new)


def test_train_step_providing_your_own_evaluation_step():
    class CustomModel(keras.Model):
        def test_step(self, data):
            # Unpack the data
            x, y = data
            # Compute predictions
            y_pred = self(x, training=False)
            # Updates the metrics tracking the loss
            loss = self.compute_loss(y=y, y_pred=y_pred)
            # Update the metrics.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    # Construct an instance of CustomModel
    model = custom_model(CustomModel)
    model.compile(loss="mse", metrics=["mae"])

    # Evaluate with our custom test_step
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    loss, mae = model.evaluate(x, y, verbose=0)

    error = model.predict(x, verbose=0) - y
    # The guide's `metric.update_state(loss)` counts each batch once: the mean of the batch
    # losses (31 batches of 32, one of 8); MAE is averaged over the samples.
    batch_losses = [np.mean(error[i:i + 32] ** 2) for i in range(0, 1000, 32)]
    assert loss == pytest.approx(np.mean(batch_losses), rel=1e-5)
    assert mae == pytest.approx(np.mean(np.abs(error)), rel=1e-5)


def test_train_step_end_to_end_gan(keras_datasets):
    # Create the discriminator
    discriminator = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )

    # Create the generator
    latent_dim = 128
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            # We want to generate 128 coefficients to reshape into a 7x7x128 map
            layers.Dense(7 * 7 * 128),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator(1337)

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            # Sample random points in the latent space
            batch_size = tf.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine them with real images
            combined_images = tf.concat([generated_images, real_images], axis=0)

            # Assemble labels discriminating real from fake images
            labels = tf.concat(
                [tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0
            )
            # Add random noise to the labels - important trick!
            labels += 0.05 * keras.random.uniform(
                tf.shape(labels), seed=self.seed_generator
            )

            # Train the discriminator
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

            # Sample random points in the latent space
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Assemble labels that say "all real images"
            misleading_labels = tf.zeros((batch_size, 1))

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)

            # Update metrics and return their value.
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {
                "d_loss": self.d_loss_tracker.result(),
                "g_loss": self.g_loss_tracker.result(),
            }

    rng = np.random.default_rng(0)
    keras_datasets.mnist(mnist_like(rng, 12), mnist_like(rng, 4))  # SUBST: 12 + 4 images, not 60,000 + 10,000

    # Prepare the dataset. We use both the training & test MNIST digits.
    batch_size = 8  # SUBST: 64 (a 28x28x128 input to the 7x7 Conv2D: its window matrix is 20 MB an image)
    (x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
    all_digits = np.concatenate([x_train, x_test])
    all_digits = all_digits.astype("float32") / 255.0
    all_digits = np.reshape(all_digits, (-1, 28, 28, 1))

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )

    d_before, g_before = values(discriminator.weights), values(generator.weights)
    history = gan.fit(all_digits, batch_size=batch_size, epochs=1, verbose=0)  # SUBST: tf.data dataset

    assert sorted(history.history) == ["d_loss", "g_loss"]
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert len(gan.trainable_weights) == 14  # both networks are tracked through the attributes
    assert all((old != new).any() for old, new in zip(d_before, values(discriminator.weights)))
    assert all((old != new).any() for old, new in zip(g_before, values(generator.weights)))


# ==================================================================================================
# Training & evaluation with the built-in methods
# ==================================================================================================
def get_uncompiled_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def get_compiled_model():
    model = get_uncompiled_model()
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


@pytest.fixture
def mnist(keras_datasets):
    """The guide's loading and preprocessing, on random MNIST-shaped data (SUBST: 640 / 128 samples,
    not 60,000 / 10,000, and 128 for validation rather than 10,000)."""
    rng = np.random.default_rng(0)
    keras_datasets.mnist(mnist_like(rng, 640), mnist_like(rng, 128))
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

    # Preprocess the data (these are NumPy arrays)
    x_train = x_train.reshape(640, 784).astype("float32") / 255
    x_test = x_test.reshape(128, 784).astype("float32") / 255

    y_train = y_train.astype("float32")
    y_test = y_test.astype("float32")

    # Reserve 128 samples for validation
    x_val = x_train[-128:]
    y_val = y_train[-128:]
    x_train = x_train[:-128]
    y_train = y_train[:-128]
    return x_train, y_train, x_val, y_val, x_test, y_test


def test_builtin_api_overview(mnist):
    x_train, y_train, x_val, y_val, x_test, y_test = mnist
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(),  # Optimizer
        # Loss function to minimize
        loss=keras.losses.SparseCategoricalCrossentropy(),
        # List of metrics to monitor
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )

    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=2,
        # We pass some validation for
        # monitoring validation loss and metrics
        # at the end of each epoch
        validation_data=(x_val, y_val),
        verbose=0,
    )
    assert sorted(history.history) == [
        "loss", "sparse_categorical_accuracy", "val_loss", "val_sparse_categorical_accuracy"]
    assert all(len(v) == 2 for v in history.history.values())

    # Evaluate the model on the test data using `evaluate`
    results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    assert len(results) == 2  # "test loss, test acc"
    predicted = model.predict(x_test, verbose=0)
    assert results[1] == pytest.approx(np.mean(np.argmax(predicted, axis=1) == y_test))

    # Generate predictions (probabilities -- the output of the last layer)
    # on new data using `predict`
    predictions = model.predict(x_test[:3], verbose=0)
    assert predictions.shape == (3, 10)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)


def test_builtin_compile_with_objects_or_string_identifiers(mnist):
    x_train, y_train = mnist[:2]
    keras.utils.set_random_seed(1)
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    with_objects = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0).history

    keras.utils.set_random_seed(1)
    model = get_uncompiled_model()
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    with_strings = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0).history

    # "if you're satisfied with the default settings": the identifiers are the same objects
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert sorted(with_strings) == sorted(with_objects) == ["loss", "sparse_categorical_accuracy"]
    for key, value in with_objects.items():
        assert with_strings[key] == pytest.approx(value, rel=1e-6)


def test_builtin_custom_loss_function(mnist):
    x_train, y_train = mnist[:2]

    def custom_mean_squared_error(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)

    # We need to one-hot encode the labels to use MSE
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)

    assert model.loss is custom_mean_squared_error
    predictions = model.predict(x_train, verbose=0)
    after = model.evaluate(x_train, y_train_one_hot, batch_size=len(x_train), verbose=0)
    assert after == pytest.approx(np.mean((y_train_one_hot - predictions) ** 2), rel=1e-5)
    assert after < history.history["loss"][0] < 0.1  # one-hot targets: the error is below 1 / 10


def test_builtin_custom_loss_class(mnist):
    x_train, y_train = mnist[:2]

    class CustomMSE(keras.losses.Loss):
        def __init__(self, regularization_factor=0.1, name="custom_mse"):
            super().__init__(name=name)
            self.regularization_factor = regularization_factor

        def call(self, y_true, y_pred):
            mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
            reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
            return mse + reg * self.regularization_factor

    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())

    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])

    y_true = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    y_pred = np.array([[0.2, 0.6], [0.9, 0.3]], "float32")
    expected = np.mean(np.mean((y_true - y_pred) ** 2, axis=-1) + 0.1 * np.mean((0.5 - y_pred) ** 2, axis=-1))
    assert float(CustomMSE()(y_true, y_pred)) == pytest.approx(expected, rel=1e-6)


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(
            shape=(), name="ctp", initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        # The state of the metric will be reset at the start of each epoch.
        self.true_positives.assign(0.0)


def test_builtin_custom_metric(mnist):
    x_train, y_train = mnist[:2]
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=3, verbose=0)

    counts = history.history["categorical_true_positives"]
    assert len(counts) == 3
    # Labels of shape (batch,) against predictions of shape (batch, 1) broadcast to (batch, batch)
    # in the guide's code, under Keras as here (Keras counts ~6,500 per epoch on 1,000 samples);
    # the count restarts each epoch rather than accumulating.
    assert max(counts) < 1.5 * min(counts)

    metric = CategoricalTruePositives()
    metric.update_state(np.array([1.0, 2.0, 3.0]), np.eye(10)[[1, 2, 0]])
    assert float(metric.result()) == 2.0  # Keras: 2.0
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_builtin_losses_added_by_a_layer(mnist):
    x_train, y_train = mnist[:2]

    class ActivityRegularizationLayer(layers.Layer):
        def call(self, inputs):
            self.add_loss(ops.sum(inputs) * 0.1)
            return inputs  # Pass-through layer.

    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)

    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)

    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )

    # The displayed loss will be much higher than before
    # due to the regularization component.
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)

    # evaluate adds the layer's loss too: crossentropy + 0.1 * sum(activations of dense_1)
    x, y = x_train[:64], y_train[:64]
    loss = model.evaluate(x, y, batch_size=64, verbose=0)
    crossentropy = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model.predict(x, verbose=0)))
    kernel, bias = model.get_layer("dense_1").get_weights()
    penalty = 0.1 * np.sum(np.maximum(x @ kernel + bias, 0))
    assert loss == pytest.approx(crossentropy + penalty, rel=1e-4)


def test_builtin_validation_split(mnist):
    x_train, y_train = mnist[:2]
    model = get_compiled_model()
    history = model.fit(x_train, y_train, batch_size=64, validation_split=0.2, epochs=1, verbose=0)

    # The last 20% (103 of 512 samples, taken before any shuffling) are held out.
    val_loss, val_acc = model.evaluate(x_train[-103:], y_train[-103:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-5)
    assert history.history["val_sparse_categorical_accuracy"][0] == pytest.approx(val_acc)


class ExamplePyDataset(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = x
        self.y = y
        self.batch_size = batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        batch_x = self.x[idx * self.batch_size : (idx + 1) * self.batch_size]
        batch_y = self.y[idx * self.batch_size : (idx + 1) * self.batch_size]
        return batch_x, batch_y


def test_builtin_py_dataset(mnist):
    x_train, y_train, x_val, y_val = mnist[:4]
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32)

    model = get_compiled_model()
    history = model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset, epochs=1, verbose=0)

    loss, accuracy = model.evaluate(val_py_dataset, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(loss, rel=1e-6)
    assert (loss, accuracy) == pytest.approx(tuple(model.evaluate(x_val, y_val, verbose=0)), rel=1e-5)


def test_builtin_py_dataset_with_workers(mnist):
    x_train, y_train, x_val, y_val = mnist[:4]
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32, workers=4)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32, workers=4)

    model = get_compiled_model()
    history = model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset, epochs=1, verbose=0)
    assert sorted(history.history) == [
        "loss", "sparse_categorical_accuracy", "val_loss", "val_sparse_categorical_accuracy"]


def test_builtin_class_weights_and_sample_weights(mnist):
    x_train, y_train = mnist[:2]
    class_weight = {
        0: 1.0,
        1: 1.0,
        2: 1.0,
        3: 1.0,
        4: 1.0,
        # Set weight "2" for class "5",
        # making this class 2x more important
        5: 2.0,
        6: 1.0,
        7: 1.0,
        8: 1.0,
        9: 1.0,
    }

    keras.utils.set_random_seed(7)
    model = get_compiled_model()
    with_class_weight = model.fit(x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, verbose=0)

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0

    keras.utils.set_random_seed(7)
    model = get_compiled_model()
    with_sample_weight = model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, verbose=0)

    keras.utils.set_random_seed(7)
    model = get_compiled_model()
    unweighted = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)

    # The guide's two ways of weighting class 5 are the same weighting: the same training.
    assert with_class_weight.history["loss"] == pytest.approx(with_sample_weight.history["loss"], rel=1e-6)
    assert with_class_weight.history["loss"] != pytest.approx(unweighted.history["loss"], rel=1e-6)


def test_builtin_checkpointing_models(mnist, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    import os

    x_train, y_train = mnist[:2]
    model = get_compiled_model()

    callbacks = [
        keras.callbacks.ModelCheckpoint(
            # Path where to save the model
            # The two parameters below mean that we will overwrite
            # the current checkpoint if and only if
            # the `val_loss` score has improved.
            # The saved model name will include the current epoch.
            filepath="mymodel_{epoch}.keras",
            save_best_only=True,  # Only save a model if `val_loss` has improved.
            monitor="val_loss",
            verbose=1,
        )
    ]
    model.fit(x_train, y_train, epochs=2, batch_size=64, callbacks=callbacks, validation_split=0.2)
    assert "mymodel_1.keras" in os.listdir()

    # Prepare a directory to store all the checkpoints.
    checkpoint_dir = "./ckpt"
    if not os.path.exists(checkpoint_dir):
        os.makedirs(checkpoint_dir)

    def make_or_restore_model():
        # Either restore the latest model, or create a fresh one
        # if there is no checkpoint available.
        checkpoints = [checkpoint_dir + "/" + name for name in os.listdir(checkpoint_dir)]
        if checkpoints:
            latest_checkpoint = max(checkpoints, key=os.path.getctime)
            print("Restoring from", latest_checkpoint)
            return keras.models.load_model(latest_checkpoint)
        print("Creating a new model")
        return get_compiled_model()

    model = make_or_restore_model()
    callbacks = [
        # This callback saves the model every 100 batches.
        # We include the training loss in the saved model name.
        keras.callbacks.ModelCheckpoint(
            filepath=checkpoint_dir + "/model-loss={loss:.2f}.keras", save_freq=4  # SUBST: 100 batches
        )
    ]
    model.fit(x_train, y_train, epochs=1, callbacks=callbacks, verbose=0)
    saved = os.listdir(checkpoint_dir)
    assert saved and all(name.startswith("model-loss=") and name.endswith(".keras") for name in saved)
    restored = make_or_restore_model()
    assert restored.optimizer.iterations.numpy() > 0  # trained state, optimizer included


def test_builtin_early_stopping_callback(mnist):
    x_train, y_train = mnist[:2]
    model = get_compiled_model()

    callbacks = [
        keras.callbacks.EarlyStopping(
            # Stop training when `val_loss` is no longer improving
            monitor="val_loss",
            # "no longer improving" being defined as "no better than 1e-2 less"
            min_delta=1e-2,
            # "no longer improving" being further defined as "for at least 2 epochs"
            patience=2,
            verbose=0,
        )
    ]
    history = model.fit(
        x_train,
        y_train,
        epochs=20,
        batch_size=64,
        callbacks=callbacks,
        validation_split=0.2,
        verbose=0,
    )

    # Keras's rule, replayed on the recorded val_loss: stop once 2 epochs in a row fail to beat the
    # best by 1e-2.
    val_loss, best, wait, stopped = history.history["val_loss"], np.inf, 0, None
    for epoch, value in enumerate(val_loss):  # noqa: B007 - the guide's loop
        if value < best - 1e-2:
            best, wait = value, 0
        else:
            wait += 1
            if wait >= 2:
                stopped = epoch
                break
    assert stopped is not None and len(val_loss) == stopped + 1 < 20


def test_builtin_writing_your_own_callback(mnist):
    x_train, y_train = mnist[:2]

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    model = get_compiled_model()
    loss_history = LossHistory()
    history = model.fit(x_train, y_train, epochs=1, batch_size=64, callbacks=[loss_history], verbose=0)

    assert len(loss_history.per_batch_losses) == 8  # 512 samples in batches of 64
    assert loss_history.per_batch_losses[-1] == pytest.approx(history.history["loss"][0])


def test_builtin_learning_rate_schedule(mnist):
    x_train, y_train = mnist[:2]
    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )

    optimizer = keras.optimizers.RMSprop(learning_rate=lr_schedule)

    model = get_uncompiled_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
    assert int(optimizer.iterations.numpy()) == 8
    assert float(optimizer.learning_rate) == pytest.approx(0.1)  # staircase: no decay before 100,000 steps


# ==================================================================================================
# Writing a training loop from scratch in TensorFlow
# ==================================================================================================
def get_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x1 = keras.layers.Dense(64, activation="relu")(inputs)
    x2 = keras.layers.Dense(64, activation="relu")(x1)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


@pytest.fixture
def loop_data(keras_datasets):
    """The guide's data preparation (no scaling: it trains on raw uint8 pixels) on random MNIST-shaped
    data; SUBST: 384 samples of which 128 for validation, and lists of batches for tf.data."""
    rng = np.random.default_rng(0)
    keras_datasets.mnist(mnist_like(rng, 384), mnist_like(rng, 32))
    # Prepare the training dataset.
    batch_size = 32
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = np.reshape(x_train, (-1, 784))
    x_test = np.reshape(x_test, (-1, 784))

    # Reserve 128 samples for validation.
    x_val = x_train[-128:]
    y_val = y_train[-128:]
    x_train = x_train[:-128]
    y_train = y_train[:-128]

    train_dataset = [(x_train[i:i + batch_size], y_train[i:i + batch_size]) for i in range(0, 256, batch_size)]
    val_dataset = [(x_val[i:i + batch_size], y_val[i:i + batch_size]) for i in range(0, 128, batch_size)]
    return train_dataset, val_dataset


def test_loop_a_first_end_to_end_example(loop_data):
    train_dataset, _ = loop_data
    model = get_model()

    # Instantiate an optimizer.
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    # Instantiate a loss function.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    epochs = 3
    epoch_losses = []
    for epoch in range(epochs):  # noqa: B007 - the guide's loop
        losses = []
        # Iterate over the batches of the dataset.
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):  # noqa: B007 - the guide's loop
            # Open a GradientTape to record the operations run
            # during the forward pass, which enables auto-differentiation.
            with tf.GradientTape() as tape:
                # Run the forward pass of the layer.
                logits = model(x_batch_train, training=True)  # Logits for this minibatch

                # Compute the loss value for this minibatch.
                loss_value = loss_fn(y_batch_train, logits)

            # Use the gradient tape to automatically retrieve
            # the gradients of the trainable variables with respect to the loss.
            grads = tape.gradient(loss_value, model.trainable_weights)

            # Run one step of gradient descent by updating
            # the value of the variables to minimize the loss.
            optimizer.apply(grads, model.trainable_weights)
            losses.append(float(loss_value))
        epoch_losses.append(np.mean(losses))

    assert epoch_losses[2] < epoch_losses[0]
    assert int(optimizer.iterations.numpy()) == 3 * len(train_dataset)


def test_loop_low_level_handling_of_metrics(loop_data):
    train_dataset, val_dataset = loop_data
    # Get a fresh model
    model = get_model()

    # Instantiate an optimizer to train the model.
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    # Instantiate a loss function.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    # Prepare the metrics.
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    epochs = 2
    for epoch in range(epochs):  # noqa: B007 - the guide's loop
        # Iterate over the batches of the dataset.
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):  # noqa: B007 - the guide's loop
            with tf.GradientTape() as tape:
                logits = model(x_batch_train, training=True)
                loss_value = loss_fn(y_batch_train, logits)
            grads = tape.gradient(loss_value, model.trainable_weights)
            optimizer.apply(grads, model.trainable_weights)

            # Update training metric.
            train_acc_metric.update_state(y_batch_train, logits)

        # Display metrics at the end of each epoch.
        train_acc = train_acc_metric.result()
        assert 0.0 <= float(train_acc) <= 1.0

        # Reset training metrics at the end of each epoch
        train_acc_metric.reset_state()
        assert float(train_acc_metric.result()) == 0.0

        # Run a validation loop at the end of each epoch.
        for x_batch_val, y_batch_val in val_dataset:
            val_logits = model(x_batch_val, training=False)
            # Update val metrics
            val_acc_metric.update_state(y_batch_val, val_logits)
        val_acc = val_acc_metric.result()
        val_acc_metric.reset_state()

        x_val = np.concatenate([x for x, _ in val_dataset])
        y_val = np.concatenate([y for _, y in val_dataset])
        expected = np.mean(np.argmax(model(x_val).numpy(), axis=1) == y_val)
        assert float(val_acc) == pytest.approx(expected)


def test_loop_tf_function(loop_data):
    train_dataset, val_dataset = loop_data
    model = get_model()
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    @tf.function
    def test_step(x, y):
        val_logits = model(x, training=False)
        val_acc_metric.update_state(y, val_logits)

    first_losses = []
    for epoch in range(2):  # noqa: B007 - the guide's loop
        # Iterate over the batches of the dataset.
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):  # noqa: B007 - the guide's loop
            loss_value = train_step(x_batch_train, y_batch_train)
            first_losses.append(float(loss_value))
        train_acc_metric.reset_state()

        # Run a validation loop at the end of each epoch.
        for x_batch_val, y_batch_val in val_dataset:
            test_step(x_batch_val, y_batch_val)
        assert 0.0 <= float(val_acc_metric.result()) <= 1.0
        val_acc_metric.reset_state()

    per_epoch = len(train_dataset)
    assert np.mean(first_losses[per_epoch:]) < np.mean(first_losses[:per_epoch])


def test_loop_losses_tracked_by_the_model(loop_data):
    train_dataset, _ = loop_data

    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * tf.reduce_sum(inputs))
            return inputs

    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu")(inputs)
    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
            # Add any extra losses created during the forward pass.
            loss_value += sum(model.losses)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    x, y = train_dataset[0]
    kernel, bias = model.layers[1].get_weights()
    penalty = 1e-2 * np.sum(np.maximum(x @ kernel + bias, 0))
    logits = model(x).numpy()
    loss_value = train_step(x, y)

    assert len(model.losses) == 1  # the losses of the last forward pass only
    assert float(model.losses[0]) == pytest.approx(penalty, rel=1e-5)
    assert float(loss_value) == pytest.approx(float(loss_fn(y, logits)) + penalty, rel=1e-5)


def test_loop_end_to_end_gan(loop_data):
    train_dataset, _ = loop_data
    batch_size = 32
    # SUBST: the Conv2D discriminator on (28, 28, 1) -> Dense on flat images
    discriminator = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(64),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Dense(1),
        ],
        name="discriminator",
    )
    discriminator.summary(print_fn=lambda *args, **kwargs: None)

    latent_dim = 128

    # SUBST: the Conv2DTranspose generator -> Dense producing flat images
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            keras.layers.Dense(64),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Dense(784, activation="sigmoid"),
        ],
        name="generator",
    )

    # Instantiate one optimizer for the discriminator and another for the generator.
    d_optimizer = keras.optimizers.Adam(learning_rate=0.0003)
    g_optimizer = keras.optimizers.Adam(learning_rate=0.0004)

    # Instantiate a loss function.
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def train_step(real_images):
        # Sample random points in the latent space
        random_latent_vectors = tf.random.normal(shape=(batch_size, latent_dim))
        # Decode them to fake images
        generated_images = generator(random_latent_vectors)
        # Combine them with real images
        combined_images = tf.concat([generated_images, real_images], axis=0)

        # Assemble labels discriminating real from fake images
        labels = tf.concat(
            [tf.ones((batch_size, 1)), tf.zeros((real_images.shape[0], 1))], axis=0
        )
        # Add random noise to the labels - important trick!
        labels += 0.05 * tf.random.uniform(labels.shape)

        # Train the discriminator
        with tf.GradientTape() as tape:
            predictions = discriminator(combined_images)
            d_loss = loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, discriminator.trainable_weights)
        d_optimizer.apply(grads, discriminator.trainable_weights)

        # Sample random points in the latent space
        random_latent_vectors = tf.random.normal(shape=(batch_size, latent_dim))
        # Assemble labels that say "all real images"
        misleading_labels = tf.zeros((batch_size, 1))

        # Train the generator (note that we should *not* update the weights
        # of the discriminator)!
        with tf.GradientTape() as tape:
            predictions = discriminator(generator(random_latent_vectors))
            g_loss = loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, generator.trainable_weights)
        g_optimizer.apply(grads, generator.trainable_weights)
        return d_loss, g_loss, generated_images

    for step, (x, _) in enumerate(train_dataset[:4]):  # noqa: B007 - the guide's loop
        real_images = tf.constant(x.astype("float32") / 255.0)  # SUBST: MNIST scaled to [0, 1]
        d_loss, g_loss, generated_images = train_step(real_images)
        assert generated_images.shape.as_list() == [32, 784]
        assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert int(d_optimizer.iterations.numpy()) == int(g_optimizer.iterations.numpy()) == 4


# ==================================================================================================
# TensorFlow tutorials: Custom layers; Custom training: basics
# ==================================================================================================
def test_tutorial_custom_layers_dense():
    # In the tf.keras.layers package, layers are objects.
    layer = tf.keras.layers.Dense(100)
    with pytest.warns(UserWarning, match="input_shape"):  # as Keras 3, which prefers an Input layer
        layer = tf.keras.layers.Dense(10, input_shape=(None, 5))

    # To use a layer, simply call it.
    y = layer(tf.zeros([10, 5]))  # SUBST: tf.zeros
    assert y.shape.as_list() == [10, 10]

    # Layers have many useful methods.
    assert len(layer.variables) == 2
    # The variables are also accessible through nice accessors
    assert layer.kernel.shape.as_list() == [5, 10] and layer.bias.shape.as_list() == [10]


def test_tutorial_custom_layers_add_weight_with_a_positional_name():
    class MyDenseLayer(tf.keras.layers.Layer):
        def __init__(self, num_outputs):
            super(MyDenseLayer, self).__init__()  # noqa: UP008 - as the tutorial writes it
            self.num_outputs = num_outputs

        def build(self, input_shape):
            self.kernel = self.add_weight("kernel",
                                          shape=[int(input_shape[-1]),
                                                 self.num_outputs])

        def call(self, input):  # noqa: A002 - the tutorial's name
            return tf.matmul(input, self.kernel)

    layer = MyDenseLayer(10)
    # The tutorial was written for tf.keras 2, whose add_weight took the name first; glassnet
    # takes that order when the first argument is a string (Keras 3 refuses it).
    _ = layer(tf.zeros([10, 5]))  # Calling the layer `.builds` it.
    assert [v.name for v in layer.trainable_variables] == ["kernel"]
    assert layer.kernel.shape.as_list() == [5, 10]


TRUE_W = 3.0
TRUE_b = 2.0  # noqa: N816 - the tutorial's name
NUM_EXAMPLES = 1000


def test_tutorial_custom_training_basics():
    v = tf.Variable(1.0)
    # Use Python's `assert` as a debugging statement to test the condition
    assert v.numpy() == 1.0

    # Reassign the value `v`
    v.assign(3.0)
    assert v.numpy() == 3.0

    # Use `v` in a TensorFlow `tf.square()` operation and reassign
    v.assign(tf.math.square(v))  # SUBST: tf.square
    assert v.numpy() == 9.0

    class Model(object):
        def __init__(self):
            # Initialize the weights to `5.0` and the bias to `0.0`
            self.W = tf.Variable(5.0)  # noqa: N815 - the tutorial's name
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.W * x + self.b

    model = Model()

    assert model(3.0).numpy() == 15.0

    def loss(target_y, predicted_y):
        return tf.reduce_mean(tf.math.square(target_y - predicted_y))  # SUBST: tf.square

    inputs = tf.random.normal(shape=[NUM_EXAMPLES])
    noise = tf.random.normal(shape=[NUM_EXAMPLES])
    outputs = inputs * TRUE_W + TRUE_b + noise

    def train(model, inputs, outputs, learning_rate):
        with tf.GradientTape() as t:
            current_loss = loss(outputs, model(inputs))
        dW, db = t.gradient(current_loss, [model.W, model.b])  # noqa: N806 - the tutorial's name
        model.W.assign_sub(learning_rate * dW)
        model.b.assign_sub(learning_rate * db)

    model = Model()

    # Collect the history of W-values and b-values to plot later
    Ws, bs, losses = [], [], []  # noqa: N806 - the tutorial's name
    epochs = range(10)
    for epoch in epochs:  # noqa: B007 - the guide's loop
        Ws.append(model.W.numpy())
        bs.append(model.b.numpy())
        current_loss = loss(outputs, model(inputs))
        losses.append(float(current_loss))

        train(model, inputs, outputs, learning_rate=0.1)

    # W = 5.00 -> 3.25 and b = 0.00 -> 1.80 on the tutorial's run, heading for 3 and 2
    assert losses == sorted(losses, reverse=True)
    assert abs(Ws[-1] - TRUE_W) < abs(Ws[0] - TRUE_W) and abs(bs[-1] - TRUE_b) < abs(bs[0] - TRUE_b)
    assert 3.0 < Ws[-1] < 3.5 and 1.5 < bs[-1] < 2.0


# ==================================================================================================
# Customizing what happens in fit(), TensorFlow 2 edition (tf.keras 2's compiled_loss and
# compiled_metrics, as much user code still writes it)
# ==================================================================================================
def test_tf2_fit_guide_compiled_loss_and_metrics():
    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value
                # (the loss function is configured in `compile()`)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            # Update weights
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))
            # Update metrics (includes the metric that tracks the loss)
            self.compiled_metrics.update_state(y, y_pred)
            # Return a dict mapping metric names to current value
            return {m.name: m.result() for m in self.metrics}

    # Construct and compile an instance of CustomModel
    model = custom_model(CustomModel)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # Just use `fit` as usual
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history = model.fit(x, y, epochs=3, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    assert history.history["loss"][2] < history.history["loss"][0]


loss_tracker = keras.metrics.Mean(name="loss")
mae_metric = keras.metrics.MeanAbsoluteError(name="mae")


def test_tf2_fit_guide_going_lower_level():
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute our own loss
                loss = keras.losses.mean_squared_error(y, y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))

            # Compute our own metrics
            loss_tracker.update_state(loss)
            mae_metric.update_state(y, y_pred)
            return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch
            # or at the start of `evaluate()`.
            return [loss_tracker, mae_metric]

    model = custom_model(CustomModel)

    # We don't passs a loss or metrics here.
    model.compile(optimizer="adam")

    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history = model.fit(x, y, epochs=5, verbose=0)

    assert history.history["loss"][4] < history.history["loss"][0]
    # mean_squared_error gives one loss per sample: the last epoch's 1,000 samples, counted
    # from the reset at its start.
    assert float(loss_tracker.count.numpy()) == 1000


def test_tf2_fit_guide_test_step_with_compiled_loss():
    class CustomModel(keras.Model):
        def test_step(self, data):
            # Unpack the data
            x, y = data
            # Compute predictions
            y_pred = self(x, training=False)
            # Updates the metrics tracking the loss
            self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            # Update the metrics.
            self.compiled_metrics.update_state(y, y_pred)
            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    model = custom_model(CustomModel)
    model.compile(loss="mse", metrics=["mae"])

    # Evaluate with our custom test_step
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    loss, mae = model.evaluate(x, y, verbose=0)

    # tf.keras 2's compiled_loss weighs each batch's loss by its size: the mean over samples.
    error = model.predict(x, verbose=0) - y
    assert loss == pytest.approx(np.mean(error ** 2), rel=1e-5)
    assert mae == pytest.approx(np.mean(np.abs(error)), rel=1e-5)


# ==================================================================================================
# Transfer learning & fine-tuning: the `trainable` attribute
# ==================================================================================================
def test_transfer_learning_trainable_attribute():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))  # Create the weights
    assert (len(layer.weights), len(layer.trainable_weights), len(layer.non_trainable_weights)) == (2, 2, 0)

    layer = keras.layers.Dense(3)
    layer.build((None, 4))  # Create the weights
    layer.trainable = False  # Freeze the layer
    assert (len(layer.weights), len(layer.trainable_weights), len(layer.non_trainable_weights)) == (2, 0, 2)

    # Make a model with 2 layers
    layer1 = keras.layers.Dense(3, activation="relu")
    layer2 = keras.layers.Dense(3, activation="sigmoid")
    model = keras.Sequential([keras.Input(shape=(3,)), layer1, layer2])

    # Freeze the first layer
    layer1.trainable = False

    # Keep a copy of the weights of layer1 for later reference
    initial_layer1_weights_values = layer1.get_weights()
    initial_layer2_weights_values = layer2.get_weights()

    # Train the model
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.random((2, 3)), np.random.random((2, 3)), verbose=0)

    # Check that the weights of layer1 have not changed during training
    final_layer1_weights_values = layer1.get_weights()
    np.testing.assert_allclose(
        initial_layer1_weights_values[0], final_layer1_weights_values[0]
    )
    np.testing.assert_allclose(
        initial_layer1_weights_values[1], final_layer1_weights_values[1]
    )
    assert not np.allclose(initial_layer2_weights_values[0], layer2.get_weights()[0])


def test_transfer_learning_recursive_trainable():
    inner_model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dense(3, activation="relu"),
        ]
    )

    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            inner_model,
            keras.layers.Dense(3, activation="sigmoid"),
        ]
    )

    model.trainable = False  # Freeze the outer model

    assert inner_model.trainable == False  # noqa: E712 - All layers in `model` are now frozen
    assert inner_model.layers[0].trainable == False  # noqa: E712 - `trainable` is propagated recursively
    assert (len(model.trainable_weights), len(model.non_trainable_weights)) == (0, 6)

    model.trainable = True  # Keras sets every sub-layer back as well
    assert inner_model.layers[0].trainable and len(model.trainable_weights) == 6


# ==================================================================================================
# Writing your own callbacks
# ==================================================================================================
def get_callback_model():
    model = keras.Sequential()
    model.add(keras.layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model


@pytest.fixture
def callback_data(keras_datasets):
    rng = np.random.default_rng(0)
    keras_datasets.mnist(mnist_like(rng, 1000), mnist_like(rng, 1000))  # SUBST: random data of MNIST's shape
    # Load example MNIST data and pre-process it
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

    # Limit the data to 1000 samples
    return x_train[:1000], y_train[:1000], x_test[:1000], y_test[:1000]


class CustomCallback(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        keys = list(logs.keys())
        print("Starting training; got log keys: {}".format(keys))

    def on_train_end(self, logs=None):
        keys = list(logs.keys())
        print("Stop training; got log keys: {}".format(keys))

    def on_epoch_begin(self, epoch, logs=None):
        keys = list(logs.keys())
        print("Start epoch {} of training; got log keys: {}".format(epoch, keys))

    def on_epoch_end(self, epoch, logs=None):
        keys = list(logs.keys())
        print("End epoch {} of training; got log keys: {}".format(epoch, keys))

    def on_test_begin(self, logs=None):
        keys = list(logs.keys())
        print("Start testing; got log keys: {}".format(keys))

    def on_test_end(self, logs=None):
        keys = list(logs.keys())
        print("Stop testing; got log keys: {}".format(keys))

    def on_predict_begin(self, logs=None):
        keys = list(logs.keys())
        print("Start predicting; got log keys: {}".format(keys))

    def on_predict_end(self, logs=None):
        keys = list(logs.keys())
        print("Stop predicting; got log keys: {}".format(keys))

    def on_train_batch_begin(self, batch, logs=None):
        keys = list(logs.keys())
        print("...Training: start of batch {}; got log keys: {}".format(batch, keys))

    def on_train_batch_end(self, batch, logs=None):
        keys = list(logs.keys())
        print("...Training: end of batch {}; got log keys: {}".format(batch, keys))

    def on_test_batch_begin(self, batch, logs=None):
        keys = list(logs.keys())
        print("...Evaluating: start of batch {}; got log keys: {}".format(batch, keys))

    def on_test_batch_end(self, batch, logs=None):
        keys = list(logs.keys())
        print("...Evaluating: end of batch {}; got log keys: {}".format(batch, keys))

    def on_predict_batch_begin(self, batch, logs=None):
        keys = list(logs.keys())
        print("...Predicting: start of batch {}; got log keys: {}".format(batch, keys))

    def on_predict_batch_end(self, batch, logs=None):
        keys = list(logs.keys())
        print("...Predicting: end of batch {}; got log keys: {}".format(batch, keys))


def keras_transcript(kind, batches, end_keys):
    """The lines Keras 3.15 prints for `batches` batches of training, evaluation or prediction."""
    lines = []
    for batch in range(batches):
        lines.append(f"...{kind}: start of batch {batch}; got log keys: []")
        lines.append(f"...{kind}: end of batch {batch}; got log keys: {end_keys}")
    return lines


def test_callbacks_a_basic_example(callback_data, capsys):
    x_train, y_train, x_test, y_test = callback_data
    model = get_callback_model()
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=1,
        verbose=0,
        validation_split=0.5,
        callbacks=[CustomCallback()],
    )
    res = model.evaluate(
        x_test, y_test, batch_size=128, verbose=0, callbacks=[CustomCallback()]
    )
    res = model.predict(x_test, batch_size=128, verbose=0, callbacks=[CustomCallback()])  # SUBST: verbose=0
    assert res.shape == (1000, 1)

    metrics = ["loss", "mean_absolute_error"]
    with_val = metrics + ["val_loss", "val_mean_absolute_error"]
    expected = [
        "Starting training; got log keys: []",
        "Start epoch 0 of training; got log keys: []",
        *keras_transcript("Training", 4, metrics),
        "Start testing; got log keys: []",  # the validation at the end of the epoch
        *keras_transcript("Evaluating", 4, metrics),
        f"Stop testing; got log keys: {metrics}",
        f"End epoch 0 of training; got log keys: {with_val}",
        f"Stop training; got log keys: {with_val}",
        "Start testing; got log keys: []",
        *keras_transcript("Evaluating", 8, metrics),
        f"Stop testing; got log keys: {metrics}",
        "Start predicting; got log keys: []",
        *keras_transcript("Predicting", 8, ["outputs"]),
        "Stop predicting; got log keys: []",
    ]
    assert capsys.readouterr().out.splitlines() == expected  # line for line what Keras 3.15 prints


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Stop training when the loss is at its min, i.e. the loss stops decreasing.

    Arguments:
        patience: Number of epochs to wait after min has been hit. After this
        number of no improvement, training stops.
    """

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        # best_weights to store the weights at which the minimum loss occurs.
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # The number of epoch it has waited when loss is no longer minimum.
        self.wait = 0
        # The epoch the training stops at.
        self.stopped_epoch = 0
        # Initialize the best as infinity.
        self.best = np.inf  # SUBST: np.Inf, gone from NumPy 2

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            # Record the best weights if current results is better (less).
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                print("Restoring model weights from the end of the best epoch.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


def test_callbacks_early_stopping_at_min_loss(callback_data):
    x_train, y_train = callback_data[:2]
    model = get_callback_model()
    early_stopping = EarlyStoppingAtMinLoss()
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=30,
        verbose=0,
        callbacks=[early_stopping],
    )

    losses = history.history["loss"]
    assert 0 < early_stopping.stopped_epoch == len(losses) - 1 < 29  # stopped by the callback
    assert losses[-1] >= min(losses[:-1])  # at the first epoch that did not improve
    for restored, best in zip(model.get_weights(), early_stopping.best_weights):
        np.testing.assert_array_equal(restored, best)


class CustomLearningRateScheduler(keras.callbacks.Callback):
    """Learning rate scheduler which sets the learning rate according to schedule.

    Arguments:
        schedule: a function that takes an epoch index
            (integer, indexed from 0) and current learning rate
            as inputs and returns a new learning rate as output (float).
    """

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        # Get the current learning rate from model's optimizer.
        lr = self.model.optimizer.learning_rate
        # Call schedule function to get the scheduled learning rate.
        scheduled_lr = self.schedule(epoch, lr)
        # Set the value back to the optimizer before this epoch starts
        self.model.optimizer.learning_rate = scheduled_lr
        print(f"\nEpoch {epoch}: Learning rate is {float(np.array(scheduled_lr))}.")


LR_SCHEDULE = [
    # (epoch to start, learning rate) tuples
    (3, 0.05),
    (6, 0.01),
    (9, 0.005),
    (12, 0.001),
]


def lr_schedule(epoch, lr):
    """Helper function to retrieve the scheduled learning rate based on epoch."""
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for i in range(len(LR_SCHEDULE)):
        if epoch == LR_SCHEDULE[i][0]:
            return LR_SCHEDULE[i][1]
    return lr


def test_callbacks_learning_rate_scheduling(callback_data, capsys):
    x_train, y_train = callback_data[:2]
    model = get_callback_model()
    model.fit(
        x_train[:128],  # SUBST: 128 of the 1,000 samples, to keep the test short
        y_train[:128],
        batch_size=64,
        epochs=15,
        verbose=0,
        callbacks=[
            CustomLearningRateScheduler(lr_schedule),
        ],
    )

    # What Keras 3.15 prints: the float32 variable's value, or the Python float just set.
    printed = [line for line in capsys.readouterr().out.splitlines() if line]
    assert printed[:4] == [
        "Epoch 0: Learning rate is 0.10000000149011612.",
        "Epoch 1: Learning rate is 0.10000000149011612.",
        "Epoch 2: Learning rate is 0.10000000149011612.",
        "Epoch 3: Learning rate is 0.05.",
    ]
    assert printed[-3:] == [
        "Epoch 12: Learning rate is 0.001.",
        "Epoch 13: Learning rate is 0.0010000000474974513.",
        "Epoch 14: Learning rate is 0.0010000000474974513.",
    ]
    assert float(np.array(model.optimizer.learning_rate)) == pytest.approx(0.001)


# ==================================================================================================
# Keras contract points found while porting the guides (user-written layers)
# ==================================================================================================
def test_build_receives_the_shape_of_each_call_argument():
    class ScaledSum(keras.layers.Layer):
        def build(self, a_shape, b_shape):
            self.w = self.add_weight(shape=(a_shape[-1],), initializer="ones")
            self.shapes = (a_shape[-1], b_shape[-1])

        def call(self, a, b):
            return a * self.w + b

    layer = ScaledSum()
    y = layer(tf.ones((2, 3)), tf.ones((2, 3)))
    assert y.numpy().tolist() == [[2.0] * 3] * 2  # Keras 3.15: build(a_shape=(2, 3), b_shape=(2, 3))
    assert layer.shapes == (3, 3) and len(layer.weights) == 1


def test_unnamed_weights_get_unique_names():
    layer = Linear(2)  # the guide's add_weight calls pass no name
    layer(tf.ones((1, 3)))
    paths = [v.path for v in layer.weights]
    assert len(set(paths)) == 2 and not any(path.endswith("/None") for path in paths)
    assert all(v.name.startswith("variable") for v in layer.weights)


# ==================================================================================================
# Introduction to Keras for researchers (TensorFlow edition)
# ==================================================================================================
def test_researchers_variables():
    initial_value = tf.random.normal(shape=(2, 2))
    a = tf.Variable(initial_value)

    new_value = tf.random.normal(shape=(2, 2))
    a.assign(new_value)
    for i in range(2):
        for j in range(2):
            assert a[i, j] == new_value[i, j]

    added_value = tf.random.normal(shape=(2, 2))
    a.assign_add(added_value)
    for i in range(2):
        for j in range(2):
            assert a[i, j] == new_value[i, j] + added_value[i, j]


def test_researchers_gradients():
    a = tf.random.normal(shape=(2, 2))
    b = tf.random.normal(shape=(2, 2))

    with tf.GradientTape() as tape:
        tape.watch(a)  # Start recording the history of operations applied to `a`
        c = tf.sqrt(tf.square(a) + tf.square(b))
        # What's the gradient of `c` with respect to `a`?
        dc_da = tape.gradient(c, a)
    np.testing.assert_allclose(dc_da.numpy(), (a / c).numpy(), rtol=1e-5)

    a = tf.Variable(a)

    with tf.GradientTape() as tape:
        c = tf.math.sqrt(tf.math.square(a) + tf.math.square(b))
        dc_da = tape.gradient(c, a)
    np.testing.assert_allclose(dc_da.numpy(), (a.numpy() / c.numpy()), rtol=1e-5)


def test_researchers_higher_order_gradients():
    a = tf.Variable(tf.random.normal(shape=(2, 2)))
    b = tf.random.normal(shape=(2, 2))

    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as tape:
            c = tf.math.sqrt(tf.math.square(a) + tf.math.square(b))
            dc_da = tape.gradient(c, a)
        d2c_da2 = outer_tape.gradient(dc_da, a)

    expected = b.numpy() ** 2 / c.numpy() ** 3
    np.testing.assert_allclose(d2c_da2.numpy(), expected, rtol=1e-4)


def test_researchers_layer_with_tf_variables():
    class Linear(keras.layers.Layer):
        """y = w.x + b"""

        def __init__(self, units=32, input_dim=32):
            super(Linear, self).__init__()  # noqa: UP008 - as the guide writes it
            w_init = tf.random_normal_initializer()
            self.w = tf.Variable(
                initial_value=w_init(shape=(input_dim, units), dtype="float32"),
                trainable=True,
            )
            b_init = tf.zeros_initializer()
            self.b = tf.Variable(
                initial_value=b_init(shape=(units,), dtype="float32"), trainable=True
            )

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    # Instantiate our layer.
    linear_layer = Linear(units=4, input_dim=2)

    # The layer can be treated as a function.
    # Here we call it on some data.
    y = linear_layer(tf.ones((2, 2)))
    assert y.shape == (2, 4)

    # The weight variables (created in `__init__`) are automatically
    # tracked under the `weights` property:
    assert linear_layer.weights == [linear_layer.w, linear_layer.b]

    class ComputeSum(keras.layers.Layer):
        """Returns the sum of the inputs."""

        def __init__(self, input_dim):
            super(ComputeSum, self).__init__()  # noqa: UP008 - as the guide writes it
            # Create a non-trainable weight.
            self.total = tf.Variable(initial_value=tf.zeros((input_dim,)), trainable=False)

        def call(self, inputs):
            self.total.assign_add(tf.reduce_sum(inputs, axis=0))
            return self.total

    my_sum = ComputeSum(2)
    x = tf.ones((2, 2))

    y = my_sum(x)
    assert y.numpy().tolist() == [2.0, 2.0]

    y = my_sum(x)
    assert y.numpy().tolist() == [4.0, 4.0]

    assert my_sum.weights == [my_sum.total]
    assert my_sum.non_trainable_weights == [my_sum.total]
    assert my_sum.trainable_weights == []


def test_researchers_training_and_inference_mode():
    class Dropout(keras.layers.Layer):
        def __init__(self, rate):
            super(Dropout, self).__init__()  # noqa: UP008 - as the guide writes it
            self.rate = rate

        def call(self, inputs, training=None):
            if training:
                return tf.nn.dropout(inputs, rate=self.rate)
            return inputs

    class MLPWithDropout(keras.layers.Layer):
        def __init__(self):
            super(MLPWithDropout, self).__init__()  # noqa: UP008 - as the guide writes it
            self.linear_1 = Linear(32)
            self.dropout = Dropout(0.5)
            self.linear_3 = Linear(10)

        def call(self, inputs, training=None):
            x = self.linear_1(inputs)
            x = tf.nn.relu(x)
            x = self.dropout(x, training=training)
            return self.linear_3(x)

    mlp = MLPWithDropout()
    x = tf.ones((64, 2))
    y_test = mlp(x, training=False)
    assert y_test.numpy().tolist() == mlp(x).numpy().tolist()  # inference twice: the same
    y_train = mlp(x, training=True)
    assert y_train.shape == y_test.shape and not np.allclose(y_train.numpy(), y_test.numpy())


def test_researchers_custom_model_with_its_own_optimizer():
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.accuracy = keras.metrics.SparseCategoricalAccuracy()
            self.loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            self.optimizer = keras.optimizers.Adam(learning_rate=1e-3)

        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                loss = self.loss_fn(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
            # Update metrics (includes the metric that tracks the loss)
            self.loss_tracker.update_state(loss)
            self.accuracy.update_state(y, y_pred)
            # Return a dict mapping metric names to current value
            return {"loss": self.loss_tracker.result(), "accuracy": self.accuracy.result()}

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch.
            return [self.loss_tracker, self.accuracy]

    inputs = keras.Input(shape=(784,), dtype="float32")
    x = keras.layers.Dense(32, activation="relu")(inputs)
    x = keras.layers.Dense(32, activation="relu")(x)
    outputs = keras.layers.Dense(10)(x)
    model = CustomModel(inputs, outputs)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    model.compile()
    # compile()'s default optimizer replaces the one set in __init__, in Keras as here
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)

    x_train, y_train = mnist_like(np.random.default_rng(0), 256)  # SUBST: the MNIST dataset
    history = model.fit(x_train.reshape(256, 784).astype("float32") / 255, y_train, batch_size=64, epochs=2,
                        verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]
    assert float(model.loss_tracker.count.numpy()) == 4  # reset at the start of the second epoch


def test_metric_result_is_a_tensor():
    # TensorFlow's "Custom training: walkthrough" tutorial style
    epoch_loss_avg = tf.keras.metrics.Mean()
    epoch_loss_avg.update_state(2.0)
    assert epoch_loss_avg.result().numpy() == 2.0
