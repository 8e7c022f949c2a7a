"""The references page's entries, written in the edition's language.

pybtex's ``plain`` style, with which sphinxcontrib-bibtex writes the entries
of a ``{bibliography}``, words them in English: "Martín Abadi and others",
"In Proceedings…", "volume 3", "October 2018".  :class:`EntryStyle` (English)
and :class:`SpanishEntryStyle` follow that style, entry type by entry type,
but take every word they add from :data:`WORDS`.  ``author_year.py``
registers them as the formatting styles ``author_year_en`` and
``author_year_es`` (``bibtex_default_style``), whose labels are the
citations' text ("[Kingma y Ba, 2015]"); the reader notebooks' works-cited
lists (``tools/reader_notebooks.py``) are these very entries, in Markdown.

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

from pybtex.richtext import HRef, Protected, String, Symbol, Tag, Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import dashify
from pybtex.style.template import (
    FieldIsMissing,
    field,
    first_of,
    href,
    join,
    node,
    optional,
    optional_field,
    sentence,
    tag,
    together,
    words,
)

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
                    f"add it to WORDS[...][{table!r}] in {__name__}.py",
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
    return Text(data["style"].edition_words(entry))


class EntryStyle(PlainStyle):
    """pybtex's plain style, in English, with every word from :data:`WORDS`."""

    language = "en"
    default_label_style = "author_year_en"

    @property
    def words(self):
        return WORDS[self.language]

    # Words and the parts that hold them

    def format_names(self, role, as_sentence=True):
        names = people(
            role=role,
            sep=", ",
            sep2=self.words["and"],
            last_sep=self.words["last_and"],
        )
        return sentence[names] if as_sentence else names

    def format_editor(self, e, as_sentence=True):
        editors = self.format_names("editor", as_sentence=False)
        if "editor" not in e.persons:
            return editors  # formatting it raises FieldIsMissing
        several = len(e.persons["editor"]) > 1
        result = join[editors, self.words["editors" if several else "editor"]]
        return sentence[result] if as_sentence else result

    def date(self, undated=False):
        return date(words=self.words, undated=undated)

    def format_pages(self):
        return page_range(words=self.words)

    def format_volume_number_pages(self):
        """An article's "86(11):2278–2324" (or its pages alone)."""
        return first_of[
            optional[
                join[
                    field("volume"),
                    optional["(", field("number"), ")"],
                    ":",
                    field("pages", apply_func=dashify),
                ]
            ],
            self.format_pages(),
        ]

    def format_volume_and_series(self, e, as_sentence=True):
        w = self.words
        volume_and_series = optional[
            words[
                together[w["volume"], field("volume")],
                optional[words[w["of_series"], field("series")]],
            ]
        ]
        number_and_series = optional[
            words[
                join(sep=Symbol("nbsp"))[w["number"], field("number")],
                optional[words[w["in_series"], field("series")]],
            ]
        ]
        result = first_of[
            volume_and_series, number_and_series, optional_field("series")
        ]
        return sentence(capfirst=True)[result] if as_sentence else result

    def format_chapter_and_pages(self, e):
        return join(sep=", ")[
            optional[together[self.words["chapter"], field("chapter")]],
            optional[self.format_pages()],
        ]

    def edition_words(self, e):
        """The edition, "2nd edition" for ``edition = {2}``, or "second
        edition" for ``{Second}`` as pybtex writes it."""
        value = e.fields["edition"].strip()
        if not value.isdigit():
            return f"{value.lower()} edition"
        number = int(value)
        suffix = "th"
        if number % 100 not in (11, 12, 13):
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix} edition"

    def format_edition(self, e):
        return optional[edition]

    def format_address_organization_publisher_date(
        self, e, include_organization=True
    ):
        organization = (
            optional_field("organization") if include_organization else None
        )
        return first_of[
            optional[
                join(sep=" ")[
                    sentence[field("address"), self.date()],
                    sentence[organization, optional_field("publisher")],
                ]
            ],
            sentence[organization, optional_field("publisher"), self.date()],
        ]

    def format_code(self, e):
        url = field("code", raw=True)
        return words[self.words["code"], href(url)[url]]

    def format_web_refs(self, e):
        return sentence[
            optional[
                self.format_url(e),
                optional[
                    " (", self.words["visited"], " ", field("urldate"), ")"
                ],
            ],
            optional[self.format_eprint(e)],
            optional[self.format_pubmed(e)],
            optional[self.format_doi(e)],
        ]

    def tail(self, e, note=True, with_kind=True):
        """What ends every entry: its kind, note, code and addresses."""
        parts = (
            [optional[sentence[kind(words=self.words)]]] if with_kind else []
        )
        if note:
            parts.append(sentence[text_field("note")])
        return [
            *parts,
            optional[sentence[self.format_code(e)]],
            self.format_web_refs(e),
        ]

    # The entry types, as pybtex's unsrt style lays them out

    def get_article_template(self, e):
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[
                tag("em")[field("journal")],
                optional[self.format_volume_number_pages()],
                self.date(),
            ],
            *self.tail(e),
        ]

    def get_book_template(self, e):
        return toplevel[
            self.format_author_or_editor(e),
            self.format_btitle(e, "title"),
            self.format_volume_and_series(e),
            sentence[
                field("publisher"),
                optional_field("address"),
                self.format_edition(e),
                self.date(),
            ],
            optional[sentence[self.format_isbn(e)]],
            *self.tail(e),
        ]

    def get_booklet_template(self, e):
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[
                text_field("howpublished"),
                optional_field("address"),
                self.date(undated=True),
            ],
            *self.tail(e),
        ]

    def get_inbook_template(self, e):
        return toplevel[
            self.format_author_or_editor(e),
            sentence[
                self.format_btitle(e, "title", as_sentence=False),
                self.format_chapter_and_pages(e),
            ],
            self.format_volume_and_series(e),
            sentence[
                field("publisher"),
                optional_field("address"),
                self.format_edition(e),
                self.date(),
            ],
            *self.tail(e),
        ]

    def get_incollection_template(self, e):
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            words[
                self.words["in"],
                sentence[
                    optional[self.format_editor(e, as_sentence=False)],
                    self.format_btitle(e, "booktitle", as_sentence=False),
                    self.format_volume_and_series(e, as_sentence=False),
                    self.format_chapter_and_pages(e),
                ],
            ],
            sentence[
                optional_field("publisher"),
                optional_field("address"),
                self.format_edition(e),
                self.date(),
            ],
            *self.tail(e),
        ]

    def get_inproceedings_template(self, e):
        """As BibTeX's plain.bst: "In *Proceedings*, volume 3, pages 1–9,
        2021." when no address, organization or publisher follows."""
        proceedings = [
            optional[self.format_editor(e, as_sentence=False)],
            self.format_btitle(e, "booktitle", as_sentence=False),
            self.format_volume_and_series(e, as_sentence=False),
            optional[self.format_pages()],
        ]
        if {"address", "organization", "publisher"} & set(e.fields.keys()):
            where = [
                sentence[proceedings],
                self.format_address_organization_publisher_date(e),
            ]
        else:
            where = [sentence[[*proceedings, self.date()]]]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            words[[self.words["in"], *where]],
            *self.tail(e),
        ]

    def get_manual_template(self, e):
        return toplevel[
            optional[self.format_names("author")],
            self.format_btitle(e, "title"),
            sentence[
                optional_field("organization"),
                optional_field("address"),
                self.format_edition(e),
                self.date(undated=True),
            ],
            *self.tail(e),
        ]

    def thesis(self, e, kind_of_thesis, title):
        return toplevel[
            self.format_names("author"),
            title,
            sentence[
                first_of[optional_field("type"), kind_of_thesis],
                field("school"),
                optional_field("address"),
                self.date(),
            ],
            *self.tail(e),
        ]

    def get_mastersthesis_template(self, e):
        return self.thesis(
            e, self.words["masters_thesis"], self.format_title(e, "title")
        )

    def get_phdthesis_template(self, e):
        return self.thesis(
            e, self.words["phd_thesis"], self.format_btitle(e, "title")
        )

    def get_misc_template(self, e):
        return toplevel[
            optional[self.format_names("author")],
            optional[self.format_title(e, "title")],
            sentence[
                optional[kind(words=self.words)],
                text_field("howpublished"),
                self.date(undated=True),
            ],
            *self.tail(e, with_kind=False),
        ]

    def get_proceedings_template(self, e):
        if "editor" in e.persons:
            main_part = [
                self.format_editor(e),
                sentence[
                    self.format_btitle(e, "title", as_sentence=False),
                    self.format_volume_and_series(e, as_sentence=False),
                    self.format_address_organization_publisher_date(e),
                ],
            ]
        else:
            main_part = [
                optional[sentence[field("organization")]],
                sentence[
                    self.format_btitle(e, "title", as_sentence=False),
                    self.format_volume_and_series(e, as_sentence=False),
                    self.format_address_organization_publisher_date(
                        e, include_organization=False
                    ),
                ],
            ]
        return toplevel[[*main_part, *self.tail(e)]]

    def get_techreport_template(self, e):
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[
                words[
                    first_of[
                        optional_field("type"),
                        self.words["technical_report"],
                    ],
                    optional_field("number"),
                ],
                field("institution"),
                optional_field("address"),
                self.date(),
            ],
            *self.tail(e),
        ]

    def get_unpublished_template(self, e):
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[
                field("note", apply_func=with_links), self.date(undated=True)
            ],
            *self.tail(e, note=False),
        ]


class SpanishEntryStyle(EntryStyle):
    """The entries in Spanish: "vol. 86, núm. 11, págs. 2278–2324"."""

    language = "es"
    default_label_style = "author_year_es"

    def format_volume_number_pages(self):
        w = self.words
        return join(sep=", ")[
            optional[together[w["volume"], field("volume")]],
            optional[together[w["number"], field("number")]],
            optional[self.format_pages()],
        ]

    def edition_words(self, e):
        """The edition, "2.ª ed." for ``edition = {2}``."""
        value = e.fields["edition"].strip()
        if not value.isdigit():
            raise unworded(e, "edition", value, "write the edition's number")
        return f"{int(value)}.ª ed."


ENTRY_STYLES = {"es": SpanishEntryStyle, "en": EntryStyle}
