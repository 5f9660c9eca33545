// The page's <link rel="modulepreload"> list (www/index.html) is exactly the
// module graph the first draw needs: app.js, what it imports statically,
// the two modules it imports at start (widget.js, storage.js) and,
// recursively, their static imports. Chromium fetches a preloaded module at
// once, but one left off the list only when the graph walk reaches it: a
// start-up profile found visibility.js (missing here) requested 140 ms after
// the others, holding back the whole graph's evaluation. A module loaded only
// on first use (train.js) must not be preloaded: that is bytes before the
// first draw that it does not need.
//
// Run: node --test tests/node/preload.test.mjs (part of `make test-node`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = join(dirname(fileURLToPath(import.meta.url)), '../../www');
/** What app.js imports at start, before the first draw (its other dynamic imports wait for use). */
const START_IMPORTS = ['widget.js', 'storage.js'];

/** Paths (relative to www/) of a module's static imports. */
function staticImports(rel) {
  const src = readFileSync(join(WWW, rel), 'utf8');
  const out = [];
  for (const m of src.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    out.push(normalize(join(dirname(rel), m[1])));
  }
  return out;
}

function graph(roots) {
  const seen = new Set();
  const walk = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    // The wasm-bindgen glue (pkg/) is generated; it imports nothing of www/.
    if (rel.startsWith('../')) return;
    for (const dep of staticImports(rel)) walk(dep);
  };
  for (const r of roots) walk(r);
  return seen;
}

test('index.html preloads every module of the first draw and no other', () => {
  const html = readFileSync(join(WWW, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => normalize(m[1])));
  const app = readFileSync(join(WWW, 'app.js'), 'utf8');
  for (const m of START_IMPORTS) assert.ok(app.includes(`import('./${m}')`), `app.js no longer imports ${m} at start; update START_IMPORTS`);
  const needed = graph(['app.js', ...START_IMPORTS]);
  const missing = [...needed].filter((m) => !preloaded.has(m)).sort();
  const extra = [...preloaded].filter((m) => !needed.has(m)).sort();
  assert.deepEqual(missing, [], `modules the first draw imports but index.html does not preload: ${missing.join(', ')}`);
  assert.deepEqual(extra, [], `modules index.html preloads that the first draw does not import: ${extra.join(', ')}`);
  assert.ok(!preloaded.has('train.js'), 'train.js is loaded on first use');
  assert.match(html, /<link rel="preload" href="\.\.\/pkg\/din_viz_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/, 'the wasm is preloaded');
});
