"""Reader and student notebooks: each chapter as it reads outside the book.

A chapter's source notebook is written for myst-nb: its Markdown quotes the
run's numbers with ``{glue:text}`` and cites with ``{cite:p}``, which Colab
and Jupyter show raw.  From each executed source notebook this module makes

- a **reader notebook** (``es/01-….ipynb``): every MyST role and directive
  resolved into plain Markdown that Jupyter and Colab render (a glued value
  formatted as the book formats it, with myst-nb's own function and the
  edition's number rule; a citation as "(Chollet et al., 2015)" in the
  edition's language, linked to its entry on the published references page;
  a link into the book as an absolute link to the published book); the stored
  outputs kept, so figures and results show before anything runs; the
  tooling left out (glue-only ``remove-cell`` cells, glue records, nbval and
  other tooling tags, myst-nb metadata, whose figure captions become a caption
  line under the figure); the code of every remaining cell byte-identical; a
  first cell that says what the notebook is, links to the chapter in the book
  and has the Colab badge; and the chapter's References section ending with
  the works it cites;
- a **student notebook** (``es/estudiante/01-….ipynb``): the reader notebook
  without the exercises' solutions.  The tooling never guesses: a solution is
  a ``<details>`` block whose summary is "Solución"/"Solution" (prose that
  answers an exercise is always folded in one), or a code cell tagged
  ``solution`` (each run of them becomes one empty stub cell).

A role or directive this module does not know stops the generation with the
notebook and cell it is in: a new construct in a chapter must be taught here
before it can leak into Colab.  ``make notebooks`` writes them to
``_build/notebooks/``, with the slim ``requirements.txt`` and ``runtime.txt``
that Binder reads; ``make html`` does it too and the site serves a copy
(tools/build_book.py); the GitHub Actions workflow publishes the folder as
the ``notebooks`` branch, which Colab and Binder open.
"""

import ast
import copy
import functools
import html
import importlib.metadata
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import nbformat
import yaml
from docutils.nodes import make_id
from myst_nb.core.variables import format_plain_text
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent
# The book's Sphinx extensions hold what the book and the notebooks share
sys.path.insert(0, str(ROOT / "tools" / "extensions"))

from author_year import (  # noqa: E402
    citation_parts,
    entry_text,
    set_bibliography,
)
from edition_numbers import localise  # noqa: E402
from language_switch import toc_documents  # noqa: E402
from launch_links import (  # noqa: E402
    SITE_FOLDER,
    launch_url,
    published_path,
    repository_parts,
    site_url,
)

OUTPUT = ROOT / "_build" / "notebooks"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
GLUE_PREFIX = "application/papermill.record/"
# Tags only the tooling reads (nbval, the recipe test, the generator)
TOOLING_TAGS = re.compile(r"^(nbval-.*|recipe|solution|remove-cell)$")
# Modules every Jupyter kernel has: not requirements of the chapters
KERNEL_MODULES = {"IPython", "ipykernel"}

