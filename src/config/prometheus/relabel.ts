import {
  MatcherError,
  RELABEL_ACTIONS,
  compileAnchored,
  relabelRule,
  type RelabelAction,
  type RelabelRule,
} from '../../model/index.js';
import { ConfigError, ObjReader, isNull, lineOf, type ReadContext } from './yamlnode.js';

const DEFAULT_REGEX = '(.*)';
/** Prometheus' pattern for target labels and labelmap replacements with `$` references. */
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Reads a list of relabel rules. `what` names the list in errors the way Prometheus does
 * ("target relabeling rule", "metric relabeling rule", …).
 */
export function readRelabelList(
  ctx: ReadContext,
  nodes: readonly unknown[],
  what: string,
): RelabelRule[] {
  return nodes.map((n) => {
    if (isNull(n)) throw new ConfigError(`empty or null ${what}`, lineOf(ctx, n));
    return readRelabel(new ObjReader(ctx, n, 'relabel.plain'));
  });
}

/** Reads and validates one `relabel_config` exactly as strictly as Prometheus. */
export function readRelabel(o: ObjReader): RelabelRule {
  const hasAction = o.has('action');
  const actionRaw = o.str('action', hasAction ? '' : 'replace').toLowerCase();
  if (actionRaw === '') throw new ConfigError('relabel action cannot be empty', o.lineOf('action'));
  if (!(RELABEL_ACTIONS as readonly string[]).includes(actionRaw)) {
    throw new ConfigError(
      `unknown relabel action ${JSON.stringify(actionRaw)}`,
      o.lineOf('action'),
    );
  }
  const action = actionRaw as RelabelAction;
  const sourceLabels = o.strList('source_labels');
  const separator = o.str('separator', ';');
  const regexNode = o.raw('regex');
  const regex = isNull(regexNode) ? DEFAULT_REGEX : o.str('regex');
  const targetLabel = o.str('target_label');
  const replacement =
    o.has('replacement') && !isNull(o.raw('replacement')) ? o.str('replacement') : '$1';
  const modulus = o.int('modulus', 0);
  o.done();
  const fail = (msg: string): never => {
    throw new ConfigError(msg, lineOf(o.ctx, o.node));
  };
  let re: RegExp;
  try {
    re = compileAnchored(regex);
  } catch (e) {
    const detail = e instanceof MatcherError ? e.message : String(e);
    return fail(`error parsing regexp: ${detail}`);
  }
  for (const s of sourceLabels) {
    if (!LABEL_NAME.test(s) && !/^\S+$/.test(s))
      fail(`${JSON.stringify(s)} is not a valid label name`);
  }
  if (action === 'hashmod' && modulus === 0) {
    fail('relabel configuration for hashmod requires non-zero modulus');
  }
  const needsTarget: RelabelAction[] = [
    'replace',
    'hashmod',
    'lowercase',
    'uppercase',
    'keepequal',
    'dropequal',
  ];
  if (needsTarget.includes(action) && targetLabel === '') {
    fail(`relabel configuration for ${action} action requires 'target_label' value`);
  }
  if (action === 'replace' && !RELABEL_TARGET.test(targetLabel)) {
    fail(`${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  }
  const exact: RelabelAction[] = ['lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (exact.includes(action) && !LABEL_NAME.test(targetLabel)) {
    fail(`${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  }
  if ((action === 'lowercase' || action === 'uppercase') && replacement !== '$1') {
    fail(`'replacement' can not be set for ${action} action`);
  }
  if (action === 'labelmap' && !RELABEL_TARGET.test(replacement)) {
    fail(`${JSON.stringify(replacement)} is invalid 'replacement' for ${action} action`);
  }
  if (action === 'hashmod' && !LABEL_NAME.test(targetLabel)) {
    fail(`${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  }
  if (
    (action === 'dropequal' || action === 'keepequal') &&
    (regex !== DEFAULT_REGEX || modulus !== 0 || separator !== ';' || replacement !== '$1')
  ) {
    fail(
      `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`,
    );
  }
  if (
    (action === 'labeldrop' || action === 'labelkeep') &&
    (sourceLabels.length > 0 ||
      targetLabel !== '' ||
      modulus !== 0 ||
      separator !== ';' ||
      replacement !== '$1')
  ) {
    fail(`${action} action requires only 'regex', and no other fields`);
  }
  return relabelRule({
    action,
    sourceLabels,
    separator,
    regex: re,
    targetLabel,
    replacement,
    modulus,
  });
}
