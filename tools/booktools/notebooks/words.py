"""The words the generated notebooks add, in each edition's language: the
first cell's text, the Colab badge, the student's stub, the headings the
generator looks for, figure labels and admonition titles."""

TEXT = {
    "es": {
        "reader": (
            "**Cuaderno de lectura** de *{book}*: el capítulo tal como se lee "
            "en [el libro]({chapter}), con las cifras y las citas ya escritas "
            "y los resultados de una ejecución completa guardados. Puedes "
            "leerlo sin ejecutar nada, o ejecutarlo de principio a fin."
        ),
        "student": (
            "**Cuaderno del estudiante** de *{book}*: el capítulo tal como "
            "está en [el libro]({chapter}), pero sin las soluciones de los "
            "ejercicios. Escribe cada respuesta de código en la celda que "
            "dice `{stub}`."
        ),
        "badge": "Abrir en Colab",
        "stub": "# Escribe aquí tu solución",
        "exercises": "Ejercicios",
        "solution": "Solución",
        "references": "Referencias",
        "works_cited": (
            "Las obras que cita este capítulo, con su entrada en las "
            "[referencias del libro]({page}):"
        ),
        "figure": "Figura {}",
        "description": "Descripción de la figura",
        "draw_digit": (
            "> **En el libro.** El recuadro para dibujar un dígito solo "
            "existe en la página web de este capítulo: ábrela en "
            "[el libro]({url}) y dibuja con el ratón, el dedo o un lápiz; "
            "la red del capítulo 1 te contestará desde tu navegador."
        ),
        "admonitions": {
            "admonition": "",
            "attention": "Atención",
            "caution": "Precaución",
            "danger": "Peligro",
            "error": "Error",
            "hint": "Pista",
            "important": "Importante",
            "note": "Nota",
            "seealso": "Véase también",
            "tip": "Consejo",
            "warning": "Advertencia",
        },
    },
    "en": {
        "reader": (
            "**Reader notebook** of *{book}*: the chapter as it reads in "
            "[the book]({chapter}), with its numbers and citations written "
            "out and the results of a full run stored. Read it without "
            "running anything, or run it from top to bottom."
        ),
        "student": (
            "**Student notebook** of *{book}*: the chapter as it is in "
            "[the book]({chapter}), without the exercises' solutions. Write "
            "each code answer in the cell that says `{stub}`."
        ),
        "badge": "Open in Colab",
        "stub": "# Write your solution here",
        "exercises": "Exercises",
        "solution": "Solution",
        "references": "References",
        "works_cited": (
            "The works this chapter cites, with their entries in the book's "
            "[references]({page}):"
        ),
        "figure": "Fig. {}",
        "description": "Description of the figure",
        "draw_digit": (
            "> **In the book.** You can draw a digit only on this chapter's "
            "web page: open it in [the book]({url}) and draw with a mouse, "
            "a finger or a pen; chapter 1's network will classify the digit "
            "in your browser."
        ),
        "admonitions": {
            "admonition": "",
            "attention": "Attention",
            "caution": "Caution",
            "danger": "Danger",
            "error": "Error",
            "hint": "Hint",
            "important": "Important",
            "note": "Note",
            "seealso": "See also",
            "tip": "Tip",
            "warning": "Warning",
        },
    },
}
