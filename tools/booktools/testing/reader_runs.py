"""A pytest plugin: the reader and student notebooks run as readers run them.

A reader does not open the chapter's source notebook: Colab, Binder and the
download button give the generated reader notebook (booktools.notebooks),
and a teacher hands out the student notebook.  ``make test`` generates both
into ``_build/reader-run/`` and this plugin executes each chapter there, with
nbval's cell-by-cell comparison, in the kernel of the slim environment that
Binder builds (``.venv-reader``: only the notebooks' own ``requirements.txt``
and ipykernel; no myst-nb, nothing of the book's tooling on the path).  The
kernel's profile (tools/kernel) gives it offline MNIST, as it gives every
test kernel.

Each chapter and edition is one run in one kernel:

1. a first check that the kernel is the reader's (no myst-nb, no tooling);
2. the reader notebook's cells, top to bottom.  Every output is compared with
   the stored one, except in the cells the source notebook exempts
   (``nbval-ignore-output``) or skips (``nbval-skip``: the recipe, which
   tests/test_recipes.py runs as a program); no cell may write to stderr.
   Where a cell glues a value for the book, the value the run computed is
   compared with the stored one: exactly, or, in an exempt cell, within the
   distance between the stored value and the chapter's own threshold
   (``assert name > threshold``); a value with no threshold must be a finite
   number;
3. at the place of each source cell the reader notebooks leave out (a
   glue-only ``remove-cell``), that cell runs in a copy of the reader's
   namespace, so it changes nothing the reader's cells see, and its glued
   values are compared the same way: what nbval on the source checked;
4. the student notebook's exercises: the student notebook is the reader
   notebook up to its exercises (checked), so after the shared cells the
   kernel holds what a student's kernel holds there, and the student's own
   cells run next, before the reader's solutions.  They may fail only where
   a stub stands for a solution: with a NameError for a name a solution
   binds.  Their outputs are not compared (the reader's are).

So chapter 2's ten epochs are trained once per edition, as before, and every
reader and student notebook runs from top to bottom.  pyproject.toml loads
the plugin (``-p booktools.testing.reader_runs``).
"""

import ast
import functools
import os
import re
from collections import defaultdict
from pathlib import PurePosixPath

import nbformat
import pytest
from jupyter_client.kernelspec import NoSuchKernel
from nbval.kernel import RunningKernel
from nbval.plugin import IPyNbCell, IPyNbFile, find_metadata_tags

from booktools import ROOT
from booktools.extensions.launch_links import published_path
from booktools.notebooks.cells import glued_values, section, tags
from booktools.notebooks.publish import chapters
from booktools.notebooks.reader import bound_names
from booktools.notebooks.words import TEXT
from booktools.testing.glue_checks import (
    glue_calls,
    glue_problems,
    thresholds,
)

# Where `make test` generates the notebooks it runs (READER_RUN)
RUN_FOLDER = ROOT / os.environ.get("READER_RUN", "_build/reader-run")
# The kernelspec the Makefile installs into the slim environment
KERNEL = "book-reader"
MISSING_NAME = re.compile(r"^name '(?P<name>\w+)' is not defined$")
# Run in the kernel first: it must be the reader's, not the book's
READERS_KERNEL = """\
import importlib.util as _util
_found = [
    _name
    for _name in ("myst_nb", "jupyter_book", "booktools")
    if _util.find_spec(_name)
]
assert not _found, f"the reader's kernel can import {_found}"
del _util, _found
"""


@functools.cache
def sources():
    """Reader notebook path (relative to the run folder) -> source path."""
    return {published_path(source, "reader"): source for source in chapters()}


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collected = yield
    if file_path.suffix != ".ipynb" or not file_path.is_relative_to(
        RUN_FOLDER
    ):
        return collected
    relative = file_path.relative_to(RUN_FOLDER).as_posix()
    source = sources().get(relative)
    if source is None:
        # A student notebook: its chapter's reader run executes it
        return []
    return [ChapterRun.from_parent(parent, path=file_path, source=source)]


