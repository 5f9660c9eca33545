// DOM wiring for the DIN attention page. No maths here: every number is
// parsed, validated and computed by the Rust core through the wasm `App`
// handle; this file only moves text and events between the page and it.

import init, { App } from '../pkg/din_viz.js';

const $ = (id) => document.getElementById(id);

const ui = {
  boot: $('boot'), app: $('app'), message: $('message'),
  lang: $('lang'), scene: $('scene'), caption: $('caption'),
  steps: $('steps'), stepsToggle: $('steps-toggle'), stepPrev: $('step-prev'), stepNext: $('step-next'), stepCount: $('step-count'),
  qkv: $('qkv'), towers: $('towers'), unit: $('unit'), unitItem: $('unit-item'),
  genN: $('gen-n'), genD: $('gen-d'), generate: $('generate'), density: $('density'),
  unitNote: $('unit-note'), activation: $('activation'), activationRow: $('activation-row'),
  maxLen: $('maxlen'), maxLenRow: $('maxlen-row'), padded: $('padded'),
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
  if (fresh) rebuild();
  else changed(source);
  return out === undefined ? true : out;
}

// ---------------------------------------------------------------- language

let strings = {};
const t = (key) => strings[key] ?? key;

/** Puts the current language's strings into every element that names a key. */
function applyStrings() {
  strings = JSON.parse(guard(() => app.pageStrings()));
  const lang = guard(() => app.lang());
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.title = `${t('title')} — DIN`;
}

// ---------------------------------------------------------------- state → controls

const fmt = (v) => String(v);

function state() { return JSON.parse(guard(() => app.stateJson())); }
function result() { return JSON.parse(guard(() => app.resultJson())); }

function buildControls() {
  const s = state();
  ui.genN.value = String(s.items.length);
  ui.genD.value = String(s.query.length);
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
  const heads = ['', t('label'), ...Array.from({ length: d }, (_, k) => String(k + 1)), ''];
  for (const h of heads) {
    const th = document.createElement('th');
    th.textContent = h;
    th.scope = 'col';
    ui.itemsHead.append(th);
  }
  table.n = s.items.length;
  table.d = d;
  table.first = -1;
  renderRows();
  // The item shown inside the activation unit.
  const keep = ui.unitItem.value;
  ui.unitItem.replaceChildren(...s.items.slice(0, 500).map((item, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = `x${i + 1} ${item.label}`;
    return o;
  }));
  if (keep && Number(keep) < s.items.length) ui.unitItem.value = keep;
  // Captions, stacked in one cell: the box keeps the tallest one's height.
  ui.caption.replaceChildren(...JSON.parse(guard(() => app.captionsJson())).map((c) => {
    const span = document.createElement('span');
    span.dataset.key = c.key;
    span.textContent = c.text;
    return span;
  }));
  // Scenes and candidates.
  const scenes = JSON.parse(guard(() => app.scenesJson()));
  ui.scene.replaceChildren(...scenes.map((sc) => {
    const o = document.createElement('option');
    o.value = sc.id;
    o.textContent = sc.title;
    return o;
  }));
  const cands = JSON.parse(guard(() => app.candidatesJson()));
  ui.candidate.replaceChildren();
  const custom = document.createElement('option');
  custom.value = '';
  custom.textContent = t('custom');
  ui.candidate.append(custom);
  for (const c of cands) {
    const o = document.createElement('option');
    o.value = c.id;
    o.textContent = c.fits ? c.label : `${c.label} — ${t('needs-d8')}`;
    o.disabled = !c.fits;
    ui.candidate.append(o);
  }
  ui.candidate.disabled = cands.length === 0;
  syncControls(null);
}

// ---------------------------------------------------------------- LastN table

// The table renders only the rows in view (plus a margin), so a LastN of
// 10,000 items keeps a few dozen rows in the DOM; spacer rows keep the
// scroll height true. Rows are a fixed height (CSS: 36 px).
const ROW_PX = 36;
const table = { n: 0, d: 0, first: -1, count: 0 };

