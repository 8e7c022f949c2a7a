# The IPython profile of the kernels that `make test` (nbval) and `make execute`
# start; the Makefile points IPYTHONDIR here.  Notebooks never depend on it.
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (IPython defines get_config in its config files)

# 1. keras.datasets.mnist.load_data() works without internet (tools/mnist_offline.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
c.InteractiveShellApp.exec_lines = [
    "import mnist_offline; mnist_offline.install(); del mnist_offline",
]

# 2. TensorFlow's C++ libraries write log lines straight to file descriptor 2
#    when they load, before any setting can silence them.  Like Colab, keep
#    that low-level output in the kernel's log instead of the notebook.
#    Python warnings (sys.stderr) still reach the notebook, where the book's
#    build treats them as errors.
c.IPKernelApp.capture_fd_output = False

# 3. Keep the kernel from writing a history database into the repository.
c.HistoryManager.enabled = False
