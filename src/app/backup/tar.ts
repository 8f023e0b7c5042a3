/**
 * A small streaming tar (POSIX ustar with pax extended headers) writer and reader: enough for
 * backups, which hold regular files only. Names longer than the ustar fields and sizes of 8 GiB
 * and more go into a pax `x` header, as GNU and BSD tar read them. Both sides respect
 * backpressure: the writer waits for `drain`, the reader pulls the next chunk only when the
 * consumer of an entry's body asks for it.
 */
import type { Writable } from 'node:stream';

/** Tar works in blocks of 512 bytes. */
const BLOCK = 512;
/** The largest size the 11-digit octal size field holds (8 GiB - 1). */
const MAX_OCTAL_SIZE = 0o77777777777;

/** A tar stream that cannot be read: truncated, a bad header checksum, or an unsupported entry. */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** One entry of a tar stream as the reader reports it. */
export interface TarEntry {
  /** The path inside the archive (pax `path` when present), without a leading `./`. */
  readonly name: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly type: 'file' | 'directory' | 'other';
}

/** Writes a tar stream to `out`. Add entries one at a time (await each), then `finish()`. */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  /** Adds a regular file whose `size` bytes come from `body`; throws if the count differs. */
  async addFile(
    name: string,
    size: number,
    mtimeMs: number,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<void> {
    await this.header(name, size, mtimeMs);
    let n = 0;
    for await (const chunk of body) {
      n += chunk.length;
      if (n > size)
        throw new TarFormatError(`cannot add ${name} to tar: it grew beyond ${size} bytes`);
      await this.write(chunk);
    }
    if (n !== size)
      throw new TarFormatError(`cannot add ${name} to tar: expected ${size} bytes, read ${n}`);
    await this.pad(size);
  }

  /** Adds a regular file held in memory. */
  async addBuffer(name: string, data: Uint8Array, mtimeMs: number): Promise<void> {
    await this.header(name, data.length, mtimeMs);
    await this.write(data);
    await this.pad(data.length);
  }

  /** Writes the end-of-archive marker (two zero blocks). Does not end `out`. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
  }

  private async header(name: string, size: number, mtimeMs: number): Promise<void> {
    if (name === '' || name.startsWith('/') || name.split('/').includes('..'))
      throw new TarFormatError(`cannot add ${JSON.stringify(name)} to tar: not a relative path`);
    const nameBytes = Buffer.from(name, 'utf8');
    const pax: string[] = [];
    if (nameBytes.length > 100 || nameBytes.length !== name.length)
      pax.push(paxRecord('path', name));
    if (size > MAX_OCTAL_SIZE) pax.push(paxRecord('size', String(size)));
    const mtime = Math.floor(mtimeMs / 1000);
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(''), 'utf8');
      await this.write(ustarHeader(`PaxHeaders/${asciiTail(name)}`, body.length, mtime, 'x'));
      await this.write(body);
      await this.pad(body.length);
    }
    await this.write(ustarHeader(asciiTail(name), Math.min(size, MAX_OCTAL_SIZE), mtime, '0'));
  }

  private pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    return rest === 0 ? Promise.resolve() : this.write(Buffer.alloc(BLOCK - rest));
  }

  private write(data: Uint8Array): Promise<void> {
    return writeTo(this.out, data);
  }
}

/** Writes `data` to `out`, waiting for `drain` when its buffer is full. */
export function writeTo(out: Writable, data: Uint8Array): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('cannot write: the stream is closed'));
  if (out.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: unknown): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error('cannot write: the stream failed'));
    };
    const onDrain = (): void => {
      done();
    };
    const onError = (err: unknown): void => {
      done(err);
    };
    const onClose = (): void => {
      done(new Error('cannot write: the stream closed'));
    };
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/** A pax record `"<len> key=value\n"`, where `<len>` counts the whole record. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLen = Buffer.byteLength(rest, 'utf8');
  let len = restLen + 1;
  while (String(len).length + restLen !== len) len = String(len).length + restLen;
  return `${len}${rest}`;
}

/** The last at most 100 ASCII bytes of a name, for the ustar name field beside a pax path. */
function asciiTail(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= 100 ? ascii : ascii.slice(ascii.length - 100);
}

