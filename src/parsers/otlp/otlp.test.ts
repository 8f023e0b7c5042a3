import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OTLPDecodeError,
  anyValueToString,
  buildLabelName,
  buildMetricName,
  decodeMetrics,
  decodeMetricsJSON,
  decodeMetricsProto,
  encodeExportResponse,
  encodeMetricsProto,
  otlpEncodingOf,
  type MetricsRequest,
  type NamingType,
} from './index.js';

const f64 = (...v: number[]): Float64Array => Float64Array.from(v);
const T = 1_700_000_000_123_456_789n;

/** A request with every data type and every attribute value kind. */
function richRequest(): MetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { kind: 'string', value: 'api' } },
            { key: 'big', value: { kind: 'int', value: -9_007_199_254_740_993n } },
            { key: 'ok', value: { kind: 'bool', value: true } },
            { key: 'ratio', value: { kind: 'double', value: 0.25 } },
            { key: 'raw', value: { kind: 'bytes', value: Uint8Array.from([1, 2, 255]) } },
            {
              key: 'list',
              value: {
                kind: 'array',
                value: [
                  { kind: 'string', value: 'x' },
                  { kind: 'kvlist', value: [{ key: 'k', value: { kind: 'empty' } }] },
                ],
              },
            },
          ],
          droppedAttributesCount: 2,
        },
        schemaUrl: 'https://schema/1',
        scopeMetrics: [
          {
            scope: { name: 'lib', version: '1.2', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: [
              {
                name: 'g',
                description: 'a gauge',
                unit: 'By',
                metadata: [],
                data: {
                  type: 'gauge',
                  points: [
                    {
                      attributes: [{ key: 'a', value: { kind: 'string', value: 'ü' } }],
                      startTimeUnixNano: 0n,
                      timeUnixNano: T,
                      flags: 0,
                      value: -1.5,
                      exemplars: [
                        {
                          filteredAttributes: [],
                          timeUnixNano: T,
                          value: 3,
                          spanId: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
                          traceId: new Uint8Array(16).fill(9),
                        },
                      ],
                    },
                  ],
                },
              },
              {
                name: 's',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'sum',
                  temporality: 'delta',
                  monotonic: true,
                  points: [
                    {
                      attributes: [],
                      startTimeUnixNano: 5n,
                      timeUnixNano: T,
                      flags: 1,
                      value: 7,
                      exemplars: [],
                    },
                  ],
                },
              },
              {
                name: 'h',
                description: '',
                unit: 's',
                metadata: [],
                data: {
                  type: 'histogram',
                  temporality: 'cumulative',
                  points: [
                    {
                      attributes: [],
                      startTimeUnixNano: 1n,
                      timeUnixNano: T,
                      flags: 0,
                      count: 6,
                      sum: 2.5,
                      bucketCounts: f64(1, 2, 3),
                      explicitBounds: f64(0.1, 1),
                      min: 0.01,
                      max: 9,
                      exemplars: [],
                    },
                  ],
                },
              },
              {
                name: 'e',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'exponentialHistogram',
                  temporality: 'delta',
                  points: [
                    {
                      attributes: [],
                      startTimeUnixNano: 0n,
                      timeUnixNano: T,
                      flags: 0,
                      count: 3,
                      sum: 1,
                      scale: -3,
                      zeroCount: 1,
                      zeroThreshold: 0.5,
                      positive: { offset: -2, bucketCounts: f64(1, 1) },
                      negative: { offset: 0, bucketCounts: f64() },
                      min: undefined,
                      max: undefined,
                    },
                  ],
                },
              },
              {
                name: 'q',
                description: '',
                unit: '',
                metadata: [{ key: 'm', value: { kind: 'string', value: 'v' } }],
                data: {
                  type: 'summary',
                  points: [
                    {
                      attributes: [],
                      startTimeUnixNano: 0n,
                      timeUnixNano: T,
                      flags: 0,
                      count: 10,
                      sum: 4,
                      quantiles: f64(0.5, 0.99),
                      values: f64(0.3, 0.9),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Builds protobuf bytes by hand: `ld(field, …payload)` is a length-delimited field. */
function ld(field: number, ...payload: number[]): number[] {
  const len: number[] = [];
  let n = payload.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return [(field << 3) | 2, ...len, ...payload];
}
const str = (s: string): number[] => [...Buffer.from(s)];

describe('OTLP protobuf decoder', () => {
  it('round-trips every data type and attribute kind through the encoder', () => {
    const req = richRequest();
    assert.deepEqual(decodeMetricsProto(encodeMetricsProto(req)), req);
  });

  it('reads hand-built bytes with the OTLP field numbers', () => {
    // time_unix_nano = 2_000_000 (fixed64, field 3), as_int = -4 (sfixed64, field 6), flags = 1
    const time = [0x19, 0x80, 0x84, 0x1e, 0, 0, 0, 0, 0];
    const asInt = [0x31, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    const point = [...time, ...asInt, 0x40, 1];
    const metric = [...ld(1, ...str('up')), ...ld(5, ...ld(1, ...point))];
    const attr = ld(1, ...str('k'));
    const kv = ld(1, ...attr, ...ld(2, 0x18, 0x07)); // int_value = 7
    const body = ld(1, ...ld(1, ...kv), ...ld(2, ...ld(2, ...metric)));
    const req = decodeMetricsProto(Uint8Array.from(body));
    const rm = req.resourceMetrics[0]!;
    assert.deepEqual(rm.resource.attributes, [{ key: 'k', value: { kind: 'int', value: 7n } }]);
    const m = rm.scopeMetrics[0]!.metrics[0]!;
    assert.equal(m.name, 'up');
    assert.equal(m.data.type, 'gauge');
    assert.equal(m.data.points[0]!.timeUnixNano, 2_000_000n);
    assert.equal(m.data.points[0]!.value, -4);
    assert.equal(m.data.points[0]!.flags, 1);
  });

  it('accepts unpacked repeated fields and skips unknown fields', () => {
    const d = (v: number): number[] => [...Buffer.from(new Float64Array([v]).buffer)];
    const point = [0x39, ...d(1), 0x39, ...d(2), 0x31, 1, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0x01, 0x05];
    const metric = [...ld(1, ...str('h')), ...ld(9, ...ld(1, ...point), 0x10, 2)];
    const body = ld(1, ...ld(2, ...ld(2, ...metric)));
    const m = decodeMetricsProto(Uint8Array.from(body)).resourceMetrics[0]!.scopeMetrics[0]!
      .metrics[0]!;
    assert.equal(m.data.type, 'histogram');
    assert.deepEqual(m.data.points[0]!.explicitBounds, f64(1, 2));
    assert.deepEqual(m.data.points[0]!.bucketCounts, f64(1));
    assert.equal(m.data.temporality, 'cumulative');
  });

  it('reports errors with the field path and offset', () => {
    const cases: [number[], RegExp][] = [
      [[0x0a, 5, 1], /resourceMetrics\[0\] at byte 1: length 5 runs past the end/],
      [
        ld(1, ...ld(2, ...ld(2, 0x0a, 2, 0xc3, 0x28))),
        /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.name at byte 7: invalid UTF-8/,
      ],
      [
        ld(1, ...ld(2, ...ld(2, 0x2a, 3, 0x0a))),
        /metrics\[0\]\.gauge at byte 7: length 3 runs past/,
      ],
      [ld(1, ...ld(2, ...ld(2, 0x28, 1))), /field gauge has wire type 0, want 2/],
      [[0x80], /truncated varint/],
      [[0x08, 1], /field resource_metrics has wire type 0, want 2/],
      [[0x13], /unsupported wire type 3/],
      [[0x00], /invalid field number 0/],
    ];
    for (const [bytes, re] of cases) {
      assert.throws(
        () => decodeMetricsProto(Uint8Array.from(bytes)),
        (e: unknown) => e instanceof OTLPDecodeError && re.test(e.message),
        re.source,
      );
    }
  });

  it('limits the nesting of attribute values', () => {
    let v: number[] = ld(1, ...str('x'));
    for (let i = 0; i < 40; i++) v = ld(5, ...ld(1, ...v)); // array_value { values: v }
    const body = ld(1, ...ld(1, ...ld(1, ...ld(1, ...str('k')), ...ld(2, ...v))));
    assert.throws(() => decodeMetricsProto(Uint8Array.from(body)), /nested deeper than 32 levels/);
  });

  it('throws only OTLPDecodeError for random mutations of a valid request, quickly', () => {
    const valid = encodeMetricsProto(richRequest());
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const started = Date.now();
    let failures = 0;
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from(valid);
      const edits = 1 + rnd(4);
      for (let j = 0; j < edits; j++) {
        const k = rnd(3);
        if (k === 0) b[rnd(b.length)] = rnd(256);
        else if (k === 1) b[rnd(b.length)]! ^= 1 << rnd(8);
        else b[rnd(b.length)] = 0xff;
      }
      const cut = rnd(10) === 0 ? b.subarray(0, rnd(b.length)) : b;
      try {
        decodeMetricsProto(cut);
      } catch (e) {
        if (!(e instanceof OTLPDecodeError)) throw e;
        failures++;
      }
    }
    assert.ok(failures > 100, `only ${failures} mutations were rejected`);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('OTLP JSON decoder', () => {
  it('decodes the OTLP/JSON encoding', () => {
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'api' } },
              { key: 'n', value: { intValue: '9007199254740993' } },
              { key: 'b', value: { bytesValue: 'AQL/' } },
              { key: 'd', value: { doubleValue: 'NaN' } },
              { key: 'l', value: { arrayValue: { values: [{ boolValue: false }] } } },
              { key: 'm', value: { kvlistValue: { values: [{ key: 'x', value: {} }] } } },
            ],
          },
          scopeMetrics: [
            {
              scope: { name: 'lib' },
              metrics: [
                {
                  name: 'c',
                  unit: '1',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                    isMonotonic: true,
                    dataPoints: [
                      {
                        asInt: '42',
                        timeUnixNano: '1700000000123456789',
                        startTimeUnixNano: 1000,
                        exemplars: [{ asDouble: 1, traceId: '0AfF', spanId: '' }],
                        unknownField: 1,
                      },
                    ],
                  },
                },
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 1,
                    dataPoints: [
                      {
                        count: '3',
                        sum: 1.5,
                        bucketCounts: ['1', 2],
                        explicitBounds: [1, 'Infinity'],
                      },
                    ],
                  },
                },
                {
                  name: 'q',
                  summary: { dataPoints: [{ quantileValues: [{ quantile: 0.5, value: 2 }] }] },
                },
              ],
            },
          ],
        },
      ],
    });
    const rm = decodeMetricsJSON(body).resourceMetrics[0]!;
    assert.deepEqual(rm.resource.attributes[1], {
      key: 'n',
      value: { kind: 'int', value: 9007199254740993n },
    });
    assert.deepEqual(rm.resource.attributes[2]!.value, {
      kind: 'bytes',
      value: Uint8Array.from([1, 2, 255]),
    });
    assert.ok(Number.isNaN((rm.resource.attributes[3]!.value as { value: number }).value));
    assert.equal(anyValueToString(rm.resource.attributes[4]!.value), '[false]');
    assert.equal(anyValueToString(rm.resource.attributes[5]!.value), '{"x":null}');
    const [c, h, q] = rm.scopeMetrics[0]!.metrics;
    assert.equal(c!.data.type, 'sum');
    assert.equal(c!.data.temporality, 'cumulative');
    assert.equal(c!.data.monotonic, true);
    const p = c!.data.points[0]!;
    assert.equal(p.value, 42);
    assert.equal(p.timeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(p.startTimeUnixNano, 1000n);
    assert.deepEqual(p.exemplars[0]!.traceId, Uint8Array.from([0x0a, 0xff]));
    assert.equal(h!.data.type === 'histogram' && h!.data.temporality, 'delta');
    if (h!.data.type === 'histogram') {
      assert.deepEqual(h!.data.points[0]!.explicitBounds, f64(1, Infinity));
      assert.deepEqual(h!.data.points[0]!.bucketCounts, f64(1, 2));
      assert.equal(h!.data.points[0]!.count, 3);
    }
    assert.equal(q!.data.type === 'summary' && q!.data.points[0]!.values[0], 2);
  });

  it('reports wrong types with the JSON path', () => {
    const cases: [unknown, RegExp][] = [
      [{ resourceMetrics: {} }, /resourceMetrics: expected an array/],
      [
        { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 5 }] }] }] },
        /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.name: expected a string/,
      ],
      [
        {
          resourceMetrics: [
            { scopeMetrics: [{ metrics: [{ gauge: { dataPoints: [{ timeUnixNano: '1.5' }] } }] }] },
          ],
        },
        /dataPoints\[0\]\.timeUnixNano: expected an integer/,
      ],
      [
        { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ gauge: {}, sum: {} }] }] }] },
        /more than one data member/,
      ],
      [
        {
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'a', value: { stringValue: 'x', intValue: '1' } }] },
            },
          ],
        },
        /more than one value member/,
      ],
      [
        {
          resourceMetrics: [
            {
              scopeMetrics: [
                { metrics: [{ gauge: { dataPoints: [{ exemplars: [{ traceId: 'xyz' }] }] } }] },
              ],
            },
          ],
        },
        /traceId: expected a hex string/,
      ],
    ];
    for (const [doc, re] of cases) {
      assert.throws(
        () => decodeMetricsJSON(JSON.stringify(doc)),
        (e: unknown) => e instanceof OTLPDecodeError && re.test(e.message),
        re.source,
      );
    }
    assert.throws(
      () => decodeMetricsJSON('{'),
      /cannot decode OTLP metrics request: message: invalid JSON/,
    );
  });
});

