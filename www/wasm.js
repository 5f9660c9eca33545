// wasm.js — loading the WebAssembly module, once per page, and naming what
// failed (an HTTP error, a stalled download) in English and Chinese. It also
// keeps the set of live widgets, gives the core's lists of keys and panels, so that a Rust panic (the glue's
// `din-panic` event) shows the overlay in every widget of the page.
//
// May depend on: the generated pkg/din_viz.js only. No DOM of the widget.

import init, { App } from '../pkg/din_viz.js';

let wasmSource;
let wasmReady = null;
export let poisoned = false;
export const live = new Set();

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

let lists = null;

/**
 * The core's lists (controls::keys_json): `url` (the link's keys, which are
 * the element's attributes), `panels`, `charts` (the panels that are a
 * canvas) and `tabs`. Only once ready() has resolved.
 */
export function coreLists() {
  if (!lists) lists = JSON.parse(App.keysJson());
  return lists;
}

// A Rust panic poisons the module for every widget: each shows the overlay.
if (typeof window !== 'undefined') {
  window.addEventListener('din-panic', (e) => {
    poisoned = true;
    for (const w of live) w.showFatal(e.detail);
  });
}
