// The page: one widget in the document, its state mirrored in the URL.
// The URL is read on load (query string and hash; the hash wins), updated
// with history.replaceState while the user edits (no history entry per
// slider tick), and applied again on hashchange. All decoding and
// validation happens in the Rust core; this file only moves text.

// widget.js (and through it the wasm glue) is imported in main(), so that
// a file that cannot be loaded is named on the page (see whatFailed).

const boot = document.getElementById('boot');
const mount = document.getElementById('din');

function bootError(text) {
  boot.textContent = text;
  boot.dataset.kind = 'error';
  boot.hidden = false;
}

/** The shell's modules (widget.js imports the others), asked for again by whatFailed. */
const WIDGET_MODULES = ['widget.js', 'template.js', 'wasm.js', 'util.js', 'alt.js', 'canvases.js', 'caption.js', 'controls.js',
  'io.js', 'keys.js', 'lecture.js', 'pointer.js', 'steps.js', 'table.js', 'tip.js'];

let urlTimer = 0;
let lastWritten = null;

// ---------------------------------------------------------------- last good scene (issue 14)
//
// The last good state, kept for the panic overlay's Restore (the wasm
// instance cannot be used after a panic, so Restore reloads the page with
// it). A state that fits a link is kept as its link in session storage; a
// larger one (up to 10,000 x 256, whose JSON would not fit the 5 MB of
// session storage) in IndexedDB, under this tab's key: the state without
// its items, the labels, and the vectors as one Float64Array (exact, about
// 20 MB at the largest). A save that fails is known, so the overlay and
// the message after the reload say exactly what comes back and from when,
// or that nothing could be saved. Every sentence comes from the Rust core.

const LAST_GOOD = 'din-attention:last-good';
const RESTORE = 'din-attention:restore';
const TAB = 'din-attention:tab';
const DB_NAME = 'din-attention';
const DB_STORE = 'last-good';
/** Records of other tabs older than this are removed from IndexedDB. */
const DB_KEEP_MS = 2 * 24 * 3600 * 1000;

let saveTimer = 0;
let saveSeq = 0;
/** What LAST_GOOD holds: {kind: 'link', link} or {kind: 'idb', key}, with at, scene, n, d. */
let saved = null;
/** Why the latest save failed ("" when it did not). */
let saveFailure = '';
/** When the state last changed (ms since the epoch). */
let lastChange = 0;
/** The overlay's sentences, worded while the wasm could still be used. */
let notes = null;

function store(key, value) {
  sessionStorage.setItem(key, value);
}

function load(key) {
  try { return sessionStorage.getItem(key); } catch { return null; }
}

const describe = (e) => (e && e.name && e.message ? `${e.name}: ${e.message}` : String(e && e.message ? e.message : e));
const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB');

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    // Records by tab key; the index on their time finds old ones without reading them.
    req.onupgradeneeded = () => req.result.createObjectStore(DB_STORE).createIndex('at', 'at');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

/** Runs `fn(store)` in one transaction; resolves with the request's result once it is committed. */
async function idb(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(DB_STORE, mode);
      const req = fn(tx.objectStore(DB_STORE));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error || (req && req.error));
      tx.onabort = () => reject(tx.error || new Error('the IndexedDB transaction was aborted'));
    });
  } finally {
    db.close();
  }
}

/** This tab's key in IndexedDB (session storage lives as long as the tab). */
function tabKey() {
  let key = load(TAB);
  if (!key) {
    key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    store(TAB, key);
  }
  return key;
}

/** Words the overlay's sentences now, while the wasm works. */
function refreshNotes(w) {
  try {
    if (saved) {
      const info = { scene: saved.scene, n: saved.n, d: saved.d, time: clock(saved.at), failure: saveFailure };
      notes = {
        plain: w.guard(() => w.app.restoreNote('offer', JSON.stringify({ ...info, lost: false }))),
        lost: w.guard(() => w.app.restoreNote('offer', JSON.stringify({ ...info, lost: true }))),
      };
    } else if (saveFailure) {
      const text = w.guard(() => w.app.restoreNote('unsaved', JSON.stringify({ failure: saveFailure })));
      notes = { plain: text, lost: text };
    }
  } catch { /* the wasm stopped: keep the sentences worded before */ }
}

/** A save succeeded: `record` is what LAST_GOOD now points to. */
function savedAs(w, record, at) {
  const s = JSON.parse(w.guard(() => w.app.summaryJson()));
  const next = { ...record, at, scene: s.scene, n: s.n, d: s.d };
  try {
    store(LAST_GOOD, JSON.stringify(next));
    saved = next;
    saveFailure = '';
  } catch (e) {
    saveFailure = describe(e);
  }
  refreshNotes(w);
  saveDone(saveFailure ? 'failed' : record.kind, at);
}

function saveFailed(w, e, at) {
  saveFailure = describe(e);
  refreshNotes(w);
  saveDone('failed', at);
}

/** The outcome of the latest save on <html> (data-last-good = link, idb or failed; -at = its time): for tests and tools. */
function saveDone(outcome, at) {
  document.documentElement.dataset.lastGood = outcome;
  document.documentElement.dataset.lastGoodAt = String(at);
}

