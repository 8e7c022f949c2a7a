"""Shared paths and fixtures for the book's tests."""

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright

from booktools.editions import toc_documents as _toc_documents

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
# The book's names in the code, Spanish -> English (the English chapters'
# code is the Spanish code with these names translated).
IDENTIFIERS = yaml.safe_load(
    (ROOT / "tests" / "identifiers.yml").read_text(encoding="utf-8")
)


def chapter_id(notebook):
    """A notebook's test id: its edition and name, e.g. es/01-clasificacion-mnist-keras."""
    return f"{notebook.parent.name}/{notebook.stem}"


# Runs a test once per chapter notebook, in both editions.
each_chapter = pytest.mark.parametrize("notebook", NOTEBOOKS, ids=chapter_id)


def toc_documents(toc_path):
    """Document names of a table of contents file, in reading order."""
    return _toc_documents(
        yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    )


def name_in(notebook, spanish_name):
    """A name of the book's code as the notebook's edition spells it."""
    if Path(notebook).parent.name == "en":
        return IDENTIFIERS[spanish_name]
    return spanish_name


def read_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def glued_values(notebook):
    """The values a notebook stored with myst-nb's ``glue``, by name."""
    values = {}
    for cell in code_cells(notebook):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = "".join(
                    output["data"]["application/papermill.record/text/plain"]
                )
    return values


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book as `make html` does, into a temporary folder.

    Returns the build's result and the folder holding the site: one folder
    per edition (``es/``, ``en/``) and the root ``index.html``.
    """
    output = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [sys.executable, "-m", "booktools.build_book", output],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return result, output / "html"


# The browser tests: the built site in Chromium

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the workplace's probe starts it: no sandbox as root, no network chatter.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    result, html = built_book
    assert result.returncode == 0, result.stderr[-2000:]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=html)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), (
        f"no Chromium at {CHROMIUM}: run the tests with `make test`"
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS
        )
        yield chromium
        chromium.close()


def watched_page(browser):
    """A new page in ``browser`` that records its console errors, its
    uncaught errors and the address of every request it makes."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems, requests = [], []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda req: requests.append(req.url))
    return page, problems, requests
