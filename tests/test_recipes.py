"""Each chapter's recipe is a complete program that runs on its own.

nbval skips the recipe cell (tag ``nbval-skip``): it repeats the chapter's own
training, which nbval has just run in full.  Here the recipe runs instead,
exactly as a reader would copy it, as a standalone Python program, with its
``epochs`` variable set to 1 so that the test suite does not train the same
network twice.  The chapter's stored output comes from the full run
(``make execute``).
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import NOTEBOOKS, ROOT, code_cells, read_notebook, tags
from test_notebooks import RECIPE

RECIPES = [
    pytest.param(
        path, "".join(cell["source"]), id=f"{path.parent.name}/{path.stem}"
    )
    for path in NOTEBOOKS
    for cell in code_cells(read_notebook(path))
    if RECIPE in tags(cell)
]

# The recipe is run with the same offline MNIST as the notebooks' kernels.
RUNNER = (
    "import runpy, sys, mnist_offline; mnist_offline.install(); "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)


@pytest.mark.parametrize("path, source", RECIPES)
def test_recipe_runs_on_its_own_and_learns(path, source, tmp_path):
    one_epoch, replaced = re.subn(
        r"^epochs = \d+$", "epochs = 1", source, flags=re.MULTILINE
    )
    assert replaced == 1, (
        "the recipe must set its epochs in one line: epochs = N"
    )
    script = tmp_path / "recipe.py"
    script.write_text(one_epoch, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    accuracy = re.search(
        r"^(?:Exactitud en test|Test accuracy): ([0-9.]+)$",
        result.stdout,
        re.MULTILINE,
    )
    assert accuracy, result.stdout[-2000:]
    assert (
        float(accuracy.group(1)) > 0.97
    )  # one epoch of the chapter's network
