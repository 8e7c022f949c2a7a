"""The references page's entries, written in the edition's language.

pybtex's ``plain`` style, with which sphinxcontrib-bibtex writes the entries
of a ``{bibliography}``, words them in English: "Martín Abadi and others",
"In Proceedings…", "volume 3", "October 2018".  :class:`EntryStyle` (English)
and :class:`SpanishEntryStyle` follow that style, entry type by entry type,
but take every word they add, and the parts that hold words (names, dates,
pages, the kind of work, the edition), from ``entry_words.py``, which also
says which fields of ``book/references.bib`` they word.  ``author_year.py``
registers them as the formatting styles ``author_year_en`` and
``author_year_es`` (``bibtex_default_style``), whose labels are the
citations' text ("[Kingma y Ba, 2015]"); the reader notebooks' works-cited
lists (:mod:`booktools.notebooks.citations`) are these very entries, in
Markdown.
"""

from pybtex.richtext import Symbol
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import dashify
from pybtex.style.template import (
    field,
    first_of,
    href,
    join,
    optional,
    optional_field,
    sentence,
    tag,
    together,
    words,
)

from booktools.extensions.entry_words import (
    WORDS,
    date,
    edition,
    kind,
    page_range,
    people,
    text_field,
    with_links,
)


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


ENTRY_STYLES = {"es": SpanishEntryStyle, "en": EntryStyle}
