import { ProtoDecodeError } from './errors.js';
import { defaultDecodeOptions, type DecodeOptions } from './options.js';
import { WireStrings } from './strings.js';
import { VarintReader } from './varint.js';

/**
 * Known fields per message as `[name, wire type]` by field number, used to tell a wrong wire type
 * of a known field (an error) from an unknown field (skipped).
 */
export type FieldTable = readonly (readonly [string, number] | undefined)[];
/**
 * Shared machinery of the remote-write decoders: options, the string cache, strings with limits,
 * skipping unknown fields, and errors that name the field path being decoded.
 */
export abstract class FieldReader extends VarintReader {
  protected readonly strings: WireStrings;
  protected readonly opts: DecodeOptions;
  // Error context: which message and field is being decoded (used only to build messages).
  protected top = '';
  protected topIdx = 0;
  protected mid = '';
  protected midIdx = 0;
  protected leaf = '';
  /** What the decoder reads, as errors name it. */
  protected what = 'remote write request';

  /** Builds the reader with the defaults overridden by `options`. */
  constructor(options: Partial<DecodeOptions> = {}) {
    super();
    this.opts = { ...defaultDecodeOptions(), ...options };
    this.strings = new WireStrings(this.opts);
  }

  /** String cache hits and misses since the decoder was made (for benchmarks). */
  internStats(): { hits: number; misses: number } {
    return { hits: this.strings.hits, misses: this.strings.misses };
  }

  protected readString(end: number, max: number, setting: string): string {
    const at = this.pos;
    const len = this.readLength(end);
    if (len > max) throw this.fail(at, `${len} bytes is more than ${max} bytes`, setting);
    const start = this.pos;
    this.pos = start + len;
    const s = this.strings.read(this.buf, start, start + len);
    if (s === undefined) throw this.fail(start, 'invalid UTF-8');
    return s;
  }

  /** Skips an unknown field, or fails when a known field has the wrong wire type. */
  protected skipField(tag: number, at: number, end: number, known: FieldTable): void {
    const field = tag >>> 3;
    const wire = tag & 7;
    const def = known[field];
    if (def !== undefined) {
      this.leaf = def[0];
      throw this.fail(at, `wrong wire type ${wire} for field ${field} (expected ${def[1]})`);
    }
    this.leaf = `field ${field}`;
    this.skip(wire, at, end);
  }

  protected override fail(offset: number, reason: string, setting?: string): ProtoDecodeError {
    return new ProtoDecodeError(this.path(), offset, reason, setting, this.what);
  }

  private path(): string {
    let p = '';
    if (this.top !== '') p = `${this.top}[${this.topIdx}]`;
    if (this.mid !== '') p += this.midIdx < 0 ? `.${this.mid}` : `.${this.mid}[${this.midIdx}]`;
    if (this.leaf !== '') p += p === '' ? this.leaf : `.${this.leaf}`;
    return p;
  }
}
