/**
 * A deterministic data set shaped like the PromLabs demo service that the PromQL compliance
 * queries are written for (`demo_*` metrics on three instances), with jittered timestamps so
 * results do not depend on range-boundary conventions.
 */

/** One series: flat labels and its samples (ms, value). */
export interface DemoSeries {
  readonly labels: Record<string, string>;
  readonly ts: number[];
  readonly vs: number[];
}

/** A small seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates the demo data set for [start, end) at the given scrape interval. */
export function demoData(start: number, end: number, intervalMs = 5000, seed = 42): DemoSeries[] {
  const rand = rng(seed);
  const out: DemoSeries[] = [];
  const instances = [
    'demo.promlabs.com:10000',
    'demo.promlabs.com:10001',
    'demo.promlabs.com:10002',
  ];
  const times = (): number[] => {
    const ts: number[] = [];
    for (let t = start; t < end; t += intervalMs) {
      // ±1..4 ms, never 0: no sample sits exactly on a step-aligned range boundary.
      const j = 1 + Math.floor(rand() * 4);
      ts.push(t + (rand() < 0.5 ? -j : j));
    }
    return ts;
  };
  instances.forEach((instance, i) => {
    const base = { instance, job: 'demo' };
    const ts = times();
    out.push({
      labels: { __name__: 'demo_num_cpus', ...base },
      ts,
      vs: ts.map(() => [4, 8, 2][i]!),
    });
    for (const [k, type] of ['free', 'used', 'buffers', 'cached'].entries()) {
      let v = 1e9 * (k + 1) * (i + 1);
      out.push({
        labels: { __name__: 'demo_memory_usage_bytes', ...base, type },
        ts,
        vs: ts.map(() => (v = Math.max(0, v + (rand() - 0.5) * 1e7))),
      });
    }
    for (const mode of ['idle', 'user', 'system']) {
      let v = 1000 * (i + 1);
      out.push({
        labels: { __name__: 'demo_cpu_usage_seconds_total', ...base, mode },
        ts,
        vs: ts.map((_, j) => (j === 400 && mode === 'user' ? (v = 3) : (v += rand() * 4))),
      });
    }
    let disk = 5e10 + i * 1e9;
    out.push({
      labels: { __name__: 'demo_disk_usage_bytes', ...base },
      ts,
      vs: ts.map(() => (disk += rand() * 1e5)),
    });
    let last = Math.floor(start / 1000);
    out.push({
      labels: { __name__: 'demo_batch_last_success_timestamp_seconds', ...base },
      ts,
      vs: ts.map((t, j) => (j % 37 === 0 ? (last = Math.floor(t / 1000)) : last)),
    });
    const its = ts.filter((t) => Math.floor((t - start) / 600_000) % 2 === 0);
    out.push({
      labels: { __name__: 'demo_intermittent_metric', ...base },
      ts: its,
      vs: its.map(() => 1),
    });
    const bounds = ['0.0002', '0.001', '0.01', '0.05', '0.1', '0.5', '1', '+Inf'];
    for (const method of ['GET', 'POST']) {
      for (const path of ['/api/foo', '/api/bar']) {
        const counts = bounds.map(() => 0);
        let sum = 0;
        const bucketVs: number[][] = bounds.map(() => []);
        const sums: number[] = [];
        const cnts: number[] = [];
        for (let j = 0; j < ts.length; j++) {
          const n = Math.floor(rand() * 20);
          for (let r = 0; r < n; r++) {
            const d = Math.pow(rand(), 3) * 0.8;
            sum += d;
            bounds.forEach((b, bi) => {
              if (b === '+Inf' || d <= Number(b)) counts[bi]!++;
            });
          }
          bounds.forEach((_, bi) => bucketVs[bi]!.push(counts[bi]!));
          sums.push(sum);
          cnts.push(counts[bounds.length - 1]!);
        }
        const l = { ...base, method, path, status: '200' };
        bounds.forEach((le, bi) => {
          out.push({
            labels: { __name__: 'demo_api_request_duration_seconds_bucket', ...l, le },
            ts,
            vs: bucketVs[bi]!,
          });
        });
        out.push({
          labels: { __name__: 'demo_api_request_duration_seconds_sum', ...l },
          ts,
          vs: sums,
        });
        out.push({
          labels: { __name__: 'demo_api_request_duration_seconds_count', ...l },
          ts,
          vs: cnts,
        });
      }
    }
  });
  return out;
}

/** Writes the series as OpenMetrics text with timestamps (for `promtool tsdb create-blocks-from`). */
export function toOpenMetrics(series: readonly DemoSeries[]): string {
  const lines: string[] = [];
  const byName = new Map<string, DemoSeries[]>();
  for (const s of series) {
    const n = s.labels['__name__']!;
    const list = byName.get(n) ?? [];
    list.push(s);
    byName.set(n, list);
  }
  for (const [name, list] of byName) {
    for (const s of list) {
      const ls = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      for (let i = 0; i < s.ts.length; i++) {
        lines.push(`${name}{${ls}} ${s.vs[i]} ${(s.ts[i]! / 1000).toFixed(3)}`);
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
