// A stroke pad: ink on the first pointer-down (mouse, pen or touch), no tool to pick.
// Runs as gr.HTML's js_on_load: `element` is the component, `props.value` its value, `trigger` and
// `watch` come from Gradio. The value is the drawing as vectors, QuickDraw style:
//   {width, height, strokes: [[xs, ys, ts], ...]}   x, y in canvas pixels, t in ms from the first point.
// Setting props.value makes Gradio fire `change`: at every pen-up, and every THROTTLE_MS while a stroke
// is drawn (first THROTTLE_MS after it starts: a quick flick sends once, at pen-up).
const THROTTLE_MS = 100;
const pad = element.querySelector('.stroke-pad');
const canvas = pad.querySelector('canvas');
const undoButton = element.querySelector('.pad-undo');
const clearButton = element.querySelector('.pad-clear');
const width = Number(pad.dataset.width), height = Number(pad.dataset.height), pen = Number(pad.dataset.pen);
const context = canvas.getContext('2d');
let strokes = [];       // finished and current strokes, [[xs, ys, ts], ...]
let current = null;     // the stroke being drawn
let pointerId = null;   // the one pointer that draws (a second finger is ignored)
let startTime = 0;      // performance.now() at the drawing's first point
let quietUntil = 0;    // no mid-stroke send before this time

function setUpCanvas() {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.lineWidth = pen;
  context.strokeStyle = context.fillStyle = '#111';
  redraw();
}

function drawStroke([xs, ys]) {
  if (xs.length === 1) {
    context.beginPath();
    context.arc(xs[0], ys[0], pen / 2, 0, 2 * Math.PI);
    context.fill();
    return;
  }
  context.beginPath();
  context.moveTo(xs[0], ys[0]);
  for (let i = 1; i < xs.length; i++) context.lineTo(xs[i], ys[i]);
  context.stroke();
}

function redraw() {
  context.clearRect(0, 0, width, height);
  strokes.forEach(drawStroke);
  pad.classList.toggle('has-ink', strokes.length > 0);
  undoButton.disabled = clearButton.disabled = strokes.length === 0;
  describe();
}

function describe() {  // the canvas's name for a screen reader: its label and what is on it
  const count = strokes.length;
  canvas.setAttribute('aria-label', canvas.dataset.label
    + (count ? ': ' + count + (count === 1 ? ' stroke' : ' strokes') + ' drawn' : ': empty'));
}

function send() {
  quietUntil = performance.now() + THROTTLE_MS;
  // seq orders the drawings of the whole page: the server skips one that arrives after a newer one.
  window.strokePadSeq = (window.strokePadSeq || 0) + 1;
  props.value = {width, height, strokes: strokes.map(([xs, ys, ts]) => [xs.slice(), ys.slice(), ts.slice()]),
                 seq: window.strokePadSeq};
  // ...and tell the page (ui/guess.js guesses in the browser): no server involved.
  element.dispatchEvent(new CustomEvent('stroke-pad-drawing', {bubbles: true, detail: props.value}));
}

function point(event) {
  const box = canvas.getBoundingClientRect();
  return [Math.round((event.clientX - box.left) * width / box.width * 10) / 10,
          Math.round((event.clientY - box.top) * height / box.height * 10) / 10,
          Math.round(performance.now() - startTime)];
}

function addPoint(event) {
  const [x, y, t] = point(event);
  const [xs, ys, ts] = current;
  const last = xs.length - 1;
  if (Math.abs(x - xs[last]) < 0.5 && Math.abs(y - ys[last]) < 0.5) return;
  xs.push(x); ys.push(y); ts.push(t);
  context.beginPath();
  context.moveTo(xs[last], ys[last]);
  context.lineTo(x, y);
  context.stroke();
}

canvas.addEventListener('pointerdown', (event) => {
  if (pointerId !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
  event.preventDefault();
  pointerId = event.pointerId;
  canvas.setPointerCapture(pointerId);
  if (strokes.length === 0) startTime = performance.now();
  quietUntil = performance.now() + THROTTLE_MS;
  const [x, y, t] = point(event);
  current = [[x], [y], [t]];
  strokes.push(current);
  drawStroke(current);
  pad.classList.add('has-ink');
  undoButton.disabled = clearButton.disabled = false;
});

canvas.addEventListener('pointermove', (event) => {
  if (event.pointerId !== pointerId) return;
  event.preventDefault();
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  (events.length ? events : [event]).forEach(addPoint);
  if (performance.now() >= quietUntil) send();
});

function penUp(event) {
  if (event.pointerId !== pointerId) return;
  if (event.type === 'pointerup') addPoint(event);
  pointerId = null;
  current = null;
  describe();
  send();
}
canvas.addEventListener('pointerup', penUp);
canvas.addEventListener('pointercancel', penUp);
canvas.addEventListener('contextmenu', (event) => event.preventDefault());

function undo() {
  if (current || strokes.length === 0) return;
  strokes.pop();
  redraw();
  send();
}
function clear() {
  if (current) return;
  strokes = [];
  redraw();
  send();
}
// A finger that taps a button right after lifting from a stroke gets no `click` from the browser (it waits
// to tell a tap from a double tap), so touch and pen press on pointerup; mouse and keyboard on click.
let pressedAt = -Infinity;
function onPress(button, action) {
  button.addEventListener('pointerup', (event) => {
    if (event.pointerType === 'mouse') return;
    pressedAt = performance.now();
    action();
  });
  button.addEventListener('click', () => { if (performance.now() - pressedAt > 800) action(); });
}
onPress(undoButton, undo);
onPress(clearButton, clear);
document.addEventListener('keydown', (event) => {
  const typing = event.target.closest && event.target.closest('input, textarea, [contenteditable="true"]');
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'z'
      && !typing && pad.offsetParent !== null) {  // only the pad of the visible tab
    event.preventDefault();
    undo();
  }
});

// The server may replace the value (e.g. an empty drawing after a contribution is saved).
watch('value', () => {
  const value = props.value;
  strokes = value && Array.isArray(value.strokes) ? value.strokes.map(([xs, ys, ts]) => [xs, ys, ts]) : [];
  current = null;
  pointerId = null;
  redraw();
});
window.addEventListener('resize', setUpCanvas);
setUpCanvas();
