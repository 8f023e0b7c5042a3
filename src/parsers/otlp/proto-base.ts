/**
 * Shared pieces of the OTLP protobuf decoder: the field loop, typed field readers that check wire
 * types and keep the field path, attributes (`KeyValue`/`AnyValue`) and exemplars.
 */
import {
  type AnyValue,
  type KeyValue,
  type OTLPDecodeOptions,
  type OTLPExemplar,
} from './types.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader } from './wire.js';

const EMPTY_VALUE: AnyValue = { kind: 'empty' };

/** Base of the protobuf decoder; one request at a time. */
export abstract class ProtoBase {
  protected readonly r = new WireReader();
  constructor(protected readonly opts: OTLPDecodeOptions) {}

  /** Loops over the fields of a message ending at `end`, calling `fn` for each known one. */
  protected fields(end: number, fn: (field: number, wire: number, at: number) => boolean): void {
    const r = this.r;
    while (r.pos < end) {
      const at = r.pos;
      const t = r.tag(end);
      if (!fn(t >>> 3, t & 7, at)) r.skip(t & 7, at, end);
    }
    if (r.pos !== end) throw r.fail(r.pos, 'field runs past the end of its message');
  }

  protected sub<T>(
    name: string,
    index: number,
    wire: number,
    at: number,
    end: number,
    fn: (e: number) => T,
  ): T {
    const r = this.r;
    r.enter(name, index);
    r.expect(wire, WIRE_LEN, at, name);
    const v = fn(r.len(end));
    r.leave();
    return v;
  }

  protected str(name: string, w: number, at: number, end: number): string {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_LEN, at, name);
    const s = r.string(end);
    r.leave();
    return s;
  }

  protected varint(name: string, w: number, at: number, end: number): number {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_VARINT, at, name);
    const v = r.uint32(end);
    r.leave();
    return v;
  }

  protected f64(name: string, w: number, at: number, end: number): number {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_I64, at, name);
    const v = r.double(end);
    r.leave();
    return v;
  }

  protected fixed(name: string, w: number, at: number, end: number): bigint {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_I64, at, name);
    const v = r.fixed64(end);
    r.leave();
    return v;
  }

  protected count(name: string, w: number, at: number, end: number): number {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_I64, at, name);
    const v = r.fixed64Number(end);
    r.leave();
    return v;
  }

  protected kv(
    name: string,
    index: number,
    w: number,
    at: number,
    end: number,
    depth: number,
  ): KeyValue {
    const r = this.r;
    r.enter(name, index);
    r.expect(w, WIRE_LEN, at, name);
    const e = r.len(end);
    let key = '';
    let value: AnyValue = EMPTY_VALUE;
    // A hand-written field loop: this runs once per attribute of every point.
    while (r.pos < e) {
      const at2 = r.pos;
      const t = r.tag(e);
      const f = t >>> 3;
      if (f === 1) key = this.str('key', t & 7, at2, e);
      else if (f === 2) {
        r.enter('value');
        r.expect(t & 7, WIRE_LEN, at2, 'value');
        value = this.anyValue(r.len(e), depth);
        r.leave();
      } else r.skip(t & 7, at2, e);
    }
    r.leave();
    return { key, value };
  }

  protected anyValue(end: number, depth: number): AnyValue {
    const r = this.r;
    if (depth >= this.opts.maxValueDepth) {
      throw r.fail(r.pos, `attribute values nested deeper than ${this.opts.maxValueDepth} levels`);
    }
    let v: AnyValue = EMPTY_VALUE;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 1:
          v = { kind: 'string', value: this.str('stringValue', w, at, end) };
          return true;
        case 2:
          r.expect(w, WIRE_VARINT, at, 'boolValue');
          v = { kind: 'bool', value: r.bool(end) };
          return true;
        case 3:
          r.expect(w, WIRE_VARINT, at, 'intValue');
          v = { kind: 'int', value: r.int64(end) };
          return true;
        case 4:
          v = { kind: 'double', value: this.f64('doubleValue', w, at, end) };
          return true;
        case 5: {
          const values: AnyValue[] = [];
          this.sub('arrayValue', -1, w, at, end, (e) => {
            this.fields(e, (f2, w2, at2) => {
              if (f2 !== 1) return false;
              values.push(
                this.sub('values', values.length, w2, at2, e, (e2) => this.anyValue(e2, depth + 1)),
              );
              return true;
            });
          });
          v = { kind: 'array', value: values };
          return true;
        }
        case 6: {
          const values: KeyValue[] = [];
          this.sub('kvlistValue', -1, w, at, end, (e) => {
            this.fields(e, (f2, w2, at2) => {
              if (f2 !== 1) return false;
              values.push(this.kv('values', values.length, w2, at2, e, depth + 1));
              return true;
            });
          });
          v = { kind: 'kvlist', value: values };
          return true;
        }
        case 7:
          r.expect(w, WIRE_LEN, at, 'bytesValue');
          v = { kind: 'bytes', value: r.bytesField(end) };
          return true;
        default:
          return false;
      }
    });
    return v;
  }

  protected exemplar(end: number): OTLPExemplar {
    const filteredAttributes: KeyValue[] = [];
    let time = 0n;
    let value = 0;
    let spanId: Uint8Array = new Uint8Array(0);
    let traceId: Uint8Array = new Uint8Array(0);
    this.fields(end, (f, w, at) => {
      if (f === 7)
        filteredAttributes.push(
          this.kv('filteredAttributes', filteredAttributes.length, w, at, end, 0),
        );
      else if (f === 2) time = this.fixed('timeUnixNano', w, at, end);
      else if (f === 3) value = this.f64('asDouble', w, at, end);
      else if (f === 6) {
        this.r.expect(w, WIRE_I64, at, 'asInt');
        value = this.r.sfixed64Number(end);
      } else if (f === 4 || f === 5) {
        this.r.expect(w, WIRE_LEN, at, f === 4 ? 'spanId' : 'traceId');
        if (f === 4) spanId = this.r.bytesField(end);
        else traceId = this.r.bytesField(end);
      } else return false;
      return true;
    });
    return { filteredAttributes, timeUnixNano: time, value, spanId, traceId };
  }
}
