"""For learners and teachers: exercises with solutions, the teacher's guide, citations."""

import re

import pytest

from conftest import (
    ROOT,
    code_cells,
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
    language = notebook.parent.name
    cells = exercise_cells(notebook)
    markdown = "\n".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )
    numbers = [int(n) for n in re.findall(EXERCISE[language], markdown)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    coded = {
        n
        for n in numbers
        if any(
            "".join(c["source"]).startswith(CODE_SOLUTION[language].format(n))
            for c in code_cells({"cells": cells})
        )
    }
    written = len(
        re.findall(
            r"<details>\s*<summary>(Solución|Solution)</summary>", markdown
        )
    )
    assert coded and written == len(numbers) - len(coded)


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
    for number in ("232 590", "416", "14 436", "160", "5 220", "1 199 882"):
        assert number in spanish and number.replace(" ", ",") in english


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
        assert re.search(
            r"\{download\}`[^`]*<\.\./\.\./" + re.escape(path) + ">`", text
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
    }[notebook.name[:2]]
    assert cited == expected
    bibliography = (ROOT / "book" / "references.bib").read_text(
        encoding="utf-8"
    )
    assert all(f"{{{key}," in bibliography for key in cited)
