// `make bench`: speed, size and memory of the DIN attention page.
//
// Run from the repository root after `make build` and after
//   cargo run --release --bin bench_native -- --json target/bench-native.json
// (the Makefile's `bench` target does both), then:   node tests/bench/bench.mjs
//
// Prints one table (figure, budget, PASS/MISS) and writes target/bench.json.
// Never fails on a time: a MISS is a finding, not an error. The process
// exits non-zero only if the bench itself cannot run (no pkg/, no browser).
//
// What is measured (headless Debian Chromium via playwright-core, the page
// served by `python3 -m http.server` on 127.0.0.1, viewport 1440x1000 at
// devicePixelRatio 2):
//
//   update    one edit of q1 (an `input` event on the first q slider, value
//             ±0.01 alternating) → Rust recomputes → every panel redrawn
//             (`await din.frame()`). Main-thread time per update is the
//             change of the DevTools protocol's Performance.getMetrics
//             TaskDuration across the update, minus the median of the same
//             loop with a bare requestAnimationFrame wait and no edit.
//   compute   `attend` from JS (copies of the inputs in and of alpha, pooled,
//             mean, scores out included) in Chromium and in Node, vs
//             `din_viz::attention::attend_named` built natively --release
//             (target/release/bench_native, src/bin/bench_native.rs), timed
//             in turn with the wasm three times: the ratio is the median of
//             the rounds' ratios, so the machine's drift cancels out
//             (without the binary: target/bench-native.json, timed earlier).
//   payload   raw and gzip -9 sizes of what the page downloads.
//   start-up  navigation start → <html data-ready="true"> (set after the first
//             complete draw), 5 loads, each in a fresh browser context.
//   memory    JS heap after forced GC and wasm linear memory, before and after
//             10,000 edits of q.
//   first load  gzip -9 of the files every start-up load downloaded before
//             its first complete draw (from the Resource Timing entries).
//   train     the default page's update while the train panel's Web Worker
//             trains (issue 13: the worker does the work, the main thread
//             only draws), and with that panel on screen the frame
//             intervals (requestAnimationFrame over 3 s), the share of wall
//             time the main thread is busy, and the worker's batches/s.
//   peer      tests/bench/peer_matplotlib.py (matplotlib, Agg) redrawing the
//             same three charts per edit for the same scenes, run after the
//             browser has closed; the table gives page / peer per scene.
//
// Environment: CHROMIUM (browser binary), BENCH_UPDATES (default 200),
// BENCH_SCENE_CAP_S (default 60), BENCH_ONLY (comma list of
// payload,compute,startup,memory,update,peer), BENCH_SCENES (comma list of
// n10,lecture,n200,n1000,n10000,all,train; n200 only when named), BENCH_PYTHON (the
// matplotlib peer's Python), BENCH_PEER_EDITS (default 20), BENCH_HASH (a hash for every page opened, e.g.
// `panels=controls,bars` to time one panel).

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, launchBrowser as launchChromium } from '../e2e/harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_JSON = path.join(ROOT, 'target', 'bench.json');
const NATIVE_JSON = path.join(ROOT, 'target', 'bench-native.json');
// The native timing binary `make bench` builds (cargo run --release --bin bench_native).
const NATIVE_BIN = path.join(ROOT, 'target', 'release', process.platform === 'win32' ? 'bench_native.exe' : 'bench_native');
const COMPUTE_ROUNDS = 3;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VIEW = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 2 };
const UPDATES = Math.max(1, Number(process.env.BENCH_UPDATES) || 200);
const WARMUP_UPDATES = 20;
const SCENE_CAP_MS = (Number(process.env.BENCH_SCENE_CAP_S) || 60) * 1000;
const APPLY_CAP_MS = 45_000;
const IDLE_CAP_MS = 15_000;
// Optional page hash for every page the bench opens, e.g. `panels=controls,bars`.
const HASH = process.env.BENCH_HASH ? `#${process.env.BENCH_HASH}` : '';
const ONLY = new Set((process.env.BENCH_ONLY || 'payload,compute,startup,memory,update,peer').split(',').map((s) => s.trim()));
// Inputs of the compute bench; bench_native uses the same defaults.
const COMPUTE = { seed: 20180706, n: 10_000, d: 64, k: 6, runs: 101, warmup: 10 };
const MEMORY_EDITS = 10_000;
const STARTUP_LOADS = 5;
const KB = 1000;
const MB = 1000 * 1000;

// ------------------------------------------------------------------ data

/**
 * Clustered vectors from a seed: `k` centroids in [-1, 1]^d, the query and
 * each of the n items a centroid plus noise 0.3 (u1 + u2 + u3 - 1.5), with
 * mulberry32 for u. Self-contained (it is sent into the page as source) and
 * identical step for step to `make_vectors` in src/bin/bench_native.rs.
 */
