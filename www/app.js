// DOM wiring for the DIN attention page. No maths here: every number is
// parsed, validated and computed by the Rust core through the wasm `App`
// handle; this file only moves text and events between the page and it.

import init, { App } from '../pkg/din_viz.js';

const $ = (id) => document.getElementById(id);

const ui = {
  boot: $('boot'), app: $('app'), message: $('message'),
  candidate: $('candidate'), query: $('query'),
  similarity: $('similarity'), normalization: $('normalization'),
  tempRange: $('temperature-range'), tempText: $('temperature-text'), tempNote: $('temp-note'),
  dim: $('dim'), dimMinus: $('dim-minus'), dimPlus: $('dim-plus'),
  itemsHead: $('items-head'), itemsBody: $('items-body'), addItem: $('add-item'),
  alphaSum: $('alpha-sum'), pooledNorm: $('pooled-norm'), meanNorm: $('mean-norm'),
  bars: $('bars'), heatmap: $('heatmap'), map: $('map'),
  fatal: $('fatal'), fatalMessage: $('fatal-message'), fatalReload: $('fatal-reload'),
};

let app = null;
let broken = false;
let drawPending = false;
let frameWaiters = [];

// ---------------------------------------------------------------- errors

function showFatal(text) {
  broken = true;
  ui.fatalMessage.textContent = String(text);
  ui.fatal.hidden = false;
  ui.fatalReload.focus();
}

window.addEventListener('din-panic', (e) => showFatal(e.detail));
ui.fatalReload.addEventListener('click', () => location.reload());

/** Calls into wasm; a trap (a Rust panic) becomes the visible overlay. */
function guard(fn) {
  if (broken) throw new Error('the visualiser stopped after an internal error; reload the page');
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      if (ui.fatal.hidden) showFatal(e.message);
    }
    throw e;
  }
}

let messageTimer = 0;
function say(text, kind = 'info') {
  ui.message.textContent = text;
  ui.message.dataset.kind = kind;
  clearTimeout(messageTimer);
  if (kind === 'info' && text) messageTimer = setTimeout(() => { ui.message.textContent = ''; }, 6000);
}

function markInvalid(field, text) {
  field.setAttribute('aria-invalid', 'true');
  field.title = text;
  say(text, 'error');
}

function clearInvalid(field) {
  if (field.getAttribute('aria-invalid') === 'true') {
    field.removeAttribute('aria-invalid');
    field.removeAttribute('title');
    if (ui.message.dataset.kind === 'error') say('');
  }
}

/**
 * Runs an edit. On success, clears `field`'s mark and any stale error,
 * refreshes the controls (all but `source`, the control being used) and
 * redraws; with `rebuild` the table and sliders are built anew (n or d
 * changed). On refusal marks `field` (if any), explains, and keeps the scene.
 */
function edit(field, fn, { source = field, rebuild: fresh = false } = {}) {
  let out;
  try {
    out = guard(fn);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || broken) return false;
    if (field) markInvalid(field, e.message);
    else say(e.message, 'error');
    return false;
  }
  if (field) clearInvalid(field);
  if (ui.message.dataset.kind === 'error' && !document.querySelector('[aria-invalid="true"]')) say('');
  if (source !== ui.candidate) ui.candidate.dataset.chosen = '';
  if (fresh) rebuild();
  else changed(source);
  return out === undefined ? true : out;
}

// ---------------------------------------------------------------- state → controls

const fmt = (v) => String(v);

function state() { return JSON.parse(guard(() => app.stateJson())); }
function result() { return JSON.parse(guard(() => app.resultJson())); }

