/**
 * Micro-benchmark of line-protocol ingestion: Telegraf-like bodies (5,000 lines of one to eight
 * fields per tag set, 4 tags, millisecond timestamps, a fixed seed) through the decoder alone and
 * through `ingestLineProtocol` into an appender that only counts, so the figure is the ingest
 * path's own cost per sample (parsing, series cache, relabeling and limit checks). Reports CPU
 * nanoseconds per sample (best of the rounds) and heap growth. Run by `npm run bench`
 * (micro section) or `node --import tsx -e "…benchLineProtocol()"`.
 */
import { parseLineProtocol } from '../parsers/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import { ingestLineProtocol } from './influx.js';
import { IngestPipeline } from './pipeline.js';

/** Options of the benchmark. */
export interface LineProtocolBenchOptions {
  /** Timed rounds (each ingests every body once). */
  readonly rounds?: number;
  /** Tag sets (lines per scrape round). */
  readonly tagSets?: number;
  /** Scrape rounds in the data. */
  readonly scrapes?: number;
}

class CountingAppendable implements Appendable {
  samples = 0;
  private next = 1;
  appender(): Appender {
    return {
      append: (ref: SeriesRef): SeriesRef => {
        this.samples++;
        return ref === 0 ? this.next++ : ref;
      },
      commit: () => Promise.resolve(),
      rollback: () => Promise.resolve(),
    };
  }
}

/** Builds bodies of `lines` lines each, `tagSets` lines per scrape, `scrapes` scrapes. */
function bodies(tagSets: number, scrapes: number): { bodies: string[]; samples: number } {
  let seed = 42;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const sets = Array.from({ length: tagSets }, (_, i) => {
    const fields = 1 + (i % 8);
    return {
      tags: `cpu=cpu${i % 16},host=host-${i >> 4}.example.org,job=node,region=eu-west-${i % 3}`,
      fields: Array.from(
        { length: fields },
        (_, f) =>
          `usage_${['user', 'system', 'idle', 'iowait', 'irq', 'nice', 'steal', 'guest'][f]!}`,
      ),
    };
  });
  const out: string[] = [];
  let lines: string[] = [];
  let samples = 0;
  for (let s = 0; s < scrapes; s++) {
    const t = 1_700_000_000_000 + s * 15_000;
    for (const set of sets) {
      const values = set.fields.map((f) => `${f}=${(rnd() * 100).toFixed(2)}`).join(',');
      lines.push(`cpu,${set.tags} ${values} ${t}`);
      samples += set.fields.length;
      if (lines.length === 5000) {
        out.push(lines.join('\n'));
        lines = [];
      }
    }
  }
  if (lines.length > 0) out.push(lines.join('\n'));
  return { bodies: out, samples };
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Runs the benchmark; returns ns per sample for decoding alone and for the whole ingest path. */
export async function benchLineProtocol(
  opts: LineProtocolBenchOptions = {},
): Promise<Record<string, number>> {
  const rounds = opts.rounds ?? 5;
  const data = bodies(opts.tagSets ?? 2000, opts.scrapes ?? 40);
  let bestParse = Infinity;
  let bestIngest = Infinity;
  const heap0 = process.memoryUsage().heapUsed;
  const store = new CountingAppendable();
  const pipeline = new IngestPipeline(store);
  for (let r = 0; r < rounds; r++) {
    let t0 = cpuNs();
    let points = 0;
    for (const b of data.bodies) {
      points += parseLineProtocol(
        b,
        'ms',
        () => undefined,
        () => undefined,
      ).points;
    }
    if (points === 0) throw new Error('BUG: no points decoded');
    bestParse = Math.min(bestParse, (cpuNs() - t0) / data.samples);
    t0 = cpuNs();
    for (const b of data.bodies) {
      const res = await ingestLineProtocol(pipeline, b, { precision: 'ms', db: 'bench', now: 0 });
      if (res.rejected > 0)
        throw new Error(`BUG: rejected ${res.rejected}: ${res.errors[0]?.reason}`);
    }
    bestIngest = Math.min(bestIngest, (cpuNs() - t0) / data.samples);
  }
  return {
    samples: data.samples,
    decodeNsPerSample: Math.round(bestParse),
    ingestNsPerSample: Math.round(bestIngest),
    heapGrowthMiB: Math.round(((process.memoryUsage().heapUsed - heap0) / 1048576) * 10) / 10,
  };
}
