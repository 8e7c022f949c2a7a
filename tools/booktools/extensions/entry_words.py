"""The words the references page's entries add to the .bib's data, in each
edition's language, and the parts of an entry that hold them.

:data:`WORDS` holds every word the entries (``entry_style.py``) and the
citations (``author_year.py``) add: "y" / "and", "En" / "In", "vol." /
"volume", the months, "s. f." / "n.d.".  The template nodes below word the
names, the date, the pages, the kind of work and the edition with them.

``book/references.bib`` holds data, not one language's prose.  Besides
BibTeX's own fields, the styles word these:

- ``entrysubtype``: the kind of work, a key of ``WORDS[...]["kinds"]``
  (``blogpost``: "Blog post" / "Entrada de blog");
- ``language``: the language the work is written in, a key of
  ``WORDS[...]["languages"]`` (``spanish``: "in Spanish" / "en español");
- ``code``: the address of the work's code ("Code: …" / "Código: …").

A month is a BibTeX month macro (``oct``) or a number, an edition a number,
and a work without a year reads "n.d." / "s. f.", as its citations do.  A
value a style cannot word stops the build with the entry's key.
"""

from pathlib import Path

from pybtex.richtext import HRef, Protected, String, Tag, Text
from pybtex.style.formatting.unsrt import dashify
from pybtex.style.template import (
    FieldIsMissing,
    field,
    join,
    node,
    optional,
    together,
)

from booktools import ROOT

# This file, as the errors name it
HERE = Path(__file__).resolve().relative_to(ROOT).as_posix()
# Every word the entries and the citations add to the .bib's data
WORDS = {
    "es": {
        "and": " y ",
        "last_and": " y ",
        "no_year": "s. f.",
        "in": "En",
        "editor": " (ed.)",
        "editors": " (eds.)",
        "volume": "vol.",
        "number": "núm.",
        "of_series": "de",
        "in_series": "de",
        "chapter": "cap.",
        "page": "pág.",
        "pages": "págs.",
        "masters_thesis": "Tesis de máster",
        "phd_thesis": "Tesis doctoral",
        "technical_report": "Informe técnico",
        "visited": "consultado el",
        "code": "Código:",
        "month_year": " de ",
        "months": (
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
        "kinds": {"blogpost": "Entrada de blog"},
        "languages": {"spanish": "en español", "english": "en inglés"},
    },
    "en": {
        "and": " and ",
        "last_and": ", and ",
        "no_year": "n.d.",
        "in": "In",
        "editor": ", editor",
        "editors": ", editors",
        "volume": "volume",
        "number": "number",
        "of_series": "of",
        "in_series": "in",
        "chapter": "chapter",
        "page": "page",
        "pages": "pages",
        "masters_thesis": "Master's thesis",
        "phd_thesis": "PhD thesis",
        "technical_report": "Technical Report",
        "visited": "visited on",
        "code": "Code:",
        "month_year": " ",
        "months": (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        "kinds": {"blogpost": "Blog post"},
        "languages": {"spanish": "in Spanish", "english": "in English"},
    },
}
# BibTeX's "and others", in the entries as in the citations
ET_AL = Text(" ", Tag("em", "et al."))
# What pybtex makes of the month macros (oct -> "October"), and their
# abbreviations
MONTHS = [month.lower() for month in WORDS["en"]["months"]]


def with_links(text):
    """A field's ``\\url{…}`` as a link to that address, in every backend
    (pybtex reads it as the text "\\url " before the protected address)."""
    parts = []
    for part in text.parts:
        previous = parts[-1] if parts else None
        if (
            isinstance(part, Protected)
            and isinstance(previous, String)
            and previous.value.endswith("\\url ")
        ):
            url = str(part)
            parts[-1] = String(previous.value.removesuffix("\\url "))
            part = HRef(url, url)
        parts.append(part)
    return Text(*parts)


def text_field(name):
    """An optional field whose text may hold ``\\url{…}`` (a note)."""
    return optional[field(name, apply_func=with_links)]


def unworded(entry, name, value, how):
    return ValueError(
        f"book/references.bib, {entry.key}: {name} = {{{value}}}: {how}"
    )


@node
def people(children, data, role, sep, sep2, last_sep):
    """The names of the role's persons; a BibTeX ``and others`` is "et al."."""
    assert not children
    entry = data["entry"]
    if role not in entry.persons:
        raise FieldIsMissing(role, entry)
    persons = list(entry.persons[role])
    others = len(persons) > 1 and str(persons[-1]) == "others"
    if others:
        persons = persons[:-1]
    style = data["style"]
    names = [
        style.format_name(person, style.abbreviate_names) for person in persons
    ]
    if others:  # "Ana Xu, Bo Ng et al.": no "and" before the last named
        return Text(join(sep=sep)[names].format_data(data), ET_AL)
    return join(sep=sep, sep2=sep2, last_sep=last_sep)[names].format_data(data)


def month_index(entry):
    value = entry.fields["month"].strip()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value) - 1
    for index, name in enumerate(MONTHS):
        if value.lower() in (name, name[:3]):
            return index
    raise unworded(entry, "month", value, "write a month macro (oct) or 1-12")


@node
def date(children, data, words, undated):
    """The date, "October 2018" / "octubre de 2018"; with ``undated``, a
    missing year reads "n.d." / "s. f."."""
    assert not children
    entry = data["entry"]
    if "year" not in entry.fields:
        if undated:
            return Text(words["no_year"])
        raise FieldIsMissing("year", entry)
    year = field("year").format_data(data)
    if "month" not in entry.fields:
        return year
    return Text(words["months"][month_index(entry)], words["month_year"], year)


@node
def page_range(children, data, words):
    """The pages, "pages 5–48" or "page 12" ("págs.", "pág.")."""
    assert not children
    pages = field("pages", apply_func=dashify).format_data(data)
    ranges = any(mark in data["entry"].fields["pages"] for mark in "-,")
    return together[words["pages" if ranges else "page"], pages].format_data(
        data
    )


@node
def kind(children, data, words):
    """The kind of work and its language: "Blog post (in Spanish)"."""
    assert not children
    entry = data["entry"]
    parts = []
    for name, table in (("entrysubtype", "kinds"), ("language", "languages")):
        if name in entry.fields:
            value = entry.fields[name]
            if value not in words[table]:
                raise unworded(
                    entry,
                    name,
                    value,
                    f"add it to WORDS[...][{table!r}] in {HERE}",
                )
            parts.append(words[table][value])
    if not parts:
        raise FieldIsMissing("entrysubtype", entry)
    if len(parts) == 2:
        return Text(parts[0], " (", parts[1], ")")
    return Text(parts[0]).capfirst()


@node
def edition(children, data):
    assert not children
    entry = data["entry"]
    if "edition" not in entry.fields:
        raise FieldIsMissing("edition", entry)
    return Text(edition_words(entry, data["style"].language))


def edition_words(entry, language):
    """The edition: "2nd edition" for ``edition = {2}`` (or "second edition"
    for ``{Second}``, as pybtex writes it); "2.ª ed." in Spanish."""
    value = entry.fields["edition"].strip()
    if language == "es":
        if not value.isdigit():
            raise unworded(
                entry, "edition", value, "write the edition's number"
            )
        return f"{int(value)}.ª ed."
    if not value.isdigit():
        return f"{value.lower()} edition"
    number = int(value)
    suffix = "th"
    if number % 100 not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix} edition"
