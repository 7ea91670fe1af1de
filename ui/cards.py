"""HTML for the answers: rune cards, "not a rune", inscriptions, prompts, the reference strip.

Plain functions of library values (rune ids, `Prediction`, `Inscription`) to HTML strings; the looks
are in style.css. Every runic letter sits in text that the page renders with the bundled runic font.
"""

from __future__ import annotations

import html

from runes import RUNES, Prediction, get_rune
from runes.inscription import Inscription
from runes.rows import get_row
from runes.writing import Transliteration

DRAW_PROMPT = "Draw a rune"
ERROR_LABEL = "Can't read that"
NOT_A_RUNE_LABEL = "Not a rune"
BLUETOOTH_LABEL = "Bluetooth logo (ᚼ+ᛒ)"
INSCRIPTION_PROMPT = "Write a few runes left to right. Separate words with a dot (᛫), two dots (:) or a wider gap."
TOP_K = 5
WRITING_ROWS = [("Younger Futhark", "younger"), ("Younger, short-twig", "short-twig"), ("Elder Futhark", "elder")]

_esc = html.escape


def empty_card() -> str:
    return (f'<div class="rune-card empty">{DRAW_PROMPT} in the box: one rune, big. '
            "The best guess follows your pen.</div>")


def error_card(message: str) -> str:
    return f'<div class="rune-card error">⚠️ {_esc(message)}</div>'


def confidence_line(top: list[tuple[str, float]]) -> str:
    best_p = top[0][1]
    runner = f"{get_rune(top[1][0]).label} ({top[1][1]:.0%})" if len(top) > 1 else ""
    if best_p >= 0.9:
        return f"Confident: {best_p:.0%}."
    if best_p >= 0.6:
        return f"Fairly sure: {best_p:.0%}; next guess {runner}."
    return f"Unsure: only {best_p:.0%}; it could also be {runner}. Try a cleaner, larger stroke."


def rune_card(rune_id: str, top: list[tuple[str, float]]) -> str:
    rune = get_rune(rune_id)
    short = (f'<span class="glyph short" title="short-twig form">{_esc(rune.short_twig_glyph)}</span>'
             if rune.short_twig_glyph else "")
    forms = "long-branch and short-twig forms" if rune.short_twig_glyph else "one form in both rows"
    return (
        f'<div class="rune-card" data-rune="{_esc(rune.id)}">'
        f'<div class="glyphs"><span class="glyph long" title="long-branch form">{_esc(rune.glyph)}</span>{short}</div>'
        f'<div class="info"><p class="name">{_esc(rune.name)}</p>'
        f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · Meaning: {_esc(rune.meaning)}</p>"
        f'<p class="forms">{forms}</p>'
        f'<p class="confidence">{_esc(confidence_line(top))}</p></div></div>'
    )


def not_a_rune_card(top: list[tuple[str, float]]) -> str:
    nearest = " ".join(f'<span class="nearest">{_esc(get_rune(rune_id).label)}</span>' for rune_id, _ in top)
    return ('<div class="rune-card not-rune" data-rune="">'
            '<div class="info"><p class="name">This doesn\'t look like a rune</p>'
            "<p>None of the 16 runes of the Younger Futhark matches it well. Try one of the runes below, "
            "drawn big.</p>"
            f'<p class="nearest-runes">Nearest: {nearest}</p></div></div>')


def bluetooth_card() -> str:
    return ('<div class="rune-card bluetooth" data-rune="bluetooth">'
            '<div class="glyphs"><span class="glyph long">ᚼ</span><span class="glyph long">ᛒ</span></div>'
            '<div class="info"><p class="name">That\'s the Bluetooth logo!</p>'
            "<p>It is a bind rune: ᚼ (h) and ᛒ (b) drawn on one stem, the initials of Harald Bluetooth "
            "(Haraldr Blátǫnn), the 10th-century king who united Denmark and Norway, and whom the wireless "
            "standard is named after.</p></div></div>")


def answer(prediction: Prediction) -> tuple[dict[str, float], str]:
    """A prediction as (top guesses for gr.Label, card HTML)."""
    top = prediction.top(TOP_K)
    if getattr(prediction, "symbol", None):  # a symbol the visitor taught (runes.teach)
        symbols = sorted(prediction.symbols.items(), key=lambda item: -item[1])[:TOP_K]
        return ({f"✎ {name}": float(p) for name, p in symbols},
                f'<div class="rune-card taught" data-rune="" data-symbol="{_esc(prediction.symbol)}"><div class="info">'
                f'<p class="name">✎ {_esc(prediction.symbol)}</p><p>Not a rune: the symbol you taught it.</p></div></div>')
    if prediction.is_rune:
        return {get_rune(rune_id).label: float(p) for rune_id, p in top}, rune_card(prediction.rune, top)
    # Not a rune: say so first; the nearest runes follow, scaled by how rune-like the sketch is.
    verdict = BLUETOOTH_LABEL if prediction.bluetooth else NOT_A_RUNE_LABEL
    label = {verdict: 1.0 - prediction.rune_probability}
    label.update({get_rune(rune_id).label: float(p) * prediction.rune_probability for rune_id, p in top[:3]})
    return label, (bluetooth_card() if prediction.bluetooth else not_a_rune_card(top[:3]))


def empty_answer() -> tuple[str, str]:
    return DRAW_PROMPT, empty_card()


def failed_answer(message: str) -> tuple[str, str]:
    return ERROR_LABEL, error_card(message)


