"""Run reader notebooks in an older environment: ``make compat``.

Colab and other hosted Jupyter services ship their own, often older,
TensorFlow and Keras, and readers open the reader notebooks there.  This
check runs the given chapters' reader notebooks top to bottom in the kernel
``book-compat`` (the environment the Makefile builds from
tools/compat-requirements.txt, kernel profile tools/kernel for offline MNIST)
and prints one verdict line per notebook.  A notebook passes when every cell
runs, the chapter's own asserts included, and no cell writes to stderr.
Outputs are not compared with the stored ones: older versions print other
version numbers and other last digits.

    python -m booktools.compat RUN_FOLDER notebooks/es/01-….ipynb …
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from booktools.extensions.launch_links import published_path

KERNEL = "book-compat"
VERSIONS = (
    "import platform, keras, tensorflow; print('Python', "
    "platform.python_version(), '| TensorFlow', tensorflow.__version__, "
    "'| Keras', keras.__version__)"
)


def stderr_cells(notebook):
    """Numbers (from 0) of the code cells that wrote to stderr."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return [
        number
        for number, cell in enumerate(code)
        if any(output.get("name") == "stderr" for output in cell.outputs)
    ]


def environment():
    """Python, TensorFlow and Keras versions of the kernel's environment."""
    python = KernelSpecManager().get_kernel_spec(KERNEL).argv[0]
    return subprocess.run(
        [python, "-c", VERSIONS],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    ).stdout.strip()


def run(path):
    """Execute one notebook; return its verdict line and whether it passed."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=1800,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        # The kernel's own log (its start-up warnings) is not the notebook's
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as error:
        last_line = str(error).strip().splitlines()[-1]
        return f"FAIL {path.name}: {last_line}", False
    seconds = time.perf_counter() - start
    written = stderr_cells(notebook)
    if written:
        return f"FAIL {path.name}: code cells {written} wrote to stderr", False
    return f"PASS {path.name}: top to bottom in {seconds:.0f} s", True


def main():
    folder, sources = Path(sys.argv[1]), sys.argv[2:]
    print(f"{KERNEL}: {environment()}", flush=True)
    results = []
    for source in sources:
        line, passed = run(folder / published_path(source, "reader"))
        print(line, flush=True)
        results.append(passed)
    if not all(results):
        sys.exit(1)


if __name__ == "__main__":
    main()
