"""The two editions are one book: same chapters, same code, same results.

Spanish is the source; each English page is the twin of the Spanish page at
the same position in its table of contents (`book_editions` in _config.yml).
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from booktools.editions import editions
from conftest import (
    IDENTIFIERS,
    ROOT,
    code_cells,
    glued_values,
    read_notebook,
    tags,
    toc_documents,
)

DOCUMENTS = {
    language: toc_documents(ROOT / toc) for language, toc in editions().items()
}
PAIRS = list(zip(DOCUMENTS["es"], DOCUMENTS["en"], strict=True))
NOTEBOOK_PAIRS = [
    (ROOT / f"{es}.ipynb", ROOT / f"{en}.ipynb")
    for es, en in PAIRS
    if (ROOT / f"{es}.ipynb").exists()
]
twins = pytest.mark.parametrize(
    "es, en", NOTEBOOK_PAIRS, ids=[es.stem for es, _ in NOTEBOOK_PAIRS]
)


def source(cell):
    return "".join(cell["source"])


def is_prose(string_token):
    """A string literal that is text for the reader (a title, a label, a message)."""
    text = re.sub(
        r"^[rbfuRBFU]*('\'\'|\"\"\"|'|\")|('\'\'|\"\"\"|'|\")$",
        "",
        string_token,
    )
    return bool(re.search(r"\s|[^\x00-\x7f]", text)) or text[:1].isupper()


# A string literal holding only a whole number, with or without the
# thousands separator of either edition (comma, or U+202F thin space).
NUMBER_TEXT = re.compile(r"(['\"])\d{1,3}(?:[,\u202f]?\d{3})*\1")

# A string right after these tokens names something of the book's own (a
# value glued for the text, a layer or model, a file), so it is renamed
# like a Python name.
NAMING_CONTEXTS = (("glue", "("), ("name", "="), ("Path", "("))
LAYOUT = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def code_tokens(code):
    """What must be the same in both editions, token by token.

    Returns ``(kind, text)`` pairs: ``name`` for Python names, ``label`` for
    a naming string (NAMING_CONTEXTS), ``prose`` (with no text) for text a
    reader reads, and the tokens of every f-string field, so that the names
    inside an f-string are compared too.  Comments and layout are left out,
    and so is a trailing comma, which the formatter adds or drops with the
    length of the line.
    """
    tokens = [
        token
        for token in tokenize.generate_tokens(io.StringIO(code).readline)
        if token.type not in LAYOUT
    ]
    found = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1].string if index + 1 < len(tokens) else ""
        context = tuple(t.string for t in tokens[max(0, index - 2) : index])
        if token.string == "," and following in ")]}":
            continue
        if token.type == tokenize.NAME:
            found.append(("name", token.string))
        elif token.type != tokenize.STRING:
            found.append(("op", token.string))
        elif context in NAMING_CONTEXTS:
            found.append(("label", ast.literal_eval(token.string)))
        elif NUMBER_TEXT.fullmatch(token.string):
            # A number written for the reader follows the edition's rule
            # (1764, 1,764, 14 436): the twins must give the same value.
            found.append(("number", re.sub(r"\D", "", token.string)))
        elif is_prose(token.string):
            found.append(("prose", ""))
            found += fstring_fields(token.string)
        else:
            # An f-string's text without its fields, then the fields.
            fields = fstring_fields(token.string)
            text = token.string
            if fields:
                text = re.sub(r"\{[^{}]*\}", "{}", text)
            found += [("string", text), *fields]
    return found


def fstring_fields(string_token):
    """The tokens of the expressions and format specs in an f-string."""
    node = ast.parse(string_token, mode="eval").body
    if not isinstance(node, ast.JoinedStr):
        return []
    found = []
    for field in node.values:
        if isinstance(field, ast.FormattedValue):
            found += code_tokens(ast.unparse(field.value))
            if field.format_spec is not None:
                found.append(("spec", ast.unparse(field.format_spec)))
    return found


def in_english(tokens):
    """Spanish code tokens with every name and naming string translated."""
    translated = []
    for kind, text in tokens:
        if kind == "name":
            text = IDENTIFIERS.get(text, text)
        elif kind == "label":
            text = WORD.sub(
                lambda word: IDENTIFIERS.get(word[0], word[0]), text
            )
        translated.append((kind, text))
    return translated


def names_defined(code):
    """The names a cell defines, and the names it gives with a string."""
    tokens = code_tokens(code)
    defined = {text for kind, text in tokens if kind == "label"}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
    # A file name counts by its stem: modelo.keras names `modelo`.
    return {name.split(".")[0] for name in defined}


def results(cell):
    """What a cell's stored outputs say, less the words: numbers and booleans."""
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return re.findall(
        r"-?\d+(?:\.\d+)?(?:e-?\d+)?|True|False", " ".join(texts)
    )


