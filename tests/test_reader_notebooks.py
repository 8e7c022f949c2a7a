"""The reader and student notebooks: each chapter as Colab, Binder and a download give it.

`make html` generates them (booktools.notebooks) into
``<build>/notebooks`` beside the site; the book is built once per session
(the ``built_book`` fixture) and these tests read what it made.  Values and
names come from the notebooks and the built pages, never from this file.
"""

import html as html_lib
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from docutils.nodes import make_id
from markdown_it import MarkdownIt
from nbconvert import HTMLExporter
from pybtex.database import parse_file

from booktools.editions import config, edition_of, site_url
from booktools.extensions.launch_links import SITE_FOLDER, published_path
from booktools.notebooks.cells import is_glue_record
from booktools.notebooks.citations import citations_of
from booktools.notebooks.commonmark import Converter
from booktools.notebooks.myst import MystError, edition_labels, myst_syntax
from booktools.notebooks.words import TEXT
from conftest import ROOT, each_chapter, read_notebook, tags
from test_book import foreign_words, squeeze_space, without_work_names
from test_book import page as chapter_page

SITE = site_url(config()["repository"]["url"])
KINDS = ("reader", "student")
COMMONMARK = MarkdownIt("commonmark")
ROLE_TEXT = re.compile(r"\{[A-Za-z][\w:+.-]*\}`")
EXERCISE = {"es": r"\*\*Ejercicio \d+\*\*", "en": r"\*\*Exercise \d+\*\*"}
SUMMARY = {"es": "Solución", "en": "Solution"}


def source_path(notebook):
    return notebook.relative_to(ROOT).as_posix()


def generated(built_book, notebook, kind="reader"):
    _, html = built_book
    path = (
        html.parent / "notebooks" / published_path(source_path(notebook), kind)
    )
    return nbformat.read(path, as_version=4)


def markdown_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "markdown"]


def soup(text):
    return BeautifulSoup(text, "html.parser")


def rendered_links(notebook, start=0):
    """(text, href) of every link in the notebook's Markdown, rendered by CommonMark."""
    links = []
    for cell in markdown_cells(notebook)[start:]:
        for link in soup(COMMONMARK.render(cell.source)).find_all(
            "a", href=True
        ):
            links.append((link.get_text(), link["href"]))
    return links


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


def built_file(built_book, url):
    """The built site's file for an address of the published book."""
    _, html = built_book
    assert url.startswith(SITE + "/"), url
    return html / url.removeprefix(SITE + "/").split("#")[0]


def both_kinds(test):
    return pytest.mark.parametrize("kind", KINDS)(each_chapter(test))


@pytest.fixture(scope="module", autouse=True)
def book_was_built(built_book):
    result, _ = built_book
    assert result.returncode == 0, result.stderr[-3000:]


# Valid notebooks, no MyST left


@both_kinds
def test_every_generated_notebook_is_valid_nbformat_4(
    built_book, notebook, kind
):
    generated_notebook = generated(built_book, notebook, kind)
    nbformat.validate(generated_notebook)
    assert generated_notebook.nbformat == 4


@both_kinds
def test_no_myst_role_or_directive_is_left_in_markdown(
    built_book, notebook, kind
):
    for cell in markdown_cells(generated(built_book, notebook, kind)):
        assert myst_syntax(cell.source) == [], cell.source
        assert not ROLE_TEXT.search(cell.source), cell.source
        assert not re.search(r"^\s*(`{3,}|:{3,})\{", cell.source, re.M)


@each_chapter
def test_plain_commonmark_shows_no_role_and_keeps_math_delimiters(
    built_book, notebook
):
    for cell in markdown_cells(generated(built_book, notebook)):
        text = soup(COMMONMARK.render(cell.source)).get_text()
        assert not ROLE_TEXT.search(text) and "{cite" not in text, text
        assert "{glue" not in text and "`{" not in text, text
        unescaped_dollars = len(re.findall(r"(?<!\\)\$", cell.source))
        assert text.count("$") == unescaped_dollars, cell.source


