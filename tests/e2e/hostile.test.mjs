// Hostile text through every input channel, and "nothing lost" on every
// kind of refused edit, in headless Chromium.
//
// Channels: the URL hash (item labels in `x=`, a scene name), the label
// fields of the LastN table, din.setState, JSON import, CSV/TSV import
// (pasted into the box, a paste event, a chosen file), the Embedding
// Projector pair, and the attributes of <din-attention>. Every label must
// be shown as the literal text it is — in the table, the unit menu, the
// text alternative and the exported SVG — and none may run: no dialog, no
// `window.__pwned` in any frame, no new <img>/<script>/<svg>/on* element
// anywhere in the document or the widget, no request for the `x` that an
// <img src=x> would fetch. A 201-character label is refused with a message.
// The CSV export writes formula-like labels with a leading apostrophe.
//
// "Nothing lost": each refused edit (a typed field, an import, setState, a
// hash, an element attribute) leaves the state, the URL and every other
// control exactly as they were, and marks the refused field.
//
// At the end the suite prints how many hostile inputs each channel got.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, watchContext } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 };
let browser;
let base;
serveAndLaunch((s) => ({ browser, base } = s));

// ------------------------------------------------------------ hostile text

/** `n` code points of CJK, emoji (with a skin tone), Hangul and combining marks. */
function mixed(n) {
  const parts = ['中', '文', '😀', 'e\u0301', '한', '👍🏽', 'a\u0308\u0323', 'ß', '注', '意', '🧪', 'o\u0336'];
  const cps = [];
  for (let k = 0; cps.length < n; k++) for (const c of parts[k % parts.length]) if (cps.length < n) cps.push(c);
  return cps.join('');
}
const LONG = mixed(200);
const TOO_LONG = mixed(201);
assert.equal([...LONG].length, 200);
assert.equal([...TOO_LONG].length, 201);

/** Labels that must be accepted and shown literally (none has `;`, which x= uses between items). */
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload=window.__pwned=3>',
  'javascript:window.__pwned=4',
  '<svg><script>window.__pwned=5</script></svg>',
  "{{constructor.constructor('window.__pwned=6')()}}",
  '\u202Egnp.exe\u202C and \u202Dltr\u202C \u2067rli\u2069 \u200Fmark',
  '👩\u200D👩\u200D👧\u200D👦 zero\u200Bwidth\u200Cnon\u200Djoin\u2060',
  LONG,
  '=HYPERLINK("x")',
  '+1+1',
  '-2+3',
  '@SUM(1)',
  '</text><script>window.__pwned=9</script>',
  '%3Cimg src=x onerror=window.__pwned=7%3E',
  ']]><!-- &lt &#60 &amp -->',
  "O'Reilly \"quoted\" \\back",
];

/** A distinct d = 8 vector for item i (3 decimals, so every number round-trips). */
const vec = (i) => Array.from({ length: 8 }, (_, k) => Number((Math.sin(i * 1.7 + k * 0.9) * 0.9).toFixed(3)));
const QUERY = [1, 0.8, 0, 0, 0, 0.1, 0, 0.3];

/** x= text of the URL format (labels percent-encoded). */
const xParam = (labels) => labels.map((l, i) => `${encodeURIComponent(l)}:${vec(i).join(',')}`).join(';');
/** CSV with a header; every label quoted (RFC 4180). */
const csvOf = (labels, sep = ',') => [['label', ...vec(0).map((_, k) => `x${k + 1}`)].join(sep),
  ...labels.map((l, i) => [`"${l.replace(/"/g, '""')}"`, ...vec(i)].join(sep))].join('\n');
const jsonOf = (labels) => JSON.stringify({ query: QUERY, items: labels.map((label, i) => ({ label, vector: vec(i) })) });

// ------------------------------------------------------------ per-channel counts

const COUNTS = new Map();
function tried(channel, { accepted = 0, refused = 0 } = {}) {
  const c = COUNTS.get(channel) || { accepted: 0, refused: 0 };
  c.accepted += accepted;
  c.refused += refused;
  COUNTS.set(channel, c);
}

after(async () => {
  if (COUNTS.size) {
    const rows = [...COUNTS].map(([ch, c]) => [ch, c.accepted + c.refused, c.accepted, c.refused]);
    const total = rows.reduce((a, r) => [a[0] + r[1], a[1] + r[2], a[2] + r[3]], [0, 0, 0]);
    const w = Math.max(...rows.map((r) => r[0].length), 7);
    const line = (cells) => `| ${cells[0].padEnd(w)} | ${String(cells[1]).padStart(5)} | ${String(cells[2]).padStart(8)} | ${String(cells[3]).padStart(7)} |`;
    console.log(['hostile inputs tried per channel:', line(['channel', 'tried', 'accepted', 'refused']),
      `|${'-'.repeat(w + 2)}|-------|----------|---------|`, ...rows.map(line), line(['total', ...total]),
      `labels checked in the bars SVG: ${svgExact} drawn whole, ${svgClipped} too wide for the label column (drawn as their literal start and "…")`].join('\n'));
  }
});

