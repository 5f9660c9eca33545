// Where the time goes: the profiles behind README "Speed and size" (issue 15).
// `make bench` says how long; this says why. Same server, browser and
// device pixel ratio as the bench (headless Chromium, --disable-gpu, dpr 2).
//
//   node tests/bench/profile.mjs startup   CPU profile of one page load per run (RUNS, default 3):
//                                          time to <html data-ready>, when each file arrived, and
//                                          the functions with the most self and inclusive time
//                                          of the last run
//   node tests/bench/profile.mjs update    a trace of EDITS (default 40) edits of q1 with its slider,
//                                          each until din.frame(): main-thread time per edit and its
//                                          self time by trace event (script, style, layout, paint,
//                                          the canvases' hand-over to the compositor), and other
//                                          threads' busy time
//   node tests/bench/profile.mjs timeline  a trace of one page load: the main thread's tasks in order until
//                                          <html data-ready> (when each started after navigation, how long
//                                          it ran, what it ran: script, compile, style, layout, paint), and
//                                          the time the main thread sat idle waiting (for files, the wasm)
//   node tests/bench/profile.mjs writes    the DOM mutations of 10 edits of q1, by element
//   node tests/bench/profile.mjs drawn     which charts each edit draws (App.renderOnly's list)
//   node tests/bench/profile.mjs cpu       a CPU profile of EDITS edits of q1: self and inclusive time
//                                          per edit by function; with N=10000 on a generated LastN of
//                                          N items at d = 64. Wasm functions have names only in a
//                                          profiling build (wasm-pack build --profiling into pkg/).
//
// Environment: VIEW (WxH, default 1440x1000; lecture mode wants 1920x1080),
// HASH (page hash, e.g. view=lecture), RUNS, EDITS, N, CHROMIUM.
// Run `make build` first. Needs nothing `make test` does not install.

import { startServer, launchBrowser } from '../e2e/harness.mjs';

const MODE = process.argv[2] || 'update';
const HASH = process.env.HASH || '';
const [W, H] = (process.env.VIEW || '1440x1000').split('x').map(Number);
const RUNS = Math.max(1, Number(process.env.RUNS) || 3);
const EDITS = Math.max(1, Number(process.env.EDITS) || 40);
const MODES = ['startup', 'timeline', 'update', 'writes', 'drawn', 'cpu'];
const N = Number(process.env.N) || 0;
if (!MODES.includes(MODE) || !(W > 0 && H > 0)) {
  console.error(`usage: node tests/bench/profile.mjs ${MODES.join('|')}  (VIEW=WxH HASH=… RUNS=… EDITS=…)`);
  process.exit(2);
}

const { child, port } = await startServer();
const browser = await launchBrowser();
const url = `http://127.0.0.1:${port}/www/${HASH ? `#${HASH}` : ''}`;
const contextOptions = { viewport: { width: W, height: H }, deviceScaleFactor: 2 };
const ms = (v) => v.toFixed(2).padStart(8);

/** A page opened and ready. */
async function open() {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' && typeof window.din === 'object');
  return { context, page };
}

/** `count` edits of q1 with its slider, each until its frame is drawn (as the bench edits). */
const slide = (page, count) => page.evaluate(async (count) => {
  const r = window.din.root.querySelector('#query input[type=range]');
  for (let i = 0; i < count; i++) {
    r.value = String(r.valueAsNumber + (i % 2 === 0 ? 0.01 : -0.01));
    r.dispatchEvent(new Event('input', { bubbles: true }));
    await window.din.frame();
  }
}, count);

const top = (map, k) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);

/**
 * A CPU profile's time by function (ms): `self` where a sample stopped,
 * `inclusive` for every function on its stack (once per sample). `label`
 * names a profile node's function.
 */
function timeByFunction(profile, label) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  profile.samples.forEach((id, i) => {
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const key = label(byId.get(id));
    self.set(key, (self.get(key) || 0) + d);
    const seen = new Set();
    for (let at = id; at; at = parent.get(at)) {
      const k = label(byId.get(at));
      if (!seen.has(k)) { seen.add(k); inclusive.set(k, (inclusive.get(k) || 0) + d); }
    }
  });
  return { self, inclusive };
}

