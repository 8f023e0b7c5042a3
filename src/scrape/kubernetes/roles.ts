import { Labels } from '../../model/index.js';
import type { TargetGroup } from '../../config/index.js';
import {
  addObjectMeta,
  arr,
  bool,
  joinHostPort,
  num,
  obj,
  objKey,
  str,
  type Obj,
} from './objects.js';

const P = '__meta_kubernetes';
const NS = `${P}_namespace`;

/** The current objects of each watched resource, keyed by `namespace/name`. */
export interface Stores {
  readonly nodes: ReadonlyMap<string, Obj>;
  readonly pods: ReadonlyMap<string, Obj>;
  readonly services: ReadonlyMap<string, Obj>;
  readonly endpoints: ReadonlyMap<string, Obj>;
  readonly endpointslices: ReadonlyMap<string, Obj>;
  readonly ingresses: ReadonlyMap<string, Obj>;
}

function group(source: string, address: string, labels: Record<string, string>): TargetGroup {
  return { targets: [address], labels: Labels.fromRecord(labels), source };
}

const NODE_ADDRESS_ORDER = ['InternalIP', 'ExternalIP', 'LegacyHostIP', 'Hostname'];

/** `role: node`: one target per node at its preferred address and kubelet port. */
export function nodeTargets(s: Stores): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const n of s.nodes.values()) {
    const meta = obj(n, 'metadata');
    const status = obj(n, 'status');
    const name = str(meta, 'name');
    const l: Record<string, string> = {
      [`${P}_node_name`]: name,
      [`${P}_node_provider_id`]: str(obj(n, 'spec'), 'providerID'),
      instance: name,
    };
    addObjectMeta(l, `${P}_node`, n);
    const byType = new Map<string, string>();
    for (const a of arr(status, 'addresses')) {
      const t = str(a, 'type');
      if (!byType.has(t)) byType.set(t, str(a, 'address'));
    }
    for (const [t, a] of byType) l[`${P}_node_address_${t}`] = a;
    for (const c of arr(status, 'conditions')) {
      l[`${P}_node_condition_${str(c, 'type').toLowerCase()}`] = str(c, 'status').toLowerCase();
    }
    const addr = NODE_ADDRESS_ORDER.map((t) => byType.get(t)).find(
      (a) => a !== undefined && a !== '',
    );
    if (addr === undefined) continue;
    const port = num(obj(obj(status, 'daemonEndpoints'), 'kubeletEndpoint'), 'Port') ?? 10250;
    out.push(group(`node/${name}`, joinHostPort(addr, port), l));
  }
  return out;
}

/** The labels every target backed by a pod carries. */
function podLabels(p: Obj): Record<string, string> {
  const meta = obj(p, 'metadata');
  const status = obj(p, 'status');
  const l: Record<string, string> = {
    [NS]: str(meta, 'namespace'),
    [`${P}_pod_name`]: str(meta, 'name'),
    [`${P}_pod_ip`]: str(status, 'podIP'),
    [`${P}_pod_ready`]: podReady(p),
    [`${P}_pod_phase`]: str(status, 'phase'),
    [`${P}_pod_node_name`]: str(obj(p, 'spec'), 'nodeName'),
    [`${P}_pod_host_ip`]: str(status, 'hostIP'),
    [`${P}_pod_uid`]: str(meta, 'uid'),
  };
  const ctrl = arr(meta, 'ownerReferences').find((o) => bool(o, 'controller') === true);
  if (ctrl) {
    l[`${P}_pod_controller_kind`] = str(ctrl, 'kind');
    l[`${P}_pod_controller_name`] = str(ctrl, 'name');
  }
  addObjectMeta(l, `${P}_pod`, p);
  return l;
}

function podReady(p: Obj): string {
  const c = arr(obj(p, 'status'), 'conditions').find((x) => str(x, 'type') === 'Ready');
  return c ? str(c, 'status').toLowerCase() : 'unknown';
}

