/**
 * The grouping key of a Pushgateway URL: `/metrics/job/<job>{/<label>/<value>}`, with
 * `job@base64` and `<label>@base64` for values encoded in URL-safe base64 (padding optional, so
 * `=` alone is the empty string), parsed the way Pushgateway does.
 */
import { BadInputError } from '../../model/index.js';

/** A URL path or query that does not name a push group; HTTP 400. */
export class PushPathError extends BadInputError {
  override readonly name = 'PushPathError';
}

/** The labels that identify a push group, `job` included, sorted by name. */
export interface GroupingKey {
  /** `[name, value]` pairs sorted by name; values may be empty. */
  readonly labels: readonly (readonly [string, string])[];
  /** A canonical string for the key: names and values joined by `\xff`. */
  readonly id: string;
}

const BASE64_SUFFIX = '@base64';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a Pushgateway base64 value: URL-safe alphabet, trailing `=` ignored. */
export function decodeBase64Value(s: string): string {
  const t = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(t) || t.length % 4 === 1) {
    throw new PushPathError(`illegal base64 data ${JSON.stringify(s)}`);
  }
  try {
    return utf8.decode(Buffer.from(t, 'base64url'));
  } catch {
    throw new PushPathError(`base64 value ${JSON.stringify(s)} is not valid UTF-8`);
  }
}

/** Encodes a value for a Pushgateway URL segment (URL-safe base64, `=` for the empty string). */
export function encodeBase64Value(s: string): string {
  return s === '' ? '=' : Buffer.from(s, 'utf8').toString('base64url');
}

function validLabelName(n: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) && !n.startsWith('__');
}

/** Builds the canonical key of a set of grouping labels. */
export function groupingKey(labels: ReadonlyMap<string, string>): GroupingKey {
  const sorted = [...labels.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { labels: sorted, id: sorted.map(([n, v]) => `${n}\xff${v}`).join('\xff') };
}

/**
 * Parses the path of a push or delete request (still percent-encoded, as sent), such as
 * `/metrics/job/backup/instance@base64/ZGIvMQ`. Like Pushgateway, the path is percent-decoded
 * before it is split at `/`, so values holding `/` need `@base64`.
 */
export function parseGroupingPath(rawPath: string): GroupingKey {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new PushPathError(`invalid percent-encoding in path ${JSON.stringify(rawPath)}`);
  }
  let rest: string;
  let jobBase64 = false;
  if (path.startsWith('/metrics/job/')) rest = path.slice('/metrics/job/'.length);
  else if (path.startsWith(`/metrics/job${BASE64_SUFFIX}/`)) {
    rest = path.slice(`/metrics/job${BASE64_SUFFIX}/`.length);
    jobBase64 = true;
  } else throw new PushPathError(`path ${JSON.stringify(path)} does not start with /metrics/job/`);
  const slash = rest.indexOf('/');
  let job = slash < 0 ? rest : rest.slice(0, slash);
  const labelsPart = slash < 0 ? '' : rest.slice(slash);
  if (jobBase64) {
    try {
      job = decodeBase64Value(job);
    } catch (e) {
      throw new PushPathError(
        `invalid base64 encoding in job name ${JSON.stringify(job)}: ${(e as Error).message}`,
      );
    }
  }
  const labels = splitLabels(labelsPart);
  if (job === '') throw new PushPathError('job name is required');
  labels.set('job', job);
  return groupingKey(labels);
}

function splitLabels(s: string): Map<string, string> {
  const out = new Map<string, string>();
  if (s.length <= 1) return out;
  const parts = s.slice(1).split('/');
  if (parts.length % 2 !== 0) {
    throw new PushPathError(`odd number of components in label string ${JSON.stringify(s)}`);
  }
  for (let i = 0; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = parts[i + 1]!;
    const trimmed = name.endsWith(BASE64_SUFFIX) ? name.slice(0, -BASE64_SUFFIX.length) : name;
    if (!validLabelName(trimmed))
      throw new PushPathError(`improper label name ${JSON.stringify(trimmed)}`);
    if (trimmed === name) {
      out.set(name, value);
      continue;
    }
    try {
      out.set(trimmed, decodeBase64Value(value));
    } catch (e) {
      throw new PushPathError(
        `invalid base64 encoding for label ${trimmed}=${JSON.stringify(value)}: ${(e as Error).message}`,
      );
    }
  }
  return out;
}
