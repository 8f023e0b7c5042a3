import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expandGlob, formatDuration } from '../../config/index.js';
import { Labels } from '../../model/index.js';
import type { Storage } from '../../storage/index.js';
import { AlertingRule } from '../alerting.js';
import { formatValueE } from '../api.js';
import { RuleFileError, RuleTestError } from '../errors.js';
import { loadRuleFile } from '../file.js';
import { Group } from '../group.js';
import { queryFnFrom, type EngineQueryFn, type QuerySample } from '../query.js';
import type { GroupSpec } from '../types.js';
import { parseInputSeries, parseSeriesLabels } from './series.js';
import { parseUnitTestFile, type TestGroup, type UnitTestFile } from './testfile.js';

/** What the unit-test runner needs: an engine query and a fresh storage per test group. */
export interface RuleTestDeps {
  readonly engineQuery: EngineQueryFn<Storage>;
  readonly newStorage: () => Storage;
}

/** Options of `kansoku test rules`. */
export interface RuleTestOptions {
  /** Only test groups whose name matches one of these regular expressions (`--run`). */
  readonly run?: readonly string[] | undefined;
  /** Accept unknown fields in test and rule files (`--ignore-unknown-fields`). */
  readonly ignoreUnknownFields?: boolean | undefined;
}

/** Prints labels as promtool does: `{a="1", b="2"}`, `__name__` included. */
function fmtLabels(l: Labels): string {
  const parts: string[] = [];
  l.forEach((n, v) => parts.push(`${n}=${JSON.stringify(v)}`));
  return `{${parts.join(', ')}}`;
}

function fmtValue(v: number): string {
  return formatValueE(v).toUpperCase().replace('INF', 'Inf').replace('NAN', 'NaN');
}

function sameValue(a: number, b: number, fuzzy: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!fuzzy) return false;
  return ulpDistance(a, b) <= 1n;
}

const bitsView = new DataView(new ArrayBuffer(8));

/** The distance between two doubles in units of the last place (ordered bit patterns). */
function ulpDistance(a: number, b: number): bigint {
  const ord = (x: number): bigint => {
    bitsView.setFloat64(0, x);
    const u = bitsView.getBigInt64(0);
    return u < 0n ? -(u & 0x7fffffffffffffffn) : u;
  };
  const d = ord(a) - ord(b);
  return d < 0n ? -d : d;
}

interface GotAlert {
  labels: Labels;
  annotations: Labels;
}

function fmtAlerts(list: readonly GotAlert[]): string {
  if (list.length === 0) return '[]';
  const items = list.map(
    (a, i) =>
      `            ${i}:\n              Labels:${fmtLabels(a.labels)}\n              Annotations:${fmtLabels(a.annotations)}`,
  );
  return `[\n${items.join('\n')}\n            ]`;
}

function sortAlerts(l: GotAlert[]): GotAlert[] {
  return l.sort((a, b) => a.labels.compare(b.labels) || a.annotations.compare(b.annotations));
}

function loadGroups(file: UnitTestFile, dir: string, opts: RuleTestOptions): GroupSpec[] {
  const specs: GroupSpec[] = [];
  for (const pattern of file.ruleFiles) {
    const abs = path.isAbsolute(pattern) ? pattern : path.join(dir, pattern);
    const files = expandGlob(abs);
    if (files.length === 0 && !pattern.includes('*')) {
      throw new RuleTestError(`open ${abs}: no such file or directory`);
    }
    for (const f of files) {
      specs.push(...loadRuleFile(f, { ignoreUnknownFields: opts.ignoreUnknownFields === true }));
    }
  }
  const order = new Map(file.groupEvalOrder.map((n, i) => [n, i]));
  return specs
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        (order.get(a.s.name) ?? order.size + a.i) - (order.get(b.s.name) ?? order.size + b.i),
    )
    .map((x) => x.s);
}

