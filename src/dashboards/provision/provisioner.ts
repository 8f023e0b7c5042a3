/**
 * Dashboards as code: the `*.json` files (Grafana JSON of any version) under `--dashboards.dir`
 * are loaded at start and whenever they change (a directory watch with a short debounce, plus a
 * periodic rescan for file systems where watching misses events). Subdirectories become folders.
 * With write-back on, edits made through the API are written to the dashboard's file.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../../util/index.js';
import { migrateGrafanaDashboard } from '../grafana/migrate.js';
import type { Dashboard } from '../model.js';
import type { DashboardService } from '../service.js';
import { uidFromText } from '../uid.js';
import { validateDashboard } from '../validate.js';
import {
  dashboardFileText,
  listDashboardFiles,
  safePath,
  writeAtomic,
  type RelPath,
} from './files.js';

/** Settings of the provisioner. */
export interface ProvisionerOptions {
  /** The directory (`--dashboards.dir`). */
  readonly dir: string;
  /** Whether API edits of provisioned dashboards are written to their files. */
  readonly writeBack: boolean;
  /** Time between full rescans in ms (0: only at start and on watch events). */
  readonly rescanIntervalMs: number;
  /** Quiet time after a change event before rescanning, in ms. */
  readonly debounceMs: number;
}

/** Default settings for a directory. */
export function defaultProvisionerOptions(dir: string): ProvisionerOptions {
  return { dir, writeBack: false, rescanIntervalMs: 30_000, debounceMs: 250 };
}

/** The outcome of one scan. */
export interface ScanResult {
  /** Files stored (new or changed). */
  readonly loaded: number;
  /** Files unchanged since the last scan. */
  readonly unchanged: number;
  /** Dashboards removed because their file is gone. */
  readonly removed: number;
  /** Files that could not be loaded, with the reason. */
  readonly errors: readonly { readonly file: RelPath; readonly error: string }[];
}

/** Loads, watches and writes back the dashboards directory. */
export class DashboardProvisioner {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<ScanResult> | undefined;
  private again = false;
  private stopped = false;
  /** Per file: its size and times when last loaded, and its uid; unchanged files are not re-read. */
  private readonly stamps = new Map<RelPath, { stamp: string; uid: string }>();
  /** Uid → file of the provisioned dashboards after the last scan. */
  private known: Map<string, string> | undefined;

  constructor(
    private readonly svc: DashboardService,
    private readonly opts: ProvisionerOptions,
    private readonly logger: Logger,
  ) {}

