/**
 * The push groups on disk: one JSON file, replaced atomically (written to `<file>.tmp`, fsynced,
 * renamed over the old file, directory fsynced), so a crash leaves either the old or the new
 * groups, never a mix.
 *
 * Format (version 1):
 * `{"version":1,"groups":[{"labels":[["job","x"],…],"pushTimeMs":…,"failureTimeMs":…,"ttlMs":…,
 * "families":[{"name":"…","type":"counter","help":"…","series":[["__name__","…",…],…],
 * "values":[1.5,"NaN","+Inf",…]}]}]}`; non-finite values are strings.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { StorageUnavailableError } from '../../model/index.js';
import type { MetricType } from '../../parsers/index.js';
import type { PushedFamily } from './body.js';
import { groupingKey, type GroupingKey } from './path.js';

/** Where the push groups live inside the data directory. */
export function pushGroupsFile(dataDir: string): string {
  return path.join(dataDir, 'pushgateway', 'groups.json');
}

/** The persisted state of one push group. */
export interface GroupState {
  readonly key: GroupingKey;
  families: Map<string, PushedFamily>;
  /** Last successful push (ms), 0 when none. */
  pushTimeMs: number;
  /** Last failed push (ms), 0 when none. */
  failureTimeMs: number;
  /** Time to live after the last successful push (ms), 0 for none. */
  ttlMs: number;
}

/** The push groups file cannot be read or written (a full disk is `StorageUnavailableError`). */
export class PushStoreError extends Error {
  override readonly name = 'PushStoreError';
}

const TYPES: readonly MetricType[] = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
];

function encodeValue(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

function decodeValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  throw new Error(`invalid value ${JSON.stringify(v)}`);
}

/** Writes the groups to `file` atomically. */
export async function saveGroups(file: string, groups: Iterable<GroupState>): Promise<void> {
  const doc = {
    version: 1,
    groups: [...groups].map((g) => ({
      labels: g.key.labels,
      pushTimeMs: g.pushTimeMs,
      failureTimeMs: g.failureTimeMs,
      ttlMs: g.ttlMs,
      families: [...g.families.values()].map((f) => ({
        name: f.name,
        type: f.type,
        help: f.help,
        series: f.series,
        values: Array.from(f.values, encodeValue),
      })),
    })),
  };
  const tmp = `${file}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(doc));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    const dir = await open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (e) {
    const msg = `cannot save push groups to ${file}: ${(e as Error).message}`;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new StorageUnavailableError(msg, true, { cause: e });
    }
    throw new PushStoreError(msg, { cause: e });
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new Error('expected an array of strings');
  }
  return v;
}

function num(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${k} is not a number`);
  return v;
}

function family(v: unknown): PushedFamily {
  if (!isObj(v)) throw new Error('family is not an object');
  const { name, type, help, series, values } = v;
  if (typeof name !== 'string' || typeof help !== 'string')
    throw new Error('bad family name or help');
  const t = TYPES.find((x) => x === type);
  if (t === undefined) throw new Error(`bad metric type ${JSON.stringify(type)}`);
  if (!Array.isArray(series) || !Array.isArray(values) || series.length !== values.length) {
    throw new Error(`family ${name}: series and values do not match`);
  }
  const vals = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) vals[i] = decodeValue(values[i]);
  return { name, type: t, help, series: series.map(strings), values: vals };
}

/** Reads the groups from `file`; an absent file means no groups. */
export async function loadGroups(file: string): Promise<GroupState[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PushStoreError(`cannot load push groups from ${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    const doc: unknown = JSON.parse(text);
    if (!isObj(doc) || doc['version'] !== 1 || !Array.isArray(doc['groups'])) {
      throw new Error('not a version 1 push groups file');
    }
    return doc['groups'].map((g: unknown): GroupState => {
      if (!isObj(g) || !Array.isArray(g['labels']) || !Array.isArray(g['families'])) {
        throw new Error('group is not an object with labels and families');
      }
      const labels = new Map<string, string>();
      for (const pair of g['labels']) {
        const [n, v] = strings(pair);
        if (n === undefined || v === undefined) throw new Error('bad grouping label');
        labels.set(n, v);
      }
      const families = new Map<string, PushedFamily>();
      for (const f of g['families']) {
        const pf = family(f);
        families.set(pf.name, pf);
      }
      return {
        key: groupingKey(labels),
        families,
        pushTimeMs: num(g, 'pushTimeMs'),
        failureTimeMs: num(g, 'failureTimeMs'),
        ttlMs: num(g, 'ttlMs'),
      };
    });
  } catch (e) {
    throw new PushStoreError(`cannot load push groups from ${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
