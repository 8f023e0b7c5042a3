/**
 * Benchmark of the remote-write decoder on realistic requests: node_exporter-like series (CPU
 * modes, filesystems, network devices, memory) over many instances, sent the way a Prometheus
 * server sends them — batches of 500 samples, one sample per series, labels repeated in full in
 * every request. Fixed seed; timings vary with the machine. Times are CPU time (best round of
 * each variant), so other work on the machine disturbs them little.
 *
 * Run: `node --import tsx src/parsers/remotewrite/decode.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { WriteRequestDecoder } from './decode.js';
import { WriteRequestV2Decoder } from './decode2.js';
import { WriteRequestEncoder, encodeLabels } from './encode.js';
import { WriteRequestV2Encoder } from './encode2.js';
import { WriteRequestRows, WriteRequestV2Rows } from './rows.js';
import { decodeSnappyBody, encodeSnappyBody } from './snappy.js';

/** Figures reported by `benchRemoteWriteDecode`. */
export interface RemoteWriteDecodeFigures {
  /** Decode time per sample (protobuf → rows) with the default options (both caches), ns. */
  readonly decodeNsPerSample: number;
  /** Decode time per sample without the label-run cache (string cache only), ns. */
  readonly decodeNsPerSampleNoRunCache: number;
  /** Decode time per sample with both caches off, ns. */
  readonly decodeNsPerSampleNoCaches: number;
  /** Uncompressed protobuf throughput with the default options, MB/s (10^6 bytes). */
  readonly decodeMBPerSec: number;
  /** Snappy decompression plus decode per sample (default options), ns. */
  readonly snappyAndDecodeNsPerSample: number;
  /** Share of series whose label run came from the label-run cache. */
  readonly labelRunHitRate: number;
  /** Share of label strings served from the string cache (without the label-run cache). */
  readonly internHitRate: number;
  /** Uncompressed protobuf bytes per sample. */
  readonly protoBytesPerSample: number;
  /** Remote write 2.0: decode time per sample of the same data (symbols table), ns. */
  readonly v2DecodeNsPerSample: number;
  /** Remote write 2.0: uncompressed protobuf bytes per sample. */
  readonly v2ProtoBytesPerSample: number;
  /** Snappy-compressed bytes per sample. */
  readonly snappyBytesPerSample: number;
  /** Heap growth over the timed rounds (rows are reused; caches are already full), bytes. */
  readonly heapGrowthBytes: number;
}

/** Options of `benchRemoteWriteDecode`. */
export interface RemoteWriteDecodeOptions {
  /** Instances (hosts) whose series are generated; about 100 series each. */
  readonly instances: number;
  /** Samples per request. */
  readonly batchSize: number;
  /** Timing rounds over all requests. */
  readonly rounds: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About 100 node_exporter-like label sets per instance, sorted by name as senders send them. */
function nodeSeries(instances: number): string[][] {
  const out: string[][] = [];
  const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
  for (let h = 0; h < instances; h++) {
    const base = ['instance', `10.1.${h >> 8}.${h & 255}:9100`, 'job', 'node'];
    const withName = (name: string, extra: string[]): string[] => {
      const flat = ['__name__', name, ...extra, ...base];
      const pairs: [string, string][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] ?? '', flat[i + 1] ?? '']);
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return pairs.flat();
    };
    for (let c = 0; c < 4; c++) {
      for (const m of modes)
        out.push(withName('node_cpu_seconds_total', ['cpu', `${c}`, 'mode', m]));
    }
    for (const d of ['eth0', 'lo', 'docker0']) {
      for (const f of ['receive_bytes', 'transmit_bytes', 'receive_packets', 'transmit_packets']) {
        out.push(withName(`node_network_${f}_total`, ['device', d]));
      }
    }
    for (const [dev, mp] of [
      ['/dev/sda1', '/'],
      ['/dev/sda2', '/home'],
      ['tmpfs', '/run'],
    ] as const) {
      for (const f of ['avail_bytes', 'free_bytes', 'size_bytes', 'files', 'files_free']) {
        out.push(
          withName(`node_filesystem_${f}`, ['device', dev, 'fstype', 'ext4', 'mountpoint', mp]),
        );
      }
    }
    for (const f of ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapFree']) {
      out.push(withName(`node_memory_${f}_bytes`, []));
    }
    for (const f of ['load1', 'load5', 'load15', 'procs_running', 'context_switches_total']) {
      out.push(withName(`node_${f}`, []));
    }
  }
  return out;
}

