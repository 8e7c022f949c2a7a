"""The built book: no warnings, and the chapter page a reader sees is complete."""

import re

import pytest
from bs4 import BeautifulSoup

from conftest import NOTEBOOKS, ROOT
from test_notebooks import LOG_NOISE


def page(built_book, notebook):
    _, html = built_book
    relative = notebook.relative_to(ROOT).with_suffix(".html")
    return BeautifulSoup((html / relative).read_text(encoding="utf-8"), "html.parser")


chapters = pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)


def test_book_builds_without_warnings(built_book):
    result, html = built_book
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr
    assert (html / "index.html").exists()


@chapters
def test_chapter_page_has_its_math(built_book, notebook):
    soup = page(built_book, notebook)
    blocks = [element.get_text() for element in soup.select("div.math")]
    assert len(blocks) >= 3
    assert any(r"\otimes" in block for block in blocks)
    assert soup.select("span.math")  # inline math, e.g. the symbols after each formula


@chapters
def test_chapter_figures_are_present_with_alt_text(built_book, notebook):
    _, html = built_book
    soup = page(built_book, notebook)
    figures = soup.select("figure")
    assert len(figures) >= 5
    for figure in figures:
        image = figure.find("img")
        assert image is not None and len(image.get("alt", "").strip()) > 20, figure
        assert figure.find("figcaption")
        assert (html / notebook.relative_to(ROOT).parent / image["src"]).resolve().is_file()
    for image in soup.select("article img"):
        assert image.get("alt", "").strip(), image


@chapters
def test_chapter_page_has_no_tensorflow_noise(built_book, notebook):
    text = page(built_book, notebook).get_text()
    assert not LOG_NOISE.search(text), LOG_NOISE.search(text).group()


@chapters
def test_every_glued_value_is_rendered(built_book, notebook):
    text = page(built_book, notebook).get_text()
    assert "{glue" not in text
    assert not re.search(r"glue:text", text)
