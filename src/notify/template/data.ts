import type { Labels } from '../../model/index.js';
import { fingerprint, isResolved, type Alert } from '../alerts/alert.js';

/** A name/value pair of `SortedPairs`. */
export interface Pair {
  readonly Name: string;
  readonly Value: string;
}

/** Sorted pairs with Alertmanager's `Pairs` methods `Names` and `Values`. */
export class Pairs extends Array<Pair> {
  /** Keeps `map`/`filter` returning plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** The names in order. */
  Names(): string[] {
    return this.map((p) => p.Name);
  }

  /** The values in order. */
  Values(): string[] {
    return this.map((p) => p.Value);
  }
}

const kvHandler: ProxyHandler<KV> = {
  // Like a Go map[string]string: a missing key reads as the empty string.
  get(target, key, receiver) {
    if (typeof key !== 'string' || key in target)
      return Reflect.get(target, key, receiver) as unknown;
    return '';
  },
  has(target, key) {
    return typeof key === 'string' || key in target;
  },
};

/**
 * A label or annotation set as templates see it (Alertmanager's `template.KV`): the pairs are own
 * properties (so `.Labels.severity`, `index .Labels "x"`, `len` and `range` work), a missing
 * name reads as '' like a Go map, and the methods `SortedPairs`, `Names`, `Values` and `Remove`
 * sit on the prototype.
 */
export class KV {
  [name: string]: unknown;

  constructor(rec: Readonly<Record<string, string>>) {
    for (const k of Object.keys(rec)) this[k] = rec[k];
    return new Proxy(this, kvHandler);
  }

  /** The pairs as a plain record. */
  static toRecord(kv: KV): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of Object.keys(kv).sort()) out[k] = String(kv[k]);
    return out;
  }

  /** Pairs sorted by name. */
  SortedPairs(): Pairs {
    const out = new Pairs();
    for (const k of Object.keys(this).sort()) out.push({ Name: k, Value: String(this[k]) });
    return out;
  }

  /** Sorted names. */
  Names(): string[] {
    return Object.keys(this).sort();
  }

  /** Values in name order. */
  Values(): string[] {
    return this.SortedPairs().map((p) => p.Value);
  }

  /** A copy without the given names. */
  Remove(names: unknown): KV {
    const drop = new Set(Array.isArray(names) ? names.map(String) : []);
    return new KV(
      Object.fromEntries(Object.entries(KV.toRecord(this)).filter(([k]) => !drop.has(k))),
    );
  }

  /** Go prints maps as `map[a:b c:d]`. */
  toString(): string {
    return `map[${this.SortedPairs()
      .map((p) => `${p.Name}:${p.Value}`)
      .join(' ')}]`;
  }
}

/** One alert as templates see it. */
export interface TemplateAlert {
  readonly Status: 'firing' | 'resolved';
  readonly Labels: KV;
  readonly Annotations: KV;
  readonly StartsAt: Date;
  readonly EndsAt: Date;
  readonly GeneratorURL: string;
  readonly Fingerprint: string;
}

/** The alert list of template data, with `.Firing` and `.Resolved`. */
export class AlertList extends Array<TemplateAlert> {
  /** Keeps `map`/`filter` returning plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** The firing alerts. */
  Firing(): TemplateAlert[] {
    return this.filter((a) => a.Status === 'firing');
  }

  /** The resolved alerts. */
  Resolved(): TemplateAlert[] {
    return this.filter((a) => a.Status === 'resolved');
  }
}

/** Alertmanager's notification template data (`template.Data`). */
export interface TemplateData {
  readonly Receiver: string;
  readonly Status: 'firing' | 'resolved';
  readonly Alerts: AlertList;
  readonly GroupLabels: KV;
  readonly CommonLabels: KV;
  readonly CommonAnnotations: KV;
  readonly ExternalURL: string;
}

/** Escapes regular expression metacharacters like Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const first = sets[0];
  if (first === undefined) return {};
  return Object.fromEntries(
    Object.entries(first).filter(([k, v]) => sets.every((s) => s[k] === v)),
  );
}

/** Converts one alert for templates. */
export function templateAlert(a: Alert, nowMs: number): TemplateAlert {
  return {
    Status: isResolved(a, nowMs) ? 'resolved' : 'firing',
    Labels: new KV(a.labels.toRecord()),
    Annotations: new KV(a.annotations),
    StartsAt: new Date(a.startsAtMs),
    EndsAt: new Date(a.endsAtMs),
    GeneratorURL: a.generatorURL,
    Fingerprint: fingerprint(a.labels),
  };
}

/** Builds the template data of one notification, like Alertmanager's `template.Data`. */
export function templateData(
  receiver: string,
  groupLabels: Labels,
  alerts: readonly Alert[],
  externalURL: string,
  nowMs: number,
): TemplateData {
  const list = new AlertList();
  for (const a of alerts) list.push(templateAlert(a, nowMs));
  return {
    Receiver: quoteMeta(receiver),
    Status: list.some((a) => a.Status === 'firing') ? 'firing' : 'resolved',
    Alerts: list,
    GroupLabels: new KV(groupLabels.toRecord()),
    CommonLabels: new KV(common(alerts.map((a) => a.labels.toRecord()))),
    CommonAnnotations: new KV(common(alerts.map((a) => a.annotations))),
    ExternalURL: externalURL,
  };
}
