"""How much the chapters' training results vary: ``make spread``.

A benchmark, not a test.  It trains each chapter's checked networks exactly
as the chapter does, by running the chapter's own code cells (the English
edition's: the same program as the Spanish one) as a script in a fresh
process, with one change, the seed given to ``keras.utils.set_random_seed``.
Cells that nbval skips (the recipe) are skipped here too, figures are drawn
off screen, and ``glue`` does nothing.  Each run
then reports the quantities that the chapters' asserts check.

Chapter 2 runs in two ways: as written (ten epochs), for the ten-epoch
network, and with ``epochs = 1``, which measures its one-epoch results (the
recipe test's) and, more cheaply, chapter 1's network trained there.  Every
run appends its rows to the CSV (chapter, quantity, seed, value, epochs, cpu,
date), so an interrupted measurement keeps what it finished; a seed already
in the CSV for the same chapter and epochs is not run again.

The autograded assignments whose hidden tests check a trained result
(assignment 3's test accuracy, assignment 4's gaps with and without
dropout) are measured the same way, from their solution's code (the English
source in assignments/en/, without Otter's cells), into a CSV of their own
(assignment, quantity, seed, value, epochs, cpu, date);
tests/test_assignments.py holds their thresholds to it.

    python -m booktools.spread [--seeds-one-epoch 20] [--seeds-ten-epochs 5]
                           [--assignment-seeds 20] [--jobs N] [--csv PATH]
"""

import argparse
import ast
import csv
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from booktools import ROOT

CSV = ROOT / "assets" / "data" / "seed-spread.csv"
FIELDS = ["chapter", "quantity", "seed", "value", "epochs", "cpu", "date"]
CHAPTERS = {
    1: ROOT / "notebooks" / "en" / "01-mnist-classification-keras.ipynb",
    2: ROOT / "notebooks" / "en" / "02-introduction-deep-learning-keras.ipynb",
    3: ROOT / "notebooks" / "en" / "03-what-the-network-learned.ipynb",
}
SEED = re.compile(r"keras\.utils\.set_random_seed\(\d+\)")

# Run before a chapter's code: offline MNIST (booktools.mnist_offline), figures
# off screen, and a `glue` that does nothing (the run's names are read
# directly, REPORT below).
PRELUDE = """\
import sys, types, warnings
from booktools import mnist_offline
mnist_offline.install()
import matplotlib
matplotlib.use("Agg")
warnings.filterwarnings("ignore")
myst_nb = types.ModuleType("myst_nb")
myst_nb.glue = lambda name, value, display=True: None
sys.modules["myst_nb"] = myst_nb
"""

# What each chapter's threshold asserts check: quantity -> its expression in
# the chapter's (English) code.  tests/test_thresholds.py holds every
# threshold assert of a chapter to the spread of one of these quantities.
REPORT = {
    1: {
        "validation_accuracy": "validation_accuracy",
        "test_accuracy": "test_accuracy",
        "rate_1e-3_minus_rate_1e-1": (
            "accuracy_by_rate[1e-3] - accuracy_by_rate[1e-1]"
        ),
    },
    2: {
        "test_accuracy": "test_accuracy",
        "last_val_accuracy": "curves['val_accuracy'][-1]",
        "first_val_minus_train_accuracy": (
            "curves['val_accuracy'][0] - curves['accuracy'][0]"
        ),
        "chapter_1_accuracy": "chapter_1_accuracy",
        "test_minus_chapter_1_accuracy": "test_accuracy - chapter_1_accuracy",
    },
    3: {
        "test_accuracy": "test_accuracy",
        "conv_minus_dense_2px": "convolutional_accuracy[2] - dense_accuracy[2]",
        "prepared_seven_probability": "probability_7[1]",
    },
}
# The assignments measured, their quantities (as REPORT) and their CSV
ENGLISH_ASSIGNMENTS = ROOT / "assignments" / "en"
ASSIGNMENTS = {
    3: ENGLISH_ASSIGNMENTS / "03-validation-without-the-test-set.ipynb",
    4: ENGLISH_ASSIGNMENTS / "04-without-dropout.ipynb",
}
ASSIGNMENT_REPORT = {
    3: {"test_accuracy": "test_accuracy"},
    4: {
        "gap_with": "gap(history_with)",
        "gap_without": "gap(history_without)",
    },
}
ASSIGNMENT_CSV = ROOT / "assets" / "data" / "assignment-spread.csv"
# Otter's cells, which a measurement leaves out: the Colab install, the
# grader, and the tests
OTTER_CELL = re.compile(r"otter|# BEGIN TEST CONFIG")

# The epochs each chapter trains its checked network for
EPOCHS = {1: 1, 2: 10, 3: 1}
ONE_EPOCH = (r"^epochs = 10$", "epochs = 1")


