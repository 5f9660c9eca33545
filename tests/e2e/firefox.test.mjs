// The page in Firefox (Debian's firefox-esr, driven through geckodriver's
// WebDriver HTTP API): it starts, draws every panel, and recomputes on an
// edit. The Chromium suites cover interaction in depth; this one guards
// against engine-specific breakage (text measurement, canvas, modules).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { startServer, startGeckodriver, webdriverReady } from './harness.mjs';

const GECKODRIVER = process.env.GECKODRIVER
  || (spawnSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).stdout.trim() || `${homedir()}/.cargo/bin/geckodriver`);

let server;
let driver;
let base;
let wd;

async function call(method, path, body) {
  const res = await fetch(wd + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (json.value && json.value.error) throw new Error(`${json.value.error}: ${json.value.message}`);
  return json.value;
}

before(async () => {
  const s = await startServer();
  server = s.child;
  base = `http://127.0.0.1:${s.port}/www/`;
  ({ driver, wd } = await startGeckodriver(GECKODRIVER));
});

after(() => {
  if (driver) driver.kill();
  if (server) server.kill();
});

test('Firefox: the page starts, draws every panel and recomputes on an edit', async () => {
  const session = await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'moz:firefoxOptions': { args: ['-headless', '--width=1440', '--height=1000'], prefs: { 'network.proxy.type': 0 } } } },
  });
  const id = session.sessionId;
  const js = (script) => call('POST', `/session/${id}/execute/sync`, { script, args: [] });
  try {
    await call('POST', `/session/${id}/url`, { url: `${base}#scene=why-din-works&candidate=food` });
    assert.equal(await webdriverReady(call, id), 'true', 'the page became ready');
    const panels = JSON.parse(await js(`return JSON.stringify(['bars','map','heatmap','steps','qkv','towers','unit'].map((id) => {
      const c = document.getElementById(id);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 16) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
      return [id, c.width, c.height, ink];
    }))`));
    for (const [pid, w, h, ink] of panels) {
      assert.ok(w > 100 && h > 100, `${pid} is sized: ${w}x${h}`);
      assert.ok(ink > 500, `${pid} is drawn: ${ink} non-white samples`);
    }
    assert.equal(await js('return document.getElementById("fatal").hidden'), true, 'no internal error');
    assert.equal(await js('return document.getElementById("message").textContent'), '');
    const alpha = await js('return window.din.result().alpha');
    assert.equal(alpha.length, 9);
    assert.ok(Math.min(...alpha.slice(0, 3)) > Math.max(...alpha.slice(3)), 'food items get the most weight');
    const after = await js(`window.din.setState({ query: [0, 0, 1, 1, 0, 0, 0, 0.3] }); return window.din.result().alpha`);
    assert.ok(Math.min(...after.slice(3, 6)) > Math.max(...after.slice(0, 3), ...after.slice(6)), 'a make-up q moves the weight to make-up');
    // (instanceof is not used: WebDriver runs the script behind a wrapper of
    // the page's objects, where the page's Error is another constructor.)
    const refused = await js('try { window.din.setState({ temperature: -1 }); return "applied"; } catch (e) { return Object.prototype.toString.call(e) + " " + e.code + " " + e.message; }');
    assert.match(refused, /^\[object Error\] E_INVALID .*temperature/);
  } finally {
    await call('DELETE', `/session/${id}`).catch(() => {});
  }
});
