// The guess line (ui/guess.py): the best guess made in the page, at every pen-up and while the pen moves.
// Runs as gr.HTML's js_on_load. Loads the vendored TensorFlow.js and guesser.js once, then the model export;
// listens for the drawings the Recognize pad announces ('stroke-pad-drawing', see pad.js) and for the row choice.
// Nothing here asks the server anything; if anything fails to load, the line stays empty and hidden.
const line = element.querySelector('.guess-line');
const text = line.querySelector('.guess-text');
const words = JSON.parse(line.dataset.words);
let guesser = null;
let drawing = null;

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
  const checked = document.querySelector('#row input[type="radio"]:checked');
  if (!checked) return words.default_row;
  if (words.rows[checked.value]) return checked.value;
  const label = checked.closest('label');
  return (label && words.choices[label.textContent.trim()]) || words.default_row;
}

function say(guess, row) {
  const these = words.rows[row];
  if (!guess) return [words.draw, ''];
  if (guess.symbol) return ['', ''];  // a taught symbol: the server's answer says it
  if (guess.is_rune) {  // in the form drawn (ᛐ týr), or a lone stroke read by its place (ᛌ sól)
    const label = guess.lone ? these.runes[guess.rune] : these.shapes[guess.shape];
    return [label, Math.round(100 * guess.confidence) + '%'];
  }
  if (guess.bluetooth) return [words.bluetooth, ''];
  return [guess.elsewhere ? these.not_of_row : words.not_a_rune, ''];
}

function show() {
  if (!guesser || !drawing) return;
  if (document.querySelector('#teach-status .taught')) {  // the visitor taught a symbol: only the server knows it
    line.classList.remove('ready');
    line.dataset.ready = 'taught';
    return;
  }
  const row = currentRow();
  const guess = guesser.guess(drawing, row);
  const [label, confidence] = say(guess, row);
  text.textContent = confidence ? label + ' · ' + confidence : label;
  line.dataset.rune = guess && guess.is_rune ? guess.rune : '';
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
  if (!line.dataset.model) return;  // no export for this model: the server answers
  try {
    const scripts = JSON.parse(line.dataset.scripts);
    for (const src of scripts) await loadScript(src);  // in order: tf-core, its CPU backend, guesser.js
    guesser = await window.RuneGuesser.load(line.dataset.model);
    line.classList.add('ready');
    line.dataset.ready = 'true';
    show();
  } catch (error) {
    line.dataset.ready = 'false';
    console.info('Rune Reader guesses on the server only:', error.message);
  }
})();