class DropAsserts(ast.NodeTransformer):
    """A run reports what it got; the chapters' asserts must not stop it."""

    def visit_Assert(self, node):
        return ast.Pass()


def without_asserts(code):
    return ast.unparse(DropAsserts().visit(ast.parse(code)))


def seeded(code, seed, what):
    """``code`` with its one ``keras.utils.set_random_seed`` given ``seed``."""
    code, seeds = SEED.subn(f"keras.utils.set_random_seed({seed})", code)
    if seeds != 1:
        raise ValueError(f"{what}: {seeds} seeds set, expected 1")
    return code


def printed_as_json(report):
    """Code that prints the quantities of ``report`` ({name: expression})
    as one line of JSON."""
    results = ", ".join(
        f"{quantity!r}: float({expression})"
        for quantity, expression in report.items()
    )
    return f"import json\nprint(json.dumps({{{results}}}))\n"


def chapter_script(
    chapter, seed, one_epoch=False, asserts=False, change="", report=None
):
    """The chapter's code as one script, with ``seed`` and perhaps one epoch.

    The asserts are left out unless ``asserts``; ``change`` is code run
    before the chapter's (the tests use it to break the network on purpose).
    ``report`` is code run after it, in its namespace; by default it prints
    the chapter's REPORT quantities as JSON.
    """
    notebook = nbformat.read(CHAPTERS[chapter], as_version=4)
    cells = [
        cell.source if asserts else without_asserts(cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code"
        and "nbval-skip" not in cell.metadata.get("tags", [])
    ]
    code = seeded("\n\n".join(cells), seed, f"chapter {chapter}")
    if one_epoch:
        code, changed = re.subn(*ONE_EPOCH, code, flags=re.MULTILINE)
        if changed != 1:
            raise ValueError(f"chapter {chapter}: no `epochs = 10` line")
    if report is None:
        report = printed_as_json(REPORT[chapter])
    else:
        report = f"import json\n{report}"
    return f"{PRELUDE}\n{change}\n{code}\n\n{report}"


def assignment_epochs(number):
    """The epochs the assignment's solution trains for (``epochs=N``)."""
    code = ASSIGNMENTS[number].read_text(encoding="utf-8")
    (epochs,) = set(re.findall(r"epochs=(\d+)", code))
    return int(epochs)


def assignment_script(number, seed):
    """The assignment's solution as one script, with ``seed``, reporting
    its ASSIGNMENT_REPORT quantities as JSON."""
    notebook = nbformat.read(ASSIGNMENTS[number], as_version=4)
    code = "\n\n".join(
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and not OTTER_CELL.search(cell.source)
    )
    code = seeded(code, seed, f"assignment {number}")
    return f"{PRELUDE}\n{code}\n\n{printed_as_json(ASSIGNMENT_REPORT[number])}"


def run(chapter, seed, one_epoch, threads, workdir, assignment=False):
    """Train once; return the reported quantities and the seconds it took.

    ``chapter`` is an assignment's number if ``assignment``."""
    # Each run in a folder of its own: chapter 1 saves and deletes a model
    # file, assignment 3 saves its best network
    kind = "assignment" if assignment else "chapter"
    folder = Path(workdir) / f"{kind}{chapter}-seed{seed}-one{one_epoch:d}"
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    values = run_script(
        assignment_script(chapter, seed)
        if assignment
        else chapter_script(chapter, seed, one_epoch),
        folder,
        f"{kind} {chapter}, seed {seed}",
        TF_NUM_INTRAOP_THREADS=str(threads),
        TF_NUM_INTEROP_THREADS=str(threads),
        OMP_NUM_THREADS=str(threads),
    )
    return values, time.perf_counter() - start


def run_script(code, folder, name, **environment):
    """Run a chapter script in ``folder``, in a fresh process; return the
    JSON its last line prints.  ``environment`` adds variables to it."""
    script = Path(folder) / "run.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=folder,
        env=dict(
            os.environ,
            TF_CPP_MIN_LOG_LEVEL="3",
            PYTHONHASHSEED="0",
            **environment,
        ),
    )
    if result.returncode:
        raise RuntimeError(f"{name}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def cpu_name():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def done_seeds(path, column="chapter"):
    """(chapter, epochs) -> the seeds the CSV already has (``column``:
    ``assignment`` in the assignments' CSV)."""
    done = {}
    if path.exists():
        with path.open(newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                key = (int(row[column]), int(row["epochs"]))
                done.setdefault(key, set()).add(int(row["seed"]))
    return done


def chapter_seed(chapter):
    """The seed the chapter sets: its stored run is that seed's run."""
    notebook = CHAPTERS[chapter].read_text(encoding="utf-8")
    return int(re.search(r"set_random_seed\((\d+)\)", notebook).group(1))


def plan(seeds_one_epoch, seeds_ten_epochs):
    """The runs: (chapter, seed, one_epoch), the long ones first.

    Seeds 1 to N, and each chapter's own seed, whose run is the stored one.
    """

    def seeds(chapter, count):
        return [chapter_seed(chapter), *range(1, count + 1)]

    runs = [(2, seed, False) for seed in seeds(2, seeds_ten_epochs)]
    runs += [(1, seed, False) for seed in seeds(1, seeds_one_epoch)]
    runs += [(3, seed, False) for seed in seeds(3, seeds_one_epoch)]
    # Chapter 2's one-epoch results: as many seeds as the one-epoch networks
    runs += [(2, seed, True) for seed in seeds(2, seeds_one_epoch)]
    return runs


def measure(runs, path, column, epochs_of, threads, jobs, workdir):
    """Run ``runs`` ((number, seed, one_epoch), ``jobs`` at a time) and
    append each one's quantities to the CSV at ``path``, whose first column
    is ``column`` (chapter or assignment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new_file = not path.exists()
    cpu, today = cpu_name(), datetime.date.today().isoformat()
    assignment = column == "assignment"
    with (
        path.open("a", newline="", encoding="utf-8") as file,
        ThreadPoolExecutor(jobs) as pool,
    ):
        writer = csv.DictWriter(
            file, [column, *FIELDS[1:]], lineterminator="\n"
        )
        if new_file:
            writer.writeheader()
        futures = [
            (key, pool.submit(run, *key, threads, workdir, assignment))
            for key in runs
        ]
        for count, ((number, seed, one_epoch), future) in enumerate(
            futures, 1
        ):
            values, seconds = future.result()
            n_epochs = 1 if one_epoch else epochs_of(number)
            for quantity, value in values.items():
                writer.writerow(
                    {
                        column: number,
                        "quantity": quantity,
                        "seed": seed,
                        "value": f"{value:.6f}",
                        "epochs": n_epochs,
                        "cpu": cpu,
                        "date": today,
                    }
                )
            file.flush()
            shown = ", ".join(f"{k}={v:.4f}" for k, v in values.items())
            print(
                f"[{count}/{len(runs)}] {column} {number}, {n_epochs} "
                f"epoch(s), seed {seed}: {shown} ({seconds:.0f} s)",
                flush=True,
            )


def assignment_seed_count(epochs, options):
    """How many seeds an assignment that trains for ``epochs`` is measured
    with, besides its own: as many as chapter 2's ten epochs if as long."""
    if epochs >= EPOCHS[2]:
        return options.seeds_ten_epochs
    return options.assignment_seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds-one-epoch", type=int, default=20)
    parser.add_argument("--seeds-ten-epochs", type=int, default=5)
    parser.add_argument("--assignment-seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--assignment-csv", type=Path, default=ASSIGNMENT_CSV)
    options = parser.parse_args()
    cores = os.cpu_count() or 1
    threads = max(1, cores // options.jobs)
    done = done_seeds(options.csv)
    runs = [
        (chapter, seed, one_epoch)
        for chapter, seed, one_epoch in plan(
            options.seeds_one_epoch, options.seeds_ten_epochs
        )
        if seed
        not in done.get((chapter, 1 if one_epoch else EPOCHS[chapter]), ())
    ]
    done = done_seeds(options.assignment_csv, "assignment")
    epochs = {number: assignment_epochs(number) for number in ASSIGNMENTS}
    assignment_runs = [
        (number, seed, False)
        for number in ASSIGNMENTS
        # The solution's own seed (42), whose run the tests grade, and 1 to N
        for seed in (
            42,
            *range(1, assignment_seed_count(epochs[number], options) + 1),
        )
        if seed not in done.get((number, epochs[number]), ())
    ]
    workdir = ROOT / "_build" / "spread"
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"{len(runs) + len(assignment_runs)} runs, {options.jobs} at a time "
        f"with {threads} TensorFlow thread(s) each, on {cores} cores "
        f"({cpu_name()})",
        flush=True,
    )
    start = time.perf_counter()
    measure(
        runs,
        options.csv,
        "chapter",
        EPOCHS.get,
        threads,
        options.jobs,
        workdir,
    )
    measure(
        assignment_runs,
        options.assignment_csv,
        "assignment",
        epochs.get,
        threads,
        options.jobs,
        workdir,
    )
    minutes = (time.perf_counter() - start) / 60
    print(
        f"{len(runs) + len(assignment_runs)} runs in {minutes:.1f} min",
        flush=True,
    )


if __name__ == "__main__":
    main()