function buildRow(i, item, d, color) {
  const tr = document.createElement('tr');
  tr.dataset.i = String(i);
  const sw = document.createElement('td');
  sw.className = 'swatch';
  const dot = document.createElement('span');
  dot.style.background = color;
  const idx = document.createElement('span');
  idx.className = 'idx';
  idx.textContent = `x${i + 1}`;
  sw.append(dot, idx);
  tr.append(sw);
  const lab = document.createElement('td');
  const labIn = document.createElement('input');
  labIn.type = 'text';
  labIn.className = 'label';
  labIn.value = item.label;
  labIn.setAttribute('aria-label', `${t('label-of')} x${i + 1}`);
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
    inp.value = fmt(item.vector[k]);
    inp.setAttribute('aria-label', `x${i + 1} ${t('item-component')} ${k + 1}`);
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
  btn.setAttribute('aria-label', `${t('remove-item')} x${i + 1}`);
  btn.addEventListener('click', () => edit(null, () => app.removeItem(i), { rebuild: true }));
  rm.append(btn);
  tr.append(rm);
  return tr;
}

function spacer(rows) {
  const tr = document.createElement('tr');
  tr.className = 'spacer';
  tr.setAttribute('aria-hidden', 'true');
  const td = document.createElement('td');
  td.colSpan = table.d + 3;
  td.style.height = `${rows * ROW_PX}px`;
  tr.append(td);
  return tr;
}

/** Renders the rows in view; returns whether the window moved. */
function renderRows() {
  const wrap = ui.itemsBody.closest('.table-wrap');
  const visible = Math.ceil((wrap.clientHeight || 600) / ROW_PX) + 20;
  const first = Math.max(0, Math.min(table.n - visible, Math.floor(wrap.scrollTop / ROW_PX) - 10));
  const count = Math.min(table.n, visible);
  const start = Math.max(0, first);
  if (start === table.first && count === table.count) return false;
  table.first = start;
  table.count = count;
  const items = JSON.parse(guard(() => app.itemsJson(start, count)));
  const rows = items.map((item, j) => buildRow(start + j, item, table.d, guard(() => app.itemColor(start + j))));
  const above = start;
  const below = table.n - start - items.length;
  ui.itemsBody.replaceChildren(...(above > 0 ? [spacer(above)] : []), ...rows, ...(below > 0 ? [spacer(below)] : []));
  return true;
}

/** Puts the scene's numbers into every control except `except` (the one being typed in). */
function syncControls(except) {
  const s = JSON.parse(guard(() => app.summaryJson()));
  const r = JSON.parse(guard(() => app.normsJson()));
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
  if (table.count > 0) {
    const items = JSON.parse(guard(() => app.itemsJson(table.first, table.count)));
    const rows = ui.itemsBody.querySelectorAll('tr:not(.spacer)');
    items.forEach((item, j) => {
      const row = rows[j];
      if (!row) return;
      const inputs = row.querySelectorAll('input');
      if (inputs[0] !== except) inputs[0].value = item.label;
      item.vector.forEach((v, k) => {
        const inp = inputs[k + 1];
        if (inp && inp !== except && inp.getAttribute('aria-invalid') !== 'true') inp.value = fmt(v);
      });
    });
  }
  ui.similarity.value = s.similarity;
  ui.normalization.value = s.normalization;
  const unit = JSON.parse(guard(() => app.unitStatus()));
  const usesUnit = s.similarity === 'unit' || s.similarity === 'authors';
  for (const v of ['unit', 'authors']) ui.similarity.querySelector(`option[value="${v}"]`).disabled = !unit.ok;
  ui.unitNote.textContent = !unit.ok ? unit.reason : s.similarity === 'unit' ? t('unit-info') : s.similarity === 'authors' ? t('authors-info') : '';
  ui.unitNote.hidden = !ui.unitNote.textContent;
  ui.activationRow.hidden = !usesUnit;
  ui.activation.value = s.activation;
  ui.maxLenRow.hidden = s.similarity !== 'authors';
  ui.normalization.disabled = s.similarity === 'authors';
  if (ui.maxLen !== except && ui.maxLen.getAttribute('aria-invalid') !== 'true') ui.maxLen.value = String(unit.paddedLen);
  ui.padded.textContent = `${unit.padded} ${t('padded')}`;
  if (ui.tempText !== except && ui.tempText.getAttribute('aria-invalid') !== 'true') ui.tempText.value = fmt(s.temperature);
  if (ui.tempRange !== except) ui.tempRange.value = String(s.temperature);
  const soft = s.normalization === 'softmax' && s.similarity !== 'authors';
  ui.tempText.disabled = !soft;
  ui.tempRange.disabled = !soft;
  ui.tempNote.textContent = t(soft ? 'temp-soft' : 'temp-none');
  if (ui.dim !== except) ui.dim.value = String(d);
  ui.alphaSum.textContent = num(r.alphaSum);
  ui.pooledNorm.textContent = num(r.pooledNorm);
  ui.meanNorm.textContent = num(r.meanNorm);
  ui.candidate.value = s.candidate || '';
  if (ui.candidate.value !== (s.candidate || '')) ui.candidate.value = '';
  if (![...ui.scene.options].some((o) => o.value === s.scene)) {
    const o = document.createElement('option');
    o.value = s.scene;
    o.textContent = s.scene === 'generated' ? t('generated') : s.scene;
    ui.scene.append(o);
  }
  ui.scene.value = s.scene;
  const key = guard(() => app.captionKey());
  for (const el of ui.caption.children) el.classList.toggle('on', el.dataset.key === key);
  ui.caption.hidden = key === 'none';
  syncSteps();
}

