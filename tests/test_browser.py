"""The book as a reader sees it: each chapter page, in each language, in Chromium.

The built site is served from a local server and opened in the Chromium that
`make test` provides (Debian's package, or the browser named by CHROMIUM);
Playwright never downloads a browser.  Screenshots of one chapter per language
are kept under _build/screenshots/ for review.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from booktools.extensions.launch_links import published_path
from conftest import NOTEBOOKS, ROOT, chapter_id, watched_page

SCREENSHOTS = ROOT / "_build" / "screenshots"


def open_chapter(page, site, notebook):
    """Go to a notebook's page in its edition and wait until MathJax has typeset it."""
    page.goto(
        f"{site}/{notebook.parent.name}/{notebook.relative_to(ROOT).with_suffix('.html').as_posix()}"
    )
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
    )
    page.evaluate("() => MathJax.startup.promise")


@pytest.fixture
def chapter_page(site, browser, request):
    """Open a chapter page; record console errors, page errors and requests."""
    notebook = request.param
    page, problems, requests = watched_page(browser)
    open_chapter(page, site, notebook)
    yield page, notebook, problems, requests
    page.close()


def indirect_chapters(test):
    return pytest.mark.parametrize(
        "chapter_page", NOTEBOOKS, indirect=True, ids=chapter_id
    )(test)


@indirect_chapters
def test_math_is_typeset_by_mathjax(chapter_page):
    page, *_ = chapter_page
    formulas = page.locator("article .math").count()
    assert formulas > 0
    assert page.locator("article .math mjx-container").count() == formulas
    raw = page.evaluate("""() => [...document.querySelectorAll('article p, article li')]
        .map(e => e.innerText).filter(t => t.includes('$$') || t.includes('\\\\('))""")
    assert raw == []


@indirect_chapters
def test_figures_load(chapter_page):
    page, *_ = chapter_page
    images = page.locator("article img")
    assert images.count() > 0
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.evaluate(
            "img => img.complete || new Promise(done => img.onload = done)"
        )
        assert image.evaluate("img => img.naturalWidth") > 0, (
            image.get_attribute("src")
        )


@indirect_chapters
def test_language_link_and_launch_buttons_are_there(chapter_page):
    page, notebook, *_ = chapter_page
    assert page.locator(".language-switch a").is_visible()
    path = notebook.relative_to(ROOT).as_posix()
    reader = published_path(path)
    assert (
        page.locator(
            f"a[href^='https://colab.research.google.com/github/'][href$='{reader}']"
        ).count()
        == 1
    )
    assert (
        page.locator(
            f"a[href^='https://mybinder.org/v2/gh/'][href$='{reader}']"
        ).count()
        == 1
    )
    assert page.locator(f"a[href$='_sources/{path}']").count() == 1
    page.locator(".dropdown-launch-buttons button").click()
    assert page.locator(
        ".dropdown-launch-buttons a", has_text="Colab"
    ).is_visible()


@indirect_chapters
def test_a_solution_opens_when_clicked(chapter_page):
    page, *_ = chapter_page
    solution = page.locator(
        "article details:has(> summary:text-matches('Solución|Solution'))"
    ).first
    assert not solution.evaluate("details => details.open")
    solution.locator("summary").click()
    assert solution.evaluate("details => details.open")
    assert solution.locator("p").first.is_visible()
    code_solution = page.locator("article .cell.tag_hide-cell").first
    assert not code_solution.locator("pre").first.is_visible()
    code_solution.locator("summary").first.click()
    assert code_solution.locator("pre").first.is_visible()


@indirect_chapters
def test_no_console_errors_and_nothing_fetched_from_elsewhere(chapter_page):
    page, _, problems, requests = chapter_page
    page.wait_for_load_state("networkidle")
    assert problems == []
    assert requests and all(
        url.startswith("http://127.0.0.1:") for url in requests
    ), requests


@indirect_chapters
def test_no_serious_accessibility_violations(chapter_page):
    page, *_ = chapter_page
    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.parametrize(
    "notebook",
    [path for path in NOTEBOOKS if path.name.startswith("01")],
    ids=lambda path: path.parent.name,
)
def test_screenshot_of_a_chapter_for_review(site, browser, notebook):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_chapter(page, site, notebook)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{notebook.parent.name}-{notebook.stem}.png"
    page.screenshot(path=path)
    page.close()
    assert path.stat().st_size > 20_000


def test_reader_notebook_rendered_by_nbconvert_shows_numbers_and_citations(
    built_book, browser, tmp_path
):
    """Chapter 1 of the Spanish edition as Jupyter renders its reader notebook."""
    import nbformat
    from nbconvert import HTMLExporter

    from test_reader_notebooks import book_citations, chapter_page

    notebook = next(path for path in NOTEBOOKS if path.parent.name == "es")
    _, html = built_book
    reader = nbformat.read(
        html.parent
        / "notebooks"
        / published_path(notebook.relative_to(ROOT).as_posix()),
        as_version=4,
    )
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(reader)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # Offline: the Colab badge is the one thing from elsewhere
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if route.request.url.startswith("http")
            else route.continue_()
        ),
    )
    page.set_content(
        f"<!DOCTYPE html><html lang='es'><body>{body}</body></html>"
    )
    text = page.inner_text("body")
    numbers = [
        span.get_text()
        for span in chapter_page(built_book, notebook).select(
            "article .pasted-text"
        )
    ]
    assert numbers and all(number in text for number in numbers)
    for words, anchor in book_citations(built_book, notebook):
        link = page.locator(f"a[href$='#{anchor}']", has_text=words).first
        assert link.is_visible(), words
    assert "{glue" not in text and "{cite" not in text
    page.close()
