import { parseLineProtocol, type Precision } from '../parsers/index.js';
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
  parseLineProtocol(
    body,
    o.precision,
    (pt) => {
      const t = pt.timestampMs ?? o.now;
      const measurement = sanitizeMetricName(pt.measurement);
      const tagKey = `${pt.measurement}\u0000${pt.tags.join('\u0000')}\u0000${o.db}`;
      let tagsFlat: string[] | undefined;
      const tags = (): string[] => {
        if (!tagsFlat) {
          tagsFlat = [];
          for (let i = 0; i < pt.tags.length; i += 2)
            tagsFlat.push(sanitizeLabelName(pt.tags[i]!), pt.tags[i + 1]!);
          if (o.db !== '') tagsFlat.push('db', o.db);
        }
        return tagsFlat;
      };
      for (let i = 0; i < pt.fieldKeys.length; i++) {
        const field = pt.fieldKeys[i]!;
        if (pt.fieldTypes[i] === 'string') {
          batch.reject(
            pt.line,
            `field ${JSON.stringify(field)} is a string; only numeric and boolean fields are stored`,
          );
          continue;
        }
        batch.add(
          `${field}\u0001${tagKey}`,
          () => ['__name__', `${measurement}_${sanitizeLabelName(field)}`, ...tags()],
          t,
          pt.fieldValues[i]!,
          pt.line,
        );
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