@each_chapter
def test_nbconvert_html_shows_no_role_and_every_formula_intact(
    built_book, notebook
):
    reader = generated(built_book, notebook)
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(reader)
    page = soup(body)
    for element in page(["script", "style", "pre"]):
        element.decompose()
    text = page.get_text()
    assert not ROLE_TEXT.search(text) and "{glue" not in text
    assert "{cite" not in text
    markdown = "\n".join(cell.source for cell in markdown_cells(reader))
    formulas = re.findall(r"\$\$(.+?)\$\$", markdown, re.DOTALL)
    formulas += re.findall(
        r"(?<![\\$])\$([^$\n]+?)\$",
        re.sub(r"\$\$.+?\$\$", "", markdown, flags=re.DOTALL),
    )
    assert formulas
    for formula in formulas:
        assert formula in html_lib.unescape(body), formula


# The reader notebook: prose resolved, code and outputs kept


@each_chapter
def test_glued_values_read_as_the_book_shows_them(built_book, notebook):
    shown = [
        span.get_text()
        for span in chapter_page(built_book, notebook).select(
            "article .pasted-text"
        )
    ]
    reader = {cell.id: cell for cell in generated(built_book, notebook).cells}
    quoted = 0
    for cell in read_notebook(notebook)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        roles = len(re.findall(r"\{glue(:text)?\}`", "".join(cell["source"])))
        if not roles:
            continue
        text = soup(COMMONMARK.render(reader[cell["id"]].source)).get_text()
        for value in shown[quoted : quoted + roles]:
            assert value in text, (value, text)
            text = text.replace(value, "", 1)
        quoted += roles
    assert quoted and quoted == len(shown)


def book_citations(built_book, notebook):
    return [
        (link.get_text(), link["href"].split("#")[1])
        for link in chapter_page(built_book, notebook).select(
            "article a[href*='#cite-']"
        )
    ]


@each_chapter
def test_citations_read_and_link_as_in_the_book(built_book, notebook):
    in_book = book_citations(built_book, notebook)
    in_notebook = [
        (text, href.split("#")[1])
        for text, href in rendered_links(generated(built_book, notebook))
        if "#cite-" in href
    ]
    assert in_book and in_notebook[: len(in_book)] == in_book


@each_chapter
def test_references_section_ends_with_the_works_cited(built_book, notebook):
    in_book = {anchor for _, anchor in book_citations(built_book, notebook)}
    reader = generated(built_book, notebook)
    markdown = "\n".join(cell.source for cell in markdown_cells(reader))
    heading = re.search(r"^## (Referencias|References)\s*$", markdown, re.M)
    listed = {
        href.split("#")[1]
        for link in soup(COMMONMARK.render(markdown[heading.end() :])).select(
            "li > a[href*='#cite-']"
        )
        for href in [link["href"]]
    }
    assert listed == in_book


@each_chapter
def test_works_cited_read_in_the_edition_language(built_book, notebook):
    """Each work cited is written as the references page of its edition
    writes it: no word of the other language (test_book.py's list)."""
    language = notebook.parent.name
    entries = {
        make_id(f"cite-{key}"): (key, entry)
        for key, entry in parse_file(
            ROOT / "book" / "references.bib"
        ).entries.items()
    }
    markdown = "\n".join(
        cell.source for cell in markdown_cells(generated(built_book, notebook))
    )
    heading = re.search(r"^## (Referencias|References)\s*$", markdown, re.M)
    links = soup(COMMONMARK.render(markdown[heading.end() :])).select(
        "li > a[href*='#cite-']"
    )
    problems = []
    for link in links:
        item = link.parent
        key, entry = entries[link["href"].split("#")[1]]
        text = squeeze_space(item.get_text())
        assert len(text) > len(link.get_text()) + 20, text  # the entry
        for word in foreign_words(without_work_names(text, entry), language):
            problems.append(f"{word!r} in the work cited {key}: {text}")
    assert links and not problems, "\n".join(problems)


@each_chapter
def test_citation_links_point_at_anchors_of_the_references_page(
    built_book, notebook
):
    links = [
        href
        for _, href in rendered_links(generated(built_book, notebook))
        if "#cite-" in href
    ]
    assert links
    for href in links:
        page = soup(built_file(built_book, href).read_text(encoding="utf-8"))
        assert page.find(id=href.split("#")[1]), href


@both_kinds
def test_every_link_into_the_book_resolves_to_a_built_page(
    built_book, notebook, kind
):
    links = [
        href
        for _, href in rendered_links(generated(built_book, notebook, kind))
        if href.startswith(SITE)
    ]
    assert links
    for href in links:
        path = built_file(built_book, href)
        assert path.is_file(), href
        if "#" in href:
            page = soup(path.read_text(encoding="utf-8"))
            assert page.find(id=href.split("#")[1]), href


