"""The Optimizer base: defaults, names, variables, learning rate, errors, config, get()."""
import warnings

import numpy as np
import pytest

from glassnet.autodiff import GradientTape, Variable
from glassnet.keras import naming, optimizers
from glassnet.keras.optimizers import schedules


@pytest.fixture(autouse=True)
def fresh_names():
    naming.reset()
    yield
    naming.reset()


def two_layer_variables():
    rng = np.random.default_rng(0)
    return [
        Variable(rng.normal(size=(3, 4)).astype("float32"), name="kernel", path="sequential/dense/kernel"),
        Variable(np.zeros(4, "float32"), name="bias", path="sequential/dense/bias"),
        Variable(rng.normal(size=(4, 1)).astype("float32"), name="kernel", path="sequential/dense_1/kernel"),
        Variable(np.zeros(1, "float32"), name="bias", path="sequential/dense_1/bias"),
    ]


def ones_like(variables):
    return [np.ones(v.shape, "float32") for v in variables]


# --- defaults and names -------------------------------------------------------------
@pytest.mark.parametrize("cls, expected", [
    (optimizers.SGD, {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
    (optimizers.Adam, {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}),
    (optimizers.AdamW, {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "epsilon": 1e-7}),
    (optimizers.RMSprop, {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}),
    (optimizers.Adagrad, {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7}),
])
def test_defaults(cls, expected):
    config = cls().get_config()
    for key, value in expected.items():
        assert np.isclose(config[key], value, rtol=1e-7), key


def test_learning_rate_is_a_float32_variable_read_back_like_keras():
    opt = optimizers.Adam(0.001)
    assert opt.learning_rate.dtype == np.float32
    assert np.isclose(opt.learning_rate.numpy(), 0.001)
    # float32(0.001) read back as a Python float
    assert opt.get_config()["learning_rate"] == 0.0010000000474974513


def test_auto_names_are_snake_case_and_unique():
    names = [optimizers.Adam().name, optimizers.Adam().name, optimizers.RMSprop().name,
             optimizers.AdamW().name, optimizers.SGD().name, optimizers.Adagrad().name]
    assert names == ["adam", "adam_1", "rm_sprop", "adam_w", "sgd", "adagrad"]
    assert optimizers.Adam(name="mine").name == "mine"


def test_iterations_start_at_zero_and_count_applies():
    opt = optimizers.SGD()
    assert opt.iterations.numpy() == 0 and not opt.iterations.trainable
    w = Variable(np.ones(2, "float32"))
    for _ in range(3):
        opt.apply_gradients([(np.ones(2, "float32"), w)])
    assert opt.iterations.numpy() == 3


# --- variables ----------------------------------------------------------------------
def test_adam_variables_on_a_two_layer_model_in_keras_order():
    variables = two_layer_variables()
    opt = optimizers.Adam()
    assert [v.path for v in opt.variables] == ["adam/iteration", "adam/learning_rate"]
    opt.apply_gradients(zip(ones_like(variables), variables, strict=True))
    paths = [v.path for v in opt.variables]
    assert len(paths) == 2 + 8
    assert paths[2:6] == [
        "adam/sequential_dense_kernel_momentum", "adam/sequential_dense_kernel_velocity",
        "adam/sequential_dense_bias_momentum", "adam/sequential_dense_bias_velocity",
    ]
    assert paths[9] == "adam/sequential_dense_1_bias_velocity"
    assert [v.shape for v in opt.variables[2::2]] == [(3, 4), (4,), (4, 1), (1,)]
    assert all(v.dtype == np.float32 for v in opt.variables[1:])


def test_amsgrad_and_rmsprop_slot_lists_follow_keras():
    variables = two_layer_variables()[:2]
    adam = optimizers.Adam(amsgrad=True)
    adam.build(variables)
    assert [v.path.split("/")[1] for v in adam.variables[2:]] == [
        "sequential_dense_kernel_momentum", "sequential_dense_kernel_velocity",
        "sequential_dense_bias_momentum", "sequential_dense_bias_velocity",
        "sequential_dense_kernel_velocity_hat", "sequential_dense_bias_velocity_hat",
    ]
    rms = optimizers.RMSprop(momentum=0.5, centered=True)
    rms.build(variables)
    assert [v.path for v in rms.variables[2:]] == [f"rm_sprop/sequential_dense_{name}" for name in (
        "kernel_velocity", "bias_velocity", "kernel_momentum", "bias_momentum",
        "kernel_average_gradient", "bias_average_gradient")]


@pytest.mark.parametrize("opt, count", [
    (lambda: optimizers.SGD(), 2), (lambda: optimizers.SGD(momentum=0.9), 2 + 4),
    (lambda: optimizers.RMSprop(), 2 + 4), (lambda: optimizers.Adagrad(), 2 + 4),
    (lambda: optimizers.Adam(schedules.ExponentialDecay(0.1, 10, 0.9)), 1 + 8),
])
def test_variable_counts(opt, count):
    optimizer = opt()
    variables = two_layer_variables()
    optimizer.apply(ones_like(variables), variables)
    assert len(optimizer.variables) == count


def test_adagrad_accumulator_starts_at_initial_value():
    opt = optimizers.Adagrad(initial_accumulator_value=0.25)
    opt.build(two_layer_variables()[:1])
    np.testing.assert_array_equal(opt.variables[2].numpy(), np.full((3, 4), 0.25, "float32"))


def test_same_variables_keep_their_slots_across_steps():
    variables = two_layer_variables()
    opt = optimizers.Adam()
    opt.apply(ones_like(variables), variables)
    slots = opt.variables
    opt.apply(ones_like(variables), variables)
    assert all(a is b for a, b in zip(slots, opt.variables, strict=True))
    # after two steps of g = 1: m = 1 - 0.9**2 = 0.19
    np.testing.assert_allclose(slots[2].numpy(), 0.19, rtol=1e-6)


def test_updates_are_in_place_and_stay_float32():
    variables = two_layer_variables()
    opt = optimizers.RMSprop(0.1, momentum=0.9)
    opt.apply_gradients(zip(ones_like(variables), variables, strict=True))
    buffers = [v.value for v in variables]  # the first apply packs them into one flat buffer
    opt.apply_gradients(zip(ones_like(variables), variables, strict=True))
    assert all(v.value is b for v, b in zip(variables, buffers, strict=True))
    assert all(v.dtype == np.float32 for v in variables + opt.variables[1:])


def test_gradients_are_not_modified():
    variables = two_layer_variables()
    grads = [np.full(v.shape, 10.0, "float32") for v in variables]
    optimizers.Adam(global_clipnorm=1.0).apply_gradients(zip(grads, variables, strict=True))
    assert all(np.all(g == 10.0) for g in grads)


def test_none_gradients_are_skipped_with_a_warning():
    variables = two_layer_variables()
    before = variables[1].numpy().copy()
    opt = optimizers.SGD(0.1)
    with pytest.warns(UserWarning, match="sequential/dense/bias"):
        opt.apply_gradients(zip([np.ones((3, 4), "float32"), None] + ones_like(variables[2:]), variables, strict=True))
    np.testing.assert_array_equal(variables[1].numpy(), before)
    np.testing.assert_allclose(variables[3].numpy(), [-0.1])


def test_works_with_a_gradient_tape():
    w = Variable(np.array([3.0], "float32"))
    opt = optimizers.SGD(0.25)
    with GradientTape() as tape:
        loss = w * w
    opt.apply_gradients(zip(tape.gradient(loss, [w]), [w], strict=True))
    np.testing.assert_allclose(w.numpy(), [1.5])  # 3 - 0.25 * 6


def test_apply_without_variables_reuses_the_built_ones():
    variables = two_layer_variables()
    opt = optimizers.SGD(1.0)
    opt.build(variables)
    opt.apply(ones_like(variables))
    np.testing.assert_allclose(variables[1].numpy(), -np.ones(4))


# --- the learning rate --------------------------------------------------------------
def test_learning_rate_setter_assigns_the_variable():
    opt = optimizers.Adam(0.01)
    variable = opt.learning_rate
    opt.learning_rate = 0.5
    assert opt.learning_rate is variable and np.isclose(variable.numpy(), 0.5)
    opt.learning_rate = np.float32(0.25)
    assert np.isclose(opt.get_config()["learning_rate"], 0.25)
    opt.lr = 0.125  # tf.keras 2 spelling
    assert np.isclose(opt.lr.numpy(), 0.125)


def test_learning_rate_setter_on_a_schedule_is_a_type_error():
    opt = optimizers.SGD(schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1


def test_learning_rate_with_a_schedule_follows_iterations():
    opt = optimizers.SGD(schedules.InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0))
    w = Variable(np.zeros(1, "float32"))
    seen = []
    for _ in range(3):
        seen.append(float(opt.learning_rate.numpy()))
        opt.apply_gradients([(np.ones(1, "float32"), w)])
    assert seen == [1.0, 0.5, pytest.approx(1 / 3)]  # 1 / (1 + step)
    np.testing.assert_allclose(w.numpy(), [-(1 + 0.5 + 1 / 3)], rtol=1e-6)
    assert opt.learning_rate.dtype == np.float32


def test_integer_learning_rate_becomes_float():
    opt = optimizers.SGD(1)
    assert opt.learning_rate.dtype == np.float32 and opt.learning_rate.numpy() == 1.0


def test_legacy_lr_keyword_warns_and_is_used():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        opt = optimizers.Adam(lr=0.01)
    assert np.isclose(opt.learning_rate.numpy(), 0.01)
    with pytest.raises(TypeError, match="lr=0.1"):
        optimizers.Adam(0.2, lr=0.1)
    with pytest.raises(TypeError, match="lr=0.1"):
        optimizers.Adam(learning_rate=0.001, lr=0.1)


def test_legacy_decay_keyword_is_ignored_with_a_warning():
    with pytest.warns(UserWarning, match="decay"):
        optimizers.SGD(0.1, decay=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.SGD(0.1, decay=0.0)


# --- bad arguments ------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: optimizers.Adam(learning_rate=-1), "learning_rate=-1"),
    (lambda: optimizers.Adam(learning_rate="fast"), "learning_rate='fast'"),
    (lambda: optimizers.Adam(learning_rate=float("nan")), "learning_rate=nan"),
    (lambda: optimizers.SGD(momentum=1.5), "momentum=1.5"),
    (lambda: optimizers.Adam(beta_1=1.0), "beta_1=1.0"),
    (lambda: optimizers.Adam(beta_2=-0.1), "beta_2=-0.1"),
    (lambda: optimizers.Adam(epsilon=-1e-7), "epsilon=-1e-07"),
    (lambda: optimizers.RMSprop(rho=2), "rho=2"),
    (lambda: optimizers.Adagrad(initial_accumulator_value=-0.1), "initial_accumulator_value=-0.1"),
    (lambda: optimizers.SGD(clipnorm=0), "clipnorm=0"),
    (lambda: optimizers.SGD(clipvalue=-1.0), "clipvalue=-1.0"),
    (lambda: optimizers.SGD(global_clipnorm="1"), "global_clipnorm='1'"),
    (lambda: optimizers.SGD(weight_decay=-0.1), "weight_decay=-0.1"),
    (lambda: optimizers.SGD(clipnorm=1.0, clipvalue=0.5), "clipnorm=1.0, clipvalue=0.5"),
    (lambda: optimizers.AdamW(weight_decay=None), "weight_decay=None"),
    (lambda: schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5), "decay_steps=0"),
    (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]), "boundaries"),
])
def test_bad_arguments_raise_value_error_naming_them(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        make()


@pytest.mark.parametrize("make, message", [
    (lambda: optimizers.Adam(learning_rte=0.1), "learning_rte"),
    (lambda: optimizers.SGD(nesterov="yes"), "nesterov='yes'"),
    (lambda: optimizers.Adam(amsgrad=1), "amsgrad=1"),
    (lambda: optimizers.Adam(name=3), "name=3"),
])
def test_bad_types_raise_type_error_naming_them(make, message):
    with pytest.raises(TypeError, match=message):
        make()


def test_bad_arguments_do_not_consume_an_auto_name():
    with pytest.raises(ValueError):
        optimizers.Adam(beta_1=2.0)
    assert optimizers.Adam().name == "adam"


def test_gradient_accumulation_updates_every_nth_apply_with_the_mean():
    w = Variable(np.array([1.0, 1.0], "float32"))
    opt = optimizers.SGD(learning_rate=0.5, gradient_accumulation_steps=2)
    opt.apply([np.array([1.0, 3.0], "float32")], [w])
    np.testing.assert_array_equal(w.numpy(), [1.0, 1.0])  # only accumulated
    assert int(opt.iterations.numpy()) == 0
    opt.apply([np.array([3.0, 5.0], "float32")], [w])
    np.testing.assert_array_equal(w.numpy(), [1.0 - 0.5 * 2.0, 1.0 - 0.5 * 4.0])  # mean of the two
    assert int(opt.iterations.numpy()) == 1
    np.testing.assert_array_equal(opt.variables[2].numpy(), [0.0, 0.0])  # the accumulator, emptied


def test_moving_average_starts_at_the_weights_and_replaces_them_when_asked():
    w = Variable(np.array([0.0], "float32"))
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3)
    opt.apply([np.array([-2.0], "float32")], [w])  # w = 2; first update: average = w = 2
    opt.apply([np.array([-2.0], "float32")], [w])  # w = 4; average = 0.5 * 2 + 0.5 * 4 = 3
    np.testing.assert_array_equal(opt.variables[2].numpy(), [3.0])
    np.testing.assert_array_equal(w.numpy(), [4.0])
    opt.apply([np.array([-2.0], "float32")], [w])  # w = 6; average = 4.5; third update: w takes it
    np.testing.assert_array_equal(w.numpy(), [4.5])
    w.assign(np.array([9.0], "float32"))
    opt.finalize_variable_values([w])
    np.testing.assert_array_equal(w.numpy(), [4.5])


