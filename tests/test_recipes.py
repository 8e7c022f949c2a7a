"""Chapter 2's recipe is a complete program that runs on its own.

The recipe is a file of the book, one per edition (assets/recipes/), that
the chapter shows whole ({literalinclude}) and offers for download; the
chapter does not run it, because it would repeat the chapter's own ten-epoch
training.  Here it runs exactly as a reader would run the downloaded file, as
a standalone Python program, with its ``epochs`` set to 1 so that the test
suite does not train the same network twice.
"""

import re
import subprocess
import sys

import pytest

from conftest import (
    IDENTIFIERS,
    NOTEBOOKS,
    ROOT,
    glued_values,
    name_in,
    read_notebook,
)
from test_editions import code_tokens

RECIPES = ROOT / "assets" / "recipes"
# Each edition's recipe, by the chapter that shows it
RECIPE_OF = {
    "es/02-introduccion-deep-learning-keras": "receta_mnist_keras.py",
    "en/02-introduction-deep-learning-keras": "mnist_keras_recipe.py",
}
INCLUDE = re.compile(r"^```\{literalinclude\} (?P<path>\S+)$", re.MULTILINE)

# The recipe is run with the same offline MNIST as the notebooks' kernels.
RUNNER = (
    "import runpy, sys; from booktools import mnist_offline; "
    "mnist_offline.install(); "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)


def included_files(notebook):
    """The files a notebook shows with {literalinclude}, as paths."""
    return [
        (notebook.parent / match["path"]).resolve()
        for cell in read_notebook(notebook)["cells"]
        if cell["cell_type"] == "markdown"
        for match in INCLUDE.finditer("".join(cell["source"]))
    ]


def test_every_recipe_is_shown_by_its_chapter_and_only_there():
    shown = {
        f"{notebook.parent.name}/{notebook.stem}": included_files(notebook)
        for notebook in NOTEBOOKS
    }
    for chapter, recipe in RECIPE_OF.items():
        assert shown.pop(chapter) == [RECIPES / recipe], chapter
    assert not any(shown.values()), shown
    assert sorted(path.name for path in RECIPES.glob("*.py")) == sorted(
        RECIPE_OF.values()
    )


def test_both_recipes_are_the_same_program():
    """The English recipe is the Spanish one with its names translated."""
    spanish, english = (
        (RECIPES / RECIPE_OF[chapter]).read_text(encoding="utf-8")
        for chapter in RECIPE_OF
    )
    translated = [
        (kind, IDENTIFIERS.get(text, text) if kind == "name" else text)
        for kind, text in code_tokens(spanish)
    ]
    assert translated == code_tokens(english)


@pytest.mark.parametrize("recipe", RECIPE_OF.values())
def test_recipe_runs_on_its_own_and_learns(recipe, tmp_path):
    source = (RECIPES / recipe).read_text(encoding="utf-8")
    one_epoch, replaced = re.subn(
        r"^epochs = \d+$", "epochs = 1", source, flags=re.MULTILINE
    )
    assert replaced == 1, (
        "the recipe must set its epochs in one line: epochs = N"
    )
    script = tmp_path / recipe
    script.write_text(one_epoch, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    accuracy = re.search(
        r"^(?:Exactitud en test|Test accuracy): ([0-9.]+)$",
        result.stdout,
        re.MULTILINE,
    )
    assert accuracy, result.stdout[-2000:]
    # One epoch of the recipe is the chapter's first epoch: the same seed,
    # data, network and deterministic operations give the validation
    # accuracy the chapter stored after its first epoch (validation there is
    # the test set).  The margin covers another processor's rounding.
    chapter = next(
        path
        for path in NOTEBOOKS
        if f"{path.parent.name}/{path.stem}" in RECIPE_OF
        and RECIPE_OF[f"{path.parent.name}/{path.stem}"] == recipe
    )
    first_epoch = glued_values(read_notebook(chapter))[
        name_in(chapter, "exactitud_primera_epoca")
    ]
    assert abs(float(accuracy.group(1)) - float(first_epoch)) < 0.003, (
        accuracy.group(1),
        first_epoch,
    )
