/**
 * The memory budget (`--storage.memory-budget`): a watcher samples the process' memory once a
 * second and moves between `ok`, `pressure` and `critical`. Entering `pressure` drops caches;
 * while not `ok`, the HTTP layer answers new writes and expensive queries with 503 and
 * `Retry-After` (see `http/limits`), so the process sheds load instead of being killed.
 *
 * Two figures are compared with the budget: the resident set, and the memory in use (the live
 * JavaScript heap, the memory outside it such as typed arrays and buffers, and the native part
 * measured at start). A state begins when the resident set reaches its threshold while the
 * memory in use is near it too, and ends when the memory in use falls: freed memory often stays
 * resident (V8 and malloc keep pages for reuse), so the resident set alone would keep the server
 * refusing writes long after the work was done. From `GC_AT` of the budget on, the watcher runs
 * a full garbage collection at most every `GC_INTERVAL_MS`: V8 sizes its heap for the machine,
 * not for the budget, and an idle server refusing work would otherwise never collect at all.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MemoryState } from '../http/index.js';
import type { Logger } from '../util/index.js';

/** Share of the machine's (or cgroup's) memory the automatic budget takes. */
export const AUTO_BUDGET_FRACTION = 0.6;

/** Fractions of the budget where the states begin, and the margin to leave them again. */
const PRESSURE_AT = 0.8;
const CRITICAL_AT = 0.95;
const HYSTERESIS = 0.1;
/** Least time between two forced garbage collections, ms. */
const GC_INTERVAL_MS = 3000;
/** Fraction of the budget of resident memory from which garbage is collected every interval. */
const GC_AT = 0.6;
/** Least time between two collections while idle, ms. */
const IDLE_GC_INTERVAL_MS = 30_000;
/** Growth of heap + external memory since the last full collection that makes an idle one worth it. */
const IDLE_GC_MIN_GROWTH = 32 * 1048576;
/** …and as a share of the memory in use after that collection. */
const IDLE_GC_GROWTH_SHARE = 0.25;
/** Event-loop utilisation over the last interval below which the process counts as idle. */
const IDLE_UTILIZATION = 0.05;

/** Memory figures of one sample, in bytes. */
export interface MemorySample {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  /** Memory of JavaScript objects outside the heap (buffers, typed arrays). */
  readonly external: number;
}

/**
 * The automatic budget: `AUTO_BUDGET_FRACTION` of the cgroup memory limit (v2 `memory.max`,
 * v1 `memory.limit_in_bytes`) when there is one below the RAM, else of the RAM.
 */
