// The page's own answer to a drawing: a guess from ui/guesser.js -> what the server's ui.cards.answer returns,
// the top 5 (as gr.Label's value) and the card's HTML, plus the guess line's words. Every word, sentence and
// card frame comes from ui/answers.py (`data`): this file only picks a frame and fills its slots.
// tests/test_web.py checks it against the server on thousands of drawings.
(function (root) {
  'use strict';

  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => (
    {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;'}[c]));
  const percent = (p) => (100 * p).toFixed(0) + '%';  // Python's f"{p:.0%}"
  const fill = (frame, slot, value) => frame.replace(slot, () => value);  // no $-patterns in the value

  function labelValue(confidences, topK) {  // gr.Label.postprocess: most likely first, the first one named
    const sorted = confidences.map(([label, confidence]) => ({label, confidence}))
      .sort((a, b) => b.confidence - a.confidence).slice(0, topK);
    return {label: sorted[0].label, confidences: sorted};
  }

  function confidenceLine(top, row, data) {  // cards.confidence_line
    const best = top[0][1];
    const runner = top.length > 1 ? data.rows[row].labels[top[1][0]] + ' (' + percent(top[1][1]) + ')' : '';
    const line = data.confidence_lines.find(([floor]) => best >= floor)[1];
    return fill(fill(line, '{best}', percent(best)), '{runner}', runner);
  }

  // guess: RuneGuesser's prediction (or null for an empty pad) -> {top5, card, line, confidence}
  function answer(guess, data) {
    if (!guess) return {top5: {label: data.draw}, card: data.empty_card, line: data.draw, confidence: ''};
    const these = data.rows[guess.row], slots = data.slots, top = guess.top.slice(0, data.top_k);
    if (guess.is_rune) {  // the best guess in the form drawn (ᛐ týr), the others as the row writes them
      const best = guess.lone ? these.labels[guess.rune] : these.shape_labels[guess.shape];
      const frame = guess.lone ? these.lone_cards[guess.rune] : these.cards[guess.shape];
      return {
        top5: labelValue(top.map(([rune, p]) => [rune === guess.rune ? best : these.labels[rune], p]), data.top_k),
        card: fill(frame, slots.confidence, escape(confidenceLine(top, guess.row, data))),
        line: best,
        confidence: percent(guess.confidence),
      };
    }
    // Not a rune (of this row): say so first; the nearest runes follow, scaled by how rune-like the sketch is.
    let verdict, card;
    if (guess.bluetooth) {
      [verdict, card] = [data.bluetooth.label, data.bluetooth.card];
    } else if (guess.elsewhere) {
      const [otherRow, rune] = guess.elsewhere;
      [verdict, card] = [these.not_of_row, fill(data.elsewhere[otherRow][rune], slots.row_words, escape(these.in_words))];
    } else {
      const nearest = top.slice(0, 3).map(([rune]) => fill(data.nearest, '{label}', escape(these.labels[rune])));
      [verdict, card] = [data.not_a_rune, fill(these.not_a_rune_card, slots.nearest, nearest.join(' '))];
    }
    const scaled = top.slice(0, 3).map(([rune, p]) => [these.labels[rune], p * guess.rune_probability]);
    return {top5: labelValue([[verdict, 1 - guess.rune_probability], ...scaled], data.top_k), card, line: verdict,
            confidence: ''};
  }

  root.RuneAnswer = {answer, percent};
})(typeof window !== 'undefined' ? window : globalThis);
