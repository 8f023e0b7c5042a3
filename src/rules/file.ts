import { readFileSync } from 'node:fs';
import { parseDuration } from '../config/index.js';
import { isValidLegacyLabelName, isValidLegacyMetricName } from '../model/index.js';
import { parseExpr, type Expr } from '../promql/parser/index.js';
import { Template, prometheusFuncs } from '../util/index.js';
import { RuleFileError, type RuleIssue } from './errors.js';
import type { GroupSpec, NameValidation, RuleFileOptions, RuleSpec } from './types.js';
import {
  YamlShapeError,
  keyText,
  mapPairs,
  parseYamlDoc,
  posOf,
  scalarInt,
  scalarText,
  seqItems,
  stringMap,
  type YamlDoc,
} from './yamlnode.js';

/** The variable definitions Prometheus puts before every alert label and annotation template. */
export const TEMPLATE_DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

const GROUP_FIELDS = new Set(['name', 'interval', 'query_offset', 'limit', 'rules', 'labels']);
const RULE_FIELDS = new Set([
  'record',
  'alert',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

function validMetricName(s: string, v: NameValidation): boolean {
  return v === 'legacy' ? isValidLegacyMetricName(s) : s.length > 0;
}

function validLabelName(s: string, v: NameValidation): boolean {
  return v === 'legacy' ? isValidLegacyLabelName(s) : s.length > 0;
}

/** Rejects fields a strict decoder does not know, in go-yaml's wording. */
function checkFields(
  doc: YamlDoc,
  node: unknown,
  known: ReadonlySet<string>,
  typeName: string,
  out: string[],
): void {
  for (const p of mapPairs(doc, node, typeName)) {
    const k = keyText(p.key);
    if (!known.has(k)) {
      out.push(`line ${posOf(doc, p.key)?.line ?? 0}: field ${k} not found in type ${typeName}`);
    }
  }
}

function field(doc: YamlDoc, node: unknown, name: string): unknown {
  for (const p of mapPairs(doc, node, '')) if (keyText(p.key) === name) return p.value;
  return undefined;
}

function durationField(doc: YamlDoc, node: unknown): number {
  const s = scalarText(doc, node, 'model.Duration');
  if (s === '') return 0;
  try {
    return parseDuration(s);
  } catch {
    throw new YamlShapeError(`not a valid duration string: "${s}"`, posOf(doc, node)?.line);
  }
}

/** Checks that a template parses the way Prometheus parses alert templates. */
function templateError(alert: string, text: string): string | undefined {
  try {
    new Template(`__alert_${alert}`, TEMPLATE_DEFS + text, prometheusFuncs());
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface RawRule {
  readonly node: unknown;
  readonly record: string;
  readonly alert: string;
  readonly expr: string;
  readonly forMs: number;
  readonly keepMs: number;
  readonly labels: Map<string, string>;
  readonly annotations: Map<string, string>;
}

function readRule(doc: YamlDoc, node: unknown): RawRule {
  return {
    node,
    record: scalarText(doc, field(doc, node, 'record'), 'string'),
    alert: scalarText(doc, field(doc, node, 'alert'), 'string'),
    expr: scalarText(doc, field(doc, node, 'expr'), 'string'),
    forMs: durationField(doc, field(doc, node, 'for')),
    keepMs: durationField(doc, field(doc, node, 'keep_firing_for')),
    labels: stringMap(doc, field(doc, node, 'labels'), 'labels'),
    annotations: stringMap(doc, field(doc, node, 'annotations'), 'annotations'),
  };
}

function at(doc: YamlDoc, node: unknown): string {
  const p = posOf(doc, node);
  return p ? `${p.line}:${p.col}: ` : '';
}

/** Validates one rule like Prometheus' rulefmt; returns messages without the group prefix. */
function validateRule(
  doc: YamlDoc,
  r: RawRule,
  v: NameValidation,
): { msgs: string[]; parsed: Expr | undefined } {
  const msgs: string[] = [];
  const recNode = field(doc, r.node, 'record');
  const exprNode = field(doc, r.node, 'expr');
  if (r.record !== '' && r.alert !== '') msgs.push("only one of 'record' and 'alert' must be set");
  if (r.record === '' && r.alert === '') msgs.push("one of 'record' or 'alert' must be set");
  let parsed: Expr | undefined;
  if (r.expr === '') msgs.push(`${at(doc, exprNode)}field 'expr' must be set in rule`);
  else {
    try {
      parsed = parseExpr(r.expr);
    } catch (e) {
      msgs.push(`${at(doc, exprNode)}could not parse expression: ${(e as Error).message}`);
    }
  }
  if (r.record !== '') {
    const p = at(doc, recNode);
    if (r.annotations.size > 0) msgs.push(`${p}invalid field 'annotations' in recording rule`);
    if (r.forMs !== 0) msgs.push(`${p}invalid field 'for' in recording rule`);
    if (r.keepMs !== 0) msgs.push(`${p}invalid field 'keep_firing_for' in recording rule`);
    if (!validMetricName(r.record, v)) msgs.push(`${p}invalid recording rule name: ${r.record}`);
    if (r.record.includes('{') || r.record.includes('}')) {
      msgs.push(
        `${p}braces present in the recording rule name; should it be in expr?: ${r.record}`,
      );
    }
  }
  for (const k of r.labels.keys()) {
    if (!validLabelName(k, v) || k === '__name__') msgs.push(`invalid label name: ${k}`);
  }
  for (const k of r.annotations.keys()) {
    if (!validLabelName(k, v)) msgs.push(`invalid annotation name: ${k}`);
  }
  if (r.alert !== '') {
    for (const [k, t] of r.labels) {
      const err = templateError(r.alert, t);
      if (err !== undefined) msgs.push(`label ${JSON.stringify(k)}: ${err}`);
    }
    for (const [k, t] of r.annotations) {
      const err = templateError(r.alert, t);
      if (err !== undefined) msgs.push(`annotation ${JSON.stringify(k)}: ${err}`);
    }
  }
  return { msgs, parsed };
}

/** Reads the shape of the file: unknown fields and wrong kinds are collected, not thrown. */
function readGroups(doc: YamlDoc, opts: RuleFileOptions, shape: string[]): unknown[] {
  if (!opts.ignoreUnknownFields) {
    checkFields(doc, doc.root, new Set(['groups']), 'rulefmt.RuleGroups', shape);
  }
  const groups = seqItems(doc, field(doc, doc.root, 'groups'), '[]rulefmt.RuleGroup');
  if (!opts.ignoreUnknownFields) {
    for (const g of groups) {
      checkFields(doc, g, GROUP_FIELDS, 'rulefmt.RuleGroup', shape);
      for (const r of seqItems(doc, field(doc, g, 'rules'), '[]rulefmt.Rule')) {
        checkFields(doc, r, RULE_FIELDS, 'rulefmt.RuleNode', shape);
      }
    }
  }
  return groups;
}

/**
 * Parses and validates the text of a rule file as strictly as `promtool check rules`. Throws
 * RuleFileError listing every problem, each naming the group, the 1-based rule index and the line.
 */
export function parseRuleFile(text: string, file: string, opts: RuleFileOptions = {}): GroupSpec[] {
  const v = opts.nameValidation ?? 'legacy';
  const issues: RuleIssue[] = [];
  const out: GroupSpec[] = [];
  try {
    const doc = parseYamlDoc(text);
    const shape: string[] = [];
    const groups = readGroups(doc, opts, shape);
    if (shape.length > 0) {
      throw new RuleFileError(file, [
        { message: `yaml: unmarshal errors:\n  ${shape.join('\n  ')}` },
      ]);
    }
    const seen = new Set<string>();
    for (const g of groups) {
      const pos = posOf(doc, g);
      const where = pos ? `${pos.line}:${pos.col}: ` : '';
      const name = scalarText(doc, field(doc, g, 'name'), 'string');
      if (name === '')
        issues.push({ message: `${where}Groupname must not be empty`, line: pos?.line });
      if (seen.has(name)) {
        issues.push({
          message: `${where}groupname: "${name}" is repeated in the same file`,
          group: name,
          line: pos?.line,
        });
      }
      seen.add(name);
      const labels = stringMap(doc, field(doc, g, 'labels'), 'labels');
      for (const k of labels.keys()) {
        if (!validLabelName(k, v) || k === '__name__') {
          issues.push({ message: `invalid label name: ${k}`, group: name, line: pos?.line });
        }
      }
      const intervalMs = durationField(doc, field(doc, g, 'interval'));
      const offNode = field(doc, g, 'query_offset');
      const queryOffsetMs = offNode === undefined ? undefined : durationField(doc, offNode);
      const limit = scalarInt(doc, field(doc, g, 'limit'), 'int');
      const rules: RuleSpec[] = [];
      seqItems(doc, field(doc, g, 'rules'), '[]rulefmt.Rule').forEach((node, i) => {
        const raw = readRule(doc, node);
        const { msgs, parsed } = validateRule(doc, raw, v);
        const ruleName = raw.alert !== '' ? raw.alert : raw.record;
        const line = posOf(doc, node)?.line ?? 0;
        for (const m of msgs) {
          const lead = /^\d+:\d+: /.exec(m)?.[0] ?? '';
          issues.push({
            message: `${lead}group ${JSON.stringify(name)}, rule ${i + 1}, ${JSON.stringify(ruleName)}: ${m.slice(lead.length)}`,
            group: name,
            rule: i + 1,
            line,
          });
        }
        if (msgs.length === 0 && parsed) {
          rules.push({
            kind: raw.record !== '' ? 'recording' : 'alerting',
            name: ruleName,
            expr: raw.expr,
            parsed,
            forMs: raw.forMs,
            keepFiringForMs: raw.keepMs,
            labels: raw.labels,
            annotations: raw.annotations,
            line,
          });
        }
      });
      out.push({ name, file, intervalMs, queryOffsetMs, limit, labels, rules });
    }
  } catch (e) {
    if (e instanceof RuleFileError) throw e;
    if (e instanceof YamlShapeError) {
      const lead = e.line === undefined ? '' : `line ${e.line}: `;
      throw new RuleFileError(file, [
        {
          message: `yaml: unmarshal errors:\n  ${lead}${e.message}`,
          ...(e.line === undefined ? {} : { line: e.line }),
        },
      ]);
    }
    throw e;
  }
  if (issues.length > 0) throw new RuleFileError(file, issues);
  return out;
}

/** Reads and validates a rule file from disk; see parseRuleFile. */
export function loadRuleFile(file: string, opts: RuleFileOptions = {}): GroupSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RuleFileError(file, [{ message: (e as Error).message }]);
  }
  return parseRuleFile(text, file, opts);
}

/** The number of rules in a set of groups, as `promtool check rules` reports it. */
export function countRules(groups: readonly GroupSpec[]): number {
  return groups.reduce((n, g) => n + g.rules.length, 0);
}

/**
 * Checks rule files like `promtool check rules`: per file `Checking <file>` then
 * `  SUCCESS: <n> rules found` or `  FAILED:` with every problem. `ok` is false if any file fails.
 */
export function checkRuleFiles(
  files: readonly string[],
  opts: RuleFileOptions = {},
): { ok: boolean; output: string } {
  let ok = true;
  let output = '';
  for (const f of files) {
    output += `Checking ${f}\n`;
    try {
      const n = countRules(loadRuleFile(f, opts));
      output += `  SUCCESS: ${n} rules found\n\n`;
    } catch (e) {
      ok = false;
      const lines = e instanceof RuleFileError ? e.lines() : [String(e)];
      output += `  FAILED:\n${lines.join('\n')}\n\n`;
    }
  }
  return { ok, output };
}
