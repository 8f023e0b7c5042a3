/**
 * Runs Prometheus' own PromQL script tests (`../shared/peer-suites/promql/*.test`) through the
 * script runner and the engine: one test case per eval, named `file:line`. Evals that need native
 * histograms or experimental features the engine lacks are skipped with the reason shown.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemStorage } from '../../storage/index.js';
import { Engine } from '../index.js';
import { runScript, type EvalOutcome } from './runner.js';
import { skipReason, type Manifest } from './skips.js';

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error('cannot find project root: no package.json above the test file');
    dir = up;
  }
  return dir;
}

const PEER =
  process.env['PEER_SUITES_DIR'] ?? path.resolve(projectRoot(), '..', 'shared', 'peer-suites');
const DIR = path.join(PEER, 'promql');

if (!fs.existsSync(path.join(PEER, 'README.md'))) {
  test(
    'promql peer suites',
    { skip: `peer suites not found at ${PEER} (set PEER_SUITES_DIR)` },
    () => {},
  );
} else {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as Manifest;
  const engine = new Engine({
    enableDelayedNameRemoval: true,
    enableExperimentalFunctions: true,
    // The sample limit the suite's own runner uses (FORMAT.md section 7.1).
    maxSamples: 10_000,
  });
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.test'))
    .sort();
  const results = new Map<string, EvalOutcome[] | Error>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    try {
      results.set(
        file,
        await runScript(file, text, {
          engine,
          newStorage: () => new MemStorage(),
          skip: (ev, seg) => skipReason(manifest, file, ev, seg),
          rangeModeCheck: true,
          atModifierCheck: true,
        }),
      );
    } catch (err) {
      results.set(file, err instanceof Error ? err : new Error(String(err)));
    }
  }
  const lines: string[] = ['promql peer suite: file passed/run (skipped)'];
  for (const [file, r] of results) {
    if (r instanceof Error) lines.push(`  ${file}: cannot run: ${r.message}`);
    else {
      const pass = r.filter((o) => o.status === 'pass').length;
      const skip = r.filter((o) => o.status === 'skip').length;
      lines.push(`  ${file}: ${pass}/${r.length - skip} (${skip} skipped)`);
    }
  }
  console.log(lines.join('\n'));

  for (const [file, r] of results) {
    describe(`promql/${file}`, () => {
      if (r instanceof Error) {
        it('parses', () => {
          assert.fail(r.message);
        });
        return;
      }
      for (const o of r) {
        if (o.status === 'skip') {
          it(`${o.name} ${o.expr}`, { skip: o.reason }, () => {});
          continue;
        }
        it(`${o.name} ${o.expr}`, () => {
          assert.equal(o.status, 'pass', o.reason);
        });
      }
    });
  }
}