function makeVectors(seed, n, d, k) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    const a = s;
    let t = Math.imul(a ^ (a >>> 15), 1 | a) >>> 0;
    t = ((t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const centroids = new Float64Array(k * d);
  for (let i = 0; i < k * d; i++) centroids[i] = next() * 2 - 1;
  const point = (out, at) => {
    const c = Math.min(Math.floor(next() * k), k - 1);
    for (let j = 0; j < d; j++) {
      const noise = (next() + next() + next() - 1.5) * 0.3;
      out[at + j] = centroids[c * d + j] + noise;
    }
  };
  const query = new Float64Array(d);
  point(query, 0);
  const keys = new Float64Array(n * d);
  for (let i = 0; i < n; i++) point(keys, i * d);
  return { query, keys };
}
const GEN_SRC = makeVectors.toString();

// ------------------------------------------------------------------ small helpers

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const ms = (v, digits = 2) => (Number.isFinite(v) ? `${v.toFixed(digits)} ms` : '—');
const kb = (b) => `${(b / KB).toFixed(1)} KB`;
const mb = (b) => `${(b / MB).toFixed(2)} MB`;
const int = (v) => v.toLocaleString('en-US');

/** Rejects after `msTimeout` with a message; the promise itself keeps running. */
function within(promise, msTimeout, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${(msTimeout / 1000).toFixed(0)} s`)), msTimeout);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

// ------------------------------------------------------------------ server and browser


let browser = null;
let origin = '';

async function launchBrowser() {
  browser = await launchChromium(['--js-flags=--expose-gc']);
}

/** Closes a context; if the renderer is stuck (a long synchronous task), restarts the browser. */
async function dispose(context) {
  try {
    await within(context.close(), 15_000, 'closing the page');
  } catch {
    console.error('  (the page did not close; restarting Chromium)');
    await within(browser.close(), 15_000, 'closing Chromium').catch(() => {});
    await launchBrowser();
  }
}

/** A fresh context with the page loaded and ready. */
async function openPage({ initScript = null, viewport = null, hash = null } = {}) {
  const context = await browser.newContext(viewport ? { ...VIEW, viewport } : VIEW);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(APPLY_CAP_MS + 15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const h = [HASH.slice(1), hash].filter(Boolean).join('&');
  await page.goto(`${origin}/www/${h ? `#${h}` : ''}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' && typeof window.din === 'object', null, { timeout: 30_000 });
  return { context, page, errors };
}

// ------------------------------------------------------------------ payload

function payload() {
  const files = {
    wasm: ['pkg/din_viz_bg.wasm'],
    // The page's scripts: the glue, the page's bundle of www/ (tools/page.mjs), app.js and the train worker's.
    js: ['pkg/din_viz.js', 'pkg/page.js', 'www/app.js', 'www/train-worker.js'],
    html: ['www/index.html'],
    css: ['www/widget.css', 'www/style.css'],
  };
  const rows = {};
  let totalRaw = 0;
  let totalGzip = 0;
  for (const [kind, list] of Object.entries(files)) {
    let raw = 0;
    let gz = 0;
    for (const f of list) {
      const buf = readFileSync(path.join(ROOT, f));
      raw += buf.length;
      gz += gzipSync(buf, { level: 9 }).length;
    }
    rows[kind] = { files: list, raw, gzip: gz };
    totalRaw += raw;
    totalGzip += gz;
  }
  const distPath = path.join(ROOT, 'dist', 'din-attention.html');
  let dist = null;
  if (existsSync(distPath)) {
    const buf = readFileSync(distPath);
    dist = { file: 'dist/din-attention.html', raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  }
  return { ...rows, total: { raw: totalRaw, gzip: totalGzip }, dist };
}

// ------------------------------------------------------------------ compute alone

/** Times attend() with the generated inputs; runs in a page or in Node. */
async function timeAttend({ attend, now, gen, cfg }) {
  const { query, keys } = gen(cfg.seed, cfg.n, cfg.d, cfg.k);
  const once = () => {
    const r = attend(query, keys, 'dot', 'softmax', 1);
    const out = { alpha: r.alpha(), pooled: r.pooled(), mean: r.mean(), scores: r.scores(), pooledNorm: r.pooledNorm, alphaSum: r.alphaSum, meanNorm: r.meanNorm };
    r.free();
    return out;
  };
  const ref = once();
  for (let i = 0; i < cfg.warmup; i++) once();
  const times = [];
  for (let i = 0; i < cfg.runs; i++) {
    const t0 = now();
    once();
    times.push(now() - t0);
  }
  // Timer resolution: the smallest non-zero step of now().
  let step = Infinity;
  for (let i = 0, last = now(); i < 2000; i++) {
    const t = now();
    if (t !== last) { step = Math.min(step, t - last); last = t; }
  }
  const alphaWeighted = ref.alpha.reduce((s, a, i) => s + a * ((i % 7) + 1), 0);
  return {
    times, resolutionMs: step,
    checksum: { alphaSum: ref.alphaSum, pooledNorm: ref.pooledNorm, meanNorm: ref.meanNorm, alphaWeighted, query0: query[0], keysLast: keys[keys.length - 1] },
  };
}

async function computeInChromium() {
  // A blank page of the same origin, cross-origin isolated (COOP + COEP
  // headers added here) so performance.now() has 5 µs resolution, not 100 µs.
  const context = await browser.newContext(VIEW);
  const url = `${origin}/tests/bench/__compute.html`;
  await context.route(url, (route) => route.fulfill({
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    body: '<!doctype html><meta charset="utf-8"><title>compute bench</title>',
  }));
  try {
    const page = await context.newPage();
    await page.goto(url);
    return await page.evaluate(async ({ cfg, genSrc, timeSrc }) => {
      const mod = await import('/pkg/din_viz.js');
      await mod.default();
      const gen = (0, eval)(`(${genSrc})`);
      const time = (0, eval)(`(${timeSrc})`);
      const r = await time({ attend: mod.attend, now: () => performance.now(), gen, cfg });
      return { ...r, isolated: globalThis.crossOriginIsolated === true };
    }, { cfg: COMPUTE, genSrc: GEN_SRC, timeSrc: timeAttend.toString() });
  } finally {
    await dispose(context);
  }
}

async function computeInNode() {
  const mod = await import(path.join(ROOT, 'pkg', 'din_viz.js'));
  mod.initSync({ module: readFileSync(path.join(ROOT, 'pkg', 'din_viz_bg.wasm')) });
  return timeAttend({ attend: mod.attend, now: () => performance.now(), gen: makeVectors, cfg: COMPUTE });
}

function agrees(a, b) {
  if (!a || !b) return false;
  return ['alphaSum', 'pooledNorm', 'meanNorm', 'alphaWeighted'].every((k) => Math.abs(a[k] - b[k]) <= 1e-9 * Math.max(1, Math.abs(b[k])))
    && a.query0 === b.query0 && a.keysLast === b.keysLast;
}

/** Times attend_named natively once (the binary make bench built); null without it. */
function computeNative() {
  if (!existsSync(NATIVE_BIN)) return null;
  const out = path.join(ROOT, 'target', 'bench-native-round.json');
  execFileSync(NATIVE_BIN, ['--json', out], { stdio: 'ignore' });
  return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * wasm in Chromium against the same function built natively. This machine's
 * speed drifts (twofold within an hour), so the two are timed in turn,
 * COMPUTE_ROUNDS times, and the ratio is the median of each round's ratio:
 * a ratio of timings made minutes apart measured the drift, not the wasm.
 */
async function compute() {
  const out = { n: COMPUTE.n, d: COMPUTE.d, similarity: 'dot', normalization: 'softmax', runs: COMPUTE.runs, rounds: [] };
  let native = null;
  const nat = [];
  const chr = [];
  for (let round = 0; round < COMPUTE_ROUNDS; round++) {
    let n = null;
    try {
      n = computeNative();
    } catch (e) {
      out.native = { error: `${path.relative(ROOT, NATIVE_BIN)} failed: ${e.message.split('\n')[0]}` };
    }
    if (!n && round === 0 && !out.native) {
      // No binary: the JSON make bench wrote earlier (timed at another moment; said so in the table).
      try {
        n = JSON.parse(readFileSync(NATIVE_JSON, 'utf8'));
        out.nativeFromFile = true;
      } catch (e) {
        out.native = { error: `no ${path.relative(ROOT, NATIVE_BIN)} or ${path.relative(ROOT, NATIVE_JSON)}: ${e.message} (run cargo run --release --bin bench_native -- --json ${path.relative(ROOT, NATIVE_JSON)})` };
      }
    }
    if (n) { native = n; nat.push(n); }
    try {
      const r = await computeInChromium();
      chr.push({ ...r, median: median(r.times), min: Math.min(...r.times) });
    } catch (e) {
      out.chromium = { error: e.message.split('\n')[0] };
      break;
    }
    if (n && !out.nativeFromFile) out.rounds.push({ native: n.median_ms, chromium: chr[chr.length - 1].median, ratio: chr[chr.length - 1].median / n.median_ms });
  }
  if (nat.length) {
    out.native = { median: median(nat.map((x) => x.median_ms)), min: Math.min(...nat.map((x) => x.min_ms)), p95: median(nat.map((x) => x.p95_ms)), runs: nat[0].runs, rounds: nat.length };
  }
  if (chr.length) {
    const last = chr[chr.length - 1];
    out.chromium = {
      median: median(chr.map((r) => r.median)), min: Math.min(...chr.map((r) => r.min)), p95: median(chr.map((r) => quantile(r.times, 0.95))), runs: last.times.length, rounds: chr.length,
      timerResolutionMs: last.resolutionMs, isolated: last.isolated, sameInputsAsNative: native ? agrees(last.checksum, native.checksum) : null,
    };
  }
  try {
    const r = await computeInNode();
    out.node = { median: median(r.times), min: Math.min(...r.times), p95: quantile(r.times, 0.95), runs: r.times.length, sameInputsAsNative: native ? agrees(r.checksum, native.checksum) : null };
  } catch (e) {
    out.node = { error: e.message.split('\n')[0] };
  }
  if (out.rounds.length) out.ratio = median(out.rounds.map((r) => r.ratio));
  else if (out.chromium?.median && out.native?.median) out.ratio = out.chromium.median / out.native.median;
  if (out.node?.median && out.native?.median) out.ratioNode = out.node.median / out.native.median;
  return out;
}

// ------------------------------------------------------------------ start-up

function readyProbe() {
  // Runs before the page's scripts: notes performance.now() (ms since
  // navigation start) when <html data-ready="true"> appears.
  const obs = new MutationObserver(() => {
    if (document.documentElement && document.documentElement.dataset.ready === 'true' && window.__benchReadyAt === undefined) {
      window.__benchReadyAt = performance.now();
      obs.disconnect();
    }
  });
  obs.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
}

async function startup() {
  const loads = [];
  for (let i = 0; i < STARTUP_LOADS; i++) {
    const { context, page } = await openPage({ initScript: readyProbe });
    try {
      loads.push(await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
        const ready = window.__benchReadyAt - (nav ? nav.startTime : 0);
        return {
          // What was downloaded before the first complete draw (the first load), by path.
          before: [location.pathname, ...performance.getEntriesByType('resource').filter((e) => e.responseEnd <= window.__benchReadyAt).map((e) => new URL(e.name).pathname)],
          after: performance.getEntriesByType('resource').filter((e) => e.responseEnd > window.__benchReadyAt).map((e) => new URL(e.name).pathname),
          ready,
          responseEnd: nav ? nav.responseEnd : NaN,
          domContentLoaded: nav ? nav.domContentLoadedEventEnd : NaN,
          wasmLoaded: wasm ? wasm.responseEnd : NaN,
        };
      }));
    } finally {
      await dispose(context);
    }
  }
  const readies = loads.map((l) => l.ready);
  // The first load: the files every load needed before its first complete
  // draw, at their gzip -9 size on disk (what a server compressing them sends).
  const needed = [...new Set(loads.flatMap((l) => l.before))].filter((f) => loads.every((l) => l.before.includes(f))).sort();
  const file = (p) => path.join(ROOT, p.endsWith('/') ? `${p}index.html` : p);
  const firstLoad = { files: needed, raw: 0, gzip: 0 };
  for (const f of needed) {
    try {
      const buf = readFileSync(file(f));
      firstLoad.raw += buf.length;
      firstLoad.gzip += gzipSync(buf, { level: 9 }).length;
    } catch { /* a URL that is not a file (none today) */ }
  }
  const later = [...new Set(loads.flatMap((l) => l.after))].sort();
  return {
    firstLoad,
    later,
    loads,
    median: median(readies),
    min: Math.min(...readies),
    max: Math.max(...readies),
    domContentLoaded: median(loads.map((l) => l.domContentLoaded)),
    wasmLoaded: median(loads.map((l) => l.wasmLoaded)),
  };
}

// ------------------------------------------------------------------ memory

async function memory() {
  const { context, page, errors } = await openPage();
  try {
    const cdp = await context.newCDPSession(page);
    const probe = async () => {
      await page.evaluate(() => { if (typeof gc === 'function') { gc(); gc(); } });
      await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
      const heap = await cdp.send('Runtime.getHeapUsage');
      const wasm = await page.evaluate(async () => {
        const mod = await import('/pkg/din_viz.js');
        const exports = await mod.default();
        const mem = exports && exports.memory;
        return mem ? mem.buffer.byteLength : null;
      });
      return { jsHeap: heap.usedSize, wasm };
    };
    const edits = (count, every) => page.evaluate(async ({ count, every }) => {
      const r = document.querySelector('#query input[type=range]');
      for (let i = 0; i < count; i++) {
        r.value = String(r.valueAsNumber + (i % 2 === 0 ? 0.01 : -0.01));
        r.dispatchEvent(new Event('input', { bubbles: true }));
        if ((i + 1) % every === 0) await window.din.frame();
      }
      await window.din.frame();
    }, { count, every });
    const hasGc = await page.evaluate(() => typeof gc === 'function');
    await edits(100, 1); // warm-up: first draws, caches, lazily built tables
    const before = await probe();
    const t0 = performance.now();
    await within(edits(MEMORY_EDITS, 100), 180_000, `${int(MEMORY_EDITS)} edits`);
    const seconds = (performance.now() - t0) / 1000;
    const after = await probe();
    return {
      edits: MEMORY_EDITS, framesDrawn: MEMORY_EDITS / 100 + 1, seconds, forcedGc: hasGc ? 'gc() + HeapProfiler.collectGarbage' : 'HeapProfiler.collectGarbage',
      before, after,
      growth: { jsHeap: after.jsHeap - before.jsHeap, wasm: after.wasm == null ? null : after.wasm - before.wasm },
      pageErrors: errors,
    };
  } finally {
    await dispose(context);
  }
}

// ------------------------------------------------------------------ update time

// Budgets from issue 15. Every scene starts scrolled to the top; `tall`
// makes the viewport as tall as the page so that all seven panels are
// visible (reported, not a budget: the cost of drawing everything).
const SCENES = [
  { id: 'n10', label: 'default page 1440x1000, n = 10, d = 8', n: 10, d: 8, budget: 5 },
  { id: 'lecture', label: 'lecture mode 1920x1080, n = 10, d = 8', n: 10, d: 8, budget: 6, hash: 'view=lecture', viewport: { width: 1920, height: 1080 } },
  { id: 'n200', label: 'n = 200, d = 32', n: 200, d: 32, budget: null, seed: 200, optional: true },
  { id: 'n1000', label: 'n = 1,000, d = 64', n: 1000, d: 64, budget: 10, seed: 1000 },
  { id: 'n10000', label: 'n = 10,000, d = 64', n: 10000, d: 64, budget: 10, seed: 10000 },
  { id: 'all', label: 'all seven panels visible (viewport as tall as the page), n = 10, d = 8', n: 10, d: 8, budget: null, tall: true },
  // Issue 13: the page stays responsive while the train panel's Web Worker
  // trains (the worker does the work; the main thread only draws the curves).
  { id: 'train', label: 'default page while the train panel trains (worker running), n = 10, d = 8', n: 10, d: 8, budget: null, train: true },
];

/**
 * Starts the train panel's worker and waits until it has trained 25 batches;
 * then measures, with the panel on screen, the main
 * thread's frame intervals (requestAnimationFrame) and its busy share
 * (TaskDuration / wall), over `spanMs`. Leaves the worker running and the page scrolled to the top.
 */
async function trainRunning(page, cdp, spanMs = 3000) {
  // The panel mounts (and starts its worker) when it is first scrolled to.
  await page.evaluate(() => document.getElementById('train').scrollIntoView());
  await page.waitForFunction(() => window.dinTrain && window.dinTrain.probe().view !== null, null, { timeout: 60_000, polling: 50 });
  await page.evaluate(() => document.getElementById('train-run').click());
  await page.waitForFunction(() => window.dinTrain.probe().running && JSON.parse(window.dinTrain.probe().view).steps >= 25, null, { timeout: 60_000, polling: 50 });
  const a = await metrics(cdp);
  const frames = await page.evaluate((spanMs) => new Promise((resolve) => {
    const times = [];
    const steps0 = JSON.parse(window.dinTrain.probe().view).steps;
    const t0 = performance.now();
    const tick = (t) => {
      times.push(t);
      if (t - t0 < spanMs) requestAnimationFrame(tick);
      else resolve({ times, batches: JSON.parse(window.dinTrain.probe().view).steps - steps0, wall: performance.now() - t0 });
    };
    requestAnimationFrame(tick);
  }), spanMs);
  const b = await metrics(cdp);
  await page.evaluate(() => window.scrollTo(0, 0));
  const gaps = frames.times.slice(1).map((t, i) => t - frames.times[i]);
  return {
    frames: gaps.length,
    frameMedian: median(gaps),
    frameP95: quantile(gaps, 0.95),
    frameMax: Math.max(...gaps),
    busyShare: (b.TaskDuration - a.TaskDuration) / frames.wall,
    batchesPerSecond: frames.batches / (frames.wall / 1000),
  };
}

/** Applies a scene in the page and waits for its first complete draw. */
function applyScene(page, scene) {
  return page.evaluate(async ({ scene, genSrc }) => {
    const t0 = performance.now();
    if (scene.n === 10) {
      // The default page has n = 9, d = 8: add a tenth item, the mean of the
      // first two plus a small offset, and keep everything else as it is.
      const s = window.din.state();
      const items = s.items.map((it) => ({ label: it.label, vector: it.vector }));
      const a = items[0].vector;
      const b = items[1 % items.length].vector;
      items.push({ label: 'extra', vector: a.map((v, k) => (v + b[k]) / 2 + 0.05 * ((k % 3) - 1)) });
      window.din.setState({ items });
    } else {
      const gen = (0, eval)(`(${genSrc})`);
      const { query, keys } = gen(scene.seed, scene.n, scene.d, 6);
      const items = [];
      for (let i = 0; i < scene.n; i++) items.push({ label: `item ${i + 1}`, vector: Array.from(keys.subarray(i * scene.d, (i + 1) * scene.d)) });
      window.din.setState({ query: Array.from(query), items, similarity: 'dot', normalization: 'softmax', temperature: 1 });
    }
    await window.din.frame();
    const s = window.din.state();
    return { ms: performance.now() - t0, n: s.items.length, d: s.query.length, similarity: s.similarity, normalization: s.normalization };
  }, { scene, genSrc: GEN_SRC });
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'ThreadTime', 'TaskOtherDuration', 'DevToolsCommandDuration'];

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const o = {};
  for (const m of list) if (METRICS.includes(m.name)) o[m.name] = m.value * 1000; // s → ms
  return o;
}

