"""keras.utils.plot_model: Keras's boxes, labels and arrows, drawn with matplotlib.

The expected labels and arrows are those Keras 3.15.1's ``model_to_dot`` builds for the same models
(read from its pydot graph): one box per layer, one arrow per distinct (source, destination) pair.
"""
import struct
import sys
import types

import numpy as np
import pytest

import glassnet as tf
from glassnet import keras
from glassnet.keras import layers
from glassnet.keras.utils import model_visualization

pytest.importorskip("matplotlib")

from glassnet.plot import _backend  # noqa: E402 - after the skip: it is matplotlib's figures we record

PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.fixture
def drawn(monkeypatch):
    """The figures plot_model draws (it returns what Keras returns, not the figure)."""
    figures = []
    original = _backend.new_figure

    def recording(*args):
        figures.append(original(*args))
        return figures[-1]

    monkeypatch.setattr(_backend, "new_figure", recording)
    return figures


def _two_in_two_out():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(4, activation="relu", name="shared")
    from_a, from_b = shared(a), shared(b)
    merged = layers.Concatenate(name="merged")([from_a, from_b])
    return keras.Model([a, b], [layers.Dense(1, name="out1")(merged), layers.Dense(2, name="out2")(from_b)])


def _texts(figure):
    return sorted(text.get_text() for text in figure.axes[0].texts)


def _arrows(figure):
    return sorted(p.get_gid()[len("edge:"):] for p in figure.axes[0].patches if (p.get_gid() or "").startswith("edge:"))


def _boxes(figure):
    """{layer name: (left, top, right, bottom)} of each box (its cells together), y downwards."""
    boxes = {}
    for patch in figure.axes[0].patches:
        gid = patch.get_gid() or ""
        if gid.startswith("box:"):
            x, y, w, h = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
            left, top, right, bottom = boxes.get(gid[4:], (x, y, x + w, y + h))
            boxes[gid[4:]] = (min(left, x), min(top, y), max(right, x + w), max(bottom, y + h))
    return boxes


def _center(box):
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    assert data.endswith(PNG_END), f"{path} is cut short"
    return struct.unpack(">II", data[16:24])


def test_boxes_carry_keras_labels_with_names_and_shapes(tmp_path, drawn):
    keras.utils.plot_model(_two_in_two_out(), tmp_path / "model.png", show_shapes=True, show_layer_names=True)
    assert _texts(drawn[0]) == sorted([
        "a (InputLayer)", "Output shape: (None, 3)",  # an InputLayer has no input shape, as in Keras
        "b (InputLayer)", "Output shape: (None, 3)",
        "shared (Dense)", "Input shape: (None, 3)", "Output shape: (None, 4)",  # its first call, as Keras
        "merged (Concatenate)", "Input shape: [(None, 4), (None, 4)]", "Output shape: (None, 8)",
        "out1 (Dense)", "Input shape: (None, 8)", "Output shape: (None, 1)",
        "out2 (Dense)", "Input shape: (None, 4)", "Output shape: (None, 2)"])
    assert sorted(_boxes(drawn[0])) == ["a", "b", "merged", "out1", "out2", "shared"]


def test_keras_3_titles_a_box_with_the_class_alone_by_default(tmp_path, drawn):
    keras.utils.plot_model(_two_in_two_out(), tmp_path / "model.png")
    assert _texts(drawn[0]) == sorted(["InputLayer", "InputLayer", "Dense", "Concatenate", "Dense", "Dense"])


def test_dtype_activation_and_trainable_cells(tmp_path, drawn):
    model = _two_in_two_out()
    model.get_layer("out2").trainable = False
    keras.utils.plot_model(model, tmp_path / "model.png", show_dtype=True, show_layer_activations=True,
                           show_trainable=True)
    texts = _texts(drawn[0])
    assert texts.count("Output dtype: float32") == 6
    assert texts.count("Activation: relu") == 1 and texts.count("Activation: linear") == 2  # Dense's default
    assert texts.count("Trainable") == 2 and texts.count("Non-trainable") == 1  # weightless layers: neither