interface ContainerPort {
  readonly container: Obj;
  readonly init: boolean;
  readonly port: Obj | undefined;
}

function containerPorts(p: Obj): ContainerPort[] {
  const spec = obj(p, 'spec');
  const out: ContainerPort[] = [];
  for (const [key, init] of [
    ['containers', false],
    ['initContainers', true],
  ] as const) {
    for (const c of arr(spec, key)) {
      const ports = arr(c, 'ports');
      if (ports.length === 0) out.push({ container: c, init, port: undefined });
      for (const port of ports) out.push({ container: c, init, port });
    }
  }
  return out;
}

function containerLabels(p: Obj, cp: ContainerPort): Record<string, string> {
  const name = str(cp.container, 'name');
  const statuses = [
    ...arr(obj(p, 'status'), 'containerStatuses'),
    ...arr(obj(p, 'status'), 'initContainerStatuses'),
  ];
  const l: Record<string, string> = {
    [`${P}_pod_container_name`]: name,
    [`${P}_pod_container_image`]: str(cp.container, 'image'),
    [`${P}_pod_container_init`]: String(cp.init),
    [`${P}_pod_container_id`]: str(
      statuses.find((s) => str(s, 'name') === name),
      'containerID',
    ),
  };
  if (cp.port) {
    l[`${P}_pod_container_port_name`] = str(cp.port, 'name');
    l[`${P}_pod_container_port_number`] = String(num(cp.port, 'containerPort') ?? '');
    l[`${P}_pod_container_port_protocol`] = str(cp.port, 'protocol') || 'TCP';
  }
  return l;
}

/** `role: pod`: one target per declared container port (or per container without ports). */
export function podTargets(s: Stores): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const p of s.pods.values()) {
    const ip = str(obj(p, 'status'), 'podIP');
    if (ip === '') continue;
    const base = podLabels(p);
    for (const cp of containerPorts(p)) {
      const port = cp.port ? num(cp.port, 'containerPort') : undefined;
      const addr = port === undefined ? ip : joinHostPort(ip, port);
      out.push(group(`pod/${objKey(p)}`, addr, { ...base, ...containerLabels(p, cp) }));
    }
  }
  return out;
}

function serviceLabels(svc: Obj): Record<string, string> {
  const meta = obj(svc, 'metadata');
  const spec = obj(svc, 'spec');
  const type = str(spec, 'type');
  const l: Record<string, string> = {
    [NS]: str(meta, 'namespace'),
    [`${P}_service_name`]: str(meta, 'name'),
    [`${P}_service_type`]: type,
  };
  if (type === 'ExternalName') l[`${P}_service_external_name`] = str(spec, 'externalName');
  else l[`${P}_service_cluster_ip`] = str(spec, 'clusterIP');
  if (type === 'LoadBalancer') {
    const ips = arr(obj(obj(svc, 'status'), 'loadBalancer'), 'ingress').map(
      (i) => str(i, 'ip') || str(i, 'hostname'),
    );
    l[`${P}_service_loadbalancer_ip`] =
      ips.length > 0 ? ips.join(',') : str(spec, 'loadBalancerIP');
  }
  addObjectMeta(l, `${P}_service`, svc);
  return l;
}

/** `role: service`: one target per service port at the service's DNS name. */
export function serviceTargets(s: Stores): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const svc of s.services.values()) {
    const meta = obj(svc, 'metadata');
    const base = serviceLabels(svc);
    for (const port of arr(obj(svc, 'spec'), 'ports')) {
      const n = num(port, 'port') ?? 0;
      out.push(
        group(`svc/${objKey(svc)}`, `${str(meta, 'name')}.${str(meta, 'namespace')}.svc:${n}`, {
          ...base,
          [`${P}_service_port_name`]: str(port, 'name'),
          [`${P}_service_port_number`]: String(n),
          [`${P}_service_port_protocol`]: str(port, 'protocol') || 'TCP',
        }),
      );
    }
  }
  return out;
}

