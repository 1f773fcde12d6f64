"""TensorFlow's "Basic text classification" (tensorflow.org/tutorials/keras/text_classification) with only
the import changed: its custom standardization (tf.strings), TextVectorization adapted on a Dataset,
the Embedding model, and the export model that takes raw strings. The IMDB download is replaced by
made-up reviews in a Dataset of the same form (batches of (text, label)).

The tutorial's code is kept as it is written (two-space indents)."""
# ruff: noqa: E111, E114, E117, E231, F841
import re
import string

import numpy as np

import glassnet as tf
from glassnet.keras import layers, losses


def test_text_classification_tutorial():
    rng = np.random.default_rng(0)
    words_pos = ["great", "wonderful", "loved", "best", "fun"]
    words_neg = ["awful", "boring", "worst", "hated", "bad"]
    filler = ["the", "movie", "was", "a", "film", "plot", "<br />", "and", "it"]
    def review(label):
        words = list(rng.choice(filler, 8)) + list(rng.choice(words_pos if label else words_neg, 3))
        rng.shuffle(words)
        return " ".join(words).capitalize() + "!"
    labels = rng.integers(0, 2, 200)
    texts = np.array([review(label) for label in labels])
    batch_size = 32
    raw_train_ds = tf.data.Dataset.from_tensor_slices((texts[:160], labels[:160])).batch(batch_size)
    raw_val_ds = tf.data.Dataset.from_tensor_slices((texts[160:], labels[160:])).batch(batch_size)
    raw_test_ds = raw_val_ds

    def custom_standardization(input_data):
      lowercase = tf.strings.lower(input_data)
      stripped_html = tf.strings.regex_replace(lowercase, '<br />', ' ')
      return tf.strings.regex_replace(stripped_html,
                                      '[%s]' % re.escape(string.punctuation),
                                      '')
    max_features = 10000
    sequence_length = 250

    vectorize_layer = layers.TextVectorization(
        standardize=custom_standardization,
        max_tokens=max_features,
        output_mode='int',
        output_sequence_length=sequence_length)
    train_text = raw_train_ds.map(lambda x, y: x)
    vectorize_layer.adapt(train_text)
    def vectorize_text(text, label):
      text = tf.expand_dims(text, -1)
      return vectorize_layer(text), label
    text_batch, label_batch = next(iter(raw_train_ds))
    first_review, first_label = text_batch[0], label_batch[0]
    vectorized_review, _ = vectorize_text(first_review, first_label)
    train_ds = raw_train_ds.map(vectorize_text)
    val_ds = raw_val_ds.map(vectorize_text)
    test_ds = raw_test_ds.map(vectorize_text)
    AUTOTUNE = tf.data.AUTOTUNE
    train_ds = train_ds.cache().prefetch(buffer_size=AUTOTUNE)
    val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)
    test_ds = test_ds.cache().prefetch(buffer_size=AUTOTUNE)
    embedding_dim = 16
    model = tf.keras.Sequential([
      layers.Embedding(max_features, embedding_dim),
      layers.Dropout(0.2),
      layers.GlobalAveragePooling1D(),
      layers.Dropout(0.2),
      layers.Dense(1, activation='sigmoid')])
    model.compile(loss=losses.BinaryCrossentropy(),
                  optimizer='adam',
                  metrics=[tf.metrics.BinaryAccuracy(threshold=0.5)])
    epochs = 2
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=epochs, verbose=0)
    loss, accuracy = model.evaluate(test_ds, verbose=0)
    export_model = tf.keras.Sequential([
      vectorize_layer,
      model,
      layers.Activation('sigmoid')
    ])
    export_model.compile(
        loss=losses.BinaryCrossentropy(from_logits=False), optimizer="adam", metrics=['accuracy']
    )
    metrics = export_model.evaluate(raw_test_ds, return_dict=True, verbose=0)
    examples = tf.constant([
      "The movie was great!",
      "The movie was okay.",
      "The movie was terrible..."
    ])
    predictions = export_model.predict(examples, verbose=0)
    vocabulary = vectorize_layer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"] and "br" not in vocabulary
    assert not any(set(token) & set(string.punctuation) for token in vocabulary[2:])
    assert set(vocabulary[2:]) == set(filler + words_pos + words_neg) - {"<br />"}
    assert vectorized_review.shape == (1, sequence_length) and vectorized_review.dtype == np.int64
    assert 0 < vectorized_review.numpy()[0, 0] < len(vocabulary) and vectorized_review.numpy()[0, -1] == 0
    assert np.isfinite(loss) and 0 <= accuracy <= 1 and set(metrics) == {"accuracy", "loss"}
    assert predictions.shape == (3, 1) and ((predictions > 0.5) & (predictions < 1)).all()  # sigmoid twice
