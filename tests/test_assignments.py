"""The teacher's guide's assignments, autograded with Otter-Grader.

`make assignments` turns each source in assignments/<language>/ into a
student notebook and an autograder zip (booktools.assignments).  These tests
grade without Docker (`otter run`, Otter's non-containerised grading), for
each assignment and edition: the solution (full marks), the untouched
student notebook (zero) and a prepared wrong submission, a plausible
student mistake (exactly its partial score).  They also run a student's
`grader.check` on a right and a wrong answer.  The gradings start side by
side, one per test worker, as soon as the first test asks for one, the
longest first.
"""

import ast
import concurrent.futures
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from booktools import assignments, spread
from booktools.editions import config, localise, site_url
from conftest import IDENTIFIERS, ROOT
from test_editions import code_tokens, in_english, names_defined
from test_thresholds import assert_well_below

SOURCES = {
    path.stem: (language, path) for language, path in assignments.sources()
}
TWINS = [
    ("01-nucleos-3x3", "01-3x3-kernels"),
    ("02-tabla-de-tamanos", "02-table-of-sizes"),
    ("03-validar-sin-tocar-el-test", "03-validation-without-the-test-set"),
    ("04-sin-dropout", "04-without-dropout"),
    ("05-digito-a-digito", "05-digit-by-digit"),
]
GUIDES = {"es": "book/es/guia-docente.md", "en": "book/en/teachers-guide.md"}

# A plausible mistake per assignment, made in its solution notebook, and
# the score it must get.  Each replacement must be found.
FIVE_BY_FIVE = [  # the chapter's 5×5 kernels kept, and counted by hand
    ("Conv2D(16, 3,", "Conv2D(16, 5,"),
    ("Conv2D(36, 3,", "Conv2D(36, 5,"),
    ("3 * 3 * 1 * 16", "5 * 5 * 1 * 16"),
    ("3 * 3 * 16 * 36", "5 * 5 * 16 * 36"),
]
MISTAKES = {
    # q1 and q2 keep their public point; q3 (accuracy > 0.965) passes
    "01-nucleos-3x3": (FIVE_BY_FIVE, 1 + 1 + 3),
    "01-3x3-kernels": (FIVE_BY_FIVE, 1 + 1 + 3),
    # "same" taken to keep the size even with stride 2: q1 and q2's
    # public point
    "02-tabla-de-tamanos": (
        [
            (
                "tabla[K, padding, S] = tamano_salida(64, K, P, S)",
                'tabla[K, padding, S] = 64 if padding == "same" '
                "else tamano_salida(64, K, P, S)",
            )
        ],
        2 + 1,
    ),
    "02-table-of-sizes": (
        [
            (
                "table[K, padding, S] = output_size(64, K, P, S)",
                'table[K, padding, S] = 64 if padding == "same" '
                "else output_size(64, K, P, S)",
            )
        ],
        2 + 1,
    ),
    # validated on the test set, as chapter 2 does: the checkpoint keeps
    # the best epoch on the test set, not on x_validacion (q2's hidden
    # test); q1, both public points and q3's hidden test pass
    "03-validar-sin-tocar-el-test": (
        [
            (
                "validation_data=(x_validacion, onehot_validacion)",
                "validation_data=(x_test, onehot_test)",
            )
        ],
        2 + 1 + 3,
    ),
    "03-validation-without-the-test-set": (
        [
            (
                "validation_data=(x_validation, validation_onehot)",
                "validation_data=(x_test, test_onehot)",
            )
        ],
        2 + 1 + 3,
    ),
    # one epoch, as in chapter 1, to save time: q3 gets nothing
    "04-sin-dropout": ([("epochs=10", "epochs=1")], 2 + 2),
    "04-without-dropout": ([("epochs=10", "epochs=1")], 2 + 2),
    # the images per digit summed over the columns (what the network
    # predicted): q1 keeps its public point
    "05-digito-a-digito": (
        [
            (
                "imagenes_por_digito = matriz_confusion.sum(axis=1)",
                "imagenes_por_digito = matriz_confusion.sum(axis=0)",
            )
        ],
        1 + 3 + 4,
    ),
    "05-digit-by-digit": (
        [
            (
                "images_per_digit = confusion_matrix.sum(axis=1)",
                "images_per_digit = confusion_matrix.sum(axis=0)",
            )
        ],
        1 + 3 + 4,
    ),
}

