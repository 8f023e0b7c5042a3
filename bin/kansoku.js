#!/usr/bin/env node
// Entry point: runs the compiled command-line interface (build with `npm run build`).
import { existsSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
capYoungGeneration(command === 'agent' ? 1 : 16);
// The agent runs from its bundle (dist/agent/, made by `npm run build`) when there is one.
const bundled = new URL('../dist/agent/cli.js', import.meta.url);
const agentBundle = command === 'agent' && existsSync(bundled) ? bundled.href : undefined;
const { main } =
  agentBundle === undefined ? await import('../dist/src/app/cli.js') : await import(agentBundle);

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);

/**
 * Stops V8's young generation from growing past KANSOKU_YOUNG_GEN_MB (default `defaultMiB`: 16
 * MiB for the server, 1 MiB — no growth — for the agent, whose allocation rate is low and whose
 * resident size matters most; 0 leaves V8's default of up to 32 MiB). Steady ingestion keeps objects alive across scavenges, which
 * makes V8 double the young generation up to its maximum; all of it stays resident. The size
 * limit flag only works on the command line, but the growth factor is read at each growth, so
 * it is set to 1 (no growth) once the young generation has reached the cap.
 */
function capYoungGeneration(defaultMiB) {
  const env = process.env.KANSOKU_YOUNG_GEN_MB;
  const capMiB = env === undefined || env === '' ? defaultMiB : Number(env);
  if (!(capMiB > 0)) return;
  const youngBytes = () =>
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const stop = () => v8.setFlagsFromString('--semi-space-growth-factor=1');
  if (youngBytes() >= capMiB * 1048576) {
    stop();
    return;
  }
  const obs = new PerformanceObserver(() => {
    if (youngBytes() < capMiB * 1048576) return;
    stop();
    obs.disconnect();
  });
  obs.observe({ entryTypes: ['gc'] });
}