async function updateScene(scene) {
  const result = { id: scene.id, label: scene.label, budget: scene.budget };
  let opened;
  try {
    opened = await openPage({ viewport: scene.viewport, hash: scene.hash });
  } catch (e) {
    return { ...result, error: `page did not load: ${e.message.split('\n')[0]}` };
  }
  const { context, page, errors } = opened;
  try {
    if (scene.tall) {
      // As tall as the page, so every panel is in the viewport; re-measured once the page has re-laid itself out.
      for (let i = 0; i < 3; i++) {
        const height = await page.evaluate(() => Math.ceil(document.documentElement.scrollHeight));
        if (height === page.viewportSize().height) break;
        await page.setViewportSize({ width: page.viewportSize().width, height });
        await page.evaluate(() => window.din.frame());
      }
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    result.viewport = page.viewportSize();
    let applied;
    try {
      applied = await within(applyScene(page, scene), APPLY_CAP_MS, 'applying the scene (setState + first frame)');
    } catch (e) {
      return { ...result, error: e.message.split('\n')[0] };
    }
    result.applyMs = applied.ms;
    if (applied.n !== scene.n || applied.d !== scene.d) return { ...result, error: `scene is n = ${applied.n}, d = ${applied.d} after setState` };
    result.scene = applied;

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (scene.train) {
      try {
        result.training = await within(trainRunning(page, cdp), SCENE_CAP_MS, 'starting the train worker');
      } catch (e) {
        return { ...result, error: e.message.split('\n')[0] };
      }
    }
    const edit = (i) => page.evaluate(async (delta) => {
      const r = document.querySelector('#query input[type=range]');
      r.value = String(r.valueAsNumber + delta);
      r.dispatchEvent(new Event('input', { bubbles: true }));
      await window.din.frame();
    }, i % 2 === 0 ? 0.01 : -0.01);
    const idle = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));

    // An edit must move q and change the result, or we would time nothing.
    const q0 = await page.evaluate(() => window.din.state().query[0]);
    await within(edit(0), SCENE_CAP_MS, 'the first edit');
    const q1 = await page.evaluate(() => window.din.state().query[0]);
    if (q1 === q0) return { ...result, error: `an input event on q1's slider left q1 at ${q0}` };

    const loop = async (step, count, until, samples) => {
      for (let i = 0; i < count && Date.now() < until; i++) {
        const tA = performance.now();
        const a = await metrics(cdp);
        const t0 = performance.now();
        await within(step(i + 1), Math.max(1000, until - Date.now() + 5000), 'one update');
        const wall = performance.now() - t0;
        const b = await metrics(cdp);
        const span = performance.now() - tA;
        if (samples) {
          samples.push({
            task: b.TaskDuration - a.TaskDuration, script: b.ScriptDuration - a.ScriptDuration,
            layout: b.LayoutDuration - a.LayoutDuration + b.RecalcStyleDuration - a.RecalcStyleDuration,
            thread: b.ThreadTime - a.ThreadTime, other: b.TaskOtherDuration - a.TaskOtherDuration, devtools: b.DevToolsCommandDuration - a.DevToolsCommandDuration,
            wall, span,
          });
        }
      }
    };
    const warm = [];
    await loop(edit, WARMUP_UPDATES, Date.now() + Math.min(15_000, SCENE_CAP_MS / 4), warm);
    const base = [];
    await loop(() => idle(), UPDATES, Date.now() + IDLE_CAP_MS, base);
    const samples = [];
    await loop(edit, UPDATES, Date.now() + SCENE_CAP_MS, samples);
    if (!samples.length) return { ...result, error: `no update finished within ${SCENE_CAP_MS / 1000} s (warm-up did ${warm.length})` };

    const baseline = median(base.map((s) => s.task));
    const per = samples.map((s) => s.task - baseline);
    Object.assign(result, {
      updates: samples.length,
      capped: samples.length < UPDATES,
      idleFrames: base.length,
      baselineMs: baseline,
      median: median(per),
      p95: quantile(per, 0.95),
      max: Math.max(...per),
      // Medians of the parts, each minus its idle-frame median: script (JS +
      // wasm), style + layout, other tasks (paint, compositor commit, GC),
      // main-thread CPU time, and the wall time of the whole measured span.
      breakdown: Object.fromEntries(['script', 'layout', 'other', 'thread', 'span'].map((k) => [k, median(samples.map((s) => s[k])) - median(base.map((s) => s[k]))])),
      pageErrors: errors.slice(0, 5),
    });
    await cdp.detach().catch(() => {});
    return result;
  } catch (e) {
    return { ...result, error: e.message.split('\n')[0] };
  } finally {
    await dispose(context);
  }
}

