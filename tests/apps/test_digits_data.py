"""Where glassnet digits gets its images: the shipped set or the user's --data file."""
import numpy as np
import pytest

from glassnet.apps import digits_data


def test_shipped_digits_scaled_flattened_and_filtered():
    data = digits_data.load(classes=2)
    assert data.x_train.shape == (288, 64) and data.x_test.shape == (72, 64)
    assert data.x_train.dtype == np.float32 and data.x_train.max() == 1.0 and data.x_train.min() == 0.0
    assert set(data.y_train) == {0, 1} and np.bincount(data.y_test).tolist() == [36, 36]
    assert data.image_shape == (8, 8)
    assert "288 training and 72 test" in data.describe()
    assert digits_data.load(classes=10).x_train.shape == (1437, 64)


def test_npz_with_x_and_y_is_split_the_same_way_every_time(tmp_path):
    x = np.arange(50 * 16, dtype=np.uint8).reshape(50, 16) % 200
    y = np.arange(50) % 10
    np.savez(tmp_path / "mine.npz", x=x, y=y)
    first = digits_data.load(str(tmp_path / "mine.npz"))
    again = digits_data.load(str(tmp_path / "mine.npz"))
    assert len(first.x_train) == 40 and len(first.x_test) == 10 and first.image_shape == (4, 4)
    assert np.array_equal(first.y_test, again.y_test) and np.array_equal(first.x_train, again.x_train)
    assert first.x_train.max() <= 1.0
    assert sorted(np.concatenate([first.y_train, first.y_test])) == sorted(y)


def test_course_pair_is_read_from_its_folder_and_transposed(tmp_path):
    # The course stores each image column by column: image 0 here is a vertical stroke in column 1.
    image = np.zeros((20, 20))
    image[:, 1] = 1.0
    pixels = np.stack([image.T.ravel(), image.ravel()] * 10)
    np.save(tmp_path / "X.npy", pixels)
    np.save(tmp_path / "y.npy", np.array([[0], [1]] * 10, dtype=float))
    data = digits_data.load(str(tmp_path / "X.npy"), classes=2)
    assert data.image_shape == (20, 20) and len(data.x_train) == 16
    images = np.concatenate([data.x_train, data.x_test]).reshape(-1, 20, 20)
    labels = np.concatenate([data.y_train, data.y_test])
    assert np.array_equal(images[labels == 0][0], image)  # drawn upright


@pytest.mark.parametrize("content, message", [
    (b"not a zip file", "cannot read data file"),
    (None, "No such file"),
])
def test_unreadable_files_raise_data_error(tmp_path, content, message):
    path = tmp_path / "broken.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(digits_data.DataError, match=message):
        digits_data.load(str(path))


def test_wrong_arrays_are_named_in_the_error(tmp_path):
    np.savez(tmp_path / "other.npz", images=np.zeros((3, 4)))
    with pytest.raises(digits_data.DataError, match="expected arrays x and y.*images"):
        digits_data.load(str(tmp_path / "other.npz"))
    np.savez(tmp_path / "odd.npz", x=np.zeros((10, 5)), y=np.zeros(10))
    with pytest.raises(digits_data.DataError, match="square images"):
        digits_data.load(str(tmp_path / "odd.npz"))
    np.savez(tmp_path / "none.npz", x=np.zeros((10, 4)), y=np.full(10, 7))
    with pytest.raises(digits_data.DataError, match="no images labelled 0..1"):
        digits_data.load(str(tmp_path / "none.npz"), classes=2)


def test_shifted_copies_move_each_image_one_pixel_each_way():
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 9)  # one 3x3 image: 1 2 3 / 4 5 6 / 7 8 9
    copies, labels = digits_data.shifted_copies(x, np.array([7]), (3, 3))
    assert copies.shape == (5, 9) and labels.tolist() == [7] * 5
    assert copies.reshape(5, 3, 3).tolist() == [
        [[1, 2, 3], [4, 5, 6], [7, 8, 9]],  # unmoved
        [[4, 5, 6], [7, 8, 9], [0, 0, 0]],  # up
        [[0, 0, 0], [1, 2, 3], [4, 5, 6]],  # down
        [[2, 3, 0], [5, 6, 0], [8, 9, 0]],  # left
        [[0, 1, 2], [0, 4, 5], [0, 7, 8]],  # right
    ]
    two, two_labels = digits_data.shifted_copies(np.stack([x[0], -x[0]]), np.array([3, 4]), (3, 3))
    assert two_labels.tolist() == [3, 4] * 5 and np.array_equal(two[1], -two[0])  # one block per move
