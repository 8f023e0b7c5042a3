import { isResolved, type Alert } from '../alerts/alert.js';
import type { AlertStore } from '../alerts/store.js';
import type { Clock } from '../util/clock.js';
import { AggregationGroup, type FlushFn } from './group.js';
import type { Route } from './route.js';

/** Options of the dispatcher. */
export interface DispatcherOptions {
  readonly route: Route;
  readonly store: AlertStore;
  readonly clock: Clock;
  /** Sends one flush of a group through the receiver's pipeline. */
  readonly flush: FlushFn;
}

/**
 * Routes every alert the store receives into aggregation groups (one per matching route and
 * group label set). `start` also routes the alerts already stored; `stop` cancels all timers.
 */
export class Dispatcher {
  private readonly groups = new Map<string, AggregationGroup>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: DispatcherOptions) {}

  /** Starts routing. */
  start(): void {
    if (this.unsubscribe !== undefined) return;
    this.unsubscribe = this.options.store.subscribe((a, fp) => {
      this.process(fp, a);
    });
    for (const [fp, a] of this.options.store.list()) this.process(fp, a);
  }

  /** Stops routing and cancels every group's timer. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const g of this.groups.values()) g.stop();
    this.groups.clear();
  }

  /** The current aggregation groups, in creation order. */
  listGroups(): AggregationGroup[] {
    return [...this.groups.values()];
  }

  private process(fp: string, a: Alert): void {
    for (const route of this.options.route.match(a.labels)) {
      const groupLabels = route.groupLabels(a.labels);
      const id = `${route.id()}\u0000${groupLabels.toString()}`;
      let g = this.groups.get(id);
      if (g === undefined) {
        // A resolved alert does not open a group of its own: nobody was told it fired.
        if (isResolved(a, this.options.clock.now())) continue;
        g = new AggregationGroup(
          route,
          groupLabels,
          this.options.clock,
          this.options.flush,
          (done) => {
            if (this.groups.get(id) === done) this.groups.delete(id);
          },
        );
        this.groups.set(id, g);
      }
      g.insert(fp, a);
    }
  }
}