# A student's `grader.check`: a question, a right answer, a wrong one (a
# plausible slip the public tests catch) and words of the message the
# student must read, in the edition's language.
SETS = (
    "import numpy as np\n\n"
    "{0} = np.zeros((5000, 28, 28{4}))\n{1} = np.zeros((5000, 10))\n"
    "{2} = np.zeros((5000, 28, 28{4}))\n{3} = np.zeros((5000, 10))"
)
COUNTS = "np.array([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])"
CHECKS = {
    "01-nucleos-3x3": (
        "q1",
        "parametros_conv1, parametros_conv2, parametros_red = 160, 5220, 232590",
        "parametros_conv1, parametros_conv2, parametros_red = 160, 5220, ...",
        "deben ser números enteros positivos",
    ),
    "01-3x3-kernels": (
        "q1",
        "conv1_parameters, conv2_parameters, network_parameters = 160, 5220, 232590",
        "conv1_parameters, conv2_parameters, network_parameters = 160, 5220, ...",
        "must be positive whole numbers",
    ),
    "02-tabla-de-tamanos": (
        "q1",
        "def tamano_salida(W, K, P, S):\n    return (W - K + 2 * P) // S + 1",
        "def tamano_salida(W, K, P, S):\n    return (W - K + 2 * P) / S + 1",
        "debe devolver un número entero",
    ),
    "02-table-of-sizes": (
        "q1",
        "def output_size(W, K, P, S):\n    return (W - K + 2 * P) // S + 1",
        "def output_size(W, K, P, S):\n    return (W - K + 2 * P) / S + 1",
        "must return a whole number",
    ),
    # the public test checks shapes only: arrays of zeros stand for the
    # images, and the slip is images not reshaped to 28×28×1
    "03-validar-sin-tocar-el-test": (
        "q1",
        SETS.format(
            "x_validacion",
            "onehot_validacion",
            "x_entrenamiento",
            "onehot_entrenamiento",
            ", 1",
        ),
        SETS.format(
            "x_validacion",
            "onehot_validacion",
            "x_entrenamiento",
            "onehot_entrenamiento",
            "",
        ),
        "deben tener la forma (5000, 28, 28, 1)",
    ),
    "03-validation-without-the-test-set": (
        "q1",
        SETS.format(
            "x_validation",
            "validation_onehot",
            "x_train",
            "train_onehot",
            ", 1",
        ),
        SETS.format(
            "x_validation", "validation_onehot", "x_train", "train_onehot", ""
        ),
        "must have the shape (5000, 28, 28, 1)",
    ),
    "04-sin-dropout": (
        "q2",
        "import numpy as np\n\ndef distancia(historial):\n"
        '    d = np.subtract(historial["val_loss"], historial["loss"])\n'
        "    return float(np.mean(d[-3:]))",
        "def distancia(historial):\n"
        '    historial["val_loss"][-1] - historial["loss"][-1]',
        "debe devolver un número",
    ),
    "04-without-dropout": (
        "q2",
        "import numpy as np\n\ndef gap(history):\n"
        '    d = np.subtract(history["val_loss"], history["loss"])\n'
        "    return float(np.mean(d[-3:]))",
        'def gap(history):\n    history["val_loss"][-1] - history["loss"][-1]',
        "must return a number",
    ),
    "05-digito-a-digito": (
        "q1",
        f"import numpy as np\n\nimagenes_por_digito = {COUNTS}",
        "imagenes_por_digito = 10000",
        "debe ser un array con 10 números enteros",
    ),
    "05-digit-by-digit": (
        "q1",
        f"import numpy as np\n\nimages_per_digit = {COUNTS}",
        "images_per_digit = 10000",
        "must be an array of 10 whole numbers",
    ),
}


def source_cells(stem):
    _, path = SOURCES[stem]
    return nbformat.read(path, as_version=4).cells


def kernel_environment():
    """The environment of a grading kernel: one with the test's TensorFlow
    threads (the Makefile sets them), and MNIST offline (tools/kernel)."""
    return {**os.environ, "IPYTHONDIR": str(ROOT / "tools" / "kernel")}