@each_chapter
def test_code_is_byte_identical_and_outputs_are_kept(built_book, notebook):
    source = [
        cell
        for cell in nbformat.read(notebook, as_version=4).cells
        if cell.cell_type == "code" and "remove-cell" not in tags(cell)
    ]
    reader = [
        cell
        for cell in generated(built_book, notebook).cells
        if cell.cell_type == "code"
    ]
    assert ["".join(c["source"]) for c in source] == [c.source for c in reader]
    for original, kept in zip(source, reader, strict=True):
        assert kept.outputs == [
            output for output in original.outputs if not is_glue_record(output)
        ]
    assert any(
        "image/png" in output.get("data", {})
        for cell in reader
        for output in cell.outputs
    )


@each_chapter
def test_tooling_tags_glue_records_and_mystnb_metadata_are_gone(
    built_book, notebook
):
    for cell in generated(built_book, notebook).cells:
        assert not {"remove-cell", "solution", "recipe"} & set(tags(cell))
        assert not any(tag.startswith("nbval") for tag in tags(cell))
        assert "mystnb" not in cell.metadata
        for output in cell.get("outputs", []):
            assert not is_glue_record(output)


@each_chapter
def test_figure_captions_are_numbered_as_in_the_book(built_book, notebook):
    in_book = [
        squeeze(
            caption.select_one(".caption-number").get_text().strip()
            + ". "
            + caption.select_one(".caption-text").get_text()
        )
        for caption in chapter_page(built_book, notebook).select(
            "article figcaption"
        )
    ]
    in_notebook = [
        squeeze(soup(COMMONMARK.render(caption)).p.get_text())
        for caption in figure_captions(generated(built_book, notebook))
    ]
    assert in_book and in_notebook == in_book


@each_chapter
def test_each_figure_keeps_the_books_text_alternative(built_book, notebook):
    """A notebook output has no alt attribute: the book's alt text follows
    the figure's caption, folded under a summary in the edition's language."""
    in_book = [
        squeeze(figure.img["alt"])
        for figure in chapter_page(built_book, notebook).select(
            "article figure"
        )
        if figure.figcaption and figure.img
    ]
    summary = {
        "es": "Descripción de la figura",
        "en": "Description of the figure",
    }[notebook.parent.name]
    in_notebook = []
    for caption in figure_captions(generated(built_book, notebook)):
        details = soup(COMMONMARK.render(caption)).details
        assert details and squeeze(details.summary.get_text()) == summary
        details.summary.extract()
        in_notebook.append(squeeze(details.get_text()))
    assert in_book and all(in_book) and in_notebook == in_book


def figure_captions(notebook):
    """The caption cell's source after each code cell that draws a figure."""
    cells = notebook.cells
    return [
        cells[index + 1].source
        for index, cell in enumerate(cells[:-1])
        if cell.cell_type == "code"
        and any("image/png" in o.get("data", {}) for o in cell.outputs)
        and cells[index + 1].id.endswith("-caption")
    ]


@both_kinds
def test_first_cell_says_what_it_is_links_the_chapter_and_opens_in_colab(
    built_book, notebook, kind
):
    first = generated(built_book, notebook, kind).cells[0]
    page = soup(COMMONMARK.render(first.source))
    words = {
        ("es", "reader"): "Cuaderno de lectura",
        ("es", "student"): "Cuaderno del estudiante",
        ("en", "reader"): "Reader notebook",
        ("en", "student"): "Student notebook",
    }[notebook.parent.name, kind]
    assert words in page.get_text()
    chapter = (
        f"{SITE}/{notebook.parent.name}/"
        + notebook.relative_to(ROOT).with_suffix(".html").as_posix()
    )
    hrefs = [link["href"] for link in page.find_all("a")]
    assert chapter in hrefs
    badge = page.select_one("a > img[src$='colab-badge.svg']")
    assert badge is not None and badge.get("alt")
    assert badge.parent["href"].endswith(
        "/blob/notebooks/" + published_path(source_path(notebook), kind)
    )


# The student notebook


def solution_runs(cells):
    """Each run of consecutive solution cells of a notebook, as their sources."""
    runs, current = [], []
    for cell in cells:
        if "solution" in tags(cell):
            current.append("".join(cell["source"]))
        elif current:
            runs.append(current)
            current = []
    return runs + ([current] if current else [])


