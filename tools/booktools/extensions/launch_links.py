"""Sphinx extension: where a chapter opens in Colab, in Binder and for download.

A reader never opens a chapter's source notebook: its Markdown is written for
myst-nb.  :mod:`booktools.notebooks` generates a *reader notebook* per
chapter (roles resolved, outputs kept) and a *student notebook* (no
solutions); the GitHub Actions workflow publishes them to the ``notebooks``
branch of the book's repository, laid out by :func:`published_path`, and the
built site serves a copy under ``notebooks/``.  This extension points every
link at them:

- the Colab and Binder buttons at the top of each chapter page;
- the roles of the teacher's guide: ``{colab}`notebooks/es/01-….ipynb``` and
  ``{binder}`…``` (the reader notebook in Colab or in JupyterLab on Binder),
  ``{notebook}`descargar <notebooks/es/01-….ipynb>``` and
  ``{student-notebook}`…``` (the site's copy of the reader or student
  notebook).

Every address is built from ``repository.url`` and ``launch_buttons`` in
_config.yml, the one place the repository's address is written; the published
book's address follows from it by GitHub Pages' rule
(:func:`booktools.editions.site_url`).
"""

from pathlib import PurePosixPath

from docutils import nodes
from sphinx.util.nodes import split_explicit_title

from booktools.editions import repository_parts

# The generated branch that Colab and Binder open
NOTEBOOKS_BRANCH = "notebooks"
# Where each edition's student notebooks go, beside its reader notebooks
STUDENT_FOLDER = {"es": "estudiante", "en": "student"}
# The built site's copy of the branch, from the site's root
SITE_FOLDER = "notebooks"
KINDS = ("reader", "student")


def published_path(source, kind="reader"):
    """A chapter's generated notebook on the branch, from its source path.

    ``notebooks/es/01-x.ipynb`` gives ``es/01-x.ipynb`` (reader) or
    ``es/estudiante/01-x.ipynb`` (student).
    """
    parts = PurePosixPath(source).parts
    if (
        len(parts) != 3
        or parts[0] != "notebooks"
        or parts[1] not in STUDENT_FOLDER
        or not parts[2].endswith(".ipynb")
        or kind not in KINDS
    ):
        raise ValueError(
            f"not a chapter notebook (or kind {kind!r}): {source!r}; "
            "expected notebooks/<es|en>/<name>.ipynb"
        )
    language, name = parts[1:]
    if kind == "student":
        return f"{language}/{STUDENT_FOLDER[language]}/{name}"
    return f"{language}/{name}"


def launch_url(service, repository_url, launch, path):
    """``path`` (on the notebooks branch) opened in Colab or Binder."""
    org, repo = repository_parts(repository_url)
    if service == "colab":
        colab = launch["colab_url"].rstrip("/")
        return f"{colab}/github/{org}/{repo}/blob/{NOTEBOOKS_BRANCH}/{path}"
    binder = launch["binderhub_url"].rstrip("/")
    return (
        f"{binder}/v2/gh/{org}/{repo}/{NOTEBOOKS_BRANCH}"
        f"?urlpath=lab/tree/{path}"
    )


def theme_settings(config):
    options = config.html_theme_options
    return options.get("repository_url", ""), options.get("launch_buttons", {})


def launch_role(service, label):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        config = inliner.document.settings.env.config
        url = launch_url(
            service, *theme_settings(config), published_path(text.strip())
        )
        return [nodes.reference(rawtext, label, refuri=url)], []

    return role


def site_copy_role(kind):
    """A link to the built site's copy of a chapter's generated notebook."""

    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        _, title, source = split_explicit_title(text)
        docname = inliner.document.settings.env.docname
        # Each edition's pages are in <site>/<language>/<docname>.html
        up = "../" * (docname.count("/") + 1)
        url = f"{up}{SITE_FOLDER}/{published_path(source.strip(), kind)}"
        return [nodes.reference(rawtext, title, refuri=url)], []

    return role


def redirect_launch_buttons(app, pagename, templatename, context, doctree):
    """The chapter page's Colab and Binder buttons open the reader notebook."""
    source = app.env.doc2path(pagename, base=False) if doctree else None
    if source is None or PurePosixPath(source).suffix != ".ipynb":
        return
    repository_url, launch = theme_settings(app.config)
    path = published_path(PurePosixPath(source).as_posix())
    services = {
        "colab": launch.get("colab_url", "").rstrip("/"),
        "binder": launch.get("binderhub_url", "").rstrip("/"),
    }
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            for service, prefix in services.items():
                if prefix and button.get("url", "").startswith(prefix + "/"):
                    button["url"] = launch_url(
                        service, repository_url, launch, path
                    )


def setup(app):
    app.add_role("colab", launch_role("colab", "Colab"))
    app.add_role("binder", launch_role("binder", "Binder"))
    app.add_role("notebook", site_copy_role("reader"))
    app.add_role("student-notebook", site_copy_role("student"))
    # After sphinx-book-theme has made its buttons (priority 501)
    app.connect("html-page-context", redirect_launch_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
