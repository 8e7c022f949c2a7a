"""What the generator reads in a notebook's cells and how it makes new ones:
tags, the values a notebook glued, sections by heading, Markdown cells."""

import copy
import re

import nbformat

from booktools.notebooks.myst import MystError

GLUE_PREFIX = "application/papermill.record/"


def glued_values(notebook):
    """Name -> mime bundle of every value the notebook stored with ``glue``."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            if "name" in scrapbook:
                prefix = scrapbook.get("mime_prefix", GLUE_PREFIX)
                values[scrapbook["name"]] = {
                    mime.removeprefix(prefix): data
                    for mime, data in output["data"].items()
                }
    return values


def is_glue_record(output):
    data = output.get("data", {})
    return bool(data) and all(mime.startswith(GLUE_PREFIX) for mime in data)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def markdown_cell(source, cell_id):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def section(cells, title):
    """Index of the markdown cell with the ``## title`` heading in a list of
    (cell, is a solution) pairs."""
    for index, (cell, _) in enumerate(cells):
        if cell.cell_type == "markdown" and re.search(
            rf"^## {re.escape(title)}\s*$", cell.source, re.MULTILINE
        ):
            return index
    raise MystError(f"no '## {title}' section")


def notebook_with(notebook, cells):
    """A copy of ``notebook`` with these cells, as nbformat 4.5."""
    result = copy.deepcopy(notebook)
    result.cells = cells
    result.nbformat, result.nbformat_minor = 4, 5
    nbformat.validate(result)
    return result