/** `role: ingress`: one target per host and path. */
export function ingressTargets(s: Stores): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const ing of s.ingresses.values()) {
    const meta = obj(ing, 'metadata');
    const spec = obj(ing, 'spec');
    const tlsHosts = new Set(
      arr(spec, 'tls').flatMap((t) =>
        Array.isArray(t['hosts'])
          ? t['hosts'].filter((h): h is string => typeof h === 'string')
          : [],
      ),
    );
    const base: Record<string, string> = {
      [NS]: str(meta, 'namespace'),
      [`${P}_ingress_name`]: str(meta, 'name'),
      [`${P}_ingress_class_name`]: str(spec, 'ingressClassName'),
    };
    addObjectMeta(base, `${P}_ingress`, ing);
    for (const rule of arr(spec, 'rules')) {
      const host = str(rule, 'host');
      const paths = arr(obj(rule, 'http'), 'paths');
      for (const path of paths.length > 0 ? paths.map((p) => str(p, 'path') || '/') : ['/']) {
        out.push(
          group(`ingress/${objKey(ing)}`, host, {
            ...base,
            [`${P}_ingress_scheme`]: tlsHosts.has(host) ? 'https' : 'http',
            [`${P}_ingress_path`]: path,
          }),
        );
      }
    }
  }
  return out;
}

/** Adds pod labels (and the matching container's labels) when an endpoint is backed by a pod. */
function withPod(
  s: Stores,
  ns: string,
  target: Obj,
  port: number | undefined,
  l: Record<string, string>,
  used: Map<string, Set<string>>,
): void {
  if (str(target, 'kind') !== 'Pod') return;
  const key = `${str(target, 'namespace') || ns}/${str(target, 'name')}`;
  const pod = s.pods.get(key);
  if (!pod) return;
  Object.assign(l, podLabels(pod));
  for (const cp of containerPorts(pod)) {
    if (cp.port && num(cp.port, 'containerPort') === port) {
      Object.assign(l, containerLabels(pod, cp));
      let u = used.get(key);
      if (!u) used.set(key, (u = new Set()));
      u.add(`${str(cp.container, 'name')}/${port}`);
    }
  }
}

/** Container ports of referenced pods that no endpoint port covered become targets too. */
function extraPodPorts(
  s: Stores,
  used: Map<string, Set<string>>,
  base: Record<string, string>,
  source: string,
): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const [key, ports] of used) {
    const pod = s.pods.get(key);
    if (!pod) continue;
    const ip = str(obj(pod, 'status'), 'podIP');
    for (const cp of containerPorts(pod)) {
      const port = cp.port ? num(cp.port, 'containerPort') : undefined;
      if (port === undefined || ports.has(`${str(cp.container, 'name')}/${port}`)) continue;
      out.push(
        group(source, joinHostPort(ip, port), {
          ...base,
          ...podLabels(pod),
          ...containerLabels(pod, cp),
        }),
      );
    }
  }
  return out;
}

/** `role: endpoints`: one target per endpoint address and port, plus unbound pod ports. */
export function endpointsTargets(s: Stores): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const ep of s.endpoints.values()) {
    const meta = obj(ep, 'metadata');
    const ns = str(meta, 'namespace');
    const base: Record<string, string> = { [NS]: ns, [`${P}_endpoints_name`]: str(meta, 'name') };
    addObjectMeta(base, `${P}_endpoints`, ep);
    const svc = s.services.get(`${ns}/${str(meta, 'name')}`);
    if (svc) Object.assign(base, serviceLabels(svc));
    const used = new Map<string, Set<string>>();
    const source = `endpoints/${objKey(ep)}`;
    for (const subset of arr(ep, 'subsets')) {
      for (const port of arr(subset, 'ports')) {
        const n = num(port, 'port');
        for (const [key, ready] of [
          ['addresses', 'true'],
          ['notReadyAddresses', 'false'],
        ] as const) {
          for (const a of arr(subset, key)) {
            const tr = obj(a, 'targetRef');
            const l: Record<string, string> = {
              ...base,
              [`${P}_endpoint_ready`]: ready,
              [`${P}_endpoint_port_name`]: str(port, 'name'),
              [`${P}_endpoint_port_protocol`]: str(port, 'protocol') || 'TCP',
            };
            if (str(a, 'hostname') !== '') l[`${P}_endpoint_hostname`] = str(a, 'hostname');
            if (str(a, 'nodeName') !== '') l[`${P}_endpoint_node_name`] = str(a, 'nodeName');
            if (str(tr, 'kind') !== '') {
              l[`${P}_endpoint_address_target_kind`] = str(tr, 'kind');
              l[`${P}_endpoint_address_target_name`] = str(tr, 'name');
            }
            withPod(s, ns, tr, n, l, used);
            out.push(group(source, joinHostPort(str(a, 'ip'), n ?? 0), l));
          }
        }
      }
    }
    out.push(...extraPodPorts(s, used, base, source));
  }
  return out;
}

