"""Shared paths and fixtures for the book's tests."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
VENV_BIN = Path(sys.executable).parent


def read_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def glued_values(notebook):
    """The values a notebook stored with myst-nb's ``glue``, by name."""
    values = {}
    for cell in code_cells(notebook):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = "".join(output["data"]["application/papermill.record/text/plain"])
    return values


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book as `make html` does, into a temporary folder.

    Returns the build log and the folder holding the HTML pages.
    """
    output = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [VENV_BIN / "jupyter-book", "build", ROOT, "--path-output", output,
         "--warningiserror", "--nitpick", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )
    return result, output / "_build" / "html"
