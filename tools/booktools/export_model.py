"""Chapter 1's network for the draw-a-digit widget: ``make model``.

Trains chapter 1's network exactly as the chapter does, by running the
chapter's own code (booktools.spread's script, with its seed and its asserts),
then exports the trained network to ONNX with Keras's ``model.export`` and
checks the export: ONNX Runtime must give Keras's probabilities on the whole
test set.  It writes, under ``assets/widget/``:

- ``model.onnx``: the network, input ``(n, 784)`` pixels from 0 to 1, output
  the ten probabilities; rewritten only when its probabilities on the test
  set change (tf2onnx names its constants differently on each run);
- ``examples.json``: the first test image of each digit, which a reader can
  load into the widget from the keyboard.

Both files are committed; this step is the only thing that writes them.

    python -m booktools.export_model [--output FOLDER]
"""

import argparse
import functools
import json
import tempfile
import warnings
from pathlib import Path

import numpy as np

from booktools import ROOT, spread

OUTPUT = ROOT / "assets" / "widget"
CHAPTER = 1
# The export and ONNX Runtime must agree this closely on every probability
TOLERANCE = 1e-5

# Run after the chapter's code, in its namespace
SAVE = """
model.save({path!r})
print(json.dumps({{"test_accuracy": float(test_accuracy)}}))
"""


def train(folder):
    """Run chapter 1's code in ``folder``; return the saved Keras model's path
    and the test accuracy the chapter reported."""
    path = Path(folder) / "chapter1.keras"
    code = spread.chapter_script(
        CHAPTER,
        spread.chapter_seed(CHAPTER),
        asserts=True,
        report=SAVE.format(path=str(path)),
    )
    report = spread.run_script(code, folder, f"chapter {CHAPTER}")
    return path, report["test_accuracy"]


@functools.cache
def mnist_test_set():
    """MNIST's test images as the network reads them, and their labels."""
    import keras

    from booktools import mnist_offline

    mnist_offline.install()
    _, (images, labels) = keras.datasets.mnist.load_data()
    return images, labels


def onnx_probabilities(model_path, pixels):
    """The probabilities ONNX Runtime gives for ``pixels`` (n, 784), 0 to 1."""
    import onnxruntime

    session = onnxruntime.InferenceSession(
        str(model_path), providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return session.run(None, {name: pixels.astype("float32")})[0]


def as_input(images):
    """(n, 28, 28) integers 0-255 -> (n, 784) reals 0-1, as chapter 1 does."""
    return images.reshape(-1, 784).astype("float32") / 255


def export(keras_path, onnx_path):
    """Export the saved Keras model to ONNX; return the largest difference
    between the two models' probabilities on the test set, and ONNX
    Runtime's probabilities."""
    import keras

    model = keras.models.load_model(keras_path)
    images, _ = mnist_test_set()
    pixels = as_input(images)
    model(pixels[:1])  # the export needs a model that has been called
    with tempfile.TemporaryDirectory() as folder:
        exported = Path(folder) / "model.onnx"
        with warnings.catch_warnings():
            # Keras's copy of tf2onnx asks NumPy for `np.object`, which
            # NumPy 2 warns about; the export does not depend on it
            warnings.filterwarnings("ignore", "In the future `np.object`")
            model.export(str(exported), format="onnx", verbose=False)
        expected = model.predict(pixels, verbose=0)
        probabilities = onnx_probabilities(exported, pixels)
        difference = float(np.abs(probabilities - expected).max())
        if difference > TOLERANCE:
            raise RuntimeError(
                f"ONNX Runtime differs from Keras by {difference:.2e}"
            )
        # tf2onnx numbers its constants differently from run to run: the
        # file changes only when what it computes does
        unchanged = onnx_path.exists() and np.array_equal(
            onnx_probabilities(onnx_path, pixels), probabilities
        )
        if not unchanged:
            onnx_path.parent.mkdir(parents=True, exist_ok=True)
            onnx_path.write_bytes(exported.read_bytes())
    return difference, probabilities


def examples():
    """The first test image of each digit, for the widget's keyboard path."""
    images, labels = mnist_test_set()
    chosen = []
    for digit in range(10):
        index = int(np.flatnonzero(labels == digit)[0])
        chosen.append(
            {
                "index": index,
                "label": digit,
                "pixels": images[index].reshape(-1).tolist(),
            }
        )
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        keras_path, test_accuracy = train(folder)
        onnx_path = options.output / "model.onnx"
        difference, probabilities = export(keras_path, onnx_path)
    _, labels = mnist_test_set()
    predicted = probabilities.argmax(axis=1)
    (options.output / "examples.json").write_text(
        json.dumps(examples(), separators=(",", ":")) + "\n", encoding="utf-8"
    )
    size = onnx_path.stat().st_size / 2**20
    print(f"Chapter {CHAPTER}'s test accuracy (Keras): {test_accuracy:.4f}")
    print(
        f"Test accuracy with ONNX Runtime:   {np.mean(predicted == labels):.4f}"
    )
    print(f"Largest probability difference:    {difference:.1e}")
    print(f"{onnx_path}: {size:.2f} MiB")


if __name__ == "__main__":
    main()
