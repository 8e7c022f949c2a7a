"""Running and publishing: launch buttons, Binder, licenses, the Pages workflow, offline pages."""

import re

import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, code_cells, each_chapter, read_notebook

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"].removeprefix("https://github.com/")
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def steps(job):
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"][job][
        "steps"
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
    """Only what Colab has: no pip installs, shell commands or local files to read."""
    for cell in code_cells(read_notebook(notebook)):
        source = "".join(cell["source"])
        assert not re.search(r"^\s*[!%]", source, re.MULTILINE), source
        assert "open(" not in source and "read_csv" not in source, source
    imports = {
        match
        for cell in code_cells(read_notebook(notebook))
        for match in re.findall(
            r"^\s*(?:import|from) (\w+)", "".join(cell["source"]), re.MULTILINE
        )
    }
    # myst_nb is optional: the notebooks fall back to printing when it is missing.
    assert imports <= {
        "time",
        "pathlib",
        "keras",
        "matplotlib",
        "numpy",
        "tensorflow",
        "IPython",
        "myst_nb",
    }


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
        python = [
            step
            for step in steps(job)
            if step.get("uses", "").startswith("actions/setup-python")
        ]
        assert python and python[0]["with"]["python-version"] == "3.11"
    upload = [
        step
        for step in steps("build")
        if step.get("uses", "").startswith("actions/upload-pages-artifact")
    ]
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
    assert (
        f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/{path}"
        in links
    )
    assert (
        f"https://mybinder.org/v2/gh/{REPOSITORY}/main?urlpath=lab/tree/{path}"
        in links
    )
    download = [href for href in links if href.endswith(f"_sources/{path}")]
    assert download and (page.parent / download[0]).resolve().is_file()
