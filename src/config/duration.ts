/**
 * Prometheus durations (`1h30m`, `15d`, `500ms`) and byte sizes (`512MB`), parsed and formatted
 * exactly as Prometheus does so that flags and config files mean the same thing in both.
 */

/** Thrown when a duration or size string cannot be parsed. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const MS_PER: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

/** Units in the only order Prometheus accepts them, largest first; each may appear once. */
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/**
 * Parses a Prometheus duration such as `1d12h`, `5m`, `0` or `250ms` into milliseconds. Units
 * must appear largest first and at most once (`y`=365d, `w`=7d, `d`, `h`, `m`, `s`, `ms`), with
 * integer amounts, like Prometheus' `model.ParseDuration`.
 */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationError('cannot parse duration "": empty duration string');
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let pos = 0;
  let next = 0; // index into UNIT_ORDER of the smallest unit still allowed
  let total = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m)
      throw new DurationError(
        `cannot parse duration ${JSON.stringify(s)}: not a valid duration string`,
      );
    const unit = m[2] as (typeof UNIT_ORDER)[number];
    const idx = UNIT_ORDER.indexOf(unit);
    if (idx < next) {
      throw new DurationError(
        `cannot parse duration ${JSON.stringify(s)}: units must go from largest to smallest, each once`,
      );
    }
    next = idx + 1;
    total += Number(m[1]) * MS_PER[unit]!;
    pos = re.lastIndex;
  }
  if (!Number.isSafeInteger(total)) {
    throw new DurationError(`cannot parse duration ${JSON.stringify(s)}: duration out of range`);
  }
  return total;
}

/**
 * Formats milliseconds as Prometheus does (`model.Duration.String()`): `0s` for zero, years and
 * weeks only when they divide the value exactly, then days down to milliseconds.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(Math.trunc(ms));
  let out = ms < 0 ? '-' : '';
  for (const unit of UNIT_ORDER) {
    const mult = MS_PER[unit]!;
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  KIB: 1024,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
  TB: 1024 ** 4,
  TIB: 1024 ** 4,
  PB: 1024 ** 5,
  PIB: 1024 ** 5,
  EB: 1024 ** 6,
  EIB: 1024 ** 6,
};

/**
 * Parses a byte size with Prometheus' base-1024 units (`B`, `KB`, `MB`, `GB`, `TB`, `PB`, `EB`,
 * also written `KiB`…), for example `512MB` or `1GB512MB`; `0` means zero. Amounts may have a
 * fraction (`1.5GB`); the result is rounded down to whole bytes.
 */
export function parseBytes(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationError('cannot parse size "": empty size string');
  const re = /(\d+(?:\.\d+)?)([a-zA-Z]+)/y;
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) {
      throw new DurationError(
        `cannot parse size ${JSON.stringify(s)}: expected a number followed by a unit (B, KB, MB, GB, TB, PB, EB)`,
      );
    }
    const mult = BYTE_UNITS[m[2]!.toUpperCase()];
    if (mult === undefined) {
      throw new DurationError(
        `cannot parse size ${JSON.stringify(s)}: unknown unit ${JSON.stringify(m[2])} (use B, KB, MB, GB, TB, PB, EB)`,
      );
    }
    total += Number(m[1]) * mult;
    pos = re.lastIndex;
  }
  return Math.floor(total);
}

/** Formats bytes with the largest base-1024 unit that divides them exactly (`512MB`, `0B`). */
export function formatBytes(n: number): string {
  if (n === 0) return '0B';
  const units = ['EB', 'PB', 'TB', 'GB', 'MB', 'KB'] as const;
  for (const u of units) {
    const mult = BYTE_UNITS[u]!;
    if (n % mult === 0) return `${n / mult}${u}`;
  }
  return `${n}B`;
}
