// Guessing in the page: the model exported by `python -m runes.web` (MODEL_DIR/web/model.json + weights.bin),
// run with TensorFlow.js (vendored in ui/vendor/, global `tf`). Everything the reading needs (pen width, ink
// thresholds, layers, each row's shape columns, thresholds, which row claims a shape, the lone stroke) comes from
// model.json, which the package generates: nothing here restates a fact of the Python side. The steps mirror
//   runes.strokes.render_strokes  ->  runes.preprocess.place  ->  NumpyForward  ->  runes.prediction.Outputs.prediction
// and tests/test_web.py checks they give Recognizer.predict's answer on thousands of drawings.
(function (root) {
  'use strict';

  // --- strokes -> ink map, pixel for pixel as runes.strokes.render_strokes draws them with PIL: each segment a
  // quad between integer-truncated points, filled by PIL's scanline rule; PIL's round pen ends and line joints
  // are stamped from masks PIL drew at export time (model.json "input.stamps"). No canvas: same on every browser.
  const roundUp = (f) => (f >= 0 ? Math.floor(Math.fround(f + 0.5)) : -Math.floor(Math.fround(Math.abs(f) + 0.5)));
  const roundDown = (f) => (f >= 0 ? Math.ceil(Math.fround(f - 0.5)) : -Math.ceil(Math.fround(Math.abs(f) - 0.5)));

  function hline(mask, width, height, x0, y, x1) {
    if (y < 0 || y >= height) return;
    if (x0 > x1) [x0, x1] = [x1, x0];
    x0 = Math.max(x0, 0); x1 = Math.min(x1, width - 1);
    for (let x = x0; x <= x1; x++) mask[y * width + x] = 1;
  }

  function edge(x0, y0, x1, y1) {
    return {x0, y0, xmin: Math.min(x0, x1), xmax: Math.max(x0, x1), ymin: Math.min(y0, y1), ymax: Math.max(y0, y1),
            dx: y0 === y1 ? 0 : Math.fround(Math.fround(x1 - x0) / (y1 - y0))};
  }

  function fillPolygon(mask, width, height, edges) {
    let ymin = height - 1, ymax = 0;
    const sloped = [];
    for (const e of edges) {
      ymin = Math.min(ymin, e.ymin); ymax = Math.max(ymax, e.ymax);
      if (e.ymin !== e.ymax) sloped.push(e);
    }
    ymin = Math.max(ymin, 0); ymax = Math.min(ymax, height);
    const flat = (y, from) => {  // horizontal edges on this row, from x `from` on
      let pos = from;
      for (const e of edges) {
        if (e.ymin !== y || e.ymax !== y || pos < e.xmin) continue;
        const start = Math.max(e.xmin, pos);
        if (e.xmax < start) continue;
        hline(mask, width, height, start, y, e.xmax);
        pos = e.xmax + 1;
      }
      return pos;
    };
    for (let y = ymin; y <= ymax; y++) {
      const xs = [];
      for (const e of sloped) {
        if (y >= e.ymin && y <= e.ymax) xs.push(Math.fround(Math.fround((y - e.y0) * e.dx) + e.x0));
        if (y === e.ymax && y < ymax) xs.push(xs[xs.length - 1]);
      }
      xs.sort((a, b) => a - b);
      let pos = 0;
      for (let i = 1; i < xs.length; i += 2) {
        const end = roundDown(xs[i]);
        if (end < pos) continue;
        pos = flat(y, pos);
        if (end < pos) continue;
        const start = Math.max(roundUp(xs[i - 1]), pos);
        if (end < start) continue;
        hline(mask, width, height, start, y, end);
        pos = end + 1;
      }
      flat(y, pos);
    }
  }

  function wideLine(mask, width, height, x0, y0, x1, y1, pen) {
    const dx = x1 - x0, dy = y1 - y0;
    if (dx === 0 && dy === 0) {
      if (x0 >= 0 && x0 < width && y0 >= 0 && y0 < height) mask[y0 * width + x0] = 1;
      return;
    }
    const big = Math.hypot(dx, dy), small = (pen - 1) / 2;
    const ratioMax = roundUp(small) / big, ratioMin = roundDown(small) / big;
    const dxmin = roundDown(ratioMin * dy), dxmax = roundDown(ratioMax * dy);
    const dymin = roundDown(ratioMin * dx), dymax = roundDown(ratioMax * dx);
    const v = [[x0 - dxmin, y0 + dymax], [x1 - dxmin, y1 + dymax], [x1 + dxmax, y1 - dymin], [x0 + dxmax, y0 - dymin]];
    fillPolygon(mask, width, height, v.map((a, i) => edge(a[0], a[1], v[(i + 1) % 4][0], v[(i + 1) % 4][1])));
  }

  // A mask put down at (x0, y0); with angles, only the pie slice from `start` to `end` degrees (clockwise from
  // three o'clock, y down) of it, around the mask's centre, as ImageDraw.pieslice keeps it.
  function stamp(mask, width, height, x0, y0, pattern, start, end) {
    const cy = (pattern.length - 1) / 2, cx = (pattern[0].length - 1) / 2;
    const span = start === undefined ? 360 : (((end - start) % 360) + 360) % 360;
    pattern.forEach((row, dy) => {
      for (let dx = 0; dx < row.length; dx++) {
        const x = x0 + dx, y = y0 + dy;
        if (row[dx] !== '#' || x < 0 || x >= width || y < 0 || y >= height) continue;
        if (span < 360 && (dx !== cx || dy !== cy)) {
          // (PIL's slice keeps a few more pixels at its edges: a handful per drawing, see docs/browser-model.md)
          const angle = ((Math.atan2(dy - cy, dx - cx) * 180 / Math.PI - start) % 360 + 360) % 360;
          if (angle > span) continue;
        }
        mask[y * width + x] = 1;
      }
    });
  }

  const degrees = (a) => ((a * 180 / Math.PI) % 360 + 360) % 360;

  function rasterise(drawing, spec) {
    const {width, height} = drawing;
    const pen = Math.max(1, Math.round(spec.pen));
    const {cap, joint} = spec.stamps;
    const mask = new Uint8Array(width * height);
    for (const [xs, ys] of drawing.strokes) {
      const n = xs.length;
      if (n > 1) {
        for (let i = 0; i + 1 < n; i++) {
          wideLine(mask, width, height, Math.trunc(xs[i]), Math.trunc(ys[i]), Math.trunc(xs[i + 1]), Math.trunc(ys[i + 1]), pen);
        }
        for (let i = 1; i + 1 < n && joint; i++) {  // ImageDraw.line(joint="curve"): a round joint where it turns
          const a = degrees(Math.atan2(xs[i] - xs[i - 1], ys[i - 1] - ys[i]));
          const b = degrees(Math.atan2(xs[i + 1] - xs[i], ys[i] - ys[i + 1]));
          if (a === b) continue;
          const flipped = (b > a && b - 180 > a) || (b < a && b + 180 > a);
          const [start, end] = flipped ? [b, a] : [a - 180, b - 180];  // ImageDraw's pie slice: angles - 90 - 90
          stamp(mask, width, height, Math.trunc(xs[i] + joint.offset), Math.trunc(ys[i] + joint.offset), joint.mask,
                start, end);
        }
      }
      for (const i of [0, n - 1]) {  // round pen ends, and a dot for a tap
        stamp(mask, width, height, Math.floor(xs[i]) + cap.offset, Math.floor(ys[i]) + cap.offset, cap.mask);
      }
    }
    const ink = new Float32Array(width * height);
    for (let i = 0; i < ink.length; i++) ink[i] = mask[i];
    return {ink, width, height};
  }

  // --- preprocess.to_ink's ground (median of the border) and _shrink (big canvases averaged in blocks) ---
  function groundAndShrink(map, maxSide) {
    const {ink, width, height} = map;
    const border = [];
    for (let x = 0; x < width; x++) border.push(ink[x], ink[(height - 1) * width + x]);
    for (let y = 0; y < height; y++) border.push(ink[y * width], ink[y * width + width - 1]);
    border.sort((a, b) => a - b);
    const mid = border.length >> 1;
    const medianInk = border.length % 2 ? border[mid] : (border[mid - 1] + border[mid]) / 2;
    // luma = 1 - ink; the ground is the median luma; ink is what differs from it (preprocess.to_ink)
    const ground = 1 - medianInk;
    const out = new Float32Array(ink.length);
    for (let i = 0; i < ink.length; i++) {
      const luma = 1 - ink[i];
      const v = ground >= 0.5 ? (ground - luma) / Math.max(ground, 1e-6) : (luma - ground) / Math.max(1 - ground, 1e-6);
      out[i] = Math.min(1, Math.max(0, v));
    }
    const factor = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
    if (factor <= 1) return {ink: out, width, height, shrink: 1};
    const h = Math.floor(height / factor), w = Math.floor(width / factor);
    const small = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += out[(y * factor + dy) * width + x * factor + dx];
      small[y * w + x] = sum / (factor * factor);
    }
    return {ink: small, width: w, height: h, shrink: factor};
  }

  // --- PIL's Image.resize for mode "F" (Resample.c: precompute_coeffs, horizontal then vertical pass) ---
  const FILTERS = {
    box: {support: 0.5, f: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0)},
    bilinear: {support: 1.0, f: (x) => { x = Math.abs(x); return x < 1 ? 1 - x : 0; }},
  };

  function coefficients(inSize, outSize, filter) {
    const scale = inSize / outSize;
    const filterscale = Math.max(scale, 1);
    const support = filter.support * filterscale;
    const result = [];
    for (let xx = 0; xx < outSize; xx++) {
      const center = (xx + 0.5) * scale;
      const ss = 1 / filterscale;
      const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
      const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
      const k = new Float64Array(Math.max(xmax, 0));
      let ww = 0;
      for (let x = 0; x < xmax; x++) { k[x] = filter.f((x + xmin - center + 0.5) * ss); ww += k[x]; }
      if (ww !== 0) for (let x = 0; x < xmax; x++) k[x] /= ww;
      result.push({xmin, k});
    }
    return result;
  }

  function resize(src, inW, inH, outW, outH, filter) {
    let data = src, w = inW;
    if (outW !== inW) {
      const cs = coefficients(inW, outW, filter);
      const next = new Float32Array(outW * inH);
      for (let y = 0; y < inH; y++) for (let x = 0; x < outW; x++) {
        const {xmin, k} = cs[x];
        let s = 0;
        for (let i = 0; i < k.length; i++) s += data[y * w + xmin + i] * k[i];
        next[y * outW + x] = s;
      }
      data = next; w = outW;
    }
    if (outH !== inH) {
      const cs = coefficients(inH, outH, filter);
      const next = new Float32Array(w * outH);
      for (let y = 0; y < outH; y++) {
        const {xmin, k} = cs[y];
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let i = 0; i < k.length; i++) s += data[(xmin + i) * w + x] * k[i];
          next[y * w + x] = s;
        }
      }
      data = next;
    }
    return data;
  }

  function roundHalfEven(x) {  // Python's round()
    const r = Math.round(x);
    return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
  }

  // --- preprocess.place: the 32x32 input and where the ink was (for the lone stroke) ---
  function place(drawing, spec) {
    const map = groundAndShrink(rasterise(drawing, spec), spec.max_working_side);
    const {ink, width, height} = map;
    let strongest = 0;
    for (let i = 0; i < ink.length; i++) if (ink[i] > strongest) strongest = ink[i];
    if (!(strongest >= spec.faint_ink)) return null;
    const threshold = Math.min(spec.ink_threshold, strongest / 2);
    let top = height, left = width, bottom = -1, right = -1;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      if (ink[y * width + x] >= threshold) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
    bottom += 1; right += 1;
    const h = bottom - top, w = right - left;
    const crop = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) crop[y * w + x] = ink[(top + y) * width + left + x];
    const size = spec.size;
    const scale = spec.glyph_size / Math.max(h, w);  // preprocess: GLYPH_SIZE * size / INPUT_SIZE, size = INPUT_SIZE
    const newH = Math.max(1, roundHalfEven(h * scale)), newW = Math.max(1, roundHalfEven(w * scale));
    const resized = resize(crop, w, h, newW, newH, scale > 1 ? FILTERS.bilinear : FILTERS.box);
    let peak = 0;
    for (let i = 0; i < resized.length; i++) if (resized[i] > peak) peak = resized[i];
    peak = Math.max(peak, 1e-6);
    const input = new Float32Array(size * size);
    const y0 = Math.floor((size - newH) / 2), x0 = Math.floor((size - newW) / 2);
    for (let y = 0; y < newH; y++) for (let x = 0; x < newW; x++) {
      input[(y0 + y) * size + x0 + x] = Math.min(1, Math.max(0, Math.fround(resized[y * newW + x] / peak)));
    }
    return {input, box: [top, left, bottom, right], inkHeight: drawing.height / map.shrink};
  }

  // --- the network: model.json's layers on TensorFlow.js ---
  function buildNetwork(manifest, weights) {
    const tf = root.tf;
    const tensors = manifest.layers.map((layer) => (layer.weights || []).map(({shape, offset}) => {
      const count = shape.reduce((a, b) => a * b, 1);
      return tf.tensor(weights.subarray(offset, offset + count), shape, 'float32');
    }));
    const size = manifest.input.size;
    return function forward(inputs) {  // inputs: Float32Array of n * size * size -> Float32Array n * labels
      const n = inputs.length / (size * size);
      return tf.tidy(() => {
        let x = tf.tensor4d(inputs, [n, size, size, 1]);
        manifest.layers.forEach((layer, index) => {
          const [w, b] = tensors[index];
          if (layer.type === 'conv3x3') x = tf.add(tf.conv2d(x, w, 1, 'same'), b);
          else if (layer.type === 'relu') x = tf.relu(x);
          else if (layer.type === 'maxpool2x2') x = tf.maxPool(x, 2, 2, 'valid');
          else if (layer.type === 'flatten') x = tf.reshape(x, [n, -1]);
          else if (layer.type === 'dense') x = tf.add(tf.matMul(x, w), b);
          else if (layer.type === 'softmax') x = tf.softmax(x);
          else throw new Error('unknown layer ' + layer.type);
        });
        return x.dataSync().slice();
      });
    };
  }

  // --- Outputs.prediction: one output vector read in one row ---
  function argmax(values) {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    return best;
  }

  function lonePlace(placed, reading, rowId) {
    const row = reading.rows[rowId];
    if (!row.lone_stroke || !placed) return null;
    const [top, left, bottom, right] = placed.box;
    const lone = bottom - top < reading.lone_stroke_height * placed.inkHeight
      && right - left <= reading.lone_width * (bottom - top);
    return lone ? (top + bottom) / 2 / placed.inkHeight : null;
  }

  function read(output, reading, rowId, frame) {
    const row = reading.rows[rowId];
    let sum = 0;
    for (const v of output) sum += v;
    const p = Array.from(output, (v) => v / sum);
    const shapeP = row.columns.map((c) => p[c]);
    const runeProbability = shapeP.reduce((a, b) => a + b, 0);
    const perRune = row.runes.map(() => 0);
    shapeP.forEach((v, i) => { perRune[row.rune_of_shape[i]] += v; });
    const norm = Math.max(runeProbability, 1e-12);
    let byRune = new Map(row.runes.map((id, i) => [id, perRune[i] / norm]));
    const best = argmax(shapeP);
    let rune = row.runes[row.rune_of_shape[best]];
    const shape = row.shapes[best];
    const bluetooth = reading.bluetooth_column !== null && p[reading.bluetooth_column] >= reading.bluetooth_threshold;
    const allShapes = reading.rune_columns.map((c) => p[c]);
    const total = allShapes.reduce((a, b) => a + b, 0);
    const strongest = reading.rune_labels[argmax(allShapes)];
    const inRow = row.shapes.includes(strongest);
    let symbol = null;
    const symbols = {};
    if (reading.taught_columns.length) {
      const taught = reading.taught_columns.map((c) => p[c]);
      reading.taught_labels.forEach((label, i) => { symbols[label] = taught[i]; });
      const top = argmax(taught);
      const rivals = [total, ...reading.extra_columns.map((c) => p[c]), ...taught.filter((_, i) => i !== top)];
      if (taught[top] > Math.max(...rivals)) symbol = reading.taught_labels[top];
    }
    const plain = !bluetooth && symbol === null;
    let isRune = total >= row.threshold && inRow && plain;
    const lone = (frame !== null && plain && (shape === reading.lone_isa || !isRune) && row.lone_stroke)
      ? row.lone_stroke[frame < 0.5 ? 0 : 1] : null;
    if (lone) {
      rune = lone; isRune = true;
      const renamed = new Map();
      for (const [label, value] of byRune) renamed.set(label === reading.lone_isa ? lone : label, value);
      if (!renamed.has(lone)) renamed.set(lone, 0);
      byRune = renamed;
    }
    let elsewhere = null;
    if (!isRune && !inRow && total >= row.threshold && plain) elsewhere = reading.elsewhere[strongest];
    const probabilities = Object.fromEntries(byRune);
    const top = [...byRune].sort((a, b) => b[1] - a[1]);
    return {rune, confidence: byRune.get(rune), probabilities, top, is_rune: isRune, rune_probability: runeProbability,
            bluetooth, symbol, symbols, row: rowId, shape, elsewhere, lone: Boolean(lone)};
  }

  // --- the guesser: load once, then guess(drawing, row) -> a prediction, or null for an empty pad ---
  // wasmPath: the URL of the folder with TensorFlow.js's .wasm files; its WebAssembly backend (XNNPACK) runs the
  // network ~20x faster than the CPU backend (docs/browser-model.md), which stays the fallback.
  async function load(baseUrl, wasmPath) {
    const tf = root.tf;
    if (!tf) throw new Error('TensorFlow.js is not loaded');
    let wasm = false;
    if (wasmPath && tf.wasm) {
      tf.wasm.setWasmPaths(wasmPath);
      wasm = await tf.setBackend('wasm').catch(() => false);
    }
    if (!wasm) await tf.setBackend('cpu');
    const get = async (name, kind) => {
      const response = await fetch(baseUrl + name);
      if (!response.ok) throw new Error(name + ': HTTP ' + response.status);
      return response[kind]();
    };
    const manifest = await get('model.json', 'json');
    if (manifest.format !== 'rune-reader-web/1') throw new Error('unknown export format ' + manifest.format);
    const buffer = await get(manifest.weights_file, 'arrayBuffer');
    const weights = new Float32Array(buffer);
    if (weights.length !== manifest.weights_floats) throw new Error('weights file has the wrong size');
    const forward = buildNetwork(manifest, weights);
    const spec = manifest.input, reading = manifest.reading, size = spec.size * spec.size;
    const guesser = {
      manifest,
      backend: tf.getBackend(),  // 'wasm', or 'cpu' where WebAssembly could not start
      rows: manifest.rows,
      place: (drawing) => place(drawing, spec),
      forward,
      read: (output, row, placed) => read(output, reading, row, lonePlace(placed, reading, row)),
      guess(drawing, row) {
        const placed = place(drawing, spec);
        if (!placed) return null;
        return guesser.read(forward(placed.input), row || reading.default_row, placed);
      },
      guessMany(drawings, rows) {  // for tests and benchmarks: one batch through the network
        const placed = drawings.map((d) => place(d, spec));
        const inputs = new Float32Array(size * drawings.length);
        placed.forEach((pl, i) => { if (pl) inputs.set(pl.input, i * size); });
        const outputs = forward(inputs);
        const labels = manifest.labels.length;
        return placed.map((pl, i) => pl && guesser.read(outputs.subarray(i * labels, (i + 1) * labels), rows[i], pl));
      },
    };
    forward(new Float32Array(size));  // warm up: the first call compiles nothing on CPU but allocates
    return guesser;
  }

  root.RuneGuesser = {load, place, read, rasterise};
})(typeof window !== 'undefined' ? window : globalThis);
