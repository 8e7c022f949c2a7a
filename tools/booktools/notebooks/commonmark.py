"""MyST Markdown to CommonMark: one notebook's Markdown as Jupyter and Colab
render it.

:class:`Converter` resolves, cell by cell, every MyST construct the chapters
use: blocks first (targets, comments, admonitions, figures and images, a
``{literalinclude}``, chapter 3's ``{draw-digit}``), then roles (a glued value
formatted with myst-nb's own function and the edition's number rule, the
citations of :mod:`.citations`, links to pages, labels and downloads made
absolute addresses of the published book).  Anything else stops the
generation with the notebook and cell it is in (:class:`.myst.MystError`).
"""

import posixpath
import re
from dataclasses import dataclass, field

import nbformat
from docutils.nodes import make_id
from myst_nb.core.variables import format_plain_text

from booktools import ROOT
from booktools.editions import Edition
from booktools.extensions.launch_links import SITE_FOLDER, published_path
from booktools.notebooks.cells import glued_values
from booktools.notebooks.citations import citations_of
from booktools.notebooks.myst import (
    DIRECTIVE,
    FENCE,
    HEADING,
    LINK,
    ROLE,
    TARGET,
    MystError,
    closes,
    directive_body,
    escape_markdown,
    label,
    split_explicit,
)
from booktools.notebooks.words import TEXT


