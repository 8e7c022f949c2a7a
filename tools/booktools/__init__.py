"""The book's tooling, one package: build, notebooks, extensions, test helpers.

`make` installs it (editable) into `.venv`, so every part imports it by name:
``booktools.editions`` (what an edition is), ``booktools.build_book`` (the
HTML site), ``booktools.notebooks`` (the reader and student notebooks),
``booktools.extensions`` (the Sphinx extensions, loaded from `_config.yml`),
``booktools.testing`` (the pytest plugins, loaded from `pyproject.toml`).
The README's layout section names every module and its job.
"""

from pathlib import Path

# The repository: tools/booktools/__init__.py is two folders down
ROOT = Path(__file__).resolve().parents[2]
