"""The teacher's guide's assignments as autograded notebooks (Otter-Grader).

Each source in ``assignments/<language>/`` is a notebook in Otter Assign's
format: questions with their prompts, solutions, public tests (what a
student's ``grader.check`` runs) and hidden tests (what the teacher's
grading adds).  ``make assignments`` (and ``make html``) runs
``otter assign`` on every source and writes, per edition::

    _build/assignments/<language>/
        <name>.ipynb               the student notebook (public tests inside)
        <name>-autograder.zip      what `otter grade` / `otter run` needs
        <name>-colab.zip           the student notebook and its public tests
                                   as files: what the first cell fetches in
                                   Colab, where Otter cannot read a notebook's
                                   metadata
        solutions/<name>.ipynb     the solution notebook (not published)

and the site serves everything but the solutions from
``_build/html/assignments/<language>/``.  The sources write the published
site's address as ``@@SITE@@``; it is filled in from ``repository.url`` in
``_config.yml``, the one place where the address is written.

The same sources give the same files, byte for byte: `otter assign` gives
each cell a random id and each zip entry the time of the build, so the
notebooks get ids numbered in order and the zips a fixed date.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from booktools import ROOT, editions

SOURCES = ROOT / "assignments"
SITE_PLACEHOLDER = "@@SITE@@"
SITE_FOLDER = "assignments"
# The date of every file in the zips (the earliest a zip can hold)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# What a grading container installs beside Otter (`otter grade` with
# Docker): the libraries the assignments import, pinned as requirements.txt
# pins them.
GRADING_LIBRARIES = ("tensorflow-cpu", "keras", "numpy", "matplotlib")


def grading_requirements():
    """``name==version`` of each GRADING_LIBRARIES, from requirements.txt."""
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "requirements.txt").read_text("utf-8").split()
        if "==" in line
    )
    return [f"{name}=={pins[name]}" for name in GRADING_LIBRARIES]


def master_text(source):
    """The source as `otter assign` reads it: the site's address filled in,
    and the grading container's Python (runtime.txt) and libraries added to
    its assignment configuration."""
    notebook = json.loads(source.read_text("utf-8"))
    config = notebook["cells"][0]
    assert "".join(config["source"]).startswith("# ASSIGNMENT CONFIG")
    python = (ROOT / "runtime.txt").read_text("utf-8").strip()
    config["source"] = "".join(config["source"]).rstrip("\n") + "".join(
        [f'\npython_version: "{python.removeprefix("python-")}"']
        + ["\nrequirements:"]
        + [f"\n  - {pin}" for pin in grading_requirements()]
    )
    return json.dumps(notebook, ensure_ascii=False).replace(
        SITE_PLACEHOLDER,
        editions.site_url(editions.config()["repository"]["url"]),
    )


def sources():
    """Every assignment source, by edition: ``[(language, path), ...]``."""
    return [
        (path.parent.name, path)
        for path in sorted(SOURCES.glob("*/*.ipynb"))
        if ".ipynb_checkpoints" not in path.parts
    ]


def public_tests(student_notebook):
    """The public tests Otter stored in the student notebook's metadata,
    as the files Otter reads from a ``tests/`` folder: ``{name: source}``."""
    notebook = json.loads(Path(student_notebook).read_text("utf-8"))
    return notebook["metadata"]["otter"]["tests"]


def numbered_ids(path):
    """Rewrite a notebook with its cells' ids numbered in order."""
    notebook = json.loads(path.read_text("utf-8"))
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{number}"
    path.write_text(
        json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )


def write_zip(path, files, modes=None):
    """A zip of ``{name: bytes}``, in name order, every file dated ZIP_DATE;
    ``modes`` gives a file's permissions (``run_autograder`` is a program),
    else it may be read and written."""
    modes = modes or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = modes.get(name, 0o644) << 16
            archive.writestr(info, data)


def assign(source, language, output):
    """Run ``otter assign`` on one source; write its files into ``output``.

    Returns the paths written: student notebook, autograder zip, Colab zip
    and solution notebook.
    """
    output = Path(output) / language
    (output / "solutions").mkdir(parents=True, exist_ok=True)
    name = source.stem
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        master = work / source.name
        master.write_text(master_text(source), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "otter", "assign", "--no-pdfs"]
            + [master.name, "dist"],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(
                f"otter assign {source.relative_to(ROOT)} failed:\n"
                + result.stdout
                + result.stderr
            )
        dist = work / "dist"
        student = output / f"{name}.ipynb"
        shutil.copyfile(dist / "student" / master.name, student)
        solution = output / "solutions" / master.name
        shutil.copyfile(dist / "autograder" / master.name, solution)
        (autograder_zip,) = (dist / "autograder").glob("*.zip")
        with zipfile.ZipFile(autograder_zip) as archive:
            graded = {i.filename: archive.read(i) for i in archive.infolist()}
            modes = {
                i.filename: i.external_attr >> 16 & 0o777
                for i in archive.infolist()
                if i.external_attr >> 16
            }
    for notebook in (student, solution):
        numbered_ids(notebook)
    autograder = output / f"{name}-autograder.zip"
    write_zip(autograder, graded, modes)
    colab = output / f"{name}-colab.zip"
    write_zip(
        colab,
        {student.name: student.read_bytes()}
        | {
            f"tests/{question}.py": test.encode("utf-8")
            for question, test in public_tests(student).items()
        },
    )
    return student, autograder, colab, solution


def publish(output, site):
    """Copy what the site serves (all but the solutions) into ``site``."""
    for language in {language for language, _ in sources()}:
        target = Path(site) / SITE_FOLDER / language
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for path in (Path(output) / language).iterdir():
            if path.is_file():
                shutil.copyfile(path, target / path.name)


def build_all(build):
    """Every assignment into ``build/assignments``, served from ``build/html``."""
    output = Path(build) / "assignments"
    shutil.rmtree(output, ignore_errors=True)
    for language, source in sources():
        assign(source, language, output)
        print(f"assignments: {language}/{source.stem}")
    publish(output, Path(build) / "html")
    return output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default=ROOT / "_build", type=Path)
    build_all(parser.parse_args().build)


if __name__ == "__main__":
    main()