async function startup() {
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext(contextOptions);
    await context.addInitScript(() => {
      new MutationObserver((_, mo) => {
        if (document.documentElement.dataset.ready !== 'true') return;
        mo.disconnect();
        window.readyAt = performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(url);
    await page.waitForFunction(() => window.readyAt > 0);
    const { profile } = await cdp.send('Profiler.stop');
    const t = await page.evaluate(() => ({
      ready: window.readyAt,
      files: performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.startTime, e.responseEnd]),
    }));
    console.log(`load ${run + 1}: first complete draw at ${t.ready.toFixed(0)} ms (the profiler slows it)`);
    if (run === RUNS - 1) {
      console.log('files (requested, arrived, ms after navigation):');
      for (const [f, a, b] of t.files) console.log(`  ${f.padEnd(28)} ${a.toFixed(0).padStart(5)} ${b.toFixed(0).padStart(5)}`);
      const { self, inclusive } = timeByFunction(profile, (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`);
      console.log('self time (ms):');
      for (const [k, v] of top(self, 25)) console.log(`${ms(v)}  ${k}`);
      console.log('inclusive time (ms):');
      for (const [k, v] of top(inclusive, 30)) console.log(`${ms(v)}  ${k}`);
    }
    await context.close();
  }
}

/** Events nested by time on one thread: each event's self time (its duration less its children's), by `key(e)`. */
function selfTimes(events, key) {
  const self = new Map();
  const stack = [];
  for (const e of events) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const up = stack[stack.length - 1];
    if (up) self.set(key(up), (self.get(key(up)) || 0) - e.dur);
    self.set(key(e), (self.get(key(e)) || 0) + e.dur);
    stack.push(e);
  }
  return self;
}

/** What a trace event did, named for a reader: the script's file, the function, or the event. */
function what(e) {
  const d = (e.args && e.args.data) || {};
  const file = (u) => (u ? String(u).split('/').pop() : '');
  if (e.name === 'EvaluateScript' || e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule') return `${e.name} ${file(d.url || (e.args && e.args.fileName))}`;
  if (e.name === 'FunctionCall') return `FunctionCall ${d.functionName || '(anonymous)'} ${file(d.url)}`;
  if (e.name === 'TimerFire' || e.name === 'FireAnimationFrame' || e.name === 'EventDispatch') return `${e.name} ${d.type || ''}`.trim();
  return e.name;
}

async function timeline() {
  const context = await browser.newContext(contextOptions);
  await context.addInitScript(() => {
    new MutationObserver((_, mo) => {
      if (document.documentElement.dataset.ready !== 'true') return;
      mo.disconnect();
      performance.mark('din-ready');
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'blink.user_timing', 'loading', 'v8', 'v8.execute', 'cc'] });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('din-ready').length > 0);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const threadName = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const onMain = (e) => threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain';
  const nav = events.filter((e) => e.name === 'navigationStart' && onMain(e)).map((e) => e.ts).sort((a, b) => b - a)[0];
  const ready = events.find((e) => e.name === 'din-ready' && onMain(e));
  if (nav == null || !ready) throw new Error('the trace has no navigationStart or din-ready mark');
  const at = (ts) => (ts - nav) / 1000;
  const main = events
    .filter((e) => e.ph === 'X' && e.dur != null && onMain(e) && e.ts >= nav && e.ts <= ready.ts)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const isTask = (e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
  const tasks = main.filter(isTask);
  console.log(`one load at ${W}x${H}${HASH ? ` #${HASH}` : ''}: <html data-ready> at ${at(ready.ts).toFixed(0)} ms after navigation (tracing slows it)`);
  console.log('main-thread tasks over 2 ms (start ms, duration ms, largest parts by self time):');
  let busy = 0;
  for (const t of tasks) {
    busy += t.dur / 1000;
    if (t.dur < 2000) continue;
    const inside = main.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e !== t);
    const parts = top(selfTimes(inside, what), 4).filter(([, v]) => v >= 500).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`);
    console.log(`${ms(at(t.ts))} ${ms(t.dur / 1000)}  ${parts.join('; ')}`);
  }
  const span = at(ready.ts);
  console.log(`main thread busy ${busy.toFixed(0)} ms of ${span.toFixed(0)} ms; idle (waiting for files, the wasm, a frame) ${(span - busy).toFixed(0)} ms`);
  console.log('main thread by part, self time (ms):');
  for (const [k, v] of top(selfTimes(main.filter((e) => !isTask(e)), what), 20)) console.log(`${ms(v / 1000)}  ${k}`);
  await context.close();
}

async function update() {
  const { context, page } = await open();
  await slide(page, 20);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8.execute'] });
  await slide(page, EDITS);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const threadName = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const complete = events.filter((e) => e.ph === 'X' && e.dur != null);
  const isTask = (e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
  const main = complete.filter((e) => threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const busy = main.filter(isTask).reduce((s, e) => s + e.dur, 0) / 1000;
  console.log(`${EDITS} edits of q1 at ${W}x${H}${HASH ? ` #${HASH}` : ''}: main thread ${(busy / EDITS).toFixed(2)} ms per edit (tracing adds to it)`);
  // Self time: each event's duration less its children's (events nest by time on one thread).
  const self = new Map();
  const stack = [];
  for (const e of main) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const up = stack[stack.length - 1];
    if (up) self.set(up.name, (self.get(up.name) || 0) - e.dur);
    self.set(e.name, (self.get(e.name) || 0) + e.dur);
    stack.push(e);
  }
  console.log('main thread, self time per edit (ms):');
  for (const [k, v] of top(self, 20)) console.log(`${ms(v / 1000 / EDITS)}  ${k}`);
  const threads = new Map();
  for (const e of complete.filter(isTask)) {
    const k = threadName.get(`${e.pid}:${e.tid}`) || '?';
    threads.set(k, (threads.get(k) || 0) + e.dur);
  }
  console.log('busy time per edit by thread (ms):');
  for (const [k, v] of top(threads, 6)) console.log(`${ms(v / 1000 / EDITS)}  ${k}`);
  await context.close();
}

async function writes() {
  const { context, page } = await open();
  await slide(page, 2);
  await page.evaluate(() => {
    const found = {};
    const name = (n) => {
      const el = n.nodeType === 1 ? n : n.parentElement;
      if (!el) return '?';
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : ''}`;
    };
    const count = (records) => {
      for (const m of records) {
        const k = `${m.type.padEnd(13)} ${name(m.target)} ${m.attributeName || ''}`;
        found[k] = (found[k] || 0) + 1;
      }
    };
    const mo = new MutationObserver(count);
    mo.observe(document, { subtree: true, attributes: true, childList: true, characterData: true });
    window.profileWrites = () => { count(mo.takeRecords()); mo.disconnect(); return found; };
  });
  await slide(page, 10);
  const counts = await page.evaluate(async () => { await window.din.settled(); return window.profileWrites(); });
  console.log('DOM mutations over 10 edits of q1 (count, kind, element, attribute):');
  for (const [k, v] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(`${String(v).padStart(5)}  ${k}`);
  await context.close();
}

async function drawn() {
  const { context, page } = await open();
  await page.evaluate(async () => {
    const { App } = await import('/pkg/din_viz.js');
    const calls = [];
    const own = App.prototype.renderOnly;
    App.prototype.renderOnly = function (scale, panels) { calls.push(panels); return own.call(this, scale, panels); };
    window.profileDrawn = () => { App.prototype.renderOnly = own; return calls; };
  });
  await slide(page, 3);
  const out = await page.evaluate(() => ({
    calls: window.profileDrawn(),
    charts: [...window.din.root.querySelectorAll('canvas')].map((c) => {
      const b = c.getBoundingClientRect();
      return `${c.id.padEnd(16)} CSS y ${Math.round(b.top)}..${Math.round(b.bottom)}, ${c.width}x${c.height} px${c.hasAttribute('data-stale') ? ', stale' : ''}`;
    }),
    height: innerHeight,
  }));
  console.log(`each edit drew: ${[...new Set(out.calls)].join(' | ')}`);
  console.log(`charts (viewport height ${out.height}):`);
  for (const c of out.charts) console.log(`  ${c}`);
  await context.close();
}

async function cpu() {
  const { context, page } = await open();
  if (N > 0) {
    // A generated LastN, as a reader makes one with the page's generate row.
    await page.fill('#gen-n', String(N));
    await page.fill('#gen-d', '64');
    await page.click('#generate');
    await page.waitForFunction((n) => window.din.state().items.length === n, N);
    await page.evaluate(() => window.din.frame());
  }
  await slide(page, 20);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await slide(page, EDITS);
  const { profile } = await cdp.send('Profiler.stop');
  const { self, inclusive } = timeByFunction(profile, (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}`.slice(0, 140));
  const busy = (m) => new Map([...m].filter(([k]) => !/^\((idle|program|root)\)/.test(k)));
  console.log(`${EDITS} edits of q1 at ${W}x${H}${HASH ? ` #${HASH}` : ''}${N ? `, n = ${N}, d = 64` : ''}`);
  console.log('self time per edit (ms):');
  for (const [k, v] of top(busy(self), 30)) console.log(`${ms(v / EDITS)}  ${k}`);
  console.log('inclusive time per edit (ms):');
  for (const [k, v] of top(busy(inclusive), 40)) console.log(`${ms(v / EDITS)}  ${k}`);
  await context.close();
}

try {
  await { startup, timeline, update, writes, drawn, cpu }[MODE]();
} finally {
  await browser.close();
  child.kill();
}
