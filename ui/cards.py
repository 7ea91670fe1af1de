"""HTML for the answers: rune cards, "not a rune", inscriptions, prompts, the reference strip.

Plain functions of library values (rune ids, `Prediction`, `Inscription`) to HTML strings; the looks
are in style.css. Every runic letter sits in text that the page renders with the bundled runic font.
"""

from __future__ import annotations

import html

from runes import RUNES, Prediction, get_rune
from runes.inscription import Inscription
from runes.labels import BLUETOOTH
from runes.rows import DEFAULT_ROW, get_row
from runes.writing import Transliteration
from ui import rows

DRAW_PROMPT = "Draw a rune"
ERROR_LABEL = "Can't read that"
NOT_A_RUNE_LABEL = "Not a rune"
BLUETOOTH_LABEL = "Bluetooth logo (ᚼ+ᛒ)"
INSCRIPTION_PROMPT = "Write a few runes left to right. Separate words with a dot (᛫), two dots (:) or a wider gap."
TOP_K = 5
YOUNGER_ROWS = ("younger", "long-branch", "short-twig")
_LONE = (
    "The short-twig ᛌ (sól) and ᛧ (yr) are a lone short stroke: in the short-twig row one drawn on its own is "
    "read by where it sits (high ᛌ, low ᛧ), in the Younger Futhark (both forms) as ᛁ (íss); in the Inscription "
    "tab a short stroke high in the line reads as ᛌ, low in the line as ᛧ."
)
REFERENCE_NOTES = {
    "younger": "Long-branch form first, short-twig form second where it differs. " + _LONE,
    "long-branch": "The long-branch runes of the Viking Age, the forms of most Danish rune stones.",
    "short-twig": "The short-twig runes of the Viking Age, quicker to carve, used in Sweden and Norway. " + _LONE,
    "elder": "The oldest runes, c. 150–800, from Scandinavia to the Black Sea; a Proto-Germanic name for each, as "
    "reconstructed. The Younger Futhark grew out of it in the 8th century, with fewer runes.",
}

_esc = html.escape
READ_TEXT_TAB, READ_TEXT_INPUT = "Runic text", "runic-input"  # the tab the Inscription's reading can be read in


def copy_button(text: str, what: str, label: str = "Copy") -> str:
    """A button that copies `text` when pressed (ui/keys.js); `what` names it for screen readers: "the rune ᚠ"."""
    return (
        f'<button type="button" class="copy-button" data-copy="{_esc(text)}" aria-label="Copy {_esc(what)}">'
        f"{_esc(label)}</button>"
    )


def code_points(text: str) -> str:
    """Unicode code points as people write them: "U+16A0", "U+16BC U+16BD"."""
    return " ".join(f"U+{ord(char):04X}" for char in text)


def empty_card() -> str:
    return (
        f'<div class="rune-card empty">{DRAW_PROMPT} in the box: one rune, big. The best guess follows your pen.</div>'
    )


def error_card(message: str) -> str:
    return f'<div class="rune-card error">⚠️ {_esc(message)}</div>'


# The confidence line under a rune card, by the best guess's probability (the first floor it reaches). The page
# (ui/answer.js) fills the same lines: {best} is a percentage, {runner} the next guess with its percentage.
CONFIDENCE_LINES = (
    (0.9, "Confident: {best}."),
    (0.6, "Fairly sure: {best}; next guess {runner}."),
    (0.0, "Unsure: only {best}; it could also be {runner}. Try a cleaner, larger stroke."),
)
# Slots the page fills in the card frames below (ui/answers.py hands it the frames): escaped text or, for
# NEAREST_SLOT, NEAREST spans.
CONFIDENCE_SLOT, NEAREST_SLOT, ROW_WORDS_SLOT = "{confidence}", "{nearest}", "{row_words}"
NEAREST = '<span class="nearest">{label}</span>'


def confidence_line(top: list[tuple[str, float]], row: str = DEFAULT_ROW) -> str:
    best_p = top[0][1]
    runner = f"{get_row(row).label(top[1][0])} ({top[1][1]:.0%})" if len(top) > 1 else ""
    line = next(line for floor, line in CONFIDENCE_LINES if best_p >= floor)
    return line.replace("{best}", f"{best_p:.0%}").replace("{runner}", runner)


def rune_card(prediction: Prediction) -> str:
    """The card of a rune read in its row: glyph (and the other Younger form), name, sound, meaning."""
    frame = rune_card_frame(prediction.row, prediction.rune, prediction.glyph)
    return frame.replace(CONFIDENCE_SLOT, _esc(confidence_line(prediction.top(TOP_K), prediction.row)))