def test_fit_ends_with_the_moving_average_of_the_weights():
    from glassnet.keras import Sequential
    from glassnet.keras.layers import Dense, Input

    model = Sequential([Input((2,)), Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.1, use_ema=True), loss="mse")
    model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), batch_size=4, epochs=2, verbose=0)
    averages = [v.numpy() for v in model.optimizer.variables if v.name.endswith("_average")]
    for weight, average in zip(model.get_weights(), averages, strict=True):
        np.testing.assert_array_equal(weight, average)


@pytest.mark.parametrize("options, message", [
    ({"gradient_accumulation_steps": 1}, "gradient_accumulation_steps=1"),
    ({"ema_overwrite_frequency": 0}, "ema_overwrite_frequency=0"),
    ({"ema_momentum": 1.5}, "ema_momentum=1.5"),
])
def test_averaging_options_are_checked(options, message):
    with pytest.raises(ValueError, match=message):
        optimizers.Adam(**options)


def test_bad_gradients_raise_before_any_update():
    variables = two_layer_variables()
    before = [v.numpy().copy() for v in variables]
    opt = optimizers.SGD()
    grads = ones_like(variables)
    grads[2] = np.ones((4, 2), "float32")
    with pytest.raises(ValueError, match=r"sequential/dense_1/kernel.*\(4, 2\).*\(4, 1\)"):
        opt.apply_gradients(zip(grads, variables, strict=True))
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply_gradients(zip([None] * 4, variables, strict=True))
    with pytest.raises(ValueError, match="3 gradients for 4 variables"):
        opt.apply(grads[:3], variables)
    assert all(np.array_equal(v.numpy(), b) for v, b in zip(variables, before, strict=True))
    assert opt.iterations.numpy() == 0


