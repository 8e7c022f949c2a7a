"""What the reader runs check in the values a chapter glues for the book.

A run's glued value must be the stored one: exactly, or, in a cell whose
output the chapter exempts (``nbval-ignore-output``), within the distance
between the stored value and the chapter's own threshold (``assert name >
threshold``); a value with no threshold must be a finite number.  The
plugin :mod:`booktools.testing.reader_runs` applies these checks cell by
cell.
"""

import ast
import math
import re

NUMBER = re.compile(r"^(?:np\.\w+\()?(-?[\d.]+(?:e[-+]?\d+)?)\)?$")


def glue_calls(source):
    """(name, expression) of every ``glue("name", expression, …)`` call."""
    return [
        (node.args[0].value, ast.unparse(node.args[1]))
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "glue"
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Constant)
    ]


def thresholds(notebook):
    """Expression -> threshold of every ``assert expression > number``."""
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (
                isinstance(node, ast.Assert)
                and isinstance(node.test, ast.Compare)
                and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], ast.Gt | ast.GtE)
                and isinstance(node.test.comparators[0], ast.Constant)
            ):
                found[ast.unparse(node.test.left)] = node.test.comparators[
                    0
                ].value
    return found


def number(text):
    match = NUMBER.match(text.strip())
    return float(match.group(1)) if match else None


def glue_problems(glued, stored, exempt, limits):
    """What is wrong with the values a run glued: ``glued`` maps each name
    to (expression, text/plain of its value)."""
    problems = []
    for name, (expression, text) in glued.items():
        expected = "".join(stored[name]["text/plain"])
        if not exempt:
            if text != expected:
                problems.append(
                    f"{name}: the run glues {text}, stored {expected}"
                )
            continue
        value = number(text)
        if value is None or not math.isfinite(value):
            problems.append(f"{name}: the run glues {text}, not a number")
            continue
        if expression in limits:
            limit = limits[expression]
            reference = number(expected)
            if value <= limit or abs(value - reference) > reference - limit:
                problems.append(
                    f"{name}: the run glues {value}, the stored run "
                    f"{reference}; the chapter's threshold {limit} allows "
                    f"at most {reference - limit:.4g} between them"
                )
    return problems
