/** Reading request bodies with a size limit, and decompressing them with one. */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { HttpError } from './errors.js';

const gunzipAsync = promisify(gunzip);

/**
 * Un-gzips a request body into at most `maxBytes` (zlib stops inflating there, so a
 * decompression bomb never allocates more): 413 naming `setting` beyond it, 400 for data that is
 * not gzip.
 */
export async function gunzipBody(
  raw: Buffer,
  maxBytes: number,
  setting: string | undefined,
): Promise<Buffer> {
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (
      err instanceof RangeError ||
      /maxOutputLength|Cannot create a Buffer larger/i.test(msg) ||
      (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
    ) {
      throw new HttpError(
        413,
        'bad_data',
        `cannot decompress request body: more than the limit of ${maxBytes} bytes${setting === undefined ? '' : ` (raise --${setting})`}`,
      );
    }
    throw new HttpError(400, 'bad_data', `cannot decompress request body: ${msg}`);
  }
}

/**
 * Reads the whole request body, failing with 413 as soon as it exceeds `maxBytes` (checked
 * against `Content-Length` first, then while reading). `setting` names the flag that holds the
 * limit, for the error message (undefined for fixed limits). After a 413 the rest of the body is discarded and the
 * connection is closed once the answer is sent.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  setting: string | undefined,
): Promise<Buffer> {
  const tooLarge = (what: string): HttpError =>
    new HttpError(
      413,
      'bad_data',
      `cannot read request body: ${what} is more than the limit of ${maxBytes} bytes${setting === undefined ? '' : ` (raise --${setting})`}`,
      { Connection: 'close' },
    );
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(`the declared length of ${declared} bytes`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        req.resume();
        reject(tooLarge(`a body of at least ${total} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAborted = (): void => {
      cleanup();
      reject(
        new HttpError(
          400,
          'bad_data',
          'cannot read request body: the client closed the connection',
        ),
      );
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