function ustarHeader(name: string, size: number, mtime: number, type: '0' | 'x'): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'ascii');
  octal(h, 100, 8, type === 'x' ? 0o644 : 0o600);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156);
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\u000000', 257, 8, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return h;
}

function octal(h: Buffer, off: number, len: number, v: number): void {
  h.write(`${v.toString(8).padStart(len - 1, '0')}\u0000`, off, len, 'ascii');
}

/** Pulls exact byte counts out of a chunked source. */
class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** Exactly `n` bytes, or undefined at a clean end of the source (nothing left). */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.buf.length < n && !this.done) await this.fill();
    if (this.buf.length === 0 && this.done) return undefined;
    if (this.buf.length < n) throw new TarFormatError('cannot read tar: the stream ends early');
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Yields the next `span.left` bytes in the pieces they arrive in, counting `span.left` down. */
  async *stream(span: { left: number }): AsyncGenerator<Buffer> {
    while (span.left > 0) {
      if (this.buf.length === 0) {
        if (this.done) throw new TarFormatError('cannot read tar: the stream ends inside a file');
        await this.fill();
        continue;
      }
      const take = Math.min(span.left, this.buf.length);
      const piece = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      span.left -= take;
      yield piece;
    }
  }

  /** Reads and drops `n` bytes. */
  async skip(n: number): Promise<void> {
    const it = this.stream({ left: n });
    while (!(await it.next()).done) {
      // dropped
    }
  }

  private async fill(): Promise<void> {
    const r = await this.it.next();
    if (r.done === true) {
      this.done = true;
      return;
    }
    const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }
}

/**
 * Reads a tar stream, calling `onEntry` for every file and directory in order. `onEntry` may read
 * the entry's body (once, before it returns); what it leaves unread is skipped. Resolves at the
 * end-of-archive marker or the end of the source; throws `TarFormatError` on damage.
 */
export async function readTar(
  src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onEntry: (entry: TarEntry, body: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const bytes = new ByteSource(pull(src));
  let pax = new Map<string, string>();
  for (;;) {
    const h = await bytes.read(BLOCK);
    if (h === undefined || h.every((b) => b === 0)) return;
    checkHeader(h);
    const type = String.fromCharCode(h[156] ?? 0);
    let size = parseOctal(h, 124, 12);
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (type === 'x' || type === 'g') {
      const body = await bytes.read(padded);
      if (body === undefined) throw new TarFormatError('cannot read tar: the stream ends early');
      if (type === 'x') pax = parsePax(body.subarray(0, size));
      continue;
    }
    const paxSize = pax.get('size');
    if (paxSize !== undefined) size = Number(paxSize);
    const prefix = cString(h, 345, 155);
    const name = (
      pax.get('path') ?? (prefix === '' ? cString(h, 0, 100) : `${prefix}/${cString(h, 0, 100)}`)
    ).replace(/^\.\//, '');
    pax = new Map();
    const entry: TarEntry = {
      name,
      size,
      mtimeMs: parseOctal(h, 136, 12) * 1000,
      type: type === '0' || type === '\0' ? 'file' : type === '5' ? 'directory' : 'other',
    };
    // What the consumer leaves unread (also after breaking out of its loop) is skipped.
    const span = { left: size };
    await onEntry(entry, bytes.stream(span));
    await bytes.skip(span.left + ((BLOCK - (size % BLOCK)) % BLOCK));
  }
}

function checkHeader(h: Buffer): void {
  const stored = parseOctal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  if (sum !== stored) throw new TarFormatError('cannot read tar: bad header checksum');
}

function cString(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

function parseOctal(h: Buffer, off: number, len: number): number {
  const text = cString(h, off, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarFormatError(`cannot read tar: bad number ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function parsePax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let off = 0;
  while (off < body.length) {
    const sp = body.indexOf(0x20, off);
    const len = sp < 0 ? NaN : Number(body.toString('ascii', off, sp));
    if (!Number.isSafeInteger(len) || len <= 0 || off + len > body.length)
      throw new TarFormatError('cannot read tar: bad pax header');
    const rec = body.toString('utf8', sp + 1, off + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    off += len;
  }
  return out;
}

async function* pull(
  src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for await (const c of src) yield c;
}
