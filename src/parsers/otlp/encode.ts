/**
 * An encoder of the OTLP metrics data model into protobuf, the inverse of `decodeMetricsProto`
 * (used by tests and tools that send OTLP). Not a hot path: it builds nested messages into
 * temporary buffers.
 */
import type {
  AnyValue,
  ExpBuckets,
  KeyValue,
  MetricsRequest,
  OTLPExemplar,
  OTLPMetric,
  PointBase,
} from './types.js';

const enc = new TextEncoder();

class Msg {
  private readonly parts: Uint8Array[] = [];
  private readonly scratch = new DataView(new ArrayBuffer(8));

  bytes(): Uint8Array {
    return Buffer.concat(this.parts);
  }

  private varintRaw(v: bigint): void {
    const out: number[] = [];
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    this.parts.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varintRaw(BigInt((field << 3) | wire));
  }

  varint(field: number, v: number | bigint, always = false): void {
    if (!always && (v === 0 || v === 0n)) return;
    this.tag(field, 0);
    this.varintRaw(BigInt(v));
  }

  sint32(field: number, v: number): void {
    if (v === 0) return;
    this.varint(field, v >= 0 ? v * 2 : -v * 2 - 1);
  }

  fixed64(field: number, v: bigint | number, always = false): void {
    if (!always && (v === 0 || v === 0n)) return;
    this.tag(field, 1);
    this.scratch.setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
    this.parts.push(new Uint8Array(this.scratch.buffer.slice(0)));
  }

  double(field: number, v: number | undefined, always = false): void {
    if (v === undefined || (!always && v === 0 && !Object.is(v, -0))) return;
    this.tag(field, 1);
    this.scratch.setFloat64(0, v, true);
    this.parts.push(new Uint8Array(this.scratch.buffer.slice(0)));
  }

  sfixed64(field: number, v: bigint): void {
    this.fixed64(field, v, true);
  }

  bytesField(field: number, b: Uint8Array, always = false): void {
    if (!always && b.length === 0) return;
    this.tag(field, 2);
    this.varintRaw(BigInt(b.length));
    this.parts.push(b);
  }

  string(field: number, s: string): void {
    this.bytesField(field, enc.encode(s));
  }

  msg(field: number, m: Msg): void {
    this.bytesField(field, m.bytes(), true);
  }

  packed(field: number, vs: Float64Array, kind: 'double' | 'fixed64' | 'varint'): void {
    if (vs.length === 0) return;
    const m = new Msg();
    for (const v of vs) {
      if (kind === 'varint') m.varintRaw(BigInt(v));
      else {
        const dv = new DataView(new ArrayBuffer(8));
        if (kind === 'double') dv.setFloat64(0, v, true);
        else dv.setBigUint64(0, BigInt(v), true);
        m.parts.push(new Uint8Array(dv.buffer));
      }
    }
    this.bytesField(field, m.bytes(), true);
  }
}

function anyValue(v: AnyValue): Msg {
  const m = new Msg();
  switch (v.kind) {
    case 'string':
      m.bytesField(1, enc.encode(v.value), true);
      break;
    case 'bool':
      m.varint(2, v.value ? 1 : 0, true);
      break;
    case 'int':
      m.varint(3, v.value, true);
      break;
    case 'double':
      m.double(4, v.value, true);
      break;
    case 'array': {
      const a = new Msg();
      for (const x of v.value) a.msg(1, anyValue(x));
      m.msg(5, a);
      break;
    }
    case 'kvlist': {
      const l = new Msg();
      for (const kv of v.value) l.msg(1, keyValue(kv));
      m.msg(6, l);
      break;
    }
    case 'bytes':
      m.bytesField(7, v.value, true);
      break;
    case 'empty':
      break;
  }
  return m;
}

function keyValue(kv: KeyValue): Msg {
  const m = new Msg();
  m.string(1, kv.key);
  m.msg(2, anyValue(kv.value));
  return m;
}

function attrs(m: Msg, field: number, kvs: readonly KeyValue[]): void {
  for (const kv of kvs) m.msg(field, keyValue(kv));
}

function base(m: Msg, p: PointBase, attrField: number, flagsField: number): void {
  attrs(m, attrField, p.attributes);
  m.fixed64(2, p.startTimeUnixNano);
  m.fixed64(3, p.timeUnixNano);
  m.varint(flagsField, p.flags);
}

