"""The MyST syntax the generator reads, and what it must never leave.

The regular expressions of roles, fences, directives, targets, headings and
links; a directive's options and body (:func:`directive_body`); every label
of an edition that a ``{ref}`` or ``{numref}`` can point at, with Sphinx's
figure numbers (:func:`edition_labels`); and, after the conversion, the MyST
parser's own check that no MyST construct is left (:func:`myst_syntax`).
"""

import functools
import re

import nbformat
import yaml

from booktools.editions import edition_of

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


class MystError(ValueError):
    """A MyST construct the generator cannot turn into plain Markdown."""


def escape_markdown(text):
    """A glued value as literal text: no Markdown or math starts inside it."""
    return re.sub(r"([\\`*_\[\]<>|$#])", r"\\\1", text)


def split_explicit(content):
    """``title <target>`` gives (title, target); ``target`` gives (None, target)."""
    match = EXPLICIT.match(content.strip())
    if match and match.group("title"):
        return match.group("title"), match.group("target").strip()
    return None, content.strip()


def closes(line, fence):
    """Whether ``line`` closes a block opened with ``fence``."""
    return re.match(
        rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line
    )


def directive_body(lines, fence):
    """Options (``:key: value`` lines or a YAML block) and content of a
    directive whose body starts at ``lines[0]`` and closes with ``fence``."""
    body = []
    for line in lines:
        if closes(line, fence):
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


@functools.cache
def edition_labels(language):
    """Every label a {ref} or {numref} can point at in the edition: label ->
    (docname, title, figure number or None)."""
    labels = {}
    # Sphinx numbers figures through the edition, in reading order
    figures = 0
    for docname, path in edition_of(language).documents.items():
        if path.suffix == ".ipynb":
            cells = nbformat.read(path, as_version=4).cells
        else:
            cells = [
                {"cell_type": "markdown", "source": path.read_text("utf-8")}
            ]
        for cell in cells:
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
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


def label(edition, name, where):
    """(docname, title, figure number or None) of one label of the edition."""
    labels = edition_labels(edition.language)
    if name not in labels:
        raise MystError(f"{where}: no label {name!r} in the edition")
    return labels[name]


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
