"""Every script in examples/ runs, with few epochs, and learns what it sets out to show."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROOT = EXAMPLES.parent


def _example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_network_learns_zeros_from_ones(capsys):
    accuracy = _example("seed_network").main(epochs=2)
    output = capsys.readouterr().out
    assert "Epoch 2/2" in output and "Trainable params: 10,431" in output  # 400*25+25 + 25*15+15 + 15+1
    assert accuracy >= 0.9


def test_coffee_roasting_data_is_the_courses_and_the_network_decides(capsys):
    example = _example("coffee_roasting")
    roasts, good = example.load_coffee_data()
    # The lab prints these first rows, and 43 good roasts of 200.
    assert roasts.shape == (200, 2) and good.shape == (200, 1) and int(good.sum()) == 43
    assert np.allclose(roasts[:2], [[185.32, 12.69], [259.92, 11.87]], atol=0.005) and good[:2, 0].tolist() == [1, 0]
    accuracy, decisions = example.main(epochs=2, tile=100)
    output = capsys.readouterr().out
    assert "Temperature Max, Min post normalization: 1.66, -1.69" in output
    assert "Duration    Max, Min post normalization: 1.79, -1.70" in output
    assert decisions.ravel().tolist() == [1, 0]  # 200 C for 13.9 min is good; 17 min is too long
    assert accuracy >= 0.9


def test_multiclass_softmax_gives_probabilities_from_logits(capsys):
    accuracy, probabilities = _example("multiclass_softmax").main(epochs=3)
    assert "category:" in capsys.readouterr().out
    assert probabilities.shape == (2000, 4)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5) and probabilities.min() >= 0
    assert accuracy >= 0.95


def test_regularized_model_trades_training_fit_for_simplicity(capsys):
    results = _example("regularized_model").main(epochs=40)
    output = capsys.readouterr().out
    assert "regularized model: training error" in output and "L2 penalty" in output
    complex_train, complex_cv = results["complex"]
    regularized_train, regularized_cv = results["regularized"]
    assert complex_train < 0.1 and complex_cv < 0.15 and regularized_cv < 0.15
    assert regularized_train >= complex_train


@pytest.mark.parametrize("arguments, last_words", [
    (["seed_network.py", "--epochs", "1"], "training accuracy: "),
    (["coffee_roasting.py", "--epochs", "1", "--tile", "2"], "training accuracy: "),
    (["multiclass_softmax.py", "--epochs", "1"], "training accuracy: "),
    (["regularized_model.py", "--epochs", "1"], "L2 penalty of the regularized model's weights: "),
    (["convnet.py", "--epochs", "1", "--maps", "{tmp}/maps.png"], "test accuracy: "),
    (["lstm_sentiment.py", "--epochs", "1"], "test accuracy: "),
])
def test_each_example_runs_from_the_command_line(arguments, last_words, tmp_path):
    script, *options = [argument.format(tmp=tmp_path) for argument in arguments]
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *options], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(last_words)


def test_convnet_learns_the_digits_and_draws_its_feature_maps(tmp_path, capsys):
    accuracy, maps = _example("convnet").main(epochs=5, maps_path=tmp_path / "maps.png")
    output = capsys.readouterr().out
    assert "Total params: 21,386" in output  # 9*32+32 + 9*32*64+64 + 2*2*64*10+10
    assert maps.shape == (8, 14, 14, 32) and maps.min() >= 0  # relu maps of the first convolution
    assert accuracy >= 0.9
    if importlib.util.find_spec("matplotlib"):
        assert (tmp_path / "maps.png").stat().st_size > 1000
    else:
        assert "feature maps not drawn: matplotlib is not installed" in output


def test_lstm_sentiment_learns_which_words_count_and_ignores_padding(capsys):
    example = _example("lstm_sentiment")
    reviews, labels = example.make_reviews(300, seed=0)
    good = [sum(w in example.GOOD for w in words) - sum(w in example.BAD for w in words) for words in reviews]
    assert all((count > 0) == label for count, label in zip(good, labels))  # more good words: positive
    padded = example.pad(reviews[:2], example.MAX_LENGTH)
    assert padded[0, -len(reviews[0]):].tolist() == reviews[0] and not padded[0, :-len(reviews[0])].any()
    accuracy, padding_effect = example.main(epochs=4)
    assert "(None, None, 16)" in capsys.readouterr().out  # the Embedding's output in the summary
    assert accuracy >= 0.9
    assert padding_effect < 1e-6  # masked: 20 more zeros in front change no prediction


def test_collaborative_filtering_learns_the_unrated_entries(capsys):
    costs, rmse, baseline = _example("collaborative_filtering").main(iterations=150)
    output = capsys.readouterr().out
    assert costs[-1] < costs[0] / 20  # the lab's cost falls by more than 20 times
    assert rmse < 0.75 * baseline  # and the held-out ratings are better than each movie's mean
    assert "for user 0: predicted" in output


def test_content_based_filtering_towers_learn_the_rating_rule(capsys):
    losses, test_loss, baseline, same_genre, vectors = _example("content_based_filtering").main(
        epochs=6, num_users=30, num_movies=30, verbose=0)
    output = capsys.readouterr().out
    assert "tf.math.l2_normaliz" in output and "(TFOpLambda)" in output  # the summary lists the ops
    assert losses[-1] < losses[0] / 3  # the training MSE falls by more than 3 times
    assert test_loss < 0.4 * baseline  # held-out ratings beat predicting the mean rating
    assert vectors.shape == (30, 32) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert same_genre >= 0.8  # the movie tower puts movies sharing a genre next to each other


def test_q_learning_approaches_the_known_q_values(capsys):
    learned, optimal = _example("q_learning").main(updates=1500)
    assert np.max(np.abs(learned - optimal)) < 0.05
    assert (learned.argmax(axis=1) == 1).all()  # the greedy policy walks right, to the goal
    assert "largest error of Q against Q*" in capsys.readouterr().out
