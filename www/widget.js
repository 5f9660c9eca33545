// The DIN attention widget: builds the controls and canvases inside a root
// (the page's <main>, or a <din-attention> element's shadow root) and wires
// them to one wasm `App`. No maths and no validation here: every number,
// URL parameter, imported file and state goes to the Rust core as text or
// numbers, and every refusal comes back as an Error with a message.
//
// One wasm module serves every widget on a page; each widget has its own
// App (scene, state, canvases), so several can live side by side.

import init, { App } from '../pkg/din_viz.js';
import { TEMPLATE } from './template.js';

// ---------------------------------------------------------------- the module

let wasmSource;
let wasmReady = null;
let poisoned = false;
const live = new Set();

/**
 * Where the wasm comes from: a URL, bytes, or a promise of either. The
 * one-file build passes the inlined bytes; by default it is fetched next
 * to the generated glue (pkg/din_viz_bg.wasm).
 */
export function setWasmSource(source) { wasmSource = source; }

/** Starts the wasm module once; resolves when it can be used. */
export function ready() {
  if (!wasmReady) {
    wasmReady = (async () => {
      if (typeof WebAssembly !== 'object') throw new Error('this browser cannot run WebAssembly');
      const source = await wasmSource;
      if (source !== undefined) { await init({ module_or_path: source }); return; }
      const loading = fetchWasm(new URL('../pkg/din_viz_bg.wasm', import.meta.url));
      try {
        await init({ module_or_path: loading.response });
      } catch (e) {
        // Compilation of a stream that failed reports it vaguely: say what failed.
        throw loading.error() || e;
      }
    })();
  }
  return wasmReady;
}

// ---------------------------------------------------------------- loading the wasm (issue 14)

/** Seconds without a byte of the wasm before its download counts as stalled. */
export const WASM_STALL_SECONDS = 15;

/**
 * Fetches the wasm module so that a failure says what failed: an HTTP
 * error names the file and its status, and a download that stops (no data
 * for WASM_STALL_SECONDS) is given up with a message instead of a page that
 * loads forever. `response` resolves to a Response the glue compiles while
 * it streams; `error()` is what went wrong, once something did.
 */
function fetchWasm(url) {
  const name = url.pathname.split('/').slice(-2).join('/');
  const controller = new AbortController();
  let timer = 0;
  let stalled = false;
  let error = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { stalled = true; controller.abort(); }, WASM_STALL_SECONDS * 1000);
  };
  // The message in English, and in Chinese as `zh` (the page shows both before its strings exist).
  const failed = (why, zh) => {
    if (!error) { error = new Error(`the WebAssembly module ${name} ${why}`); error.zh = zh; }
    return error;
  };
  const reason = (e) => (e && e.message ? e.message : String(e));
  const response = (async () => {
    arm();
    let r;
    try {
      r = await fetch(url, { signal: controller.signal });
    } catch (e) {
      clearTimeout(timer);
      throw stalled
        ? failed(`did not start arriving within ${WASM_STALL_SECONDS} s`, `WebAssembly 模块 ${name} 在 ${WASM_STALL_SECONDS} 秒内没有开始下载`)
        : failed(`could not be loaded (${reason(e)})`, `无法加载 WebAssembly 模块 ${name}（${reason(e)}）`);
    }
    if (!r.ok) {
      clearTimeout(timer);
      const status = `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`;
      throw failed(`could not be loaded (${status})`, `无法加载 WebAssembly 模块 ${name}（${status}）`);
    }
    if (!r.body) { clearTimeout(timer); return r; }
    const reader = r.body.getReader();
    const body = new ReadableStream({
      async pull(c) {
        try {
          const { done, value } = await reader.read();
          if (done) { clearTimeout(timer); c.close(); return; }
          arm();
          c.enqueue(value);
        } catch (e) {
          clearTimeout(timer);
          c.error(stalled
            ? failed(`stopped arriving: no data for ${WASM_STALL_SECONDS} s`, `WebAssembly 模块 ${name} 停止传输：${WASM_STALL_SECONDS} 秒内没有收到数据`)
            : failed(`could not be loaded (${reason(e)})`, `无法加载 WebAssembly 模块 ${name}（${reason(e)}）`));
        }
      },
      cancel(why) { clearTimeout(timer); return reader.cancel(why); },
    });
    return new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
  })();
  return { response, error: () => error };
}

// A Rust panic poisons the module for every widget: each shows the overlay.
if (typeof window !== 'undefined') {
  window.addEventListener('din-panic', (e) => {
    poisoned = true;
    for (const w of live) w.showFatal(e.detail);
  });
}

let stylesheet = null;
/** CSS text for shadow roots (the bundles set it; the page links widget.css). */
export function setStyles(text) { stylesheet = text; }
export function widgetStylesHref() { return new URL('widget.css', import.meta.url).href; }

const CHARTS = ['bars', 'map', 'heatmap', 'steps', 'unit', 'qkv', 'towers'];
const KEYS_NEXT = ['ArrowRight', ' ', 'PageDown'];
const KEYS_PREV = ['ArrowLeft', 'PageUp'];

/** JSON.stringify that keeps NaN and infinities visible to the validator. */
function toJson(obj) {
  const text = JSON.stringify(obj, (_, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return v;
  });
  return text === undefined ? 'null' : text;
}

/** Whether a key event belongs to the field it was typed in. */
function ownsKeys(el) {
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag === 'INPUT') return true;
  return false;
}

/**
 * Mounts a widget in `root` (an element or a shadow root).
 *
 * options:
 * - `params`: initial state as `key=value&…` text (the URL format);
 * - `hash`: a second such text that wins per key (the page's location.hash);
 * - `host`: the element whose events (`din-change`) and size matter;
 * - `onChange(widget)`: called after every change of the state;
 * - `page`: true for the page (copy link, URL sync handled by the page).
 *
 * Resolves to the widget's API (see `api` at the end).
 */
export async function createWidget(root, options = {}) {
  await ready();
  const doc = root.ownerDocument || document;
  const shell = doc.createElement('div');
  shell.className = 'din';
  shell.innerHTML = TEMPLATE;
  if (root instanceof ShadowRoot) {
    const style = doc.createElement(stylesheet ? 'style' : 'link');
    if (stylesheet) style.textContent = stylesheet;
    else { style.rel = 'stylesheet'; style.href = widgetStylesHref(); }
    root.append(style);
    // Lay out and draw only once the shadow root is styled (else the first
    // frame, and `data-ready`, come with the unstyled toolbar and sizes).
    if (!stylesheet) {
      await new Promise((resolve) => {
        style.addEventListener('load', resolve, { once: true });
        style.addEventListener('error', resolve, { once: true });
        setTimeout(resolve, 5000);
      });
    }
  }
  const $ = (id) => shell.querySelector(`#${id}`);
  const host = options.host || shell;
  const W = new Widget(shell, $, host, options);
  live.add(W);
  await W.start(() => root.append(shell));
  return W.api();
}

