/**
 * Where the HTTPS listener gets its certificate: the `CertificateSource` seam, and the source
 * that reads a PEM certificate chain and key from two files and reloads them when they change.
 * An ACME manager can later implement the same interface and be handed to the server instead.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Logger } from '../../util/index.js';

/** A certificate chain and its private key, both PEM. */
export interface CertificatePair {
  /** The leaf certificate first, then any intermediates. */
  readonly cert: string;
  readonly key: string;
  /** When the leaf certificate expires, in ms since the epoch. */
  readonly notAfterMs: number;
}

/** Supplies the certificate of the HTTPS listener and tells when it changes. */
export interface CertificateSource {
  /** The pair in use now. */
  current(): CertificatePair;
  /** Calls `fn` with every new valid pair; returns a function that removes the listener. */
  onChange(fn: (pair: CertificatePair) => void): () => void;
  /** Stops watching; `current()` keeps answering the last pair. */
  close(): void;
  /**
   * Handshake hooks for connections that need a certificate of their own (the answers to ACME
   * TLS-ALPN-01 challenges); absent when every connection gets `current()`.
   */
  readonly handshake?: TlsHandshakeHooks;
}

/**
 * Options merged into the HTTPS server's: `ALPNCallback` picks the protocol of a connection and
 * `SNICallback` its certificate (no context means `current()`). Node calls both with the
 * connection's socket as `this`, the ALPN callback first.
 */
export interface TlsHandshakeHooks {
  ALPNCallback(
    this: unknown,
    info: { servername: string; protocols: string[] },
  ): string | undefined;
  SNICallback(
    this: unknown,
    servername: string,
    cb: (err: Error | null, ctx?: SecureContext) => void,
  ): void;
}

/** Raised when a certificate or key cannot be used. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

/**
 * Checks that `cert` (a PEM chain) and `key` (PEM) form a usable pair and returns it with the
 * leaf's expiry. Throws `CertificateError` naming what is wrong.
 */
export function validatePair(cert: string, key: string, what: string): CertificatePair {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`cannot parse certificate ${what}: ${errText(err)}`, { cause: err });
  }
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(key)))
      throw new CertificateError(`cannot use certificate ${what}: the key does not match it`);
    createSecureContext({ cert, key });
  } catch (err) {
    if (err instanceof CertificateError) throw err;
    throw new CertificateError(`cannot use certificate ${what}: ${errText(err)}`, { cause: err });
  }
  return { cert, key, notAfterMs: Date.parse(leaf.validTo) };
}

/** Options of `FileCertificateSource`. */
export interface FileCertificateSourceOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly logger: Logger;
  /** How long to wait after a change event before reading, in ms (files are often written twice). */
  readonly debounceMs?: number;
  /** Interval of the modification-time check that catches changes the watcher misses, in ms. */
  readonly pollMs?: number;
}

/**
 * Reads a certificate chain and key from files, watches both (and their directories, so that
 * an atomic rename is seen) and reloads after a change. A broken new pair is logged and the old
 * one kept. Create with `FileCertificateSource.open()`.
 */
export class FileCertificateSource implements CertificateSource {
  private pair: CertificatePair;
  private readonly listeners = new Set<(pair: CertificatePair) => void>();
  private readonly watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private stamp: string;
  private loading: Promise<void> = Promise.resolve();
  private closed = false;
  /** The last error of reading the files' status, so that a missing file is logged once. */
  private statError = '';

  private constructor(
    private readonly opts: FileCertificateSourceOptions,
    pair: CertificatePair,
    stamp: string,
  ) {
    this.pair = pair;
    this.stamp = stamp;
  }

  /** Reads and validates the files (throws `CertificateError` when unusable), then watches them. */
  static async open(opts: FileCertificateSourceOptions): Promise<FileCertificateSource> {
    const pair = await readPair(opts.certFile, opts.keyFile);
    const stamp = await stampOf(opts.certFile, opts.keyFile);
    const src = new FileCertificateSource(opts, pair, stamp);
    src.startWatching();
    return src;
  }

  current(): CertificatePair {
    return this.pair;
  }

  onChange(fn: (pair: CertificatePair) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    clearTimeout(this.debounce);
    clearInterval(this.poll);
  }

  /** Re-reads the files now if they changed since the last load; resolves when done. */
  checkNow(): Promise<void> {
    this.loading = this.loading
      .then(() => this.reloadIfChanged())
      .catch((err: unknown) => {
        this.opts.logger.error('cannot reload TLS certificate; keeping the current one', { err });
      });
    return this.loading;
  }

  private startWatching(): void {
    const files = new Set([path.resolve(this.opts.certFile), path.resolve(this.opts.keyFile)]);
    const dirs = new Set([...files].map((f) => path.dirname(f)));
    const names = new Set([...files].map((f) => path.basename(f)));
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || names.has(name)) this.schedule();
        });
        w.on('error', (err) => {
          this.opts.logger.warn('cannot watch certificate directory', { dir, err });
        });
        this.watchers.push(w);
      } catch (err) {
        this.opts.logger.warn('cannot watch certificate directory', { dir, err });
      }
    }
    this.poll = setInterval(() => {
      void this.checkNow();
    }, this.opts.pollMs ?? 30_000);
    this.poll.unref();
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      void this.checkNow();
    }, this.opts.debounceMs ?? 500);
    this.debounce.unref();
  }

  private async reloadIfChanged(): Promise<void> {
    if (this.closed) return;
    let stamp: string;
    try {
      stamp = await stampOf(this.opts.certFile, this.opts.keyFile);
      this.statError = '';
    } catch (err) {
      const text = errText(err);
      if (text !== this.statError) {
        this.statError = text;
        this.opts.logger.error('cannot reload TLS certificate; keeping the current one', {
          err: text,
        });
      }
      return;
    }
    if (stamp === this.stamp) return;
    try {
      const pair = await readPair(this.opts.certFile, this.opts.keyFile);
      // Re-stat: a write that finished while reading is picked up by the next check.
      this.stamp = stamp;
      if (pair.cert === this.pair.cert && pair.key === this.pair.key) return;
      this.pair = pair;
    } catch (err) {
      // Remember the stamp so a broken pair is logged once, not on every poll.
      this.stamp = stamp;
      this.opts.logger.error('cannot reload TLS certificate; keeping the current one', {
        err: errText(err),
      });
      return;
    }
    this.opts.logger.info('reloaded TLS certificate', {
      file: this.opts.certFile,
      not_after: new Date(this.pair.notAfterMs).toISOString(),
    });
    for (const fn of this.listeners) fn(this.pair);
  }
}

async function readPair(certFile: string, keyFile: string): Promise<CertificatePair> {
  let cert: string;
  let key: string;
  try {
    cert = await readFile(certFile, 'utf8');
  } catch (err) {
    throw new CertificateError(
      `cannot read certificate file ${certFile}: ${errText(err)} (check --web.tls-cert-file)`,
      { cause: err },
    );
  }
  try {
    key = await readFile(keyFile, 'utf8');
  } catch (err) {
    throw new CertificateError(
      `cannot read key file ${keyFile}: ${errText(err)} (check --web.tls-key-file)`,
      { cause: err },
    );
  }
  return validatePair(cert, key, `${certFile} with key ${keyFile}`);
}

/** Size and modification time of both files, as one comparable string. */
async function stampOf(certFile: string, keyFile: string): Promise<string> {
  const [c, k] = await Promise.all([stat(certFile), stat(keyFile)]);
  return `${c.mtimeMs}/${c.size}/${c.ino}|${k.mtimeMs}/${k.size}/${k.ino}`;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
