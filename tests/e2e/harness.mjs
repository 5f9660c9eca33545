// Shared set-up of the end-to-end suites: a static server for the
// repository root on a free port of 127.0.0.1, and Debian's Chromium
// driven by playwright-core. Not a test file itself.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts `python3 -m http.server` on a free port; resolves to {child, port}. */
export function startServer() {
  let log = '';
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const keep = (chunk) => { log = (log + chunk).slice(-4000); };
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`http.server did not report its port within 10 s:\n${log}`));
    }, 10_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      const m = /port (\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`http.server exited with code ${code}:\n${log}`));
    });
  });
}

/** Launches the system Chromium headless, with the network-quiet flags this machine needs. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/** Whether a request stays on this machine's server (or is inline data). */
export function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return u.hostname === '127.0.0.1';
}
