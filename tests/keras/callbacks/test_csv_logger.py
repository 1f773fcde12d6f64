import numpy as np
import pytest

from glassnet.keras.callbacks import CSVLogger


def read(path):
    with open(path, newline="") as file:
        return file.read()


def test_sorted_header_na_val_columns_and_full_floats(fit, model, tmp_path):
    path = tmp_path / "log.csv"
    fit(model, [CSVLogger(path)], [{"mae": np.float32(0.4), "loss": 0.25}, {"mae": 0.5, "loss": 0.125}])
    assert read(path) == ("epoch,loss,mae,val_loss,val_mae\r\n"
                          "0,0.25,0.4000000059604645,NA,NA\r\n"
                          "1,0.125,0.5,NA,NA\r\n")


def test_val_keys_present_no_extra_columns_and_separator(fit, model, tmp_path):
    path = str(tmp_path / "log.csv")
    fit(model, [CSVLogger(path, separator=";")], [{"val_loss": 0.5, "loss": 0.25}])
    assert read(path) == "epoch;loss;val_loss\r\n0;0.25;0.5\r\n"


def test_append_keeps_rows_and_writes_header_once(fit, model, tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path, append=True)
    fit(model, [logger], [{"loss": 1.0}])
    fit(model, [logger], [{"loss": 0.5}])
    assert read(path) == "epoch,loss,val_loss\r\n0,1.0,NA\r\n0,0.5,NA\r\n"


def test_without_append_each_fit_starts_afresh(fit, model, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old content\n")
    logger = CSVLogger(path)
    fit(model, [logger], [{"loss": 1.0}])
    fit(model, [logger], [{"loss": 0.5}])
    assert read(path) == "epoch,loss,val_loss\r\n0,0.5,NA\r\n"


def test_file_is_complete_after_each_epoch_even_if_training_fails(model, tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.set_model(model)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0})
    # no on_train_end (training crashed): the row is already on disk, nothing left open
    assert read(path) == "epoch,loss,val_loss\r\n0,1.0,NA\r\n"


def test_array_values_are_written_as_lists(model, tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"f1": np.array([0.5, 0.25]), "val_f1": "x"})
    assert read(path).splitlines()[1] == '0,"""[0.5, 0.25]""",x'


@pytest.mark.parametrize("kwargs, error, match", [
    ({"filename": 3}, TypeError, "filename=3"),
    ({"filename": "a.csv", "separator": ";;"}, ValueError, "separator=';;'"),
    ({"filename": "a.csv", "append": "yes"}, TypeError, "append='yes'"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        CSVLogger(**kwargs)
