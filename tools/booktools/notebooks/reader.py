"""The reader notebook: the chapter as it reads outside the book.

Every cell of the executed source notebook, in order, but for the glue-only
``remove-cell`` cells (:func:`check_removed_cells` first makes sure no kept
cell needs what one of them computes); each Markdown cell converted to plain
Markdown (:mod:`.commonmark`) and checked for MyST left over; code cells with
their stored outputs, without glue records; tooling tags and myst-nb
metadata dropped, a figure's caption and alt text in a Markdown cell under
it; and a first cell (:func:`header`) that says what the notebook is, links
to the chapter in the book and has the Colab badge.  The student notebook
(:mod:`.student`) is made from these same cells.
"""

import ast
import copy
import html
import re
from pathlib import PurePosixPath

from booktools.extensions.launch_links import launch_url, published_path
from booktools.notebooks.cells import is_glue_record, markdown_cell, tags
from booktools.notebooks.myst import MystError, myst_syntax
from booktools.notebooks.words import TEXT

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
# Tags only the tooling reads (nbval, the recipe test, the generator)
TOOLING_TAGS = re.compile(r"^(nbval-.*|recipe|solution|remove-cell)$")


def bound_names(tree):
    """Names a cell's code binds at its top level: assignments, loop and
    ``with`` targets, imports, functions and classes."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
            )
    return names


def read_names(tree):
    """Names a cell's code reads, function bodies included."""
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def check_removed_cells(notebook, docname):
    """Stop if a ``remove-cell`` cell binds a name that a kept cell reads.

    The reader notebooks leave such cells out (they only feed ``glue``): a
    name one of them binds must not be read by a later kept cell before a
    kept cell binds it again, or the reader's run stops with a NameError.
    """
    trees = [
        (number, cell, ast.parse(cell.source))
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code"
    ]
    for index, (number, cell, tree) in enumerate(trees):
        if "remove-cell" not in tags(cell):
            continue
        pending = bound_names(tree)
        for later, kept, kept_tree in trees[index + 1 :]:
            if "remove-cell" in tags(kept):
                continue
            needed = sorted(pending & read_names(kept_tree))
            if needed:
                raise MystError(
                    f"{docname}.ipynb, cell {number}: a remove-cell cell "
                    f"binds {', '.join(needed)}, which cell {later} reads; "
                    "the reader notebooks leave that cell out, so their "
                    "run would stop there. Keep the cell (drop its "
                    "remove-cell tag) or move what it computes to a kept cell"
                )
            pending -= bound_names(kept_tree)


def reader_cells(notebook, converter):
    """The reader notebook's cells, each with whether it is a solution."""
    check_removed_cells(notebook, converter.docname)
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        converter.where = f"{converter.docname}.ipynb, cell {number}"
        if "remove-cell" in tags(cell):
            continue
        cell = copy.deepcopy(cell)
        solution = "solution" in tags(cell)
        metadata = cell.metadata
        mystnb = metadata.pop("mystnb", {})
        figure = mystnb.get("figure")
        alt = mystnb.get("image", {}).get("alt")
        kept = [tag for tag in tags(cell) if not TOOLING_TAGS.match(tag)]
        if kept:
            metadata["tags"] = kept
        else:
            metadata.pop("tags", None)
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source)
            leftover = myst_syntax(cell.source)
            if leftover:
                raise MystError(f"{converter.where}: MyST left: {leftover}")
        elif cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not is_glue_record(o)]
        cells.append((cell, solution))
        if figure and figure.get("caption"):
            number = converter.text["figure"].format(
                converter.figure_number(figure)
            )
            caption = f"*{number}.* {converter.convert(figure['caption'])}"
            if alt:
                # Notebook outputs carry no alt text: the book's text
                # alternative follows the caption, folded
                caption += (
                    f"\n\n<details>\n<summary>"
                    f"{converter.text['description']}</summary>\n\n"
                    f"{html.escape(alt, quote=False)}\n\n</details>"
                )
            cells.append((markdown_cell(caption, f"{cell.id}-caption"), False))
    return cells


def header(kind, source, edition):
    """The first cell: what the notebook is, the chapter's page, the badge."""
    text = TEXT[edition.language]
    docname = str(PurePosixPath(source).with_suffix(""))
    path = published_path(source, kind)
    colab = launch_url(
        "colab",
        edition.repository,
        edition.settings["launch_buttons"],
        path,
    )
    badge = f"[![{text['badge']}]({COLAB_BADGE})]({colab})"
    words = text[kind].format(
        book=edition.settings["title"],
        chapter=edition.page_url(docname),
        stub=text["stub"],
    )
    return markdown_cell(f"{badge}\n\n{words}", f"{kind}-notebook-header")