function syncSteps() {
  const step = guard(() => app.step());
  const total = guard(() => app.stepsTotal());
  const on = step >= 0;
  ui.stepsToggle.textContent = t(on ? 'steps-off' : 'steps-on');
  ui.stepsToggle.setAttribute('aria-pressed', String(on));
  ui.stepPrev.disabled = !on || step <= 0;
  ui.stepNext.disabled = !on || step >= total - 1;
  ui.stepCount.textContent = on ? `${step} / ${total - 1}` : '';
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
  for (const c of [ui.steps, ui.qkv, ui.towers]) sizeCanvas(c, null, dpr);
  sizeCanvas(ui.unit, guard(() => app.unitHeight(ui.unit.getBoundingClientRect().width)), dpr);
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
  ui.activation.addEventListener('change', () => edit(ui.activation, () => app.setActivation(ui.activation.value)));
  ui.maxLen.addEventListener('change', () => edit(ui.maxLen, () => app.setMaxLenText(ui.maxLen.value)));
  ui.maxLen.addEventListener('blur', () => revertIfInvalid(ui.maxLen));
  ui.unitItem.addEventListener('change', () => { guard(() => app.selectItem(Number(ui.unitItem.value))); scheduleDraw(); });
  ui.bars.addEventListener('click', (e) => {
    const r = ui.bars.getBoundingClientRect();
    const i = guard(() => app.barsHit(e.clientX - r.left, e.clientY - r.top));
    if (i >= 0) { guard(() => app.selectItem(i)); ui.unitItem.value = String(i); scheduleDraw(); }
  });
  ui.density.addEventListener('change', () => { guard(() => app.setDensity(ui.density.checked)); scheduleDraw(); });
  ui.normalization.addEventListener('change', () => edit(ui.normalization, () => app.setNormalization(ui.normalization.value)));
  ui.tempRange.addEventListener('input', () => edit(ui.tempText, () => app.setTemperatureText(ui.tempRange.value), { source: ui.tempRange }));
  ui.tempText.addEventListener('input', () => edit(ui.tempText, () => app.setTemperatureText(ui.tempText.value)));
  ui.tempText.addEventListener('blur', () => revertIfInvalid(ui.tempText));
  ui.candidate.addEventListener('change', () => {
    const v = ui.candidate.value;
    if (v !== '') edit(ui.candidate, () => app.chooseCandidate(v));
  });
  ui.scene.addEventListener('change', () => edit(null, () => app.loadScene(ui.scene.value, 0), { rebuild: true }));
  ui.lang.addEventListener('click', () => {
    guard(() => app.setLang(guard(() => app.lang()) === 'zh' ? 'en' : 'zh'));
    applyStrings();
    rebuild();
  });

  // Step-through: buttons, and keys while the panel has focus. At the first
  // or last step a further key is not consumed, so a slide deck gets it.
  ui.stepsToggle.addEventListener('click', () => {
    const on = guard(() => app.step()) >= 0;
    edit(null, () => app.setStep(on ? -1 : 0));
    if (!on) ui.steps.focus();
  });
  ui.stepPrev.addEventListener('click', () => { if (guard(() => app.stepBy(false))) changed(null); });
  ui.stepNext.addEventListener('click', () => { if (guard(() => app.stepBy(true))) changed(null); });
  ui.steps.closest('section').addEventListener('keydown', (e) => {
    if (e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return;
    const forward = ['ArrowRight', ' ', 'PageDown'].includes(e.key);
    const back = ['ArrowLeft', 'PageUp'].includes(e.key);
    if (!forward && !back) return;
    if (guard(() => app.step()) < 0) {
      edit(null, () => app.setStep(0));
      e.preventDefault();
      return;
    }
    if (guard(() => app.stepBy(forward))) {
      e.preventDefault();
      changed(null);
    }
  });
  for (const r of document.querySelectorAll('input[name=placement]')) {
    r.addEventListener('change', () => { if (r.checked) edit(null, () => app.setPlacement(r.value)); });
  }
  // Hovering an item in the bars or on the map highlights it in every panel.
  const hover = (i) => { guard(() => app.setHighlight(i)); scheduleDraw(); };
  ui.bars.addEventListener('pointermove', (e) => {
    const r = ui.bars.getBoundingClientRect();
    hover(guard(() => app.barsHit(e.clientX - r.left, e.clientY - r.top)));
  });
  ui.bars.addEventListener('pointerleave', () => hover(-1));
  ui.qkv.addEventListener('pointermove', (e) => {
    const r = ui.qkv.getBoundingClientRect();
    hover(guard(() => app.qkvHit(e.clientX - r.left, e.clientY - r.top)));
  });
  ui.qkv.addEventListener('pointerleave', () => hover(-1));
  ui.map.addEventListener('pointerleave', () => { if (!guard(() => app.isDragging())) hover(-1); });
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
  ui.itemsBody.closest('.table-wrap').addEventListener('scroll', () => { if (table.n > 0) renderRows(); }, { passive: true });
  ui.generate.addEventListener('click', () => {
    const n = Number(ui.genN.value);
    const d = Number(ui.genD.value);
    const ok = Number.isInteger(n) && Number.isInteger(d);
    edit(ui.genN, () => {
      if (!ok) throw new Error(t('generate-bad'));
      return app.generate(n, d);
    }, { rebuild: true });
  });
  ui.addItem.addEventListener('click', () => {
    if (edit(null, () => app.addItem(), { rebuild: true })) {
      const wrap = ui.itemsBody.closest('.table-wrap');
      wrap.scrollTop = wrap.scrollHeight;
      renderRows();
      const rows = ui.itemsBody.querySelectorAll('tr:not(.spacer)');
      rows[rows.length - 1]?.querySelector('input.label')?.focus();
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
      const hit = guard(() => app.mapHit(x, y));
      ui.map.style.cursor = hit ? 'grab' : 'default';
      guard(() => app.setHighlight(hit.startsWith('x') ? Number(hit.slice(1)) - 1 : -1));
      scheduleDraw();
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
    applyStrings();
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

// ---------------------------------------------------------------- URL

/** key=value parameters of the query string and the hash; the hash wins. */
function readUrlParams() {
  const params = new Map(new URLSearchParams(location.search));
  for (const [k, v] of new URLSearchParams(location.hash.replace(/^#/, ''))) params.set(k, v);
  return params;
}

/** Applies scene, d, candidate, step and lang; returns messages for refused values. */
function applyUrl(params) {
  const problems = [];
  const tryApply = (key, fn) => {
    try { guard(fn); } catch (e) { if (!broken) problems.push(`${key}: ${e.message}`); }
  };
  const lang = params.get('lang') ?? ((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  tryApply('lang', () => app.setLang(lang));
  if (params.has('scene')) {
    const d = params.has('d') ? Number(params.get('d')) : 0;
    tryApply('scene', () => app.loadScene(params.get('scene'), Number.isInteger(d) && d > 0 ? d : 0));
  }
  if (params.has('candidate')) tryApply('candidate', () => app.chooseCandidate(params.get('candidate')));
  if (params.has('step')) {
    const step = Number(params.get('step'));
    tryApply('step', () => {
      if (!Number.isInteger(step) || step < 0) throw new Error(`"${params.get('step')}" is not a whole number ≥ 0`);
      app.setStep(step);
    });
  }
  return problems;
}

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
  for (const [panel, canvas] of [['steps', ui.steps], ['qkv', ui.qkv], ['towers', ui.towers], ['unit', ui.unit]]) app.attach(panel, canvas);
  const problems = applyUrl(readUrlParams());
  applyStrings();
  buildControls();
  if (problems.length) say(problems.join(' · '), 'error');
  wire();
  window.din = din;
  await din.frame();
  document.documentElement.dataset.ready = 'true';
}

main();
