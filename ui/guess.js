// The page's own answer to the Recognize pad (ui/guess.py), at every pen-up and while the pen moves: the guess
// line just above the pad, and `window.runeReaderPage` for app.py's event that shows the top 5 and the card.
// Runs as gr.HTML's js_on_load. Loads the vendored TensorFlow.js, guesser.js and answer.js once, then the model
// export; listens for the drawings the pad announces ('stroke-pad-drawing', see pad.js) and for the row choice.
// Nothing here asks the server anything; while the page cannot answer (nothing loaded yet, a load that failed, a
// taught symbol only the server knows), the line is hidden and ui/feed.py sends the drawing to the server.
const line = element.querySelector('.guess-line');
const text = line.querySelector('.guess-text');
const holder = document.getElementById('rune-reader-answers');  // ui/guess.py's page_head
const data = holder ? JSON.parse(holder.textContent) : null;  // ui/answers.py's page_data
let guesser = null;
let drawing = null;
let last = {key: null, answer: null};

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(script);
  });
}

function currentRow() {
  if (!data) return null;
  const checked = document.querySelector('#row input[type="radio"]:checked');
  if (!checked) return data.default_row;
  if (data.rows[checked.value]) return checked.value;
  const label = checked.closest('label');
  return (label && data.choices[label.textContent.trim()]) || data.default_row;
}

const taught = () => Boolean(document.querySelector('#teach-status .taught'));

function answer(drawn, row) {  // the page's answer (RuneAnswer), worked out once per drawing and row
  const key = row + JSON.stringify(drawn);
  if (key !== last.key) last = {key, answer: RuneAnswer.answer(drawn ? guesser.guess(drawn, row) : null, data)};
  return last.answer;
}

window.runeReaderPage = {
  ready: () => Boolean(guesser) && !taught(),  // false: the server answers (ui/feed.py)
  answer: (drawn, row) => answer(drawn, data.rows[row] ? row : currentRow()),
};

function show() {
  if (!guesser || !drawing) return;
  if (taught()) {  // the visitor taught a symbol: only the server knows it
    line.classList.remove('ready');
    line.dataset.ready = 'taught';
    return;
  }
  const row = currentRow();
  const said = answer(drawing, row);
  text.textContent = said.confidence ? said.line + ' · ' + said.confidence : said.line;
  line.dataset.row = row;
  line.dataset.count = String(Number(line.dataset.count || 0) + 1);
}

document.addEventListener('stroke-pad-drawing', (event) => {
  if (!event.target.closest('#pad')) return;
  drawing = event.detail;
  show();
});
document.addEventListener('change', (event) => {
  if (event.target.closest && event.target.closest('#row')) show();
});

(async () => {
  if (!props.model || !data) return;  // no export for this model (or no answers in the page): the server answers
  try {
    for (const src of props.scripts) await loadScript(src);  // in order: guess.py's SCRIPTS
    guesser = await window.RuneGuesser.load(props.model, props.wasm);
    line.dataset.backend = guesser.backend;
    line.classList.add('ready');
    line.dataset.ready = 'true';
    show();
  } catch (error) {
    line.dataset.ready = 'false';
    console.info('Rune Reader guesses on the server only:', error.message);
  }
})();
