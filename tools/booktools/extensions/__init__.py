"""The book's Sphinx extensions, loaded by their module paths
(``sphinx.extra_extensions`` in `_config.yml`)."""
