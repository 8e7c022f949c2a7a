"""Sphinx extension: the numbers the text quotes follow its edition's rule.

Both editions quote a run's numbers with the same myst-nb roles, for instance
``{glue:text}`parametros_red:,d``` or ``{glue:text}`network_parameters:,d```,
whose format spec groups the thousands with commas, as English writes them
(242,062).  Spanish, as the RAE recommends, groups the digits of numbers of
five or more digits with a thin space and leaves shorter ones ungrouped
(242 062, but 1764), with the decimal point either way.  This extension
rewrites the pasted text of the Spanish edition that way, so the chapters'
code and glue calls stay the same in both editions.

The rule is :func:`booktools.editions.localise`; the reader notebooks
(:mod:`booktools.notebooks.commonmark`) resolve the same roles with it, so a
number reads the same in the book and in Colab.
"""

from docutils import nodes

from booktools.editions import localise


def localise_pasted_text(app, doctree, docname):
    """Every glued value of a page, once its references are resolved: a value
    glued in another notebook is pasted only then, after doctree-read."""
    language = app.config.language
    for node in doctree.findall(nodes.inline):
        if "pasted-text" not in node["classes"]:
            continue
        text = node.astext()
        localised = localise(text, language)
        if localised != text:
            node.replace(node.children[0], nodes.Text(localised))


def setup(app):
    app.connect("doctree-resolved", localise_pasted_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
