"""Build both editions of the book into _build/html/es/ and _build/html/en/.

`make html` runs this script and the book tests call :func:`build`.  Each
edition is a complete Jupyter Book (Sphinx + myst-nb) build of this
repository: the Spanish one from `_config.yml` and `_toc.yml`, the English one
from the same `_config.yml` with `book/en/_config.yml` laid over it and its own
table of contents (`book_editions` in `_config.yml` names them).  A root
`index.html` sends readers to the Spanish edition and offers the English one.

Before the editions, :mod:`booktools.notebooks` writes each chapter's reader
and student notebooks to ``<output>/notebooks``; the site serves a copy under
``notebooks/``, and each chapter's download button, which links to
``_sources/<chapter>.ipynb``, gets the reader notebook there instead of the
source notebook.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from jupyter_book.sphinx import build_sphinx

from booktools import ROOT
from booktools.editions import edition_config, editions
from booktools.extensions.launch_links import SITE_FOLDER, published_path
from booktools.notebooks.myst import MystError
from booktools.notebooks.publish import generate_all

ROOT_PAGE = """<!DOCTYPE html>
<html lang="es">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="0; url=es/index.html">
  <title>Deep learning con Keras: clasificar dígitos MNIST</title>
</head>
<body>
  <p><a href="es/index.html">Ir al libro en español</a></p>
  <p lang="en"><a href="en/index.html" hreflang="en">Go to the English edition</a></p>
</body>
</html>
"""


def build_edition(language, output):
    """Build one edition into ``output/editions/<language>/html``; return Sphinx's status."""
    toc = editions()[language]
    work = (
        Path(output) / "editions" / language
    )  # doctrees and myst-nb's outputs
    work.mkdir(parents=True, exist_ok=True)
    config_path = work / "_config.yml"
    config_path.write_text(
        yaml.safe_dump(edition_config(language), allow_unicode=True),
        encoding="utf-8",
    )
    return build_sphinx(
        ROOT,
        work / "html",
        noconfig=True,
        path_config=config_path,
        confoverrides={
            "external_toc_path": str(ROOT / toc),
            "nitpicky": True,
            "latex_individualpages": False,
        },
        doctreedir=work / ".doctrees",
        warningiserror=True,
        keep_going=True,
    )


def publish_notebooks(output):
    """Serve the generated notebooks from the site, and let each chapter's
    download button give its reader notebook."""
    notebooks, html = output / "notebooks", output / "html"
    shutil.rmtree(html / SITE_FOLDER, ignore_errors=True)
    shutil.copytree(notebooks, html / SITE_FOLDER)
    for language in editions():
        for source in (html / language / "_sources" / "notebooks").glob(
            "*/*.ipynb"
        ):
            chapter = source.relative_to(html / language / "_sources")
            shutil.copyfile(
                notebooks / published_path(chapter.as_posix()), source
            )


def build(output):
    """Build every edition into ``output/html/<language>``; return 0 on success.

    Each edition is built in a process of its own: Sphinx keeps the interface
    translations it loads in module-level state, so a second build in the same
    process would show the first edition's language.
    """
    output = Path(output)
    status = 0
    try:
        generate_all(output / "notebooks")
    except MystError as error:
        print(f"reader notebooks: {error}", file=sys.stderr)
        status = 1
    for language in editions():
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                __spec__.name,
                "--edition",
                language,
                output,
            ]
        ).returncode
        if result:
            status = result
            continue
        site = output / "html" / language
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(output / "editions" / language / "html", site)
    (output / "html").mkdir(parents=True, exist_ok=True)
    (output / "html" / "index.html").write_text(ROOT_PAGE, encoding="utf-8")
    if status == 0:
        publish_notebooks(output)
    return status


if __name__ == "__main__":
    if sys.argv[1:2] == ["--edition"]:
        sys.exit(build_edition(sys.argv[2], sys.argv[3]))
    sys.exit(build(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build"))
