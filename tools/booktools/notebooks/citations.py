"""Citations in the reader notebooks, as the book writes them.

A ``{cite:p}`` reads "(Chollet et al., 2015)" and a ``{cite:t}`` "Chollet
et al. (2015)", in the edition's language, each linked to its entry on the
published references page; the chapter's References section ends with the
works it cites, each written as that page writes its entry.  The text comes
from the book's own Sphinx extension (:mod:`booktools.extensions.author_year`:
:func:`author_year` and :func:`citation_parts` for a citation, :func:`entry_text`
for an entry), rendered in Markdown instead of HTML.
"""

import functools
import re
from dataclasses import dataclass
from functools import cached_property

from docutils.nodes import make_id
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import parse_file

from booktools import ROOT
from booktools.editions import edition_of
from booktools.extensions.author_year import (
    author_year,
    citation_parts,
    entry_text,
    set_bibliography,
)
from booktools.notebooks.cells import markdown_cell, section
from booktools.notebooks.myst import MystError, escape_markdown
from booktools.notebooks.words import TEXT


class Markdown(MarkdownBackend):
    """pybtex's Markdown, escaping only what would start Markdown or math;
    a tie ("Rodenas~Perez") is a no-break space, a dash a dash and an entry
    one line, as in the book's HTML."""

    symbols = {
        **MarkdownBackend.symbols,
        "nbsp": "\u00a0",
        "ndash": "\u2013",
        "newblock": " ",
    }

    def format_str(self, str_):
        return escape_markdown(str_)


MARKDOWN = Markdown()


@dataclass
class Citations:
    """One edition's bibliography, and its citations in Markdown."""

    language: str

    @cached_property
    def edition(self):
        return edition_of(self.language)

    @cached_property
    def references_page(self):
        """The page that holds the {bibliography} directive."""
        pages = [
            name
            for name, path in self.edition.documents.items()
            if path.suffix == ".md"
            and re.search(
                r"^[`:]{3,}\{bibliography\}",
                path.read_text(encoding="utf-8"),
                re.MULTILINE,
            )
        ]
        if len(pages) != 1:
            raise MystError(
                f"the {self.language} edition must have one page with a "
                f"{{bibliography}} directive; it has {pages}"
            )
        return pages[0]

    @cached_property
    def bibliography(self):
        entries = {}
        for bibfile in self.edition.settings["bibtex_bibfiles"]:
            entries.update(parse_file(ROOT / bibfile).entries)
        set_bibliography(entries)
        return entries

    def anchor(self, key):
        """The id sphinxcontrib-bibtex gives the key's entry (bibtex_cite_id)."""
        template = self.edition.settings["sphinx"]["config"]["bibtex_cite_id"]
        return make_id(template.format(bibliography_count=1, key=key))

    def url(self, key):
        """The key's entry on the published references page."""
        return self.edition.page_url(self.references_page, self.anchor(key))

    def entry(self, key, where):
        if key not in self.bibliography:
            raise MystError(f"{where}: no entry {key!r} in the bibliography")
        return self.bibliography[key]

    def keys(self, content, where):
        """The keys of a citation role's content, each in the bibliography."""
        if "{" in content:
            raise MystError(
                f"{where}: citation pre/post text is not supported"
            )
        keys = [key.strip() for key in content.split(",") if key.strip()]
        for key in keys:
            self.entry(key, where)
        return keys

    def parts(self, key, where):
        """The names and the year, as the key's citations write them."""
        names, year = citation_parts(self.entry(key, where), self.language)
        return names.render(MARKDOWN), year.render(MARKDOWN)

    def link(self, key, where):
        """ "[Chollet et al., 2015](…#cite-chollet2015keras)"."""
        text = author_year(self.entry(key, where), self.language)
        return f"[{text.render(MARKDOWN)}]({self.url(key)})"

    def parenthetical(self, keys, where):
        """{cite:p}: "(Chollet et al., 2015; Kingma y Ba, 2015)"."""
        return "(" + "; ".join(self.link(key, where) for key in keys) + ")"

    def textual(self, keys, where):
        """{cite:t}: "Chollet et al. (2015)"."""
        return ", ".join(
            "{} ([{}]({}))".format(*self.parts(key, where), self.url(key))
            for key in keys
        )

    def works_cited(self, cited, where):
        """The list that ends the References section: each work cited,
        linked to its entry and written as that entry."""
        items = []
        for key in sorted(
            cited,
            key=lambda key: [part.lower() for part in self.parts(key, where)],
        ):
            written = entry_text(self.entry(key, where), self.language)
            items.append(
                f"- {self.link(key, where)}. {written.render(MARKDOWN)}"
            )
        page = self.edition.page_url(self.references_page)
        text = TEXT[self.language]["works_cited"].format(page=page)
        return text + "\n\n" + "\n".join(items)


@functools.cache
def citations_of(language):
    return Citations(language)


def add_works_cited(cells, cited, language, where):
    """End the References section of (cell, is a solution) pairs with the
    works the chapter cites (``cited``, in their order of first citation)."""
    if not cited:
        return
    heading = TEXT[language]["references"]
    block = citations_of(language).works_cited(cited, where)
    start = section(cells, heading)
    # The section runs to the next heading of level 1 or 2, or to the end
    end = len(cells)
    for index in range(start, len(cells)):
        cell = cells[index][0]
        body = cell.source if cell.cell_type == "markdown" else ""
        if index == start:
            body = body.split(f"## {heading}", 1)[1]
        if re.search(r"^#{1,2} ", body, re.MULTILINE):
            end = index
            break
    last = cells[end - 1 if end < len(cells) else -1][0]
    if end < len(cells) or last.cell_type != "markdown":
        cells.insert(end, (markdown_cell(block, "works-cited"), False))
    else:
        last.source = last.source.rstrip("\n") + "\n\n" + block
