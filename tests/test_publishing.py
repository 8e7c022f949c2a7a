"""Running and publishing: launch buttons, Binder, licenses, the Pages workflow, offline pages."""

import re
import sys

import yaml
from bs4 import BeautifulSoup

from booktools.extensions.launch_links import NOTEBOOKS_BRANCH, published_path
from conftest import ROOT, code_cells, each_chapter, read_notebook

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"].removeprefix("https://github.com/")
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def steps(job):
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"][job][
        "steps"
    ]


def steps_using(job, action):
    """The steps of ``job`` that run ``action`` (any version of it)."""
    return [
        step for step in steps(job) if step.get("uses", "").startswith(action)
    ]


def test_binder_finds_requirements_and_python_at_the_top_level():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^tensorflow(-cpu)?==", requirements, re.MULTILINE)
    assert re.search(r"^keras==", requirements, re.MULTILINE)


def test_licenses_and_citation_are_present():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    text_license = (ROOT / "LICENSE-TEXT.md").read_text()
    assert (
        "CC BY-SA 4.0" in text_license
        and "creativecommons.org/licenses/by-sa/4.0" in text_license
    )
    citation = yaml.safe_load(
        (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    )
    assert (
        citation["cff-version"] == "1.2.0"
        and citation["title"]
        and citation["authors"]
    )


@each_chapter
def test_notebook_runs_in_colab_as_it_is(notebook):
    """Only what Colab has: no pip installs, shell commands or local files to
    read (a file the cell itself downloads with keras.utils.get_file is fine)."""
    for cell in code_cells(read_notebook(notebook)):
        source = "".join(cell["source"])
        assert not re.search(r"^\s*[!%]", source, re.MULTILINE), source
        assert "read_csv" not in source, source
        if "open(" in source:
            assert "keras.utils.get_file(" in source, source
    imports = {
        match
        for cell in code_cells(read_notebook(notebook))
        for match in re.findall(
            r"^\s*(?:import|from) (\w+)", "".join(cell["source"]), re.MULTILINE
        )
    }
    # The standard library, and what Colab installs.  myst_nb is optional:
    # the notebooks fall back to printing when it is missing.
    assert imports - set(sys.stdlib_module_names) <= {
        "keras",
        "matplotlib",
        "numpy",
        "tensorflow",
        "IPython",
        "myst_nb",
    }


@each_chapter
def test_data_a_notebook_downloads_comes_from_this_repository(notebook):
    """A file that a notebook downloads (keras.utils.get_file) is one of this
    repository's files, on its main branch: its address is written in the
    notebook, so that the notebook runs on its own in Colab, and this test
    is what keeps it in step with the repository's address."""
    source = "".join(
        "".join(cell["source"]) for cell in code_cells(read_notebook(notebook))
    )
    # Implicitly concatenated string pieces: join them back
    source = re.sub(r'"\s*\n\s*"', "", source)
    prefix = f"https://raw.githubusercontent.com/{REPOSITORY}/main/"
    for address in re.findall(
        r'"(https://raw\.githubusercontent[^"]+)"', source
    ):
        assert address.startswith(prefix), address
        assert (ROOT / address.removeprefix(prefix)).is_file(), address


def test_repository_address_is_written_once():
    hits = [
        path
        for path in ROOT.rglob("*")
        if path.is_file()
        and ".venv" not in path.parts
        and "_build" not in path.parts
        and ".git" not in path.parts
        and path.suffix
        in {".md", ".yml", ".yaml", ".py", ".ipynb", ".cff", ".txt"}
        and REPOSITORY in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert [path.relative_to(ROOT).as_posix() for path in hits] == [
        "_config.yml"
    ]


def test_workflow_tests_builds_and_publishes_with_the_make_targets():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert any(step.get("run") == "make test" for step in steps("test"))
    assert any(step.get("run") == "make html" for step in steps("build"))
    for job in ("test", "build"):
        python = steps_using(job, "actions/setup-python")
        assert python and python[0]["with"]["python-version"] == "3.11"
    upload = steps_using("build", "actions/upload-pages-artifact")
    assert upload and upload[0]["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert (
        deploy["needs"] == "build"
        and workflow["jobs"]["build"]["needs"] == "test"
    )
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(
        step.get("uses", "").startswith("actions/deploy-pages")
        for step in deploy["steps"]
    )


def test_workflow_publishes_the_generated_notebooks_branch():
    """make html's _build/notebooks becomes the branch Colab and Binder open."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    upload = steps_using("build", "actions/upload-artifact")
    assert upload and upload[0]["with"]["path"] == "_build/notebooks"
    job = workflow["jobs"]["notebooks"]
    assert job["needs"] == "build"
    assert "refs/heads/main" in job["if"] and "push" in job["if"]
    assert job["permissions"] == {"contents": "write"}
    download = [
        step
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/download-artifact")
    ]
    assert (
        download and download[0]["with"]["name"] == upload[0]["with"]["name"]
    )
    folder = download[0]["with"]["path"]
    push = [step for step in job["steps"] if "git push" in step.get("run", "")]
    assert push and push[0]["working-directory"] == folder
    assert f"--initial-branch {NOTEBOOKS_BRANCH}" in push[0]["run"]
    assert re.search(
        rf"git push --force \S+ {NOTEBOOKS_BRANCH}$", push[0]["run"], re.M
    )
    assert "${{" not in push[0]["run"]  # expressions only through env


def test_built_pages_fetch_nothing_from_other_sites(built_book):
    """A classroom with poor internet: every script, stylesheet and font comes from the site."""
    _, html = built_book
    pages = [
        path for path in html.rglob("*.html") if "_static" not in path.parts
    ]
    assert len(pages) > 10
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["script", "link", "img", "iframe"]):
            url = (
                tag.get("src")
                or (tag.get("href") if tag.name == "link" else "")
                or ""
            )
            assert not re.match(r"(https?:)?//", url), (path, url)
    assert list(html.glob("*/_static/mathjax/tex-chtml.js"))


@each_chapter
def test_chapter_pages_have_launch_and_download_buttons(built_book, notebook):
    _, html = built_book
    page = (
        html
        / notebook.parent.name
        / notebook.relative_to(ROOT).with_suffix(".html")
    )
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in soup.select("a[href]")}
    path = notebook.relative_to(ROOT).as_posix()
    reader = published_path(path)
    assert (
        f"https://colab.research.google.com/github/{REPOSITORY}/blob/"
        f"{NOTEBOOKS_BRANCH}/{reader}" in links
    )
    assert (
        f"https://mybinder.org/v2/gh/{REPOSITORY}/{NOTEBOOKS_BRANCH}"
        f"?urlpath=lab/tree/{reader}" in links
    )
    download = [href for href in links if href.endswith(f"_sources/{path}")]
    assert download and (page.parent / download[0]).resolve().is_file()
