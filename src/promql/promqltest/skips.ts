/** Which peer-suite evals to skip, by feature, using the suite's manifest. */
import { Matcher } from '../../model/index.js';
import type { EvalCommand } from './script.js';
import type { SegmentInfo } from './runner.js';

/** One eval as the manifest lists it. */
export interface ManifestEval {
  line: number;
  kind: string;
  expr: string;
  native_histograms: boolean;
  segment_has_native_histograms: boolean;
  features?: string[];
}

/** The suite manifest: per file, its evals. */
export type Manifest = Record<string, { eval_list: ManifestEval[] }>;

/** Experimental features the engine implements (the rest are skipped). */
const SUPPORTED_FEATURES = new Set([
  'experimental_function:sort_by_label',
  'experimental_function:sort_by_label_desc',
  'experimental_function:double_exponential_smoothing',
  'experimental_function:mad_over_time',
  'experimental_function:ts_of_first_over_time',
  'experimental_function:ts_of_last_over_time',
  'experimental_function:ts_of_max_over_time',
  'experimental_function:ts_of_min_over_time',
  'experimental_function:limitk',
  'experimental_function:limit_ratio',
  'experimental_function:start',
  'experimental_function:end',
  'experimental_function:range',
  'experimental_function:step',
  'experimental_function:max_of',
  'experimental_function:min_of',
  'duration_expressions',
  'binop_fill_modifiers',
  'extended_range_selectors',
  'experimental_function:info',
  'experimental_function:histogram_quantiles',
]);

/** Whether label matchers accept Go's inline flag groups such as `(?i:abc)` on this runtime. */
function inlineFlagGroupsSupported(): boolean {
  try {
    return new Matcher('=~', 'x', 'a(?i:b)').matches('aB');
  } catch {
    return false;
  }
}

const INLINE_FLAGS_OK = inlineFlagGroupsSupported();

/** The reason to skip an eval, or undefined to run it. */
export function skipReason(
  m: Manifest,
  file: string,
  ev: EvalCommand,
  seg: SegmentInfo,
): string | undefined {
  const entry = m[file]?.eval_list.find((e) => e.line === ev.line);
  if (entry?.native_histograms) return 'needs native histograms';
  if (seg.hasStartTimestamps) return 'needs start timestamps (@st, experimental)';
  if (!INLINE_FLAGS_OK && /\(\?[imsU]+:|[^"'`]\(\?[imsU]+\)/.test(ev.expr))
    return 'regex inline flag groups like (?i:…) are not supported by model Matcher on this Node version';
  const missing = (entry?.features ?? []).filter((f) => !SUPPORTED_FEATURES.has(f));
  if (missing.length > 0) return `needs experimental feature ${missing.join(', ')}`;
  return undefined;
}