def test_one_arrow_per_distinct_connection_of_a_shared_layer(tmp_path, drawn):
    # shared is called on a and on b; merged takes both of its outputs, out2 the second: 6 input
    # tensors in all, 5 distinct (source, destination) pairs, as Keras's add_edge keeps them.
    keras.utils.plot_model(_two_in_two_out(), tmp_path / "model.png")
    assert _arrows(drawn[0]) == sorted(["a->shared", "b->shared", "shared->merged", "merged->out1", "shared->out2"])


def test_tb_stacks_ranks_downwards_and_lr_rightwards(tmp_path, drawn):
    model = _two_in_two_out()
    keras.utils.plot_model(model, tmp_path / "tb.png", show_layer_names=True)
    keras.utils.plot_model(model, tmp_path / "lr.png", show_layer_names=True, rankdir="LR")
    for figure, along, across in ((drawn[0], 1, 0), (drawn[1], 0, 1)):
        center = {name: _center(box) for name, box in _boxes(figure).items()}
        ranks = [["a", "b"], ["shared"], ["merged", "out2"], ["out1"]]
        for upper, lower in zip(ranks, ranks[1:]):
            assert max(center[name][along] for name in upper) < min(center[name][along] for name in lower)
        assert center["a"][along] == center["b"][along] and center["a"][across] != center["b"][across]
    (tb_width, tb_height), (lr_width, lr_height) = drawn[0].get_size_inches(), drawn[1].get_size_inches()
    assert tb_height > 2 * lr_height and lr_width > 1.5 * tb_width  # four ranks down, or four across


@pytest.mark.parametrize("rankdir, axis, sign", [("TB", 1, 1), ("BT", 1, -1), ("LR", 0, 1), ("RL", 0, -1)])
def test_rankdir_runs_the_ranks_down_up_right_or_left(tmp_path, drawn, rankdir, axis, sign):
    keras.utils.plot_model(_two_in_two_out(), tmp_path / "model.png", show_layer_names=True, rankdir=rankdir)
    boxes = _boxes(drawn[0])
    center = {name: _center(box) for name, box in boxes.items()}
    ranks = [["a", "b"], ["shared"], ["merged", "out2"], ["out1"]]
    for upper, lower in zip(ranks, ranks[1:]):
        assert max(sign * center[name][axis] for name in upper) < min(sign * center[name][axis] for name in lower)
    arrow = next(p for p in drawn[0].axes[0].patches if p.get_gid() == "edge:shared->merged")
    leaves = _shaft(arrow)[0][0][axis]  # on shared's side that faces the next rank
    side = {("TB", 1): 3, ("BT", 1): 1, ("LR", 0): 2, ("RL", 0): 0}[(rankdir, axis)]  # bottom, top, right, left
    assert leaves == pytest.approx(boxes["shared"][side])
    assert _overlapping(boxes) == []


def _overlapping(boxes):
    names = sorted(boxes)
    return [(m, n) for i, m in enumerate(names) for n in names[i + 1:]
            if boxes[m][0] < boxes[n][2] and boxes[n][0] < boxes[m][2]
            and boxes[m][1] < boxes[n][3] and boxes[n][1] < boxes[m][3]]


def _residual():
    x = keras.Input(shape=(8,), name="x")
    hidden = layers.Dense(8, name="d2")(layers.Dense(8, name="d1")(x))
    return keras.Model(x, layers.Dense(1, name="o")(layers.Add(name="add")([x, hidden])))


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_boxes_never_overlap_and_a_skip_connection_runs_beside_them(tmp_path, drawn, rankdir):
    from matplotlib.transforms import Bbox
    for model in (_two_in_two_out(), _residual()):
        keras.utils.plot_model(model, tmp_path / "model.png", show_shapes=True, show_layer_names=True,
                               rankdir=rankdir)
        assert _overlapping(_boxes(drawn[-1])) == []
    boxes = _boxes(drawn[-1])
    skip = next(p for p in drawn[-1].axes[0].patches if p.get_gid() == "edge:x->add")
    for name in ("d1", "d2"):  # the arrow from x to add has a lane of its own past d1 and d2
        left, top, right, bottom = boxes[name]
        assert not skip.get_path().intersects_bbox(Bbox([[left, top], [right, bottom]]), filled=False)