TEXT = {
    "es": {
        "reader": (
            "**Cuaderno de lectura** de *{book}*: el capítulo tal como se lee "
            "en [el libro]({chapter}), con las cifras y las citas ya escritas "
            "y los resultados de una ejecución completa guardados. Puedes "
            "leerlo sin ejecutar nada, o ejecutarlo de principio a fin."
        ),
        "student": (
            "**Cuaderno del estudiante** de *{book}*: el capítulo tal como "
            "está en [el libro]({chapter}), pero sin las soluciones de los "
            "ejercicios. Escribe cada respuesta de código en la celda que "
            "dice `{stub}`."
        ),
        "badge": "Abrir en Colab",
        "stub": "# Escribe aquí tu solución",
        "exercises": "Ejercicios",
        "solution": "Solución",
        "references": "Referencias",
        "works_cited": (
            "Las obras que cita este capítulo, con su entrada en las "
            "[referencias del libro]({page}):"
        ),
        "figure": "Figura {}",
        "description": "Descripción de la figura",
        "draw_digit": (
            "> **En el libro.** El recuadro para dibujar un dígito solo "
            "existe en la página web de este capítulo: ábrela en "
            "[el libro]({url}) y dibuja con el ratón, el dedo o un lápiz; "
            "la red del capítulo 1 te contestará desde tu navegador."
        ),
        "admonitions": {
            "admonition": "",
            "attention": "Atención",
            "caution": "Precaución",
            "danger": "Peligro",
            "error": "Error",
            "hint": "Pista",
            "important": "Importante",
            "note": "Nota",
            "seealso": "Véase también",
            "tip": "Consejo",
            "warning": "Advertencia",
        },
    },
    "en": {
        "reader": (
            "**Reader notebook** of *{book}*: the chapter as it reads in "
            "[the book]({chapter}), with its numbers and citations written "
            "out and the results of a full run stored. Read it without "
            "running anything, or run it from top to bottom."
        ),
        "student": (
            "**Student notebook** of *{book}*: the chapter as it is in "
            "[the book]({chapter}), without the exercises' solutions. Write "
            "each code answer in the cell that says `{stub}`."
        ),
        "badge": "Open in Colab",
        "stub": "# Write your solution here",
        "exercises": "Exercises",
        "solution": "Solution",
        "references": "References",
        "works_cited": (
            "The works this chapter cites, with their entries in the book's "
            "[references]({page}):"
        ),
        "figure": "Fig. {}",
        "description": "Description of the figure",
        "draw_digit": (
            "> **In the book.** You can draw a digit only on this chapter's "
            "web page: open it in [the book]({url}) and draw with a mouse, "
            "a finger or a pen; chapter 1's network will classify the digit "
            "in your browser."
        ),
        "admonitions": {
            "admonition": "",
            "attention": "Attention",
            "caution": "Caution",
            "danger": "Danger",
            "error": "Error",
            "hint": "Hint",
            "important": "Important",
            "note": "Note",
            "seealso": "See also",
            "tip": "Tip",
            "warning": "Warning",
        },
    },
}

# A role: {name}`content` (any number of backticks, as MyST reads it)
ROLE = re.compile(
    r"\{(?P<name>[A-Za-z][\w:+.-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)(?!`)",
    re.DOTALL,
)
FENCE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$"
)
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:+.-]+)\}\s*(?P<argument>.*)$")
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
EXPLICIT = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
LINK = re.compile(r"(?<!!)\]\((?P<target>[^()\s]+)\)")


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


class MystError(ValueError):
    """A MyST construct the generator cannot turn into plain Markdown."""


def escape_markdown(text):
    """A glued value as literal text: no Markdown or math starts inside it."""
    return re.sub(r"([\\`*_\[\]<>|$#])", r"\\\1", text)


MARKDOWN = Markdown()


def split_explicit(content):
    """``title <target>`` gives (title, target); ``target`` gives (None, target)."""
    match = EXPLICIT.match(content.strip())
    if match and match.group("title"):
        return match.group("title"), match.group("target").strip()
    return None, content.strip()


