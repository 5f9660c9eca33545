// The offline builds of `make dist`, opened from file:// with every network
// request blocked: the one-file page draws every panel and keeps URL state,
// the one-script element works, the offline reveal deck runs — in headless
// Chromium (Playwright) and, for the one-file page, headless Firefox
// (geckodriver's WebDriver API, with a proxy that refuses everything).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { launchBrowser, watchContext, startGeckodriver, webdriverReady, ROOT } from './harness.mjs';

const DIST = path.join(ROOT, 'dist');
const HTML = path.join(DIST, 'din-attention.html');
const PANELS = ['bars', 'map', 'heatmap', 'steps', 'qkv', 'towers', 'unit'];
let browser;

before(async () => {
  assert.ok(existsSync(HTML), 'dist/din-attention.html exists (run make dist)');
  browser = await launchBrowser();
});

after(async () => { if (browser) await browser.close().catch(() => {}); });

/** Inline data and object URLs never leave the page; everything else but file:// is refused. */
const offlineOnly = (u) => u.startsWith('file://') || u.startsWith('blob:') || u.startsWith('data:');

/** A context in which every request but file:// is refused and recorded (CSP violations too). */
async function offline() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  await watchContext(context, problems, { allow: offlineOnly });
  const page = await context.newPage();
  return { context, page, requests, problems };
}

const PAINTED = `(ids) => ids.map((id) => {
  const root = document.querySelector('din-attention')?.shadowRoot || document;
  const c = root.querySelector('#' + id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 16) if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 60) ink++;
  return [id, c.width, c.height, ink];
})`;

test('the one-file page is under 430 KiB and works from file:// with the network blocked (Chromium)', async () => {
  const size = statSync(HTML).size;
  assert.ok(size <= 430 * 1024, `dist/din-attention.html is ${size} bytes`);
  const { context, page, requests, problems } = await offline();
  const url = `${pathToFileURL(HTML).href}#scene=interest-intensity&candidate=phone&step=2&lang=zh`;
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  const s = await page.evaluate(() => window.din.state());
  assert.equal(s.scene, 'interest-intensity');
  assert.equal(s.candidate, 'phone');
  assert.equal(s.step, 2);
  assert.equal(s.lang, 'zh');
  for (const [id, w, h, ink] of await page.evaluate(`(${PAINTED})(${JSON.stringify(PANELS)})`)) {
    assert.ok(w > 100 && h > 100 && ink > 300, `${id} drawn from file:// (${w}x${h}, ${ink} ink samples)`);
  }
  // An edit reaches the URL, and reloading that URL restores it.
  await page.evaluate(() => window.din.setState({ temperature: 0.4, theme: 'contrast' }));
  // The URL is written 120 ms after the edit settles (later if a redraw is slow).
  await page.waitForFunction(() => /temperature=\.4/.test(location.href), null, { timeout: 5000 }).catch(() => {});
  const link = await page.evaluate(() => location.href);
  assert.match(link, /temperature=\.4/);
  await page.goto('about:blank');
  await page.goto(link);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const again = await page.evaluate(() => window.din.state());
  assert.equal(again.temperature, 0.4);
  assert.equal(again.theme, 'contrast');
  assert.deepEqual(requests.filter((u) => !offlineOnly(u)), [], 'no request left the file');
  await context.close();
  assert.deepEqual(problems, []);
});

