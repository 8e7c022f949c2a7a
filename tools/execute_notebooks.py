"""Run notebooks top to bottom in a fresh kernel and store their outputs.

``make execute`` calls this for every chapter.  Each notebook runs in its own
folder, as nbval runs it.  Keras's progress bar redraws its line hundreds of
times with ``\\r``: merging stream outputs keeps only what a reader would see
(the final line), and no timing metadata is stored, so a re-run only changes
what really changed.
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
        record_timing=False,
        resources={"metadata": {"path": str(Path(path).parent)}},
    ).execute()
    nbformat.write(notebook, path)


if __name__ == "__main__":
    for notebook_path in sys.argv[1:]:
        print(f"Executing {notebook_path}", flush=True)
        execute(notebook_path)
