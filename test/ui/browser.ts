/**
 * Helpers for the web UI's browser tests: Debian's Chromium driven by playwright-core with a
 * fresh profile, and a small front server that serves the built UI and forwards `/api/` to a
 * Kansoku process (used while the UI is not yet routed by the server itself).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { serveUI, UiFiles } from '../../src/http/ui/index.js';
import { PROJECT_ROOT } from '../support/paths.js';

/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The built UI. */
export const UI_DIST = path.join(PROJECT_ROOT, 'ui', 'dist');

/** A skip reason when the browser or the built UI is missing, or false when both are there. */
export const BROWSER_SKIP: string | false = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found: install it with \`apt-get install -y chromium\``
  : !existsSync(path.join(UI_DIST, 'index.html'))
    ? `${UI_DIST}/index.html not found: build the UI with \`npm run build\``
    : false;

/** A headless Chromium with its own temporary profile; `close()` removes the profile. */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'kansoku-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        context.close().then(
          () => true,
          () => false,
        ),
        new Promise<false>((r) => {
          timer = setTimeout(() => {
            r(false);
          }, 10_000);
        }),
      ]);
      clearTimeout(timer);
      // A browser that does not close in time is killed, so it cannot keep the test alive.
      if (!closed) await killProfileProcesses(profile);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a loopback server that answers UI paths from `UI_DIST` and forwards everything else
 * to `apiBase` (a Kansoku server). Resolves with its base URL and a close function.
 */
export async function startFrontServer(
  apiBase: string,
): Promise<{ base: string; close: () => Promise<void> }> {
  const files = new UiFiles(UI_DIST);
  const api = new URL(apiBase);
  const server = http.createServer((req, res) => {
    serveUI(req, res, files).then(
      (handled) => {
        if (handled) return;
        const up = http.request(
          {
            host: api.hostname,
            port: api.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', (e) => {
          res.writeHead(502, { 'Content-Type': 'text/plain' });
          res.end(`cannot reach kansoku: ${e.message}`);
        });
        req.pipe(up);
      },
      (e: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(e));
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}

/** A free loopback port (bound and released at once). */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Whether the server at `base` serves the UI itself (the route is wired). */
export async function servesUi(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/explore`);
    const text = await res.text();
    return res.ok && text.includes('<div id="root">');
  } catch {
    return false;
  }
}

/** Sends SIGKILL to the processes started with `--user-data-dir=<profile>` (ours alone). */
async function killProfileProcesses(profile: string): Promise<void> {
  const needle = `--user-data-dir=${profile}`;
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.split('\0').includes(needle)) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
