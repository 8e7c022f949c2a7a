"""Sphinx extension: author-year citations in the edition's language.

sphinxcontrib-bibtex's own ``author_year`` style writes English words ("and",
"n.d."), square brackets, and "Chollet and others" for a BibTeX ``and
others``.  This extension registers, for each edition, a reference style for
``{cite:p}`` and ``{cite:t}`` ("(Chollet et al., 2015)", "(Kingma y Ba,
2015)") and a bibliography style whose labels are that same text, so the
references page lists "[Kingma y Ba, 2015]" where it listed "[KB15]":
``author_year_es`` and ``author_year_en`` (``bibtex_reference_style`` and
``bibtex_default_style`` in ``_config.yml`` and ``book/en/_config.yml``).  The
entries themselves are written in the edition's language by
``entry_style.py``, whose words (:data:`entry_words.WORDS`) the citations
share.

:func:`author_year` formats one citation, and :func:`entry_text` one entry,
with these very objects: the reader notebooks
(:mod:`booktools.notebooks.citations`) use them, so a citation and a work
cited read the same in the book and in a notebook.
"""

import functools
import string
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.plugin
from pybtex.backends.plaintext import Backend as PlainText
from pybtex.database import parse_file
from pybtex.richtext import Text
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import field as bib_field
from pybtex.style.template import first_of, optional, tag
from sphinxcontrib.bibtex import plugin as bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import (
    BracketStyle,
    GroupReferenceStyle,
    PersonStyle,
)
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import (
    ExtraAuthorReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_empty import (
    ExtraEmptyReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_label import (
    ExtraLabelReferenceStyle,
)
from sphinxcontrib.bibtex.style.template import (
    join,
    join2,
    node,
    post_text,
    pre_text,
    reference,
)

from booktools.extensions.entry_style import ENTRY_STYLES
from booktools.extensions.entry_words import ET_AL, WORDS

PLAIN = PlainText()
# "1998a", "1998b": the letter that tells apart works whose citations would
# read the same, by entry key (set_bibliography fills it)
YEAR_SUFFIXES = {}


@node
def year_or(children, data, missing):
    """The entry's year, or the edition's word for "no date"."""
    assert not children
    suffix = YEAR_SUFFIXES.get(data["entry"].key, "")
    return first_of[
        optional[join[bib_field("year"), suffix]], missing
    ].format_data(data)


@node
def persons(children, data, role, sep, sep2, last_sep, shorten):
    """Family names; "et al." after the first for three or more (unless
    ``shorten`` is false) and always for BibTeX's ``and others``."""
    assert not children
    people = list(data["entry"].persons[role])  # KeyError: no such role
    others = len(people) > 1 and str(people[-1]) == "others"
    if others:
        people = people[:-1]
    style = data["style"].person
    names = [
        style.style_plugin.format(person, style.abbreviate)
        for person in people
    ]
    if others or (shorten and len(names) > 2):
        return Text(names[0].format_data(data), ET_AL)
    return join(sep=sep, sep2=sep2, last_sep=last_sep)[names].format_data(data)


@dataclass
class LanguagePersonStyle(PersonStyle):
    def names(self, role, full):
        return persons(
            role=role,
            sep=self.sep,
            sep2=self.sep2,
            last_sep=self.last_sep,
            shorten=not full,
        )

    def author_or_editor_or_title(self, full):
        return first_of[
            optional[self.names("author", full)],
            optional[self.names("editor", full)],
            tag("em")[bib_field("title")],
        ]


@dataclass
class Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    no_year: str = "n.d."

    def inner(self, role_name):
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[
                join(sep=self.author_year_sep)[
                    self.person.author_or_editor_or_title(
                        full="s" in role_name
                    ),
                    year_or(missing=self.no_year),
                ]
            ],
            post_text,
        ]


@dataclass
class Textual(BasicAuthorYearTextualReferenceStyle):
    no_year: str = "n.d."

    def inner(self, role_name):
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                    pre_text,
                    reference[year_or(missing=self.no_year)],
                    post_text,
                ],
                self.bracket.right,
            ],
        ]


def person_style(language):
    words = WORDS[language]
    return LanguagePersonStyle(sep2=words["and"], last_sep=words["last_and"])