class ChapterRun(IPyNbFile):
    """One chapter and edition: its reader and student notebooks in one
    kernel of the reader's environment."""

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_path = source

    def setup(self):
        try:
            self.kernel = RunningKernel(
                KERNEL,
                cwd=str(self.fspath.dirname),
                startup_timeout=self.config.option.nbval_kernel_startup_timeout,
            )
        except NoSuchKernel:
            pytest.fail(
                f"no Jupyter kernel {KERNEL!r}: `make test` builds the "
                "reader's environment (.venv-reader) and installs it",
                pytrace=False,
            )
        self.setup_sanitize_files()

    def student_path(self):
        return RUN_FOLDER / published_path(self.source_path, "student")

    def collect(self):
        source = nbformat.read(ROOT / self.source_path, as_version=4)
        reader = nbformat.read(self.fspath, as_version=4)
        student = nbformat.read(self.student_path(), as_version=4)
        self.nb = reader
        language = PurePosixPath(self.source_path).parts[1]
        exercises = section(
            [(cell, False) for cell in reader.cells],
            TEXT[language]["exercises"],
        )
        # The first cell, which says what the notebook is, differs
        if [(c.cell_type, c.source) for c in student.cells[1:exercises]] != [
            (c.cell_type, c.source) for c in reader.cells[1:exercises]
        ]:
            raise ValueError(
                f"{self.student_path().name}: the student notebook is not "
                "the reader notebook up to the exercises"
            )
        context = {
            "stored": glued_values(source),
            "limits": thresholds(source),
            "solutions": set().union(
                *(
                    bound_names(ast.parse(cell.source))
                    for cell in source.cells
                    if "solution" in tags(cell)
                )
            ),
        }
        by_id = {cell.id: cell for cell in source.cells}
        reader_ids = {cell.id for cell in reader.cells}
        # Each source cell the reader notebook leaves out runs after the
        # reader cell that precedes it in the source
        removed_after = defaultdict(list)
        previous = None
        for cell in source.cells:
            if cell.id in reader_ids:
                previous = cell.id
            elif cell.cell_type == "code":
                removed_after[previous].append(cell)

        yield KernelCheck.from_parent(self, name="the reader's kernel")
        yield from self.removed(removed_after[None], context)
        number = 0
        for index, cell in enumerate(reader.cells):
            if index == exercises:
                yield from self.student(student.cells[exercises:], context)
            if cell.cell_type == "code":
                original = by_id[cell.id]
                yield ReaderCell.from_parent(
                    self,
                    name=f"Cell {number}",
                    cell_num=number,
                    cell=cell,
                    options=options(original),
                    context=context,
                    glues=glue_calls(original.source),
                    exempt="nbval-ignore-output" in tags(original),
                )
                number += 1
            yield from self.removed(removed_after[cell.id], context)

    def student(self, cells, context):
        for cell in cells:
            if cell.cell_type == "code":
                yield StudentCell.from_parent(
                    self,
                    name=f"student: {cell.id}",
                    cell_num=0,
                    cell=cell,
                    options=defaultdict(
                        bool, check=False, check_exception=True
                    ),
                    context=context,
                )

    def removed(self, cells, context):
        for cell in cells:
            yield RemovedCell.from_parent(
                self,
                name=f"left out: {cell.id}",
                cell=cell,
                context=context,
                exempt="nbval-ignore-output" in tags(cell),
            )


def options(cell):
    found = defaultdict(bool, find_metadata_tags(cell.metadata))
    found.setdefault("check", True)
    return found