function saveLastGood(w, link) {
  clearTimeout(saveTimer);
  const seq = ++saveSeq;
  if (link !== null) {
    savedAs(w, { kind: 'link', link }, Date.now());
    return;
  }
  // A large scene: copied out of the wasm and written after a pause.
  saveTimer = setTimeout(async () => {
    const at = Date.now();
    let record;
    try {
      record = {
        head: w.guard(() => w.app.snapshotHead()),
        labels: w.guard(() => w.app.snapshotLabels()),
        values: w.guard(() => w.app.snapshotValues()),
        at,
      };
    } catch { return; } // the wasm stopped
    try {
      const key = tabKey();
      await idb('readwrite', (os) => os.put(record, key));
      if (seq === saveSeq) savedAs(w, { kind: 'idb', key }, at);
    } catch (e) {
      if (seq === saveSeq) saveFailed(w, e, at);
    }
  }, 1000);
}

/** Removes the records of tabs that have not saved for two days (by key: their vectors are not read). */
async function forgetOldTabs() {
  const mine = load(TAB);
  await idb('readwrite', (os) => {
    const req = os.index('at').openKeyCursor(IDBKeyRange.upperBound(Date.now() - DB_KEEP_MS));
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return;
      if (c.primaryKey !== mine) os.delete(c.primaryKey);
      c.continue();
    };
    return null;
  });
}

/** After a panic: reload with the last good scene (the wasm instance cannot be reused). */
function restoreLastGood() {
  const info = saved
    ? { scene: saved.scene, n: saved.n, d: saved.d, at: saved.at, lost: lastChange > saved.at, failure: saveFailure }
    : { failure: saveFailure };
  try { store(RESTORE, JSON.stringify({ record: saved, info })); } catch { /* storage off: a plain reload */ }
  location.reload();
}

/** The overlay's sentence about Restore. */
function restoreNote() {
  if (!notes) return '';
  return saved && lastChange > saved.at ? notes.lost : notes.plain;
}

/** Back from a panic: puts the saved state on screen and says exactly what came back. */
async function restoreAfterReload(w, api, text) {
  const { record, info } = JSON.parse(text);
  const say = (kind, extra = {}) => JSON.stringify({ ...info, time: info.at ? clock(info.at) : '', ...extra });
  if (!record) {
    w.say(w.guard(() => w.app.restoreNote('nothing', say('nothing'))), 'error');
    return;
  }
  if (record.kind === 'link') {
    w.applyExternal('', record.link, true);
  } else {
    let data;
    try {
      data = await idb('readonly', (os) => os.get(record.key));
    } catch (e) {
      data = null;
      info.failure = describe(e);
    }
    if (!data) {
      info.failure = info.failure || 'the saved scene is no longer in the browser\'s storage';
      w.say(w.guard(() => w.app.restoreNote('nothing', say('nothing'))), 'error');
      return;
    }
    w.guard(() => w.app.restoreSnapshot(data.head, data.labels, data.values));
    w.applyStrings();
    w.applyView();
    w.rebuild();
    w.scheduleCommit(0);
  }
  w.say(w.guard(() => w.app.restoreNote('restored', say('restored'))), 'note');
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
  let createWidget;
  try {
    ({ createWidget } = await import('./widget.js'));
  } catch (e) {
    const why = await whatFailed(e);
    bootError(`The visualiser could not start: ${why.en}. 可视化程序无法启动：${why.zh}。`);
    return;
  }
  try {
    saved = JSON.parse(load(LAST_GOOD) || 'null');
  } catch { saved = null; }
  try {
    // A page may carry its opening state in <meta name="din-state"> (a
    // srcdoc copy has no URL of its own); the query and the hash win over it.
    const preset = document.querySelector('meta[name="din-state"]')?.content || '';
    api = await createWidget(mount, {
      params: [preset, location.search.replace(/^\?/, '')].filter(Boolean).join('&'),
      hash: location.hash,
      page: true,
      onChange: (w) => { lastChange = Date.now(); scheduleUrl(w); chrome(w); },
      onStrings: (w) => chrome(w),
      copyLink,
      restore: restoreLastGood,
      canRestore: () => saved !== null,
      restoreNote,
    });
  } catch (e) {
    const en = e && e.message ? e.message : String(e);
    bootError(`The visualiser could not start: ${en}. 可视化程序无法启动：${e && e.zh ? e.zh : en}。`);
    return;
  }
  boot.hidden = true;
  const w = api._widget;
  // Back from a panic: put the saved state on screen (it wins over the address bar).
  const restore = load(RESTORE);
  if (restore) {
    try { sessionStorage.removeItem(RESTORE); } catch { /* ignore */ }
    try {
      await restoreAfterReload(w, api, restore);
    } catch (e) {
      w.say(e.message, 'error');
    }
  }
  // (An opaque origin, e.g. a sandboxed frame, has no storage at all.)
  try { if (typeof indexedDB === 'object') forgetOldTabs().catch(() => {}); } catch { /* no storage */ }
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

/**
 * Names the file that kept the visualiser from starting, as {en, zh}: each
 * module the page needs is asked for again, and the first that fails is
 * reported with its HTTP status; otherwise the import's own error.
 */
async function whatFailed(e) {
  for (const path of [...WIDGET_MODULES, '../pkg/din_viz.js']) {
    const url = new URL(path, import.meta.url);
    const name = url.pathname.split('/').slice(-2).join('/');
    let why = null;
    try {
      const r = await fetch(url, { method: 'HEAD', cache: 'no-store' });
      if (!r.ok) why = `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`;
    } catch (err) {
      why = err && err.message ? err.message : String(err);
    }
    if (why) return { en: `${name} could not be loaded (${why})`, zh: `无法加载 ${name}（${why}）` };
  }
  const en = e && e.message ? e.message : String(e);
  return { en, zh: en };
}

main();