def test_unknown_variables_after_build_raise():
    opt = optimizers.Adam()
    variables = two_layer_variables()
    opt.apply(ones_like(variables[:2]), variables[:2])
    with pytest.raises(ValueError, match="sequential/dense_1/kernel"):
        opt.apply(ones_like(variables[2:]), variables[2:])


def test_exclude_from_weight_decay():
    variables = two_layer_variables()
    kernel_before = variables[0].numpy().copy()
    opt = optimizers.SGD(0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = [np.zeros(v.shape, "float32") for v in variables]
    variables[1].assign(np.ones(4, "float32"))
    opt.apply(zero, variables)
    np.testing.assert_allclose(variables[0].numpy(), kernel_before * (1 - 0.5 * 0.1), rtol=1e-6)
    np.testing.assert_array_equal(variables[1].numpy(), np.ones(4))
    with pytest.raises(ValueError, match="before"):
        opt.exclude_from_weight_decay(var_list=variables)


# --- config and get() ------------------------------------------------------------------
def test_config_has_keras_keys_and_round_trips():
    opt = optimizers.Adam(0.01, beta_1=0.8, amsgrad=True, clipnorm=2.0, name="opt")
    config = opt.get_config()
    assert list(config) == [
        "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
        "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps",
        "beta_1", "beta_2", "epsilon", "amsgrad",
    ]
    clone = optimizers.Adam.from_config(config)
    assert clone.get_config() == config and clone is not opt


def test_config_with_a_schedule_round_trips():
    opt = optimizers.SGD(schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1), momentum=0.9)
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    clone = optimizers.SGD.from_config(config)
    assert isinstance(clone._learning_rate, schedules.CosineDecay)
    assert clone._learning_rate.get_config() == opt._learning_rate.get_config()


