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
    this.commitTimer = 0;
    this.commitPending = false;
    this.altTimer = 0;
    this.altPending = false;
    // The weighted-sum step's animation (see startSumAnimation) and the
    // callers of settled() waiting for every pending update to be done.
    this.animating = false;
    this.settleWaiters = [];
    // The explanation tooltip on screen: { canvas, what: 'q' | 'xK', at: [x, y] in the canvas's CSS px, or null to follow the item }.
    this.tip = null;
    this.ui = {};
    for (const id of ['message', 'lang', 'theme', 'font', 'undo', 'redo', 'reset', 'copy-link', 'export-toggle', 'import-toggle',
      'export-panel', 'import-panel', 'export-panel-select', 'export-png', 'export-png2', 'export-svg', 'export-json', 'export-csv', 'export-items',
      'import-text', 'import-go', 'import-file', 'link-note', 'link-note-text', 'link-note-json',
      'scene', 'caption', 'steps', 'steps-toggle', 'step-prev', 'step-next', 'step-count', 'steps-setting', 'steps-setting-text', 'steps-setting-switch', 'qkv', 'towers', 'unit', 'unit-item',
      'gen-n', 'gen-d', 'generate', 'density', 'unit-note', 'rounded-note', 'activation', 'activation-row', 'maxlen', 'maxlen-row', 'padded',
      'candidate', 'query', 'similarity', 'normalization', 'temperature-range', 'temperature-text', 'temp-note',
      'dim', 'dim-minus', 'dim-plus', 'items', 'items-head', 'items-body', 'add-item', 'colors-note', 'alpha-sum', 'pooled-norm', 'mean-norm', 'readout-note',
      'bars', 'heatmap', 'map', 'fatal', 'fatal-message', 'fatal-reload', 'fatal-restore', 'alt-step', 'alt-map', 'alt-alpha', 'alt-vectors',
      'weight', 'weight-row', 'weight-note', 'norm-none', 'shares', 'tip', 'tip-title', 'tip-lines']) {
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
      this.wireLecture();
      this.wireCaption();
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

  /**
   * Says `text` in the message line. An error stays until the field is
   * fixed; a note (`info` or `note`) stays until the next change of the state (no
   * timer: what a reader or a test sees does not depend on how fast).
   */
  say(text, kind = 'info') {
    const m = this.ui.message;
    m.textContent = text;
    m.dataset.kind = kind;
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
   * (otherwise a burst of edits becomes one step after a pause); a
   * burst still waiting for its pause is committed first, so it stays its
   * own step. `burst` marks one edit of a burst (typing, a slider, a
   * drag): only then is the text alternative refreshed after a pause.
   */
  edit(field, fn, { source = field, rebuild = false, commit = false, burst = false } = {}) {
    if (commit && this.commitPending) this.scheduleCommit(0);
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
    else this.changed(source, burst);
    this.scheduleCommit(commit ? 0 : 600);
    return out === undefined ? true : out;
  }

  scheduleCommit(ms) {
    clearTimeout(this.commitTimer);
    const run = () => {
      this.commitPending = false;
      if (!this.broken && !poisoned) { this.app.commit(); this.syncHistory(); }
      this.checkSettled();
    };
    if (ms === 0) run();
    else {
      this.commitPending = true;
      this.commitTimer = setTimeout(run, ms);
    }
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
    if (shell.dataset.theme && shell.dataset.theme !== v.theme) {
      // The table's colour swatches follow the theme, like the charts.
      this.table.version = -1;
      this.syncSwatches();
    }
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
    this.applyLecture(v);
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
      range.addEventListener('input', () => this.edit(text, () => app.setQueryValue(k, range.valueAsNumber), { source: range, burst: true }));
      // Keyboard steps fire a change each; a burst of them is one undo step.
      range.addEventListener('change', () => this.scheduleCommit(400));
      text.addEventListener('input', () => this.edit(text, () => app.setQueryText(k, text.value), { burst: true }));
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
    dot.className = 'dot';
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
      if (this.edit(labIn, () => app.setLabel(i, labIn.value), { burst: true }) && this.ui.unitItem.options[i]) {
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
      inp.addEventListener('input', () => this.edit(inp, () => app.setItemText(i, k, inp.value), { burst: true }));
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
        const dot = row.querySelector('td.swatch .dot');
        if (dot) put(dot.style, 'background', this.guard(() => app.itemColor(table.first + j)));
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
    // Every formula and note here comes from the Rust core (explain::settings_texts).
    const texts = JSON.parse(this.guard(() => app.settingsTextsJson()));
    ui.normNone.textContent = texts.normNone;
    ui.weightRow.hidden = s.similarity !== 'unit';
    ui.weight.value = s.weight;
    ui.weight.disabled = s.normalization === 'softmax';
    ui.weightNote.textContent = texts.weightNote;
    ui.weightNote.hidden = ui.weightRow.hidden || !texts.weightNote;
    ui.unitNote.textContent = !unit.ok ? unit.reason : texts.unitNote;
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
    ui.tempNote.textContent = texts.tempNote;
    if (ui.dim !== except) ui.dim.value = String(d);
    // While the step-through is on, the readout shows what it has revealed.
    ui.alphaSum.textContent = r.shown.alphaSum ? num(r.alphaSum) : '?';
    ui.pooledNorm.textContent = r.shown.results ? num(r.pooledNorm) : '?';
    ui.meanNorm.textContent = r.shown.results ? num(r.meanNorm) : '?';
    ui.readoutNote.textContent = r.note;
    ui.readoutNote.hidden = !r.note;
    ui.colorsNote.hidden = !this.guard(() => app.colorsRepeat());
    ui.candidate.value = s.candidate || '';
    if (ui.candidate.value !== (s.candidate || '')) ui.candidate.value = '';
    if (![...ui.scene.options].some((o) => o.value === s.scene)) {
      const o = document.createElement('option');
      o.value = s.scene;
      o.textContent = s.scene === 'generated' ? this.t('generated') : s.scene;
      ui.scene.append(o);
    }
    ui.scene.value = s.scene;
    this.syncCaption(`${s.scene} ${s.lang}`);
    this.syncShares(r.shown.alphaSum);
    this.refreshTip();
    this.syncSteps();
    this.syncHistory();
    this.syncLecture();
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
    // Which setting the step-through uses, and the switch between the
    // lecture setting and the user's own.
    ui.stepsSetting.hidden = !on;
    if (on) {
      const s = JSON.parse(this.guard(() => this.app.stepSettingJson()));
      ui.stepsSettingText.textContent = s.note;
      ui.stepsSettingSwitch.hidden = !s.action;
      ui.stepsSettingSwitch.textContent = s.action || '';
      ui.stepsSettingSwitch.dataset.on = String(!s.applied);
    }
  }

  /** Every visible table row's colour swatch, from the item's colour id in the current theme. */
  syncSwatches() {
    const rows = this.ui.itemsBody.querySelectorAll('tr:not(.spacer)');
    rows.forEach((row) => {
      const dot = row.querySelector('td.swatch .dot');
      if (dot) dot.style.background = this.guard(() => this.app.itemColor(Number(row.dataset.i)));
    });
  }

  syncHistory() {
    const { ui } = this;
    ui.undo.disabled = !this.guard(() => this.app.canUndo());
    ui.redo.disabled = !this.guard(() => this.app.canRedo());
    // Undo is bounded by memory: say when old steps had to be dropped.
    const note = this.guard(() => this.app.historyNote());
    if (note) this.say(note, 'note');
  }

  // ------------------------------------------------------------ captions, shares, explanations (issue 11 §2, §6)

  /**
   * The caption: the scene's hint and the outcome sentences, computed in
   * Rust from the numbers on screen. Its text changes with every edit, so
   * its box only grows (to the tallest text so far) and never shrinks under
   * the pointer: a drag of a slider or of q, or a click on the LastN table
   * below it, stays where it is. Another scene, language or width starts afresh.
   */
  syncCaption(scene) {
    const { ui } = this;
    const c = JSON.parse(this.guard(() => this.app.captionJson()));
    let span = ui.caption.firstElementChild;
    if (!span) {
      span = document.createElement('span');
      span.className = 'on';
      ui.caption.append(span);
      this.captionBox = { height: 0, width: 0, scene: null };
      // Observed after layout, before paint: the grown minimum is on screen in the same frame.
      new ResizeObserver(([e]) => {
        const box = this.captionBox;
        const { width, height } = e.contentRect;
        if (width !== box.width) {
          box.width = width;
          this.fitCaption();
        } else if (height > box.height && !this.captionCompact()) {
          box.height = height;
          span.style.minHeight = `${height}px`;
        }
      }).observe(span);
    }
    const fresh = scene !== this.captionBox.scene;
    this.captionBox.scene = scene;
    span.dataset.key = c.key;
    this.captionLead = c.lead || [];
    const lines = c.hint ? [c.hint, ...c.lines] : c.lines;
    if (span.textContent !== lines.join(' ')) {
      // One sentence a line (a space between, for the text as a whole); the hint first, muted.
      const parts = [];
      lines.forEach((line, i) => {
        if (i > 0) parts.push(' ');
        const p = document.createElement('span');
        const hint = c.hint && i === 0;
        p.className = hint ? 'hint' : 'says';
        if (!hint) p.dataset.k = String(c.hint ? i - 1 : i);
        p.textContent = line;
        parts.push(p);
      });
      span.replaceChildren(...parts);
    }
    ui.caption.hidden = lines.length === 0;
    if (fresh) this.fitCaption();
    else this.compactCaption();
  }

  /** The caption's box fits its text again (another scene, language or width). */
  fitCaption() {
    const span = this.ui.caption.firstElementChild;
    if (!span) return;
    span.style.minHeight = '';
    if (this.captionCompact()) {
      this.captionBox.height = 0;
      this.compactCaption();
      return;
    }
    this.compactCaption();
    this.captionBox.height = span.offsetHeight;
    if (this.captionBox.height > 0) span.style.minHeight = `${this.captionBox.height}px`;
  }

  // ------------------------------------------------------------ the compact caption (polish after issue 11)
  //
  // On the lecture's one screen (and on the long page in a wide, short
  // window) the caption is a box of four lines, so that the map (the first
  // screen's charts) keep the height: the sentences the Rust core ranks
  // most telling (`lead`: the outcome first, the candidate's context last)
  // that fit, shown in their own order; the button beside it ("more")
  // opens the whole caption, hint included, over the charts.

  /** Whether the caption is the compact one (data-cap-compact, not opened). */
  captionCompact() { return this.shell.hasAttribute('data-cap-compact') && !this.ui.caption.hasAttribute('data-open'); }

  /** Chooses the sentences of the compact caption; elsewhere shows them all. */
  compactCaption() {
    const cap = this.ui.caption;
    const span = cap.firstElementChild;
    const more = this.$('caption-more');
    if (!span) return;
    const says = [...span.querySelectorAll('.says')];
    const compact = this.captionCompact();
    const label = this.t(cap.hasAttribute('data-open') ? 'caption-less' : 'caption-more');
    if (more.textContent !== label) more.textContent = label;
    span.toggleAttribute('data-clamp', false);
    if (!compact || !span.isConnected) {
      for (const s of says) s.removeAttribute('data-rest');
      more.toggleAttribute('data-none', !cap.hasAttribute('data-open'));
      return;
    }
    span.style.minHeight = '';
    for (const s of says) s.setAttribute('data-rest', '');
    // The box is as tall as the lecture's grid makes it (four lines): fill it.
    const cs = getComputedStyle(cap);
    const limit = cap.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom) + 1;
    let shown = 0;
    const order = this.captionLead.filter((k) => says[k]);
    for (let i = 0; i < says.length; i++) if (!order.includes(i)) order.push(i);
    for (const k of order) {
      says[k].removeAttribute('data-rest');
      if (span.offsetHeight <= limit) {
        shown++;
      } else if (shown === 0) {
        // Not even the most telling sentence fits the box: it is cut with "…", the button opens it.
        span.toggleAttribute('data-clamp', true);
        shown++;
        break;
      } else {
        says[k].setAttribute('data-rest', '');
      }
    }
    const hidden = span.hasAttribute('data-clamp') || span.querySelector('.hint') !== null || says.some((s) => s.hasAttribute('data-rest'));
    more.toggleAttribute('data-none', !hidden);
  }

  /**
   * On the lecture's one screen the scene picker heads the left column (the
   * inputs), so that the caption beside the map and the bars' column keep
   * their height; elsewhere it is in the band with the caption.
   */
  placeScenePicker() {
    const row = this.ui.scene.closest('.row');
    const band = this.shell.querySelector('.scene-band');
    const controls = this.shell.querySelector('.controls');
    if (this.lectureFills()) {
      if (row.parentNode !== controls) controls.prepend(row);
    } else if (row.parentNode !== band) {
      band.prepend(row);
    }
  }

  /** Opens (or closes) the whole caption over the lecture's screen. */
  openCaption(open) {
    const cap = this.ui.caption;
    const more = this.$('caption-more');
    cap.toggleAttribute('data-open', open);
    more.setAttribute('aria-expanded', String(open));
    this.fitCaption();
  }

  wireCaption() {
    const more = this.$('caption-more');
    more.addEventListener('click', () => this.openCaption(!this.ui.caption.hasAttribute('data-open')));
    this.shell.querySelector('.scene-band').addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.ui.caption.hasAttribute('data-open')) {
        this.openCaption(false);
        more.focus();
        e.preventDefault();
        e.stopPropagation();
      }
    });
  }

  /**
   * The weight per interest category: attention beside the plain average
   * (numbers and bar lengths from Rust). While the step-through has not
   * revealed every α (`revealed` false), the attention column shows "?" as
   * Σα does, so that it does not give the outcome away.
   */
  syncShares(revealed = true) {
    const { ui } = this;
    const sh = JSON.parse(this.guard(() => this.app.sharesJson()));
    ui.shares.hidden = !sh;
    if (!sh) { ui.shares.replaceChildren(); return; }
    const el = (tag, cls, text, role) => {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      if (role) e.setAttribute('role', role);
      return e;
    };
    const signed = sh.kind === 'sums';
    const bar = (value, length, cls) => {
      if (!revealed && cls === 'att') [value, length] = ['?', 0];
      const cell = el('span', `sh-cell ${cls}`, undefined, 'cell');
      const track = el('span', 'sh-bar');
      track.toggleAttribute('data-signed', signed);
      const fill = el('i');
      const w = Math.abs(length) * (signed ? 50 : 100);
      fill.style.width = `${w}%`;
      fill.style.left = signed ? (length < 0 ? `${50 - w}%` : '50%') : '0';
      track.append(fill);
      cell.append(track, el('span', 'sh-num', value));
      return cell;
    };
    const head = el('div', 'sh-row sh-head', undefined, 'row');
    head.append(el('span', 'sh-title', sh.title, 'columnheader'), el('span', 'sh-h att', sh.attentionHead, 'columnheader'), el('span', 'sh-h mean', sh.meanHead, 'columnheader'));
    const rows = sh.rows.map((r) => {
      const row = el('div', 'sh-row', undefined, 'row');
      row.dataset.id = r.id;
      row.append(el('span', 'sh-name', r.name, 'rowheader'), bar(r.attention, r.attentionBar, 'att'), bar(r.mean, r.meanBar, 'mean'));
      return row;
    });
    ui.shares.dataset.kind = sh.kind;
    ui.shares.replaceChildren(head, ...rows, el('p', 'sh-note', sh.note));
  }

  /**
   * Shows how the α of `what` ('q' or 'xK') was computed, next to `at`
   * (CSS px of `canvas`'s own layout) or, with `at` null, next to where
   * the item is drawn. The text comes from Rust; this only positions it.
   */
  showTip(canvas, what, at) {
    this.tip = { canvas, what, at };
    this.refreshTip();
  }

  hideTip() {
    if (!this.tip) return;
    this.tip = null;
    this.ui.tip.hidden = true;
  }

  refreshTip() {
    const { ui } = this;
    if (!this.tip) return;
    const j = JSON.parse(this.guard(() => this.app.explainJson(this.tip.what)));
    if (!j) { this.hideTip(); return; }
    ui.tipTitle.textContent = j.title;
    ui.tipLines.replaceChildren(...j.lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }));
    ui.tip.dataset.what = this.tip.what;
    ui.tip.hidden = false;
    this.placeTip();
  }

  /** Where item `what` is drawn on `canvas`, in the canvas's CSS px, or null. */
  anchorOf(canvas, what) {
    const { ui } = this;
    const i = what === 'q' ? -1 : Number(what.slice(1)) - 1;
    if (canvas === ui.bars) {
      const lay = JSON.parse(this.guard(() => this.app.barsLayoutJson()));
      const r = lay ? lay.items.indexOf(i) : -1;
      if (r < 0) return null;
      const ratio = canvas.width / Math.max(1, canvas.offsetWidth);
      const [top, bottom, end] = lay.bars[r];
      return [Math.max(end, lay.zeroX) / ratio, (top + bottom) / 2 / ratio];
    }
    if (canvas === ui.qkv) {
      const rows = JSON.parse(this.guard(() => this.app.qkvRowsJson()));
      const r = rows[i];
      return r ? [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2] : null;
    }
    if (canvas === ui.map) {
      const lay = JSON.parse(this.guard(() => this.app.mapLayoutJson()));
      if (!lay) return null;
      return i < 0 ? lay.query : lay.items[i] || null;
    }
    return null;
  }

  /** Puts the tooltip beside its anchor, inside the widget's box (it is a child of the shell, so no panel clips it). */
  placeTip() {
    const { ui, shell } = this;
    if (!this.tip || ui.tip.hidden) return;
    const { canvas } = this.tip;
    const at = this.tip.at || this.anchorOf(canvas, this.tip.what);
    if (!at) { this.hideTip(); return; }
    const sr = shell.getBoundingClientRect();
    const cr = canvas.getBoundingClientRect();
    const zoom = shell.offsetWidth > 0 && sr.width > 0 ? sr.width / shell.offsetWidth : 1;
    const cz = canvas.offsetWidth > 0 && cr.width > 0 ? cr.width / canvas.offsetWidth : zoom;
    // The anchor in the shell's own (untransformed) pixels.
    const x = (cr.left - sr.left + at[0] * cz) / zoom;
    const y = (cr.top - sr.top + at[1] * cz) / zoom;
    const w = ui.tip.offsetWidth;
    const h = ui.tip.offsetHeight;
    const W = shell.clientWidth;
    const H = shell.scrollHeight;
    const gap = 14;
    let left = x + gap + w <= W - 4 ? x + gap : x - gap - w;
    left = Math.max(4, Math.min(left, W - w - 4));
    let top = y + gap + h <= H - 4 ? y + gap : y - gap - h;
    top = Math.max(4, Math.min(top, Math.max(4, H - h - 4)));
    ui.tip.style.left = `${Math.round(left)}px`;
    ui.tip.style.top = `${Math.round(top)}px`;
  }

  /** Keyboard on a focused chart: ↑ ↓ (Home, End) go through the items with their explanation; Esc hides it. */
  tipKeys(canvas, e, count) {
    if (e.key === 'Escape') {
      if (this.tip) { this.hideTip(); e.preventDefault(); }
      return;
    }
    const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
    if (!(e.key in moves) || e.ctrlKey || e.metaKey || e.altKey) return;
    const items = count();
    if (items.length === 0) return;
    const cur = this.tip && this.tip.canvas === canvas && this.tip.what !== 'q' ? items.indexOf(Number(this.tip.what.slice(1)) - 1) : -1;
    const d = moves[e.key];
    const next = d === -Infinity ? 0 : d === Infinity ? items.length - 1 : cur < 0 ? (d > 0 ? 0 : items.length - 1) : Math.max(0, Math.min(items.length - 1, cur + d));
    const i = items[next];
    this.guard(() => this.app.setHighlight(i));
    this.scheduleDraw();
    this.showTip(canvas, `x${i + 1}`, null);
    e.preventDefault();
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

  changed(except, burst = false) {
    this.syncControls(except);
    this.scheduleDraw();
    this.notify(burst);
  }

  rebuild() {
    this.buildControls();
    this.scheduleDraw();
    this.notify();
  }

  /**
   * Tells the host (URL, element event) that the state changed, and
   * refreshes the text alternative: at once, unless the change is one of a
   * burst of edits (typing, a slider, a drag), which refreshes it once the
   * burst pauses. A note in the message line is about the change before.
   */
  notify(burst = false) {
    if (this.ui.message.dataset.kind === 'info' && this.ui.message.textContent) this.say('');
    this.options.onChange?.(this, { burst });
    clearTimeout(this.altTimer);
    if (burst) {
      this.altPending = true;
      this.altTimer = setTimeout(() => this.syncAlt(), 150);
    } else {
      this.syncAlt();
    }
  }

  // ------------------------------------------------------------ settling

  /** Whether an update is still to come: a draw, the animation, an undo commit or the text alternative. */
  busy() {
    return this.drawPending || this.animating || this.commitPending || this.altPending;
  }

  /** Resolves once nothing is pending (see busy); for tests and tools. */
  settled() {
    if (!this.busy() || this.broken || poisoned) return Promise.resolve();
    return new Promise((resolve) => { this.settleWaiters.push(resolve); });
  }

  checkSettled() {
    if (this.busy() && !this.broken && !poisoned) return;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    waiters.forEach((w) => w());
  }

  // ------------------------------------------------------------ text alternative

  /** Fills the visually hidden tables that describe the charts for screen readers. */
  syncAlt() {
    clearTimeout(this.altTimer);
    this.altPending = false;
    if (this.broken || poisoned) { this.checkSettled(); return; }
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
    this.checkSettled();
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
    const fill = shell.hasAttribute('data-embed') || this.lectureFills();
    const layout = JSON.parse(this.guard(() => this.app.layoutJson()));
    this.sizeLecturePanels(fill);
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
    if (this.tip) this.placeTip();
    // A frame of the animation is not a complete draw: frame() waits for its end.
    if (!this.animating) {
      const waiters = this.frameWaiters;
      this.frameWaiters = [];
      waiters.forEach((w) => w());
    }
    this.checkSettled();
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => this.draw());
  }

  frame() {
    return new Promise((resolve) => { this.frameWaiters.push(resolve); this.scheduleDraw(); });
  }

  /** Resolves once every change is on screen: at once if no draw (or animation) is pending, else after the next complete draw. */
  drawn() {
    return this.drawPending || this.animating ? this.frame() : Promise.resolve();
  }

  // ------------------------------------------------------------ the weighted sum, animated

  /**
   * On the weighted-sum step reached by stepping forward, the parts αᵢxᵢ
   * are added into the sum strip one after the other (about 1.6 s), unless
   * the reader prefers reduced motion. While it runs, frame() and settled()
   * wait for its last frame, and the shell carries data-animating.
   */
  startSumAnimation() {
    const reduce = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (reduce || !this.guard(() => this.app.onSumStep())) return;
    const duration = 1600;
    const start = performance.now();
    this.animating = true;
    this.shell.dataset.animating = 'true';
    this.guard(() => this.app.setSumProgress(0));
    const tick = (now) => {
      if (!this.animating) return;
      const t = Math.min(1, (now - start) / duration);
      if (this.broken || poisoned || !this.guard(() => this.app.onSumStep())) { this.stopSumAnimation(); return; }
      this.guard(() => this.app.setSumProgress(t));
      if (t >= 1) { this.stopSumAnimation(); return; }
      // Only the step-through changes while the sum builds up.
      try {
        this.guard(() => this.app.renderPanel('steps', this.pixelRatio()));
      } catch (e) {
        if (!this.broken) this.say(e.message, 'error');
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  /** Ends the animation (at rest: the whole sum) and draws the complete frame. */
  stopSumAnimation() {
    if (!this.animating) return;
    this.animating = false;
    delete this.shell.dataset.animating;
    if (!this.broken && !poisoned) this.guard(() => this.app.setSumProgress(1));
    this.scheduleDraw();
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

  // ------------------------------------------------------------ lecture mode (issue 11 §5)
  //
  // view=lecture lays the lecture out on one 16:9 screen (widget.css): the
  // caption across the top; candidate, q, the readout (pooled vs mean) and
  // the settings on the left; the alpha bars over the map; the lecture
  // panels as tabs in one place. Which tab shows is state in the Rust App
  // (it follows the step-through); this only mirrors it in the DOM. A tab
  // not shown is hidden, so it is neither sized nor drawn; the frame that
  // shows it draws it first (the draw runs in requestAnimationFrame,
  // before the browser paints).

  lectureOn() { return this.shell.dataset.view === 'lecture'; }

  /** Lecture mode on one screen: canvases take their size from its grid. */
  lectureFills() { return this.lectureOn() && this.shell.hasAttribute('data-fit'); }

  /**
   * Whether the lecture fits one screen in the box it fills (the element,
   * or the window), and at what scale (the App decides: a 1920 × 1080
   * projector shows the 1366 × 768 screen scaled up); else its parts stack.
   */
  fitLecture() {
    const box = this.host !== this.shell ? this.host : document.documentElement;
    const zoom = this.lectureOn() ? this.guard(() => this.app.lectureZoom(box.clientWidth, box.clientHeight)) : 0;
    const fit = zoom > 0;
    const z = String(fit ? zoom : 1);
    if (fit !== this.shell.hasAttribute('data-fit') || this.shell.style.getPropertyValue('--lecture-zoom') !== z) {
      const refit = fit !== this.shell.hasAttribute('data-fit');
      this.shell.toggleAttribute('data-fit', fit);
      this.shell.style.setProperty('--lecture-zoom', z);
      // On the lecture's one screen the scene picker heads the left column and the caption is compact; whole elsewhere.
      if (refit) {
        this.placeScenePicker();
        if (!fit && this.ui.caption.hasAttribute('data-open')) this.openCaption(false);
        else this.fitCaption();
      }
      this.scheduleDraw();
    }
    // The caption is compact on the lecture's one screen, and on the long page in a wide, short
    // window (1366 × 768), so that q, the bars and pooled vs mean stay on the first screen.
    const short = !fit && !this.lectureOn() && this.host === this.shell && !this.shell.hasAttribute('data-embed')
      && typeof matchMedia === 'function' && matchMedia('(min-width: 1250px) and (max-height: 900px)').matches;
    if ((fit || short) !== this.shell.hasAttribute('data-cap-compact')) {
      this.shell.toggleAttribute('data-cap-compact', fit || short);
      if (!(fit || short) && this.ui.caption.hasAttribute('data-open')) this.openCaption(false);
      else this.fitCaption();
    }
  }

  wireLecture() {
    const { app } = this;
    window.addEventListener('resize', () => this.fitLecture());
    if (this.host !== this.shell) new ResizeObserver(() => this.fitLecture()).observe(this.host);
    const toggle = this.$('view-toggle');
    toggle.addEventListener('click', () => {
      const view = this.lectureOn() ? 'explore' : 'lecture';
      if (this.edit(null, () => app.setView(toJson({ view })))) {
        this.applyView();
        // The lecture's screen starts at its top.
        if (view === 'lecture' && this.options.page) window.scrollTo(0, 0);
      }
    });
    // The settings are a drawer at the foot of the left column.
    const settings = this.$('settings-panel');
    const drawer = this.$('settings-toggle');
    const openSettings = (open) => {
      settings.toggleAttribute('data-open', open);
      drawer.setAttribute('aria-expanded', String(open));
    };
    drawer.addEventListener('click', () => openSettings(!settings.hasAttribute('data-open')));
    settings.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && settings.hasAttribute('data-open')) {
        openSettings(false);
        drawer.focus();
        e.preventDefault();
        e.stopPropagation();
      }
    });
    this.$('lecture-tabs').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-tab]');
      if (b && this.edit(null, () => app.setView(toJson({ tab: b.dataset.tab })))) this.syncLecture();
    });
  }

  /** Puts the layout, the tab strip and the readout's place in the DOM for the view options `v`. */
  applyLecture(v) {
    const { shell } = this;
    const lecture = v.view === 'lecture';
    shell.dataset.view = v.view;
    if (this.host !== shell) this.host.toggleAttribute('data-lecture', lecture);
    const toggle = this.$('view-toggle');
    toggle.setAttribute('aria-pressed', String(lecture));
    // The readout sits in the left column in lecture mode, beside the bars otherwise.
    const readout = shell.querySelector('.readout');
    const controls = shell.querySelector('.controls');
    const charts = shell.querySelector('.charts');
    if (lecture && readout.parentNode !== controls) controls.insertBefore(readout, controls.querySelector('[data-part=settings]'));
    if (!lecture && readout.parentNode !== charts) charts.insertBefore(readout, charts.querySelector('[data-panel=bars]'));
    this.lectureTabs = '';
    this.fitLecture();
    this.syncLecture();
  }

  /** The tab strip and the shown tab, as the App says (after a tab click, a step, a state). */
  syncLecture() {
    const t = JSON.parse(this.guard(() => this.app.lectureJson()));
    const lecture = this.lectureOn();
    const barsMin = `${Math.ceil(t.barsMin)}px`;
    if (this.shell.style.getPropertyValue('--bars-min') !== barsMin) this.shell.style.setProperty('--bars-min', barsMin);
    const strip = this.$('lecture-tabs');
    const key = `${this.guard(() => this.app.lang())}|${t.tabs.join(',')}`;
    if (key !== this.lectureTabs) {
      this.lectureTabs = key;
      strip.replaceChildren(...t.tabs.map((name) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.tab = name;
        b.textContent = this.t(`tab-${name}`);
        b.setAttribute('aria-controls', name);
        return b;
      }));
    }
    for (const b of strip.children) b.setAttribute('aria-pressed', String(b.dataset.tab === t.shown));
    strip.hidden = !lecture || t.tabs.length === 0;
    // t.tabs are listed panels: shown on the long page, only the chosen one in lecture mode.
    for (const name of t.tabs) {
      const el = this.shell.querySelector(`[data-panel=${name}]`);
      el.toggleAttribute('data-tab-panel', true);
      const hide = lecture && name !== t.shown;
      if (el.hidden !== hide) {
        el.hidden = hide;
        this.scheduleDraw();
      }
    }
  }

  /**
   * Heights of the panels that need more than their box: the towers
   * diagram's preferred height for its width on the long page (a narrow
   * one stacks its two models); in lecture mode the unit panel keeps its
   * preferred height and scrolls inside its tab.
   */
  sizeLecturePanels(fill) {
    const { ui } = this;
    const towers = ui.towers;
    if (!towers.closest('[data-panel]').hidden) {
      const h = fill ? '' : `${Math.ceil(this.guard(() => this.app.towersHeight(towers.offsetWidth)))}px`;
      if (towers.style.minHeight !== h) towers.style.minHeight = h;
    }
    const unit = ui.unit;
    if (this.lectureFills() && !unit.closest('[data-panel]').hidden) {
      const h = `${Math.ceil(this.guard(() => this.app.unitHeight(unit.offsetWidth)))}px`;
      if (unit.style.minHeight !== h) unit.style.minHeight = h;
    } else if (unit.style.minHeight) {
      unit.style.minHeight = '';
    }
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
    this.stopSumAnimation();
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
    return this.stepBy(forward);
  }

  /** One step forward or back; the weighted sum animates when stepped onto. Returns whether it moved. */
  stepBy(forward) {
    this.stopSumAnimation();
    if (!this.guard(() => this.app.stepBy(forward))) return false;
    this.changed(null);
    if (forward) this.startSumAnimation();
    return true;
  }

  /** Starts (on) or stops the step-through; the lecture setting it switches to or from is one undo step. */
  toggleSteps(on) {
    this.stopSumAnimation();
    this.edit(null, () => (on ? this.app.startSteps() : this.app.stopSteps()), { commit: true });
  }

  // ------------------------------------------------------------ events

  wire() {
    const { ui, app, shell } = this;
    const edit = this.edit.bind(this);
    ui.similarity.addEventListener('change', () => edit(ui.similarity, () => app.setSimilarity(ui.similarity.value), { commit: true }));
    ui.activation.addEventListener('change', () => edit(ui.activation, () => app.setActivation(ui.activation.value), { commit: true }));
    ui.weight.addEventListener('change', () => edit(ui.weight, () => app.setWeight(ui.weight.value), { commit: true }));
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
    ui.temperatureRange.addEventListener('input', () => edit(ui.temperatureText, () => app.setTemperatureText(ui.temperatureRange.value), { source: ui.temperatureRange, burst: true }));
    ui.temperatureRange.addEventListener('change', () => this.scheduleCommit(400));
    ui.temperatureText.addEventListener('input', () => edit(ui.temperatureText, () => app.setTemperatureText(ui.temperatureText.value), { burst: true }));
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
      this.toggleSteps(!on);
      if (!on) ui.steps.focus();
    });
    ui.stepPrev.addEventListener('click', () => this.stepBy(false));
    ui.stepNext.addEventListener('click', () => this.stepBy(true));
    ui.stepsSettingSwitch.addEventListener('click', () => {
      const on = ui.stepsSettingSwitch.dataset.on === 'true';
      edit(null, () => app.useStepSetting(on), { commit: true });
    });
    ui.steps.addEventListener('keydown', (e) => {
      if (this.guard(() => app.step()) < 0 && (KEYS_NEXT.includes(e.key) || KEYS_PREV.includes(e.key))) {
        this.toggleSteps(true);
        e.preventDefault();
      }
    });
    for (const r of shell.querySelectorAll('input[name=placement]')) {
      r.addEventListener('change', () => { if (r.checked) edit(null, () => app.setView(toJson({ placement: r.value }))); });
    }
    const hover = (i) => { this.guard(() => app.setHighlight(i)); this.scheduleDraw(); };
    // Explanations (issue 11 §6): hover or tap a bar, a Q/K/V row or a map point; focus a chart and use ↑ ↓.
    const explainAt = (canvas, e, i) => {
      if (i >= 0) this.showTip(canvas, `x${i + 1}`, this.local(canvas, e));
      else if (this.tip && this.tip.canvas === canvas) this.hideTip();
    };
    for (const [canvas, hit] of [[ui.bars, (x, y) => app.barsHit(x, y)], [ui.qkv, (x, y) => app.qkvHit(x, y)]]) {
      canvas.addEventListener('pointermove', (e) => {
        if (e.pointerType === 'touch') return;
        const [x, y] = this.local(canvas, e);
        const i = this.guard(() => hit(x, y));
        hover(i);
        explainAt(canvas, e, i);
      });
      canvas.addEventListener('pointerleave', (e) => {
        if (e.pointerType === 'touch') return;
        hover(-1);
        if (this.tip && this.tip.canvas === canvas && this.tip.at) this.hideTip();
      });
      // Touch: a tap shows the explanation (and the highlight) until the next tap elsewhere.
      canvas.addEventListener('pointerup', (e) => {
        if (e.pointerType !== 'touch') return;
        const [x, y] = this.local(canvas, e);
        const i = this.guard(() => hit(x, y));
        hover(i);
        explainAt(canvas, e, i);
      });
      canvas.addEventListener('blur', () => { if (this.tip && this.tip.canvas === canvas && !this.tip.at) { this.hideTip(); hover(-1); } });
    }
    ui.bars.addEventListener('keydown', (e) => this.tipKeys(ui.bars, e, () => {
      const lay = JSON.parse(this.guard(() => app.barsLayoutJson()));
      return lay ? lay.items : [];
    }));
    ui.qkv.addEventListener('keydown', (e) => this.tipKeys(ui.qkv, e, () => JSON.parse(this.guard(() => app.qkvRowsJson())).map((_, i) => i)));
    // Keyboard focus on the map explains q (a click or a drag focuses it too, without a tooltip).
    ui.map.addEventListener('focus', () => { if (ui.map.matches(':focus-visible') && (!this.tip || this.tip.canvas !== ui.map)) this.showTip(ui.map, 'q', null); });
    ui.map.addEventListener('blur', () => { if (this.tip && this.tip.canvas === ui.map && !this.tip.at) this.hideTip(); });
    ui.map.addEventListener('pointerleave', (e) => {
      if (!this.guard(() => app.isDragging())) hover(-1);
      if (e.pointerType !== 'touch' && this.tip && this.tip.canvas === ui.map && this.tip.at) this.hideTip();
    });
    shell.addEventListener('pointerdown', (e) => {
      // A tap or click outside the charts with explanations closes a tapped one.
      if (this.tip && this.tip.at && ![ui.bars, ui.qkv, ui.map, ui.tip].some((el) => el.contains(e.target))) this.hideTip();
    });
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
      // The map takes focus (preventDefault below would keep it where it
      // was), so Ctrl+Z after a drag and the arrow keys reach the widget.
      ui.map.focus({ preventScroll: true });
      const [x, y] = this.local(ui.map, e);
      this.tapStart = e.pointerType === 'touch' ? [e.clientX, e.clientY] : null;
      const hit = this.guard(() => app.mapPointerDown(x, y));
      if (hit) {
        // A drag moves the point away from a hover explanation: it comes back on the next hover.
        if (this.tip && this.tip.canvas === ui.map && this.tip.at) this.hideTip();
        ui.map.setPointerCapture(e.pointerId);
        ui.map.style.cursor = 'grabbing';
        e.preventDefault();
      }
    });
    ui.map.addEventListener('pointermove', (e) => {
      const [x, y] = this.local(ui.map, e);
      if (this.guard(() => app.isDragging())) {
        edit(null, () => app.mapPointerMove(x, y), { burst: true });
      } else if (e.pointerType === 'mouse' || e.pointerType === 'pen') {
        const hit = this.guard(() => app.mapHit(x, y));
        ui.map.style.cursor = hit ? 'grab' : 'default';
        this.guard(() => app.setHighlight(hit.startsWith('x') ? Number(hit.slice(1)) - 1 : -1));
        this.scheduleDraw();
        if (hit) this.showTip(ui.map, hit, [x, y]);
        else if (this.tip && this.tip.canvas === ui.map && this.tip.at) this.hideTip();
      }
    });
    const up = (e) => {
      if (e.type === 'pointerup' && e.pointerType === 'touch' && this.tapStart) {
        // A tap (no drag) on a point shows its explanation.
        const moved = Math.hypot(e.clientX - this.tapStart[0], e.clientY - this.tapStart[1]);
        this.tapStart = null;
        if (moved < 10) {
          const [x, y] = this.local(ui.map, e);
          const hit = this.guard(() => app.mapHit(x, y));
          if (hit) this.showTip(ui.map, hit, [x, y]);
          else this.hideTip();
        }
      }
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
      if (e.key === 'Escape' && this.tip) { this.hideTip(); e.preventDefault(); return; }
      const steps = e.shiftKey ? 5 : 1;
      const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!dir) return;
      e.preventDefault();
      edit(null, () => app.nudgeQuery(dir[0] * steps, dir[1] * steps), { burst: true });
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
    this.stopSumAnimation();
    clearTimeout(this.commitTimer);
    this.commitPending = false;
    if (this.guard(() => this.app.undo())) { this.rebuild(); this.syncHistory(); return true; }
    return false;
  }

  redo() {
    this.stopSumAnimation();
    clearTimeout(this.commitTimer);
    this.commitPending = false;
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
        W.stopSumAnimation();
        W.guard(() => W.app.setStateJson(toJson(obj)));
        W.applyStrings();
        W.applyView();
        W.rebuild();
        W.scheduleCommit(0);
      },
      /** {alpha, pooled, mean, scores, alphaSum, pooledNorm, meanNorm}. */
      result: () => W.result(),
      /** Resolves after the next complete draw (never a frame of the weighted sum's animation). */
      frame: () => W.frame(),
      /**
       * Resolves once every pending update is done: the draw, the weighted
       * sum's animation, the undo step of a burst of edits and the text
       * alternative. For tests and tools: wait on this, never on time.
       */
      settled: () => W.settled(),
      /** Where bars, map points and the step-through strips were last drawn (for tests and tools). */
      layout: () => ({
        bars: JSON.parse(W.guard(() => W.app.barsLayoutJson())),
        map: JSON.parse(W.guard(() => W.app.mapLayoutJson())),
        steps: JSON.parse(W.guard(() => W.app.stepsLayoutJson())),
        qkv: JSON.parse(W.guard(() => W.app.qkvRowsJson())),
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
