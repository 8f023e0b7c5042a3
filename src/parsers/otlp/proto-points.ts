/** The data point messages of the OTLP protobuf decoder. */
import {
  type ExpBuckets,
  type ExpHistogramPoint,
  type HistogramPoint,
  type KeyValue,
  type NumberPoint,
  type OTLPExemplar,
  type SummaryPoint,
} from './types.js';
import { ProtoBase } from './proto-base.js';
import { F64List, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire.js';

/** Decodes data points; extended by the request decoder. */
export abstract class ProtoPoints extends ProtoBase {
  /** Scratch lists for repeated numeric fields; points do not nest, so two suffice. */
  private readonly listA = new F64List();
  private readonly listB = new F64List();

  protected numberPoint(end: number): NumberPoint {
    const attributes: KeyValue[] = [];
    const exemplars: OTLPExemplar[] = [];
    let start = 0n;
    let time = 0n;
    let value = 0;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 7:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          value = this.f64('asDouble', w, at, end);
          return true;
        case 6:
          this.r.expect(w, WIRE_I64, at, 'asInt');
          value = this.r.sfixed64Number(end);
          return true;
        case 5:
          exemplars.push(
            this.sub('exemplars', exemplars.length, w, at, end, (e) => this.exemplar(e)),
          );
          return true;
        case 8:
          flags = this.varint('flags', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return { attributes, startTimeUnixNano: start, timeUnixNano: time, flags, value, exemplars };
  }

  protected histogramPoint(end: number): HistogramPoint {
    const r = this.r;
    const attributes: KeyValue[] = [];
    const exemplars: OTLPExemplar[] = [];
    const counts = this.listA.reset();
    const bounds = this.listB.reset();
    let start = 0n;
    let time = 0n;
    let count = 0;
    let sum: number | undefined;
    let min: number | undefined;
    let max: number | undefined;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 9:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          count = this.count('count', w, at, end);
          return true;
        case 5:
          sum = this.f64('sum', w, at, end);
          return true;
        case 6:
        case 7:
          r.enter(f === 6 ? 'bucketCounts' : 'explicitBounds');
          if (w !== WIRE_I64 && w !== WIRE_LEN)
            throw r.fail(at, `wire type ${w} for a repeated 8-byte field`);
          r.repeated64(w, end, f === 6 ? 'fixed64' : 'double', f === 6 ? counts : bounds);
          r.leave();
          return true;
        case 8:
          exemplars.push(
            this.sub('exemplars', exemplars.length, w, at, end, (e) => this.exemplar(e)),
          );
          return true;
        case 10:
          flags = this.varint('flags', w, at, end);
          return true;
        case 11:
          min = this.f64('min', w, at, end);
          return true;
        case 12:
          max = this.f64('max', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return {
      attributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      flags,
      count,
      sum,
      bucketCounts: counts.take(),
      explicitBounds: bounds.take(),
      min,
      max,
      exemplars,
    };
  }

  protected expPoint(end: number): ExpHistogramPoint {
    const r = this.r;
    const attributes: KeyValue[] = [];
    const noBuckets: ExpBuckets = { offset: 0, bucketCounts: new Float64Array(0) };
    let positive = noBuckets;
    let negative = noBuckets;
    let start = 0n;
    let time = 0n;
    let count = 0;
    let zeroCount = 0;
    let zeroThreshold = 0;
    let scale = 0;
    let sum: number | undefined;
    let min: number | undefined;
    let max: number | undefined;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 1:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          count = this.count('count', w, at, end);
          return true;
        case 5:
          sum = this.f64('sum', w, at, end);
          return true;
        case 6:
          r.expect(w, WIRE_VARINT, at, 'scale');
          scale = r.sint32(end);
          return true;
        case 7:
          zeroCount = this.count('zeroCount', w, at, end);
          return true;
        case 8:
        case 9: {
          const b = this.sub(f === 8 ? 'positive' : 'negative', -1, w, at, end, (e) =>
            this.buckets(e),
          );
          if (f === 8) positive = b;
          else negative = b;
          return true;
        }
        case 10:
          flags = this.varint('flags', w, at, end);
          return true;
        case 11:
          this.sub('exemplars', -1, w, at, end, (e) => this.exemplar(e));
          return true;
        case 12:
          min = this.f64('min', w, at, end);
          return true;
        case 13:
          max = this.f64('max', w, at, end);
          return true;
        case 14:
          zeroThreshold = this.f64('zeroThreshold', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return {
      attributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      flags,
      count,
      sum,
      scale,
      zeroCount,
      zeroThreshold,
      positive,
      negative,
      min,
      max,
    };
  }

  protected buckets(end: number): ExpBuckets {
    const r = this.r;
    let offset = 0;
    const counts = this.listA.reset();
    this.fields(end, (f, w, at) => {
      if (f === 1) {
        r.expect(w, WIRE_VARINT, at, 'offset');
        offset = r.sint32(end);
      } else if (f === 2) {
        if (w !== WIRE_VARINT && w !== WIRE_LEN)
          throw r.fail(at, `wire type ${w} for bucketCounts`);
        r.repeatedVarint(w, end, counts);
      } else return false;
      return true;
    });
    return { offset, bucketCounts: counts.take() };
  }

  protected summaryPoint(end: number): SummaryPoint {
    const attributes: KeyValue[] = [];
    const qs = this.listA.reset();
    const vs = this.listB.reset();
    let start = 0n;
    let time = 0n;
    let count = 0;
    let sum = 0;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 7:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          count = this.count('count', w, at, end);
          return true;
        case 5:
          sum = this.f64('sum', w, at, end);
          return true;
        case 6:
          this.sub('quantileValues', qs.n, w, at, end, (e) => {
            let q = 0;
            let v = 0;
            this.fields(e, (f2, w2, at2) => {
              if (f2 === 1) q = this.f64('quantile', w2, at2, e);
              else if (f2 === 2) v = this.f64('value', w2, at2, e);
              else return false;
              return true;
            });
            qs.push(q);
            vs.push(v);
          });
          return true;
        case 8:
          flags = this.varint('flags', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return {
      attributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      flags,
      count,
      sum,
      quantiles: qs.take(),
      values: vs.take(),
    };
  }
}