@pytest.mark.parametrize("identifier, cls", [
    ("sgd", optimizers.SGD), ("adam", optimizers.Adam), ("Adam", optimizers.Adam), ("ADAM", optimizers.Adam),
    ("rmsprop", optimizers.RMSprop), ("RMSprop", optimizers.RMSprop), ("adamw", optimizers.AdamW),
    ("adagrad", optimizers.Adagrad),
])
def test_get_by_name_returns_a_new_default_instance(identifier, cls):
    first, second = optimizers.get(identifier), optimizers.get(identifier)
    assert type(first) is cls and first is not second
    assert first.get_config()["learning_rate"] == cls().get_config()["learning_rate"]


def test_get_passes_instances_and_reads_dicts():
    opt = optimizers.SGD(0.3)
    assert optimizers.get(opt) is opt
    restored = optimizers.get(optimizers.serialize(opt))
    assert type(restored) is optimizers.SGD and np.isclose(restored.learning_rate.numpy(), 0.3)
    assert optimizers.serialize(opt)["module"] == "keras.optimizers"


def test_get_unknown_lists_known_names():
    expected = r"Could not interpret optimizer identifier: 'foo'\. Known optimizers: .*'adam'"
    with pytest.raises(ValueError, match=expected):
        optimizers.get("foo")


