"""Announced answers: gr.HTML templates whose changes a screen reader reads out, politely (ARIA live regions).

A live region must already be in the page when its content changes (one added with the new content is not read),
so the announcement is a wrapper in the component's template, around `${value}`: Gradio patches what is inside it
and keeps the wrapper. `aria-atomic` reads the whole answer, not only the words that changed. Used for the rune
card and the reading of an inscription (ANSWER) and for the messages after Save, Correct and Teach (STATUS);
ui/guess.js marks the card's block busy while a stroke is drawn, so only the answer at pen-up is read.
"""

from __future__ import annotations

ANSWER = '<div class="announced" aria-live="polite" aria-atomic="true">${value}</div>'
STATUS = '<div class="announced" role="status" aria-atomic="true">${value}</div>'  # role=status: polite