function buildControls() {
  const s = state();
  const d = s.query.length;
  // Candidate q: a slider and a text field per component, both named "qk".
  ui.query.replaceChildren();
  for (let k = 0; k < d; k++) {
    const row = document.createElement('div');
    row.className = 'qrow';
    const name = document.createElement('span');
    name.className = 'qname';
    name.textContent = `q${k + 1}`;
    const range = document.createElement('input');
    range.type = 'range';
    range.step = '0.01';
    range.setAttribute('aria-label', `q${k + 1}`);
    range.dataset.k = k;
    const text = document.createElement('input');
    text.type = 'text';
    text.inputMode = 'decimal';
    text.autocomplete = 'off';
    text.spellcheck = false;
    text.setAttribute('aria-label', `q${k + 1}`);
    text.dataset.k = k;
    range.addEventListener('input', () => edit(text, () => app.setQueryValue(k, range.valueAsNumber), { source: range }));
    text.addEventListener('input', () => edit(text, () => app.setQueryText(k, text.value)));
    text.addEventListener('blur', () => revertIfInvalid(text));
    row.append(name, range, text);
    ui.query.append(row);
  }
  // LastN table.
  ui.itemsHead.replaceChildren();
  const heads = ['', 'label', ...Array.from({ length: d }, (_, k) => String(k + 1)), ''];
  for (const h of heads) {
    const th = document.createElement('th');
    th.textContent = h;
    th.scope = 'col';
    ui.itemsHead.append(th);
  }
  ui.itemsBody.replaceChildren();
  const layout = JSON.parse(guard(() => app.layoutJson()));
  s.items.forEach((item, i) => {
    const tr = document.createElement('tr');
    const sw = document.createElement('td');
    sw.className = 'swatch';
    const dot = document.createElement('span');
    dot.style.background = layout.colors[i];
    dot.textContent = '';
    const idx = document.createElement('span');
    idx.className = 'idx';
    idx.textContent = `x${i + 1}`;
    sw.append(dot, idx);
    tr.append(sw);
    const lab = document.createElement('td');
    const labIn = document.createElement('input');
    labIn.type = 'text';
    labIn.className = 'label';
    labIn.setAttribute('aria-label', `label of x${i + 1}`);
    labIn.addEventListener('input', () => edit(labIn, () => app.setLabel(i, labIn.value)));
    lab.append(labIn);
    tr.append(lab);
    for (let k = 0; k < d; k++) {
      const td = document.createElement('td');
      const inp = document.createElement('input');
      inp.type = 'text';
      inp.inputMode = 'decimal';
      inp.autocomplete = 'off';
      inp.spellcheck = false;
      inp.className = 'num';
      inp.setAttribute('aria-label', `x${i + 1} component ${k + 1}`);
      inp.addEventListener('input', () => edit(inp, () => app.setItemText(i, k, inp.value)));
      inp.addEventListener('blur', () => revertIfInvalid(inp));
      td.append(inp);
      tr.append(td);
    }
    const rm = document.createElement('td');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'remove';
    btn.textContent = '×';
    btn.setAttribute('aria-label', `remove x${i + 1}`);
    btn.addEventListener('click', () => edit(null, () => app.removeItem(i), { rebuild: true }));
    rm.append(btn);
    tr.append(rm);
    ui.itemsBody.append(tr);
  });
  // Candidates.
  const cands = JSON.parse(guard(() => app.candidatesJson()));
  ui.candidate.replaceChildren();
  const custom = document.createElement('option');
  custom.value = '';
  custom.textContent = 'custom (edited)';
  ui.candidate.append(custom);
  cands.forEach((c, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = c.label;
    o.disabled = !c.fits;
    if (!c.fits) o.textContent += ' — needs d = 8';
    ui.candidate.append(o);
  });
  syncControls(null);
}

