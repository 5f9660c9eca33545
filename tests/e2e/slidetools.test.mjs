// The slide-tool and notebook snippets of README that run here: a Marp
// deck built with the Marp CLI from npm (offline), the Jupyter srcdoc
// snippet (one-file build inlined into an iframe), and the one-file build
// inside <iframe sandbox="allow-scripts"> (opaque origin: nothing fetched).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveAndLaunch, watchContext, isLocalOrFile, ROOT } from './harness.mjs';

let browser;
let root;
serveAndLaunch((s) => ({ browser, root } = s));

async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  await watchContext(context, problems, { allow: isLocalOrFile });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page, problems };
}

/**
 * The first frame of `page` that `pred` accepts: at once if it is there,
 * else when one navigates to a URL that passes (an event, not a poll).
 */
async function frameWhere(page, pred, timeout = 20_000) {
  const next = page.waitForEvent('framenavigated', { predicate: pred, timeout });
  const now = page.frames().find(pred);
  if (now) {
    next.catch(() => {});
    return now;
  }
  return next;
}

const drawn = (frame, id) => frame.evaluate((id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 16) if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 60) n++;
  return n;
}, id);

const frameReady = (f) => f.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });

test('Marp: the CLI from npm builds the example deck offline; its iframe and element run', async () => {
  // build.mjs runs the Marp CLI offline and adds the page's Content-Security-Policy.
  const out = path.join(ROOT, 'www/examples/marp/deck.html');
  const r = spawnSync(process.execPath, ['www/examples/marp/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `marp failed: ${r.stderr}`);
  assert.ok(existsSync(out));
  // Marp's viewer shows one slide at a time: open the slide with the iframe.
  const { context, page, problems } = await open(`${root}www/examples/marp/deck.html#2`);
  const frame = await frameWhere(page, (x) => /index\.html#.*candidate=cars/.test(x.url()));
  assert.ok(frame, 'the iframe survived Marp (--html)');
  await frameReady(frame);
  assert.equal(await frame.evaluate(() => window.din.state().candidate), 'cars');
  await frame.waitForFunction(() => document.getElementById('bars').width > 100);
  await frame.evaluate(() => window.din.frame());
  assert.ok(await drawn(frame, 'bars') > 100, 'the widget in the Marp deck drew its bars');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('din-attention[data-ready]'), null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => document.querySelector('din-attention').state.candidate), 'makeup');
  await context.close();
  assert.deepEqual(problems, []);
});

test('Jupyter: the srcdoc snippet shows the one-file build at the given state, offline', async () => {
  const html = path.join(ROOT, 'dist/din-attention.html');
  assert.ok(existsSync(html), 'make dist ran');
  const out = path.join(ROOT, 'dist/jupyter-srcdoc.html');
  const r = spawnSync('python3', ['www/examples/jupyter/srcdoc_demo.py', html, out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { context, page, problems } = await open(pathToFileURL(out).href);
  await page.waitForFunction(() => document.querySelector('iframe').contentDocument?.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const s = await frame.evaluate(() => window.din.state());
  assert.deepEqual([s.scene, s.candidate, s.embed, s.panels], ['why-din-works', 'news', true, ['bars', 'map']]);
  assert.ok(await drawn(frame, 'map') > 100, 'the map is drawn inside the notebook cell');
  await context.close();
  assert.deepEqual(problems, []);
});

test('the one-file build works inside <iframe sandbox="allow-scripts"> (opaque origin)', async () => {
  const file = path.join(ROOT, 'dist/sandbox-check.html');
  writeFileSync(file, '<!doctype html><meta charset="utf-8"><title>sandbox</title>\n'
    + '<iframe sandbox="allow-scripts" src="din-attention.html#scene=interest-intensity&candidate=tshirt&embed=1&panels=bars" width="900" height="420"></iframe>');
  const { context, page, problems } = await open(pathToFileURL(file).href);
  const frame = await frameWhere(page, (x) => x !== page.mainFrame());
  await frameReady(frame);
  assert.equal(await frame.evaluate(() => window.din.state().candidate), 'tshirt');
  assert.ok(await drawn(frame, 'bars') > 100);
  // Edits still work (the URL cannot be written in an opaque origin, and that is fine).
  await frame.evaluate(() => window.din.setState({ temperature: 0.5 }));
  assert.equal(await frame.evaluate(() => window.din.state().temperature), 0.5);
  await context.close();
  assert.deepEqual(problems, []);
});
