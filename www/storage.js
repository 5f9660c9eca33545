// storage.js — the page's last good scene, kept for the panic overlay's
// Restore (the wasm instance cannot be used after a panic, so Restore
// reloads the page with it). A state that fits a link is kept as its link
// in session storage; a larger one (up to 10,000 x 256, whose JSON would
// not fit the 5 MB of session storage) in IndexedDB, under this tab's key:
// the state without its items, the labels, and the vectors as one
// Float64Array (exact, about 20 MB at the largest). A save that fails is
// known, so the overlay and the message after the reload say exactly what
// comes back and from when, or that nothing could be saved. Every sentence
// comes from the Rust core. (issue 14)
//
// May depend on: the widget's API object passed in (guard, app, say,
// applyExternal, applyStrings, applyView, rebuild, scheduleCommit); the
// browser's session storage and IndexedDB. Used by app.js only (the element
// never stores anything).

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
// HH:MM:SS, local time, as en-GB's toLocaleTimeString writes it, without
// Intl: its first use loads locale data (34 ms in a start-up profile).
const two = (v) => String(v).padStart(2, '0');
const clock = (ms) => {
  const t = new Date(ms);
  return `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
};

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

export function saveLastGood(w, link) {
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
export async function forgetOldTabs() {
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
export function restoreLastGood() {
  const info = saved
    ? { scene: saved.scene, n: saved.n, d: saved.d, at: saved.at, lost: lastChange > saved.at, failure: saveFailure }
    : { failure: saveFailure };
  try { store(RESTORE, JSON.stringify({ record: saved, info })); } catch { /* storage off: a plain reload */ }
  location.reload();
}

/** The overlay's sentence about Restore. */
export function restoreNote() {
  if (!notes) return '';
  return saved && lastChange > saved.at ? notes.lost : notes.plain;
}

/** Back from a panic: puts the saved state on screen and says exactly what came back. */
export async function restoreAfterReload(w, api, text) {
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

/** Reads what an earlier page of this tab saved (on start). */
export function loadSaved() {
  try {
    saved = JSON.parse(load(LAST_GOOD) || 'null');
  } catch { saved = null; }
}

/** Whether Restore has anything to bring back. */
export function canRestore() { return saved !== null; }

/** The state changed now (so Restore knows whether the latest edits are in the saved scene). */
export function changedNow() { lastChange = Date.now(); }

/** The restore request left by restoreLastGood before the reload, taken (once), or null. */
export function takeRestore() {
  const text = load(RESTORE);
  if (text) {
    try { sessionStorage.removeItem(RESTORE); } catch { /* ignore */ }
  }
  return text;
}