// ------------------------------------------------------------------ matplotlib peer

// The Python with matplotlib: BENCH_PYTHON, else the venv `make bench`
// installs matplotlib into (target/bench-venv), else python3.
const PEER_PYTHON = process.env.BENCH_PYTHON
  || (existsSync(path.join(ROOT, 'target', 'bench-venv', 'bin', 'python')) ? path.join(ROOT, 'target', 'bench-venv', 'bin', 'python') : 'python3');

/** Runs tests/bench/peer_matplotlib.py on the page's scenes (after the browser is closed, so they do not share the CPU). */
function peer() {
  const ids = SCENES.filter((sc) => !sc.optional && !sc.tall && !sc.train).map((sc) => sc.id).join(',');
  const out = execFileSync(PEER_PYTHON, [path.join(ROOT, 'tests', 'bench', 'peer_matplotlib.py'), '--scenes', ids, '--edits', process.env.BENCH_PEER_EDITS || '20'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20,
  });
  return { python: PEER_PYTHON, ...JSON.parse(out) };
}

// ------------------------------------------------------------------ report

function verdict(value, budget) {
  if (!Number.isFinite(value) || budget == null) return '';
  return value <= budget ? 'PASS' : 'MISS';
}

function buildRows(r) {
  const rows = [];
  const row = (measure, figure, budget = '', pass = '') => rows.push([measure, figure, budget, pass]);

  if (r.update) {
    for (const s of r.update) {
      const name = `update: ${s.label}`;
      if (s.error) row(name, `failed: ${s.error}`, s.budget ? `≤ ${s.budget} ms` : '', s.budget ? 'MISS' : '');
      else {
        const fig = `median ${ms(s.median)}, p95 ${ms(s.p95)} (${s.updates} updates${s.capped ? `, capped at ${SCENE_CAP_MS / 1000} s` : ''})`;
        row(name, fig, s.budget ? `≤ ${s.budget} ms (median)` : '', verdict(s.median, s.budget));
      }
      const t = s.training;
      if (t) {
        row('train panel on screen while the worker trains: frame interval', `median ${ms(t.frameMedian, 1)}, p95 ${ms(t.frameP95, 1)}, longest ${ms(t.frameMax, 1)} (${t.frames} frames)`);
        row('train panel on screen while the worker trains: main thread busy', `${(100 * t.busyShare).toFixed(1)} % of wall time; worker ${t.batchesPerSecond.toFixed(0)} batches/s`);
      }
    }
  }
  if (r.peer) {
    if (r.peer.error) row('peer: matplotlib (Agg) redrawing the three charts', `failed: ${r.peer.error}`);
    for (const p of r.peer.scenes ?? []) {
      const page = (r.update ?? []).find((u) => u.id === p.id);
      const ratio = page && Number.isFinite(page.median) ? page.median / p.median : NaN;
      row(`peer: matplotlib ${r.peer.matplotlib} Agg, ${p.label}`, `median ${ms(p.median, 1)} (${p.edits} edits, ${p.pixels.join('x')} px)`);
      row(`ratio page / peer: ${p.label}`, Number.isFinite(ratio) ? `${ratio.toFixed(3)} (page ${(1 / ratio).toFixed(0)}x faster)` : '—');
    }
  }
  if (r.compute) {
    const c = r.compute;
    const rounds = (x) => (x?.rounds > 1 ? `, median of ${x.rounds} rounds` : '');
    const f = (x) => (x?.error ? `failed: ${x.error}` : `median ${ms(x?.median, 3)} (min ${ms(x?.min, 3)}, ${x?.runs} runs${rounds(x)})`);
    row(`compute: attend, wasm in Chromium, n = ${int(c.n)}, d = ${c.d}`, f(c.chromium));
    row(`compute: attend_named, native --release${c.nativeFromFile ? ' (from target/bench-native.json, timed earlier)' : ''}`, f(c.native));
    const minRatio = c.chromium?.min / c.native?.min;
    const each = c.rounds?.length ? `; rounds ${c.rounds.map((x) => `${x.ratio.toFixed(2)}×`).join(', ')}, each native then wasm` : '';
    row('compute: wasm / native (median of the rounds\' ratios)', Number.isFinite(c.ratio) ? `${c.ratio.toFixed(2)}× (minima: ${minRatio.toFixed(2)}×${each})` : 'failed', '≤ 1.3×', Number.isFinite(c.ratio) ? verdict(c.ratio, 1.3) : 'MISS');
    row('compute: attend, wasm in Node (for reference)', c.node?.error ? `failed: ${c.node.error}` : `median ${ms(c.node?.median, 3)} (${Number.isFinite(c.ratioNode) ? c.ratioNode.toFixed(2) : '?'}× native)`);
  }
  if (r.payload) {
    const p = r.payload;
    const pr = (label, x) => row(`payload: ${label}`, `${kb(x.raw)} raw, ${kb(x.gzip)} gzip`);
    pr('wasm (pkg/din_viz_bg.wasm)', p.wasm);
    pr('JS (pkg/din_viz.js, pkg/page.js, www/app.js, www/train-worker.js)', p.js);
    pr('HTML (www/index.html)', p.html);
    pr('CSS (www/widget.css + style.css)', p.css);
    row('payload: everything, gzip (wasm + JS + HTML + CSS)', `${kb(p.total.gzip)} (raw ${kb(p.total.raw)})`, '≤ 298 KB (round 1)', verdict(p.total.gzip, 298 * KB));
    row('payload: dist/din-attention.html', p.dist ? `${kb(p.dist.raw)} raw, ${kb(p.dist.gzip)} gzip` : 'not built');
  }
  if (r.startup && r.startup.firstLoad) {
    const f = r.startup.firstLoad;
    row(`first load, gzip: what was downloaded before the first complete draw (${f.files.length} files)`, `${kb(f.gzip)} (raw ${kb(f.raw)})`, '≤ 200 KB', verdict(f.gzip, 200 * KB));
  }
  if (r.startup) {
    const s = r.startup;
    if (s.error) row('start-up: navigation → first complete draw', `failed: ${s.error}`, '≤ 250 ms', 'MISS');
    else row('start-up: navigation → first complete draw', `median ${ms(s.median, 0)} of ${s.loads.length} (${s.loads.map((l) => l.ready.toFixed(0)).join(', ')})`, '≤ 250 ms', verdict(s.median, 250));
  }
  if (r.memory) {
    const m = r.memory;
    if (m.error) row('memory: growth over 10,000 edits of q', `failed: ${m.error}`, '≤ 1 MB', 'MISS');
    else {
      row('memory: JS heap after GC, before → after', `${mb(m.before.jsHeap)} → ${mb(m.after.jsHeap)}`);
      row('memory: wasm linear memory, before → after', m.before.wasm == null ? 'not reachable' : `${mb(m.before.wasm)} → ${mb(m.after.wasm)}`);
      const total = m.growth.jsHeap + (m.growth.wasm ?? 0);
      row(`memory: growth over ${int(m.edits)} edits of q (JS heap + wasm)`, `${mb(total)} (JS ${mb(m.growth.jsHeap)}, wasm ${m.growth.wasm == null ? '?' : mb(m.growth.wasm)})`, '≤ 1 MB', verdict(total, MB));
    }
  }
  return rows;
}

