/**
 * `node dist/bench/run.js --only=agent [--targets=N] [--target-series=N] [--interval=S]
 * [--seconds=S] [--agents=kansoku,prometheus,vmagent] [--seed=N] [--out=FILE]`: the agent
 * benchmark (bench/agent.ts); prints the side-by-side table and writes its JSON report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AGENT_KINDS, agentTable, benchAgents, type AgentKind } from './agent.js';

/** Usage of the section's flags. */
export const AGENT_USAGE = `  --only=agent          agent benchmark: Kansoku agent vs Prometheus agent mode vs vmagent
    --targets=10 --target-series=1000 --interval=5 --seconds=60 --agents=kansoku,prometheus,vmagent`;

/** Runs the section; returns the exit status. */
export async function runAgentSection(
  root: string,
  argv: readonly string[],
  log: (line: string) => void,
): Promise<number> {
  const value = (name: string): string | undefined =>
    argv.find((x) => x.startsWith(`--${name}=`))?.slice(name.length + 3);
  const flag = (name: string, def: number): number => {
    const v = value(name);
    const n = v === undefined ? def : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const agents = (value('agents') ?? AGENT_KINDS.join(',')).split(',').filter((a) => a !== '');
  for (const a of agents)
    if (!(AGENT_KINDS as readonly string[]).includes(a))
      throw new Error(`--agents: unknown ${a} (know ${AGENT_KINDS.join(', ')})`);
  const opts = {
    targets: Math.floor(flag('targets', 10)),
    series: Math.floor(flag('target-series', 1000)),
    intervalS: flag('interval', 5),
    seconds: flag('seconds', 60),
    seed: Math.floor(flag('seed', 42)),
    agents: agents as AgentKind[],
  };
  const out = path.resolve(root, value('out') ?? 'bench/results/agent-latest.json');
  const started = new Date();
  const loadBefore = os.loadavg();
  const results = await benchAgents(root, { ...opts, log });
  const table = agentTable(results, opts.intervalS);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: started.toISOString(),
        command: `node dist/bench/run.js ${argv.join(' ')}`,
        machine: {
          cpus: os.cpus().length,
          node: process.version,
          loadAvgBefore: loadBefore,
          loadAvgAfter: os.loadavg(),
        },
        options: opts,
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(
    `\nagent: ${opts.targets} targets x ${opts.series} series every ${opts.intervalS} s, scraped and forwarded to one receiver, ${opts.seconds} s measured per agent (load ${loadBefore.map((l) => l.toFixed(1)).join(' ')})\n`,
  );
  console.log(table);
  console.log(`\nresults written to ${path.relative(root, out)}`);
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}
