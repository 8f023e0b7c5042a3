/**
 * Where the Alertmanager keeps its silences and notification log when they are shared by several
 * servers (high availability): named snapshots in a store every server reads and writes.
 */
export interface SnapshotStore {
  /** The snapshot's text, or undefined when there is none yet. */
  read(name: string): Promise<string | undefined>;
  /** Replaces the snapshot. */
  write(name: string, data: string): Promise<void>;
  /**
   * Replaces the snapshot with `fn(current)` atomically: when another server wrote in between,
   * `fn` runs again on the newer text. Resolves with what was written. Optional: stores without
   * it are written with `read` and `write`, and the last writer wins.
   */
  update?(name: string, fn: (current: string | undefined) => string): Promise<string>;
}