async function loadSeries(st: Storage, tg: TestGroup, stepMs: number): Promise<void> {
  const app = st.appender();
  for (const s of tg.inputSeries) {
    const ser = parseInputSeries(s.series, s.values);
    for (let i = 0; i < ser.values.length; i++) {
      app.append(0, ser.labels, tg.startMs + (ser.steps[i] ?? 0) * stepMs, ser.values[i] ?? 0);
    }
  }
  await app.commit();
}

/** Runs one test group; returns its failure messages (empty when it passes). */
async function runGroup(
  file: UnitTestFile,
  specs: readonly GroupSpec[],
  tg: TestGroup,
  deps: RuleTestDeps,
): Promise<string[]> {
  const st = deps.newStorage();
  try {
    const evalMs = file.evaluationIntervalMs;
    await loadSeries(st, tg, tg.intervalMs || evalMs);
    const query = queryFnFrom(deps.engineQuery, st);
    const env = {
      externalLabels: Object.fromEntries(tg.externalLabels),
      externalURL: tg.externalURL,
    };
    const groups = specs.map(
      (s) =>
        new Group(s, {
          query,
          appendable: st,
          env,
          defaultIntervalMs: evalMs,
          defaultQueryOffsetMs: 0,
          resendDelayMs: 60_000,
          outageToleranceMs: 3_600_000,
          forGracePeriodMs: 600_000,
          externalURL: tg.externalURL,
        }),
    );
    const alertTimes = [...new Set(tg.alertTests.map((a) => a.evalTimeMs))].sort((a, b) => a - b);
    const maxT = Math.max(0, ...alertTimes, ...tg.promqlTests.map((p) => p.evalTimeMs));
    const got = new Map<number, Map<string, GotAlert[]>>();
    let curr = 0;
    for (let ts = 0; ts <= maxT; ts += evalMs) {
      const errs: string[] = [];
      for (const g of groups) {
        await g.evaluate(tg.startMs + ts);
        for (const r of g.rules) {
          if (r.status.health === 'err')
            errs.push(
              `    rule: ${r.name}, time: ${formatDuration(ts)}, err: ${r.status.lastError}`,
            );
        }
      }
      if (errs.length > 0) return errs;
      while (curr < alertTimes.length) {
        const t = alertTimes[curr] ?? 0;
        if (!(ts <= t && t < ts + evalMs)) break;
        const byName = new Map<string, GotAlert[]>();
        for (const g of groups) {
          for (const r of g.rules) {
            if (!(r instanceof AlertingRule)) continue;
            const list = byName.get(r.name) ?? [];
            for (const a of r.active.values()) {
              if (a.state === 'firing') list.push({ labels: a.labels, annotations: a.annotations });
            }
            byName.set(r.name, list);
          }
        }
        got.set(t, byName);
        curr++;
      }
    }
    const errs: string[] = [];
    const prefix = tg.name === '' ? '' : `    name: ${tg.name},\n`;
    for (const at of tg.alertTests) {
      const gotList = sortAlerts([...(got.get(at.evalTimeMs)?.get(at.alertname) ?? [])]);
      const exp = sortAlerts(
        at.expAlerts.map((e) => ({
          labels: Labels.fromFlatUnsorted([...[...e.labels].flat(), 'alertname', at.alertname]),
          annotations: Labels.fromFlatUnsorted([...e.annotations].flat()),
        })),
      );
      const same =
        exp.length === gotList.length &&
        exp.every((e, i) => {
          const g = gotList[i];
          return (
            g !== undefined && e.labels.equals(g.labels) && e.annotations.equals(g.annotations)
          );
        });
      if (!same) {
        errs.push(
          `${prefix}    alertname: ${at.alertname}, time: ${formatDuration(at.evalTimeMs)}, \n        exp:${fmtAlerts(exp)}, \n        got:${fmtAlerts(gotList)}`,
        );
      }
    }
    for (const pt of tg.promqlTests) {
      const msg = await checkPromql(pt, tg, query, file.fuzzyCompare);
      if (msg !== undefined) errs.push(`${prefix}${msg}`);
    }
    return errs;
  } finally {
    await st.close();
  }
}