def test_save_and_load_own_variables():
    variables = two_layer_variables()
    opt = optimizers.Adam()
    opt.apply(ones_like(variables), variables)
    store = {}
    opt.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(10)] and store["0"] == 1
    other = optimizers.Adam()
    other.build(variables)
    other.load_own_variables(store)
    assert other.iterations.numpy() == 1
    np.testing.assert_array_equal(other.variables[3].numpy(), opt.variables[3].numpy())
    with pytest.warns(UserWarning, match="has 2 variables whereas the saved optimizer has 10"):
        optimizers.Adam().load_own_variables(store)


def test_public_paths_are_the_same_objects():
    from glassnet.keras.optimizers import schedules as public_schedules
    from glassnet.keras.optimizers.adam import Adam
    assert optimizers.Adam is Adam and public_schedules is schedules


def test_minimize_takes_a_loss_function_or_a_tensor_with_its_tape():
    import glassnet
    w = glassnet.Variable(np.array([3.0, -1.0], dtype="float32"))
    opt = optimizers.SGD(learning_rate=0.1)
    opt.minimize(lambda: glassnet.reduce_sum(w * w), [w])  # d/dw sum(w^2) = 2w
    np.testing.assert_allclose(w.numpy(), [3.0 - 0.1 * 6.0, -1.0 + 0.1 * 2.0], rtol=1e-6)
    with glassnet.GradientTape() as tape:
        loss = glassnet.reduce_sum(w * w)
    assert int(opt.minimize(loss, lambda: [w], tape=tape).numpy()) == 2
    np.testing.assert_allclose(w.numpy(), [2.4 * 0.8, -0.8 * 0.8], rtol=1e-6)
    with pytest.raises(ValueError, match="`tape` is required"):
        opt.minimize(loss, [w])