def otter_run(autograder, submission, output):
    """Grade one submission as `otter run` does; return (score, seconds)."""
    output.mkdir(parents=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "otter", "run", "--no-logo"]
        + ["-a", autograder, "-o", output, submission],
        env=kernel_environment(),
        capture_output=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    results = json.loads((output / "results.json").read_text("utf-8"))
    graded_nothing(results, submission)
    return sum(t["score"] for t in results["tests"] if "score" in t), seconds


def graded_nothing(results, submission):
    """Fail if Otter could not grade at all: then it reports, instead of the
    questions, its own "Autograder Failed" and "Autograder Exception"."""
    failures = [
        test["output"]
        for test in results["tests"]
        if test["name"].startswith("Autograder")
    ]
    assert not failures, f"{submission}: " + "\n".join(failures)


def wrong_submission(solution, stem, path):
    """The solution notebook with the assignment's plausible mistake."""
    notebook = nbformat.read(solution, as_version=4)
    for old, new in MISTAKES[stem][0]:
        cells = [cell for cell in notebook.cells if old in cell.source]
        assert cells, f"{stem}: {old!r} is not in the solution"
        for cell in cells:
            cell.source = cell.source.replace(old, new)
    nbformat.write(notebook, path)
    return path


def grader_check(student, stem, folder):
    """Run the student notebook's first cells, then a right answer and a
    wrong one, each followed by its `grader.check`; return what the two
    checks display (text/plain)."""
    question, right, wrong, _ = CHECKS[stem]
    folder.mkdir(parents=True)
    (folder / student.name).write_bytes(student.read_bytes())
    notebook = nbformat.read(student, as_version=4)
    init = next(
        i
        for i, cell in enumerate(notebook.cells)
        if "otter.Notebook(" in cell.source
    )
    check = f'grader.check("{question}")'
    notebook.cells = notebook.cells[: init + 1] + [
        nbformat.v4.new_code_cell(code)
        for code in (right, check, wrong, check)
    ]
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": folder}},
    ).execute()
    return [
        "".join(output["data"]["text/plain"])
        for cell in (notebook.cells[-3], notebook.cells[-1])
        for output in cell.outputs
        if output.output_type == "execute_result"
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every assignment, as `make assignments` writes it."""
    return assignments.build_all(tmp_path_factory.mktemp("build"))


# The tests that wait for a grading, and the kind of submission they grade.
KINDS = {
    "test_solution_gets_full_marks": "solution",
    "test_plausible_mistake_gets_its_partial_score": "wrong",
    "test_untouched_student_notebook_gets_zero": "student",
    "test_grader_check_passes_a_right_answer_and_explains_a_wrong_one": "check",
}


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory, request):
    """The gradings and checks the selected tests need, all started at once:
    ``{(kind, stem): future}``.

    As many at a time as there are test workers (PYTEST_XDIST_WORKER_COUNT),
    the trainings of the dropout assignment first, since they take longest.
    """
    needed = {
        (KINDS[item.originalname], item.callspec.params["stem"])
        for item in request.session.items
        # nbval's items (the reader runs) belong to no Python module
        if getattr(item, "module", None) is request.module
        and item.originalname in KINDS
    }
    work = tmp_path_factory.mktemp("graded")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(workers, 1))
    futures = {}
    stems = sorted(SOURCES, key=lambda stem: not stem.startswith("04-"))
    for kind in ("solution", "wrong", "student", "check"):
        for stem in stems:
            if (kind, stem) not in needed:
                continue
            language, _ = SOURCES[stem]
            folder = built / language
            autograder = folder / f"{stem}-autograder.zip"
            student = folder / f"{stem}.ipynb"
            solution = folder / "solutions" / f"{stem}.ipynb"
            out = work / f"{kind}-{stem}"
            if kind == "check":
                job = (grader_check, student, stem, out)
            elif kind == "student":
                job = (otter_run, autograder, student, out)
            else:
                if kind == "wrong":
                    solution = wrong_submission(
                        solution, stem, work / f"wrong-{stem}.ipynb"
                    )
                job = (otter_run, autograder, solution, out)
            futures[kind, stem] = pool.submit(*job)
    yield futures
    pool.shutdown(cancel_futures=True)
    # How long each grading took, for whoever tunes the assignments' cost
    seconds = {
        f"{kind} {stem}": round(future.result()[1], 1)
        for (kind, stem), future in futures.items()
        if kind != "check" and future.done() and not future.exception()
    }
    (work / "seconds.json").write_text(json.dumps(seconds, indent=1))


def total_points(stem):
    """The assignment's points: the sum of its tests' points."""
    points = 0
    for cell in source_cells(stem):
        found = re.search(r"^points: (\d+)$", cell.source, re.M)
        if cell.cell_type == "code" and found:
            points += int(found.group(1))
    return points


each_assignment = pytest.mark.parametrize("stem", sorted(SOURCES))


@each_assignment
def test_solution_gets_full_marks(graded, stem):
    score, _ = graded["solution", stem].result()
    assert score == total_points(stem)


@each_assignment
def test_untouched_student_notebook_gets_zero(graded, stem):
    score, _ = graded["student", stem].result()
    assert score == 0


@each_assignment
def test_plausible_mistake_gets_its_partial_score(graded, stem):
    score, _ = graded["wrong", stem].result()
    assert score == MISTAKES[stem][1] < total_points(stem)


@each_assignment
def test_grader_check_passes_a_right_answer_and_explains_a_wrong_one(
    graded, stem
):
    question, _, _, words = CHECKS[stem]
    right, wrong = graded["check", stem].result()
    assert f"{question} results: All test cases passed!" in right
    assert "failed" not in right
    assert "Test case failed" in wrong and words in " ".join(wrong.split())


def test_every_assignment_has_its_twin_and_its_cases():
    assert {stem for pair in TWINS for stem in pair} == set(SOURCES)
    assert set(MISTAKES) == set(CHECKS) == set(SOURCES)
    for spanish, english in TWINS:
        assert SOURCES[spanish][0] == "es" and SOURCES[english][0] == "en"


@pytest.mark.parametrize("spanish, english", TWINS)
def test_twin_assignments_have_the_same_cells_and_code(spanish, english):
    """The parity rules of the chapters: same cells, and the Spanish code
    with its names translated (tests/identifiers.yml) is the English code;
    the notebook's own name and edition folder differ, in its links."""
    cells_es, cells_en = source_cells(spanish), source_cells(english)
    assert [c.cell_type for c in cells_es] == [c.cell_type for c in cells_en]
    for es, en in zip(cells_es, cells_en, strict=True):
        if es.cell_type == "raw":
            # Otter's markers and settings; test settings are prose
            assert es.source.split("\n")[0] == en.source.split("\n")[0]
        if es.cell_type != "code":
            continue
        code = es.source.replace(spanish, english).replace("/es/", "/en/")
        assert in_english(code_tokens(code)) == code_tokens(en.source), (
            en.source
        )
        assert names_defined(code) <= IDENTIFIERS.keys(), (
            "add them to identifiers.yml"
        )


@pytest.mark.parametrize("stem", sorted(SOURCES))
def test_student_notebook_installs_pinned_otter_and_hides_the_hidden_tests(
    built, stem
):
    language, _ = SOURCES[stem]
    pin = re.search(
        r"^otter-grader==\S+$",
        (ROOT / "requirements.txt").read_text("utf-8"),
        re.M,
    ).group()
    student = built / language / f"{stem}.ipynb"
    notebook = nbformat.read(student, as_version=4)
    first = notebook.cells[1].source  # after the title
    assert '"google.colab" in sys.modules' in first and f'"{pin}"' in first
    site = site_url(config()["repository"]["url"])
    colab = f"{site}/assignments/{language}/{stem}-colab.zip"
    assert f'"{colab}"' in first
    tests = assignments.public_tests(student)
    assert tests and not any("hidden=True" in test for test in tests.values())
    with zipfile.ZipFile(built / language / f"{stem}-colab.zip") as archive:
        assert sorted(archive.namelist()) == sorted(
            [student.name] + [f"tests/{name}.py" for name in tests]
        )
    with zipfile.ZipFile(
        built / language / f"{stem}-autograder.zip"
    ) as archive:
        hidden = [
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("tests/")
        ]
    assert len(hidden) == len(tests) and all(
        "hidden=True" in t for t in hidden
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_guide_links_each_assignment_the_site_serves(built, language):
    """Each assignment's student notebook and autograder, linked from the
    guide's page (<site>/<language>/<guide>.html) to the files the site
    serves, and the solutions not served."""
    guide = (ROOT / GUIDES[language]).read_text("utf-8")
    html = built.parent / "html"
    page = html / language / GUIDES[language].removesuffix(".md")
    linked = {
        (page.parent / href).resolve()
        for href in re.findall(r'href="([^"]*assignments/[^"]+)"', guide)
    }
    served = html / "assignments" / language
    for stem, (lang, _) in SOURCES.items():
        if lang != language:
            continue
        for name in (f"{stem}.ipynb", f"{stem}-autograder.zip"):
            assert served / name in linked, name
        assert (served / f"{stem}-colab.zip").is_file()
    assert all(path.is_file() for path in linked), linked
    assert not (served / "solutions").exists()
    pin = re.search(
        r"^otter-grader==\S+$",
        (ROOT / "requirements.txt").read_text("utf-8"),
        re.M,
    ).group()
    assert set(re.findall(r"otter-grader==\S+?(?=`|\))", guide)) == {pin}


def test_dropout_assignment_uses_the_settings_the_guide_states():
    """The autograder's run of the dropout assignment is the book's answer
    key (test_solution_gets_full_marks): the guide states its settings."""
    for stem, images, test_images, epochs, last in (
        (
            "04-sin-dropout",
            "{} imágenes",
            "sus {} primeras imágenes",
            "{} épocas",
            "las tres últimas épocas",
        ),
        (
            "04-without-dropout",
            "{} images",
            "its first {} images",
            "{} epochs",
            "the last three epochs",
        ),
    ):
        language, _ = SOURCES[stem]
        code = "\n".join(
            c.source for c in source_cells(stem) if c.cell_type == "code"
        )
        assert code.count("[:3000]") == 2 and code.count("[:2000]") == 2
        assert code.count("epochs=10") == 1
        assert "[-3:]" in code and "set_random_seed(42)" in code
        guide = " ".join((ROOT / GUIDES[language]).read_text("utf-8").split())
        for phrase in (
            images.format(localise(f"{3000:,}", language)),
            test_images.format(localise(f"{2000:,}", language)),
            epochs.format(10),
            last,
        ):
            assert phrase in guide, phrase


def nodes_of_test_cells(stem):
    """Every syntax node of an assignment's test cells."""
    for cell in source_cells(stem):
        if "# BEGIN TEST CONFIG" in cell.source:
            yield from ast.walk(ast.parse(cell.source))


def hidden_floors(stem):
    """What an assignment's tests hold above a number: each
    ``assert name > number`` of its test cells, as ``{name: number}``."""
    return {
        node.test.left.id: node.test.comparators[0].value
        for node in nodes_of_test_cells(stem)
        if isinstance(node, ast.Assert)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.ops[0], ast.Gt)
        and isinstance(node.test.left, ast.Name)
        and isinstance(node.test.comparators[0], ast.Constant)
    }


def measured(number):
    """What `make spread` measured for an assignment, at the epochs its
    solution trains for: ``{quantity: {seed: value}}``."""
    epochs = spread.assignment_epochs(number)
    values = {}
    with spread.ASSIGNMENT_CSV.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if (
                int(row["assignment"]) == number
                and int(row["epochs"]) == epochs
            ):
                values.setdefault(row["quantity"], {})[int(row["seed"])] = (
                    float(row["value"])
                )
    return values


# Assignment 3 trains a reduced version of chapter 2's network, for which
# no chapter threshold holds: its floor on the test accuracy was measured
# for it (`make spread`, assets/data/assignment-spread.csv).
@pytest.mark.parametrize(
    "stem",
    ["03-validar-sin-tocar-el-test", "03-validation-without-the-test-set"],
)
def test_assignment_3_threshold_sits_well_below_the_measured_spread(stem):
    language, _ = SOURCES[stem]
    ((name, threshold),) = hidden_floors(stem).items()
    assert IDENTIFIERS.get(name, name) == "test_accuracy"
    epochs = spread.assignment_epochs(3)
    code = "\n".join(c.source for c in source_cells(stem))
    assert f"epochs={epochs}," in code
    values = list(measured(3)["test_accuracy"].values())
    assert len(values) >= 20, f"only {len(values)} runs"
    assert_well_below(threshold, values, "test accuracy")
    # The guide states the version the notebook trains, and its threshold
    guide = " ".join((ROOT / GUIDES[language]).read_text("utf-8").split())
    words = {"es": "durante {} épocas", "en": "for {} epochs"}[language]
    assert words.format(epochs) in guide
    assert localise(f"{threshold}", language) in guide


def dropout_factor(stem):
    """How many times wider assignment 4's hidden test wants the gap
    without dropout than with it: the k of ``without >= k * with > 0``."""
    for node in nodes_of_test_cells(stem):
        if (
            isinstance(node, ast.Compare)
            and [type(op) for op in node.ops] == [ast.GtE, ast.Gt]
            and isinstance(node.comparators[0], ast.BinOp)
            and isinstance(node.comparators[0].left, ast.Constant)
            and isinstance(node.comparators[1], ast.Constant)
            and node.comparators[1].value == 0
        ):
            return node.comparators[0].left.value
    raise AssertionError(f"{stem}: no `without >= k * with > 0` test")


@pytest.mark.parametrize("stem", ["04-sin-dropout", "04-without-dropout"])
def test_assignment_4_claim_holds_well_within_the_measured_spread(stem):
    """Assignment 4's hidden test, gap without dropout >= k * gap with
    dropout > 0, holds by the thresholds' rule over the measured seeds."""
    factor = dropout_factor(stem)
    gaps = measured(4)
    with_dropout, without = gaps["gap_with"], gaps["gap_without"]
    assert with_dropout.keys() == without.keys()
    assert_well_below(0, list(with_dropout.values()), "gap with dropout")
    assert_well_below(
        0,
        [without[seed] - factor * with_dropout[seed] for seed in without],
        f"gap without dropout - {factor} × gap with dropout",
    )


def test_the_same_source_gives_the_same_files_byte_for_byte(tmp_path):
    """`otter assign` numbers nothing the same way twice (random cell ids,
    the build's time in the zips): booktools.assignments makes them stable."""
    _, source = SOURCES["02-tabla-de-tamanos"]
    first = assignments.assign(source, "es", tmp_path / "first")
    second = assignments.assign(source, "es", tmp_path / "second")
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name


@pytest.mark.parametrize("language", ["es", "en"])
def test_guides_grading_loop_grades_a_folder_of_submissions(
    built, language, tmp_path
):
    """The guide's loop for grading a class without Docker, typed in a
    terminal as the guide writes it: each submission in the folder gets its
    results.json (two untouched notebooks of the guide's assignment: no
    marks)."""
    guide = " ".join((ROOT / GUIDES[language]).read_text("utf-8").split())
    (loop,) = re.findall(r"`(for \w+ in [^`]+; done)`", guide)
    folder, autograder = re.fullmatch(
        r"for \w+ in (\w+)/\*\.ipynb; do .* -a (\S+\.zip) .*", loop
    ).groups()
    stem = autograder.removesuffix("-autograder.zip")
    assert SOURCES[stem][0] == language
    shutil.copy(built / language / autograder, tmp_path)
    (tmp_path / folder).mkdir()
    for name in ("ana", "luis"):
        shutil.copy(
            built / language / f"{stem}.ipynb",
            tmp_path / folder / f"{name}.ipynb",
        )
    subprocess.run(
        ["bash", "-c", loop],
        cwd=tmp_path,
        env={
            **kernel_environment(),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        },
        check=True,
        capture_output=True,
    )
    for name in ("ana", "luis"):
        (path,) = tmp_path.glob(f"*/{name}/results.json")
        results = json.loads(path.read_text("utf-8"))
        graded_nothing(results, name)
        tests = results["tests"]
        assert tests and sum(t.get("score", 0) for t in tests) == 0


@pytest.mark.parametrize("stem", sorted(SOURCES))
def test_test_messages_hold_no_double_quotes(stem):
    """Otter pastes each test's success and failure messages between double
    quotes into the test file it writes, unescaped: a double quote inside
    one breaks the whole question (a SyntaxError at grading)."""
    for cell in source_cells(stem):
        config = re.search(
            r'^""" # BEGIN TEST CONFIG\n(.*?)^"""', cell.source, re.M | re.S
        )
        if cell.cell_type == "code" and config:
            assert '"' not in config.group(1), config.group(1)