describe('OTLP naming', () => {
  it('builds metric names like Prometheus', () => {
    const cases: [string, string, NamingType, string][] = [
      ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
      ['system.network.io', 'By', 'monotonicCounter', 'system_network_io_bytes_total'],
      ['requests_total', '', 'monotonicCounter', 'requests_total'],
      ['total.requests', '', 'monotonicCounter', 'requests_total'],
      ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
      ['cpu.utilization', '1', 'monotonicCounter', 'cpu_utilization_total'],
      ['queue', '{item}', 'gauge', 'queue'],
      ['throughput', 'By/s', 'gauge', 'throughput_bytes_per_second'],
      ['speed', 'm/s', 'gauge', 'speed_meters_per_second'],
      ['latency_seconds', 's', 'gauge', 'latency_seconds'],
      ['foo__bar', '', 'gauge', 'foo_bar'],
      ['2xx.count', '', 'gauge', '_2xx_count'],
      ['temp', 'Cel', 'gauge', 'temp_celsius'],
      ['weird', 'foo.bar', 'gauge', 'weird_foo_bar'],
      ['per.thing', '1/h', 'gauge', 'per_thing_per_hour'],
      ['___', '', 'gauge', ''],
    ];
    for (const [name, unit, type, want] of cases) {
      assert.equal(
        buildMetricName(name, unit, type, 'UnderscoreEscapingWithSuffixes'),
        want,
        `${name} ${unit}`,
      );
    }
    assert.equal(
      buildMetricName('a.b__c', 's', 'monotonicCounter', 'UnderscoreEscapingWithoutSuffixes'),
      'a_b__c',
    );
    assert.equal(
      buildMetricName('a.b', 's', 'monotonicCounter', 'NoUTF8EscapingWithSuffixes'),
      'a.b_seconds_total',
    );
    assert.equal(buildMetricName('a.b', 's', 'monotonicCounter', 'NoTranslation'), 'a.b');
  });

  it('builds label names like Prometheus', () => {
    const o = {
      strategy: 'UnderscoreEscapingWithSuffixes',
      underscoreSanitization: true,
      preserveMultipleUnderscores: true,
    } as const;
    assert.equal(buildLabelName('http.method', o), 'http_method');
    assert.equal(buildLabelName('2xx', o), 'key_2xx');
    assert.equal(buildLabelName('_private', o), 'key_private');
    assert.equal(buildLabelName('__reserved__', o), '__reserved__');
    assert.equal(buildLabelName('a..b', o), 'a__b');
    assert.equal(buildLabelName('a..b', { ...o, preserveMultipleUnderscores: false }), 'a_b');
    assert.equal(buildLabelName('_x', { ...o, underscoreSanitization: false }), '_x');
    assert.equal(buildLabelName('...', o), '');
    assert.equal(buildLabelName('ä', o), 'key_');
    assert.equal(buildLabelName('a.b', { ...o, strategy: 'NoTranslation' }), 'a.b');
  });

  it('stringifies attribute values like the collector', () => {
    assert.equal(anyValueToString({ kind: 'double', value: 1e21 }), '1e+21');
    assert.equal(anyValueToString({ kind: 'double', value: 0.1 }), '0.1');
    assert.equal(
      anyValueToString({ kind: 'double', value: Infinity }),
      'json: unsupported value: +Inf',
    );
    assert.equal(anyValueToString({ kind: 'int', value: -5n }), '-5');
    assert.equal(
      anyValueToString({
        kind: 'kvlist',
        value: [
          { key: 'b', value: { kind: 'string', value: '<&>' } },
          { key: 'a', value: { kind: 'int', value: 1n } },
        ],
      }),
      '{"a":1,"b":"\\u003c\\u0026\\u003e"}',
    );
  });
});