@dataclass
class Converter:
    """Turns one notebook's MyST Markdown into plain Markdown."""

    edition: Edition
    docname: str
    glue: dict
    cited: list = field(default_factory=list)
    where: str = ""
    # The last label seen, (label)=, where a {draw-digit} links to
    target: str = ""

    @property
    def text(self):
        return TEXT[self.edition.language]

    @property
    def citations(self):
        return citations_of(self.edition.language)

    def convert(self, markdown):
        """Plain Markdown for a cell's MyST Markdown (blocks, then roles)."""
        lines = markdown.split("\n")
        output, prose, index = [], [], 0

        def flush():
            if prose:
                output.append(self.inline("\n".join(prose)))
                prose.clear()

        while index < len(lines):
            line = lines[index]
            opening = FENCE.match(line)
            target = TARGET.match(line)
            if target:
                prose.append(f'<a id="{target["label"]}"></a>')
                self.target = target["label"]
                index += 1
                continue
            if line.startswith("%") or line.strip() == "+++":
                index += 1  # a MyST comment or block break
                continue
            if not opening:
                prose.append(line)
                index += 1
                continue
            fence = opening["fence"]
            closing = index + 1
            while closing < len(lines) and not closes(lines[closing], fence):
                closing += 1
            directive = DIRECTIVE.match(opening["info"].strip())
            if directive is None:
                if fence[0] == ":":  # not a fence without {name}
                    prose.append(line)
                    index += 1
                    continue
                flush()  # a code block: verbatim
                output.append("\n".join(lines[index : closing + 1]))
            else:
                flush()
                options, content = directive_body(lines[index + 1 :], fence)
                output.append(
                    self.directive(
                        directive["name"],
                        directive["argument"].strip(),
                        options,
                        content,
                    )
                )
            index = closing + 1
        flush()
        return "\n".join(output)

    # Directives

    def directive(self, name, argument, options, content):
        admonitions = self.text["admonitions"]
        if name in admonitions:
            title = argument if name == "admonition" else admonitions[name]
            if not title:
                raise MystError(f"{self.where}: an admonition needs a title")
            body = self.convert(content)
            quoted = "\n".join(
                f"> {line}" if line else ">" for line in body.split("\n")
            )
            return f"> **{self.inline(title)}**\n>\n{quoted}"
        if name in ("figure", "image"):
            alt = options.get("alt", "")
            image = f"![{alt}]({self.file_url(argument)})"
            if name == "image" or not content.strip():
                return image
            number = self.text["figure"].format(self.figure_number(options))
            return f"{image}\n\n*{number}.* {self.convert(content)}"
        if name == "literalinclude":  # a file of the book, shown whole
            unknown = set(options) - {"language"}
            if unknown or content.strip():
                raise MystError(
                    f"{self.where}: {{literalinclude}} takes only :language:"
                )
            code = (ROOT / self.resolve(argument)).read_text(encoding="utf-8")
            # A fence longer than any run of backticks in the code
            longest = max(map(len, re.findall(r"`+", code)), default=0)
            fence = "`" * max(3, longest + 1)
            language = options.get("language", "")
            return f"{fence}{language}\n{code.rstrip()}\n{fence}"
        if name == "draw-digit":  # the widget lives in the book only
            if not self.target:
                raise MystError(
                    f"{self.where}: a {{draw-digit}} needs a label"
                )
            url = self.edition.page_url(self.docname, make_id(self.target))
            return self.text["draw_digit"].format(url=url)
        raise MystError(
            f"{self.where}: the directive {{{name}}} has no plain-Markdown "
            "form yet; teach it to tools/booktools/notebooks/commonmark.py"
        )

    def figure_number(self, options):
        name = options.get("name")
        if not name:
            raise MystError(f"{self.where}: a figure needs a :name:")
        return label(self.edition, name, self.where)[2]

    def file_url(self, path):
        """A file of the repository, from the current document's folder."""
        if re.match(r"^[a-z]+://", path):
            return path
        return self.edition.raw_url(self.resolve(path))

    def resolve(self, path):
        base = posixpath.dirname(self.docname)
        if path.startswith("/"):
            return posixpath.normpath(path.lstrip("/"))
        return posixpath.normpath(posixpath.join(base, path))

    # Roles

    def inline(self, text):
        text = ROLE.sub(self.role, text)
        return LINK.sub(self.link, text)

    def role(self, match):
        name, content = match["name"], match["content"]
        handlers = {
            "glue:text": self.glue_text,
            "cite:p": self.cite_parenthetical,
            "cite": self.cite_parenthetical,
            "cite:t": self.cite_textual,
            "doc": self.doc,
            "ref": self.ref,
            "numref": self.numref,
            "download": self.download,
            "math": lambda content: f"${content}$",
        }
        if name not in handlers:
            raise MystError(
                f"{self.where}: the role {{{name}}} has no plain-Markdown "
                "form yet; teach it to tools/booktools/notebooks/commonmark.py"
            )
        return handlers[name](content)

    def glue_text(self, content):
        """As myst-nb's {glue:text} writes it, then the edition's number rule."""
        key, _, spec = content.rpartition(":")
        if not key:
            key, spec = content, "s"
        glue = self.glue
        if "::" in key:
            # From another notebook of the edition, as myst-nb's path::key
            document, key = key.split("::", 1)
            path = (ROOT / self.docname).parent / document
            if not path.is_file():
                raise MystError(f"{self.where}: no notebook {document}")
            glue = glued_values(nbformat.read(path, as_version=4))
        if key not in glue or "text/plain" not in glue[key]:
            raise MystError(f"{self.where}: no glued text/plain named {key!r}")
        text = format_plain_text(glue[key]["text/plain"], spec)
        return escape_markdown(self.edition.numbers(text))

    def keys(self, content):
        keys = self.citations.keys(content, self.where)
        for key in keys:
            if key not in self.cited:
                self.cited.append(key)
        return keys

    def cite_parenthetical(self, content):
        return self.citations.parenthetical(self.keys(content), self.where)

    def cite_textual(self, content):
        return self.citations.textual(self.keys(content), self.where)

    def document(self, target):
        name = self.resolve(re.sub(r"\.(md|ipynb)$", "", target))
        if name not in self.edition.documents:
            raise MystError(f"{self.where}: no page {target!r} in the edition")
        return name

    def title_of(self, docname):
        path = self.edition.documents[docname]
        if path.suffix == ".ipynb":
            text = "\n".join(
                cell.source
                for cell in nbformat.read(path, as_version=4).cells
                if cell.cell_type == "markdown"
            )
        else:
            text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            heading = HEADING.match(line)
            if heading and len(heading["level"]) == 1:
                return heading["title"]
        return docname

    def doc(self, content):
        title, target = split_explicit(content)
        docname = self.document(target)
        title = title or self.title_of(docname)
        return f"[{self.inline(title)}]({self.edition.page_url(docname)})"

    def ref(self, content):
        title, target = split_explicit(content)
        docname, label_title, _ = label(self.edition, target, self.where)
        url = self.edition.page_url(docname, make_id(target))
        return f"[{self.inline(title or label_title)}]({url})"

    def numref(self, content):
        title, target = split_explicit(content)
        docname, _, number = label(self.edition, target, self.where)
        if number is None:
            raise MystError(
                f"{self.where}: {{numref}} to a non-figure {target}"
            )
        default = self.text["figure"].format(number)
        text = title.replace("%s", str(number)) if title else default
        url = self.edition.page_url(docname, make_id(target))
        return f"[{self.inline(text)}]({url})"

    def download(self, content):
        title, target = split_explicit(content)
        path = self.resolve(target)
        try:
            url = f"{self.edition.site}/{SITE_FOLDER}/{published_path(path)}"
        except ValueError:
            url = self.edition.source_url(path)
        return f"[{self.inline(title or posixpath.basename(path))}]({url})"

    def link(self, match):
        """A Markdown link to a page of the book, made absolute."""
        target = match["target"]
        if re.match(r"^([a-z][a-z0-9+.-]*:|#)", target):
            return match.group()
        path, _, anchor = target.partition("#")
        if not re.search(r"\.(md|ipynb)$", path):
            return f"]({self.file_url(path)})"
        docname = self.document(path)
        return f"]({self.edition.page_url(docname, anchor)})"
