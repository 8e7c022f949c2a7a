"""For learners and teachers: exercises with solutions, the teacher's guide, citations."""

import re

import numpy as np
import pytest

from booktools.editions import localise
from conftest import (
    ROOT,
    read_notebook,
    tags,
)
from conftest import (
    each_chapter as chapters,
)

EXERCISE = {"es": r"\*\*Ejercicio (\d+)\*\*", "en": r"\*\*Exercise (\d+)\*\*"}
CODE_SOLUTION = {
    "es": "# Solución del ejercicio {}",
    "en": "# Solution to exercise {}",
}


def exercise_cells(notebook):
    """The cells from the Exercises heading up to the References heading."""
    cells = read_notebook(notebook)["cells"]
    start = next(
        i
        for i, c in enumerate(cells)
        if re.search(r"^## (Ejercicios|Exercises)", "".join(c["source"]), re.M)
    )
    return cells[start:]


@chapters
def test_chapter_has_at_least_five_exercises_each_with_a_solution(notebook):
    """Exercises 1, 2, 3... each followed, before the next one, by its
    solution: a folded <details> answer or a code cell that solves it."""
    language = notebook.parent.name
    statement = re.compile(EXERCISE[language])
    answer = re.compile(r"<details>\s*<summary>(Solución|Solution)</summary>")
    numbers, solved = [], set()
    for cell in exercise_cells(notebook):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            if numbers and source.startswith(
                CODE_SOLUTION[language].format(numbers[-1])
            ):
                solved.add(numbers[-1])
            continue
        # A Markdown cell: statements, each perhaps with its folded answer
        for piece in re.split(f"(?={statement.pattern})", source):
            found = statement.match(piece)
            if found:
                numbers.append(int(found.group(1)))
            if numbers and answer.search(piece):
                solved.add(numbers[-1])
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert solved == set(numbers)


@chapters
def test_solutions_stay_hidden_in_the_book_and_readable_elsewhere(notebook):
    """<details> folds in the book, in Jupyter and in Colab; no MyST directive shows raw."""
    for cell in exercise_cells(notebook):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            assert ":::" not in source and "```{" not in source
            assert source.count("<details>") == source.count("</details>")
        elif source.startswith(("# Solución", "# Solution")):
            assert "hide-cell" in tags(cell)


def test_teachers_guide_answer_keys_are_right():
    """The numbers the guide gives teachers to check assignments against."""
    import keras

    def chapter_1_network(kernel_size):
        return keras.Sequential(
            [
                keras.Input(shape=(784,)),
                keras.layers.Reshape((28, 28, 1)),
                keras.layers.Conv2D(
                    16, kernel_size, padding="same", activation="relu"
                ),
                keras.layers.MaxPooling2D(2, strides=2),
                keras.layers.Conv2D(
                    36, kernel_size, padding="same", activation="relu"
                ),
                keras.layers.MaxPooling2D(2, strides=2),
                keras.layers.Flatten(),
                keras.layers.Dense(128, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    three, five = chapter_1_network(3), chapter_1_network(5)

    def convolutions(model):
        return [
            layer.count_params()
            for layer in model.layers
            if "conv" in layer.name
        ]

    assert three.count_params() == 232_590
    assert convolutions(three) == [160, 5_220]
    assert convolutions(five) == [416, 14_436]
    spanish = (ROOT / "book" / "es" / "guia-docente.md").read_text(
        encoding="utf-8"
    )
    english = (ROOT / "book" / "en" / "teachers-guide.md").read_text(
        encoding="utf-8"
    )
    for number in (232_590, 416, 14_436, 160, 5_220, 1_199_882):
        assert localise(f"{number:,}", "es") in spanish
        assert f"{number:,}" in english


def test_confusion_matrix_assignment_answer_key_counts_the_test_digits():
    """Assignment 5: the rows of chapter 3's confusion matrix add up to the
    test images of each digit, which the guide lists, and to 10,000."""
    import keras

    from booktools import mnist_offline

    mnist_offline.install()
    _, (_, test_labels) = keras.datasets.mnist.load_data()
    counts = np.bincount(test_labels, minlength=10)
    assert counts.sum() == 10_000
    guides = {
        "es": "book/es/guia-docente.md",
        "en": "book/en/teachers-guide.md",
    }
    for language, guide in guides.items():
        # Line breaks become spaces; the thin spaces of Spanish numbers stay
        text = re.sub(r"\s*\n\s*", " ", (ROOT / guide).read_text("utf-8"))
        listed = ", ".join(localise(f"{n:,}", language) for n in counts[:-1])
        conjunction = {"es": " y ", "en": " and "}[language]
        last = localise(f"{counts[-1]:,}", language)
        assert listed + conjunction + last in text
        assert localise(f"{counts.sum():,}", language) in text


@pytest.mark.parametrize(
    "guide, language",
    [("book/es/guia-docente.md", "es"), ("book/en/teachers-guide.md", "en")],
)
def test_teachers_guide_lists_every_chapter_with_its_links(guide, language):
    text = (ROOT / guide).read_text(encoding="utf-8")
    for notebook in (ROOT / "notebooks" / language).glob("*.ipynb"):
        path = notebook.relative_to(ROOT).as_posix()
        for role in ("{colab}", "{binder}"):
            assert f"{role}`{path}`" in text
        for role in ("{notebook}", "{student-notebook}"):
            assert re.search(
                re.escape(role) + r"`[^`<]+<" + re.escape(path) + ">`", text
            )


@chapters
def test_chapters_cite_the_works_they_use(notebook):
    markdown = "\n".join(
        "".join(c["source"])
        for c in read_notebook(notebook)["cells"]
        if c["cell_type"] == "markdown"
    )
    cited = set(re.findall(r"\{cite:p\}`([^`]+)`", markdown))
    expected = {
        "01": {
            "lecun1998gradient",
            "lecun1998mnist",
            "nair2010rectified",
            "kingma2015adam",
            "chollet2015keras",
            "abadi2015tensorflow",
            "rodenas2018clasificacion",
        },
        "02": {
            "lecun1998mnist",
            "srivastava2014dropout",
            "kingma2015adam",
            "chollet2015keras",
            "abadi2015tensorflow",
            "lerch_introduccion",
        },
        "03": {"zeiler2014visualizing", "lecun1998gradient", "lecun1998mnist"},
        "A1": {"bouthillier2021accounting", "goldberg1991what"},
    }[notebook.name[:2]]
    assert cited == expected
    bibliography = (ROOT / "book" / "references.bib").read_text(
        encoding="utf-8"
    )
    assert all(f"{{{key}," in bibliography for key in cited)