def rune_card_frame(row_id: str, rune_id: str, glyph: str) -> str:
    """A rune card with CONFIDENCE_SLOT for its confidence line; `glyph` is the form drawn."""
    row = get_row(row_id)
    rune = row.rune(rune_id)
    if rune.short_twig_glyph:  # a Younger rune with two forms: the form drawn first, large
        both = [("long-branch", rune.glyph), ("short-twig", rune.short_twig_glyph)]
        if glyph == rune.short_twig_glyph:
            both.reverse()
        glyphs = "".join(
            f'<span class="glyph {size}" title="{form} form">{_esc(shown)}</span>'
            for size, (form, shown) in zip(("long", "short"), both, strict=True)
        )  # class: the size shown
        forms = "long-branch and short-twig forms"
    else:
        glyphs = f'<span class="glyph long">{_esc(glyph)}</span>'
        forms = (
            "one form in both rows"
            if row.id in YOUNGER_ROWS
            else f"{rows.in_words(row.id)}, {row.period.replace('-', '–')}"
        )
    return (
        f'<div class="rune-card" data-rune="{_esc(rune.id)}" data-row="{_esc(row.id)}">'
        f'<div class="glyphs">{glyphs}</div>'
        f'<div class="info"><p class="name">{_esc(rune.name)}</p>'
        f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · Meaning: {_esc(rune.meaning)}</p>"
        f'<p class="forms">{_esc(forms)}</p>'
        f'<p class="copy-line"><span class="codepoint">{code_points(glyph)}</span> '
        f"{copy_button(glyph, f'the rune {glyph}', f'Copy the rune {glyph}')}</p>"
        f'<p class="confidence">{CONFIDENCE_SLOT}</p></div></div>'
    )


def not_a_rune_card(top: list[tuple[str, float]], row: str = DEFAULT_ROW) -> str:
    the_row = get_row(row)
    nearest = " ".join(NEAREST.replace("{label}", _esc(the_row.label(rune_id))) for rune_id, _ in top)
    return not_a_rune_frame(row).replace(NEAREST_SLOT, nearest)


def not_a_rune_frame(row: str) -> str:
    """The "not a rune" card of a row, with NEAREST_SLOT for the nearest runes."""
    return (
        '<div class="rune-card not-rune" data-rune="">'
        '<div class="info"><p class="name">This doesn\'t look like a rune</p>'
        f"<p>None of the {len(get_row(row).runes)} runes of the {_esc(rows.in_words(row))} matches it well. "
        "Try one of the runes below, drawn big.</p>"
        f'<p class="nearest-runes">Nearest: {NEAREST_SLOT}</p></div></div>'
    )


def elsewhere_card(prediction: Prediction) -> str:
    """A rune, but of another row than the one chosen: say which rune, and of which row."""
    other_id, rune_id = prediction.elsewhere
    return elsewhere_frame(other_id, rune_id).replace(ROW_WORDS_SLOT, _esc(rows.in_words(prediction.row)))


def elsewhere_frame(other_id: str, rune_id: str) -> str:
    """The card of a rune of row `other_id` drawn in another row, with ROW_WORDS_SLOT for the row chosen."""
    other = get_row(other_id)
    rune = other.rune(rune_id)
    return (
        f'<div class="rune-card elsewhere" data-rune="" data-elsewhere="{_esc(other_id)}:{_esc(rune_id)}">'
        f'<div class="glyphs"><span class="glyph long">{_esc(other.glyph(rune_id))}</span></div>'
        '<div class="info"><p class="name">A rune of another row</p>'
        f"<p>Not a rune of the {ROW_WORDS_SLOT}: that is <b>{_esc(other.label(rune_id))}</b>, "
        f"from the {_esc(rows.in_words(other_id))}.</p>"
        f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · Meaning: {_esc(rune.meaning)}</p>"
        f'<p class="forms">Choose “{_esc(rows.CHOICES.get(other_id, other.name))}” above to read it in its row.</p>'
        "</div></div>"
    )


def bluetooth_card() -> str:
    return (
        f'<div class="rune-card bluetooth" data-rune="{BLUETOOTH}">'
        '<div class="glyphs"><span class="glyph long">ᚼ</span><span class="glyph long">ᛒ</span></div>'
        '<div class="info"><p class="name">That\'s the Bluetooth logo!</p>'
        "<p>It is a bind rune: ᚼ (h) and ᛒ (b) drawn on one stem, the initials of Harald Bluetooth "
        "(Haraldr Blátǫnn), the 10th-century king who united Denmark and Norway, and whom the wireless "
        "standard is named after.</p></div></div>"
    )


