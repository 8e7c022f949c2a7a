"""The two editions are one book: same chapters, same code, same results.

Spanish is the source; each English page is the twin of the Spanish page at
the same position in its table of contents (`book_editions` in _config.yml).
"""

import io
import re
import tokenize
from pathlib import Path

import pytest

from build_book import editions
from conftest import ROOT, code_cells, glued_values, read_notebook, tags, toc_documents

DOCUMENTS = {language: toc_documents(ROOT / toc) for language, toc in editions().items()}
PAIRS = list(zip(DOCUMENTS["es"], DOCUMENTS["en"]))
NOTEBOOK_PAIRS = [(ROOT / f"{es}.ipynb", ROOT / f"{en}.ipynb")
                  for es, en in PAIRS if (ROOT / f"{es}.ipynb").exists()]
twins = pytest.mark.parametrize("es, en", NOTEBOOK_PAIRS, ids=[es.stem for es, _ in NOTEBOOK_PAIRS])


def source(cell):
    return "".join(cell["source"])


def is_prose(string_token):
    """A string literal that is text for the reader (a title, a label, a message)."""
    text = re.sub(r"^[rbfuRBFU]*('''|\"\"\"|'|\")|('''|\"\"\"|'|\")$", "", string_token)
    return bool(re.search(r"\s|[^\x00-\x7f]", text)) or text[:1].isupper()


def code_tokens(code):
    """The code's tokens without comments, newlines or indentation details."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    return [(token.type, token.string) for token in tokenize.generate_tokens(io.StringIO(code).readline)
            if token.type not in skip]


def results(cell):
    """What a cell's stored outputs say, less the words: numbers and booleans."""
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?|True|False", " ".join(texts))


def test_both_tables_of_contents_have_the_same_pages():
    assert len(DOCUMENTS["es"]) == len(DOCUMENTS["en"])
    for es, en in PAIRS:
        assert (Path(es).parent.name, Path(en).parent.name) == ("es", "en"), (es, en)
        assert Path(es).name[:3] == Path(en).name[:3] or not Path(es).name[:2].isdigit(), (es, en)


def test_every_chapter_has_an_english_twin():
    spanish = sorted((ROOT / "notebooks" / "es").glob("*.ipynb"))
    english = sorted((ROOT / "notebooks" / "en").glob("*.ipynb"))
    assert spanish and sorted(es for es, _ in NOTEBOOK_PAIRS) == spanish
    assert sorted(en for _, en in NOTEBOOK_PAIRS) == english


@twins
def test_twins_have_the_same_cells_by_type_and_tags(es, en):
    spanish, english = read_notebook(es)["cells"], read_notebook(en)["cells"]
    assert [(c["cell_type"], tags(c)) for c in spanish] == [(c["cell_type"], tags(c)) for c in english]


@twins
def test_twins_have_the_same_code(es, en):
    """Identical but for comments and the strings a reader reads (titles, labels, messages)."""
    for spanish, english in zip(code_cells(read_notebook(es)), code_cells(read_notebook(en))):
        tokens_es, tokens_en = code_tokens(source(spanish)), code_tokens(source(english))
        assert len(tokens_es) == len(tokens_en), source(english)
        for (type_es, text_es), (type_en, text_en) in zip(tokens_es, tokens_en):
            if type_es == type_en == tokenize.STRING and is_prose(text_es) and is_prose(text_en):
                continue
            assert text_es == text_en, f"{text_es} != {text_en} in\n{source(english)}"


@twins
def test_twins_store_the_same_results(es, en):
    spanish, english = read_notebook(es), read_notebook(en)
    for cell_es, cell_en in zip(code_cells(spanish), code_cells(english)):
        if "nbval-ignore-output" not in tags(cell_es) and "nbval-skip" not in tags(cell_es):
            assert results(cell_es) == results(cell_en), source(cell_en)
    # Training results are deterministic on one machine: the same to the last digit.
    timings = re.compile(r"^segundos")
    glued_es = {k: v for k, v in glued_values(spanish).items() if not timings.match(k)}
    glued_en = {k: v for k, v in glued_values(english).items() if not timings.match(k)}
    assert glued_es and glued_es == glued_en


def glossary_terms(page, column):
    """The terms in one column of a glossary table, without markup or notes in brackets."""
    rows = [line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    terms = [row.split("|")[column + 1].strip() for row in rows[2:]]
    return [re.sub(r"\s*\(.*\)|\*", "", term).strip() for term in terms]


def edition_text(language):
    """All the prose of an edition's chapters and pages, except the glossary itself."""
    texts = []
    for document in DOCUMENTS[language]:
        path = ROOT / f"{document}.ipynb"
        if path.exists():
            texts += [source(cell) for cell in read_notebook(path)["cells"] if cell["cell_type"] == "markdown"]
        elif "gloss" not in document and "glosario" not in document:
            texts.append((ROOT / f"{document}.md").read_text(encoding="utf-8"))
    return re.sub(r"[*_`]", "", "\n".join(texts)).lower()


def term_pattern(term):
    # Each word may take a plural ending: "curva de aprendizaje" finds "curvas de aprendizaje".
    return r"\b" + r"\s+".join(re.escape(word) + r"(?:s|es)?" for word in term.lower().split()) + r"\b"


@pytest.mark.parametrize("language, glossary", [
    ("es", ROOT / "book" / "es" / "glosario.md"),
    ("en", ROOT / "book" / "en" / "glossary.md"),
])
def test_the_edition_uses_every_term_of_its_glossary(language, glossary):
    """Each edition's own terms are the first column of its glossary."""
    text = edition_text(language)
    missing = [term for term in glossary_terms(glossary, 0) if not re.search(term_pattern(term), text)]
    assert not missing


def test_both_glossaries_pair_the_same_terms():
    spanish = dict(zip(glossary_terms(ROOT / "book" / "es" / "glosario.md", 0),
                       glossary_terms(ROOT / "book" / "es" / "glosario.md", 1)))
    english = dict(zip(glossary_terms(ROOT / "book" / "en" / "glossary.md", 1),
                       glossary_terms(ROOT / "book" / "en" / "glossary.md", 0)))
    assert spanish == english