export function autoMemoryBudget(read: (file: string) => string = readText): number {
  let limit = os.totalmem();
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    const n = Number(read(file).trim());
    if (Number.isFinite(n) && n > 0 && n < limit) limit = n;
  }
  return Math.floor(limit * AUTO_BUDGET_FRACTION);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The bytes compared with the budget: live heap plus external memory plus `nativeBytes` (the
 * process' memory outside both, measured at start), at most the resident set.
 */
export function usedBytes(m: MemorySample, nativeBytes: number): number {
  return Math.min(m.rss, m.heapUsed + m.external + nativeBytes);
}

/** The native part of a sample: resident memory that is neither heap nor external. */
export function nativeBytesOf(m: MemorySample): number {
  return Math.max(0, m.rss - m.heapTotal - m.external);
}

/**
 * The next state. A state is entered when the resident set reaches its threshold and the memory
 * in use (`live`, after garbage collection) is at least `HYSTERESIS` of the budget below it;
 * it is left when the memory in use falls below that. So resident memory that is only free
 * space kept for reuse does not refuse work, and the states do not flap.
 */
export function nextMemoryState(
  state: MemoryState,
  rss: number,
  live: number,
  budget: number,
): MemoryState {
  if (budget <= 0) return 'ok';
  const r = rss / budget;
  const l = live / budget;
  const holds = (at: number, level: MemoryState): boolean =>
    l >= at - HYSTERESIS && (r >= at || rank(state) >= rank(level));
  if (holds(CRITICAL_AT, 'critical')) return 'critical';
  if (holds(PRESSURE_AT, 'pressure')) return 'pressure';
  return 'ok';
}

/** Options of `MemoryBudget`. */
export interface MemoryBudgetOptions {
  /** The budget in bytes; 0 disables the watcher (always `ok`). */
  readonly budgetBytes: number;
  /** Sampling interval in ms. */
  readonly intervalMs: number;
  /** Reads the process' memory (tests replace it). */
  readonly sample: () => MemorySample;
  /** Runs a full garbage collection (default: V8's, see `garbageCollector`); tests replace it. */
  readonly collectGarbage?: () => void;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /**
   * Collect garbage when the process goes idle after memory grew (default true). Works without
   * a budget too: `start()` then only watches for idleness.
   */
  readonly idleCollection?: boolean;
  /**
   * Event-loop utilisation (0–1) since the previous call (default: `performance.eventLoopUtilization`
   * deltas); tests replace it.
   */
  readonly utilization?: () => number;
  /** Least growth since the last full collection for an idle one (default 32 MiB). */
  readonly idleMinGrowthBytes?: number;
}

/** Watches memory against the budget. Start with `start()`, stop with `stop()`. */
export class MemoryBudget {
  private current: MemoryState = 'ok';
  private lastUsed = 0;
  private lastRss = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly relievers: (() => void)[] = [];
  private nativeBytes: number | undefined;
  private lastGc = -Infinity;
  private lastCheck = -Infinity;
  private gc: (() => void) | undefined;
  /** Heap + external bytes right after the last full collection (or the first sample). */
  private afterGc: number | undefined;
  private lastIdleGc = -Infinity;
  private utilization: (() => number) | undefined;
  /** Times the state rose to `pressure` or `critical` since start. */
  pressureEvents = 0;
  /** Full collections run because the process went idle after memory grew. */
  idleCollections = 0;

  constructor(
    private readonly opts: MemoryBudgetOptions,
    private readonly logger: Logger,
  ) {}

  /** The budget in bytes (0: none). */
  get budgetBytes(): number {
    return this.opts.budgetBytes;
  }

  /** The state after the last sample. */
  get state(): MemoryState {
    return this.current;
  }

  /** Bytes in use at the last sample (see `usedBytes`). */
  get usedBytes(): number {
    return this.lastUsed;
  }

  /** Resident bytes at the last sample. */
  get rssBytes(): number {
    return this.lastRss;
  }

  /** Adds a function that frees memory (drops a cache); called on every rise in state. */
  onPressure(relieve: () => void): void {
    this.relievers.push(relieve);
  }

  /**
   * The state, sampled again when the last sample is older than `maxAgeMs`: admission asks at
   * every request, so a burst between two timer ticks (or while a long query holds the event
   * loop and the timer cannot run) is still seen.
   */
  fresh(maxAgeMs: number): MemoryState {
    if (this.opts.budgetBytes <= 0) return 'ok';
    const now = (this.opts.now ?? Date.now)();
    return now - this.lastCheck > maxAgeMs ? this.check() : this.current;
  }

  /** Takes one sample and updates the state; returns it. */
  check(): MemoryState {
    if (this.opts.budgetBytes <= 0) return 'ok';
    let m = this.opts.sample();
    this.nativeBytes ??= nativeBytesOf(m);
    const now = (this.opts.now ?? Date.now)();
    this.lastCheck = now;
    const soft = m.rss >= GC_AT * this.opts.budgetBytes;
    if ((soft || this.current !== 'ok') && now - this.lastGc >= GC_INTERVAL_MS) {
      this.lastGc = now;
      this.collect();
      m = this.opts.sample();
      this.afterGc = m.heapUsed + m.external;
    }
    this.lastUsed = usedBytes(m, this.nativeBytes);
    this.lastRss = m.rss;
    const prev = this.current;
    const next = nextMemoryState(prev, m.rss, this.lastUsed, this.opts.budgetBytes);
    if (next === prev) return next;
    this.current = next;
    const fields = { state: next, rss: m.rss, used: this.lastUsed, budget: this.opts.budgetBytes };
    if (rank(next) > rank(prev)) {
      this.pressureEvents++;
      this.logger.warn('memory budget: refusing new writes and expensive queries', fields);
      for (const relieve of this.relievers) {
        try {
          relieve();
        } catch (err) {
          this.logger.warn('cannot free memory', { err });
        }
      }
    } else {
      this.logger.info(
        next === 'ok' ? 'memory budget: back below it' : 'memory budget: state lowered',
        fields,
      );
    }
    return next;
  }

  /**
   * Runs a full garbage collection when the event loop was idle over the last interval and the
   * heap plus external memory grew by `idleMinGrowthBytes` (and a quarter) since the last one,
   * at most every `IDLE_GC_INTERVAL_MS`. V8 collects its old generation only when an allocation
   * limit is reached, so after a burst of work (a flood of remote-write requests, a heavy query)
   * the garbage of it stays resident for as long as the process stays quiet; collecting while
   * idle gives it back without costing a busy process anything. Returns whether it ran.
   */
  collectIfIdle(): boolean {
    if (this.opts.idleCollection === false) return false;
    const now = (this.opts.now ?? Date.now)();
    this.utilization ??= this.opts.utilization ?? eventLoopUtilization();
    const busy = this.utilization();
    const m = this.opts.sample();
    const inUse = m.heapUsed + m.external;
    if (this.afterGc === undefined) {
      this.afterGc = inUse;
      return false;
    }
    const grown = inUse - this.afterGc;
    if (
      busy >= IDLE_UTILIZATION ||
      now - this.lastIdleGc < IDLE_GC_INTERVAL_MS ||
      grown <
        Math.max(
          this.opts.idleMinGrowthBytes ?? IDLE_GC_MIN_GROWTH,
          IDLE_GC_GROWTH_SHARE * this.afterGc,
        )
    )
      return false;
    this.lastIdleGc = now;
    this.lastGc = now;
    this.collect();
    const after = this.opts.sample();
    this.afterGc = after.heapUsed + after.external;
    this.idleCollections++;
    this.logger.debug('collected garbage while idle', {
      before: inUse,
      after: this.afterGc,
      rssBefore: m.rss,
      rssAfter: after.rss,
    });
    return true;
  }

  private collect(): void {
    this.gc ??= this.opts.collectGarbage ?? garbageCollector();
    this.gc();
  }

  /**
   * Samples every `intervalMs` (the timer does not keep the process alive). Without a budget
   * the timer only runs idle collections.
   */
  start(): void {
    if (this.timer !== undefined) return;
    const budget = this.opts.budgetBytes > 0;
    if (!budget && this.opts.idleCollection === false) return;
    if (budget) this.check();
    this.timer = setInterval(() => {
      if (budget) this.check();
      this.collectIfIdle();
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Registers `kansoku_memory_budget_*` gauges. */
  registerMetrics(registry: Registry): void {
    const read = {
      budget: (): number => this.budgetBytes,
      used: (): number => this.usedBytes,
      state: (): MemoryState => this.state,
      events: (): number => this.pressureEvents,
      idle: (): number => this.idleCollections,
    };
    new Gauge({
      name: 'kansoku_memory_budget_bytes',
      help: 'The memory budget (--storage.memory-budget) in bytes; 0 means none.',
      registers: [registry],
      collect() {
        this.set(read.budget());
      },
    });
    new Gauge({
      name: 'kansoku_memory_budget_used_bytes',
      help: 'Memory counted against the budget at the last check: live JavaScript heap, external and native memory, at most the resident set.',
      registers: [registry],
      collect() {
        this.set(read.used());
      },
    });
    new Gauge({
      name: 'kansoku_memory_budget_state',
      help: 'The memory budget state: 1 for the current one of ok, pressure, critical.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        for (const s of ['ok', 'pressure', 'critical'] as const)
          this.set({ state: s }, read.state() === s ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kansoku_memory_budget_pressure_events',
      help: 'Times memory rose into pressure or critical since start.',
      registers: [registry],
      collect() {
        this.set(read.events());
      },
    });
    new Counter({
      name: 'kansoku_memory_idle_collections_total',
      help: 'Full garbage collections run because the process went idle after its memory grew.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read.idle());
      },
    });
  }
}

function rank(s: MemoryState): number {
  return s === 'ok' ? 0 : s === 'pressure' ? 1 : 2;
}

/** The process' memory (resident set, JavaScript heap, external). */
export function processMemory(): MemorySample {
  const h = process.memoryUsage();
  return { rss: h.rss, heapTotal: h.heapTotal, heapUsed: h.heapUsed, external: h.external };
}

/** Event-loop utilisation since the previous call of the returned function. */
function eventLoopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return u;
  };
}

/**
 * V8's full garbage collection: `global.gc` when the process runs with `--expose-gc`, otherwise
 * the same function enabled at run time; a no-op when neither is available.
 */
export function garbageCollector(): () => void {
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return () => void (exposed as () => unknown)();
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    if (typeof fn === 'function') return () => void (fn as () => unknown)();
  } catch {
    // Not available: memory is freed by V8's own collections only.
  }
  return () => undefined;
}