def test_a_sequential_is_a_chain_without_an_input_box(tmp_path, drawn):
    model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(3, name="d1"), layers.Dense(2, name="d2")])
    keras.utils.plot_model(model, tmp_path / "model.png", show_shapes=True, show_layer_names=True)
    assert _texts(drawn[0]) == sorted(["d1 (Dense)", "Input shape: (None, 5)", "Output shape: (None, 3)",
                                       "d2 (Dense)", "Input shape: (None, 3)", "Output shape: (None, 2)"])
    assert _arrows(drawn[0]) == ["d1->d2"]


class TwoLayers(tf.keras.Model):
    def __init__(self):
        super().__init__(name="two_layers")
        self.hidden = layers.Dense(3, activation="tanh")
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


def test_a_subclassed_model_is_one_box_its_graph_being_inside_call(tmp_path, drawn):
    model = TwoLayers()
    model(np.ones((2, 4), dtype="float32"))
    keras.utils.plot_model(model, tmp_path / "model.png", show_shapes=True, show_layer_names=True)
    assert _texts(drawn[0]) == sorted(["two_layers (TwoLayers)", "Input shape: ?", "Output shape: ?"])
    assert _arrows(drawn[0]) == []


@pytest.mark.parametrize("model", [TwoLayers(), keras.Sequential([layers.Dense(2)])], ids=["subclassed", "sequential"])
def test_an_unbuilt_model_is_refused_with_keras_message(tmp_path, model):
    with pytest.raises(ValueError, match=r"This model has not yet been built. Build the model first by calling "
                                         r"`build\(\)` or by calling the model on a batch of data. Received: the "
                                         r"unbuilt model '"):
        keras.utils.plot_model(model, tmp_path / "model.png")
    assert not list(tmp_path.iterdir())


def _with_nested():
    inner = keras.Sequential([layers.Dense(3, name="i1"), layers.Dense(3, name="i2")], name="inner")
    x = keras.Input(shape=(3,), name="x")
    return keras.Model(x, layers.Dense(1, name="z")(inner(x)))


def test_a_nested_model_is_one_box_or_its_layers_in_a_frame(tmp_path, drawn):
    model = _with_nested()
    keras.utils.plot_model(model, tmp_path / "closed.png", show_layer_names=True)
    keras.utils.plot_model(model, tmp_path / "open.png", show_layer_names=True, expand_nested=True)
    closed, expanded = drawn
    assert _texts(closed) == sorted(["x (InputLayer)", "inner (Sequential)", "z (Dense)"])
    assert _arrows(closed) == ["inner->z", "x->inner"]
    assert _texts(expanded) == sorted(["x (InputLayer)", "inner", "i1 (Dense)", "i2 (Dense)", "z (Dense)"])
    assert _arrows(expanded) == ["i1->i2", "i2->z", "x->i1"]  # Keras: into the first layer, out of the last
    frame = next(p for p in expanded.axes[0].patches if p.get_gid() == "frame:inner")
    left, top = frame.get_x(), frame.get_y()
    boxes = _boxes(expanded)
    for name in ("i1", "i2"):
        assert left < boxes[name][0] and boxes[name][2] < left + frame.get_width()
        assert top < boxes[name][1] and boxes[name][3] < top + frame.get_height()
    for name in ("x", "z"):
        assert boxes[name][3] < top or boxes[name][1] > top + frame.get_height()
    assert _overlapping(boxes) == []


def test_a_nested_functional_model_is_entered_at_its_input_layer(tmp_path, drawn):
    xi = keras.Input(shape=(3,), name="xi")
    inner = keras.Model(xi, layers.Dense(2, name="fd")(xi), name="fin")
    x = keras.Input(shape=(3,), name="x2")
    keras.utils.plot_model(keras.Model(x, layers.Dense(1, name="after")(inner(x))), tmp_path / "m.png",
                           expand_nested=True)
    assert _arrows(drawn[0]) == ["fd->after", "x2->xi", "xi->fd"]


def test_a_layer_reused_along_its_own_path_gets_a_loop(tmp_path, drawn):
    tied = layers.Dense(3, name="tied")
    x = keras.Input(shape=(3,), name="x")
    keras.utils.plot_model(keras.Model(x, tied(layers.Dense(3, name="mid")(tied(x)))), tmp_path / "m.png",
                           show_layer_names=True)
    assert _arrows(drawn[0]) == ["mid->tied", "tied->mid", "x->tied"]
    assert _overlapping(_boxes(drawn[0])) == []