  /** Scans once, then watches the directory; enables write-back on the service when set. */
  async start(): Promise<ScanResult> {
    if (this.opts.writeBack) this.svc.setWriteBack({ write: (f, d) => this.write(f, d) });
    const r = await this.scan();
    try {
      this.watcher = watch(this.opts.dir, { recursive: true }, (_event, name) => {
        // Our own temporary files of write-back; every other change (also of hidden entries,
        // like the `..data` link Kubernetes swaps) triggers a rescan.
        if (typeof name === 'string' && name.endsWith('.tmp')) return;
        this.schedule();
      });
      this.watcher.on('error', (err) => {
        this.logger.warn('cannot watch dashboards directory; relying on periodic rescans', { err });
      });
    } catch (err) {
      this.logger.warn('cannot watch dashboards directory; relying on periodic rescans', { err });
    }
    if (this.opts.rescanIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.schedule(0);
      }, this.opts.rescanIntervalMs);
      this.timer.unref();
    }
    return r;
  }

  /** Stops watching and waits for a running scan. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    await this.running?.catch(() => undefined);
  }

  /** Scans the directory now (one scan at a time; a request during a scan runs one more after it). */
  scan(): Promise<ScanResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<ScanResult> => {
      for (;;) {
        this.again = false;
        const r = await this.scanOnce();
        if (!this.rescanRequested()) return r;
      }
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Whether a scan was requested while the last one ran (and the provisioner still runs). */
  private rescanRequested(): boolean {
    return this.again && !this.stopped;
  }

  private schedule(delay = this.opts.debounceMs): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.scan().catch((err: unknown) => {
        this.logger.warn('cannot scan dashboards directory', { err });
      });
    }, delay);
    this.debounce.unref();
  }

  private async scanOnce(): Promise<ScanResult> {
    const files = await listDashboardFiles(this.opts.dir);
    // The store is read once; afterwards this provisioner is the only one that adds or removes
    // provisioned dashboards, so its own record is current (and much cheaper than a listing).
    const before = this.known ?? (await this.svc.provisioned());
    const now = new Map<string, string>();
    const byFile = new Map([...before].map(([uid, file]) => [file, uid]));
    const seen = new Set<string>();
    const errors: { file: RelPath; error: string }[] = [];
    let loaded = 0;
    let unchanged = 0;
    const folders = new Set<string>();
    for (const s of this.stamps.keys()) if (!files.includes(s)) this.stamps.delete(s);
    for (const file of files) {
      try {
        const st = await stat(await safePath(this.opts.dir, file));
        const stamp = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
        const known = this.stamps.get(file);
        if (known?.stamp === stamp && byFile.get(file) === known.uid && !seen.has(known.uid)) {
          seen.add(known.uid);
          now.set(known.uid, file);
          unchanged++;
          continue;
        }
        this.stamps.delete(file);
        const d = await this.load(file);
        if (seen.has(d.uid)) throw new Error(`uid "${d.uid}" is used by another file as well`);
        seen.add(d.uid);
        now.set(d.uid, file);
        const folder = await this.folderOf(file, folders);
        const changed = await this.svc.provision(d, folder, file);
        this.stamps.set(file, { stamp, uid: d.uid });
        if (changed) {
          loaded++;
          this.logger.info('loaded dashboard', { file, uid: d.uid });
        } else unchanged++;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        errors.push({ file, error });
        this.logger.warn('cannot load dashboard file', { file, err: error });
        // Keep the last good version of a file that is broken for the moment.
        const uid = byFile.get(file);
        if (uid !== undefined && !seen.has(uid)) {
          seen.add(uid);
          now.set(uid, file);
        }
      }
    }
    let removed = 0;
    for (const [uid, file] of before) {
      if (seen.has(uid)) continue;
      await this.svc.unprovision(uid);
      removed++;
      this.logger.info('removed dashboard whose file is gone', { file, uid });
    }
    this.known = now;
    return { loaded, unchanged, removed, errors };
  }

  private async load(file: RelPath): Promise<Dashboard> {
    const p = await safePath(this.opts.dir, file);
    const text = await readFile(p, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { dashboard, warnings } = migrateGrafanaDashboard(json);
    for (const w of warnings)
      this.logger.debug('dashboard file: part not carried over', {
        file,
        path: w.path,
        msg: w.message,
      });
    const d = validateDashboard(dashboard);
    return { ...d, uid: d.uid !== '' ? d.uid : uidFromText(file.replace(/\.json$/, '')) };
  }

  private async folderOf(file: RelPath, done: Set<string>): Promise<string> {
    const slash = file.lastIndexOf('/');
    if (slash < 0) return '';
    const dir = file.slice(0, slash);
    const uid = uidFromText(`dir-${dir}`);
    if (!done.has(uid)) {
      const existing = await this.svc.folders.get(uid);
      if (!existing || existing.title !== dir || !existing.provisioned)
        await this.svc.folders.put(uid, dir, true);
      done.add(uid);
    }
    return uid;
  }

  /** Writes a dashboard back to its file (write-back). */
  private async write(file: RelPath, d: Dashboard): Promise<void> {
    const p = await safePath(this.opts.dir, file);
    await writeAtomic(p, dashboardFileText(d));
    this.logger.info('wrote dashboard back to its file', { file, uid: d.uid });
  }
}
