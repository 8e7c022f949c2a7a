# The IPython profile of the kernels that `make test` (nbval) and `make execute`
# start; the Makefile points IPYTHONDIR here.  Notebooks never depend on it.
# The kernels of the reader notebooks' slim environment read it too, so it
# needs only the standard library and NumPy, and it puts nothing of the
# book's tooling on the kernel's import path.
import contextlib
import importlib.util
import os
from pathlib import Path

c = get_config()  # noqa: F821 (IPython defines get_config in its config files)

# 1. keras.datasets.mnist.load_data() works without internet
#    (tools/booktools/mnist_offline.py): an import hook that patches Keras
#    when the notebook imports it.  Loaded from its file, not imported by
#    name: the reader's environment (.venv-reader) does not have the book's
#    tooling installed, and must not (the reader runs check it), and this
#    one module needs only the standard library and NumPy.
_offline = (
    Path(__file__).resolve().parents[2] / "booktools" / "mnist_offline.py"
)
_spec = importlib.util.spec_from_file_location("mnist_offline", _offline)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
_module.install()

# 2. TensorFlow's C++ libraries write log lines straight to file descriptor 2
#    when they load, before any setting can silence them.  Like Colab, keep
#    that low-level output in the kernel's log instead of the notebook.
#    Python warnings (sys.stderr) still reach the notebook, where the book's
#    build treats them as errors.
c.IPKernelApp.capture_fd_output = False

# 3. Keep the kernel from writing a history database into the repository.
c.HistoryManager.enabled = False

# 4. keras.utils.get_file finds the book's own data files (assets/data, such
#    as the appendix's seed-spread.csv) already in Keras's cache, without
#    internet: a private Keras folder under _build/ whose datasets/ holds a
#    link to each file.  Only those links: a file Keras downloads lands in
#    _build/, never in assets/.
ROOT = Path(__file__).resolve().parents[3]
KERAS_DATASETS = ROOT / "_build" / "keras-home" / "datasets"
KERAS_DATASETS.mkdir(parents=True, exist_ok=True)
for data_file in (ROOT / "assets" / "data").iterdir():
    # Kernels start side by side (make test): another may have made it
    with contextlib.suppress(FileExistsError):
        (KERAS_DATASETS / data_file.name).symlink_to(data_file)
os.environ["KERAS_HOME"] = str(KERAS_DATASETS.parent)
