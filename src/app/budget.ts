/**
 * The memory budget (`--storage.memory-budget`): a watcher samples the process' memory once a
 * second and moves between `ok`, `pressure` and `critical`. Entering `pressure` drops caches;
 * while not `ok`, the HTTP layer answers new writes and expensive queries with 503 and
 * `Retry-After` (see `http/limits`), so the process sheds load instead of being killed.
 *
 * What is compared with the budget is the memory the process cannot reuse: the resident set
 * minus the free part of the JavaScript heap (V8 keeps freed heap pages mapped, so the resident
 * set alone would stay high long after garbage was collected and keep the server refusing work).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Gauge, type Registry } from 'prom-client';
import type { MemoryState } from '../http/index.js';
import type { Logger } from '../util/index.js';

/** Share of the machine's (or cgroup's) memory the automatic budget takes. */
export const AUTO_BUDGET_FRACTION = 0.6;

/** Fractions of the budget where the states begin, and the margin to leave them again. */
const PRESSURE_AT = 0.8;
const CRITICAL_AT = 0.95;
const HYSTERESIS = 0.1;

/** Memory figures of one sample, in bytes. */
export interface MemorySample {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
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

/** The bytes compared with the budget: resident memory minus the unused part of the heap. */
export function unreusableBytes(m: MemorySample): number {
  return Math.max(0, m.rss - Math.max(0, m.heapTotal - m.heapUsed));
}

/**
 * The next state for `used` bytes of a `budget`: states rise as soon as their threshold is
 * reached and fall only `HYSTERESIS` of the budget below it, so they do not flap.
 */
export function nextMemoryState(state: MemoryState, used: number, budget: number): MemoryState {
  if (budget <= 0) return 'ok';
  const f = used / budget;
  if (f >= CRITICAL_AT) return 'critical';
  if (state === 'critical' && f >= CRITICAL_AT - HYSTERESIS) return 'critical';
  if (f >= PRESSURE_AT) return 'pressure';
  if (state !== 'ok' && f >= PRESSURE_AT - HYSTERESIS) return 'pressure';
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
}

/** Watches memory against the budget. Start with `start()`, stop with `stop()`. */
export class MemoryBudget {
  private current: MemoryState = 'ok';
  private lastUsed = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly relievers: (() => void)[] = [];
  /** Times the state rose to `pressure` or `critical` since start. */
  pressureEvents = 0;

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

  /** Bytes counted against the budget at the last sample. */
  get usedBytes(): number {
    return this.lastUsed;
  }

  /** Adds a function that frees memory (drops a cache); called on every rise in state. */
  onPressure(relieve: () => void): void {
    this.relievers.push(relieve);
  }

  /** Takes one sample and updates the state; returns it. */
  check(): MemoryState {
    if (this.opts.budgetBytes <= 0) return 'ok';
    this.lastUsed = unreusableBytes(this.opts.sample());
    const prev = this.current;
    const next = nextMemoryState(prev, this.lastUsed, this.opts.budgetBytes);
    if (next === prev) return next;
    this.current = next;
    const fields = { state: next, used: this.lastUsed, budget: this.opts.budgetBytes };
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

  /** Samples every `intervalMs` (the timer does not keep the process alive). */
  start(): void {
    if (this.opts.budgetBytes <= 0 || this.timer !== undefined) return;
    this.check();
    this.timer = setInterval(() => this.check(), this.opts.intervalMs);
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
      help: 'Memory counted against the budget at the last check: resident set minus the free part of the JavaScript heap.',
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
  }
}

function rank(s: MemoryState): number {
  return s === 'ok' ? 0 : s === 'pressure' ? 1 : 2;
}

/** The process' memory (resident set and JavaScript heap). */
export function processMemory(): MemorySample {
  const h = process.memoryUsage();
  return { rss: h.rss, heapTotal: h.heapTotal, heapUsed: h.heapUsed };
}
