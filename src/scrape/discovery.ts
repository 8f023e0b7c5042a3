import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promises as dns } from 'node:dns';
import path from 'node:path';
import { Labels } from '../model/index.js';
import { expandGlob, parseTargetGroups, type SDConfig, type TargetGroup } from '../config/index.js';
import type { Logger } from '../util/index.js';
import { HTTPClient } from './client.js';
import { KubernetesDiscoverer } from './kubernetes/discoverer.js';

/**
 * A running service discovery: it reports the complete current list of target groups each time
 * it changes. Stopped through the signal given to `run`.
 */
export interface Discoverer {
  run(onUpdate: (groups: readonly TargetGroup[]) => void, signal: AbortSignal): void;
}

/** Creates the discoverer for one SD config, or undefined (with a logged warning) if unsupported. */
export function newDiscoverer(sd: SDConfig, logger: Logger): Discoverer | undefined {
  switch (sd.kind) {
    case 'static':
      return {
        run: (cb) => {
          cb(sd.groups);
        },
      };
    case 'file':
      return new FileDiscoverer(sd.files, sd.refreshIntervalMs, logger);
    case 'http':
      return new HTTPDiscoverer(sd, logger);
    case 'dns':
      return new DNSDiscoverer(sd, logger);
    case 'kubernetes':
      return new KubernetesDiscoverer(sd, logger);
  }
}

/** Runs `fn` now and then every `ms` until the signal aborts. */
function every(ms: number, signal: AbortSignal, fn: () => Promise<void>): void {
  let timer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    if (signal.aborted) return;
    void fn().finally(() => {
      if (!signal.aborted) timer = setTimeout(loop, ms);
    });
  };
  signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
    },
    { once: true },
  );
  loop();
}

/**
 * `file_sd_configs`: JSON or YAML files of target groups, matched by globs, re-read on change
 * (directory watches) and every refresh interval. A file that fails to parse keeps its last good
 * groups, and the error is logged.
 */
export class FileDiscoverer implements Discoverer {
  private readonly last = new Map<string, TargetGroup[]>();

  constructor(
    private readonly patterns: readonly string[],
    private readonly refreshMs: number,
    private readonly logger: Logger,
  ) {}

  run(onUpdate: (groups: readonly TargetGroup[]) => void, signal: AbortSignal): void {
    let pending = false;
    const refresh = async (): Promise<void> => {
      const files = new Set(this.patterns.flatMap((p) => expandGlob(path.resolve(p))));
      for (const f of [...this.last.keys()]) if (!files.has(f)) this.last.delete(f);
      for (const f of files) {
        try {
          const text = await readFile(f, 'utf8');
          this.last.set(f, parseTargetGroups(text, f, { __meta_filepath: f }));
        } catch (e) {
          this.logger.error('cannot read file_sd file', { file: f, err: e });
        }
      }
      onUpdate([...this.last.values()].flat());
    };
    const watchers: FSWatcher[] = [];
    for (const dir of new Set(this.patterns.map((p) => path.dirname(path.resolve(p))))) {
      try {
        const w = watch(dir, () => {
          if (pending) return;
          pending = true;
          setTimeout(() => {
            pending = false;
            if (!signal.aborted) void refresh();
          }, 100);
        });
        w.on('error', () => undefined);
        watchers.push(w);
      } catch {
        // The directory may appear later; the refresh interval covers it.
      }
    }
    signal.addEventListener(
      'abort',
      () => {
        watchers.forEach((w) => {
          w.close();
        });
      },
      { once: true },
    );
    every(this.refreshMs, signal, refresh);
  }
}

/** `http_sd_configs`: a JSON list of target groups fetched from a URL every refresh interval. */
export class HTTPDiscoverer implements Discoverer {
  private readonly client: HTTPClient;

  constructor(
    private readonly sd: Extract<SDConfig, { kind: 'http' }>,
    private readonly logger: Logger,
  ) {
    this.client = new HTTPClient(sd.http);
  }

  run(onUpdate: (groups: readonly TargetGroup[]) => void, signal: AbortSignal): void {
    signal.addEventListener(
      'abort',
      () => {
        this.client.close();
      },
      { once: true },
    );
    every(this.sd.refreshIntervalMs, signal, async () => {
      try {
        const res = await this.client.get(this.sd.url, {
          accept: 'application/json',
          timeoutMs: Math.min(this.sd.refreshIntervalMs, 30_000),
          bodySizeLimit: 64 << 20,
          acceptGzip: true,
          signal,
          userAgent: 'Kansoku',
        });
        onUpdate(parseTargetGroups(res.body, this.sd.url, { __meta_url: this.sd.url }));
      } catch (e) {
        this.logger.error('cannot refresh http_sd targets', { url: this.sd.url, err: e });
      }
    });
  }
}

/** The lookups `DNSDiscoverer` makes (Node's `dns.promises` or a `dns.promises.Resolver`). */
export type DNSResolver = Pick<
  typeof dns,
  'resolveSrv' | 'resolve4' | 'resolve6' | 'resolveMx' | 'resolveNs'
>;

/** `dns_sd_configs`: SRV, A, AAAA, MX or NS lookups every refresh interval. */
export class DNSDiscoverer implements Discoverer {
  constructor(
    private readonly sd: Extract<SDConfig, { kind: 'dns' }>,
    private readonly logger: Logger,
    /** The system resolver unless a test or a custom resolver is given. */
    private readonly resolver: DNSResolver = dns,
  ) {}

  run(onUpdate: (groups: readonly TargetGroup[]) => void, signal: AbortSignal): void {
    const groups = new Map<string, TargetGroup[]>();
    every(this.sd.refreshIntervalMs, signal, async () => {
      for (const name of this.sd.names) {
        try {
          groups.set(name, await this.lookup(name));
        } catch (e) {
          this.logger.error('cannot resolve dns_sd name', { name, err: e });
        }
      }
      onUpdate([...groups.values()].flat());
    });
  }

  /** Resolves one name into one group per record, each with its own meta labels. */
  private async lookup(name: string): Promise<TargetGroup[]> {
    const out: TargetGroup[] = [];
    const add = (addr: string, extra: Record<string, string>): void => {
      out.push({
        targets: [addr],
        labels: Labels.fromRecord({ __meta_dns_name: name, ...extra }),
        source: `${name}:${out.length}`,
      });
    };
    const port = this.sd.port;
    switch (this.sd.type) {
      case 'SRV':
        for (const r of await this.resolver.resolveSrv(name)) {
          add(`${r.name}:${r.port}`, {
            __meta_dns_srv_record_target: r.name,
            __meta_dns_srv_record_port: String(r.port),
          });
        }
        break;
      case 'A':
        for (const a of await this.resolver.resolve4(name)) add(`${a}:${port}`, {});
        break;
      case 'AAAA':
        for (const a of await this.resolver.resolve6(name)) add(`[${a}]:${port}`, {});
        break;
      case 'MX':
        for (const r of await this.resolver.resolveMx(name)) {
          add(`${r.exchange}:${port}`, { __meta_dns_mx_record_target: r.exchange });
        }
        break;
      case 'NS':
        for (const r of await this.resolver.resolveNs(name))
          add(`${r}:${port}`, { __meta_dns_ns_record_target: r });
        break;
    }
    return out;
  }
}
