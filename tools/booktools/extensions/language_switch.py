"""Sphinx extension: a link on every page to the same page in the other edition.

The book has one edition per language, each built on its own into
``_build/html/<language>/`` from its own table of contents (``book_editions``
in ``_config.yml``; :mod:`booktools.editions` reads them).  Pages are paired
by position: the n-th document of the Spanish table of contents is the twin
of the n-th document of the English one.  Pages outside the tables (search,
index) link to the other edition's home page.  The link sits in every page's
header, next to the download and launch buttons
(assets/templates/language-switch.html).
"""

from pathlib import Path

import yaml
from sphinx.errors import ExtensionError

from booktools.editions import toc_documents

LABELS = {
    "es": ("Lee esta página en español", "Versión en español"),
    "en": ("Read this page in English", "English edition"),
}


def read_toc(app, toc_path):
    with open(Path(app.srcdir) / toc_path, encoding="utf-8") as toc:
        return toc_documents(yaml.safe_load(toc))


def pair_editions(app):
    editions = app.config.book_editions
    this = app.config.language
    if this not in editions or len(editions) != 2:
        raise ExtensionError(
            f"book_editions must name two editions, including {this!r}"
        )
    (other,) = set(editions) - {this}
    own, twins = read_toc(app, editions[this]), read_toc(app, editions[other])
    if len(own) != len(twins):
        raise ExtensionError(
            f"the {this} and {other} tables of contents differ in length"
        )
    app.env.language_switch = (
        other,
        dict(zip(own, twins, strict=True)),
        twins[0],
    )


def add_switch(app, pagename, templatename, context, doctree):
    other, twins, other_home = app.env.language_switch
    target = twins.get(pagename, other_home)
    # From this page up to _build/html/, then down into the other edition.
    url = "../" * (pagename.count("/") + 1) + f"{other}/{target}.html"
    text = LABELS[other][0] if pagename in twins else LABELS[other][1]
    # Rendered by assets/templates/language-switch.html in every page's header
    context["language_switch"] = {"url": url, "text": text, "language": other}
    context["metatags"] = context.get("metatags", "") + (
        f'<link rel="alternate" hreflang="{other}" href="{url}" />\n'
    )


def setup(app):
    app.add_config_value("book_editions", {}, "env")
    app.connect("builder-inited", pair_editions)
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
