import type { SDConfig, TargetGroup } from '../../config/index.js';
import type { Logger } from '../../util/index.js';
import type { Discoverer } from '../discovery.js';
import { resolveConnection } from './client.js';
import { Informer } from './informer.js';
import type { Obj } from './objects.js';
import {
  endpointSliceTargets,
  endpointsTargets,
  ingressTargets,
  nodeTargets,
  podTargets,
  serviceTargets,
  type Stores,
} from './roles.js';

type KubeSD = Extract<SDConfig, { kind: 'kubernetes' }>;
type Resource = keyof Stores;

const RESOURCE_PATH: Record<
  Resource,
  { prefix: string; namespaced: boolean; selectorRole: string }
> = {
  nodes: { prefix: '/api/v1', namespaced: false, selectorRole: 'node' },
  pods: { prefix: '/api/v1', namespaced: true, selectorRole: 'pod' },
  services: { prefix: '/api/v1', namespaced: true, selectorRole: 'service' },
  endpoints: { prefix: '/api/v1', namespaced: true, selectorRole: 'endpoints' },
  endpointslices: {
    prefix: '/apis/discovery.k8s.io/v1',
    namespaced: true,
    selectorRole: 'endpointslice',
  },
  ingresses: { prefix: '/apis/networking.k8s.io/v1', namespaced: true, selectorRole: 'ingress' },
};

const ROLE_RESOURCES: Record<KubeSD['role'], Resource[]> = {
  node: ['nodes'],
  pod: ['pods'],
  service: ['services'],
  endpoints: ['endpoints', 'pods', 'services'],
  endpointslice: ['endpointslices', 'pods', 'services'],
  ingress: ['ingresses'],
};

/** `kubernetes_sd_configs`: list + watch of the role's resources, targets rebuilt on change. */
export class KubernetesDiscoverer implements Discoverer {
  constructor(
    private readonly sd: KubeSD,
    private readonly logger: Logger,
  ) {}

  run(onUpdate: (groups: readonly TargetGroup[]) => void, signal: AbortSignal): void {
    let conn;
    try {
      conn = resolveConnection(this.sd);
    } catch (e) {
      this.logger.error('cannot start kubernetes discovery', { err: e });
      return;
    }
    const namespaces = this.sd.namespaces.ownNamespace
      ? [conn.ownNamespace]
      : this.sd.namespaces.names.length > 0
        ? this.sd.namespaces.names
        : [''];
    const informers = new Map<Resource, Informer[]>();
    let scheduled = false;
    const rebuild = (): void => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        if (signal.aborted) return;
        onUpdate(this.targets(informers));
      }, 50);
    };
    for (const res of ROLE_RESOURCES[this.sd.role]) {
      const spec = RESOURCE_PATH[res];
      const sel = this.sd.selectors.find((s) => s.role === spec.selectorRole) ?? {
        label: '',
        field: '',
      };
      const list: Informer[] = [];
      for (const ns of spec.namespaced ? namespaces : ['']) {
        const path = `${spec.prefix}${ns === '' ? '' : `/namespaces/${encodeURIComponent(ns)}`}/${res}`;
        const inf = new Informer(conn, path, sel, this.logger, rebuild);
        list.push(inf);
        void inf.run(signal);
      }
      informers.set(res, list);
    }
    signal.addEventListener(
      'abort',
      () => {
        conn.agent.destroy();
      },
      { once: true },
    );
  }

  private targets(informers: ReadonlyMap<Resource, Informer[]>): TargetGroup[] {
    const merged = (r: Resource): Map<string, Obj> => {
      const m = new Map<string, Obj>();
      for (const inf of informers.get(r) ?? []) for (const [k, v] of inf.store) m.set(k, v);
      return m;
    };
    const s: Stores = {
      nodes: merged('nodes'),
      pods: merged('pods'),
      services: merged('services'),
      endpoints: merged('endpoints'),
      endpointslices: merged('endpointslices'),
      ingresses: merged('ingresses'),
    };
    switch (this.sd.role) {
      case 'node':
        return nodeTargets(s);
      case 'pod':
        return podTargets(s);
      case 'service':
        return serviceTargets(s);
      case 'endpoints':
        return endpointsTargets(s);
      case 'endpointslice':
        return endpointSliceTargets(s);
      case 'ingress':
        return ingressTargets(s);
    }
  }
}