def test_both_tables_of_contents_have_the_same_pages():
    assert len(DOCUMENTS["es"]) == len(DOCUMENTS["en"])
    for es, en in PAIRS:
        assert (Path(es).parent.name, Path(en).parent.name) == ("es", "en"), (
            es,
            en,
        )
        assert (
            Path(es).name[:3] == Path(en).name[:3]
            or not Path(es).name[:2].isdigit()
        ), (es, en)


def test_every_chapter_has_an_english_twin():
    spanish = sorted((ROOT / "notebooks" / "es").glob("*.ipynb"))
    english = sorted((ROOT / "notebooks" / "en").glob("*.ipynb"))
    assert spanish and sorted(es for es, _ in NOTEBOOK_PAIRS) == spanish
    assert sorted(en for _, en in NOTEBOOK_PAIRS) == english


@twins
def test_twins_have_the_same_cells_by_type_and_tags(es, en):
    spanish, english = read_notebook(es)["cells"], read_notebook(en)["cells"]
    assert [(c["cell_type"], tags(c)) for c in spanish] == [
        (c["cell_type"], tags(c)) for c in english
    ]


def twin_code_cells(es, en):
    return zip(
        code_cells(read_notebook(es)),
        code_cells(read_notebook(en)),
        strict=True,
    )


@twins
def test_twins_have_the_same_code_in_each_language(es, en):
    """The Spanish code with its names translated (tests/identifiers.yml) is
    the English code, but for comments and the text a reader reads."""
    for spanish, english in twin_code_cells(es, en):
        translated = in_english(code_tokens(source(spanish)))
        assert translated == code_tokens(source(english)), source(english)


@twins
def test_every_name_a_chapter_defines_is_in_the_mapping(es, en):
    """A new name is translated on purpose, never left in Spanish."""
    spanish, english = set(), set()
    for cell_es, cell_en in twin_code_cells(es, en):
        spanish |= names_defined(source(cell_es))
        english |= names_defined(source(cell_en))
    assert spanish - IDENTIFIERS.keys() == set(), "add them to identifiers.yml"
    assert english - set(IDENTIFIERS.values()) == set()
    # Two Spanish names never become one English name.
    assert len({IDENTIFIERS[name] for name in spanish}) == len(spanish)


@twins
def test_english_prose_quotes_the_english_names(es, en):
    """Code quoted in the English text (`...`) and the values it cites from
    the run ({glue:text}`...`) use the names of the English code."""
    spanish_only = {k for k, v in IDENTIFIERS.items() if k != v}
    glued = glued_values(read_notebook(en))
    for cell in read_notebook(en)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for role, quoted in re.findall(
            r"(\{[\w:]+\})?`([^`]+)`", source(cell)
        ):
            if role.startswith("{cite"):
                continue
            assert not spanish_only & set(WORD.findall(quoted)), quoted
            if role.startswith("{glue"):
                key = quoted.rsplit(":", 1)[0] if ":" in quoted else quoted
                values = glued
                if "::" in key:  # a value glued in another notebook
                    other, key = key.split("::", 1)
                    values = glued_values(read_notebook(en.parent / other))
                assert key in values, quoted


@twins
def test_twins_store_the_same_results(es, en):
    spanish, english = read_notebook(es), read_notebook(en)
    for cell_es, cell_en in twin_code_cells(es, en):
        exempt = {"nbval-ignore-output", "nbval-skip"} & set(tags(cell_es))
        if not exempt:
            assert results(cell_es) == results(cell_en), source(cell_en)
    # Training results are deterministic on one machine: the same to the
    # last digit, under the English names.  Timings aside.
    timings = {
        "segundos_entrenamiento",
        "segundos_por_epoca",
        "segundos_capitulo_1",
    }
    glued_es = {
        IDENTIFIERS[name]: value
        for name, value in glued_values(spanish).items()
        if name not in timings
    }
    glued_en = glued_values(english)
    for name in timings:
        glued_en.pop(IDENTIFIERS[name], None)
    assert glued_es and glued_es == glued_en


def glossary_terms(page, column):
    """The terms in one column of a glossary table, without markup or notes in brackets."""
    rows = [
        line
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ")
    ]
    terms = [row.split("|")[column + 1].strip() for row in rows[2:]]
    return [re.sub(r"\s*\(.*\)|\*", "", term).strip() for term in terms]


def edition_text(language):
    """All the prose of an edition's chapters and pages, except the glossary itself."""
    texts = []
    for document in DOCUMENTS[language]:
        path = ROOT / f"{document}.ipynb"
        if path.exists():
            texts += [
                source(cell)
                for cell in read_notebook(path)["cells"]
                if cell["cell_type"] == "markdown"
            ]
        elif "gloss" not in document and "glosario" not in document:
            texts.append((ROOT / f"{document}.md").read_text(encoding="utf-8"))
    return re.sub(r"[*_`]", "", "\n".join(texts)).lower()


def term_pattern(term):
    # Each word may take a plural ending: "curva de aprendizaje" finds "curvas de aprendizaje".
    return (
        r"\b"
        + r"\s+".join(
            re.escape(word) + r"(?:s|es)?" for word in term.lower().split()
        )
        + r"\b"
    )