async function checkPromql(
  pt: TestGroup['promqlTests'][number],
  tg: TestGroup,
  query: ReturnType<typeof queryFnFrom>,
  fuzzy: boolean,
): Promise<string | undefined> {
  const head = `    expr: ${JSON.stringify(pt.expr)}, time: ${formatDuration(pt.evalTimeMs)}`;
  let gotS: QuerySample[];
  try {
    gotS = await query(pt.expr, tg.startMs + pt.evalTimeMs);
  } catch (e) {
    return `${head}, err: ${(e as Error).message}`;
  }
  if (pt.expSamples.some((s) => s.histogram)) {
    return `${head}, err: native histogram samples are not supported`;
  }
  let exp: { labels: Labels; v: number }[];
  try {
    exp = pt.expSamples.map((s) => ({ labels: parseSeriesLabels(s.labels), v: s.value }));
  } catch (e) {
    return `${head}, err: ${(e as Error).message}`;
  }
  exp.sort((a, b) => a.labels.compare(b.labels));
  const got = gotS
    .map((s) => ({ labels: s.labels, v: s.v }))
    .sort((a, b) => a.labels.compare(b.labels));
  const same =
    exp.length === got.length &&
    exp.every((e, i) => {
      const g = got[i];
      return g !== undefined && e.labels.equals(g.labels) && sameValue(e.v, g.v, fuzzy);
    });
  if (same) return undefined;
  const fmt = (l: { labels: Labels; v: number }[]) =>
    l.map((s) => `${fmtLabels(s.labels)} ${fmtValue(s.v)}`).join(', ');
  return `${head},\n        exp: ${fmt(exp)}\n        got: ${fmt(got)}`;
}

/** Runs one unit-test file; returns whether it passed and promtool-like output. */
async function runFile(
  name: string,
  deps: RuleTestDeps,
  opts: RuleTestOptions,
): Promise<{ ok: boolean; output: string }> {
  const head = `Unit Testing:  ${name}\n`;
  const fail = (lines: readonly string[]) => ({
    ok: false,
    output: `${head}  FAILED:\n${lines.join('\n')}\n\n`,
  });
  let file: UnitTestFile;
  let specs: GroupSpec[];
  try {
    file = parseUnitTestFile(readFileSync(name, 'utf8'), opts.ignoreUnknownFields === true);
    specs = loadGroups(file, path.dirname(name), opts);
  } catch (e) {
    if (e instanceof RuleFileError) return fail(e.lines());
    return fail([(e as Error).message]);
  }
  const filters = (opts.run ?? []).map((r) => new RegExp(r));
  const errs: string[] = [];
  for (const tg of file.tests) {
    if (filters.length > 0 && !filters.some((re) => re.test(tg.name))) continue;
    try {
      errs.push(...(await runGroup(file, specs, tg, deps)));
    } catch (e) {
      errs.push(`    ${(e as Error).message}`);
    }
  }
  if (errs.length > 0) return fail([errs.join('\n\n')]);
  return { ok: true, output: `${head}  SUCCESS\n\n` };
}

/**
 * Runs `promtool test rules` files with Prometheus' semantics. `ok` is false when any test of any
 * file fails or cannot run; `output` is what promtool prints.
 */
export async function runRuleUnitTests(
  files: readonly string[],
  deps: RuleTestDeps,
  opts: RuleTestOptions = {},
): Promise<{ ok: boolean; output: string }> {
  let ok = true;
  let output = '';
  for (const f of files) {
    const r = await runFile(f, deps, opts);
    ok &&= r.ok;
    output += r.output;
  }
  return { ok, output };
}
