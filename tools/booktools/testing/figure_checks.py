"""A pytest plugin: nbval compares the figures too, where a run redraws them.

nbval compares every output of every cell except images: without nbdime it
leaves ``image/png`` out of each comparison.  This plugin adds that
comparison for the figures that cannot depend on training, those drawn by
the cells before a chapter's first call to ``fit`` (the diagrams, the sample
digits): the PNG a fresh run draws must match the stored one within
``TOLERANCE``, or the cell fails the way a changed number does.  The two
images and their difference are saved under ``_build/figure-checks/`` for
the person who looks at the failure.

Figures drawn after training differ from machine to machine; their pixels
are not compared.  ``tests/test_figures.py`` checks them instead, by calling
the chapter's own plotting code on inputs whose answer is known.

To accept an intended change to a figure, re-run the chapter
(``make execute``): the stored PNG becomes the new reference.
pyproject.toml loads the plugin (``-p booktools.testing.figure_checks``).
"""

import base64
import re
from pathlib import Path

from matplotlib.testing.compare import compare_images
from nbval.plugin import IPyNbCell

from booktools import ROOT

FAILURES = ROOT / "_build" / "figure-checks"

# Root-mean-square difference allowed between the stored and the redrawn
# PNG, on the 0-255 scale of each colour channel (matplotlib's measure).  The
# same software draws the same pixels, so the difference is 0 on any
# machine with the pinned versions; 1 leaves room for font anti-aliasing and
# fails for a moved or recoloured highlight, whose RMS is well above 5
# (tests/test_figures.py shows it).
TOLERANCE = 1.0

TRAINING = re.compile(r"\.fit\(")


def first_training_cell(cells):
    """Index of the first code cell that trains a network, or None."""
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and TRAINING.search(cell.source):
            return index
    return None


def pngs(outputs):
    return [
        output["data"]["image/png"]
        for output in outputs
        if "image/png" in output.get("data", {})
    ]


def figure_differences(stored, redrawn, name):
    """Problems between two lists of base64 PNGs; saves each failing pair."""
    if len(stored) != len(redrawn):
        return [f"{name}: {len(redrawn)} figures drawn, {len(stored)} stored"]
    problems = []
    for number, (expected, actual) in enumerate(
        zip(stored, redrawn, strict=True), start=1
    ):
        folder = FAILURES / name
        folder.mkdir(parents=True, exist_ok=True)
        expected_path = folder / f"figure-{number}-stored.png"
        actual_path = folder / f"figure-{number}-redrawn.png"
        expected_path.write_bytes(base64.b64decode(expected))
        actual_path.write_bytes(base64.b64decode(actual))
        result = compare_images(
            expected_path, actual_path, TOLERANCE, in_decorator=True
        )
        if result is None:
            expected_path.unlink()
            actual_path.unlink()
            continue
        problems.append(
            f"{name}, figure {number}: the redrawn figure differs from the "
            f"stored one (RMS {result['rms']:.2f} > {TOLERANCE}); see "
            f"{folder.relative_to(ROOT)}/ for both images and their "
            f"difference"
        )
    return problems


def is_compared(item):
    """Whether the cell item's figures are compared: before any training."""
    cells = item.parent.nb.cells
    first = first_training_cell(cells)
    index = next(i for i, cell in enumerate(cells) if cell is item.cell)
    return first is None or index < first


_compare_outputs = IPyNbCell.compare_outputs


def compare_outputs(self, test, ref, skip_compare=None):
    same = _compare_outputs(self, test, ref, skip_compare)
    if not is_compared(self):
        return same
    name = f"{Path(self.fspath).parent.name}-{Path(self.fspath).stem}"
    problems = figure_differences(
        pngs(ref), pngs(test), f"{name}-cell-{self.cell_num}"
    )
    self.comparison_traceback.extend(problems)
    return same and not problems


IPyNbCell.compare_outputs = compare_outputs
