"""The built book: no warnings, and each chapter page a reader sees is complete."""

import re

import pytest
from bs4 import BeautifulSoup
from docutils.nodes import make_id
from pybtex.backends.plaintext import Backend as PlainText
from pybtex.database import parse_file, parse_string
from pybtex.richtext import Text

from booktools.extensions.author_year import entry_text
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
    # A negative number reads with a minus sign, not a hyphen
    assert not [text for text in pasted if re.search(r"(?<![\w.])-\d", text)]


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


@pytest.mark.parametrize(
    "language, byline",
    [
        ("es", "Por los colaboradores del libro"),
        ("en", "By the book's contributors"),
    ],
)
def test_footer_names_the_authors_in_the_edition_language(
    built_book, language, byline
):
    _, html = built_book
    for document in DOCUMENTS[language]:
        footer = soup_of(html / language / f"{document}.html").select_one(
            ".component-author"
        )
        assert " ".join(footer.get_text().split()) == byline, document


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


# The words pybtex's English plain style and the old .bib prose wrote into
# the entries, which the Spanish references page must not have; and the
# Spanish ones, which the English page must not have.  Neither writes
# BibTeX's "and others" as "others": both read "et al.", as the citations do.
ENGLISH_MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()
SPANISH_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre "
    "noviembre diciembre"
).split()
FOREIGN_WORDS = {
    "es": [
        " and ",
        "others",
        "In ",
        "In:",
        "volume",
        "number",
        "pages",
        "edition",
        "editor",
        "chapter",
        "thesis",
        "visited",
        *ENGLISH_MONTHS,
        "Blog post",
        "in Spanish",
        "undated",
        "Code:",
        "n.d.",
    ],
    "en": [
        " y ",
        "others",
        "s. f.",
        "En ",
        "vol.",
        "núm.",
        "págs.",
        "ed.",
        "cap.",
        "Entrada de blog",
        "en español",
        "Código",
        "consultado",
        *SPANISH_MONTHS,
    ],
}
REFERENCES_PAGE = {"es": "referencias", "en": "references"}
# The fields that name a work, its venue or its publisher: these stay in
# the work's own language, and the entries are checked without them.
WORK_NAMES = (
    "title",
    "booktitle",
    "journal",
    "series",
    "publisher",
    "organization",
    "institution",
    "school",
    "address",
)


def squeeze_space(text):
    return " ".join(text.split())


def foreign_words(text, language):
    """The words of the other edition's language in ``text``."""
    found = []
    for word in FOREIGN_WORDS[language]:
        start = r"\b" if word[0].isalnum() else ""
        end = r"\b" if word[-1].isalnum() else ""
        if re.search(start + re.escape(word) + end, text, re.IGNORECASE):
            found.append(word)
    return found


def without_work_names(text, entry):
    """An entry's text without the names its .bib fields give (a title)."""
    for name in WORK_NAMES:
        if name in entry.fields:
            written = squeeze_space(str(Text.from_latex(entry.fields[name])))
            text = re.sub(re.escape(written), "", text, flags=re.IGNORECASE)
    return text


@pytest.mark.parametrize("language", ["es", "en"])
def test_references_entries_read_in_the_edition_language(built_book, language):
    _, html = built_book
    path = (
        html
        / language
        / "book"
        / language
        / f"{REFERENCES_PAGE[language]}.html"
    )
    entries = parse_file(ROOT / "book" / "references.bib").entries
    soup = soup_of(path)
    problems = []
    for key, entry in entries.items():
        anchor = make_id(f"cite-{key}")
        element = soup.find(id=anchor)
        assert element is not None, f"{path.name} has no entry #{anchor}"
        text = squeeze_space(element.get_text(" "))
        for word in foreign_words(without_work_names(text, entry), language):
            problems.append(f"{word!r} in the entry {key} (#{anchor}): {text}")
    assert not problems, (
        f"{path.name} writes its entries in the other language:\n"
        + "\n".join(problems)
    )


# Every entry type pybtex knows, with every field its style words (names
# that no language's words appear in), for the types the book does not cite
EVERY_FIELD = """
  author = {Xu, Ana and Ng, Bo and others}, editor = {Oz, Cy and Li, Di},
  title = {Qwerty}, booktitle = {Zxcv}, journal = {Jkl}, series = {Lnai},
  publisher = {Acme}, address = {Oslo}, organization = {Acm}, school = {Mit},
  institution = {Cern}, howpublished = {Zine}, chapter = {3}, edition = {2},
  pages = {5--48}, year = {2020}, month = mar, isbn = {123},
  url = {https://example.org}, urldate = {2024-01-02}, doi = {10.1/2},
  eprint = {2001.1}, archiveprefix = {arXiv}, code = {https://example.org/c},
  entrysubtype = {blogpost}, language = {spanish}
"""
ENTRY_TYPES = (
    "article book booklet inbook incollection inproceedings manual "
    "mastersthesis misc phdthesis proceedings techreport unpublished"
).split()


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("entry_type", ENTRY_TYPES)
def test_every_entry_type_reads_in_the_edition_language(entry_type, language):
    for numbering in ("volume = {7}", "number = {7}"):
        note = "note = {Qwop}," if entry_type == "unpublished" else ""
        entry = parse_string(
            f"@{entry_type}{{key, {note} {numbering}, {EVERY_FIELD}}}",
            "bibtex",
        ).entries["key"]
        text = squeeze_space(entry_text(entry, language).render(PlainText()))
        assert text.startswith(("Ana Xu, Bo Ng et al.", "Cy Oz")), text
        assert not foreign_words(text, language), (entry_type, text)