describe('OTLP responses', () => {
  it('decodes by encoding', () => {
    const req = richRequest();
    assert.deepEqual(decodeMetrics(encodeMetricsProto(req), 'protobuf'), req);
    const json = Buffer.from('{"resourceMetrics":[{"schemaUrl":"s"}]}');
    assert.equal(decodeMetrics(json, 'json').resourceMetrics[0]!.schemaUrl, 's');
  });

  it('picks the encoding from the content type', () => {
    assert.equal(otlpEncodingOf('application/x-protobuf'), 'protobuf');
    assert.equal(otlpEncodingOf('Application/JSON; charset=utf-8'), 'json');
    assert.equal(otlpEncodingOf('text/plain'), undefined);
  });

  it('encodes full and partial success', () => {
    assert.deepEqual(encodeExportResponse(0, '', 'protobuf'), new Uint8Array(0));
    assert.deepEqual(
      [...encodeExportResponse(3, 'x', 'protobuf')],
      [0x0a, 5, 0x08, 3, 0x12, 1, 0x78],
    );
    assert.equal(Buffer.from(encodeExportResponse(0, '', 'json')).toString(), '{}');
    assert.equal(
      Buffer.from(encodeExportResponse(300, 'bad', 'json')).toString(),
      '{"partialSuccess":{"rejectedDataPoints":"300","errorMessage":"bad"}}',
    );
  });
});

describe('OTLP JSON fuzz', () => {
  it('throws only OTLPDecodeError for random edits of a valid JSON request', () => {
    const valid = JSON.stringify({
      resourceMetrics: [
        {
          resource: {
            attributes: [
              {
                key: 'a',
                value: { kvlistValue: { values: [{ key: 'b', value: { intValue: '1' } }] } },
              },
            ],
          },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'g',
                  gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: '5', attributes: [] }] },
                },
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [{ count: '2', bucketCounts: ['1', '1'], explicitBounds: [1] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const alphabet = '{}[]",:0123456789.-eE aAnNtfl\\';
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const chars = Array.from(valid);
      for (let j = 0; j < 1 + rnd(3); j++)
        chars[rnd(chars.length)] = alphabet[rnd(alphabet.length)]!;
      try {
        decodeMetricsJSON(chars.join(''));
      } catch (e) {
        if (!(e instanceof OTLPDecodeError)) throw e;
      }
    }
  });
});