def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@dataclass
class Edition:
    """What a notebook of one edition links to: the book, its references."""

    language: str

    @cached_property
    def settings(self):
        from build_book import edition_config

        return edition_config(self.language)

    @cached_property
    def repository(self):
        return self.settings["repository"]["url"].rstrip("/")

    @cached_property
    def site(self):
        return site_url(self.repository)

    @cached_property
    def documents(self):
        """Document name -> source file, for every page of the edition."""
        toc = self.settings["sphinx"]["config"]["book_editions"][self.language]
        names = toc_documents(
            yaml.safe_load((ROOT / toc).read_text(encoding="utf-8"))
        )
        found = {}
        for name in names:
            for suffix in (".ipynb", ".md"):
                if (ROOT / f"{name}{suffix}").is_file():
                    found[name] = ROOT / f"{name}{suffix}"
        return found

    def page_url(self, docname, anchor=""):
        url = f"{self.site}/{self.language}/{docname}.html"
        return f"{url}#{anchor}" if anchor else url

    @cached_property
    def references_page(self):
        """The page that holds the {bibliography} directive."""
        pages = [
            name
            for name, path in self.documents.items()
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
        for bibfile in self.settings["bibtex_bibfiles"]:
            entries.update(parse_file(ROOT / bibfile).entries)
        set_bibliography(entries)
        return entries

    def citation_anchor(self, key):
        """The id sphinxcontrib-bibtex gives the key's entry (bibtex_cite_id)."""
        template = self.settings["sphinx"]["config"]["bibtex_cite_id"]
        return make_id(template.format(bibliography_count=1, key=key))

    def citation_url(self, key):
        return self.page_url(self.references_page, self.citation_anchor(key))

    def entry(self, key, where):
        if key not in self.bibliography:
            raise MystError(f"{where}: no entry {key!r} in the bibliography")
        return self.bibliography[key]

    def source_url(self, path):
        branch = self.settings["repository"].get("branch", "main")
        return f"{self.repository}/blob/{branch}/{path}"

    def raw_url(self, path):
        org, repo = repository_parts(self.repository)
        branch = self.settings["repository"].get("branch", "main")
        return (
            f"https://raw.githubusercontent.com/{org}/{repo}/{branch}/{path}"
        )

    @cached_property
    def labels(self):
        """Every label a {ref} or {numref} can point at: label -> (docname,
        title, figure number or None)."""
        labels = {}
        # Sphinx numbers figures through the edition, in reading order
        figures = 0
        for docname, path in self.documents.items():
            if path.suffix == ".ipynb":
                cells = nbformat.read(path, as_version=4).cells
            else:
                cells = [
                    {
                        "cell_type": "markdown",
                        "source": path.read_text("utf-8"),
                    }
                ]
            for cell in cells:
                figure = (
                    cell.get("metadata", {}).get("mystnb", {}).get("figure")
                )
                if figure:
                    figures += 1
                    if figure.get("name"):
                        labels[figure["name"]] = (
                            docname,
                            figure.get("caption", ""),
                            figures,
                        )
                if cell["cell_type"] != "markdown":
                    continue
                lines = cell["source"].splitlines()
                for index, line in enumerate(lines):
                    target = TARGET.match(line)
                    if target:
                        heading = next(
                            (
                                HEADING.match(following)
                                for following in lines[index + 1 :]
                                if following.strip()
                            ),
                            None,
                        )
                        title = heading.group("title") if heading else ""
                        labels[target.group("label")] = (docname, title, None)
                    opening = FENCE.match(line)
                    directive = opening and DIRECTIVE.match(opening["info"])
                    if directive and directive["name"] == "figure":
                        figures += 1
                        options, caption = directive_body(
                            lines[index + 1 :], opening["fence"]
                        )
                        if "name" in options:
                            labels[options["name"]] = (
                                docname,
                                caption.strip(),
                                figures,
                            )
        return labels

    def label(self, name, where):
        if name not in self.labels:
            raise MystError(f"{where}: no label {name!r} in the edition")
        return self.labels[name]


@functools.cache
def edition_of(language):
    return Edition(language)


def directive_body(lines, fence):
    """Options (``:key: value`` lines or a YAML block) and content of a
    directive whose body starts at ``lines[0]`` and closes with ``fence``."""
    body = []
    for line in lines:
        if re.match(
            rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line
        ):
            break
        body.append(line)
    options = {}
    if body and body[0].strip() == "---":
        end = body.index("---", 1)
        options = yaml.safe_load("\n".join(body[1:end])) or {}
        body = body[end + 1 :]
    else:
        while body and re.match(r"^:[\w-]+:", body[0]):
            key, _, value = body.pop(0)[1:].partition(":")
            options[key] = value.strip()
    return options, "\n".join(body).strip("\n")


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
            while closing < len(lines) and not re.match(
                rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$",
                lines[closing],
            ):
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
            label = self.text["figure"].format(self.figure_number(options))
            return f"{image}\n\n*{label}.* {self.convert(content)}"
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
            "form yet; teach it to tools/reader_notebooks.py"
        )

    def figure_number(self, options):
        name = options.get("name")
        if not name:
            raise MystError(f"{self.where}: a figure needs a :name:")
        return self.edition.label(name, self.where)[2]

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
                "form yet; teach it to tools/reader_notebooks.py"
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
        return escape_markdown(localise(text, self.edition.language))

    def keys(self, content):
        if "{" in content:
            raise MystError(
                f"{self.where}: citation pre/post text is not supported"
            )
        keys = [key.strip() for key in content.split(",") if key.strip()]
        for key in keys:
            self.edition.entry(key, self.where)
            if key not in self.cited:
                self.cited.append(key)
        return keys

    def citation(self, key):
        names, year = citation_parts(
            self.edition.entry(key, self.where), self.edition.language
        )
        return names.render(MARKDOWN), year.render(MARKDOWN)

    def cite_parenthetical(self, content):
        links = [
            "[{}, {}]({})".format(
                *self.citation(key), self.edition.citation_url(key)
            )
            for key in self.keys(content)
        ]
        return "(" + "; ".join(links) + ")"

    def cite_textual(self, content):
        return ", ".join(
            "{} ([{}]({}))".format(
                *self.citation(key), self.edition.citation_url(key)
            )
            for key in self.keys(content)
        )

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
        title, label = split_explicit(content)
        docname, label_title, _ = self.edition.label(label, self.where)
        url = self.edition.page_url(docname, make_id(label))
        return f"[{self.inline(title or label_title)}]({url})"

    def numref(self, content):
        title, label = split_explicit(content)
        docname, _, number = self.edition.label(label, self.where)
        if number is None:
            raise MystError(
                f"{self.where}: {{numref}} to a non-figure {label}"
            )
        default = self.text["figure"].format(number)
        text = title.replace("%s", str(number)) if title else default
        url = self.edition.page_url(docname, make_id(label))
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