class Widget {
  constructor(shell, $, host, options) {
    this.shell = shell;
    this.$ = $;
    this.host = host;
    this.options = options;
    this.app = null;
    this.broken = false;
    this.drawPending = false;
    this.frameWaiters = [];
    // Each visible canvas's box on screen (CSS px) when the last draw sized it.
    this.drawnBoxes = new Map();
    this.strings = {};
    this.table = { n: 0, d: 0, first: -1, count: 0, version: -1 };
    this.messageTimer = 0;
    this.commitTimer = 0;
    this.altTimer = 0;
    this.ui = {};
    for (const id of ['message', 'lang', 'theme', 'font', 'undo', 'redo', 'reset', 'copy-link', 'export-toggle', 'import-toggle',
      'export-panel', 'import-panel', 'export-panel-select', 'export-png', 'export-png2', 'export-svg', 'export-json', 'export-csv', 'export-items',
      'import-text', 'import-go', 'import-file', 'link-note', 'link-note-text', 'link-note-json',
      'scene', 'caption', 'steps', 'steps-toggle', 'step-prev', 'step-next', 'step-count', 'qkv', 'towers', 'unit', 'unit-item',
      'gen-n', 'gen-d', 'generate', 'density', 'unit-note', 'rounded-note', 'activation', 'activation-row', 'maxlen', 'maxlen-row', 'padded',
      'candidate', 'query', 'similarity', 'normalization', 'temperature-range', 'temperature-text', 'temp-note',
      'dim', 'dim-minus', 'dim-plus', 'items', 'items-head', 'items-body', 'add-item', 'alpha-sum', 'pooled-norm', 'mean-norm',
      'bars', 'heatmap', 'map', 'fatal', 'fatal-message', 'fatal-reload', 'fatal-restore', 'alt-step', 'alt-map', 'alt-alpha', 'alt-vectors']) {
      this.ui[id.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = $(id);
    }
  }

  // ------------------------------------------------------------ start

  /**
   * Builds the widget while it is still out of the document (`attach` puts
   * it in), so that nothing forces a layout of a half-built widget: the
   * page lays it out once, for the first draw.
   */
  async start(attach) {
    const { ui } = this;
    try {
      this.app = new App(ui.bars, ui.heatmap, ui.map);
      for (const p of ['steps', 'qkv', 'towers', 'unit']) this.app.attach(p, ui[p]);
      const lang = (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
      this.guard(() => this.app.setLang(lang));
      const problems = this.applyParams(this.options.params || '', this.options.hash || '', true);
      this.applyStrings();
      this.applyView();
      this.buildControls();
      if (problems.length) this.say(problems.join(' · '), 'error');
      this.wire();
      // The scene as opened (link, attributes) is where undo stops.
      this.guard(() => this.app.clearHistory());
      this.syncHistory();
      this.syncAlt();
    } finally {
      attach();
      // A panic while building: the overlay could not take the focus out of the document.
      if (this.broken) this.showFatal(ui.fatalMessage.textContent);
    }
    // Out of the document the table had no height, so its first rows were
    // counted for 600 px; count them again for its real height.
    this.renderRows();
    this.observeSize();
    await this.frame();
  }

  // ------------------------------------------------------------ errors

  showFatal(text) {
    this.broken = true;
    this.ui.fatalMessage.textContent = String(text);
    this.ui.fatal.hidden = false;
    const canRestore = typeof this.options.restore === 'function' && this.options.canRestore?.();
    this.ui.fatalRestore.hidden = !canRestore;
    // What Restore brings back (or that nothing could be saved), worded before the error.
    const note = this.$('fatal-note');
    note.textContent = this.options.restoreNote?.() || '';
    note.hidden = !note.textContent;
    (canRestore ? this.ui.fatalRestore : this.ui.fatalReload).focus();
  }

  /** Calls into wasm; a trap (a Rust panic) becomes the visible overlay. */
  guard(fn) {
    if (this.broken || poisoned) throw new Error('the visualiser stopped after an internal error; reload the page');
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError && this.ui.fatal.hidden) this.showFatal(e.message);
      throw e;
    }
  }

  /** Shows `text` in the message line: `error`, `info` (cleared after 6 s) or `note` (kept). */
  say(text, kind = 'info') {
    const m = this.ui.message;
    m.textContent = text;
    m.dataset.kind = kind;
    clearTimeout(this.messageTimer);
    if (kind === 'info' && text) this.messageTimer = setTimeout(() => { m.textContent = ''; }, 6000);
  }

  markInvalid(field, text) {
    field.setAttribute('aria-invalid', 'true');
    field.title = text;
    this.say(text, 'error');
  }

  clearInvalid(field) {
    if (field.getAttribute('aria-invalid') === 'true') {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('title');
      if (this.ui.message.dataset.kind === 'error') this.say('');
    }
  }

