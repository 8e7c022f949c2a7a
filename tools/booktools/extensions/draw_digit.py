"""Sphinx extension: the ``{draw-digit}`` directive, chapter 3's widget.

The directive writes the widget's HTML, its labels in the edition's language
(``language`` in the configuration); ``assets/widget/draw-digit.js`` brings it
to life and ``draw-digit.css`` styles it, on the pages that have one.  After
the build, the site gets, from the site itself and never from a CDN:

- ``_static/widget/``: the script, the style, chapter 1's network as
  ``model.onnx`` and the MNIST test digits a keyboard can load
  (``examples.json``), the last two written by ``make model``;
- ``_static/onnxruntime-web/``: the ONNX Runtime Web files the script loads,
  from the npm package pinned in package.json (``make html`` runs ``npm ci``).

In the reader notebooks (booktools.notebooks) the directive becomes a
link to the widget in the book.
"""

import html
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

WIDGET_FILES = (
    "draw-digit.js",
    "draw-digit.css",
    "model.onnx",
    "examples.json",
)
RUNTIME_PACKAGE = Path("node_modules") / "onnxruntime-web"
# The module draw-digit.js imports (its first line states its MIT licence)
# and the WebAssembly it runs
RUNTIME_FILES = (
    "dist/ort.wasm.bundle.min.mjs",
    "dist/ort-wasm-simd-threaded.wasm",
)

TEXT = {
    "es": {
        "pad": (
            "Lienzo de 280 × 280 píxeles para dibujar un dígito con el "
            "ratón, el dedo o un lápiz"
        ),
        "pad_caption": "Dibuja aquí un dígito",
        "seen": "La imagen de 28 × 28 píxeles que recibe la red",
        "seen_caption": "Lo que ve la red (28×28)",
        "bars": "Probabilidad de cada dígito",
        "clear": "Borrar",
        "examples": "O carga un dígito de test de MNIST:",
        "loading": "Cargando la red…",
        "empty": "Dibuja un dígito en el recuadro o carga uno de MNIST con los botones de abajo.",
        "verdict": "La red cree que es un {digit}, con una probabilidad del {percent}.",
        "percent": "{value}\u00a0%",
        "failed": (
            "No se ha podido cargar la red ({error}). Recarga la página "
            "para volver a intentarlo."
        ),
        "noscript": "Para dibujar un dígito hace falta JavaScript.",
    },
    "en": {
        "pad": "A 280 × 280 pixel canvas to draw a digit on with a mouse, finger or pen",
        "pad_caption": "Draw a digit here",
        "seen": "The 28 × 28 pixel image the network receives",
        "seen_caption": "What the network sees (28×28)",
        "bars": "Probability of each digit",
        "clear": "Clear",
        "examples": "Or load an MNIST test digit:",
        "loading": "Loading the network…",
        "empty": "Draw a digit in the box, or load one from MNIST with the buttons below.",
        "verdict": "The network’s answer is {digit}, with a probability of {percent}.",
        "percent": "{value}%",
        "failed": "The network could not be loaded ({error}). Reload the page to try again.",
        "noscript": "Drawing a digit here needs JavaScript.",
    },
}


class draw_digit(nodes.General, nodes.Element):
    """The widget; only the HTML builder writes it."""


def widget_html(text):
    e = {key: html.escape(value) for key, value in text.items()}
    # The messages the script shows, in the edition's language
    messages = "".join(
        f' data-{key}="{e[key]}"'
        for key in ("empty", "verdict", "percent", "failed")
    )
    bars = "".join(
        f'<li><span class="draw-digit-digit">{digit}</span>'
        '<span class="draw-digit-bar" aria-hidden="true">'
        '<span class="draw-digit-fill"></span></span>'
        f'<span class="draw-digit-value">{e["percent"].format(value="0.0")}</span></li>'
        for digit in range(10)
    )
    examples = "".join(
        f'<button type="button" data-example="{digit}">{digit}</button>'
        for digit in range(10)
    )
    return f"""
<div class="draw-digit" data-state="idle"{messages}>
  <div class="draw-digit-panels">
    <div class="draw-digit-panel">
      <canvas class="draw-digit-pad" width="280" height="280" role="img"
        aria-label="{e["pad"]}"></canvas>
      <span class="draw-digit-caption">{e["pad_caption"]}</span>
    </div>
    <div class="draw-digit-panel">
      <canvas class="draw-digit-seen" width="28" height="28" role="img"
        aria-label="{e["seen"]}"></canvas>
      <span class="draw-digit-caption">{e["seen_caption"]}</span>
    </div>
    <div class="draw-digit-answer">
      <p class="draw-digit-verdict" aria-live="polite">{e["loading"]}</p>
      <ol class="draw-digit-bars" aria-label="{e["bars"]}">{bars}</ol>
    </div>
  </div>
  <div class="draw-digit-controls">
    <button type="button" class="draw-digit-clear">{e["clear"]}</button>
    <span id="draw-digit-examples-label">{e["examples"]}</span>
    <span class="draw-digit-examples" role="group"
      aria-labelledby="draw-digit-examples-label">{examples}</span>
  </div>
  <noscript><p>{e["noscript"]}</p></noscript>
</div>
"""


def visit_html(translator, node):
    translator.body.append(widget_html(TEXT[translator.config.language]))
    raise nodes.SkipNode


def skip(translator, node):
    raise nodes.SkipNode


class DrawDigit(SphinxDirective):
    """``{draw-digit}``: the widget, with no argument, options or content."""

    def run(self):
        if self.config.language not in TEXT:
            raise self.error(
                f"no widget text for language {self.config.language!r}"
            )
        return [draw_digit()]


def add_files(app, pagename, templatename, context, doctree):
    """The script and the style, on the pages that have a widget."""
    if doctree is not None and doctree.next_node(draw_digit) is not None:
        app.add_js_file("widget/draw-digit.js", type="module")
        app.add_css_file("widget/draw-digit.css")


def copy_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.srcdir)
    static = Path(app.outdir) / "_static"
    runtime = source / RUNTIME_PACKAGE
    if not runtime.exists():
        raise ExtensionError(
            f"{runtime} is missing: run `npm ci` (make html does it)"
        )
    for folder in ("widget", "onnxruntime-web"):
        (static / folder).mkdir(parents=True, exist_ok=True)
    for name in WIDGET_FILES:
        shutil.copyfile(
            source / "assets" / "widget" / name, static / "widget" / name
        )
    for name in RUNTIME_FILES:
        shutil.copyfile(
            runtime / name, static / "onnxruntime-web" / Path(name).name
        )


def setup(app):
    app.add_node(
        draw_digit,
        html=(visit_html, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.add_directive("draw-digit", DrawDigit)
    app.connect("html-page-context", add_files)
    app.connect("build-finished", copy_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