function exemplar(e: OTLPExemplar): Msg {
  const m = new Msg();
  attrs(m, 7, e.filteredAttributes);
  m.fixed64(2, e.timeUnixNano);
  m.double(3, e.value, true);
  m.bytesField(4, e.spanId);
  m.bytesField(5, e.traceId);
  return m;
}

function buckets(b: ExpBuckets): Msg {
  const m = new Msg();
  m.sint32(1, b.offset);
  m.packed(2, b.bucketCounts, 'varint');
  return m;
}

const TEMPORALITY = { unspecified: 0, delta: 1, cumulative: 2 } as const;

function metric(x: OTLPMetric): Msg {
  const m = new Msg();
  m.string(1, x.name);
  m.string(2, x.description);
  m.string(3, x.unit);
  const d = x.data;
  const data = new Msg();
  switch (d.type) {
    case 'gauge':
    case 'sum':
      for (const p of d.points) {
        const pm = new Msg();
        base(pm, p, 7, 8);
        pm.double(4, p.value, true);
        for (const e of p.exemplars) pm.msg(5, exemplar(e));
        data.msg(1, pm);
      }
      if (d.type === 'sum') {
        data.varint(2, TEMPORALITY[d.temporality]);
        data.varint(3, d.monotonic ? 1 : 0);
      }
      m.msg(d.type === 'gauge' ? 5 : 7, data);
      break;
    case 'histogram':
      for (const p of d.points) {
        const pm = new Msg();
        base(pm, p, 9, 10);
        pm.fixed64(4, p.count);
        pm.double(5, p.sum, true);
        pm.packed(6, p.bucketCounts, 'fixed64');
        pm.packed(7, p.explicitBounds, 'double');
        for (const e of p.exemplars) pm.msg(8, exemplar(e));
        pm.double(11, p.min, true);
        pm.double(12, p.max, true);
        data.msg(1, pm);
      }
      data.varint(2, TEMPORALITY[d.temporality]);
      m.msg(9, data);
      break;
    case 'exponentialHistogram':
      for (const p of d.points) {
        const pm = new Msg();
        base(pm, p, 1, 10);
        pm.fixed64(4, p.count);
        pm.double(5, p.sum, true);
        pm.sint32(6, p.scale);
        pm.fixed64(7, p.zeroCount);
        pm.msg(8, buckets(p.positive));
        pm.msg(9, buckets(p.negative));
        pm.double(12, p.min, true);
        pm.double(13, p.max, true);
        pm.double(14, p.zeroThreshold);
        data.msg(1, pm);
      }
      data.varint(2, TEMPORALITY[d.temporality]);
      m.msg(10, data);
      break;
    case 'summary':
      for (const p of d.points) {
        const pm = new Msg();
        base(pm, p, 7, 8);
        pm.fixed64(4, p.count);
        pm.double(5, p.sum);
        for (let i = 0; i < p.quantiles.length; i++) {
          const q = new Msg();
          q.double(1, p.quantiles[i]);
          q.double(2, p.values[i]);
          pm.msg(6, q);
        }
        data.msg(1, pm);
      }
      m.msg(11, data);
      break;
    case 'none':
      break;
  }
  attrs(m, 12, x.metadata);
  return m;
}

/** Encodes a metrics request as a protobuf `ExportMetricsServiceRequest`. */
export function encodeMetricsProto(req: MetricsRequest): Uint8Array {
  const top = new Msg();
  for (const rm of req.resourceMetrics) {
    const r = new Msg();
    const res = new Msg();
    attrs(res, 1, rm.resource.attributes);
    res.varint(2, rm.resource.droppedAttributesCount);
    r.msg(1, res);
    for (const sm of rm.scopeMetrics) {
      const s = new Msg();
      const sc = new Msg();
      sc.string(1, sm.scope.name);
      sc.string(2, sm.scope.version);
      attrs(sc, 3, sm.scope.attributes);
      sc.varint(4, sm.scope.droppedAttributesCount);
      s.msg(1, sc);
      for (const x of sm.metrics) s.msg(2, metric(x));
      s.string(3, sm.schemaUrl);
      r.msg(2, s);
    }
    r.string(3, rm.schemaUrl);
    top.msg(1, r);
  }
  return top.bytes();
}
