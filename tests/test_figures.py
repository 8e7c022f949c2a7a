"""The figures show what they should, in each edition.

Figures drawn before training are compared pixel by pixel with the stored
ones while nbval runs each chapter (booktools.testing.figure_checks).  Figures drawn
from a trained network differ from machine to machine, so here the
chapter's own plotting code, taken from the notebook, draws inputs whose
answer is known, and the test reads the figure back: its panels, the
colour of each frame, the labels in the edition's language.  The last two
tests show that both kinds of check fail when a figure is broken.
"""

import json
import os
import re
import subprocess
import sys

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib.colors import to_hex

from booktools.testing.figure_checks import TOLERANCE, first_training_cell
from conftest import NOTEBOOKS, ROOT, chapter_id, name_in, read_notebook

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)

# What the figures say, in each edition's words.
WORDS = {
    "es": {
        "label": "Número: {true}",
        "prediction": "Número: {true}, Predicho: {predicted}",
        "titles": ["Exactitud", "Pérdida"],
        "xlabel": "Época",
        "series": ["Entrenamiento", "Validación"],
        "confusion": ("Dígito predicho", "Dígito real"),
        "filter": "Filtro {}",
    },
    "en": {
        "label": "True: {true}",
        "prediction": "True: {true}, Predicted: {predicted}",
        "titles": ["Accuracy", "Loss"],
        "xlabel": "Epoch",
        "series": ["Training", "Validation"],
        "confusion": ("Predicted digit", "True digit"),
        "filter": "Filter {}",
    },
}
GREEN, RED = to_hex("green"), to_hex("red")