/** Puts the scene's numbers into every control except `except` (the one being typed in). */
function syncControls(except) {
  const s = state();
  const r = result();
  const d = s.query.length;
  const queryTexts = ui.query.querySelectorAll('input[type=text]');
  const queryRanges = ui.query.querySelectorAll('input[type=range]');
  for (let k = 0; k < d; k++) {
    const v = s.query[k];
    const lim = Math.max(2, Math.ceil(Math.abs(v)));
    const range = queryRanges[k];
    range.min = String(-lim);
    range.max = String(lim);
    if (range !== except) range.value = String(v);
    if (queryTexts[k] !== except && queryTexts[k].getAttribute('aria-invalid') !== 'true') queryTexts[k].value = fmt(v);
  }
  const rows = ui.itemsBody.rows;
  s.items.forEach((item, i) => {
    const inputs = rows[i].querySelectorAll('input');
    if (inputs[0] !== except) inputs[0].value = item.label;
    item.vector.forEach((v, k) => {
      const inp = inputs[k + 1];
      if (inp !== except && inp.getAttribute('aria-invalid') !== 'true') inp.value = fmt(v);
    });
  });
  ui.similarity.value = s.similarity;
  ui.normalization.value = s.normalization;
  if (ui.tempText !== except && ui.tempText.getAttribute('aria-invalid') !== 'true') ui.tempText.value = fmt(s.temperature);
  if (ui.tempRange !== except) ui.tempRange.value = String(s.temperature);
  const soft = s.normalization === 'softmax';
  ui.tempText.disabled = !soft;
  ui.tempRange.disabled = !soft;
  ui.tempNote.textContent = soft
    ? 'Lower T sharpens the weights; higher T flattens them toward the mean (1/n each).'
    : 'Without softmax α is the raw similarity; T is not used. Σα keeps the intensity of interest.';
  if (ui.dim !== except) ui.dim.value = String(d);
  ui.alphaSum.textContent = num(r.alphaSum);
  ui.pooledNorm.textContent = num(r.pooledNorm);
  ui.meanNorm.textContent = num(r.meanNorm);
  const cands = JSON.parse(guard(() => app.candidatesJson()));
  ui.candidate.value = '';
  // A candidate stays selected while q equals it; the Rust side keeps the list.
  if (ui.candidate.dataset.chosen !== undefined && ui.candidate.dataset.chosen !== '') {
    const i = Number(ui.candidate.dataset.chosen);
    if (cands[i] && cands[i].fits) ui.candidate.value = String(i);
  }
}

const num = (v) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(3));

function revertIfInvalid(field) {
  if (field.getAttribute('aria-invalid') === 'true') {
    field.removeAttribute('aria-invalid');
    field.removeAttribute('title');
    syncControls(null);
  }
}

function changed(except) {
  syncControls(except);
  scheduleDraw();
}

function rebuild() {
  buildControls();
  scheduleDraw();
}

// ---------------------------------------------------------------- drawing

