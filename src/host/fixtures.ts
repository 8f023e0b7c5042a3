/** Helpers for the collector tests: fixture trees under a temp dir and one-collector scrapes. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostCollector } from './collect.js';
import { HOST_COLLECTORS, type HostCollectorName } from './options.js';

/** A temporary `/proc` + `/sys` pair for one test file. */
export class FixtureHost {
  readonly root: string;
  readonly procfs: string;
  readonly sysfs: string;

  constructor() {
    this.root = mkdtempSync(path.join(os.tmpdir(), 'kansoku-host-fx-'));
    this.procfs = path.join(this.root, 'proc');
    this.sysfs = path.join(this.root, 'sys');
    mkdirSync(this.procfs);
    mkdirSync(this.sysfs);
  }

  /** Writes files (path relative to `base` → content). */
  write(base: 'proc' | 'sys', files: Record<string, string | Uint8Array>): void {
    const dir = base === 'proc' ? this.procfs : this.sysfs;
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(dir, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  }

  /** Creates a symlink at `rel` (below sysfs) pointing to `target`. */
  link(rel: string, target: string): void {
    const p = path.join(this.sysfs, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    symlinkSync(target, p);
  }

  /** Creates empty directories below sysfs. */
  dir(rel: string): void {
    mkdirSync(path.join(this.sysfs, rel), { recursive: true });
  }

  /** Runs only `name` on this tree and returns the exposition. */
  scrape(name: HostCollectorName): Promise<string> {
    const collectors = {} as Record<HostCollectorName, boolean>;
    for (const c of HOST_COLLECTORS) collectors[c] = c === name;
    return new HostCollector({ procfs: this.procfs, sysfs: this.sysfs, collectors }).collect();
  }

  /** Removes the tree. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The exposition without the scrape duration lines (which vary). */
export function stable(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.includes('node_scrape_collector_duration_seconds'))
    .join('\n');
}