def _shaft(arrow):
    """The arrow's line without its head: the path's vertices and codes up to the head's MOVETO."""
    path = arrow.get_path()
    head = list(path.codes).index(path.MOVETO, 1)
    return path.vertices[:head], set(path.codes[:head].tolist())


@pytest.mark.parametrize("splines", ["ortho", "curved", "line"])
def test_splines_choose_right_angles_curves_or_straight_lines(tmp_path, drawn, splines):
    keras.utils.plot_model(_residual(), tmp_path / "m.png", splines=splines)
    arrows = {p.get_gid(): p for p in drawn[0].axes[0].patches if (p.get_gid() or "").startswith("edge:")}
    vertices, codes = _shaft(arrows["edge:x->add"])  # a lane past d1 and d2: two turns each hop
    assert (4 in codes) == (splines == "curved")  # Path.CURVE4: Bezier curves
    if splines == "ortho":
        steps = np.diff(vertices, axis=0)
        assert np.all((np.abs(steps) < 1e-9).any(axis=1))  # every segment vertical or horizontal
    if splines == "line":
        assert len(_shaft(arrows["edge:d1->d2"])[0]) == 2  # one straight segment


# --- Keras's functional API guide (guides/functional_api.py), its plot_model calls as written ----------------
def test_the_functional_api_guide_draws_its_models(tmp_path, monkeypatch, drawn):
    monkeypatch.chdir(tmp_path)
    inputs = keras.Input(shape=(784,))
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    keras.utils.plot_model(model, "my_first_model.png")
    keras.utils.plot_model(model, "my_first_model_with_shape_info.png", show_shapes=True)

    num_tags, num_departments = 12, 4
    title_input = keras.Input(shape=(20,), name="title")  # SUBST: (None,) words, for an Embedding
    body_input = keras.Input(shape=(100,), name="body")  # SUBST: as title
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Dense(64)(title_input)  # SUBST: Embedding then LSTM(128), which glassnet lacks
    body_features = layers.Dense(32)(body_input)  # SUBST: as title
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(inputs=[title_input, body_input, tags_input],
                        outputs={"priority": priority_pred, "department": department_pred})
    keras.utils.plot_model(model, "multi_input_and_output_model.png", show_shapes=True)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["multi_input_and_output_model.png", "my_first_model.png",
                                                          "my_first_model_with_shape_info.png"]
    assert _texts(drawn[0]) == ["Dense", "Dense", "Dense", "InputLayer"]
    assert "Input shape: [(None, 64), (None, 32), (None, 12)]" in _texts(drawn[2])
    assert len(_arrows(drawn[2])) == 2 + 3 + 2  # into the two Dense, into concatenate, out of it
    assert _overlapping(_boxes(drawn[2])) == []


