"""The built book: no warnings, and each chapter page a reader sees is complete."""

import re

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, read_notebook
from conftest import each_chapter as chapters
from test_editions import DOCUMENTS, PAIRS, number_problems
from test_notebooks import LOG_NOISE


def built_page(built_book, notebook):
    """Where a notebook's page is in the built site: html/<language>/<path>.html."""
    _, html = built_book
    return (
        html
        / notebook.parent.name
        / notebook.relative_to(ROOT).with_suffix(".html")
    )


def page(built_book, notebook):
    return BeautifulSoup(
        built_page(built_book, notebook).read_text(encoding="utf-8"),
        "html.parser",
    )


def soup_of(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def markdown_math(notebook):
    """Every $...$ and $$...$$ expression in the notebook's Markdown cells."""
    text = "\n".join(
        "".join(cell["source"])
        for cell in read_notebook(notebook)["cells"]
        if cell["cell_type"] == "markdown"
    )
    display = re.findall(r"\$\$(.+?)\$\$", text, re.DOTALL)
    inline = re.findall(
        r"\$(.+?)\$", re.sub(r"\$\$.+?\$\$", "", text, flags=re.DOTALL)
    )
    return display, inline


def squeeze(tex):
    return re.sub(r"\s+", "", tex)


def test_book_builds_without_warnings(built_book):
    result, html = built_book
    assert result.returncode == 0, (
        result.stdout[-3000:] + result.stderr[-3000:]
    )
    assert "WARNING" not in result.stderr, result.stderr
    assert (html / "index.html").exists()


@chapters
def test_every_chapter_is_in_its_edition_table_of_contents(
    built_book, notebook
):
    _, html = built_book
    language = notebook.parent.name
    index = (html / language / "book" / language / "index.html").read_text(
        encoding="utf-8"
    )
    assert notebook.relative_to(ROOT).with_suffix(".html").name in index


@chapters
def test_chapter_page_has_all_its_math(built_book, notebook):
    soup = page(built_book, notebook)
    display, inline = markdown_math(notebook)
    rendered_display = [
        squeeze(element.get_text()) for element in soup.select("div.math")
    ]
    rendered_inline = [
        squeeze(element.get_text()) for element in soup.select("span.math")
    ]
    assert display or inline
    assert len(rendered_display) == len(display) and len(
        rendered_inline
    ) == len(inline)
    for tex in display:
        assert any(
            squeeze(tex) in rendered for rendered in rendered_display
        ), tex
    for tex in inline:
        assert any(squeeze(tex) in rendered for rendered in rendered_inline), (
            tex
        )


@chapters
def test_chapter_figures_are_present_with_alt_text_and_caption(
    built_book, notebook
):
    soup = page(built_book, notebook)
    captioned_cells = [
        cell
        for cell in read_notebook(notebook)["cells"]
        if cell.get("metadata", {}).get("mystnb", {}).get("figure")
    ]
    figures = soup.select("article figure")
    assert figures and len(figures) == len(captioned_cells)
    for figure in figures:
        image = figure.find("img")
        assert len(image.get("alt", "").strip()) > 20, figure
        assert figure.find("figcaption").get_text(strip=True)
        assert (
            (built_page(built_book, notebook).parent / image["src"])
            .resolve()
            .is_file()
        )
    for image in soup.select("article img"):
        assert image.get("alt", "").strip(), image


@chapters
def test_chapter_page_has_no_tensorflow_noise(built_book, notebook):
    text = page(built_book, notebook).get_text()
    assert not LOG_NOISE.search(text), LOG_NOISE.search(text).group()


@chapters
def test_every_glued_value_is_rendered(built_book, notebook):
    text = page(built_book, notebook).get_text()
    assert "{glue" not in text and "glue:text" not in text


@chapters
def test_glued_numbers_follow_the_edition_number_rule(built_book, notebook):
    """What a reader sees of a run's numbers: 242\u202f062 in Spanish, 242,062 in English."""
    language = notebook.parent.name
    pasted = [
        span.get_text()
        for span in page(built_book, notebook).select("span.pasted-text")
    ]
    assert pasted, "no glued value on the page"
    problems = [
        (text, number_problems(text, language))
        for text in pasted
        if number_problems(text, language)
    ]
    assert not problems


def site_pages(html, language):
    return sorted(
        path
        for path in (html / language).rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(path.parts)
    )


def test_root_page_sends_readers_to_spanish_and_offers_english(built_book):
    _, html = built_book
    soup = soup_of(html / "index.html")
    assert (
        "url=es/index.html"
        in soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    )
    assert {link["href"] for link in soup.find_all("a")} == {
        "es/index.html",
        "en/index.html",
    }
    for language in ("es", "en"):
        assert (html / language / "index.html").is_file()


@pytest.mark.parametrize("language", ["es", "en"])
def test_pages_declare_their_language(built_book, language):
    _, html = built_book
    for path in site_pages(html, language):
        tag = soup_of(path).find("html")
        if tag is not None and tag.get("lang"):
            assert tag["lang"] == language, path


@pytest.mark.parametrize(
    "language, search_label", [("es", "Búsqueda"), ("en", "Search")]
)
def test_theme_speaks_the_edition_language(built_book, language, search_label):
    _, html = built_book
    soup = soup_of(html / language / "book" / language / "index.html")
    assert (
        search_label
        in soup.select_one(
            "button.search-button__button, .search-button"
        ).get_text()
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_edition_navigation_stays_in_its_language(built_book, language):
    _, html = built_book
    for document in DOCUMENTS[language]:
        path = html / language / f"{document}.html"
        for link in soup_of(path).select("nav.bd-docs-nav a[href]"):
            if not link["href"].startswith(("http", "#")):
                target = (path.parent / link["href"].split("#")[0]).resolve()
                assert target.is_relative_to((html / language).resolve()), (
                    link["href"]
                )
                assert (
                    f"/{'en' if language == 'es' else 'es'}/"
                    not in link["href"]
                )


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_page_links_to_the_same_page_in_the_other_language(
    built_book, language
):
    _, html = built_book
    other = "en" if language == "es" else "es"
    twin_of = dict(PAIRS) if language == "es" else {en: es for es, en in PAIRS}
    for path in site_pages(html, language):
        switch = soup_of(path).select(".language-switch a")
        if path.name == "index.html" and path.parent == html / language:
            continue  # Jupyter Book's redirect to the home page
        assert len(switch) == 1, path
        target = (path.parent / switch[0]["href"]).resolve()
        assert target.is_file(), (path, switch[0]["href"])
        assert switch[0]["hreflang"] == other
        document = path.relative_to(html / language).with_suffix("").as_posix()
        if document in twin_of:
            assert (
                target
                == (html / other / f"{twin_of[document]}.html").resolve()
            )
            back = soup_of(target).select_one(".language-switch a")["href"]
            assert (target.parent / back).resolve() == path.resolve()
        else:
            assert (
                target
                == (html / other / f"{DOCUMENTS[other][0]}.html").resolve()
            )