def answer(prediction: Prediction) -> tuple[dict[str, float], str]:
    """A prediction as (top guesses for gr.Label, card HTML), in the row it was read in."""
    top, row = prediction.top(TOP_K), get_row(prediction.row)
    if getattr(prediction, "symbol", None):  # a symbol the visitor taught (runes.teach)
        symbols = sorted(prediction.symbols.items(), key=lambda item: -item[1])[:TOP_K]
        return (
            {f"✎ {name}": float(p) for name, p in symbols},
            f'<div class="rune-card taught" data-rune="" data-symbol="{_esc(prediction.symbol)}"><div class="info">'
            f'<p class="name">✎ {_esc(prediction.symbol)}</p><p>Not a rune: the symbol you taught it.</p></div></div>',
        )
    if prediction.is_rune:  # the best guess in the form drawn (ᛐ týr), the others as the row writes them
        labels = {
            (prediction.label if rune_id == prediction.rune else row.label(rune_id)): float(p) for rune_id, p in top
        }
        return labels, rune_card(prediction)
    # Not a rune (of this row): say so first; the nearest runes follow, scaled by how rune-like the sketch is.
    verdict = (
        BLUETOOTH_LABEL
        if prediction.bluetooth
        else rows.not_of_row(row.id)
        if prediction.elsewhere
        else NOT_A_RUNE_LABEL
    )
    label = {verdict: 1.0 - prediction.rune_probability}
    label.update({row.label(rune_id): float(p) * prediction.rune_probability for rune_id, p in top[:3]})
    card = (
        bluetooth_card()
        if prediction.bluetooth
        else elsewhere_card(prediction)
        if prediction.elsewhere
        else not_a_rune_card(top[:3], row.id)
    )
    return label, card


def empty_answer() -> tuple[str, str]:
    return DRAW_PROMPT, empty_card()


def failed_answer(message: str) -> tuple[str, str]:
    return ERROR_LABEL, error_card(message)


def empty_reading() -> tuple[str, None]:
    return inscription_html(None, INSCRIPTION_PROMPT), None


def failed_reading(message: str) -> tuple[str, None]:
    return inscription_html(None, "⚠️ " + message), None


def flag_note(rune_id: str, guess: str, flag: str | None) -> str:
    """A gentle sentence for a contribution kept aside (runes.store.flag_for), or ""."""
    if flag == "not_a_rune":
        return (
            f" It didn't look much like {get_rune(rune_id).label} to the model, so it is kept aside for a "
            "person to check."
        )
    if flag:
        return f" The model read {get_rune(guess).label}, so it is kept aside for a person to check."
    return ""


def reference_strip(row_id: str = DEFAULT_ROW) -> str:
    """The row's runes (heading, glyph, name, sound) with a footnote on how they are read."""
    row = get_row(row_id)
    cells = "".join(
        f'<div class="cell" data-rune="{_esc(rune.id)}" title="{_esc(rune.meaning)}">'
        f'<div class="glyph">{_esc(rune.glyphs if row.forms == "both" else row.glyph(rune.id))}</div>'
        f'<div class="name">{_esc(rune.name)}</div><div class="translit">{_esc(rune.transliteration)}</div></div>'
        for rune in row.runes
    )
    heading = f"The {len(row.runes)} runes of the {rows.in_words(row.id)}"
    note = REFERENCE_NOTES.get(row.id, f"{row.name}, {row.period}.")
    return (
        f'<div class="rune-reference" data-row="{_esc(row.id)}"><h2>{_esc(heading)}</h2>'
        f'<div class="rune-strip">{cells}</div><p class="rune-footnote">{_esc(note)}</p></div>'
    )