function sizeCanvas(canvas, cssHeight, dpr) {
  if (cssHeight !== null) canvas.style.height = `${cssHeight}px`;
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(rect.width * dpr));
  const h = Math.max(1, Math.round(rect.height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}

function draw() {
  drawPending = false;
  if (broken || !app) return;
  const dpr = window.devicePixelRatio || 1;
  const layout = JSON.parse(guard(() => app.layoutJson()));
  sizeCanvas(ui.bars, layout.barsHeight, dpr);
  sizeCanvas(ui.heatmap, layout.heatmapHeight, dpr);
  sizeCanvas(ui.map, null, dpr);
  try {
    guard(() => app.render(dpr));
  } catch (e) {
    if (!broken) say(e.message, 'error');
  }
  const waiters = frameWaiters;
  frameWaiters = [];
  waiters.forEach((w) => w());
}

function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

// Redraw when the pixel ratio changes (browser zoom, another screen).
function watchPixelRatio() {
  const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
  mq.addEventListener('change', () => { scheduleDraw(); watchPixelRatio(); }, { once: true });
}

// ---------------------------------------------------------------- events

function wire() {
  ui.similarity.addEventListener('change', () => edit(ui.similarity, () => app.setSimilarity(ui.similarity.value)));
  ui.normalization.addEventListener('change', () => edit(ui.normalization, () => app.setNormalization(ui.normalization.value)));
  ui.tempRange.addEventListener('input', () => edit(ui.tempText, () => app.setTemperatureText(ui.tempRange.value), { source: ui.tempRange }));
  ui.tempText.addEventListener('input', () => edit(ui.tempText, () => app.setTemperatureText(ui.tempText.value)));
  ui.tempText.addEventListener('blur', () => revertIfInvalid(ui.tempText));
  ui.candidate.addEventListener('change', () => {
    const v = ui.candidate.value;
    if (v === '') return;
    ui.candidate.dataset.chosen = v;
    edit(ui.candidate, () => app.chooseCandidate(Number(v)));
  });
  // d from the field (a refusal marks the field) or the -/+ buttons (a
  // refusal is explained but marks nothing: the field still holds a valid d).
  const setDim = (text, field) => {
    const msg = edit(field, () => app.setDimText(text), { rebuild: true });
    if (typeof msg === 'string') say(msg);
  };
  ui.dim.addEventListener('change', () => setDim(ui.dim.value, ui.dim));
  ui.dim.addEventListener('blur', () => revertIfInvalid(ui.dim));
  ui.dimMinus.addEventListener('click', () => setDim(String(state().query.length - 1), null));
  ui.dimPlus.addEventListener('click', () => setDim(String(state().query.length + 1), null));
  ui.addItem.addEventListener('click', () => {
    if (edit(null, () => app.addItem(), { rebuild: true })) {
      const rows = ui.itemsBody.rows;
      rows[rows.length - 1].querySelector('input.label').focus();
    }
  });

  // The map: drag q or an item; arrow keys move q while it has focus.
  const local = (e) => {
    const r = ui.map.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  ui.map.addEventListener('pointerdown', (e) => {
    const [x, y] = local(e);
    const hit = guard(() => app.mapPointerDown(x, y));
    if (hit) {
      ui.map.setPointerCapture(e.pointerId);
      ui.map.style.cursor = 'grabbing';
      e.preventDefault();
    }
  });
  ui.map.addEventListener('pointermove', (e) => {
    const [x, y] = local(e);
    if (guard(() => app.isDragging())) {
      edit(null, () => app.mapPointerMove(x, y));
    } else if (e.pointerType === 'mouse') {
      ui.map.style.cursor = guard(() => app.mapHit(x, y)) ? 'grab' : 'default';
    }
  });
  const up = (e) => {
    if (guard(() => app.isDragging())) {
      guard(() => app.mapPointerUp());
      ui.map.style.cursor = 'grab';
      if (ui.map.hasPointerCapture(e.pointerId)) ui.map.releasePointerCapture(e.pointerId);
      syncControls(null);
      scheduleDraw();
    }
  };
  ui.map.addEventListener('pointerup', up);
  ui.map.addEventListener('pointercancel', up);
  ui.map.addEventListener('keydown', (e) => {
    const steps = e.shiftKey ? 5 : 1;
    const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!dir) return;
    e.preventDefault();
    edit(null, () => app.nudgeQuery(dir[0] * steps, dir[1] * steps));
  });

  new ResizeObserver(() => scheduleDraw()).observe(ui.map);
  window.addEventListener('resize', scheduleDraw);
  watchPixelRatio();
}

// ---------------------------------------------------------------- scripting API

/** JSON.stringify that keeps NaN and infinities visible to the validator. */
function toJson(obj) {
  const text = JSON.stringify(obj, (_, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return v;
  });
  return text === undefined ? 'null' : text;
}

const din = {
  /** The scene on screen: {scene, query, items: [{label, vector}], similarity, normalization, temperature}. */
  state,
  /** Applies a (partial) state, or throws an Error and changes nothing. */
  setState(obj) {
    guard(() => app.setStateJson(toJson(obj)));
    ui.candidate.dataset.chosen = '';
    rebuild();
  },
  /** {alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm} for the scene on screen. */
  result,
  /** Resolves after the next complete draw of all canvases. */
  frame() {
    return new Promise((resolve) => { frameWaiters.push(resolve); scheduleDraw(); });
  },
  /** Where the bars and map points were last drawn (for tests and tools). */
  layout() {
    return {
      bars: JSON.parse(guard(() => app.barsLayoutJson())),
      map: JSON.parse(guard(() => app.mapLayoutJson())),
    };
  },
};

// ---------------------------------------------------------------- start

async function main() {
  if (typeof WebAssembly !== 'object') {
    ui.boot.textContent = 'This browser cannot run WebAssembly, which the visualiser needs. Please open the page in a current Chrome, Edge, Firefox or Safari.';
    ui.boot.dataset.kind = 'error';
    return;
  }
  try {
    await init();
    app = new App(ui.bars, ui.heatmap, ui.map);
  } catch (e) {
    ui.boot.textContent = `The visualiser could not start: ${e && e.message ? e.message : e}. WebAssembly may be blocked or unsupported in this browser.`;
    ui.boot.dataset.kind = 'error';
    return;
  }
  ui.boot.hidden = true;
  ui.app.hidden = false;
  ui.candidate.dataset.chosen = '0';
  buildControls();
  wire();
  window.din = din;
  await din.frame();
  document.documentElement.dataset.ready = 'true';
}

main();
