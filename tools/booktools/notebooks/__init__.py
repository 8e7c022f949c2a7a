"""Reader and student notebooks: each chapter as it reads outside the book.

A chapter's source notebook is written for myst-nb: its Markdown quotes the
run's numbers with ``{glue:text}`` and cites with ``{cite:p}``, which Colab
and Jupyter show raw.  From each executed source notebook this package makes

- a **reader notebook** (``es/01-….ipynb``, :mod:`.reader`): every MyST role
  and directive resolved into plain Markdown that Jupyter and Colab render
  (:mod:`.commonmark`: a glued value formatted as the book formats it, with
  myst-nb's own function and the edition's number rule; a citation as
  "(Chollet et al., 2015)" in the edition's language, linked to its entry on
  the published references page, :mod:`.citations`; a link into the book as
  an absolute link to the published book); the stored outputs kept, so
  figures and results show before anything runs; the tooling left out
  (glue-only ``remove-cell`` cells, glue records, nbval and other tooling
  tags, myst-nb metadata, whose figure captions become a caption line under
  the figure); the code of every remaining cell byte-identical; a first cell
  that says what the notebook is, links to the chapter in the book and has
  the Colab badge; and the chapter's References section ending with the
  works it cites;
- a **student notebook** (``es/estudiante/01-….ipynb``, :mod:`.student`):
  the reader notebook without the exercises' solutions.  The tooling never
  guesses: a solution is a ``<details>`` block whose summary is
  "Solución"/"Solution" (prose that answers an exercise is always folded in
  one), or a code cell tagged ``solution`` (each run of them becomes one
  empty stub cell).

A role or directive the generator does not know stops the generation with
the notebook and cell it is in (:class:`.myst.MystError`): a new construct in
a chapter must be taught to :mod:`.commonmark` before it can leak into Colab.
``make notebooks`` writes them to ``_build/notebooks/`` (:mod:`.publish`),
with the slim ``requirements.txt`` and ``runtime.txt`` that Binder reads;
``make html`` does it too and the site serves a copy
(:mod:`booktools.build_book`); the GitHub Actions workflow publishes the
folder as the ``notebooks`` branch, which Colab and Binder open.
"""