@each_chapter
def test_student_notebook_holds_no_solution(built_book, notebook):
    language = notebook.parent.name
    source_cells = read_notebook(notebook)["cells"]
    runs = solution_runs(source_cells)
    assert runs
    student = generated(built_book, notebook, "student")
    codes = [c.source for c in student.cells if c.cell_type == "code"]
    for run in runs:
        for solution in run:
            assert solution not in codes
    stub = TEXT[language]["stub"]
    stubs = [
        c for c in student.cells if c.cell_type == "code" and c.source == stub
    ]
    assert len(stubs) == len(runs)
    assert all(not c.outputs and c.execution_count is None for c in stubs)
    description = TEXT[language]["description"]
    for cell in markdown_cells(student):
        # The only folded text left is a figure's description
        summaries = re.findall(r"<summary>(.*?)</summary>", cell.source)
        assert cell.source.count("<details>") == len(summaries)
        assert set(summaries) <= {description}


@each_chapter
def test_prose_that_answers_an_exercise_is_folded_as_a_solution(notebook):
    """After a solution cell, up to the next exercise or heading, the prose
    is the answer: it sits in a <details> "Solución"/"Solution" block, which
    the student notebook drops, so the tooling never has to guess."""
    language = notebook.parent.name
    cells = read_notebook(notebook)["cells"]
    answers = []
    for index, cell in enumerate(cells[:-1]):
        following = cells[index + 1]
        if "solution" in tags(cell) and following["cell_type"] == "markdown":
            text = "".join(following["source"])
            end = re.search(rf"^({EXERCISE[language]}|#+ )", text, re.M)
            answers.append(text[: end.start() if end else None].strip())
    assert answers
    for answer in answers:
        if answer:
            assert answer.startswith("<details>"), answer
            assert answer.endswith("</details>"), answer
            assert f"<summary>{SUMMARY[language]}</summary>" in answer


@each_chapter
def test_student_notebook_keeps_every_exercise_statement_and_at_least_five(
    built_book, notebook
):
    language = notebook.parent.name

    def statements(generated_notebook):
        return [
            paragraph
            for cell in markdown_cells(generated_notebook)
            for paragraph in cell.source.split("\n\n")
            if re.match(EXERCISE[language], paragraph)
        ]

    reader = statements(generated(built_book, notebook))
    student = statements(generated(built_book, notebook, "student"))
    assert student == reader and len(student) >= 5


@each_chapter
def test_student_notebook_is_the_reader_notebook_up_to_the_exercises(
    built_book, notebook
):
    reader = generated(built_book, notebook).cells
    student = generated(built_book, notebook, "student").cells
    heading = next(
        index
        for index, cell in enumerate(reader)
        if re.match(r"## (Ejercicios|Exercises)", cell.source)
    )
    assert student[1:heading] == reader[1:heading]


# Where they are published


