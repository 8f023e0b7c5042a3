/**
 * Serves the built web UI (`ui/dist`): hashed files under `/assets/` with year-long immutable
 * caching, other files from the build's root, and `index.html` for the client-side routes so a
 * shared link like `/explore?q=up` opens the right page. Paths that would leave the build
 * directory are refused. Files are read once and kept in memory (the build does not change
 * while the server runs), gzip-compressed for clients that accept it.
 */
import { readFile, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { contentTypeFor, isCompressible } from './mime.js';
import { notBuiltPage } from './not-built.js';

const gzipAsync = promisify(gzip);

/**
 * The UI's client-side routes, which all answer with `index.html`. Keep in step with
 * `ui/src/route.ts`.
 */
export const UI_ROUTES: readonly string[] = [
  '/',
  '/explore',
  '/browse',
  '/targets',
  '/status',
  '/dashboards',
  '/alerts',
  '/admin',
  '/login',
  '/setup',
];

/** Prefixes of client-side routes with sub-paths (`/dashboards/d/<uid>`, `/public/<token>`). */
export const UI_PREFIXES: readonly string[] = ['/dashboards/', '/alerts/', '/admin/', '/public/'];

/** The URL prefix of the build's hashed assets. */
export const ASSETS_PREFIX = '/assets/';

/** One year, the cache lifetime of content-hashed assets. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface CachedFile {
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
  readonly contentType: string;
}

/** Reads and caches files of one build directory. Safe to share between requests. */
export class UiFiles {
  private readonly cache = new Map<string, Promise<CachedFile | undefined>>();
  private root: Promise<string | undefined> | undefined;

  /** @param distDir the Vite output directory (holding `index.html` and `assets/`). */
  constructor(readonly distDir: string) {}

  /** The real path of the build directory, or undefined when it does not exist. */
  private realRoot(): Promise<string | undefined> {
    this.root ??= realpath(this.distDir).catch(() => undefined);
    return this.root;
  }

  /**
   * A file by its path relative to the build directory (forward slashes, no leading slash),
   * or undefined when it is missing or would lie outside the build directory.
   */
  get(rel: string): Promise<CachedFile | undefined> {
    let p = this.cache.get(rel);
    if (!p) {
      p = this.load(rel);
      this.cache.set(rel, p);
    }
    return p;
  }

  private async load(rel: string): Promise<CachedFile | undefined> {
    const root = await this.realRoot();
    if (root === undefined || !isSafeRelative(rel)) return undefined;
    let real: string;
    try {
      real = await realpath(path.join(root, ...rel.split('/')));
    } catch {
      return undefined;
    }
    // A symbolic link inside the build must not lead out of it.
    if (!real.startsWith(root + path.sep)) return undefined;
    let body: Buffer;
    try {
      body = await readFile(real);
    } catch {
      return undefined; // a directory, or unreadable
    }
    const contentType = contentTypeFor(real);
    const gzipped =
      isCompressible(contentType) && body.length > 1024 ? await gzipAsync(body) : undefined;
    return { body, gzipped, contentType };
  }
}

/** Whether a relative path stays inside its directory: no empty, `.` or `..` segments. */
export function isSafeRelative(rel: string): boolean {
  if (rel === '' || rel.includes('\0') || rel.includes('\\') || rel.includes(':')) return false;
  return rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Answers a GET or HEAD request for the UI. Returns false, without writing anything, when the
 * path is not the UI's (so the caller can answer 404 or try other handlers); true when it wrote
 * the response.
 */
export async function serveUI(
  req: IncomingMessage,
  res: ServerResponse,
  files: UiFiles,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return false;
  // The raw path up to the query string; not parsed as a URL, so `//x` stays a path.
  const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }

  if (UI_ROUTES.includes(decoded) || UI_PREFIXES.some((p) => decoded.startsWith(p))) {
    const index = await files.get('index.html');
    if (!index) {
      sendNotBuilt(res, method, files.distDir);
      return true;
    }
    send(req, res, index, 'no-cache');
    return true;
  }

  const rel = decoded.slice(1);
  if (decoded.startsWith(ASSETS_PREFIX)) {
    const file = await files.get(rel);
    if (!file) {
      sendPlain(res, method, 404, `cannot find ${pathname}: no such UI asset`);
      return true;
    }
    send(req, res, file, IMMUTABLE);
    return true;
  }

  // Other files at the build's root (favicon.svg); never `index.html` under another name.
  if (!rel.includes('/') && rel !== 'index.html') {
    const file = await files.get(rel);
    if (file) {
      send(req, res, file, 'public, max-age=3600');
      return true;
    }
  }
  return false;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  file: CachedFile,
  cacheControl: string,
): void {
  const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const body = accepts && file.gzipped ? file.gzipped : file.body;
  const headers: Record<string, string | number> = {
    'Content-Type': file.contentType,
    'Content-Length': body.length,
    'Cache-Control': cacheControl,
    'X-Content-Type-Options': 'nosniff',
  };
  if (file.gzipped) headers['Vary'] = 'Accept-Encoding';
  if (body === file.gzipped) headers['Content-Encoding'] = 'gzip';
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendNotBuilt(res: ServerResponse, method: string, distDir: string): void {
  const html = Buffer.from(notBuiltPage(distDir));
  res.writeHead(503, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': html.length,
    'Cache-Control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : html);
}

function sendPlain(res: ServerResponse, method: string, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`);
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : body);
}
