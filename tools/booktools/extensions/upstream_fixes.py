"""Sphinx extension: work around a bug of the Jupyter Book 1 stack.

sphinx-thebe 0.3.1 (loaded by Jupyter Book, unused here: the book has no live
code cells) registers its configuration script twice per build, so every page
declared ``const THEBE_JS_URL`` twice and the browser raised "Identifier has
already been declared".  Dropping exact duplicates from a page's scripts fixes
it without touching anything else.
"""


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # The copies differ only in an empty filename: None in one, "" in the other
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
