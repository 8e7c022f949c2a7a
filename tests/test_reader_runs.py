"""The reader and student notebooks run as readers run them.

``make test`` executes every chapter's reader and student notebooks in the
reader's environment (booktools.testing.reader_runs, a pytest plugin).  These tests
check that run itself: that it covers every notebook, and that it fails where
a reader's run would break (a cell left out that a later cell needs, output on
stderr, a student notebook failing away from its stubs, a glued value that
moved), and that the generator refuses to leave out a cell a later cell needs.
"""

import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from booktools.extensions.launch_links import published_path
from booktools.notebooks.myst import MystError
from booktools.notebooks.publish import chapters
from booktools.notebooks.reader import check_removed_cells
from booktools.testing import glue_checks, reader_runs
from conftest import ROOT, tags

RUN = ROOT / os.environ.get("READER_RUN", "_build/reader-run")
CHAPTER_1 = "notebooks/es/01-clasificacion-mnist-keras.ipynb"
APPENDIX = "notebooks/es/A1-cuanto-varia-un-resultado.ipynb"


def pytest_run(*arguments, env=None):
    """The test suite's own pytest, with the book's plugins, on ``arguments``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "-p",
            "no:cacheprovider",
            "-q",
            "-rA",
            *arguments,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


# The generator


def test_a_left_out_cell_that_a_later_cell_needs_stops_the_generator():
    """Chapter 1's error count once fed only `glue` and an assert below it:
    tagged remove-cell again, the generator names the notebook and cell."""
    notebook = nbformat.read(ROOT / CHAPTER_1, as_version=4)
    check_removed_cells(notebook, CHAPTER_1.removesuffix(".ipynb"))
    counting = next(
        index
        for index, cell in enumerate(notebook.cells)
        if cell.source.startswith("# Cuántas imágenes de test")
    )
    notebook.cells[counting].metadata.setdefault("tags", []).append(
        "remove-cell"
    )
    with pytest.raises(MystError) as raised:
        check_removed_cells(notebook, CHAPTER_1.removesuffix(".ipynb"))
    message = str(raised.value)
    assert f"{CHAPTER_1}, cell {counting + 1}:" in message
    assert "numero_errores" in message


def test_a_name_bound_again_before_it_is_read_may_be_left_out():
    cell = nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook(
        cells=[
            cell(
                'total = 1\nglue("total", total)',
                metadata={"tags": ["remove-cell"]},
            ),
            cell("total = 2"),
            cell("print(total)"),
        ]
    )
    check_removed_cells(notebook, "example")
    notebook.cells[1].source = "print(total)"
    with pytest.raises(MystError, match="example.ipynb, cell 1: .* total"):
        check_removed_cells(notebook, "example")


# The run covers every notebook


def test_every_reader_and_student_notebook_is_in_the_run():
    result = pytest_run("--collect-only", str(RUN))
    assert result.returncode == 0, result.stdout[-3000:]
    items = [line for line in result.stdout.splitlines() if "::" in line]
    for source in chapters():
        reader = RUN / published_path(source, "reader")
        student = RUN / published_path(source, "student")
        prefix = f"{reader.relative_to(ROOT).as_posix()}::"
        mine = [
            item.removeprefix(prefix)
            for item in items
            if item.startswith(prefix)
        ]
        assert "the reader's kernel" in mine, source
        code = [
            cell
            for cell in nbformat.read(reader, as_version=4).cells
            if cell.cell_type == "code"
        ]
        assert [i for i in mine if re.fullmatch(r"Cell \d+", i)] == [
            f"Cell {number}" for number in range(len(code))
        ], source
        stubs = [
            cell.id
            for cell in nbformat.read(student, as_version=4).cells[1:]
            if cell.cell_type == "code" and cell.id not in {c.id for c in code}
        ]
        assert stubs, f"{source}: its student notebook has no stub"
        assert [i for i in mine if i.startswith("student: ")] == [
            f"student: {stub}" for stub in stubs
        ], source
        left_out = [
            cell.id
            for cell in nbformat.read(ROOT / source, as_version=4).cells
            if "remove-cell" in tags(cell)
        ]
        assert [i for i in mine if i.startswith("left out: ")] == [
            f"left out: {cell}" for cell in left_out
        ], source


# The run fails where a reader's would


def test_the_readers_kernel_check_fails_in_the_books_environment():
    with pytest.raises(AssertionError, match="myst_nb"):
        exec(reader_runs.READERS_KERNEL, {})


@pytest.fixture(scope="module")
def broken_appendix(tmp_path_factory):
    """The appendix's run (seconds, no training) on copies of its notebooks,
    each broken in one way, and the outcome of every item."""
    run = tmp_path_factory.mktemp("reader-run")
    reader_path = run / published_path(APPENDIX, "reader")
    student_path = run / published_path(APPENDIX, "student")
    for path in (reader_path, student_path):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RUN / path.relative_to(run), path)
    reader = nbformat.read(reader_path, as_version=4)
    student = nbformat.read(student_path, as_version=4)
    code = [cell for cell in reader.cells if cell.cell_type == "code"]
    # Cell 3 defines how to read and summarise the measurements; cell 5 is
    # the first to call it.  Dropped, as the generator once dropped a cell, it fails there.
    assert "def resumen" in code[3].source
    assert "resumen(" in code[5].source
    broken = {
        code[3].id: "pass",
        code[1].id: code[1].source
        + '\nimport sys\nprint("a warning", file=sys.stderr)',
    }
    # Both notebooks are generated from the same cells
    for notebook in (reader, student):
        for cell in notebook.cells:
            cell.source = broken.get(cell.id, cell.source)
    nbformat.write(reader, reader_path)
    stubs = [
        cell for cell in student.cells if cell.source.startswith("# Escribe")
    ]
    stubs[0].source = "print(media)"  # a solution's name: expected to fail
    stubs[1].source = "print(un_nombre_que_nadie_define)"
    nbformat.write(student, student_path)
    result = pytest_run(str(run), env={"READER_RUN": str(run)})
    outcomes = {}
    for line in result.stdout.splitlines():
        found = re.match(r"^(PASSED|FAILED|ERROR) \S+::(.+?)(?: - .*)?$", line)
        if found:
            outcomes[found.group(2)] = found.group(1)
    return result, outcomes, stubs


def test_a_cell_that_writes_to_stderr_fails(broken_appendix):
    result, outcomes, _ = broken_appendix
    assert outcomes["Cell 1"] == "FAILED", result.stdout[-3000:]
    assert "The cell wrote to stderr" in result.stdout
    assert outcomes["Cell 0"] == "PASSED"


def test_a_cell_left_out_that_later_cells_need_fails_them(broken_appendix):
    result, outcomes, _ = broken_appendix
    assert outcomes["Cell 5"] == "FAILED", result.stdout[-3000:]
    assert "name 'resumen' is not defined" in result.stdout


def test_a_student_notebook_may_fail_only_where_a_stub_is(broken_appendix):
    result, outcomes, stubs = broken_appendix
    assert outcomes[f"student: {stubs[0].id}"] == "PASSED"
    assert outcomes[f"student: {stubs[1].id}"] == "FAILED"
    assert "The student notebook fails where no stub is" in result.stdout


def test_glued_values_are_compared_exactly_or_within_the_threshold():
    stored = {
        "parameters": {"text/plain": "1234"},
        "accuracy": {"text/plain": "np.float64(0.98)"},
        "seconds": {"text/plain": "12.5"},
    }
    limits = {"accuracy": 0.965}

    def problems(name, text, exempt):
        return glue_checks.glue_problems(
            {name: (name, text)}, stored, exempt, limits
        )

    assert not problems("parameters", "1234", exempt=False)
    assert problems("parameters", "1235", exempt=False)
    assert not problems("accuracy", "np.float64(0.975)", exempt=True)
    # Further from the stored run than the threshold is
    assert problems("accuracy", "np.float64(0.996)", exempt=True)
    assert problems("accuracy", "0.96", exempt=True)
    assert not problems("seconds", "40.1", exempt=True)
    assert problems("seconds", "nan", exempt=True)
    assert problems("seconds", "'soon'", exempt=True)