function table(rows, header = ['measure', 'figure', 'budget', '']) {
  const all = [header, ...rows];
  const width = header.map((_, i) => Math.max(...all.map((r) => [...String(r[i])].length)));
  const pad = (s, w) => String(s) + ' '.repeat(w - [...String(s)].length);
  const line = (r) => `| ${r.map((c, i) => pad(c, width[i])).join(' | ')} |`;
  return [line(header), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function machine(browserVersion) {
  let cpu = '';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    cpu = m ? m[1].trim() : '';
  } catch { /* not Linux */ }
  return {
    nproc: Number(sh('nproc', [])) || os.cpus().length,
    cpu: cpu || os.cpus()[0]?.model || 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    chromium: browserVersion,
    chromiumBinary: `${CHROMIUM}: ${sh(CHROMIUM, ['--version']).split('\n').pop()}`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    commit: `${sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])}${sh('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : ''}`,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(2))),
  };
}

// ------------------------------------------------------------------ main

async function main() {
  for (const f of ['pkg/din_viz.js', 'pkg/din_viz_bg.wasm', 'www/index.html']) {
    if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run make build first`);
  }
  const started = performance.now();
  const results = {};
  const s = await startServer();
  origin = `http://127.0.0.1:${s.port}`;
  try {
    await launchBrowser();
    results.machine = machine(browser.version());
    const step = async (name, fn) => {
      if (!ONLY.has(name)) return;
      const t0 = performance.now();
      process.stderr.write(`bench: ${name} ...`);
      try {
        results[name] = await fn();
      } catch (e) {
        results[name] = { error: e.message.split('\n')[0] };
      }
      process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    };
    await step('payload', async () => payload());
    await step('compute', compute);
    await step('startup', startup);
    await step('memory', memory);
    if (ONLY.has('update')) {
      results.update = [];
      const pick = process.env.BENCH_SCENES ? new Set(process.env.BENCH_SCENES.split(',')) : null;
      for (const scene of SCENES.filter((sc) => (pick ? pick.has(sc.id) : !sc.optional))) {
        const t0 = performance.now();
        process.stderr.write(`bench: update, ${scene.label} ...`);
        results.update.push(await updateScene(scene));
        const last = results.update.at(-1);
        process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s${last.error ? ` (failed: ${last.error})` : ''}\n`);
      }
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    s.child.kill();
  }
  if (ONLY.has('peer')) {
    const t0 = performance.now();
    process.stderr.write(`bench: matplotlib peer (${PEER_PYTHON}) ...`);
    try {
      results.peer = peer();
    } catch (e) {
      const why = String(e.stderr || e.message).trim().split('\n').pop();
      results.peer = { error: `${PEER_PYTHON}: ${why} (make bench installs matplotlib into target/bench-venv)` };
    }
    process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  results.seconds = (performance.now() - started) / 1000;
  if (results.machine) results.machine.loadAverageAtEnd = os.loadavg().map((v) => Number(v.toFixed(2)));
  results.settings = {
    viewport: '1440x1000 (lecture 1920x1080; "all seven panels" as tall as the page)', devicePixelRatio: 2, updates: UPDATES, warmupUpdates: WARMUP_UPDATES, sceneCapSeconds: SCENE_CAP_MS / 1000,
    computeInputs: COMPUTE, startupLoads: STARTUP_LOADS, memoryEdits: MEMORY_EDITS, units: 'KB = 1000 B, MB = 10^6 B',
  };
  const rows = buildRows(results);
  results.table = rows;
  mkdirSync(path.dirname(OUT_JSON), { recursive: true });
  writeFileSync(OUT_JSON, `${JSON.stringify(results, null, 2)}\n`);

  const m = results.machine;
  console.log('');
  console.log(`din-viz bench — ${m.date}`);
  console.log(`machine: ${m.nproc} CPUs (nproc), ${m.cpu}, ${m.memory}; Chromium ${m.chromium} (headless, --disable-gpu); Node ${m.node}; commit ${m.commit}`);
  console.log(`load average (1, 5, 15 min) at start ${m.loadAverageAtStart.join(', ')}, at end ${m.loadAverageAtEnd.join(', ')}${Math.max(m.loadAverageAtStart[0], m.loadAverageAtEnd[0]) > 0.5 * m.nproc ? ' — other work was running: times are noisy' : ''}`);
  console.log(`page: 1440x1000 (lecture mode 1920x1080) at devicePixelRatio 2, scrolled to the top; update = input event on q1's slider → recompute → redraw → din.frame(); time = main-thread TaskDuration minus an idle frame's`);
  if (results.peer && !results.peer.error) console.log(`peer: tests/bench/peer_matplotlib.py, matplotlib ${results.peer.matplotlib} (Agg), numpy ${results.peer.numpy}, Python ${results.peer.python}: per edit, recompute alpha/pooled/mean, clear and redraw bars + 2-D map + heatmap, render the figure; same seeded vectors; wall time`);
  console.log('');
  console.log(table(rows));
  console.log('');
  const c = results.compute;
  if (c && !c.error) {
    console.log(`compute inputs: seeded clustered vectors (6 centroids + noise), identical in JS and Rust: ${c.chromium?.sameInputsAsNative ? 'yes (checksums agree)' : 'NOT CONFIRMED'}; Chromium timer ${c.chromium?.isolated ? 'cross-origin isolated' : 'not isolated'}, resolution ${Number.isFinite(c.chromium?.timerResolutionMs) ? (c.chromium.timerResolutionMs * 1000).toFixed(0) : '?'} µs`);
  }
  const st = results.startup;
  if (st && !st.error) console.log(`start-up (medians, ms after navigation start, each load in a fresh context with a cold cache): DOMContentLoaded ${ms(st.domContentLoaded, 0)}, wasm downloaded ${ms(st.wasmLoaded, 0)}, first complete draw ${ms(st.median, 0)}`);
  const mem = results.memory;
  if (mem && !mem.error) console.log(`memory: ${int(mem.edits)} slider edits of q1 after 100 warm-up edits, a frame drawn every 100 edits (${mem.framesDrawn} frames, ${mem.seconds.toFixed(1)} s); GC forced with ${mem.forcedGc}; JS heap from Runtime.getHeapUsage`);
  for (const u of results.update ?? []) {
    if (u.error) continue;
    const b = u.breakdown;
    console.log(`update ${u.label}: setState + first frame ${ms(u.applyMs, 0)}; per update (medians, idle frame subtracted): script ${ms(b.script, 1)}, style+layout ${ms(b.layout, 1)}, other main-thread work (paint, compositor commit of the canvases, GC) ${ms(b.other, 1)}; main-thread CPU ${ms(b.thread, 1)}; idle frame TaskDuration ${ms(u.baselineMs)}`);
  }
  console.log(`units: KB = 1000 bytes, MB = 10^6 bytes. Budgets are checked on the median. Whole run ${results.seconds.toFixed(0)} s. Written: ${path.relative(ROOT, OUT_JSON)}`);
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e.message}`);
  process.exit(1);
});