@pytest.mark.parametrize(
    "language, glossary",
    [
        ("es", ROOT / "book" / "es" / "glosario.md"),
        ("en", ROOT / "book" / "en" / "glossary.md"),
    ],
)
def test_the_edition_uses_every_term_of_its_glossary(language, glossary):
    """Each edition's own terms are the first column of its glossary."""
    text = edition_text(language)
    missing = [
        term
        for term in glossary_terms(glossary, 0)
        if not re.search(term_pattern(term), text)
    ]
    assert not missing


def test_both_glossaries_pair_the_same_terms():
    spanish = dict(
        zip(
            glossary_terms(ROOT / "book" / "es" / "glosario.md", 0),
            glossary_terms(ROOT / "book" / "es" / "glosario.md", 1),
            strict=True,
        )
    )
    english = dict(
        zip(
            glossary_terms(ROOT / "book" / "en" / "glossary.md", 1),
            glossary_terms(ROOT / "book" / "en" / "glossary.md", 0),
            strict=True,
        )
    )
    assert spanish == english


# The number rule of each edition (README, "Números").  Spanish, as the RAE
# recommends: decimal point, digits grouped by a thin no-break space (U+202F,
# or `\,` in math) only from five digits, a no-break space before "%".
# English: decimal point, comma thousands from four digits, "%" attached.
# Code, its printed output and the years (1900-2099) are not numbers to group.
NUMBER_RULES = {
    "es": {
        "ungrouped from five digits": r"(?<![\d.])\d{5,}",
        "grouped with something other than a thin space": (
            r"(?<![\d.])\d{1,3}(?:(?:,| |\u2009|\u00a0)\d{3})+(?!\d)"
        ),
        "grouped below five digits": r"(?<![\d.\u202f,])\d(?:\u202f|\\,)\d{3}(?![\d\u202f]|\\,)",
        "decimal comma": r"\d,\d",
        "no no-break space before %": r"\d(?:| |\u202f)%",
    },
    "en": {
        "ungrouped from four digits": r"(?<![\d.,])(?!(?:19|20)\d\d(?!\d))\d{4,}",
        "grouped with a space": r"\d(?: |\u202f|\u2009|\u00a0|\\,)\d{3}(?!\d)",
        "space before %": r"\d\s+%",
    },
}
NOT_PROSE = re.compile(
    r"```.*?```"  # code blocks
    r"|\{[\w:-]+\}`[^`]*`"  # roles: {glue:text}`...`, {cite:p}`...`
    r"|`[^`]*`"  # code
    r"|https?://\S+"  # addresses
    r"|<!--.*?-->",
    re.DOTALL,
)


def number_problems(text, language):
    """The numbers in ``text`` written against ``language``'s rule."""
    return [
        (rule, match.group())
        for rule, pattern in NUMBER_RULES[language].items()
        for match in re.finditer(pattern, text)
    ]


def edition_prose(language):
    """Every Markdown cell and page of an edition, without code or roles."""
    for document in DOCUMENTS[language]:
        path = ROOT / f"{document}.ipynb"
        if path.exists():
            for cell in read_notebook(path)["cells"]:
                if cell["cell_type"] == "markdown":
                    yield document, NOT_PROSE.sub(" ", source(cell))
        else:
            text = (ROOT / f"{document}.md").read_text(encoding="utf-8")
            yield document, NOT_PROSE.sub(" ", text)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_prose_writes_numbers_by_the_edition_rule(language):
    problems = [
        (document, rule, number)
        for document, text in edition_prose(language)
        for rule, number in number_problems(text, language)
    ]
    assert not problems


# Accuracy is «exactitud» in Spanish; «precisión» and *precision* name
# another metric.  Each edition may name that other metric only to tell the
# two apart: in quotes, beside its English term, or in the glossary's row.
PRECISION = {
    "es": (
        re.compile(r"precisi[oó]n", re.IGNORECASE),
        re.compile(
            r"«precisión»|precisión \(\*precision\*\)|no es precisión"
            r"|\| precisión \| precision \|",
            re.IGNORECASE,
        ),
    ),
    "en": (
        re.compile(r"precision", re.IGNORECASE),
        re.compile(r"\*precision\*|\| precision \| precisión \|"),
    ),
}


def everything_written(language):
    """Every page, Markdown cell, code cell and figure caption of an edition."""
    for document in DOCUMENTS[language]:
        path = ROOT / f"{document}.ipynb"
        if not path.exists():
            yield (ROOT / f"{document}.md").read_text(encoding="utf-8")
            continue
        for cell in read_notebook(path)["cells"]:
            yield source(cell)
            yield str(cell.get("metadata", {}).get("mystnb", ""))


@pytest.mark.parametrize("language", ["es", "en"])
def test_accuracy_is_never_called_precision(language):
    word, allowed = PRECISION[language]
    stray = [
        text[max(0, match.start() - 40) : match.end() + 40]
        for text in everything_written(language)
        for match in word.finditer(allowed.sub("", text))
    ]
    assert not stray
