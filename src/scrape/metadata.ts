import type { ExpositionParser, MetricType } from '../parsers/index.js';

/** Metadata of one metric family, as exposed by a target. */
export interface MetricMetadata {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/**
 * Gathers the HELP, TYPE and UNIT lines of a scrape into a target's metadata map, one family at
 * a time (lines of one family name in a row belong together). A map entry is replaced only when
 * the family's metadata changed, so a scrape of unchanged metadata allocates nothing for it.
 */
export class MetadataCollector {
  private name = '';
  private type: MetricType = 'unknown';
  private help = '';
  private unit = '';

  /** `into` is the target's metadata, by family name; owned by the scrape loop. */
  constructor(private readonly into: Map<string, MetricMetadata>) {}

  /** Starts a scrape (drops what a failed scrape left pending). */
  begin(): void {
    this.name = '';
  }

  /** Takes the current entry of `p`, a HELP, TYPE or UNIT line. */
  line(kind: 'help' | 'type' | 'unit', p: ExpositionParser): void {
    const name = p.metricName();
    if (this.name !== name) {
      this.flush();
      this.name = name;
      this.type = 'unknown';
      this.help = '';
      this.unit = '';
    }
    if (kind === 'type') this.type = p.metricType();
    else if (kind === 'help') this.help = p.text();
    else this.unit = p.text();
  }

  /** Stores the family being gathered; call at the end of a scrape. */
  flush(): void {
    if (this.name === '') return;
    const old = this.into.get(this.name);
    if (old?.type !== this.type || old.help !== this.help || old.unit !== this.unit) {
      this.into.set(this.name, { type: this.type, help: this.help, unit: this.unit });
    }
    this.name = '';
  }
}
