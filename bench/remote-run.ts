/**
 * `node dist/bench/run.js --only=remote [--series=N] [--hours=H] [--repeat=N] [--seed=N]
 * [--out=FILE]`: runs the remote-backend benchmark and writes its JSON report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchRemote, remoteTable } from './remote.js';

/** Runs the section; returns the exit status. */
export async function runRemoteSection(root: string, argv: readonly string[]): Promise<number> {
  const flag = (name: string, def: number): number => {
    const a = argv.find((x) => x.startsWith(`--${name}=`));
    const n = a === undefined ? def : Number(a.slice(name.length + 3));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const outArg = argv.find((x) => x.startsWith('--out='));
  const out = path.resolve(root, outArg?.slice(6) ?? 'bench/results/remote-latest.json');
  const opts = {
    series: Math.floor(flag('series', 5000)),
    hours: flag('hours', 2),
    repeat: Math.floor(flag('repeat', 7)),
    seed: Math.floor(flag('seed', 42)),
  };
  const started = new Date();
  const loadBefore = os.loadavg();
  const rows = await benchRemote(
    root,
    path.join(os.tmpdir(), `kansoku-bench-remote-${process.pid}`),
    opts,
    (l) => {
      console.error(l);
    },
  );
  const table = remoteTable(rows);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: started.toISOString(),
        command: `node dist/bench/run.js ${argv.join(' ')}`,
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model ?? 'unknown',
          node: process.version,
          loadAvgBefore: loadBefore,
          loadAvgAfter: os.loadavg(),
        },
        options: opts,
        rows,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(
    `\nremote backend: ${opts.series} series, ${opts.hours} h, median of ${opts.repeat}, load average before ${loadBefore.map((l) => l.toFixed(1)).join(' ')}\n${table}`,
  );
  return 0;
}