def code_defining(notebook, spanish_name):
    """The source of the code cell that defines a name (def or assignment)."""
    name = re.escape(name_in(notebook, spanish_name))
    pattern = re.compile(rf"^(def {name}\(|{name} = )", re.MULTILINE)
    for cell in read_notebook(notebook)["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and pattern.search(source):
            return source
    return None


def chapters_defining(spanish_name):
    found = [nb for nb in NOTEBOOKS if code_defining(nb, spanish_name)]
    return pytest.mark.parametrize("notebook", found, ids=chapter_id)


@pytest.fixture
def drawn(monkeypatch):
    """Run plotting code; return the figure it draws instead of showing it."""
    monkeypatch.setattr(plt, "show", lambda: None)

    def run(sources, **names):
        namespace = {"np": np, "plt": plt, **names}
        plt.close("all")
        for source in sources:
            exec(source, namespace)
        return namespace

    yield run
    plt.close("all")


def run_function(drawn, notebook, spanish_name, *arguments):
    """Call a plotting function of the chapter; return its figure."""
    sources = [code_defining(notebook, "plot_imagenes")]
    if spanish_name != "plot_imagenes":
        sources.append(code_defining(notebook, spanish_name))
    namespace = drawn(sources, img_shape=(28, 28))
    namespace[name_in(notebook, spanish_name)](*arguments)
    return plt.gcf()


def frame_colours(panel):
    return {to_hex(spine.get_edgecolor()) for spine in panel.spines.values()}


def check_prediction_grid(drawn, notebook):
    """Nine digits, three predicted wrong: nine panels, right frames, labels."""
    words = WORDS[notebook.parent.name]
    labels = np.array([7, 2, 1, 0, 4, 1, 4, 9, 5])
    predicted = labels.copy()
    predicted[[1, 4, 8]] = [3, 9, 6]
    images = np.zeros((9, 784), dtype="float32")
    figure = run_function(
        drawn, notebook, "plot_imagenes", images, labels, predicted
    )
    assert len(figure.axes) == 9
    for panel, true, guess in zip(figure.axes, labels, predicted, strict=True):
        assert frame_colours(panel) == {GREEN if true == guess else RED}
        text = words["prediction"].format(true=true, predicted=guess)
        assert panel.get_xlabel() == text


@chapters_defining("plot_imagenes")
def test_prediction_grid_frames_right_in_green_and_wrong_in_red(
    drawn, notebook
):
    check_prediction_grid(drawn, notebook)


@chapters_defining("plot_imagenes")
def test_sample_grid_shows_each_label_without_frames(drawn, notebook):
    words = WORDS[notebook.parent.name]
    labels = np.arange(9)
    images = np.zeros((9, 784), dtype="float32")
    figure = run_function(drawn, notebook, "plot_imagenes", images, labels)
    assert len(figure.axes) == 9
    for panel, true in zip(figure.axes, labels, strict=True):
        assert panel.get_xlabel() == words["label"].format(true=true)
        assert GREEN not in frame_colours(panel)
        assert RED not in frame_colours(panel)


@chapters_defining("plot_mal_clasificadas")
def test_misclassified_grid_shows_only_mistakes_in_red(drawn, notebook):
    words = WORDS[notebook.parent.name]
    labels = np.arange(20) % 10
    predicted = labels.copy()
    wrong = [0, 2, 3, 5, 8, 11, 13, 14, 17, 19]
    predicted[wrong] = (labels[wrong] + 1) % 10
    images = np.zeros((20, 784), dtype="float32")
    figure = run_function(
        drawn, notebook, "plot_mal_clasificadas", images, labels, predicted
    )
    assert len(figure.axes) == 9
    for panel, index in zip(figure.axes, wrong, strict=False):
        assert frame_colours(panel) == {RED}
        text = words["prediction"].format(
            true=labels[index], predicted=predicted[index]
        )
        assert panel.get_xlabel() == text


@chapters_defining("curvas")
def test_learning_curves_have_both_panels_and_series(drawn, notebook):
    words = WORDS[notebook.parent.name]
    history = {
        "accuracy": [0.90, 0.95, 0.97],
        "val_accuracy": [0.96, 0.97, 0.98],
        "loss": [0.30, 0.15, 0.10],
        "val_loss": [0.12, 0.09, 0.08],
    }
    # The plotting cell (it numbers the epochs); `curvas` is the history
    drawn(
        [code_defining(notebook, "epocas")],
        epochs=3,
        **{name_in(notebook, "curvas"): history},
    )
    panels = plt.gcf().axes
    assert [panel.get_title() for panel in panels] == words["titles"]
    for panel, metric in zip(panels, ["accuracy", "loss"], strict=True):
        assert panel.get_xlabel() == words["xlabel"]
        legend = [text.get_text() for text in panel.get_legend().get_texts()]
        assert legend == words["series"]
        lines = panel.get_lines()
        assert [list(line.get_xdata()) for line in lines] == [[1, 2, 3]] * 2
        assert [list(line.get_ydata()) for line in lines] == [
            history[metric],
            history["val_" + metric],
        ]


@chapters_defining("dibujar_matriz_confusion")
def test_confusion_matrix_writes_every_count_on_labelled_axes(drawn, notebook):
    """The counts are written in, so the colour is never the only clue."""
    words = WORDS[notebook.parent.name]
    matrix = np.arange(100).reshape(10, 10)
    namespace = drawn([code_defining(notebook, "dibujar_matriz_confusion")])
    namespace[name_in(notebook, "dibujar_matriz_confusion")](matrix)
    panel = plt.gcf().axes[0]
    written = {(text.get_position(), text.get_text()) for text in panel.texts}
    assert written == {
        ((predicted, true), str(matrix[true, predicted]))
        for true in range(10)
        for predicted in range(10)
    }
    assert (panel.get_xlabel(), panel.get_ylabel()) == words["confusion"]


@chapters_defining("dibujar_filtros")
def test_filters_are_drawn_one_per_panel_on_a_scale_centred_on_zero(
    drawn, notebook
):
    words = WORDS[notebook.parent.name]
    kernels = np.random.default_rng(0).normal(size=(5, 5, 1, 16))
    # The cell defines the function and draws the chapter's kernels
    drawn(
        [code_defining(notebook, "dibujar_filtros")],
        **{name_in(notebook, "nucleos"): kernels},
    )
    panels = plt.gcf().axes
    assert len(panels) == 16
    for number, panel in enumerate(panels):
        kernel = kernels[:, :, 0, number]
        assert panel.get_title() == words["filter"].format(number)
        image = panel.get_images()[0]
        assert np.array_equal(image.get_array(), kernel)
        low, high = image.get_clim()
        assert low == -high == -np.abs(kernel).max()


def copy_of(notebook, folder, change):
    """A copy of a chapter, in a folder named after its edition, with one
    change made to its code cells."""
    copy = read_notebook(notebook)
    for cell in copy["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = change("".join(cell["source"]))
    path = folder / notebook.parent.name / notebook.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    return path


SPANISH_CHAPTER_1 = (
    ROOT / "notebooks" / "es" / "01-clasificacion-mnist-keras.ipynb"
)


def test_the_grid_check_fails_when_the_colour_rule_is_inverted(
    drawn, tmp_path
):
    def inverted(source):
        return (
            source.replace('"green"', '"_"')
            .replace('"red"', '"green"')
            .replace('"_"', '"red"')
        )

    broken = copy_of(SPANISH_CHAPTER_1, tmp_path, inverted)
    assert code_defining(broken, "plot_imagenes") != code_defining(
        SPANISH_CHAPTER_1, "plot_imagenes"
    )
    with pytest.raises(AssertionError):
        check_prediction_grid(drawn, broken)


def test_nbval_fails_when_a_diagram_highlight_moves(tmp_path):
    """The chapter up to its training, with the kernel's window one column to
    the left in the first convolution diagram, run by nbval as make test
    runs it: the figure check must fail that cell, and only on the image."""
    cells = nbformat.read(SPANISH_CHAPTER_1, as_version=4).cells
    first = first_training_cell(cells)
    original = "resaltado=(1, 2, 3, 3)"
    assert any(original in cell.source for cell in cells[:first])
    broken = copy_of(
        SPANISH_CHAPTER_1,
        tmp_path,
        lambda source: source.replace(original, "resaltado=(1, 1, 3, 3)"),
    )
    truncated = json.loads(broken.read_text(encoding="utf-8"))
    truncated["cells"] = truncated["cells"][:first]
    broken.write_text(json.dumps(truncated), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         "-p", "no:cacheprovider", "-c", ROOT / "pyproject.toml",
         "--rootdir", tmp_path, broken],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "IPYTHONDIR": str(ROOT / "tools" / "kernel")},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    failures = re.findall(r"FAILED .*::Cell (\d+)", result.stdout)
    assert len(failures) == 1, result.stdout[-3000:]
    rms = re.findall(
        r"differs from the stored one \(RMS ([0-9.]+)", result.stdout
    )
    assert rms and float(rms[0]) > 5 * TOLERANCE, result.stdout[-3000:]
    print(f"RMS of the moved highlight: {rms[0]} (tolerance {TOLERANCE})")