test('the one-file page offers no train tab in lecture mode (it has no train worker); a link naming it shows the steps tab', async () => {
  const { context, page, problems } = await offline();
  await page.goto(`${pathToFileURL(HTML).href}#view=lecture&tab=train`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  await page.evaluate(() => window.din.frame());
  assert.equal(await page.evaluate(() => document.getElementById('train')), null, 'no train panel in the file');
  const tabs = await page.locator('#lecture-tabs button').evaluateAll((bs) => bs.map((b) => b.dataset.tab));
  assert.deepEqual(tabs, ['steps', 'qkv', 'towers', 'unit', 'heatmap'], 'the lecture tabs without train');
  assert.equal(await page.locator('#lecture-tabs button[aria-pressed=true]').getAttribute('data-tab'), 'steps');
  assert.equal(await page.evaluate(() => document.querySelector('[data-panel=steps]').hidden), false, 'the steps tab shows');
  assert.equal(await page.evaluate(() => window.din.state().tab), 'train', 'the link\'s tab is kept in the state');
  await context.close();
  assert.deepEqual(problems, []);
});

test('dist/din-attention.js defines the element from one classic script, offline', async () => {
  const file = path.join(DIST, 'element-check.html');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><title>check</title>
<script src="din-attention.js"></script>
<din-attention id="a" scene="why-din-works" candidate="cars" panels="bars,map" style="height:400px"></din-attention>
<din-attention id="b" scene="interest-intensity" panels="heatmap" style="height:300px"></din-attention>`);
  const { context, page, problems } = await offline();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length === 2, null, { timeout: 20_000 });
  const a = await page.evaluate(() => document.getElementById('a').state);
  const b = await page.evaluate(() => document.getElementById('b').state);
  assert.equal(a.candidate, 'cars');
  assert.equal(b.scene, 'interest-intensity');
  const ink = await page.evaluate(`(${PAINTED})(['bars', 'map'])`);
  for (const [id, , , n] of ink) assert.ok(n > 100, `${id} of the first element drawn`);
  await context.close();
  assert.deepEqual(problems, []);
});

test('the offline reveal.js deck runs from file:// with both kinds of widget', async () => {
  const { context, page, problems } = await offline();
  await page.goto(pathToFileURL(path.join(DIST, 'reveal', 'index.html')).href);
  await page.waitForFunction(() => window.Reveal && window.Reveal.isReady(), null, { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll('din-attention[data-ready]').length >= 3, null, { timeout: 20_000 });
  const frame = page.frames().find((f) => /din-attention\.html#.*panels=heatmap/.test(f.url()));
  assert.ok(frame, 'the iframe loads the one-file page');
  // A hidden slide's frame draws once it is shown (no animation frames before).
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => window.Reveal.getIndices().h), 1);
  await frame.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  const drawn = await frame.evaluate(`(${PAINTED})(['heatmap'])`);
  assert.ok(drawn[0][3] > 300, 'the heatmap in the offline deck is drawn');
  await context.close();
  assert.deepEqual(problems, []);
});

const GECKODRIVER = process.env.GECKODRIVER
  || (spawnSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).stdout.trim() || `${homedir()}/.cargo/bin/geckodriver`);

test('the one-file page works from file:// in Firefox with every request refused', async () => {
  const { driver, wd } = await startGeckodriver(GECKODRIVER);
  const call = async (method, p, body) => {
    const res = await fetch(wd + p, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const json = await res.json();
    if (json.value && json.value.error) throw new Error(`${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  try {
    // A proxy on the discard port: any http(s) request fails.
    const prefs = { 'network.proxy.type': 1, 'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': 9, 'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': 9, 'network.proxy.no_proxies_on': '' };
    const session = await call('POST', '/session', { capabilities: { alwaysMatch: { 'moz:firefoxOptions': { args: ['-headless', '--width=1440', '--height=1000'], prefs } } } });
    const id = session.sessionId;
    const js = (script) => call('POST', `/session/${id}/execute/sync`, { script, args: [] });
    try {
      await call('POST', `/session/${id}/url`, { url: `${pathToFileURL(HTML).href}#scene=why-din-works&candidate=news&lang=en` });
      assert.equal(await webdriverReady(call, id), 'true', 'the one-file page became ready in Firefox');
      const panels = await js(`return (${PAINTED})(${JSON.stringify(PANELS)})`);
      for (const [pid, w, h, ink] of panels) assert.ok(w > 100 && h > 100 && ink > 300, `Firefox: ${pid} drawn (${w}x${h}, ${ink})`);
      assert.equal(await js('return window.din.state().candidate'), 'news');
      const resources = await js("return performance.getEntriesByType('resource').map((r) => r.name).filter((n) => !n.startsWith('file:') && !n.startsWith('blob:') && !n.startsWith('data:'))");
      assert.deepEqual(resources, [], 'no network resource in Firefox');
    } finally {
      await call('DELETE', `/session/${id}`).catch(() => {});
    }
  } finally {
    driver.kill();
  }
});