/** `role: endpointslice`: one target per endpoint address and port, plus unbound pod ports. */
export function endpointSliceTargets(s: Stores): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const es of s.endpointslices.values()) {
    const meta = obj(es, 'metadata');
    const ns = str(meta, 'namespace');
    const base: Record<string, string> = {
      [NS]: ns,
      [`${P}_endpointslice_name`]: str(meta, 'name'),
      [`${P}_endpointslice_address_type`]: str(es, 'addressType'),
    };
    addObjectMeta(base, `${P}_endpointslice`, es);
    const svcName = obj(meta, 'labels')['kubernetes.io/service-name'];
    const svc = typeof svcName === 'string' ? s.services.get(`${ns}/${svcName}`) : undefined;
    if (svc) Object.assign(base, serviceLabels(svc));
    const used = new Map<string, Set<string>>();
    const source = `endpointslice/${objKey(es)}`;
    for (const port of arr(es, 'ports')) {
      const n = num(port, 'port');
      for (const ep of arr(es, 'endpoints')) {
        const cond = obj(ep, 'conditions');
        const tr = obj(ep, 'targetRef');
        const l: Record<string, string> = {
          ...base,
          [`${P}_endpointslice_port`]: String(n ?? ''),
          [`${P}_endpointslice_port_name`]: str(port, 'name'),
          [`${P}_endpointslice_port_protocol`]: str(port, 'protocol') || 'TCP',
        };
        for (const c of ['ready', 'serving', 'terminating']) {
          const v = bool(cond, c);
          if (v !== undefined) l[`${P}_endpointslice_endpoint_conditions_${c}`] = String(v);
        }
        if (str(ep, 'hostname') !== '')
          l[`${P}_endpointslice_endpoint_hostname`] = str(ep, 'hostname');
        if (str(ep, 'nodeName') !== '')
          l[`${P}_endpointslice_endpoint_node_name`] = str(ep, 'nodeName');
        if (str(ep, 'zone') !== '') l[`${P}_endpointslice_endpoint_zone`] = str(ep, 'zone');
        const topo = obj(ep, 'deprecatedTopology');
        for (const [k, v] of Object.entries(topo)) {
          if (typeof v !== 'string') continue;
          const sk = k.replace(/[^a-zA-Z0-9_]/g, '_');
          l[`${P}_endpointslice_endpoint_topology_${sk}`] = v;
          l[`${P}_endpointslice_endpoint_topology_present_${sk}`] = 'true';
        }
        if (str(tr, 'kind') !== '') {
          l[`${P}_endpointslice_address_target_kind`] = str(tr, 'kind');
          l[`${P}_endpointslice_address_target_name`] = str(tr, 'name');
        }
        withPod(s, ns, tr, n, l, used);
        const addrs = Array.isArray(ep['addresses'])
          ? ep['addresses'].filter((a): a is string => typeof a === 'string')
          : [];
        for (const a of addrs) out.push(group(source, joinHostPort(a, n ?? 0), l));
      }
    }
    out.push(...extraPodPorts(s, used, base, source));
  }
  return out;
}
