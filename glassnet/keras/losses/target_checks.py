"""Which target check (see targets.py) belongs to which built-in loss function.

`LossFunctionWrapper.validate_targets` looks its function up here, so that
fit/evaluate check the whole `y` once, before training, with the very check
the function itself runs on every direct call.
"""
from glassnet.keras.losses import crossentropy, margin, regression
from glassnet.keras.losses.targets import check_binary, check_categorical, check_regression, check_sparse

CHECKS = {
    crossentropy.binary_crossentropy: check_binary,
    crossentropy.categorical_crossentropy: check_categorical,
    crossentropy.sparse_categorical_crossentropy: check_sparse,
    crossentropy.kl_divergence: check_regression,
    regression.mean_squared_error: check_regression,
    regression.mean_absolute_error: check_regression,
    regression.mean_absolute_percentage_error: check_regression,
    regression.mean_squared_logarithmic_error: check_regression,
    regression.huber: check_regression,
    regression.log_cosh: check_regression,
    regression.poisson: check_regression,
    regression.cosine_similarity: check_regression,
    margin.hinge: check_regression,
    margin.squared_hinge: check_regression,
    margin.categorical_hinge: check_regression,
}