@dataclass
class AuthorYear(GroupReferenceStyle):
    """(Author, year) and Author (year), in one edition's language."""

    language: str = "en"
    person: PersonStyle = field(init=False)

    def __post_init__(self):
        words = WORDS[self.language]
        self.person = person_style(self.language)
        brackets = BracketStyle(left="(", right=")", sep="; ")
        textual = BracketStyle(left="(", right=")")
        self.styles.extend(
            [
                Parenthetical(
                    bracket=brackets,
                    person=self.person,
                    no_year=words["no_year"],
                ),
                Textual(
                    bracket=textual,
                    person=self.person,
                    no_year=words["no_year"],
                ),
                ExtraAuthorReferenceStyle(
                    bracket=brackets, person=self.person
                ),
                ExtraLabelReferenceStyle(bracket=brackets),
                ExtraEmptyReferenceStyle(),
            ]
        )
        super().__post_init__()


@dataclass
class SpanishAuthorYear(AuthorYear):
    language: str = "es"


@dataclass
class EnglishAuthorYear(AuthorYear):
    language: str = "en"


REFERENCE_STYLES = {"es": SpanishAuthorYear, "en": EnglishAuthorYear}


@functools.cache
def reference_style(language):
    """One edition's style (pybtex looks its name style up: slow, so once)."""
    return REFERENCE_STYLES[language]()


def citation_parts(entry, language):
    """The names and the year of an entry, as its citations write them.

    Rich text: ``.render(PLAIN)`` gives "Chollet et al." and "2015".
    """
    style = reference_style(language)
    data = {"entry": entry, "style": style}
    names = style.person.author_or_editor_or_title(full=False)
    year = year_or(missing=WORDS[language]["no_year"])
    return Text(names.format_data(data)), Text(year.format_data(data))


def author_year(entry, language):
    """One entry as a citation reads: "Chollet et al., 2015" (rich text)."""
    names, year = citation_parts(entry, language)
    return Text(names, ", ", year)


def label_style(language):
    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = []
            for entry in sorted_entries:
                label = author_year(entry, language).render(PLAIN)
                if label in labels:
                    raise ValueError(
                        f"two works cite as {label!r}: tell them apart "
                        "(a year suffix) in book/references.bib"
                    )
                labels.append(label)
                yield label

    return AuthorYearLabels


def set_bibliography(entries):
    """Give a year letter to works whose citations would read the same
    ("LeCun et al., 1998a" and "1998b"), in the order of their titles."""
    YEAR_SUFFIXES.clear()
    same = {}
    for entry in entries.values():
        same.setdefault(author_year(entry, "en").render(PLAIN), []).append(
            entry
        )
    for group in same.values():
        if len(group) > 1:
            if any("year" not in entry.fields for entry in group):
                keys = [entry.key for entry in group]
                raise ValueError(f"undated works that cite alike: {keys}")
            group.sort(key=lambda entry: entry.fields.get("title", ""))
            for letter, entry in zip(
                string.ascii_lowercase, group, strict=False
            ):
                YEAR_SUFFIXES[entry.key] = letter


def read_bibliography(app):
    entries = {}
    for bibfile in app.config.bibtex_bibfiles:
        entries.update(parse_file(Path(app.confdir) / bibfile).entries)
    set_bibliography(entries)


@functools.cache
def entry_style(language):
    """One edition's formatting style (its label style must be known)."""
    register_styles()
    return ENTRY_STYLES[language]()


def entry_text(entry, language):
    """One entry as the references page writes it (rich text), without its
    label: "Diederik P. Kingma y Jimmy Ba. Adam: a method…"."""
    return entry_style(language).format_entry("", entry).text


def register_styles():
    """Make both editions' styles known to pybtex and sphinxcontrib-bibtex."""
    for language, style in REFERENCE_STYLES.items():
        name = f"author_year_{language}"
        for group, plugin in (
            ("pybtex.style.labels", label_style(language)),
            ("pybtex.style.formatting", ENTRY_STYLES[language]),
        ):
            pybtex.plugin.register_plugin(group, name, plugin, force=True)
        bibtex_plugin.register_plugin(
            "sphinxcontrib.bibtex.style.referencing", name, style, force=True
        )


def setup(app):
    register_styles()
    app.connect("builder-inited", read_bibliography)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
