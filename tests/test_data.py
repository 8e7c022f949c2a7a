"""Offline MNIST: the tooling returns the genuine arrays, or one clear sentence."""

import os
import shutil

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from booktools import mnist_offline
from conftest import ROOT

SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
MNIST_DIR = os.environ.get("MNIST_DIR") or (
    str(SHARED_MNIST) if SHARED_MNIST.is_dir() else None
)
needs_mnist = pytest.mark.skipif(
    MNIST_DIR is None, reason="no MNIST IDX files (set MNIST_DIR)"
)


@pytest.fixture(scope="module")
def keras_mnist(monkeypatch_module):
    """What a notebook gets from keras.datasets.mnist.load_data() under the tooling."""
    monkeypatch_module.setenv("MNIST_DIR", MNIST_DIR)
    mnist_offline.install()
    import keras

    return keras.datasets.mnist.load_data()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@needs_mnist
def test_offline_arrays_have_the_shapes_and_dtype_keras_documents(keras_mnist):
    (x_train, y_train), (x_test, y_test) = keras_mnist
    assert x_train.shape == (60000, 28, 28)
    assert y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28)
    assert y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {
        np.dtype("uint8")
    }


@needs_mnist
def test_offline_labels_are_the_genuine_mnist_labels(keras_mnist):
    (_, y_train), (_, y_test) = keras_mnist
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]


@needs_mnist
def test_offline_images_are_full_range_grey_digits(keras_mnist):
    (x_train, _), (x_test, _) = keras_mnist
    assert x_train.min() == 0 and x_train.max() == 255
    # The first training image is a 5: its ink sits in the middle of the frame.
    assert x_train[0, :4].sum() == 0 and x_train[0, 10:18, 10:18].sum() > 0
    assert not np.array_equal(x_train[:10000], x_test)


@needs_mnist
def test_a_corrupted_file_is_rejected_by_its_checksum(tmp_path):
    for name in mnist_offline.CHECKSUMS:
        shutil.copy(os.path.join(MNIST_DIR, name), tmp_path / name)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(mnist_offline.gzip.decompress(labels.read_bytes()))
    raw[8] = (raw[8] + 1) % 10  # change the first test label
    labels.write_bytes(mnist_offline.gzip.compress(bytes(raw)))
    with pytest.raises(
        mnist_offline.MnistUnavailableError, match="SHA-256 mismatch"
    ):
        mnist_offline.load_data(tmp_path)


def test_a_missing_folder_gets_one_clear_sentence(tmp_path):
    with pytest.raises(
        mnist_offline.MnistUnavailableError, match="set MNIST_DIR"
    ):
        mnist_offline.load_data(tmp_path / "nowhere")


def test_without_data_or_internet_a_notebook_shows_one_sentence(tmp_path):
    """The reader's own call, in the tooling's kernel, with no data and no network."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import keras\nkeras.datasets.mnist.load_data()"
        )
    ]
    env = {
        key: value for key, value in os.environ.items() if key != "MNIST_DIR"
    }
    env.update(
        IPYTHONDIR=str(ROOT / "tools" / "kernel"),
        KERAS_HOME=str(
            tmp_path
        ),  # an empty Keras cache: no mnist.npz to fall back on
        https_proxy="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",  # no network
    )
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with pytest.raises(CellExecutionError):
        client.execute(env=env)
    error = notebook.cells[0].outputs[-1]
    assert error["ename"] == "MnistUnavailableError"
    assert error["traceback"] == [
        f"MnistUnavailableError: {mnist_offline.HOW_TO_PROVIDE}"
    ]
