/**
 * Validation of decoded remote-write series: label names, duplicates, the metric name. Turns a
 * series' raw wire-order labels into sorted `Labels`, or throws with the field path.
 */
import { BadInputError, Labels, METRIC_NAME, cmpStr } from '../../model/index.js';

/** A series in a write request is invalid; the message names the field path. */
export class InvalidSeriesError extends BadInputError {
  override readonly name = 'InvalidSeriesError';
}

/**
 * Validates label pairs `[from, to)` of the flat `labels` array (series index `series`, for
 * messages) and returns them as sorted `Labels`. Empty values are dropped (an empty value means
 * "absent"). Label names must be non-empty (UTF-8 validity is checked by the decoder), names
 * must be unique, and `__name__` must be present and non-empty.
 */
export function validatedLabels(
  labels: readonly string[],
  from: number,
  to: number,
  series: number,
): Labels {
  const n = to - from;
  const order: number[] = [];
  for (let p = 0; p < n; p++) {
    const name = labels[(from + p) * 2]!;
    if (name === '') {
      throw new InvalidSeriesError(
        `cannot ingest remote write request: timeseries[${series}].labels[${p}].name: label name is empty`,
      );
    }
    order.push(p);
  }
  order.sort((a, b) => cmpStr(labels[(from + a) * 2]!, labels[(from + b) * 2]!));
  const flat: string[] = [];
  let hasName = false;
  for (let k = 0; k < order.length; k++) {
    const p = order[k]!;
    const name = labels[(from + p) * 2]!;
    const value = labels[(from + p) * 2 + 1]!;
    if (k > 0 && labels[(from + order[k - 1]!) * 2] === name) {
      throw new InvalidSeriesError(
        `cannot ingest remote write request: timeseries[${series}].labels[${p}].name: duplicate label name ${JSON.stringify(name)}`,
      );
    }
    if (value === '') continue;
    if (name === METRIC_NAME) hasName = true;
    flat.push(name, value);
  }
  if (!hasName) {
    throw new InvalidSeriesError(
      `cannot ingest remote write request: timeseries[${series}].labels: series has no metric name (label ${METRIC_NAME} is missing or empty)`,
    );
  }
  return Labels.fromSortedFlat(flat);
}