def empty_reading() -> tuple[str, None]:
    return inscription_html(None, INSCRIPTION_PROMPT), None


def failed_reading(message: str) -> tuple[str, None]:
    return inscription_html(None, "⚠️ " + message), None


def flag_note(rune_id: str, guess: str, flag: str | None) -> str:
    """A gentle sentence for a contribution kept aside (runes.dataset.flag_for), or ""."""
    if flag == "not_a_rune":
        return (f" It didn't look much like {get_rune(rune_id).label} to the model, so it is kept aside for a "
                "person to check.")
    if flag:
        return f" The model read {get_rune(guess).label}, so it is kept aside for a person to check."
    return ""


def reference_strip() -> str:
    cells = "".join(
        f'<div class="cell" title="{_esc(rune.meaning)}"><div class="glyph">{_esc(rune.glyphs)}</div>'
        f'<div class="name">{_esc(rune.name)}</div><div class="translit">{_esc(rune.transliteration)}</div></div>'
        for rune in RUNES
    )
    return (f'<div class="rune-strip">{cells}</div>'
            '<p class="rune-footnote">Long-branch form first, short-twig form second where it differs. '
            "The short-twig ᛌ (sól) and ᛧ (yr) are a lone short stroke: drawn on their own they are "
            "indistinguishable from ᛁ (íss) and are read as íss; in the Inscription tab a short stroke high in the "
            "line reads as ᛌ, low in the line as ᛧ.</p>")


def inscription_html(inscription: Inscription | None, message: str = "") -> str:
    if inscription is None:
        return f'<div class="inscription empty">{_esc(message)}</div>'
    if not inscription.runes:
        return ('<div class="inscription none" data-transliteration="">'
                "<p>I can't find any runes in that. Write a few runes left to right, each one drawn big "
                "and clear.</p></div>")
    words = " · ".join(" ".join(f"{reading.glyph}={reading.transliteration}" for reading in word)
                       for word in inscription.words)
    return (f'<div class="inscription" data-transliteration="{_esc(inscription.transliteration)}">'
            f'<p class="runic-text">{_esc(inscription.text)}</p>'
            f'<p class="latin">{_esc(inscription.transliteration)}</p>'
            f'<p class="rune-footnote">{len(inscription.runes)} runes in {len(inscription.words)} '
            f"word(s): {_esc(words)}</p></div>")


def name_html(written: Transliteration) -> str:
    """A name in runes, with a line on what the row merged, wrote once or left out."""
    if not written.text:
        left = f" ({', '.join(written.left_out)} have no rune)" if written.left_out else ""
        return f'<div class="name-runes empty">Type a name or a word to see it in runes{_esc(left)}.</div>'
    notes = []
    if written.merged:
        notes.append(f"The {get_row(written.row).name} has fewer runes than we have letters: "
                     + "; ".join(written.merged) + ".")
    if written.written_once:
        notes.append(f"A sound written twice is written once, as on the rune stones ({', '.join(written.written_once)}).")
    if written.left_out:
        notes.append(f"Left out (no rune): {' '.join(written.left_out)}")
    return (f'<div class="name-runes" data-runes="{_esc(written.text)}"><p class="runic-text">{_esc(written.text)}</p>'
            + "".join(f'<p class="rune-footnote">{_esc(note)}</p>' for note in notes) + "</div>")


def reading(inscription: Inscription, image) -> tuple[str, tuple]:
    """An inscription as (its HTML, the image with a labelled box per rune for gr.AnnotatedImage)."""
    boxes = [((left, top, right, bottom), f"{rune.glyph} {rune.transliteration}")
             for rune in inscription.runes for top, left, bottom, right in [rune.box]]
    return inscription_html(inscription), (image, boxes)


def empty_seeing() -> str:
    return ('<div class="seeing empty">Draw a rune and see what the network sees: its input, what its layers '
            "pick out, and which of your strokes decided the answer.</div>")


def failed_seeing(message: str) -> str:
    return f'<div class="seeing error">⚠️ {_esc(message)}</div>'


def prompt_card(rune_id: str) -> str:
    rune = get_rune(rune_id)
    return (f'<div class="rune-prompt" data-rune="{_esc(rune.id)}"><span class="glyph">{_esc(rune.glyphs)}</span>'
            f'<div><p>Please draw</p><p class="name">{_esc(rune.name)}</p>'
            f"<p>Sound: <b>{_esc(rune.transliteration)}</b> · {_esc(rune.meaning)}</p></div></div>")


def counts_strip(counts: dict[str, int], note: str) -> str:
    cells = "".join(
        f'<div class="cell" data-rune="{_esc(rune.id)}" data-count="{counts[rune.id]}">'
        f'<div class="glyph">{_esc(rune.glyph)}</div><div class="name">{_esc(rune.name)}</div>'
        f'<div class="count">{counts[rune.id]}</div></div>' for rune in RUNES)
    return (f'<div class="rune-strip">{cells}</div><p class="rune-footnote">{sum(counts.values())} drawings '
            f"collected so far. {_esc(note)}</p>")


def status(message: str, ok: bool) -> str:
    return f'<div class="rune-status {"saved" if ok else "refused"}">{"✓" if ok else "⚠️"} {_esc(message)}</div>'


def footer(source: str, load_seconds: float, note: str) -> str:
    return (f'<p class="rune-footer">Model: {_esc(source)} · loaded in {load_seconds:.1f} s · '
            "Runic font: Noto Sans Runic (SIL OFL 1.1)<br>"
            f'<span class="rune-model-note">{_esc(note)}</span></p>')
