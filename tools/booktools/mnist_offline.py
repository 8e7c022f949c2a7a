"""Offline MNIST for the book's tooling (tests and ``make execute``).

The notebooks call ``keras.datasets.mnist.load_data()`` exactly as a reader
does in Colab.  Online, Keras downloads ``mnist.npz``.  The machines that test
and build this book have no internet, so the kernel they start (see
``tools/kernel``) calls :func:`install`, which replaces that one function with
:func:`load_data` below as soon as Keras is imported:

* ``MNIST_DIR`` set: the arrays come from the four genuine IDX files in that
  folder, after their decompressed SHA-256 checksums are verified.  They are
  the same arrays Keras returns (``tests/test_data.py`` proves it).
* ``MNIST_DIR`` unset: Keras downloads as usual; if that fails, the reader gets
  one sentence saying how to provide the data instead of a socket traceback.

Nothing here is imported by a notebook.
"""

import gzip
import hashlib
import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

# SHA-256 of the decompressed IDX files (the official MNIST files).
CHECKSUMS = {
    "train-images-idx3-ubyte.gz": (
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
    ),
    "train-labels-idx1-ubyte.gz": (
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
    ),
}

HOW_TO_PROVIDE = (
    "MNIST is not available: connect to the internet so that Keras can download "
    "mnist.npz, or set MNIST_DIR to a folder with the four MNIST IDX files "
    "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
    "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)."
)

KERAS_MNIST_MODULE = "keras.src.datasets.mnist"


class MnistUnavailableError(RuntimeError):
    """No MNIST data could be had. IPython shows only its message."""

    def _render_traceback_(self):
        # IPython's hook: print these lines instead of a traceback.
        return [f"{type(self).__name__}: {self}"]


def read_idx(path):
    """Decompress one IDX file, check its checksum and return its array."""
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise MnistUnavailableError(
            f"{path} cannot be read ({error}). {HOW_TO_PROVIDE}"
        ) from None
    if hashlib.sha256(raw).hexdigest() != CHECKSUMS[path.name]:
        raise MnistUnavailableError(
            f"{path} does not hold the genuine MNIST data (SHA-256 mismatch). {HOW_TO_PROVIDE}"
        )
    # Header: two zero bytes, the type code (0x08 = uint8), the number of
    # dimensions, then each dimension as a big-endian uint32.
    ndim = raw[3]
    shape = tuple(
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(
        shape
    )


def load_data(mnist_dir):
    """Return ``((x_train, y_train), (x_test, y_test))`` as Keras does."""
    folder = Path(mnist_dir)
    x_train, y_train, x_test, y_test = (
        read_idx(folder / name)
        for name in (
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
        )
    )
    return (x_train, y_train), (x_test, y_test)


def offline_load_data(keras_load_data):
    """Wrap Keras's ``load_data`` with the behaviour described above."""

    def load_mnist(path="mnist.npz"):
        mnist_dir = os.environ.get("MNIST_DIR")
        if mnist_dir:
            return load_data(mnist_dir)
        try:
            return keras_load_data(path)
        except Exception:
            raise MnistUnavailableError(HOW_TO_PROVIDE) from None

    load_mnist.__doc__ = keras_load_data.__doc__
    load_mnist.keras_load_data = keras_load_data
    return load_mnist


class _PatchKerasMnist(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import hook: patch ``load_data`` right after Keras defines it.

    Patching on import (not by importing Keras here) keeps TensorFlow out of
    the kernel until the notebook itself imports it.
    """

    def find_spec(self, fullname, path, target=None):
        if fullname != KERAS_MNIST_MODULE:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        self._original_loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._original_loader.create_module(spec)

    def exec_module(self, module):
        self._original_loader.exec_module(module)
        module.load_data = offline_load_data(module.load_data)


def install():
    """Make ``keras.datasets.mnist.load_data`` work offline in this process."""
    if KERAS_MNIST_MODULE in sys.modules:
        # Keras is imported already, and its public modules hold their own
        # reference to load_data (keras.datasets.mnist re-exports it):
        # replace it wherever it is.
        original = sys.modules[KERAS_MNIST_MODULE].load_data
        if hasattr(original, "keras_load_data"):
            return
        offline = offline_load_data(original)
        for module in list(sys.modules.values()):
            if getattr(module, "load_data", None) is original:
                module.load_data = offline
    elif not any(
        isinstance(finder, _PatchKerasMnist) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _PatchKerasMnist())
