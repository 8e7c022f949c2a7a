"""The student notebook: the reader notebook without the exercises' solutions.

A solution is marked, never guessed: in the Exercises section, a
``<details>`` block whose summary is "Solución"/"Solution" is dropped, and
each run of code cells tagged ``solution`` becomes one stub cell ("# Escribe
aquí tu solución").  Before the Exercises section nothing changes, so the
student notebook is the reader notebook up to there (the reader runs check
it).
"""

import re

import nbformat

from booktools.notebooks.cells import section
from booktools.notebooks.words import TEXT


def strip_solutions(cells, language):
    """The student notebook's cells: no <details> answer and no solution cell
    (each run of them becomes one empty stub)."""
    text = TEXT[language]
    answer = re.compile(
        r"\n*<details>\s*<summary>\s*"
        + re.escape(text["solution"])
        + r"\s*</summary>.*?</details>[ \t]*",
        re.DOTALL,
    )
    start = section(cells, text["exercises"])
    student, stubs, index = [], 0, 0
    while index < len(cells):
        cell, solution = cells[index]
        if index >= start and solution:
            while index < len(cells) and cells[index][1]:
                index += 1
            stubs += 1
            stub = nbformat.v4.new_code_cell(text["stub"])
            stub.id = f"solution-stub-{stubs}"
            student.append(stub)
            continue
        if index >= start and cell.cell_type == "markdown":
            cell.source = answer.sub("", cell.source).strip("\n")
            cell.source = re.sub(r"\n{3,}", "\n\n", cell.source)
            if not cell.source:
                index += 1
                continue
        student.append(cell)
        index += 1
    return student
