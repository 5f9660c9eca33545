// The page: one widget in the document, its state mirrored in the URL.
// The URL is read on load (query string and hash; the hash wins), updated
// with history.replaceState while the user edits (no history entry per
// slider tick), and applied again on hashchange. All decoding and
// validation happens in the Rust core; this file only moves text.

import { createWidget } from './widget.js';

const boot = document.getElementById('boot');
const mount = document.getElementById('din');

function bootError(text) {
  boot.textContent = text;
  boot.dataset.kind = 'error';
  boot.hidden = false;
}

let urlTimer = 0;
let lastWritten = null;
let saveTimer = 0;

// The last good scene, kept for the panic overlay's "restore": the link
// (also in the address bar) or, for a scene too large for a link, its JSON.
const LAST_GOOD = 'din-attention:last-good';
const RESTORE = 'din-attention:restore';

function store(key, value) {
  try { sessionStorage.setItem(key, value); } catch { /* storage off or full: nothing to keep */ }
}

function load(key) {
  try { return sessionStorage.getItem(key); } catch { return null; }
}

function saveLastGood(w, link) {
  clearTimeout(saveTimer);
  if (link !== null) {
    store(LAST_GOOD, JSON.stringify({ link }));
    return;
  }
  // A large scene: its JSON costs more, so it is written after a pause.
  saveTimer = setTimeout(() => {
    try { store(LAST_GOOD, JSON.stringify({ json: w.guard(() => w.app.sceneJson()) })); } catch { /* stopped */ }
  }, 1000);
}

/** After a panic: reload with the last good scene (the wasm instance cannot be reused). */
function restoreLastGood() {
  const saved = load(LAST_GOOD);
  if (!saved) { location.reload(); return; }
  store(RESTORE, saved);
  location.reload();
}

/** The page's address without query and hash (about:srcdoc keeps its own). */
function pageBase() {
  return location.protocol === 'about:' ? location.href.split('#')[0] : location.pathname;
}

/**
 * Writes the state into the hash (dropping the query, whose keys the hash
 * now covers) without a history entry. A document that may not change its
 * URL (a sandboxed frame with an opaque origin) simply keeps it.
 */
function writeUrl(w) {
  const text = w.link();
  saveLastGood(w, text);
  const target = text === null ? pageBase() : `${pageBase()}#${text}`;
  if (target === lastWritten) return;
  lastWritten = target;
  try {
    history.replaceState(null, '', target);
  } catch {
    // SecurityError in an opaque-origin frame: the state lives on without a URL.
  }
}

/**
 * The address bar follows the state 120 ms after the last change, so a
 * burst of edits (or a script's loop) is one history.replaceState, which
 * browsers throttle. Nothing on the page depends on it in between; tests
 * wait for the hash to hold din.link(), not for a time.
 */
function scheduleUrl(w) {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => writeUrl(w), 120);
}

async function copyLink(w) {
  writeUrl(w);
  const text = w.link();
  if (text === null) return;
  const url = `${location.origin === 'null' ? location.href.split('#')[0] : location.origin + location.pathname}#${text}`;
  try {
    await navigator.clipboard.writeText(url);
    w.say(w.t('link-copied'));
  } catch {
    // No clipboard permission (file://, an old browser): show the link to copy by hand.
    w.say(`${w.t('link-copy-by-hand')} ${url}`);
  }
}

let chromeKey = null;

/** The page around the widget follows its language, embed mode and layout; redone only when one changes. */
function chrome(w) {
  const key = `${w.guard(() => w.app.lang())}|${w.view().embed}|${w.view().view}`;
  if (key === chromeKey) return;
  chromeKey = key;
  // Embed mode hides the page's own header and footer too.
  document.body.toggleAttribute('data-embed', w.view().embed);
  // So does lecture mode: the lecture is the whole screen.
  document.body.dataset.view = w.view().view;
  document.documentElement.lang = w.guard(() => w.app.lang()) === 'zh' ? 'zh-CN' : 'en';
  document.title = `${w.t('title')} — DIN`;
  for (const el of document.querySelectorAll('[data-page-i18n]')) el.textContent = w.t(el.dataset.pageI18n);
}

async function main() {
  let api;
  try {
    // A page may carry its opening state in <meta name="din-state"> (a
    // srcdoc copy has no URL of its own); the query and the hash win over it.
    const preset = document.querySelector('meta[name="din-state"]')?.content || '';
    api = await createWidget(mount, {
      params: `${preset}&${location.search.replace(/^\?/, '')}`,
      hash: location.hash,
      page: true,
      onChange: (w) => { scheduleUrl(w); chrome(w); },
      onStrings: (w) => chrome(w),
      copyLink,
      restore: restoreLastGood,
      canRestore: () => load(LAST_GOOD) !== null,
    });
  } catch (e) {
    bootError(`The visualiser could not start: ${e && e.message ? e.message : e}. It needs WebAssembly and JavaScript modules (any current Chrome, Edge, Firefox or Safari). 可视化程序无法启动：需要 WebAssembly。`);
    return;
  }
  boot.hidden = true;
  const w = api._widget;
  // Back from a panic: put the saved scene on screen (a link wins over the address bar).
  const restore = load(RESTORE);
  if (restore) {
    try { sessionStorage.removeItem(RESTORE); } catch { /* ignore */ }
    try {
      const saved = JSON.parse(restore);
      if (saved.link) w.applyExternal('', saved.link, true);
      else if (saved.json) api.importText(saved.json);
      w.say(w.t('restored'));
    } catch (e) {
      w.say(e.message, 'error');
    }
  }
  chrome(w);
  window.addEventListener('hashchange', () => {
    if (`${pageBase()}${location.hash}` === lastWritten) return;
    w.applyExternal('', location.hash, true);
    chrome(w);
    lastWritten = null;
    writeUrl(w);
  });
  const din = { ...api };
  delete din._widget;
  Object.defineProperty(din, 'root', { get: () => w.shell });
  window.din = din;
  // createWidget resolved after its first complete draw; wait only if the
  // restore above changed the scene since (a redraw is then pending).
  await w.drawn();
  document.documentElement.dataset.ready = 'true';
  // The canonical link (address bar, and the panic overlay's restore point)
  // is bookkeeping nobody sees: written in the next task, so that it does not
  // hold back the first frame.
  setTimeout(() => writeUrl(w), 0);
}

main();
