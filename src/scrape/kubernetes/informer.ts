import type { Logger } from '../../util/index.js';
import { getJSON, request, type KubeConnection } from './client.js';
import { arr, isObj, obj, objKey, str, type Obj } from './objects.js';

/** How long to wait before retrying after an API error. */
const RETRY_MS = 2000;

/**
 * Keeps a local copy of one resource list (optionally one namespace, with selectors) in sync
 * through list + watch, relisting when the watch ends with an error or "410 Gone".
 */
export class Informer {
  readonly store = new Map<string, Obj>();

  constructor(
    private readonly conn: KubeConnection,
    /** Collection path, for example `/api/v1/namespaces/default/pods`. */
    private readonly path: string,
    private readonly selectors: { label: string; field: string },
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.selectors.label !== '') q.set('labelSelector', this.selectors.label);
    if (this.selectors.field !== '') q.set('fieldSelector', this.selectors.field);
    return `${this.path}?${q.toString()}`;
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let version = '';
      try {
        version = await this.list(signal);
        await this.watch(version, signal);
      } catch (e) {
        if (aborted(signal)) return;
        this.logger.warn('kubernetes list/watch failed; retrying', { path: this.path, err: e });
      }
      if (!aborted(signal)) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private async list(signal: AbortSignal): Promise<string> {
    const { status, body } = await getJSON(this.conn, this.query({}), signal);
    if (status !== 200)
      throw new Error(
        `GET ${this.path}: HTTP ${status}: ${typeof body === 'string' ? body : str(body, 'message')}`,
      );
    this.store.clear();
    for (const item of arr(body, 'items')) this.store.set(objKey(item), item);
    this.onChange();
    return str(obj(body, 'metadata'), 'resourceVersion');
  }

  private async watch(version: string, signal: AbortSignal): Promise<void> {
    let rv = version;
    for (;;) {
      const res = await request(
        this.conn,
        this.query({ watch: '1', resourceVersion: rv, allowWatchBookmarks: 'true' }),
        signal,
      );
      if (res.statusCode !== 200) {
        res.resume();
        throw new Error(`watch ${this.path}: HTTP ${res.statusCode ?? 0}`);
      }
      let buf = '';
      let gone = false;
      for await (const chunk of res) {
        buf += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line === '') continue;
          let ev: unknown;
          try {
            ev = JSON.parse(line);
          } catch {
            continue;
          }
          const type = str(ev, 'type');
          const o = obj(ev, 'object');
          if (type === 'ERROR') {
            gone = true;
            break;
          }
          const newRv = str(obj(o, 'metadata'), 'resourceVersion');
          if (newRv !== '') rv = newRv;
          if (type === 'BOOKMARK') continue;
          if (type === 'DELETED') this.store.delete(objKey(o));
          else if ((type === 'ADDED' || type === 'MODIFIED') && isObj(o))
            this.store.set(objKey(o), o);
          this.onChange();
        }
        if (gone) break;
      }
      if (gone) throw new Error(`watch ${this.path}: resource version too old; relisting`);
      if (signal.aborted) return;
      // The server closed the watch normally (timeout): resume from the last version.
    }
  }
}

/** Reads the flag through a call so flow analysis does not treat it as constant. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
