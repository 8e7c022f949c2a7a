"""What an edition of the book is: its language, its table of contents, its
site and page addresses and its number rule.

The book has one edition per language (``book_editions`` in `_config.yml`
names each one's table of contents).  The Spanish edition is configured by
`_config.yml`, the English one by the same file with `book/en/_config.yml`
laid over it (:func:`edition_config`).  The build (:mod:`booktools.build_book`),
the notebook generator (:mod:`booktools.notebooks`) and the Sphinx extensions
that need these facts (language switch, launch links, glued numbers) all
read them here.
"""

import functools
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from sphinx.errors import ExtensionError

from booktools import ROOT

# A comma-grouped integer part, as Python's "," format spec writes it
COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
# U+202F NARROW NO-BREAK SPACE: a thin space that never breaks the number
THIN_SPACE = "\u202f"
# A hyphen right before a digit, at the start of a number: its minus sign
HYPHEN_MINUS = re.compile(r"(?<![\w.])-(?=\d)")
MINUS = "\u2212"


def config():
    """The book's `_config.yml` (the Spanish edition's, as written)."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def merged(base, overrides):
    """`base` with `overrides` laid over it, nested mappings merged key by key."""
    result = dict(base)
    for key, value in overrides.items():
        result[key] = (
            merged(base[key], value)
            if isinstance(value, dict) and key in base
            else value
        )
    return result


def edition_config(language):
    """One edition's Jupyter Book configuration."""
    settings = config()
    overrides = ROOT / "book" / language / "_config.yml"
    if overrides.exists():
        settings = merged(
            settings, yaml.safe_load(overrides.read_text(encoding="utf-8"))
        )
    return settings


def editions():
    """Each edition's language and table of contents (`book_editions` in _config.yml)."""
    return edition_config("es")["sphinx"]["config"]["book_editions"]


def toc_documents(node):
    """Document names of a Jupyter Book table of contents, in reading order."""
    if isinstance(node, dict):
        found = [
            str(Path(node[key]).with_suffix(""))
            for key in ("root", "file")
            if key in node
        ]
        for value in node.values():
            found += toc_documents(value)
        return found
    if isinstance(node, list):
        return [name for item in node for name in toc_documents(item)]
    return []


def repository_parts(url):
    """(organisation, repository) of a GitHub repository's address."""
    url = url.rstrip("/")
    if not url.startswith("https://github.com/"):
        raise ExtensionError(
            "repository.url in _config.yml must be a GitHub repository"
        )
    org, repo = url.removeprefix("https://github.com/").split("/")[:2]
    return org, repo


def site_url(repository_url):
    """The published book: GitHub Pages serves the repository's site there."""
    org, repo = repository_parts(repository_url)
    return f"https://{org.lower()}.github.io/{repo}"


def localise(text, language):
    """``text`` with its comma-grouped numbers written by ``language``'s rule.

    Both editions glue numbers with the format spec ``,d`` (242,062, as
    English writes them).  Spanish, as the RAE recommends, groups the digits
    of numbers of five or more digits with a thin space and leaves shorter
    ones ungrouped (242 062, but 1764), with the decimal point either way.
    Both editions print a negative number with a minus sign (−0.0035), not
    the hyphen Python's formatting writes.
    """
    text = HYPHEN_MINUS.sub(MINUS, text)
    if language != "es":
        return text

    def regroup(match):
        digits = match.group().replace(",", "")
        if len(digits) < 5:
            return digits
        return match.group().replace(",", THIN_SPACE)

    return COMMA_GROUPED.sub(regroup, text)


@dataclass
class Edition:
    """One edition: its settings, its pages and where they are published."""

    language: str

    @cached_property
    def settings(self):
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

    def source_url(self, path):
        branch = self.settings["repository"].get("branch", "main")
        return f"{self.repository}/blob/{branch}/{path}"

    def raw_url(self, path):
        org, repo = repository_parts(self.repository)
        branch = self.settings["repository"].get("branch", "main")
        return (
            f"https://raw.githubusercontent.com/{org}/{repo}/{branch}/{path}"
        )

    def numbers(self, text):
        """``text`` with its numbers written by this edition's rule."""
        return localise(text, self.language)


@functools.cache
def edition_of(language):
    return Edition(language)