// ------------------------------------------------------------ watched pages

// Runs before the page's scripts: records every suspicious element or
// attribute added after parsing (in the document and in every shadow root),
// i.e. anything a label could have turned into markup.
const MONITOR = `(() => {
  const added = window.__added = [];
  const tags = new Set(['img', 'script', 'svg', 'iframe', 'frame', 'object', 'embed', 'math', 'foreignobject', 'base', 'meta', 'form', 'image', 'video', 'audio', 'source']);
  const bad = (el) => tags.has(el.localName.toLowerCase())
    || [...el.attributes].some((a) => /^on/i.test(a.name) || (/(href|src|action)$/i.test(a.name) && /^\\s*javascript:/i.test(a.value)));
  const scan = (node) => {
    if (node.nodeType !== 1 || document.readyState === 'loading') return;
    for (const el of [node, ...node.querySelectorAll('*')]) if (bad(el)) added.push(el.localName + ' ' + el.outerHTML.slice(0, 120));
  };
  const observe = (target) => new MutationObserver((list) => {
    for (const m of list) {
      if (m.type === 'childList') m.addedNodes.forEach(scan);
      else if (m.type === 'attributes' && m.target.nodeType === 1 && bad(m.target)) added.push('attribute ' + m.attributeName + ' on ' + m.target.localName);
    }
  }).observe(target, { childList: true, subtree: true, attributes: true });
  observe(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) { const r = attach.apply(this, args); observe(r); return r; };
})();`;

/**
 * A watched page (console errors, page errors, CSP violations, foreign
 * requests) that also fails on any dialog and on a request for the `x`
 * an <img src=x> would fetch.
 */
