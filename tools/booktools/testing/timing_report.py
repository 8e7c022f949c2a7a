"""A pytest plugin: where the minutes of `make test` go.

At the end of the run it prints one short table: each notebook's execution
time under nbval (every cell, kernel start included), the time of the other
tests together, and the run's wall time, with how many workers shared it.
The sum of the rows over the wall time says how well the workers kept the
machine busy.  pyproject.toml loads it (``-p booktools.testing.timing_report``).
"""

import os
import time
from collections import defaultdict

_started = time.perf_counter()
_seconds = defaultdict(float)


def pytest_sessionstart(session):
    global _started
    _started = time.perf_counter()


def pytest_runtest_logreport(report):
    # Under pytest-xdist the controller receives every worker's reports.
    _seconds[report.nodeid.split("::")[0]] += report.duration


def rows(seconds):
    """``(label, seconds)`` rows: each notebook, then the other tests."""
    notebooks = sorted(
        (path, spent)
        for path, spent in seconds.items()
        if path.endswith(".ipynb")
    )
    others = sum(
        spent for path, spent in seconds.items() if not path.endswith(".ipynb")
    )
    return [*notebooks, ("the other tests (tests/)", others)]


def minutes(seconds):
    return f"{int(seconds // 60)} min {seconds % 60:4.1f} s"


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "workerinput") or not _seconds:
        return
    wall = time.perf_counter() - _started
    workers = getattr(config.option, "numprocesses", None) or 1
    threads = os.environ.get("TF_NUM_INTRAOP_THREADS")
    threads = f"{threads} TensorFlow thread(s)" if threads else "all cores"
    write = terminalreporter.write_line
    terminalreporter.section("where the time went")
    table = rows(_seconds)
    width = max(len(label) for label, _ in table)
    for label, spent in table:
        write(f"{label:<{width}}  {spent:7.1f} s")
    busy = sum(spent for _, spent in table)
    write(f"{'sum of the rows':<{width}}  {busy:7.1f} s")
    write(
        f"wall time {minutes(wall)} with {workers} worker(s), "
        f"{threads} each: the rows add up to "
        f"{busy / wall:.2f} times the wall time"
    )
