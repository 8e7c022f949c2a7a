"""The pytest plugins of the book's tests, loaded by their module paths
(``addopts`` in `pyproject.toml`: ``-p booktools.testing.reader_runs``…)."""
