import {
  detachString,
  parseLineProtocol,
  pointTags,
  type Point,
  type Precision,
} from '../parsers/index.js';
import { sanitizeLabelName, sanitizeMetricName } from './naming.js';
import type { IngestPipeline, IngestResult } from './pipeline.js';

/** Options of an InfluxDB line-protocol write. */
export interface InfluxWriteOptions {
  readonly precision: Precision;
  /** The database (v1 `db`) or bucket (v2 `bucket`); stored as the `db` label when set. */
  readonly db: string;
  /** Timestamp for points without one (ms). */
  readonly now: number;
}

/**
 * Ingests an InfluxDB line-protocol body: every numeric field becomes the series
 * `<measurement>_<field>` with the tags (and `db`) as labels; booleans are 1/0; string fields are
 * rejected (no numeric value). Bad lines are rejected one by one with their line numbers; good
 * lines are stored.
 */
export async function ingestLineProtocol(
  p: IngestPipeline,
  body: string,
  o: InfluxWriteOptions,
): Promise<IngestResult> {
  const batch = p.batch();
  const namespace = `influx\u0000${o.db}`;
  parseLineProtocol(
    body,
    o.precision,
    (pt) => {
      const t = pt.timestampMs ?? o.now;
      const group = p.group(namespace, pt.seriesHash, pt.text, pt.seriesStart, pt.seriesEnd);
      let tags: string[] | undefined;
      for (let i = 0; i < pt.fieldCount; i++) {
        const field = pt.fieldKeys[i]!;
        if (pt.fieldTypes[i] === 'string') {
          batch.reject(
            pt.line,
            `field ${JSON.stringify(field)} is a string; only numeric and boolean fields are stored`,
            1,
            'unsupported',
          );
          continue;
        }
        const hit = group.get(field);
        if (hit !== undefined) {
          batch.addCached(hit, t, pt.fieldValues[i]!, pt.line);
          continue;
        }
        tags ??= labelPairs(pt, o.db);
        const flat = ['__name__', detachString(seriesName(pt, field)), ...tags];
        batch.addIn(group, field, () => flat, t, pt.fieldValues[i]!, pt.line);
      }
    },
    (e) => {
      batch.reject(e.line, `line ${e.line}, column ${e.column}: ${e.message}`);
    },
  );
  try {
    return await batch.commit();
  } catch (e) {
    await batch.rollback().catch(() => undefined);
    throw e;
  }
}

/** The sanitized tag pairs of a point, plus `db` when set. */
function labelPairs(pt: Point, db: string): string[] {
  const raw = pointTags(pt);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) out.push(sanitizeLabelName(raw[i]!), raw[i + 1]!);
  if (db !== '') out.push('db', db);
  return out;
}

/** `<measurement>_<field>`, sanitized. */
function seriesName(pt: Point, field: string): string {
  return `${sanitizeMetricName(pt.measurement)}_${sanitizeLabelName(field)}`;
}