# --- the file ------------------------------------------------------------------------------------------
def test_the_png_is_written_whole_at_the_asked_dpi(tmp_path, drawn):
    model = _two_in_two_out()
    assert keras.utils.plot_model(model, tmp_path / "high.png") is None  # no IPython here: Keras returns None
    keras.utils.plot_model(model, str(tmp_path / "low.png"), dpi=100)
    high, low = _png_size(tmp_path / "high.png"), _png_size(tmp_path / "low.png")
    width, height = drawn[0].get_size_inches()
    assert high == (int(width * 200), int(height * 200))  # Keras's default dpi=200; matplotlib truncates
    assert abs(high[0] - 2 * low[0]) <= 1 and abs(high[1] - 2 * low[1]) <= 1
    assert [p.name for p in tmp_path.iterdir()] and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_extension_picks_the_format_and_none_means_png(tmp_path):
    model = _residual()
    for name in ("model.pdf", "model.svg", "model"):
        keras.utils.plot_model(model, tmp_path / name)
    assert (tmp_path / "model.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "model.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    assert b"<svg" in (tmp_path / "model.svg").read_bytes()
    assert _png_size(tmp_path / "model")[0] > 0  # Keras writes a PNG where the name has no extension


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    from matplotlib.figure import Figure
    path = tmp_path / "model.png"
    keras.utils.plot_model(_residual(), path)
    before = path.read_bytes()

    def broken(self, file, **kwargs):
        file.write(before[:100])  # half a picture, then the disk fills
        raise OSError("No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(OSError, match="No space left"):
        keras.utils.plot_model(_residual(), path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["model.png"]


def test_in_a_notebook_it_returns_ipythons_image(tmp_path, monkeypatch):
    made = []
    display = types.SimpleNamespace(Image=lambda **kwargs: made.append(("Image", kwargs)) or "image",
                                    SVG=lambda **kwargs: made.append(("SVG", kwargs)) or "svg")
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(display=display))
    model = _residual()
    assert keras.utils.plot_model(model, tmp_path / "m.png") == "image"
    assert keras.utils.plot_model(model, tmp_path / "m.svg") == "svg"
    assert keras.utils.plot_model(model, tmp_path / "m.pdf") is None  # as Keras: no inline PDF
    assert made == [("Image", {"filename": str(tmp_path / "m.png"), "format": "png"}),
                    ("SVG", {"filename": str(tmp_path / "m.svg")})]


# --- errors, before anything is drawn or written ---------------------------------------------------------
@pytest.mark.parametrize("arguments, error, message", [
    ({"rankdir": "XY"}, ValueError, r"Invalid `rankdir` for plot_model: expected one of 'TB', 'LR', 'BT', 'RL'. "
                                    r"Received: rankdir='XY'"),
    ({"splines": "wavy"}, ValueError, r"Invalid `splines` for plot_model: expected one of 'ortho'.*splines='wavy'"),
    ({"show_shapes": "yes"}, TypeError, r"Invalid `show_shapes` for plot_model: expected True or False. "
                                        r"Received: show_shapes='yes'"),
    ({"dpi": 0}, ValueError, r"Invalid `dpi` for plot_model: expected a positive number. Received: dpi=0"),
    ({"to_file": "missing/model.png"}, FileNotFoundError, r"cannot write to_file='.*missing/model.png': its folder "
                                                          r"'.*missing' does not exist"),
    ({"to_file": "."}, IsADirectoryError, r"to_file='.*' is a folder|it is a folder; expected a file name"),
    ({"to_file": "model.abc"}, ValueError, r"Invalid `to_file` for plot_model: expected a file name ending in a "
                                           r"format matplotlib writes \(.*pdf, .*png.*svg.*\). Received: "
                                           r"to_file='.*model.abc'"),
    ({"to_file": 3}, TypeError, r"Invalid `to_file` for plot_model: expected a file name .*Received: to_file=3"),
    ({"layer_range": ["a", "b"]}, ValueError, r"Argument `layer_range` is no longer supported."),
    ({"bogus": 1}, ValueError, r"Unrecognized keyword arguments: \{'bogus': 1\}"),
])
def test_bad_arguments_are_refused_before_drawing(tmp_path, monkeypatch, arguments, error, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(model_visualization, "_graph", lambda *args: pytest.fail("drew before checking"))
    arguments = {"to_file": "model.png", **arguments}
    with pytest.raises(error, match=message):
        keras.utils.plot_model(_residual(), **arguments)
    assert not list(tmp_path.iterdir())


def test_a_model_is_required(tmp_path):
    with pytest.raises(TypeError, match=r"plot_model expects a Keras model .*Received: model=.*Dense"):
        keras.utils.plot_model(layers.Dense(2), tmp_path / "m.png")


def test_without_matplotlib_it_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'keras.utils.plot_model draws with it \(pip install "glassnet\[plots\]"'):
        keras.utils.plot_model(_residual(), tmp_path / "m.png")
    assert not list(tmp_path.iterdir())


def test_the_signature_and_defaults_are_keras_3s():
    """Read from Keras's source (importing Keras would load JAX): show_layer_names defaults to False in 3.x."""
    import ast
    import importlib.util
    import inspect
    from pathlib import Path
    spec = importlib.util.find_spec("keras")
    if spec is None:
        pytest.skip("Keras is not installed")
    source = Path(spec.origin).parent / "src" / "utils" / "model_visualization.py"
    tree = ast.parse(source.read_text())
    keras_plot = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "plot_model")
    names = [argument.arg for argument in keras_plot.args.args]
    defaults = [ast.literal_eval(value) for value in keras_plot.args.defaults]
    ours = inspect.signature(keras.utils.plot_model).parameters
    assert list(ours) == names + ["kwargs"]
    assert [ours[name].default for name in names[1:]] == defaults