def myst_syntax(markdown):
    """The MyST-only constructs that the MyST parser finds in ``markdown``."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(
        MdParserConfig(
            enable_extensions={"amsmath", "colon_fence", "dollarmath"}
        ),
        RendererHTML,
    )
    found = []
    tokens = list(parser.parse(markdown))
    while tokens:
        token = tokens.pop(0)
        tokens[:0] = token.children or []
        if token.type.startswith("myst_") or token.type == "colon_fence":
            found.append(f"{token.type}: {token.content or token.info}")
        elif token.type == "fence" and token.info.strip().startswith("{"):
            found.append(f"directive: {token.info}")
    return found


def glued_values(notebook):
    """Name -> mime bundle of every value the notebook stored with ``glue``."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            if "name" in scrapbook:
                prefix = scrapbook.get("mime_prefix", GLUE_PREFIX)
                values[scrapbook["name"]] = {
                    mime.removeprefix(prefix): data
                    for mime, data in output["data"].items()
                }
    return values


def is_glue_record(output):
    data = output.get("data", {})
    return bool(data) and all(mime.startswith(GLUE_PREFIX) for mime in data)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def markdown_cell(source, cell_id):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def bound_names(tree):
    """Names a cell's code binds at its top level: assignments, loop and
    ``with`` targets, imports, functions and classes."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
            )
    return names


def read_names(tree):
    """Names a cell's code reads, function bodies included."""
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def check_removed_cells(notebook, docname):
    """Stop if a ``remove-cell`` cell binds a name that a kept cell reads.

    The reader notebooks leave such cells out (they only feed ``glue``): a
    name one of them binds must not be read by a later kept cell before a
    kept cell binds it again, or the reader's run stops with a NameError.
    """
    trees = [
        (number, cell, ast.parse(cell.source))
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code"
    ]
    for index, (number, cell, tree) in enumerate(trees):
        if "remove-cell" not in tags(cell):
            continue
        pending = bound_names(tree)
        for later, kept, kept_tree in trees[index + 1 :]:
            if "remove-cell" in tags(kept):
                continue
            needed = sorted(pending & read_names(kept_tree))
            if needed:
                raise MystError(
                    f"{docname}.ipynb, cell {number}: a remove-cell cell "
                    f"binds {', '.join(needed)}, which cell {later} reads; "
                    "the reader notebooks leave that cell out, so their "
                    "run would stop there. Keep the cell (drop its "
                    "remove-cell tag) or move what it computes to a kept cell"
                )
            pending -= bound_names(kept_tree)


def reader_cells(notebook, converter, edition):
    """The reader notebook's cells, each with whether it is a solution."""
    check_removed_cells(notebook, converter.docname)
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        converter.where = f"{converter.docname}.ipynb, cell {number}"
        if "remove-cell" in tags(cell):
            continue
        cell = copy.deepcopy(cell)
        solution = "solution" in tags(cell)
        metadata = cell.metadata
        mystnb = metadata.pop("mystnb", {})
        figure = mystnb.get("figure")
        alt = mystnb.get("image", {}).get("alt")
        kept = [tag for tag in tags(cell) if not TOOLING_TAGS.match(tag)]
        if kept:
            metadata["tags"] = kept
        else:
            metadata.pop("tags", None)
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source)
            leftover = myst_syntax(cell.source)
            if leftover:
                raise MystError(f"{converter.where}: MyST left: {leftover}")
        elif cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not is_glue_record(o)]
        cells.append((cell, solution))
        if figure and figure.get("caption"):
            label = TEXT[edition.language]["figure"].format(
                edition.label(figure["name"], converter.where)[2]
            )
            caption = f"*{label}.* {converter.convert(figure['caption'])}"
            if alt:
                # Notebook outputs carry no alt text: the book's text
                # alternative follows the caption, folded
                caption += (
                    f"\n\n<details>\n<summary>"
                    f"{TEXT[edition.language]['description']}</summary>\n\n"
                    f"{html.escape(alt, quote=False)}\n\n</details>"
                )
            cells.append((markdown_cell(caption, f"{cell.id}-caption"), False))
    return cells