/** Builds the requests of one scrape round of every series, then decodes them repeatedly. */
export function benchRemoteWriteDecode(
  opts: Partial<RemoteWriteDecodeOptions> = {},
): RemoteWriteDecodeFigures {
  const instances = opts.instances ?? 100;
  const batch = opts.batchSize ?? 500;
  const rounds = opts.rounds ?? 10;
  const rnd = mulberry32(1234);
  const labelSets = nodeSeries(instances);
  const series = labelSets.map(encodeLabels);
  const enc = new WriteRequestEncoder();
  const enc2 = new WriteRequestV2Encoder();
  const requests: Uint8Array[] = [];
  const requestsV2: Uint8Array[] = [];
  let samples = 0;
  for (let scrape = 0; scrape < 4; scrape++) {
    const t = 1_700_000_000_000 + scrape * 15_000;
    for (let i = 0; i < series.length; i += batch) {
      enc.reset();
      enc2.reset();
      const to = Math.min(series.length, i + batch);
      for (let s = i; s < to; s++) {
        const ts = t + Math.floor(rnd() * 9) - 4;
        const v = rnd() * 1e6;
        enc.addSingleSample(series[s] ?? new Uint8Array(0), ts, v);
        enc2.addSeries(labelSets[s] ?? [], [ts], new Float64Array([v]));
      }
      samples += to - i;
      requests.push(enc.finish());
      requestsV2.push(enc2.finish());
    }
  }
  const compressed = requests.map((r) => encodeSnappyBody(r));
  const protoBytes = requests.reduce((n, r) => n + r.length, 0);
  const rows = new WriteRequestRows();
  // One timed round over all requests, in CPU time of this process (not wall time, which on a
  // shared machine mostly measures waiting for a core); the caller keeps the best round.
  const round = (dec: WriteRequestDecoder, snappy: boolean): number => {
    const t0 = process.cpuUsage();
    if (snappy) for (const c of compressed) dec.decode(decodeSnappyBody(c, 1 << 26), rows);
    else for (const r of requests) dec.decode(r, rows);
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1000) / samples;
  };
  const full = new WriteRequestDecoder();
  const stringsOnly = new WriteRequestDecoder({ labelRunCacheEntries: 0 });
  const none = new WriteRequestDecoder({ labelRunCacheEntries: 0, internSlots: 0 });
  for (const d of [full, stringsOnly, none]) round(d, false); // warm up, fill the caches
  const best = [Infinity, Infinity, Infinity, Infinity];
  const heap0 = process.memoryUsage().heapUsed;
  for (let k = 0; k < rounds; k++) {
    best[0] = Math.min(best[0] ?? Infinity, round(full, false));
    best[1] = Math.min(best[1] ?? Infinity, round(stringsOnly, false));
    best[2] = Math.min(best[2] ?? Infinity, round(none, false));
    best[3] = Math.min(best[3] ?? Infinity, round(full, true));
  }
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  const dec2 = new WriteRequestV2Decoder();
  const rows2 = new WriteRequestV2Rows();
  let bestV2 = Infinity;
  for (let k = 0; k <= rounds; k++) {
    const t0 = process.cpuUsage();
    for (const r of requestsV2) dec2.decode(r, rows2);
    const t = process.cpuUsage(t0);
    if (k > 0) bestV2 = Math.min(bestV2, ((t.user + t.system) * 1000) / samples);
  }
  const [ns = 0, nsStrings = 0, nsNone = 0, nsSnappy = 0] = best;
  const runs = full.labelRunStats();
  const stats = stringsOnly.internStats();
  return {
    decodeNsPerSample: round2(ns),
    decodeNsPerSampleNoRunCache: round2(nsStrings),
    decodeNsPerSampleNoCaches: round2(nsNone),
    decodeMBPerSec: round2(protoBytes / samples / ns / 1e-3),
    snappyAndDecodeNsPerSample: round2(nsSnappy),
    labelRunHitRate: round2(runs.hits / Math.max(1, runs.hits + runs.misses)),
    internHitRate: round2(stats.hits / Math.max(1, stats.hits + stats.misses)),
    protoBytesPerSample: round2(protoBytes / samples),
    v2DecodeNsPerSample: round2(bestV2),
    v2ProtoBytesPerSample: round2(requestsV2.reduce((n, r) => n + r.length, 0) / samples),
    snappyBytesPerSample: round2(compressed.reduce((n, c) => n + c.length, 0) / samples),
    heapGrowthBytes: heapGrowth,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchRemoteWriteDecode({ rounds: 1 }); // warm up
  console.log(JSON.stringify(benchRemoteWriteDecode(), null, 2));
}
