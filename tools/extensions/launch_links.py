"""Sphinx extension: the roles {colab} and {binder} for the teacher's guide.

``{colab}`notebooks/es/01-clasificacion-mnist-keras.ipynb``` links to that
notebook opened in Colab, and ``{binder}`...``` to it opened in JupyterLab on
Binder.  The links are built from the repository and launch settings of
_config.yml, the one place the repository's address is written, with the same
URL patterns as the launch buttons at the top of every chapter.
"""

from docutils import nodes
from sphinx.errors import ExtensionError


def repository(config):
    options = config.html_theme_options
    url = options.get("repository_url", "").rstrip("/")
    if not url.startswith("https://github.com/"):
        raise ExtensionError(
            "repository.url in _config.yml must be a GitHub repository"
        )
    org, repo = url.removeprefix("https://github.com/").split("/")[:2]
    return (
        org,
        repo,
        options.get("repository_branch", "main"),
        options.get("launch_buttons", {}),
    )


def launch_url(service, config, path):
    org, repo, branch, launch = repository(config)
    if service == "colab":
        colab = launch["colab_url"].rstrip("/")
        return f"{colab}/github/{org}/{repo}/blob/{branch}/{path}"
    binder = launch["binderhub_url"].rstrip("/")
    return f"{binder}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{path}"


def launch_role(service, label):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        config = inliner.document.settings.env.config
        url = launch_url(service, config, text.strip())
        return [nodes.reference(rawtext, label, refuri=url)], []

    return role


def setup(app):
    app.add_role("colab", launch_role("colab", "Colab"))
    app.add_role("binder", launch_role("binder", "Binder"))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