def section(cells, title):
    """Index of the markdown cell with the ``## title`` heading."""
    for index, (cell, _) in enumerate(cells):
        if cell.cell_type == "markdown" and re.search(
            rf"^## {re.escape(title)}\s*$", cell.source, re.MULTILINE
        ):
            return index
    raise MystError(f"no '## {title}' section")


def add_works_cited(cells, converter, edition):
    """End the References section with the works the chapter cites, each
    linked to its entry on the references page and written as that entry."""
    if not converter.cited:
        return
    text = TEXT[edition.language]
    start = section(cells, text["references"])
    items = []
    for key in sorted(
        converter.cited,
        key=lambda key: [part.lower() for part in converter.citation(key)],
    ):
        entry = edition.entry(key, converter.where)
        names, year = converter.citation(key)
        written = entry_text(entry, edition.language).render(MARKDOWN)
        items.append(
            f"- [{names}, {year}]({edition.citation_url(key)}). {written}"
        )
    page = edition.page_url(edition.references_page)
    block = text["works_cited"].format(page=page) + "\n\n" + "\n".join(items)
    # The section runs to the next heading of level 1 or 2, or to the end
    end = len(cells)
    for index in range(start, len(cells)):
        cell = cells[index][0]
        body = cell.source if cell.cell_type == "markdown" else ""
        if index == start:
            body = body.split(f"## {text['references']}", 1)[1]
        if re.search(r"^#{1,2} ", body, re.MULTILINE):
            end = index
            break
    last = cells[end - 1 if end < len(cells) else -1][0]
    if end < len(cells) or last.cell_type != "markdown":
        cells.insert(end, (markdown_cell(block, "works-cited"), False))
    else:
        last.source = last.source.rstrip("\n") + "\n\n" + block


def header(kind, source, edition):
    """The first cell: what the notebook is, the chapter's page, the badge."""
    text = TEXT[edition.language]
    docname = str(PurePosixPath(source).with_suffix(""))
    path = published_path(source, kind)
    colab = launch_url(
        "colab",
        edition.repository,
        edition.settings["launch_buttons"],
        path,
    )
    badge = f"[![{text['badge']}]({COLAB_BADGE})]({colab})"
    words = text[kind].format(
        book=edition.settings["title"],
        chapter=edition.page_url(docname),
        stub=text["stub"],
    )
    return markdown_cell(f"{badge}\n\n{words}", f"{kind}-notebook-header")


def strip_solutions(cells, language):
    """The student notebook's cells: no <details> answer and no solution cell
    (each run of them becomes one empty stub)."""
    text = TEXT[language]
    answer = re.compile(
        r"\n*<details>\s*<summary>\s*"
        + re.escape(text["solution"])
        + r"\s*</summary>.*?</details>[ \t]*",
        re.DOTALL,
    )
    start = section(cells, text["exercises"])
    student, stubs, index = [], 0, 0
    while index < len(cells):
        cell, solution = cells[index]
        if index >= start and solution:
            while index < len(cells) and cells[index][1]:
                index += 1
            stubs += 1
            stub = nbformat.v4.new_code_cell(text["stub"])
            stub.id = f"solution-stub-{stubs}"
            student.append(stub)
            continue
        if index >= start and cell.cell_type == "markdown":
            cell.source = answer.sub("", cell.source).strip("\n")
            cell.source = re.sub(r"\n{3,}", "\n\n", cell.source)
            if not cell.source:
                index += 1
                continue
        student.append(cell)
        index += 1
    return student


def notebook_with(notebook, cells):
    result = copy.deepcopy(notebook)
    result.cells = cells
    result.nbformat, result.nbformat_minor = 4, 5
    nbformat.validate(result)
    return result