async function open(url, ready = 'page') {
  const context = await browser.newContext(DESKTOP);
  const problems = [];
  await watchContext(context, problems);
  await context.addInitScript({ content: MONITOR });
  context.on('page', (p) => {
    p.on('dialog', (d) => { problems.push(`dialog (${d.type()}): ${d.message()}`); d.dismiss().catch(() => {}); });
    p.on('request', (r) => { if (/\/x(\?|#|$)|__pwned/.test(r.url())) problems.push(`request made by a payload: ${r.url()}`); });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  if (ready === 'page') await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' && typeof window.din === 'object', null, { timeout: 15_000 });
  else await page.waitForFunction((n) => document.querySelectorAll('din-attention[data-ready]').length >= n, ready, { timeout: 15_000 });
  return { context, page, problems };
}

async function withPage(url, fn, ready = 'page') {
  const w = await open(url, ready);
  let failure = null;
  try {
    await fn(w.page, w);
    await assertClean(w);
  } catch (e) {
    failure = e;
  } finally {
    await w.context.close().catch(() => {});
  }
  if (failure) {
    if (w.problems.length) failure.message += `\n(page problems: ${w.problems.join(' | ')})`;
    throw failure;
  }
  assert.deepEqual(w.problems, [], 'no dialog, console error, page error, CSP violation or stray request');
}

/** Nothing ran: no __pwned in any frame, no suspicious element added anywhere, no dialog or error. */
async function assertClean({ page, problems }) {
  for (const f of page.frames()) {
    assert.equal(await f.evaluate(() => typeof window.__pwned), 'undefined', `window.__pwned is set in frame ${f.url()}`);
  }
  const added = await page.evaluate(() => window.__added);
  assert.deepEqual(added, [], 'no <img>, <script>, <svg> or on* handler appeared in the document or a widget');
  // The same, by a static scan of the document and every shadow root.
  const present = await page.evaluate(() => {
    const out = [];
    const walk = (rootNode) => {
      for (const el of rootNode.querySelectorAll('*')) {
        const tag = el.localName;
        if (['img', 'svg', 'iframe', 'object', 'embed', 'math'].includes(tag)) out.push(tag);
        if (tag === 'script' && !/^(app\.js|element\.js|\.\.\/\.\.\/din-attention\.js)$/.test(el.getAttribute('src') || '')) out.push(`script ${el.outerHTML.slice(0, 80)}`);
        for (const a of el.attributes) if (/^on/i.test(a.name)) out.push(`${tag} ${a.name}`);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return out;
  });
  assert.deepEqual(present, [], 'the document and the widgets hold no markup made from a label');
  assert.deepEqual(problems.filter((p) => /dialog|payload/.test(p)), []);
}

// ------------------------------------------------------------ what a widget shows

/** In the page: the labels a widget shows everywhere, its bars SVG and its CSV. */
function shownIn(hostSelector) {
  const host = hostSelector ? document.querySelector(hostSelector) : null;
  const rootNode = host ? host.shadowRoot : document;
  const api = host || window.din;
  const all = (sel) => [...rootNode.querySelectorAll(sel)];
  const svgText = api.exportSvg('bars');
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const els = [...doc.getElementsByTagName('*')];
  return {
    state: typeof api.state === 'function' ? api.state() : api.state,
    inputs: all('#items-body tr:not(.spacer) input.label').map((i) => i.value),
    options: all('#unit-item option').map((o) => o.textContent),
    alt: all('#alt-alpha tbody tr').map((tr) => tr.cells[1]?.textContent),
    scene: { value: rootNode.querySelector('#scene').value, options: all('#scene option').map((o) => o.textContent) },
    message: rootNode.querySelector('#message').textContent,
    kind: rootNode.querySelector('#message').dataset.kind || '',
    svg: {
      parsed: !doc.querySelector('parsererror') && doc.documentElement.localName === 'svg',
      elements: [...new Set(els.map((e) => e.localName))],
      onAttributes: els.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.localName} ${a.name}`)),
      links: els.flatMap((e) => [...e.attributes].filter((a) => /href$/i.test(a.name)).map((a) => a.value)),
      texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent.trim()),
    },
    csv: api.exportCsv(),
  };
}

/** RFC 4180 rows of a CSV text (quotes, doubled quotes, separators inside quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

let svgExact = 0;
let svgClipped = 0;

/**
 * Reads what the widget shows once every pending update is done (the text
 * alternative follows a burst of edits after it pauses) and checks every
 * label is literal.
 */
async function assertShown(page, labels, where, hostSelector = null) {
  await page.evaluate((sel) => (sel ? document.querySelector(sel) : window.din).settled(), hostSelector);
  const s = await page.evaluate(shownIn, hostSelector);
  assert.deepEqual(s.state.items.map((it) => it.label), labels, `${where}: the state holds the labels exactly`);
  assert.deepEqual(s.inputs, labels, `${where}: the LastN table's label fields show them literally`);
  assert.deepEqual(s.options, labels.map((l, i) => `x${i + 1} ${l}`), `${where}: the unit menu shows them literally`);
  assert.deepEqual(s.alt, labels, `${where}: the text alternative (#alt-alpha) shows them literally`);
  // The exported SVG: well-formed, nothing active, each label as the text of a <text>.
  assert.ok(s.svg.parsed, `${where}: the bars SVG parses`);
  assert.ok(!s.svg.elements.includes('script') && !s.svg.elements.includes('foreignObject'), `${where}: SVG elements ${s.svg.elements}`);
  assert.deepEqual(s.svg.onAttributes, [], `${where}: no on* attribute in the SVG`);
  assert.ok(s.svg.links.every((h) => !/^\s*javascript:/i.test(h)), `${where}: no javascript: link in the SVG`);
  labels.forEach((label, i) => {
    const prefix = `x${i + 1} `;
    const t = s.svg.texts.find((x) => x.startsWith(prefix));
    assert.ok(t !== undefined, `${where}: the bars SVG has a text for x${i + 1}`);
    if (t === prefix + label) svgExact++;
    else {
      assert.ok([...label].length > 12, `${where}: the short label x${i + 1} is drawn whole: ${JSON.stringify(t)} for ${JSON.stringify(label)}`);
      // Too wide for the label column: the chart draws the label's literal start and "…".
      const start = t.slice(prefix.length, -1);
      assert.ok(t.endsWith('…') && start.length >= 8 && label.startsWith(start),
        `${where}: x${i + 1} is drawn as ${JSON.stringify(t)}, neither ${JSON.stringify(label)} nor its start and "…"`);
      svgClipped++;
    }
  });
  // CSV export: every label literal, formula-like ones behind an apostrophe.
  const rows = parseCsv(s.csv).filter((r) => r[0] === 'item');
  assert.deepEqual(rows.map((r) => r[1]), labels.map((l) => (/^[=+\-@\t\r]/.test(l) ? `'${l}` : l)), `${where}: the CSV export guards formulas`);
  return s;
}

const items = (labels) => labels.map((label, i) => ({ label, vector: vec(i) }));

/** Waits for the widget's message to mention `pattern`; returns it. */
async function messageMatching(page, pattern, hostSelector = null) {
  await page.waitForFunction(([sel, src]) => {
    const r = sel ? document.querySelector(sel).shadowRoot : document;
    return new RegExp(src).test(r.querySelector('#message').textContent);
  }, [hostSelector, pattern.source], { timeout: 5000 }).catch(() => {});
  const m = await page.evaluate((sel) => (sel ? document.querySelector(sel).shadowRoot : document).querySelector('#message').textContent, hostSelector);
  assert.match(m, pattern);
  return m;
}

// ------------------------------------------------------------ channels

test('URL hash: hostile labels in x= and hostile scene names are shown literally, never run', async () => {
  const link = `${base}#scene=why-din-works&x=${xParam(PAYLOADS)}`;
  await withPage(link, async (page, w) => {
    await assertShown(page, PAYLOADS, 'x= on load');
    tried('URL hash', { accepted: PAYLOADS.length });
    // The page writes the link back; that link opens the same labels.
    await settle(page);
    const written = await page.evaluate(() => location.href);
    const again = await w.context.newPage();
    await again.goto(written);
    await again.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await assertShown(again, PAYLOADS, 'the link the page wrote');
    await again.close();
    // Each payload as a scene name (with x given), through hashchange.
    for (const name of PAYLOADS) {
      await page.evaluate((h) => { location.hash = h; }, `#scene=${encodeURIComponent(name)}&x=${xParam(['a', 'b'])}`);
      await page.waitForFunction((n) => window.din.state().scene === n, name);
      const s = await page.evaluate(shownIn, null);
      assert.equal(s.scene.value, name, 'the scene menu selects the name');
      assert.ok(s.scene.options.includes(name), 'the scene menu shows the name literally');
      tried('URL hash', { accepted: 1 });
    }
    // 201 characters: refused, with a message naming the count.
    const before = await page.evaluate(() => window.din.state());
    await page.evaluate((h) => { location.hash = h; }, `#scene=why-din-works&x=${xParam(['ok', TOO_LONG])}`);
    await messageMatching(page, /201/);
    assert.ok(!(await page.evaluate(() => window.din.state())).items.some((it) => it.label === TOO_LONG));
    await page.evaluate(() => { document.getElementById('message').textContent = ''; });
    await page.evaluate((h) => { location.hash = h; }, `#scene=${encodeURIComponent(TOO_LONG)}&x=${xParam(['a'])}`);
    await messageMatching(page, /201/);
    assert.notEqual((await page.evaluate(() => window.din.state())).scene, TOO_LONG);
    assert.ok(before.items.length > 0);
    tried('URL hash', { refused: 2 });
  });
});

test('LastN table: hostile labels typed into the label fields are shown literally', async () => {
  await withPage(base, async (page) => {
    const n0 = (await page.evaluate(() => window.din.state())).items.length;
    for (let k = n0; k < PAYLOADS.length; k++) await page.locator('#add-item').click();
    const labelField = (i) => page.locator('#items-body tr:not(.spacer)').nth(i).locator('input.label');
    for (const [i, p] of PAYLOADS.entries()) {
      if (i === 1) {
        // Typed key by key, as a person would.
        await labelField(i).fill('');
        await labelField(i).pressSequentially(p);
      } else {
        await labelField(i).fill(p);
      }
      await labelField(i).dispatchEvent('change');
      tried('LastN label field', { accepted: 1 });
    }
    await assertShown(page, PAYLOADS, 'typed labels');
    // 201 characters: the field is marked, the message names the limit, the label stays.
    await labelField(3).fill(TOO_LONG);
    assert.equal(await labelField(3).getAttribute('aria-invalid'), 'true');
    await messageMatching(page, /201.*200|200.*201/);
    assert.equal((await page.evaluate(() => window.din.state())).items[3].label, PAYLOADS[3]);
    tried('LastN label field', { refused: 1 });
    await labelField(3).fill(PAYLOADS[3]);
    assert.equal(await labelField(3).getAttribute('aria-invalid'), null);
  });
});

test('din.setState: hostile labels and scene names are kept literally; 201 characters throw', async () => {
  await withPage(base, async (page) => {
    await page.evaluate((its) => window.din.setState({ items: its }), items(PAYLOADS));
    await assertShown(page, PAYLOADS, 'setState items');
    tried('din.setState', { accepted: PAYLOADS.length });
    for (const name of PAYLOADS) {
      await page.evaluate((n) => window.din.setState({ scene: n }), name);
      const s = await page.evaluate(shownIn, null);
      assert.equal(s.state.scene, name);
      assert.ok(s.scene.options.includes(name));
      tried('din.setState', { accepted: 1 });
    }
    const before = await page.evaluate(() => window.din.state());
    const err = await page.evaluate((its) => {
      try { window.din.setState({ items: its }); return null; } catch (e) { return { code: e.code, message: e.message }; }
    }, items(['ok', TOO_LONG]));
    assert.ok(err, 'a 201-character label throws');
    assert.match(err.message, /201/);
    assert.deepEqual(await page.evaluate(() => window.din.state()), before, 'and changes nothing');
    tried('din.setState', { refused: 1 });
  });
});

test('JSON import (box and file): hostile labels are shown literally; 201 characters are refused', async () => {
  await withPage(base, async (page) => {
    await page.locator('#import-toggle').click();
    await page.locator('#import-text').fill(jsonOf(PAYLOADS));
    await page.locator('#import-go').click();
    await assertShown(page, PAYLOADS, 'JSON in the import box');
    tried('JSON import', { accepted: PAYLOADS.length });
    const reversed = [...PAYLOADS].reverse();
    await page.locator('#import-file').setInputFiles({ name: 'scene.json', mimeType: 'application/json', buffer: Buffer.from(jsonOf(reversed)) });
    await page.waitForFunction((l) => window.din.state().items[0].label === l, reversed[0]);
    await assertShown(page, reversed, 'JSON file');
    tried('JSON import', { accepted: reversed.length });
    const before = await page.evaluate(() => window.din.state());
    await page.locator('#import-text').fill(jsonOf(['ok', TOO_LONG]));
    await page.locator('#import-go').click();
    await messageMatching(page, /201/);
    assert.equal(await page.locator('#import-text').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await page.evaluate(() => window.din.state()), before);
    tried('JSON import', { refused: 1 });
  });
});

test('CSV/TSV import (box, paste event, file): hostile labels are shown literally; 201 characters are refused', async () => {
  await withPage(base, async (page) => {
    await page.locator('#import-toggle').click();
    await page.locator('#import-text').fill(csvOf(PAYLOADS));
    await page.locator('#import-go').click();
    await assertShown(page, PAYLOADS, 'CSV in the import box');
    tried('CSV/TSV import', { accepted: PAYLOADS.length });
    // A paste event on the widget (not in a field) imports the text too.
    const shifted = [...PAYLOADS.slice(5), ...PAYLOADS.slice(0, 5)];
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', text);
      document.getElementById('bars').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
    }, csvOf(shifted));
    await page.waitForFunction((l) => window.din.state().items[0].label === l, shifted[0]);
    await assertShown(page, shifted, 'CSV pasted on the widget');
    tried('CSV/TSV import', { accepted: shifted.length });
    // TSV through the file chooser.
    const reversed = [...PAYLOADS].reverse();
    await page.locator('#import-file').setInputFiles({ name: 'items.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(csvOf(reversed, '\t')) });
    await page.waitForFunction((l) => window.din.state().items[0].label === l, reversed[0]);
    await assertShown(page, reversed, 'TSV file');
    tried('CSV/TSV import', { accepted: reversed.length });
    const before = await page.evaluate(() => window.din.state());
    await page.locator('#import-text').fill(csvOf(['ok', TOO_LONG]));
    await page.locator('#import-go').click();
    await messageMatching(page, /201/);
    assert.equal(await page.locator('#import-text').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await page.evaluate(() => window.din.state()), before);
    // A fresh message line, so that the refusal read below is this file's.
    await page.evaluate(() => window.din.say(''));
    await page.locator('#import-file').setInputFiles({ name: 'long.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf([TOO_LONG])) });
    await messageMatching(page, /201/);
    assert.deepEqual(await page.evaluate(() => window.din.state()), before);
    tried('CSV/TSV import', { refused: 2 });
  });
});

test('Embedding Projector pair: hostile metadata labels are shown literally; 201 characters are refused', async () => {
  await withPage(base, async (page) => {
    const vectors = (n) => Array.from({ length: n }, (_, i) => vec(i).join('\t')).join('\n');
    const metadata = (labels) => labels.join('\n');
    await page.locator('#import-toggle').click();
    await page.locator('#import-file').setInputFiles([
      { name: 'vectors.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(vectors(PAYLOADS.length)) },
      { name: 'metadata.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(metadata(PAYLOADS)) },
    ]);
    await page.waitForFunction((l) => window.din.state().items[0].label === l, PAYLOADS[0]);
    await assertShown(page, PAYLOADS, 'projector files');
    tried('Projector pair', { accepted: PAYLOADS.length });
    // With a two-column metadata file (header row), through the API.
    const reversed = [...PAYLOADS].reverse();
    await page.evaluate(([v, m]) => window.din.importProjector(v, m), [vectors(reversed.length), `name\tkind\n${reversed.map((l) => `${l}\tk`).join('\n')}`]);
    await assertShown(page, reversed, 'din.importProjector');
    tried('Projector pair', { accepted: reversed.length });
    const before = await page.evaluate(() => window.din.state());
    await page.locator('#import-file').setInputFiles([
      { name: 'vectors.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(vectors(2)) },
      { name: 'metadata.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(metadata(['ok', TOO_LONG])) },
    ]);
    await messageMatching(page, /201/);
    assert.deepEqual(await page.evaluate(() => window.din.state()), before);
    tried('Projector pair', { refused: 1 });
  });
});

test('<din-attention>: hostile labels and scene names in attributes are shown literally', async () => {
  await withPage(`${base}examples/element/index.html`, async (page) => {
    // Attribute values are taken literally (no percent-decoding of the text).
    const attrX = (labels) => labels.map((l, i) => `${l}:${vec(i).join(',')}`).join(';');
    await page.evaluate((x) => document.getElementById('left').setAttribute('x', x), attrX(PAYLOADS));
    await page.waitForFunction((n) => document.getElementById('left').state.items.length === n, PAYLOADS.length);
    await assertShown(page, PAYLOADS, 'x attribute', '#left');
    tried('<din-attention> attributes', { accepted: PAYLOADS.length });
    for (const name of PAYLOADS) {
      await page.evaluate((n) => document.getElementById('left').setAttribute('scene', n), name);
      const s = await page.evaluate(shownIn, '#left');
      assert.equal(s.state.scene, name);
      assert.ok(s.scene.options.includes(name));
      tried('<din-attention> attributes', { accepted: 1 });
    }
    // A new element created with hostile attributes before it is connected.
    const reversed = [...PAYLOADS].reverse();
    await page.evaluate(([x, scene]) => {
      const el = document.createElement('din-attention');
      el.id = 'third';
      el.setAttribute('scene', scene);
      el.setAttribute('x', x);
      el.setAttribute('panels', 'bars,controls');
      el.style.height = '400px';
      document.body.append(el);
    }, [attrX(reversed), PAYLOADS[2]]);
    await page.waitForFunction(() => document.getElementById('third').hasAttribute('data-ready'));
    const s = await assertShown(page, reversed, 'attributes of a new element', '#third');
    assert.equal(s.state.scene, PAYLOADS[2]);
    tried('<din-attention> attributes', { accepted: reversed.length + 1 });
    // 201 characters: a message in that element, its state kept.
    const before = await page.evaluate(() => document.getElementById('left').state);
    await page.evaluate((x) => document.getElementById('left').setAttribute('x', x), attrX(['ok', TOO_LONG]));
    await messageMatching(page, /201/, '#left');
    assert.deepEqual(await page.evaluate(() => document.getElementById('left').state), before);
    tried('<din-attention> attributes', { refused: 1 });
  }, 2);
});

// ------------------------------------------------------------ nothing lost

/** In the page: state, URL, message and every control of a widget (by position). */
function snapshot([hostSelector, refused, nth]) {
  const host = hostSelector ? document.querySelector(hostSelector) : null;
  const rootNode = host ? host.shadowRoot : document;
  const shell = rootNode.querySelector('.din');
  const target = refused ? shell.querySelectorAll(refused)[nth || 0] : null;
  const fields = [...shell.querySelectorAll('input, select, textarea')].map((el, i) => ({
    i,
    what: el.id || el.getAttribute('aria-label') || el.name || el.className,
    value: el.type === 'checkbox' || el.type === 'radio' ? String(el.checked) : el.value,
    invalid: el.getAttribute('aria-invalid'),
    refused: el === target,
  }));
  return {
    state: host ? host.state : window.din.state(),
    href: location.href,
    fields,
    message: rootNode.querySelector('#message').textContent,
    kind: rootNode.querySelector('#message').dataset.kind || '',
    refusedInvalid: target ? target.getAttribute('aria-invalid') : null,
  };
}

/**
 * Checks a refused edit: the state and the URL are as before, every other
 * control holds its value, and (if a field took the edit) it is marked
 * aria-invalid with a message in #message.
 */
function assertNothingLost(before, afterSnap, what, { field = true } = {}) {
  assert.deepEqual(afterSnap.state, before.state, `${what}: the state is unchanged`);
  assert.equal(afterSnap.href, before.href, `${what}: the URL is unchanged`);
  const others = (s) => s.fields.filter((f) => !f.refused).map(({ i, what: w, value, invalid }) => ({ i, w, value, invalid }));
  assert.deepEqual(others(afterSnap), others(before), `${what}: every other control is unchanged`);
  if (field) assert.equal(afterSnap.refusedInvalid, 'true', `${what}: the refused field is marked aria-invalid`);
  assert.ok(afterSnap.message.length > 5, `${what}: a message explains (got "${afterSnap.message}")`);
  assert.equal(afterSnap.kind, 'error', `${what}: the message is an error`);
}

/** Waits until nothing is pending in the widget and the URL holds the state's link (conditions, never a pause). */
async function settle(page) {
  await page.evaluate(() => window.din && window.din.settled());
  await page.waitForFunction(() => !window.din || location.hash.slice(1) === (window.din.link() ?? ''));
}

/** Types `text` into the `nth` field matching `selector` (input events), optionally a change, then clicks `click`. */
async function refusedEdit(page, label, selector, nth, text, { change = false, click = null, field = true } = {}) {
  // The import box keeps its mark until the next import succeeds: start each case unmarked.
  if (selector === '#import-text') await page.locator(selector).evaluate((el) => el.removeAttribute('aria-invalid'));
  await settle(page);
  const before = await page.evaluate(snapshot, [null, selector, nth]);
  assert.equal(before.refusedInvalid, null, `${label}: the field starts valid`);
  const loc = page.locator(selector).nth(nth);
  await loc.fill(text);
  if (change) await loc.dispatchEvent('change');
  if (click) await page.locator(click).click();
  await settle(page);
  const afterSnap = await page.evaluate(snapshot, [null, selector, nth]);
  assertNothingLost(before, afterSnap, label, { field });
  tried('refused edits (nothing lost)', { refused: 1 });
  // Leaving the field (blur) puts the valid value back and clears the mark.
  await loc.evaluate((el) => el.blur());
  await page.evaluate(() => { const m = document.getElementById('message'); m.textContent = ''; delete m.dataset.kind; });
}

test('nothing lost: every refused field edit keeps the state, the URL and the other controls', async () => {
  await withPage(`${base}#temperature=0.5&q=1,.5,0,0,0,.1,0,.3`, async (page) => {
    await refusedEdit(page, 'q2 text "abc"', '#query input[type=text]', 1, 'abc');
    await refusedEdit(page, 'q1 text "1e999"', '#query input[type=text]', 0, '1e999');
    await refusedEdit(page, 'x2 component "NaN"', '#items-body tr:not(.spacer) input.num', 9, 'NaN');
    await refusedEdit(page, 'x1 component ""', '#items-body tr:not(.spacer) input.num', 0, '');
    await refusedEdit(page, 'x3 label of 201 characters', '#items-body tr:not(.spacer) input.label', 2, TOO_LONG);
    await refusedEdit(page, 'temperature "-1"', '#temperature-text', 0, '-1');
    await refusedEdit(page, 'temperature "0"', '#temperature-text', 0, '0');
    await refusedEdit(page, 'd "0"', '#dim', 0, '0', { change: true });
    await refusedEdit(page, 'd "abc"', '#dim', 0, 'abc', { change: true });
    await refusedEdit(page, 'd "9999"', '#dim', 0, '9999', { change: true });
    await refusedEdit(page, 'generate n = "abc"', '#gen-n', 0, 'abc', { click: '#generate' });
    await page.locator('#similarity').selectOption('authors');
    await refusedEdit(page, 'max length "abc"', '#maxlen', 0, 'abc', { change: true });
    await refusedEdit(page, 'max length "-1"', '#maxlen', 0, '-1', { change: true });
    // Imports: the box is the refused field.
    await page.locator('#import-toggle').click();
    await refusedEdit(page, 'CSV with a bad number', '#import-text', 0, 'label,a,b\nx,1,2\ny,1,zz\n', { click: '#import-go' });
    await refusedEdit(page, 'CSV with ragged rows', '#import-text', 0, 'a,1,2,3\nb,1,2\n', { click: '#import-go' });
    await refusedEdit(page, 'truncated JSON', '#import-text', 0, '{"query": [1, 2], "items": [', { click: '#import-go' });
    await refusedEdit(page, 'JSON with NaN', '#import-text', 0, '{"query": [1, "NaN"], "items": [{"label": "a", "vector": [1, 2]}]}', { click: '#import-go' });
    await refusedEdit(page, 'JSON with a 201-character label', '#import-text', 0, jsonOf(['ok', TOO_LONG]), { click: '#import-go' });
  });
});

test('nothing lost: a refused setState, a bad file and a bad hash keep the state, the URL and the controls', async () => {
  await withPage(`${base}#temperature=0.5&similarity=cosine&theme=dark`, async (page) => {
    await settle(page);
    // din.setState: throws with a code, changes nothing (no field, no message needed).
    const BAD = [
      { temperature: -1 }, { temperature: 'abc' }, { query: [1, 2] }, { query: [1, 0, 0, 0, 0, 0, 0, NaN] },
      { items: [{ label: 'a', vector: [1] }] }, { items: [{ label: TOO_LONG, vector: [1, 0, 0, 0, 0, 0, 0, 0] }] },
      { similarity: 'nope' }, { normalization: 'max' }, { step: 1.5 }, { step: -2 }, { panels: ['nope'] }, { theme: 'neon' },
      { font: 9 }, { lang: 'fr' }, { maxLen: -1 }, { items: 'x' }, { query: [1, 0, 0, 0, 0, 0, 0, 1e999] },
    ];
    for (const bad of BAD) {
      const before = await page.evaluate(snapshot, [null, null, 0]);
      const err = await page.evaluate((obj) => {
        // JSON cannot carry NaN or Infinity: rebuild them here.
        const fix = (v) => (v === null ? NaN : v);
        if (Array.isArray(obj.query)) obj.query = obj.query.map(fix);
        try { window.din.setState(obj); return null; } catch (e) { return { code: e.code || null, message: e.message }; }
      }, JSON.parse(JSON.stringify(bad)));
      assert.ok(err && err.message, `setState(${JSON.stringify(bad).slice(0, 60)}) throws`);
      assert.ok(err.code, `setState(${JSON.stringify(bad).slice(0, 60)}): the error has a code`);
      await settle(page);
      const afterSnap = await page.evaluate(snapshot, [null, null, 0]);
      assert.deepEqual(afterSnap.state, before.state, `setState(${JSON.stringify(bad).slice(0, 60)}) changed the state`);
      assert.equal(afterSnap.href, before.href);
      assert.deepEqual(afterSnap.fields, before.fields);
      tried('refused edits (nothing lost)', { refused: 1 });
    }
    // A bad file chosen for import: a message, nothing else changes.
    const before = await page.evaluate(snapshot, [null, null, 0]);
    await page.locator('#import-toggle').click();
    await page.locator('#import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,1,2\nb,1,x\n') });
    await messageMatching(page, /line 2/);
    await settle(page);
    const afterFile = await page.evaluate(snapshot, [null, null, 0]);
    assertNothingLost(before, afterFile, 'a bad CSV file', { field: false });
    tried('refused edits (nothing lost)', { refused: 1 });
    // A hash with a refused parameter (the link of this state plus one bad key): the
    // state stays, the page names the problem and writes the link back.
    const BAD_HASH = ['normalization=max', 'q=abc,0,0,0,0,0,0,0', 'step=-3', 'panels=foo', 'x=a:1,2;b:3', '%ZZ=1', 'font=9', 'activation=relu'];
    for (const extra of BAD_HASH) {
      await page.evaluate(() => { const m = document.getElementById('message'); m.textContent = ''; delete m.dataset.kind; });
      const snap0 = await page.evaluate(snapshot, [null, null, 0]);
      const hash = new URL(snap0.href).hash;
      assert.ok(!hash.includes(`&${extra.split('=')[0]}=`), `the link does not already carry ${extra}`);
      await page.evaluate((h) => { location.hash = h; }, `${hash}&${extra}`);
      await page.waitForFunction(() => document.getElementById('message').textContent !== '');
      await settle(page);
      const snap1 = await page.evaluate(snapshot, [null, null, 0]);
      assertNothingLost(snap0, snap1, `hashchange with ${extra}`, { field: false });
      tried('refused edits (nothing lost)', { refused: 1 });
    }
  });
});

test('nothing lost: an invalid attribute on <din-attention> keeps that element, the other one and the URL', async () => {
  await withPage(`${base}examples/element/index.html`, async (page) => {
    const BAD = [['temperature', '-3'], ['q', 'abc'], ['x', 'a:1,2;b:1'], ['similarity', 'nope'], ['step', '-1'],
      ['panels', 'foo'], ['font', '9'], ['theme', 'neon'], ['x', `${TOO_LONG}:1,0,0,0,0,0,0,0`], ['maxlen', '1.5']];
    for (const [name, value] of BAD) {
      await page.evaluate(() => {
        const m = document.getElementById('left').shadowRoot.querySelector('#message');
        m.textContent = '';
        delete m.dataset.kind;
      });
      await settle(page);
      const before = await page.evaluate(snapshot, ['#left', null, 0]);
      const right = await page.evaluate(() => document.getElementById('right').state);
      await page.evaluate(([n, v]) => document.getElementById('left').setAttribute(n, v), [name, value]);
      await settle(page);
      const afterSnap = await page.evaluate(snapshot, ['#left', null, 0]);
      assertNothingLost(before, afterSnap, `attribute ${name}="${value.slice(0, 20)}"`, { field: false });
      assert.deepEqual(await page.evaluate(() => document.getElementById('right').state), right, 'the other element is unchanged');
      tried('refused edits (nothing lost)', { refused: 1 });
    }
  }, 2);
});
