"""Publishing the notebooks: the folder Colab, Binder and the site read.

``python -m booktools.notebooks.publish [FOLDER]`` (``make notebooks``; ``make
html`` calls :func:`generate_all` too) writes every chapter's reader and
student notebooks (:func:`generate`) laid out as the ``notebooks`` branch
(:func:`booktools.extensions.launch_links.published_path`), with the slim
``requirements.txt`` Binder installs (what the chapters import, pinned as
the book pins it), ``runtime.txt`` and a README.  The GitHub Actions
workflow publishes the folder as that branch.
"""

import ast
import copy
import importlib.metadata
import re
import shutil
import sys
from pathlib import Path, PurePosixPath

import nbformat

from booktools import ROOT
from booktools.editions import config, edition_of, editions, site_url
from booktools.extensions.launch_links import published_path
from booktools.notebooks.cells import glued_values, notebook_with
from booktools.notebooks.citations import add_works_cited
from booktools.notebooks.commonmark import Converter
from booktools.notebooks.myst import MystError
from booktools.notebooks.reader import header, reader_cells
from booktools.notebooks.student import strip_solutions

OUTPUT = ROOT / "_build" / "notebooks"
# Modules every Jupyter kernel has: not requirements of the chapters
KERNEL_MODULES = {"IPython", "ipykernel"}


def generate(source, output):
    """Write the reader and student notebooks of one chapter; return their paths."""
    source = PurePosixPath(source)
    language = source.parts[1]
    edition = edition_of(language)
    notebook = nbformat.read(ROOT / source, as_version=4)
    converter = Converter(
        edition, str(source.with_suffix("")), glued_values(notebook)
    )
    cells = reader_cells(notebook, converter)
    add_works_cited(cells, converter.cited, language, converter.where)
    written = []
    for kind in ("reader", "student"):
        body = copy.deepcopy(cells)
        if kind == "student":
            body = [(cell, False) for cell in strip_solutions(body, language)]
        result = notebook_with(
            notebook,
            [header(kind, source.as_posix(), edition)]
            + [cell for cell, _ in body],
        )
        path = Path(output) / published_path(source.as_posix(), kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(result, path)
        written.append(path)
    return written


def chapters():
    """Every chapter notebook of every edition, as notebooks/<lang>/<name>.ipynb."""
    found = []
    for language in editions():
        for name, path in edition_of(language).documents.items():
            if path.suffix == ".ipynb" and name.startswith("notebooks/"):
                found.append(f"{name}.ipynb")
    return found


def imported_modules(notebooks):
    """Top-level modules the chapters' code imports, optional ones left out
    (an import inside ``try:`` whose handler catches ImportError)."""
    modules = set()
    for path in notebooks:
        for cell in nbformat.read(ROOT / path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            optional = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Try) and any(
                    "ImportError" in ast.unparse(handler.type or ast.Name(""))
                    or "ModuleNotFoundError"
                    in ast.unparse(handler.type or ast.Name(""))
                    for handler in node.handlers
                ):
                    for inner in node.body:
                        optional.update(map(id, ast.walk(inner)))
            for node in ast.walk(tree):
                if id(node) in optional:
                    continue
                if isinstance(node, ast.Import):
                    modules.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    return {
        module
        for module in modules
        if module not in sys.stdlib_module_names
        and module not in KERNEL_MODULES
    }


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def reader_requirements(notebooks):
    """requirements.txt for readers: what the chapters import, pinned as in
    the repository's requirements.txt."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text("utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pins[normalise(line.split("==")[0].strip())] = line.strip()
    distributions = importlib.metadata.packages_distributions()
    lines = []
    for module in sorted(imported_modules(notebooks), key=str.lower):
        pinned = [
            pins[normalise(dist)]
            for dist in distributions.get(module, [])
            if normalise(dist) in pins
        ]
        if not pinned:
            raise MystError(
                f"the chapters import {module!r}, which requirements.txt "
                "does not pin"
            )
        lines.extend(pinned)
    return sorted(set(lines), key=str.lower)


BRANCH_README = """# Cuadernos del libro / The book's notebooks

Generados por `tools/booktools/notebooks/` desde la rama `{branch}`; no los
edites aquí. / Generated by `tools/booktools/notebooks/` from the `{branch}`
branch; do not edit them here.

- `es/`, `en/`: cuadernos de lectura / reader notebooks
- `es/estudiante/`, `en/student/`: cuadernos del estudiante, sin
  soluciones / student notebooks, without solutions

{site}
"""


def generate_all(output=OUTPUT):
    """Every chapter's notebooks, and the slim environment Binder reads."""
    output = Path(output)
    notebooks = chapters()
    for language in {PurePosixPath(source).parts[1] for source in notebooks}:
        shutil.rmtree(output / language, ignore_errors=True)  # stale copies
    written = []
    for source in notebooks:
        written.extend(generate(source, output))
    settings = config()
    (output / "requirements.txt").write_text(
        "# What the chapters import, pinned as the book pins it\n"
        + "\n".join(reader_requirements(notebooks))
        + "\n",
        encoding="utf-8",
    )
    (output / "runtime.txt").write_text(
        (ROOT / "runtime.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (output / "README.md").write_text(
        BRANCH_README.format(
            branch=settings["repository"].get("branch", "main"),
            site=site_url(settings["repository"]["url"]) + "/",
        ),
        encoding="utf-8",
    )
    return written


if __name__ == "__main__":
    try:
        paths = generate_all(sys.argv[1] if len(sys.argv) > 1 else OUTPUT)
    except MystError as error:
        sys.exit(f"reader notebooks: {error}")
    print(
        f"{len(paths)} reader and student notebooks in {paths[0].parents[1]}"
    )
