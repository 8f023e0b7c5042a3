import { OpenMetricsParser } from './openmetrics.js';
import { PromTextParser } from './promtext.js';
import type { ExpositionParser } from './types.js';

/** The exposition formats Kansoku reads. */
export type ExpositionFormat = 'prometheus-text' | 'openmetrics';

/**
 * Picks the format from an HTTP `Content-Type`, as Prometheus does: OpenMetrics for
 * `application/openmetrics-text`, the text format for everything else (including a missing
 * header).
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  const mt = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mt === 'application/openmetrics-text' ? 'openmetrics' : 'prometheus-text';
}

/** Creates a pull parser for `input` (a string or UTF-8 bytes) in the given format. */
export function newExpositionParser(
  input: string | Uint8Array,
  format: ExpositionFormat,
): ExpositionParser {
  return format === 'openmetrics' ? new OpenMetricsParser(input) : new PromTextParser(input);
}