def inscription_html(inscription: Inscription | None, message: str = "") -> str:
    if inscription is None:
        return f'<div class="inscription empty">{_esc(message)}</div>'
    if not inscription.runes:
        return (
            '<div class="inscription none" data-transliteration="">'
            "<p>I can't find any runes in that. Write a few runes left to right, each one drawn big "
            "and clear.</p></div>"
        )
    words = " · ".join(
        " ".join(f"{reading.glyph}={reading.transliteration}" for reading in word) for word in inscription.words
    )
    return (
        f'<div class="inscription" data-transliteration="{_esc(inscription.transliteration)}">'
        f'<p class="runic-text">{_esc(inscription.text)}</p>'
        f'<p class="latin">{_esc(inscription.transliteration)}</p>'
        f'<p class="rune-footnote">{len(inscription.runes)} runes in {len(inscription.words)} '
        f"word(s): {_esc(words)}</p>"
        f'<p class="copy-line">{copy_button(inscription.text, "the runes", "Copy the runes")} '
        f'<button type="button" class="read-text-button" data-read-text="{_esc(inscription.text)}" '
        f'data-tab="{READ_TEXT_TAB}" data-target="{READ_TEXT_INPUT}">Read it in “{READ_TEXT_TAB}”</button></p></div>'
    )


def name_html(written: Transliteration) -> str:
    """A name in runes, with a line on what the row merged, wrote once or left out."""
    if not written.text:
        left = f" ({', '.join(written.left_out)} have no rune)" if written.left_out else ""
        return f'<div class="name-runes empty">Type a name or a word to see it in runes{_esc(left)}.</div>'
    notes = []
    if written.merged:
        notes.append(
            f"The {get_row(written.row).name} has fewer runes than we have letters: " + "; ".join(written.merged) + "."
        )
    if written.written_once:
        notes.append(
            f"A sound written twice is written once, as on the rune stones ({', '.join(written.written_once)})."
        )
    if written.left_out:
        notes.append(f"Left out (no rune): {' '.join(written.left_out)}")
    return (
        f'<div class="name-runes" data-runes="{_esc(written.text)}"><p class="runic-text">{_esc(written.text)}</p>'
        f"<p>{copy_button(written.text, 'your name in runes', 'Copy your name in runes')}</p>"
        + "".join(f'<p class="rune-footnote">{_esc(note)}</p>' for note in notes)
        + "</div>"
    )


def name_failed(message: str) -> str:
    return f'<div class="name-runes empty">⚠️ {_esc(message)}</div>'


MAX_BOXES = 40  # gr.AnnotatedImage draws and saves a full-size mask per box: the first 40 runes get one


def reading(inscription: Inscription, image) -> tuple[str, tuple]:
    """An inscription as (its HTML, the image with a labelled box per rune for gr.AnnotatedImage).

    The text has every rune read; the boxes are the first MAX_BOXES (a line of runes rarely has more)."""
    boxes = [
        ((left, top, right, bottom), f"{rune.glyph} {rune.transliteration}")
        for rune in inscription.runes[:MAX_BOXES]
        for top, left, bottom, right in [rune.box]
    ]
    return inscription_html(inscription), (image, boxes)


def empty_seeing() -> str:
    return (
        '<div class="seeing empty">Draw a rune and see what the network sees: its input, what its layers '
        "pick out, and which of your strokes decided the answer.</div>"
    )


def failed_seeing(message: str) -> str:
    return f'<div class="seeing error">⚠️ {_esc(message)}</div>'


def prompt_card(rune_id: str) -> str:
    rune = get_rune(rune_id)
    return (
        f'<div class="rune-prompt" data-rune="{_esc(rune.id)}"><span class="glyph">{_esc(rune.glyphs)}</span>'
        f'<div><p>Please draw</p><p class="name">{_esc(rune.name)}</p>'
        f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · {_esc(rune.meaning)}</p></div></div>"
    )


def counts_strip(counts: dict[str, int], note: str) -> str:
    cells = "".join(
        f'<div class="cell" data-rune="{_esc(rune.id)}" data-count="{counts[rune.id]}">'
        f'<div class="glyph">{_esc(rune.glyph)}</div><div class="name">{_esc(rune.name)}</div>'
        f'<div class="count">{counts[rune.id]}</div></div>'
        for rune in RUNES
    )
    return (
        f'<div class="rune-strip">{cells}</div><p class="rune-footnote">{sum(counts.values())} drawings '
        f"collected so far. {_esc(note)}</p>"
    )


def status(message: str, ok: bool) -> str:
    return f'<div class="rune-status {"saved" if ok else "refused"}">{"✓" if ok else "⚠️"} {_esc(message)}</div>'


def footer(source: str, load_seconds: float, note: str) -> str:
    return (
        f'<p class="rune-footer">Model: {_esc(source)} · loaded in {load_seconds:.1f} s · '
        "Runic font: Noto Sans Runic (SIL OFL 1.1)<br>"
        f'<span class="rune-model-note">{_esc(note)}</span></p>'
    )