def test_readers_requirements_pin_only_what_the_chapters_import(built_book):
    _, html = built_book
    folder = html.parent / "notebooks"
    pinned = set((ROOT / "requirements.txt").read_text().splitlines())
    lines = [
        line
        for line in (folder / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert set(lines) <= pinned
    names = {line.split("==")[0] for line in lines}
    assert {"keras", "numpy", "matplotlib"} <= names
    assert any(name.startswith("tensorflow") for name in names)
    assert not names & {"jupyter-book", "pytest", "nbval", "ruff", "myst-nb"}
    runtime = (folder / "runtime.txt").read_text()
    assert runtime == (ROOT / "runtime.txt").read_text()


@both_kinds
def test_the_site_serves_each_generated_notebook(built_book, notebook, kind):
    _, html = built_book
    path = published_path(source_path(notebook), kind)
    served = html / SITE_FOLDER / path
    assert (
        served.read_bytes() == (html.parent / "notebooks" / path).read_bytes()
    )


@each_chapter
def test_the_download_button_gives_the_reader_notebook(built_book, notebook):
    _, html = built_book
    page = chapter_page(built_book, notebook)
    download = page.select_one(f"a[href$='_sources/{source_path(notebook)}']")
    page_path = (
        html
        / notebook.parent.name
        / notebook.relative_to(ROOT).with_suffix(".html")
    )
    served = (page_path.parent / download["href"]).resolve()
    reader = html.parent / "notebooks" / published_path(source_path(notebook))
    assert served.read_bytes() == reader.read_bytes()


@pytest.mark.parametrize(
    "guide, language",
    [("book/es/guia-docente.md", "es"), ("book/en/teachers-guide.md", "en")],
)
def test_teachers_guide_links_reach_the_generated_notebooks(
    built_book, guide, language
):
    _, html = built_book
    page_path = html / language / guide.replace(".md", ".html")
    links = {
        (page_path.parent / link["href"]).resolve()
        for link in soup(page_path.read_text(encoding="utf-8")).select(
            "article a[href$='.ipynb']"
        )
        if not link["href"].startswith("http")
    }
    expected = {
        (
            html / SITE_FOLDER / published_path(source_path(path), kind)
        ).resolve()
        for path in (ROOT / "notebooks" / language).glob("*.ipynb")
        for kind in KINDS
    }
    assert links >= expected
    assert all(path.is_file() for path in expected)


# The generator itself


def converter(language="es"):
    edition = edition_of(language)
    chapter = next(
        name
        for name, path in edition.documents.items()
        if path.suffix == ".ipynb"
    )
    return Converter(edition, chapter, {}, where=f"{chapter}.ipynb, cell 1")


@pytest.mark.parametrize(
    "markdown",
    [
        "See {unknownrole}`x`.",
        "```{unknowndirective}\nbody\n```",
        ":::{unknowndirective}\nbody\n:::",
        "A {glue:text}`no_such_glued_name` value.",
        "A {cite:p}`no_such_key` work.",
    ],
)
def test_generator_fails_loudly_on_what_it_cannot_resolve(markdown):
    with pytest.raises(MystError, match=r"\.ipynb, cell 1"):
        converter().convert(markdown)


def test_generator_turns_every_known_construct_into_plain_markdown():
    convert = converter()
    edition = convert.edition
    citations = citations_of(edition.language)
    key = next(iter(citations.bibliography))
    figure = next(
        name
        for name, (_, _, number) in edition_labels(edition.language).items()
        if number
    )
    glossary = next(name for name in edition.documents if "glos" in name)
    chapters = [
        path.relative_to(ROOT).as_posix()
        for name, path in edition.documents.items()
        if path.suffix == ".ipynb"
    ]
    markdown = "\n\n".join(
        [
            f"{{cite:t}}`{key}` and {{cite:p}}`{key}`.",
            f"{{doc}}`/{glossary}`, {{ref}}`{figure}`, {{numref}}`{figure}`.",
            f"{{download}}`the chapter </{chapters[0]}>`.",
            "```{note}\nA note with $x^2$.\n```",
            ":::{tip}\nA tip.\n:::",
            "```{figure} ../../assets/favicon.svg\n:alt: An icon\n"
            f":name: {figure}\n\nA caption.\n```",
            "(a-target)=\n## A heading",
            "```python\nprint('{cite:p}`kept as code`')\n```",
            "```{literalinclude} ../../tools/booktools/compat.py\n:language: python\n```",
        ]
    )
    result = convert.convert(markdown)
    included = (ROOT / "tools" / "booktools" / "compat.py").read_text(
        encoding="utf-8"
    )
    assert f"```python\n{included.rstrip()}\n```" in result
    assert myst_syntax(result) == [], result
    assert "print('{cite:p}`kept as code`')" in result  # code stays code
    text = soup(COMMONMARK.render(result)).get_text()
    assert not ROLE_TEXT.search(text.replace("{cite:p}`kept as code`", ""))
    links = [
        a["href"]
        for a in soup(COMMONMARK.render(result)).find_all("a", href=True)
    ]
    assert f"{SITE}/es/{glossary}.html" in links
    assert f"{citations.url(key)}" in links
    assert any(link.endswith(f"#{figure}") for link in links)
    assert f"{SITE}/{SITE_FOLDER}/{published_path(chapters[0])}" in links
    assert "> **Nota**" in result and "> **Consejo**" in result
    assert '<a id="a-target"></a>' in result


@pytest.mark.parametrize(
    "language, plain, spec, shown",
    [
        ("es", "242062", ",d", "242\u202f062"),
        ("en", "242062", ",d", "242,062"),
        ("es", "'242\\u202f062'", "", "242\u202f062"),
        ("en", "0.987654", ".4f", "0.9877"),
    ],
)
def test_glue_text_is_formatted_as_the_book_formats_it(
    language, plain, spec, shown
):
    convert = converter(language)
    convert.glue = {"value": {"text/plain": plain}}
    role = "{glue:text}`value" + (f":{spec}" if spec else "") + "`"
    assert convert.convert(role) == shown
