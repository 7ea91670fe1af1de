// Learn the runes (ui/game.py): the round's clock and the judging of the game pad, in the page.
// Runs as the board's js_on_load. The round to play comes from the server as HTML (.game-round and its data
// attributes: number, rune, row, seconds, the labels that win); every drawing the game pad announces
// ('stroke-pad-drawing', pad.js) is judged by the page's own guesser (window.runeReaderPage, ui/guess.js): no
// server request per stroke. A round ends once: won (at a pen-up, the guess names the rune asked for), skipped
// (the Skip button) or out of time; only then is the server told, by one 'submit' with the round's number, how it
// ended and its drawing. Every word shown comes from ui/game.py (the board's data attributes). While the page
// cannot judge, ui/feed.py sends the game pad to the server, whose verdict comes back as 'rune-game-verdict'.
const board = () => element.querySelector('.game-board');
let round = null;     // the round being played: {number, row, labels, deadline, ended}
let drawing = null;   // the game pad's drawing, as last announced
let timer = null;
let penDown = false;
let judged = true;    // the drawing has been judged (false while the page's model is still loading)

const fill = (template, slot, value) => template.replace(slot, () => value);

function tick() {
  if (!round || round.ended) return;
  const left = Math.max(0, Math.ceil((round.deadline - performance.now()) / 1000));
  board().querySelector('.game-clock').textContent = fill(board().dataset.clock, '{seconds}', String(left));
  if (left <= 0) end('timeout');
  else if (!judged) judge();  // the page's model was still loading when the drawing came
}

function begin() {  // the server showed a round (or the intro, or the summary)
  clearInterval(timer);
  const info = element.querySelector('.game-round');
  const skip = board().querySelector('.game-skip');
  board().querySelector('.game-seen').textContent = '';
  board().classList.remove('won');
  drawing = null;
  judged = true;
  if (!info || info.dataset.state !== 'playing') {
    round = null;
    skip.disabled = true;
    board().querySelector('.game-clock').textContent = '';
    return;
  }
  round = {number: Number(info.dataset.round), row: info.dataset.row, labels: JSON.parse(info.dataset.labels),
           deadline: performance.now() + 1000 * Number(info.dataset.seconds), ended: false};
  skip.disabled = false;
  tick();
  timer = setInterval(tick, 250);
}

function end(outcome) {
  if (!round || round.ended) return;
  round.ended = true;
  clearInterval(timer);
  if (outcome === 'won') board().classList.add('won');
  // The drawing goes with it only when the visitor agreed to keep it (ui/game.py's checkbox, read again there).
  const consent = document.querySelector('#game-consent input[type="checkbox"]');
  trigger('submit', {round: round.number, outcome, drawing: consent && consent.checked ? drawing : null});
}

function judge() {
  const page = window.runeReaderPage;
  if (!round || round.ended || !drawing || !page || !page.ready()) return;
  judged = true;
  const said = page.answer(drawing, round.row);
  board().querySelector('.game-seen').textContent = fill(board().dataset.seen, '{guess}',
    said.confidence ? said.line + ' · ' + said.confidence : said.line);
  if (!penDown && round.labels.includes(said.line)) end('won');
}

document.addEventListener('stroke-pad-drawing', (event) => {
  if (!event.target.closest('#game-pad') || !round || round.ended) return;
  drawing = event.detail;
  judged = false;
  judge();
});
// A stroke is judged as it is drawn, but a round is won at a pen-up: the drawing kept is the whole rune.
document.addEventListener('pointerdown', (event) => {
  if (event.target.closest && event.target.closest('#game-pad canvas')) penDown = true;
}, true);
['pointerup', 'pointercancel'].forEach((type) => document.addEventListener(type, () => { penDown = false; }, true));
// While the page cannot judge (its model not loaded), the server does (ui/game.py's judge) and says so here.
document.addEventListener('rune-game-verdict', (event) => {
  const said = event.detail;
  if (!round || round.ended || said.round !== round.number) return;
  board().querySelector('.game-seen').textContent = said.line ? fill(board().dataset.seen, '{guess}', said.line) : '';
  if (said.won && !penDown) end('won');
});
element.addEventListener('click', (event) => {
  if (event.target.closest('.game-skip')) end('skipped');
});
watch('value', begin);
begin();