  /**
   * Runs an edit. On success clears `field`'s mark and any stale error,
   * refreshes the controls (all but `source`) and redraws; with `rebuild`
   * the table and sliders are built anew. On refusal marks `field` (if
   * any), explains, and keeps the scene. `commit` ends an undo step now
   * (otherwise a burst of edits becomes one step after a pause).
   */
  edit(field, fn, { source = field, rebuild = false, commit = false } = {}) {
    let out;
    try {
      out = this.guard(fn);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || this.broken) return false;
      if (field) this.markInvalid(field, e.message);
      else this.say(e.message, 'error');
      return false;
    }
    if (field) this.clearInvalid(field);
    if (this.ui.message.dataset.kind === 'error' && !this.shell.querySelector('[aria-invalid="true"]')) this.say('');
    if (rebuild) this.rebuild();
    else this.changed(source);
    this.scheduleCommit(commit ? 0 : 600);
    return out === undefined ? true : out;
  }

  scheduleCommit(ms) {
    clearTimeout(this.commitTimer);
    const run = () => { if (!this.broken && !poisoned) { this.app.commit(); this.syncHistory(); } };
    if (ms === 0) run();
    else this.commitTimer = setTimeout(run, ms);
  }

  // ------------------------------------------------------------ language and view

  t(key) { return this.strings[key] ?? key; }

  applyStrings() {
    this.strings = JSON.parse(this.guard(() => this.app.pageStrings()));
    const lang = this.guard(() => this.app.lang());
    this.shell.lang = lang === 'zh' ? 'zh-CN' : 'en';
    for (const el of this.shell.querySelectorAll('[data-i18n]')) el.textContent = this.t(el.dataset.i18n);
    for (const el of this.shell.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', this.t(el.dataset.i18nAria));
    for (const el of this.shell.querySelectorAll('[data-i18n-title]')) el.title = this.t(el.dataset.i18nTitle);
    this.options.onStrings?.(this);
  }

  view() { return JSON.parse(this.guard(() => this.app.viewJson())); }

  /** Shows the panels in the chosen order, the theme, the font scale and embed mode. */
  applyView() {
    const v = this.view();
    const { shell, ui } = this;
    shell.dataset.theme = v.theme;
    shell.style.setProperty('--font-scale', String(v.font));
    shell.toggleAttribute('data-embed', v.embed);
    if (this.host !== shell) this.host.toggleAttribute('data-embed', v.embed);
    ui.theme.value = v.theme;
    ui.font.value = String(v.font);
    if (ui.font.value !== String(v.font)) {
      const o = document.createElement('option');
      o.value = String(v.font);
      o.textContent = `${Math.round(v.font * 100)}%`;
      ui.font.append(o);
      ui.font.value = String(v.font);
    }
    const order = new Map(v.panels.map((p, i) => [p, i]));
    for (const el of shell.querySelectorAll('[data-panel]')) {
      const p = el.dataset.panel;
      el.hidden = !order.has(p);
      el.style.order = order.has(p) ? String(order.get(p)) : '';
    }
    const charts = v.panels.filter((p) => CHARTS.includes(p) || p === 'readout');
    shell.dataset.charts = String(charts.length);
    shell.toggleAttribute('data-no-controls', !order.has('controls'));
    ui.density.checked = v.density;
    for (const r of shell.querySelectorAll('input[name=placement]')) r.checked = r.value === v.placement;
    ui.copyLink.hidden = !this.options.page;
  }

  // ------------------------------------------------------------ state → controls

  state() { return JSON.parse(this.guard(() => this.app.stateJson())); }
  result() { return JSON.parse(this.guard(() => this.app.resultJson())); }

  buildControls() {
    const { ui, app } = this;
    const s = JSON.parse(this.guard(() => app.summaryJson()));
    ui.genN.value = String(s.n);
    ui.genD.value = String(s.d);
    const d = s.d;
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
      range.addEventListener('input', () => this.edit(text, () => app.setQueryValue(k, range.valueAsNumber), { source: range }));
      // Keyboard steps fire a change each; a burst of them is one undo step.
      range.addEventListener('change', () => this.scheduleCommit(400));
      text.addEventListener('input', () => this.edit(text, () => app.setQueryText(k, text.value)));
      text.addEventListener('change', () => this.scheduleCommit(0));
      text.addEventListener('blur', () => this.revertIfInvalid(text));
      row.append(name, range, text);
      ui.query.append(row);
    }
    ui.itemsHead.replaceChildren();
    const heads = ['', this.t('label'), ...Array.from({ length: d }, (_, k) => String(k + 1)), ''];
    for (const h of heads) {
      const th = document.createElement('th');
      th.textContent = h;
      th.scope = 'col';
      ui.itemsHead.append(th);
    }
    this.table.n = s.n;
    this.table.d = d;
    this.table.first = -1;
    // The table's box has a fixed height (CSS contain: strict): header + rows, at most 60vh.
    ui.itemsBody.closest('.table-wrap').style.setProperty('--table-h', `${(s.n + 1) * 36 + 8}px`);
    this.renderRows();
    const keep = ui.unitItem.value;
    const labels = JSON.parse(this.guard(() => app.itemsJson(0, 500)));
    ui.unitItem.replaceChildren(...labels.map((item, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = `x${i + 1} ${item.label}`;
      return o;
    }));
    if (keep && Number(keep) < s.n) ui.unitItem.value = keep;
    ui.caption.replaceChildren(...JSON.parse(this.guard(() => app.captionsJson())).map((c) => {
      const span = document.createElement('span');
      span.dataset.key = c.key;
      span.textContent = c.text;
      return span;
    }));
    const scenes = JSON.parse(this.guard(() => app.scenesJson()));
    ui.scene.replaceChildren(...scenes.map((sc) => {
      const o = document.createElement('option');
      o.value = sc.id;
      o.textContent = sc.title;
      return o;
    }));
    const cands = JSON.parse(this.guard(() => app.candidatesJson()));
    ui.candidate.replaceChildren();
    const custom = document.createElement('option');
    custom.value = '';
    custom.textContent = this.t('custom');
    ui.candidate.append(custom);
    for (const c of cands) {
      const o = document.createElement('option');
      o.value = c.id;
      o.textContent = c.fits ? c.label : `${c.label} — ${this.t('needs-d8')}`;
      o.disabled = !c.fits;
      ui.candidate.append(o);
    }
    ui.candidate.disabled = cands.length === 0;
    this.syncControls(null);
  }

  // The table renders only the rows in view (plus a margin), so a LastN of
  // 10,000 items keeps a few dozen rows in the DOM; spacer rows keep the
  // scroll height true. Rows are a fixed height (CSS: 36 px).
  buildRow(i, item, d, color) {
    const { app } = this;
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
    labIn.setAttribute('aria-label', `${this.t('label-of')} x${i + 1}`);
    labIn.addEventListener('input', () => {
      // The unit panel's item menu names the items too: keep it in step.
      if (this.edit(labIn, () => app.setLabel(i, labIn.value)) && this.ui.unitItem.options[i]) {
        this.ui.unitItem.options[i].textContent = `x${i + 1} ${labIn.value}`;
      }
    });
    labIn.addEventListener('change', () => this.scheduleCommit(0));
    labIn.addEventListener('blur', () => this.revertIfInvalid(labIn));
    // A text field would silently drop the line breaks of pasted text: the
    // pasted label goes to the core whole, which refuses control characters
    // in labels on every channel, with a message; the field keeps its text.
    labIn.addEventListener('paste', (e) => {
      const pasted = e.clipboardData?.getData('text/plain');
      if (pasted === undefined) return;
      e.preventDefault();
      const [a, b] = [labIn.selectionStart ?? labIn.value.length, labIn.selectionEnd ?? labIn.value.length];
      const next = labIn.value.slice(0, a) + pasted + labIn.value.slice(b);
      if (this.edit(labIn, () => app.setLabel(i, next))) {
        labIn.value = next;
        labIn.setSelectionRange(a + pasted.length, a + pasted.length);
        if (this.ui.unitItem.options[i]) this.ui.unitItem.options[i].textContent = `x${i + 1} ${next}`;
      }
    });
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
      showCell(inp, item.vector[k], false);
      inp.setAttribute('aria-label', `x${i + 1} ${this.t('item-component')} ${k + 1}`);
      // Focus shows the exact value for editing; leaving shows the short form again.
      inp.addEventListener('focus', () => {
        if (inp.getAttribute('aria-invalid') === 'true' || inp.value === inp.dataset.exact) return;
        // Selected, as Tab selects a field's text, so that typing replaces it.
        inp.value = inp.dataset.exact;
        inp.select();
      });
      inp.addEventListener('input', () => this.edit(inp, () => app.setItemText(i, k, inp.value)));
      inp.addEventListener('change', () => this.scheduleCommit(0));
      inp.addEventListener('blur', () => {
        if (inp.getAttribute('aria-invalid') === 'true') { this.revertIfInvalid(inp); return; }
        const now = JSON.parse(this.guard(() => app.itemsJson(i, 1)))[0];
        if (now) showCell(inp, now.vector[k], false);
      });
      td.append(inp);
      tr.append(td);
    }
    const rm = document.createElement('td');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'remove';
    btn.textContent = '×';
    btn.setAttribute('aria-label', `${this.t('remove-item')} x${i + 1}`);
    btn.addEventListener('click', () => this.edit(null, () => app.removeItem(i), { rebuild: true, commit: true }));
    rm.append(btn);
    tr.append(rm);
    return tr;
  }

  spacer(rows) {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = this.table.d + 3;
    td.style.height = `${rows * 36}px`;
    tr.append(td);
    return tr;
  }

  renderRows() {
    const { ui, table } = this;
    const wrap = ui.itemsBody.closest('.table-wrap');
    // A margin of 4 rows each side: every field is a box the compositor
    // walks on each frame, so rows far out of view cost time on every edit.
    const visible = Math.ceil((wrap.clientHeight || 600) / 36) + 8;
    const first = Math.max(0, Math.min(table.n - visible, Math.floor(wrap.scrollTop / 36) - 4));
    const count = Math.min(table.n, visible);
    const start = Math.max(0, first);
    if (start === table.first && count === table.count) return false;
    table.first = start;
    table.count = count;
    table.version = -1;
    const items = JSON.parse(this.guard(() => this.app.itemsJson(start, count)));
    const rows = items.map((item, j) => this.buildRow(start + j, item, table.d, this.guard(() => this.app.itemColor(start + j))));
    const below = table.n - start - items.length;
    ui.itemsBody.replaceChildren(...(start > 0 ? [this.spacer(start)] : []), ...rows, ...(below > 0 ? [this.spacer(below)] : []));
    this.syncNumberFields();
    return true;
  }

  /**
   * The number fields are narrow while every number in view has at most 4
   * characters (the lecture's scenes), wide enough for 6 otherwise; the note
   * under the table shows while any of them is rounded.
   */
  syncNumberFields() {
    const { ui } = this;
    const fields = ui.itemsBody.querySelectorAll('input.num');
    let wide = false;
    let rounded = false;
    for (const f of fields) {
      if (f.value.length > 4) wide = true;
      if (f.classList.contains('rounded')) rounded = true;
    }
    ui.items.classList.toggle('wide', wide);
    if (ui.roundedNote.hidden === rounded) ui.roundedNote.hidden = !rounded;
  }

  /** Puts the scene's numbers into every control except `except` (the one being used). */
  syncControls(except) {
    const { ui, app, table } = this;
    const s = JSON.parse(this.guard(() => app.summaryJson()));
    const r = JSON.parse(this.guard(() => app.normsJson()));
    const d = s.query.length;
    const queryTexts = ui.query.querySelectorAll('input[type=text]');
    const queryRanges = ui.query.querySelectorAll('input[type=range]');
    // Only what changed is written: a write to a field, even of the same
    // value, costs style and layout, and the table holds n × d of them.
    const put = (el, prop, value) => { if (el[prop] !== value) el[prop] = value; };
    for (let k = 0; k < d && k < queryRanges.length; k++) {
      const v = s.query[k];
      const lim = String(Math.max(2, Math.ceil(Math.abs(v))));
      const range = queryRanges[k];
      put(range, 'min', `-${lim}`);
      put(range, 'max', lim);
      if (range !== except) put(range, 'value', String(v));
      if (queryTexts[k] !== except && queryTexts[k].getAttribute('aria-invalid') !== 'true') put(queryTexts[k], 'value', String(v));
    }
    const itemsVersion = this.guard(() => app.itemsVersion());
    if (table.count > 0 && itemsVersion !== table.version) {
      table.version = itemsVersion;
      const items = JSON.parse(this.guard(() => app.itemsJson(table.first, table.count)));
      const rows = ui.itemsBody.querySelectorAll('tr:not(.spacer)');
      items.forEach((item, j) => {
        const row = rows[j];
        if (!row) return;
        const inputs = row.querySelectorAll('input');
        if (inputs[0] !== except) put(inputs[0], 'value', item.label);
        item.vector.forEach((v, k) => {
          const inp = inputs[k + 1];
          if (inp && inp !== except && inp.getAttribute('aria-invalid') !== 'true') showCell(inp, v, inp === document.activeElement);
        });
      });
      this.syncNumberFields();
    }
    ui.similarity.value = s.similarity;
    ui.normalization.value = s.normalization;
    const unit = JSON.parse(this.guard(() => app.unitStatus()));
    const usesUnit = s.similarity === 'unit' || s.similarity === 'authors';
    for (const v of ['unit', 'authors']) ui.similarity.querySelector(`option[value="${v}"]`).disabled = !unit.ok;
    ui.unitNote.textContent = !unit.ok ? unit.reason : s.similarity === 'unit' ? this.t('unit-info') : s.similarity === 'authors' ? this.t('authors-info') : '';
    ui.unitNote.hidden = !ui.unitNote.textContent;
    ui.activationRow.hidden = !usesUnit;
    ui.activation.value = s.activation;
    ui.maxlenRow.hidden = s.similarity !== 'authors';
    ui.normalization.disabled = s.similarity === 'authors';
    if (ui.maxlen !== except && ui.maxlen.getAttribute('aria-invalid') !== 'true') ui.maxlen.value = String(unit.paddedLen);
    ui.padded.textContent = `${unit.padded} ${this.t('padded')}`;
    const tText = ui.temperatureText;
    if (tText !== except && tText.getAttribute('aria-invalid') !== 'true') tText.value = String(s.temperature);
    if (ui.temperatureRange !== except) ui.temperatureRange.value = String(s.temperature);
    const soft = s.normalization === 'softmax' && s.similarity !== 'authors';
    tText.disabled = !soft;
    ui.temperatureRange.disabled = !soft;
    ui.tempNote.textContent = this.t(soft ? 'temp-soft' : 'temp-none');
    if (ui.dim !== except) ui.dim.value = String(d);
    ui.alphaSum.textContent = num(r.alphaSum);
    ui.pooledNorm.textContent = num(r.pooledNorm);
    ui.meanNorm.textContent = num(r.meanNorm);
    ui.candidate.value = s.candidate || '';
    if (ui.candidate.value !== (s.candidate || '')) ui.candidate.value = '';
    if (![...ui.scene.options].some((o) => o.value === s.scene)) {
      const o = document.createElement('option');
      o.value = s.scene;
      o.textContent = s.scene === 'generated' ? this.t('generated') : s.scene;
      ui.scene.append(o);
    }
    ui.scene.value = s.scene;
    const key = this.guard(() => app.captionKey());
    for (const el of ui.caption.children) el.classList.toggle('on', el.dataset.key === key);
    ui.caption.hidden = key === 'none';
    this.syncSteps();
    this.syncHistory();
  }

  syncSteps() {
    const { ui } = this;
    const step = this.guard(() => this.app.step());
    const total = this.guard(() => this.app.stepsTotal());
    const on = step >= 0;
    ui.stepsToggle.textContent = this.t(on ? 'steps-off' : 'steps-on');
    ui.stepsToggle.setAttribute('aria-pressed', String(on));
    ui.stepPrev.disabled = !on || step <= 0;
    ui.stepNext.disabled = !on || step >= total - 1;
    ui.stepCount.textContent = on ? `${step} / ${total - 1}` : '';
  }

  syncHistory() {
    const { ui } = this;
    ui.undo.disabled = !this.guard(() => this.app.canUndo());
    ui.redo.disabled = !this.guard(() => this.app.canRedo());
    // Undo is bounded by memory: say when old steps had to be dropped.
    const note = this.guard(() => this.app.historyNote());
    if (note) this.say(note, 'note');
  }

  revertIfInvalid(field) {
    if (field.getAttribute('aria-invalid') === 'true') {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('title');
      // The table's fields too (a refused label): rewrite them from the scene.
      this.table.version = -1;
      this.syncControls(null);
    }
  }

  changed(except) {
    this.syncControls(except);
    this.scheduleDraw();
    this.notify();
  }

  rebuild() {
    this.buildControls();
    this.scheduleDraw();
    this.notify();
  }

  /** Tells the host (URL, element event) that the state changed. */
  notify() {
    this.options.onChange?.(this);
    clearTimeout(this.altTimer);
    this.altTimer = setTimeout(() => this.syncAlt(), 150);
  }

  // ------------------------------------------------------------ text alternative

  /** Fills the visually hidden tables that describe the charts for screen readers. */
  syncAlt() {
    if (this.broken || poisoned) return;
    const a = JSON.parse(this.guard(() => this.app.altJson()));
    const { ui } = this;
    ui.altStep.textContent = a.step;
    ui.altMap.textContent = a.map;
    const fill = (table, caption, head, rows) => {
      table.caption.textContent = caption;
      const tr = document.createElement('tr');
      for (const h of head) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = h;
        tr.append(th);
      }
      table.tHead.replaceChildren(tr);
      table.tBodies[0].replaceChildren(...rows.map((r) => {
        const row = document.createElement('tr');
        for (const c of r) {
          const td = document.createElement('td');
          td.textContent = c;
          row.append(td);
        }
        return row;
      }));
    };
    fill(ui.altAlpha, a.alphaCaption, a.alphaHead, a.alphaRows);
    fill(ui.altVectors, a.vectorsCaption, a.vectorsHead, a.vectorsRows);
  }

  // ------------------------------------------------------------ drawing

  /** Backing-store pixels per CSS pixel: dpr times any CSS transform scale (reveal.js). */
  pixelRatio() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.shell.offsetWidth;
    const r = this.shell.getBoundingClientRect().width;
    const zoom = w > 0 && r > 0 ? r / w : 1;
    return dpr * zoom;
  }

  /** Backing store = the canvas's size on screen in device pixels (after any CSS transform). */
  sizeCanvas(canvas, cssHeight) {
    if (cssHeight !== null) canvas.style.height = `${cssHeight}px`;
    const r = canvas.getBoundingClientRect();
    this.drawnBoxes.set(canvas, `${r.width}x${r.height}`);
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr));
    const h = Math.max(1, Math.round(r.height * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
  }

  draw() {
    this.drawPending = false;
    if (this.broken || poisoned || !this.app) return;
    const { ui, shell } = this;
    const ratio = this.pixelRatio();
    const fill = shell.hasAttribute('data-embed');
    const layout = JSON.parse(this.guard(() => this.app.layoutJson()));
    const visible = (c) => !c.closest('[data-panel]').hidden;
    this.drawnBoxes.clear();
    if (visible(ui.bars)) this.sizeCanvas(ui.bars, fill ? null : layout.barsHeight);
    if (visible(ui.heatmap)) this.sizeCanvas(ui.heatmap, fill ? null : layout.heatmapHeight);
    if (visible(ui.map)) this.sizeCanvas(ui.map, null);
    for (const c of [ui.steps, ui.qkv, ui.towers]) if (visible(c)) this.sizeCanvas(c, null);
    if (visible(ui.unit)) this.sizeCanvas(ui.unit, fill ? null : this.guard(() => this.app.unitHeight(ui.unit.offsetWidth)));
    try {
      this.guard(() => this.app.render(ratio));
    } catch (e) {
      if (!this.broken) this.say(e.message, 'error');
    }
    const waiters = this.frameWaiters;
    this.frameWaiters = [];
    waiters.forEach((w) => w());
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => this.draw());
  }

  frame() {
    return new Promise((resolve) => { this.frameWaiters.push(resolve); this.scheduleDraw(); });
  }

  /** Resolves once every change is on screen: at once if no draw is pending, else after the next draw. */
  drawn() {
    return this.drawPending ? this.frame() : Promise.resolve();
  }

  /** Whether a visible canvas's box on screen differs from the box the last draw sized it to. */
  resized() {
    return CHARTS.some((id) => {
      const c = this.ui[id];
      if (c.closest('[data-panel]').hidden) return false;
      const r = c.getBoundingClientRect();
      return this.drawnBoxes.get(c) !== `${r.width}x${r.height}`;
    });
  }

  /**
   * Redraws on any size change: ResizeObserver for layout, a cheap per-frame check for CSS transforms.
   * A report that leaves every canvas's box as drawn (the first report after observe(), a change of
   * the shell's height alone) needs no redraw.
   */
  observeSize() {
    const ro = new ResizeObserver(() => { if (this.resized()) this.scheduleDraw(); });
    ro.observe(this.shell);
    for (const c of CHARTS) ro.observe(this.ui[c]);
    let last = 0;
    const watch = () => {
      if (!live.has(this)) return;
      // Hidden (a slide not shown, content-visibility): nothing to size now.
      if (this.shell.checkVisibility && !this.shell.checkVisibility()) {
        setTimeout(() => requestAnimationFrame(watch), 250);
        return;
      }
      const r = this.pixelRatio();
      if (Math.abs(r - last) > 1e-3) { last = r; this.scheduleDraw(); }
      setTimeout(() => requestAnimationFrame(watch), 250);
    };
    watch();
    const mq = () => {
      const q = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      q.addEventListener('change', () => { this.scheduleDraw(); mq(); }, { once: true });
    };
    mq();
  }

  // ------------------------------------------------------------ state in and out

  /** Applies `key=value` text (the URL format); returns the problems, in the interface language. */
  applyParams(query, hash, fresh) {
    let problems;
    try {
      problems = JSON.parse(this.guard(() => this.app.applyParams(query, hash, !fresh)));
    } catch (e) {
      if (this.broken) return [];
      problems = [e.message];
    }
    return problems;
  }

  /** Re-applies state text from outside (hashchange, attribute change) and refreshes everything. */
  applyExternal(query, hash, fresh) {
    const problems = this.applyParams(query, hash, fresh);
    this.applyStrings();
    this.applyView();
    this.rebuild();
    this.scheduleCommit(0);
    if (problems.length) this.say(problems.join(' · '), 'error');
    return problems;
  }

  /** The state as URL text, or null when the scene is too large for a link (with a note on screen). */
  link() {
    const r = JSON.parse(this.guard(() => this.app.urlState()));
    this.ui.linkNote.hidden = r.ok;
    if (!r.ok) this.ui.linkNoteText.textContent = r.message;
    return r.ok ? r.text : null;
  }

  // ------------------------------------------------------------ export and import

  download(name, blobOrText, type) {
    const blob = blobOrText instanceof Blob ? blobOrText : new Blob([blobOrText], { type });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.rel = 'noopener';
    a.style.display = 'none';
    this.shell.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  /** Renders `panel` (or "all") into a fresh canvas of width × height backing pixels. */
  renderCanvas(panel, width, height) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    this.guard(() => this.app.renderTo(panel, c, height / 720));
    return c;
  }

  pngBlob(panel, factor) {
    // The factor is checked (finite, 0.25 to 4) before anything is drawn.
    let size;
    try {
      size = this.guard(() => this.app.pngSize(factor));
    } catch (e) {
      return Promise.reject(e);
    }
    const c = this.renderCanvas(panel, size[0], size[1]);
    return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
  }

  svgText(panel) { return this.guard(() => this.app.svg(panel, 1280, 720)); }

  fileStem(panel) {
    const s = JSON.parse(this.guard(() => this.app.summaryJson()));
    const clean = String(s.scene || 'scene').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'scene';
    return `din-${clean}${panel ? `-${panel}` : ''}`;
  }

  importText(text) {
    const note = this.edit(null, () => this.app.importText(text), { rebuild: true, commit: true });
    if (typeof note === 'string') this.say(note);
    return note;
  }

  async importFiles(files) {
    const list = [...files];
    if (list.length === 0) return false;
    if (list.length > 2) { this.say(this.t('import-too-many'), 'error'); return false; }
    // A file over the import limit is refused before it is read.
    for (const f of list) if (!this.edit(null, () => this.app.checkImportSize(f.name, f.size))) return false;
    const texts = await Promise.all(list.map((f) => f.text()));
    if (list.length === 2) {
      const isMeta = (f) => /meta/i.test(f.name);
      const [vi, mi] = isMeta(list[0]) ? [1, 0] : [0, 1];
      const note = this.edit(null, () => this.app.importProjector(texts[vi], texts[mi]), { rebuild: true, commit: true });
      if (typeof note === 'string') this.say(note);
      return note;
    }
    return this.importText(texts[0]);
  }

  // ------------------------------------------------------------ keys

  /**
   * Keys the widget did not use: in an iframe they go to the parent page
   * by postMessage (documented in README), so a slide deck still gets
   * them; in a page or an element they simply bubble on.
   */
  passOn(e) {
    if (window.parent === window || !this.view().embed) return;
    const action = KEYS_NEXT.includes(e.key) ? 'next' : KEYS_PREV.includes(e.key) ? 'prev' : null;
    window.parent.postMessage({
      type: 'din-attention:key', key: e.key, code: e.code, action,
      altKey: e.altKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey,
    }, embedderOrigin());
  }

  /** Step keys anywhere in the widget (but in fields and on the map) while stepping. */
  stepKey(e) {
    const forward = KEYS_NEXT.includes(e.key);
    const back = KEYS_PREV.includes(e.key);
    if (!forward && !back) return false;
    if (this.guard(() => this.app.step()) < 0) return false;
    if (this.guard(() => this.app.stepBy(forward))) {
      this.changed(null);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------ events

  wire() {
    const { ui, app, shell } = this;
    const edit = this.edit.bind(this);
    ui.similarity.addEventListener('change', () => edit(ui.similarity, () => app.setSimilarity(ui.similarity.value), { commit: true }));
    ui.activation.addEventListener('change', () => edit(ui.activation, () => app.setActivation(ui.activation.value), { commit: true }));
    ui.maxlen.addEventListener('change', () => edit(ui.maxlen, () => app.setMaxLenText(ui.maxlen.value), { commit: true }));
    ui.maxlen.addEventListener('blur', () => this.revertIfInvalid(ui.maxlen));
    ui.unitItem.addEventListener('change', () => { this.guard(() => app.selectItem(Number(ui.unitItem.value))); this.scheduleDraw(); });
    ui.bars.addEventListener('click', (e) => {
      const [x, y] = this.local(ui.bars, e);
      const i = this.guard(() => app.barsHit(x, y));
      if (i >= 0) { this.guard(() => app.selectItem(i)); ui.unitItem.value = String(i); this.scheduleDraw(); }
    });
    ui.density.addEventListener('change', () => edit(null, () => app.setView(toJson({ density: ui.density.checked }))));
    ui.normalization.addEventListener('change', () => edit(ui.normalization, () => app.setNormalization(ui.normalization.value), { commit: true }));
    ui.temperatureRange.addEventListener('input', () => edit(ui.temperatureText, () => app.setTemperatureText(ui.temperatureRange.value), { source: ui.temperatureRange }));
    ui.temperatureRange.addEventListener('change', () => this.scheduleCommit(400));
    ui.temperatureText.addEventListener('input', () => edit(ui.temperatureText, () => app.setTemperatureText(ui.temperatureText.value)));
    ui.temperatureText.addEventListener('change', () => this.scheduleCommit(0));
    ui.temperatureText.addEventListener('blur', () => this.revertIfInvalid(ui.temperatureText));
    ui.candidate.addEventListener('change', () => {
      const v = ui.candidate.value;
      if (v !== '') edit(ui.candidate, () => app.chooseCandidate(v), { commit: true });
    });
    ui.scene.addEventListener('change', () => edit(null, () => app.loadScene(ui.scene.value, 0), { rebuild: true, commit: true }));
    ui.lang.addEventListener('click', () => {
      this.guard(() => app.setLang(this.guard(() => app.lang()) === 'zh' ? 'en' : 'zh'));
      this.applyStrings();
      this.rebuild();
    });
    ui.theme.addEventListener('change', () => { if (edit(null, () => app.setView(toJson({ theme: ui.theme.value })))) this.applyView(); });
    ui.font.addEventListener('change', () => { if (edit(null, () => app.setView(toJson({ font: Number(ui.font.value) })))) this.applyView(); });
    ui.undo.addEventListener('click', () => this.undo());
    ui.redo.addEventListener('click', () => this.redo());
    ui.reset.addEventListener('click', () => edit(null, () => app.resetScene(), { rebuild: true, commit: true }));
    ui.copyLink.addEventListener('click', () => this.options.copyLink?.(this));

    // Export and import trays.
    const tray = (button, panel, other, otherButton) => button.addEventListener('click', () => {
      const open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) { other.hidden = true; otherButton.setAttribute('aria-expanded', 'false'); }
    });
    tray(ui.exportToggle, ui.exportPanel, ui.importPanel, ui.importToggle);
    tray(ui.importToggle, ui.importPanel, ui.exportPanel, ui.exportToggle);
    const which = () => ui.exportPanelSelect.value;
    const safely = async (fn) => { try { await fn(); } catch (e) { if (!this.broken) this.say(e.message, 'error'); } };
    ui.exportPng.addEventListener('click', () => safely(async () => this.download(`${this.fileStem(which())}.png`, await this.pngBlob(which(), 1))));
    ui.exportPng2.addEventListener('click', () => safely(async () => this.download(`${this.fileStem(which())}@2x.png`, await this.pngBlob(which(), 2))));
    ui.exportSvg.addEventListener('click', () => safely(() => this.download(`${this.fileStem(which())}.svg`, this.svgText(which()), 'image/svg+xml')));
    const json = () => safely(() => this.download(`${this.fileStem()}.json`, this.guard(() => app.sceneJson()), 'application/json'));
    ui.exportJson.addEventListener('click', json);
    ui.linkNoteJson.addEventListener('click', json);
    ui.exportCsv.addEventListener('click', () => safely(() => this.download(`${this.fileStem('result')}.csv`, this.guard(() => app.resultCsv()), 'text/csv')));
    ui.exportItems.addEventListener('click', () => safely(() => this.download(`${this.fileStem('items')}.csv`, this.guard(() => app.itemsCsv()), 'text/csv')));
    ui.importText.addEventListener('input', () => ui.importText.removeAttribute('aria-invalid'));
    for (const f of [ui.genN, ui.genD]) f.addEventListener('input', () => this.clearInvalid(ui.genN));
    ui.importGo.addEventListener('click', () => {
      if (this.importText(ui.importText.value)) ui.importText.removeAttribute('aria-invalid');
      else ui.importText.setAttribute('aria-invalid', 'true');
    });
    ui.importFile.addEventListener('change', () => safely(async () => { await this.importFiles(ui.importFile.files); ui.importFile.value = ''; }));
    shell.addEventListener('dragover', (e) => { if (e.dataTransfer?.types?.includes('Files')) { e.preventDefault(); shell.dataset.drop = 'true'; } });
    shell.addEventListener('dragleave', (e) => { if (e.target === shell) delete shell.dataset.drop; });
    shell.addEventListener('drop', (e) => {
      delete shell.dataset.drop;
      if (!e.dataTransfer?.files?.length) return;
      e.preventDefault();
      safely(() => this.importFiles(e.dataTransfer.files));
    });
    shell.addEventListener('paste', (e) => {
      if (ownsKeys(e.target)) return;
      const text = e.clipboardData?.getData('text/plain');
      if (text) { e.preventDefault(); this.importText(text); }
    });

    // Step-through: buttons, and keys while the widget has focus.
    ui.stepsToggle.addEventListener('click', () => {
      const on = this.guard(() => app.step()) >= 0;
      edit(null, () => app.setStep(on ? -1 : 0));
      if (!on) ui.steps.focus();
    });
    ui.stepPrev.addEventListener('click', () => { if (this.guard(() => app.stepBy(false))) this.changed(null); });
    ui.stepNext.addEventListener('click', () => { if (this.guard(() => app.stepBy(true))) this.changed(null); });
    ui.steps.addEventListener('keydown', (e) => {
      if (this.guard(() => app.step()) < 0 && (KEYS_NEXT.includes(e.key) || KEYS_PREV.includes(e.key))) {
        edit(null, () => app.setStep(0));
        e.preventDefault();
      }
    });
    for (const r of shell.querySelectorAll('input[name=placement]')) {
      r.addEventListener('change', () => { if (r.checked) edit(null, () => app.setView(toJson({ placement: r.value }))); });
    }
    const hover = (i) => { this.guard(() => app.setHighlight(i)); this.scheduleDraw(); };
    ui.bars.addEventListener('pointermove', (e) => { const [x, y] = this.local(ui.bars, e); hover(this.guard(() => app.barsHit(x, y))); });
    ui.bars.addEventListener('pointerleave', () => hover(-1));
    ui.qkv.addEventListener('pointermove', (e) => { const [x, y] = this.local(ui.qkv, e); hover(this.guard(() => app.qkvHit(x, y))); });
    ui.qkv.addEventListener('pointerleave', () => hover(-1));
    ui.map.addEventListener('pointerleave', () => { if (!this.guard(() => app.isDragging())) hover(-1); });
    const setDim = (text, field) => {
      const msg = edit(field, () => app.setDimText(text), { rebuild: true, commit: true });
      if (typeof msg === 'string') this.say(msg);
    };
    ui.dim.addEventListener('change', () => setDim(ui.dim.value, ui.dim));
    ui.dim.addEventListener('blur', () => this.revertIfInvalid(ui.dim));
    ui.dimMinus.addEventListener('click', () => setDim(String(this.table.d - 1), null));
    ui.dimPlus.addEventListener('click', () => setDim(String(this.table.d + 1), null));
    ui.itemsBody.closest('.table-wrap').addEventListener('scroll', () => { if (this.table.n > 0) this.renderRows(); }, { passive: true });
    ui.generate.addEventListener('click', () => {
      const n = Number(ui.genN.value);
      const d = Number(ui.genD.value);
      const ok = Number.isInteger(n) && Number.isInteger(d);
      edit(ui.genN, () => {
        if (!ok) throw new Error(this.t('generate-bad'));
        return app.generate(n, d);
      }, { rebuild: true, commit: true });
    });
    ui.addItem.addEventListener('click', () => {
      if (edit(null, () => app.addItem(), { rebuild: true, commit: true })) {
        const wrap = ui.itemsBody.closest('.table-wrap');
        wrap.scrollTop = wrap.scrollHeight;
        this.renderRows();
        const rows = ui.itemsBody.querySelectorAll('tr:not(.spacer)');
        rows[rows.length - 1]?.querySelector('input.label')?.focus();
      }
    });

    // The map: drag q or an item; arrow keys move q while it has focus.
    ui.map.addEventListener('pointerdown', (e) => {
      const [x, y] = this.local(ui.map, e);
      const hit = this.guard(() => app.mapPointerDown(x, y));
      if (hit) {
        ui.map.setPointerCapture(e.pointerId);
        ui.map.style.cursor = 'grabbing';
        e.preventDefault();
      }
    });
    ui.map.addEventListener('pointermove', (e) => {
      const [x, y] = this.local(ui.map, e);
      if (this.guard(() => app.isDragging())) {
        edit(null, () => app.mapPointerMove(x, y));
      } else if (e.pointerType === 'mouse') {
        const hit = this.guard(() => app.mapHit(x, y));
        ui.map.style.cursor = hit ? 'grab' : 'default';
        this.guard(() => app.setHighlight(hit.startsWith('x') ? Number(hit.slice(1)) - 1 : -1));
        this.scheduleDraw();
      }
    });
    const up = (e) => {
      if (this.guard(() => app.isDragging())) {
        this.guard(() => app.mapPointerUp());
        ui.map.style.cursor = 'grab';
        if (ui.map.hasPointerCapture(e.pointerId)) ui.map.releasePointerCapture(e.pointerId);
        this.syncControls(null);
        this.scheduleDraw();
        this.scheduleCommit(0);
        this.notify();
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

    // Keys reach the widget only while it has focus (these listeners are
    // on the widget, never on window). Handled keys stop here; the rest go on.
    shell.addEventListener('keydown', (e) => {
      if (this.broken || poisoned) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && (e.key === 'z' || e.key === 'Z' || e.key === 'y') && !ownsKeys(e.target)) {
        if (e.key === 'y' || e.shiftKey) this.redo(); else this.undo();
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      if (!e.defaultPrevented && !ownsKeys(e.target) && e.target !== ui.map && !mod && !e.altKey) {
        const onButton = e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter');
        if (!onButton && this.stepKey(e)) e.preventDefault();
      }
      if (e.defaultPrevented) { e.stopPropagation(); return; }
      if (ownsKeys(e.target)) return;
      if (e.target.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return;
      this.passOn(e);
    });
    ui.fatalReload.addEventListener('click', () => location.reload());
    // The wasm instance cannot be trusted after a trap: restoring reloads
    // the page with the last good scene the host saved before the error.
    ui.fatalRestore.addEventListener('click', () => this.options.restore?.());
  }

  /** Pointer position in CSS pixels of the canvas's own layout (undoes CSS transforms). */
  local(canvas, e) {
    const r = canvas.getBoundingClientRect();
    const sx = canvas.offsetWidth > 0 && r.width > 0 ? canvas.offsetWidth / r.width : 1;
    const sy = canvas.offsetHeight > 0 && r.height > 0 ? canvas.offsetHeight / r.height : 1;
    // App multiplies layout pixels by its render scale (dpr × zoom) to get backing pixels.
    return [(e.clientX - r.left) * sx, (e.clientY - r.top) * sy];
  }

  undo() {
    clearTimeout(this.commitTimer);
    if (this.guard(() => this.app.undo())) { this.rebuild(); this.syncHistory(); return true; }
    return false;
  }

  redo() {
    clearTimeout(this.commitTimer);
    if (this.guard(() => this.app.redo())) { this.rebuild(); this.syncHistory(); return true; }
    return false;
  }

  // ------------------------------------------------------------ the API

  api() {
    const W = this;
    return {
      /** The state on screen: scene, query, items, settings, lang, step and view options. */
      state: () => W.state(),
      /** Applies a (partial) state object, or throws an Error and changes nothing. */
      setState(obj) {
        W.guard(() => W.app.setStateJson(toJson(obj)));
        W.applyStrings();
        W.applyView();
        W.rebuild();
        W.scheduleCommit(0);
      },
      /** {alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm}. */
      result: () => W.result(),
      /** Resolves after the next complete draw. */
      frame: () => W.frame(),
      /** Where bars and map points were last drawn (for tests and tools). */
      layout: () => ({
        bars: JSON.parse(W.guard(() => W.app.barsLayoutJson())),
        map: JSON.parse(W.guard(() => W.app.mapLayoutJson())),
      }),
      /** The state as `key=value` URL text, or null if the scene is too large for a link. */
      link: () => W.link(),
      /** Applies URL-format text on top of the current state (or from scratch with fresh = true); returns the problems. */
      applyParams: (text, fresh = false) => W.applyExternal(fresh ? text : '', fresh ? '' : text, fresh),
      undo: () => W.undo(),
      redo: () => W.redo(),
      reset() { return W.edit(null, () => W.app.resetScene(), { rebuild: true, commit: true }); },
      /** PNG Blob of a panel ("all" = every visible chart) at 1920×1080 × factor. */
      exportPng: (panel = 'all', factor = 1) => W.pngBlob(panel, factor),
      /** SVG text of a panel, drawn by plotters' SVG backend. */
      exportSvg: (panel = 'all') => W.svgText(panel),
      exportJson: () => W.guard(() => W.app.sceneJson()),
      exportCsv: () => W.guard(() => W.app.resultCsv()),
      exportItemsCsv: () => W.guard(() => W.app.itemsCsv()),
      /** Imports CSV/TSV/JSON text; throws with the line and column of the first problem. */
      importText(text) {
        const note = W.guard(() => W.app.importText(text));
        W.rebuild();
        W.scheduleCommit(0);
        return note;
      },
      /** Imports the Embedding Projector's vectors.tsv and metadata.tsv. */
      importProjector(vectors, metadata) {
        const note = W.guard(() => W.app.importProjector(vectors, metadata));
        W.rebuild();
        W.scheduleCommit(0);
        return note;
      },
      /** How often the expensive steps ran ({installs, encodes, decodes, validations}): for tests that assert on work done. */
      work: () => JSON.parse(W.guard(() => W.app.workJson())),
      /** Says `text` in the message line (`kind`: info or error). */
      say: (text, kind) => W.say(text, kind),
      /** The on-screen message (errors and notes). */
      message: () => W.ui.message.textContent,
      get root() { return W.shell; },
      _widget: W,
    };
  }
}

/**
 * The origin of the page that embeds this frame, so that keys are posted
 * to it only: `location.ancestorOrigins` (Chromium, Safari) or the
 * referrer (Firefox). When it is unknown or opaque (a file:// deck, a
 * sandboxed frame: origin "null", which postMessage cannot target) the
 * message goes to any origin; it carries only the key that was pressed.
 */
function embedderOrigin() {
  let origin = window.location.ancestorOrigins?.[0];
  if (!origin && document.referrer) {
    try { origin = new URL(document.referrer).origin; } catch { origin = undefined; }
  }
  return origin && origin !== 'null' ? origin : '*';
}

/**
 * A LastN table cell shows a short form of its number (at most 6
 * characters: 3 decimals below 1, then 2, 1, 0) so that the text fits the field: a field whose text overflows is
 * a scroll container, and a few thousand of them made Chromium's compositor
 * spend ~45 ms on every edit of q at n = 1,000, d = 64. The exact value is
 * kept in data-exact and shown while the field has focus.
 */
function cellText(v) {
  const exact = String(v);
  if (exact.length <= 6) return exact;
  const a = Math.abs(v);
  if (a >= 1000 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  const digits = a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0;
  return String(Number(v.toFixed(digits)));
}

function showCell(inp, v, focused) {
  const exact = String(v);
  if (inp.dataset.exact !== exact) inp.dataset.exact = exact;
  const shown = focused ? exact : cellText(v);
  if (inp.value !== shown) inp.value = shown;
  inp.classList.toggle('rounded', shown !== exact);
}

const num = (v) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(3));