def expressions(kernel, expressions, timeout=600):
    """Evaluate ``{key: expression}`` in the kernel's namespace, quietly (no
    execution count, no history); return key -> text/plain of the value."""
    msg_id = kernel.kc.execute(
        "",
        silent=True,
        store_history=False,
        user_expressions=expressions,
    )
    while True:
        reply = kernel.get_message("shell", timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    results = {}
    for key, result in reply["content"]["user_expressions"].items():
        if result["status"] != "ok":
            raise AssertionError(
                f"{expressions[key]}: {result['ename']}: {result['evalue']}"
            )
        results[key] = result["data"]["text/plain"]
    return results


class ReaderCell(IPyNbCell):
    """A reader notebook's code cell, run and compared as nbval does; it
    must not write to stderr, and what it glues must match the stored run."""

    def __init__(self, *args, context, glues, exempt, **kwargs):
        super().__init__(*args, **kwargs)
        self.context, self.glues, self.exempt = context, glues, exempt

    def runtest(self):
        try:
            super().runtest()
        finally:
            # Before nbval's own verdict: stderr is the clearer one
            self.check_stderr()
        if not self.glues:
            return
        values = expressions(
            self.parent.kernel,
            {name: expression for name, expression in self.glues},
        )
        glued = {
            name: (expression, values[name]) for name, expression in self.glues
        }
        problems = glue_problems(
            glued,
            self.context["stored"],
            self.exempt,
            self.context["limits"],
        )
        if problems:
            self.raise_cell_error("Glued values differ", "\n".join(problems))

    def check_stderr(self):
        written = "".join(
            output.get("text", "")
            for output in self.test_outputs or []
            if output.get("name") == "stderr"
        )
        if written:
            self.raise_cell_error("The cell wrote to stderr", written)


class StudentCell(ReaderCell):
    """A code cell of the student notebook's exercises (a stub, or a cell
    the exercises share with the reader notebook)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, glues=[], exempt=True, **kwargs)

    def runtest(self):
        super().runtest()
        for output in self.test_outputs:
            if output.get("output_type") != "error":
                continue
            missing = MISSING_NAME.match(output["evalue"])
            if (
                output["ename"] == "NameError"
                and missing
                and missing["name"] in self.context["solutions"]
            ):
                continue
            self.raise_cell_error(
                "The student notebook fails where no stub is",
                "\n".join(output["traceback"]),
            )

    def reportinfo(self):
        return self.path, 0, f"{self.parent.name}::{self.name}"


class KernelCheck(pytest.Item):
    """The kernel is the reader's: the chapter cannot lean on the book."""

    def runtest(self):
        expressions(
            self.parent.kernel,
            {"check": f"exec({READERS_KERNEL!r}, {{}})"},
        )

    def reportinfo(self):
        return self.path, 0, f"{self.parent.name}::{self.name}"


class RemovedCell(pytest.Item):
    """A source cell the reader notebooks leave out (it only glues): run in
    a copy of the reader's namespace, its glued values compared."""

    def __init__(self, *args, cell, context, exempt, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell, self.context, self.exempt = cell, context, exempt

    def runtest(self):
        # One expression, so that nothing is bound in the reader's namespace
        run = (
            "(lambda namespace, glued: ("
            "namespace.update(glue=lambda name, value, display=True: "
            "glued.__setitem__(name, value)), "
            f"exec({self.cell.source!r}, namespace), "
            "{name: __import__('IPython').get_ipython().display_formatter"
            ".format(value)[0]['text/plain'] "
            "for name, value in glued.items()})[-1])(dict(globals()), {})"
        )
        texts = ast.literal_eval(
            expressions(self.parent.kernel, {"run": run})["run"]
        )
        calls = dict(glue_calls(self.cell.source))
        if set(texts) != set(calls):
            raise AssertionError(
                f"the cell glued {sorted(texts)}, its code {sorted(calls)}"
            )
        problems = glue_problems(
            {name: (calls[name], text) for name, text in texts.items()},
            self.context["stored"],
            self.exempt,
            self.context["limits"],
        )
        assert not problems, "\n".join(problems)

    def reportinfo(self):
        return self.path, 0, f"{self.parent.name}::{self.name}"
