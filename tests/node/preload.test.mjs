// The page's <link rel="modulepreload"> list (www/index.html) is exactly the
// scripts the first draw needs: app.js, the page's bundle it imports at
// start (../pkg/page.js, which `make build` makes from www/page.js) and the
// wasm glue the bundle imports. Chromium fetches a preloaded module at once,
// but one left off the list only when the graph walk reaches it (a start-up
// profile once found a missing module requested 140 ms after the others,
// holding back the whole graph).
//
// The bundle must hold every module page.js reaches and nothing else of
// www/: a module left out would be fetched on its own after the bundle ran.
//
// Run: node --test tests/node/preload.test.mjs (part of `make test-node`,
// which runs after `make build`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WWW = join(ROOT, 'www');

/** Paths (relative to www/) of a module's static imports. */
function staticImports(rel) {
  const src = readFileSync(join(WWW, rel), 'utf8');
  const out = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    out.push(normalize(join(dirname(rel), m[1])));
  }
  return out;
}

/** Every module reachable from `roots` by static imports (the glue in pkg/ is not walked). */
function graph(roots) {
  const seen = new Set();
  const walk = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    if (rel.startsWith('../')) return;
    for (const dep of staticImports(rel)) walk(dep);
  };
  for (const r of roots) walk(r);
  return seen;
}

test('index.html preloads app.js, the page bundle and the glue, and no module of www/ besides app.js', () => {
  const html = readFileSync(join(WWW, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(preloaded, ['app.js', '../pkg/page.js', '../pkg/din_viz.js']);
  const app = readFileSync(join(WWW, 'app.js'), 'utf8');
  assert.match(app, /await import\('\.\.\/pkg\/page\.js'\)/, 'app.js imports the page bundle at start');
  assert.deepEqual([...app.matchAll(/import\(['"]([^'"]+)['"]\)/g)].map((m) => m[1]), ['../pkg/page.js'], 'app.js imports nothing else');
  assert.match(html, /<link rel="preload" href="\.\.\/pkg\/din_viz_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/, 'the wasm is preloaded');
  assert.match(html, /<script type="module" src="app\.js"><\/script>/);
});

test('the page bundle holds every module page.js reaches, and imports only the glue', { skip: !existsSync(join(ROOT, 'pkg/page.js.map')) && 'run make build first (pkg/page.js is missing)' }, () => {
  const map = JSON.parse(readFileSync(join(ROOT, 'pkg/page.js.map'), 'utf8'));
  const bundled = new Set(map.sources.map((s) => normalize(join('pkg', s)).replace(/^www\//, '')));
  // page.js itself only re-exports: it leaves no code (and no source) in the bundle.
  const needed = [...graph(['page.js'])].filter((m) => !m.startsWith('../') && m !== 'page.js');
  for (const m of ['widget.js', 'storage.js', 'train.js', 'visibility.js', 'wasm.js']) assert.ok(needed.includes(m), `page.js no longer reaches ${m}`);
  assert.deepEqual(needed.filter((m) => !bundled.has(m)).sort(), [], 'modules page.js reaches that pkg/page.js does not hold');
  assert.deepEqual([...bundled].filter((m) => !needed.includes(m)).sort(), [], 'modules pkg/page.js holds that page.js does not reach');
  const text = readFileSync(join(ROOT, 'pkg/page.js'), 'utf8');
  const imports = [...text.matchAll(/(?:^|[;\n])\s*import\s*(?:[^'"]*?from\s*)?['"]([^'"]+)['"]/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(imports)], ['../pkg/din_viz.js'], 'the bundle imports only the wasm glue');
  assert.doesNotMatch(text, /import\(/, 'the bundle loads nothing more on first use');
});