def generate(source, output):
    """Write the reader and student notebooks of one chapter; return their paths."""
    source = PurePosixPath(source)
    language = source.parts[1]
    edition = edition_of(language)
    notebook = nbformat.read(ROOT / source, as_version=4)
    converter = Converter(
        edition, str(source.with_suffix("")), glued_values(notebook)
    )
    cells = reader_cells(notebook, converter, edition)
    add_works_cited(cells, converter, edition)
    written = []
    for kind in ("reader", "student"):
        body = copy.deepcopy(cells)
        if kind == "student":
            body = [(cell, False) for cell in strip_solutions(body, language)]
        result = notebook_with(
            notebook,
            [header(kind, source.as_posix(), edition)]
            + [cell for cell, _ in body],
        )
        path = Path(output) / published_path(source.as_posix(), kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(result, path)
        written.append(path)
    return written


def chapters():
    """Every chapter notebook of every edition, as notebooks/<lang>/<name>.ipynb."""
    from build_book import editions

    found = []
    for language in editions():
        for name, path in edition_of(language).documents.items():
            if path.suffix == ".ipynb" and name.startswith("notebooks/"):
                found.append(f"{name}.ipynb")
    return found


def imported_modules(notebooks):
    """Top-level modules the chapters' code imports, optional ones left out
    (an import inside ``try:`` whose handler catches ImportError)."""
    modules = set()
    for path in notebooks:
        for cell in nbformat.read(ROOT / path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            optional = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Try) and any(
                    "ImportError" in ast.unparse(handler.type or ast.Name(""))
                    or "ModuleNotFoundError"
                    in ast.unparse(handler.type or ast.Name(""))
                    for handler in node.handlers
                ):
                    for inner in node.body:
                        optional.update(map(id, ast.walk(inner)))
            for node in ast.walk(tree):
                if id(node) in optional:
                    continue
                if isinstance(node, ast.Import):
                    modules.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    return {
        module
        for module in modules
        if module not in sys.stdlib_module_names
        and module not in KERNEL_MODULES
    }


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def reader_requirements(notebooks):
    """requirements.txt for readers: what the chapters import, pinned as in
    the repository's requirements.txt."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text("utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pins[normalise(line.split("==")[0].strip())] = line.strip()
    distributions = importlib.metadata.packages_distributions()
    lines = []
    for module in sorted(imported_modules(notebooks), key=str.lower):
        pinned = [
            pins[normalise(dist)]
            for dist in distributions.get(module, [])
            if normalise(dist) in pins
        ]
        if not pinned:
            raise MystError(
                f"the chapters import {module!r}, which requirements.txt "
                "does not pin"
            )
        lines.extend(pinned)
    return sorted(set(lines), key=str.lower)


BRANCH_README = """# Cuadernos del libro / The book's notebooks

Generados por `tools/reader_notebooks.py` desde la rama `{branch}`; no los
edites aquí. / Generated by `tools/reader_notebooks.py` from the `{branch}`
branch; do not edit them here.

- `es/`, `en/`: cuadernos de lectura / reader notebooks
- `es/estudiante/`, `en/student/`: cuadernos del estudiante, sin
  soluciones / student notebooks, without solutions

{site}
"""


def generate_all(output=OUTPUT):
    """Every chapter's notebooks, and the slim environment Binder reads."""
    output = Path(output)
    notebooks = chapters()
    for language in {PurePosixPath(source).parts[1] for source in notebooks}:
        shutil.rmtree(output / language, ignore_errors=True)  # stale copies
    written = []
    for source in notebooks:
        written.extend(generate(source, output))
    settings = config()
    (output / "requirements.txt").write_text(
        "# What the chapters import, pinned as the book pins it\n"
        + "\n".join(reader_requirements(notebooks))
        + "\n",
        encoding="utf-8",
    )
    (output / "runtime.txt").write_text(
        (ROOT / "runtime.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (output / "README.md").write_text(
        BRANCH_README.format(
            branch=settings["repository"].get("branch", "main"),
            site=site_url(settings["repository"]["url"]) + "/",
        ),
        encoding="utf-8",
    )
    return written


if __name__ == "__main__":
    try:
        paths = generate_all(sys.argv[1] if len(sys.argv) > 1 else OUTPUT)
    except MystError as error:
        sys.exit(f"reader notebooks: {error}")
    print(
        f"{len(paths)} reader and student notebooks in {paths[0].parents[1]}"
    )
