"""Run notebooks top to bottom in a fresh kernel and store their outputs.

``make execute`` calls this for every chapter.  Each notebook runs in its own
folder, as the tests run it.  Keras's progress bar redraws its line hundreds
of times with ``\\r``: merging stream outputs keeps only what a reader would
see (the final line).  Each cell's start and end times are stored in its
metadata (``execution``): the chapters and the teacher's guide state how long
a chapter takes to run, and tests/test_notebooks.py compares those figures
with the times recorded here.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=1800,
        kernel_name="python3",
        coalesce_streams=True,
        record_timing=True,
        resources={"metadata": {"path": str(Path(path).parent)}},
    ).execute()
    nbformat.write(notebook, path)


if __name__ == "__main__":
    for notebook_path in sys.argv[1:]:
        print(f"Executing {notebook_path}", flush=True)
        execute(notebook_path)
