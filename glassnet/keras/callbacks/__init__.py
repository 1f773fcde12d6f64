"""Callbacks: objects that `fit`, `evaluate` and `predict` call at fixed points.

``glassnet.keras.callbacks.EarlyStopping`` and the rest, as in Keras.
"""
from glassnet.keras.callbacks.backup_and_restore import BackupAndRestore
from glassnet.keras.callbacks.callback import Callback
from glassnet.keras.callbacks.callback_list import CallbackList
from glassnet.keras.callbacks.csv_logger import CSVLogger
from glassnet.keras.callbacks.early_stopping import EarlyStopping
from glassnet.keras.callbacks.history import History
from glassnet.keras.callbacks.lambda_callback import LambdaCallback
from glassnet.keras.callbacks.learning_rate_scheduler import LearningRateScheduler
from glassnet.keras.callbacks.model_checkpoint import ModelCheckpoint
from glassnet.keras.callbacks.monitor_callback import MonitorCallback
from glassnet.keras.callbacks.progbar_logger import ProgbarLogger
from glassnet.keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from glassnet.keras.callbacks.tensorboard import TensorBoard
from glassnet.keras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore", "Callback", "CallbackList", "CSVLogger", "EarlyStopping", "History", "LambdaCallback",
    "LearningRateScheduler", "ModelCheckpoint", "MonitorCallback", "ProgbarLogger", "ReduceLROnPlateau",
    "TerminateOnNaN",
]
__all__ += ["TensorBoard"]
