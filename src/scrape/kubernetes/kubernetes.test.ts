import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parsePrometheusConfig, type SDConfig, type TargetGroup } from '../../config/index.js';
import { Logger } from '../../util/index.js';
import { KubernetesDiscoverer } from './discoverer.js';

/** Kubernetes API objects in the shape the API server returns them. */
const nodeList = {
  kind: 'NodeList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '100' },
  items: [
    {
      metadata: {
        name: 'pi-1',
        labels: { 'kubernetes.io/arch': 'arm64' },
        annotations: { note: 'rack 2' },
      },
      spec: { providerID: 'k3s://pi-1' },
      status: {
        addresses: [
          { type: 'Hostname', address: 'pi-1' },
          { type: 'InternalIP', address: '10.0.0.11' },
        ],
        conditions: [{ type: 'Ready', status: 'True' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    },
  ],
};
const pod = (
  name: string,
  ip: string,
  containers: unknown[],
  extra: Record<string, unknown> = {},
): unknown => ({
  metadata: {
    name,
    namespace: 'apps',
    uid: `uid-${name}`,
    labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }],
  },
  spec: { nodeName: 'pi-1', containers, ...extra },
  status: {
    phase: 'Running',
    podIP: ip,
    hostIP: '10.0.0.11',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', containerID: 'containerd://abc' }],
  },
});
const podList = {
  kind: 'PodList',
  metadata: { resourceVersion: '200' },
  items: [
    pod('web-1', '10.42.0.5', [
      {
        name: 'web',
        image: 'nginx:1',
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9113, protocol: 'TCP' },
        ],
      },
    ]),
    pod('web-2', '10.42.0.6', [{ name: 'sidecar', image: 'busybox' }], {
      initContainers: [{ name: 'init', image: 'busybox' }],
    }),
    pod('pending', '', [{ name: 'x', image: 'x' }]),
  ],
};
const serviceList = {
  kind: 'ServiceList',
  metadata: { resourceVersion: '300' },
  items: [
    {
      metadata: { name: 'web', namespace: 'apps', labels: { tier: 'front' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.43.0.10',
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      },
    },
  ],
};
const endpointsList = {
  kind: 'EndpointsList',
  metadata: { resourceVersion: '400' },
  items: [
    {
      metadata: { name: 'web', namespace: 'apps' },
      subsets: [
        {
          addresses: [
            {
              ip: '10.42.0.5',
              nodeName: 'pi-1',
              targetRef: { kind: 'Pod', name: 'web-1', namespace: 'apps' },
            },
          ],
          notReadyAddresses: [{ ip: '10.42.0.9' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    },
  ],
};

const routes: Record<string, unknown> = {
  '/api/v1/nodes': nodeList,
  '/api/v1/pods': podList,
  '/api/v1/namespaces/apps/pods': podList,
  '/api/v1/services': serviceList,
  '/api/v1/namespaces/apps/services': serviceList,
  '/api/v1/endpoints': endpointsList,
  '/api/v1/namespaces/apps/endpoints': endpointsList,
};
const seen: string[] = [];
const watchers: http.ServerResponse[] = [];
let server: http.Server;
let apiServer = '';

before(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    seen.push(`${u.pathname}?${u.searchParams.toString()}`);
    assert.equal(req.headers.authorization, 'Bearer sekret');
    const body = routes[u.pathname];
    if (body === undefined) {
      res.writeHead(404).end('{"kind":"Status","message":"not found"}');
      return;
    }
    if (u.searchParams.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      watchers.push(res);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiServer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  for (const w of watchers) w.end();
  server.close();
});

function sdFor(role: string, extra = ''): Extract<SDConfig, { kind: 'kubernetes' }> {
  const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: k
    kubernetes_sd_configs:
      - role: ${role}
        api_server: ${apiServer}
        authorization: {credentials: sekret}
${extra}
`);
  const sd = cfg.scrapeConfigs[0]!.sd[0]!;
  assert.equal(sd.kind, 'kubernetes');
  return sd;
}

async function discover(
  role: string,
  extra = '',
  until: (g: readonly TargetGroup[]) => boolean = (g) => g.length > 0,
): Promise<{ groups: readonly TargetGroup[]; abort: AbortController }> {
  const abort = new AbortController();
  let latest: readonly TargetGroup[] = [];
  new KubernetesDiscoverer(sdFor(role, extra), Logger.nop()).run((g) => (latest = g), abort.signal);
  for (let i = 0; i < 200 && !until(latest); i++) await new Promise((r) => setTimeout(r, 10));
  return { groups: latest, abort };
}

function byAddress(groups: readonly TargetGroup[]): Record<string, Record<string, string>> {
  return Object.fromEntries(groups.map((g) => [g.targets[0]!, g.labels.toRecord()]));
}

describe('kubernetes_sd against a stub API server', () => {
  it('role node: address, instance, labels, conditions', async () => {
    const { groups, abort } = await discover('node');
    abort.abort();
    assert.deepEqual(byAddress(groups), {
      '10.0.0.11:10250': {
        __meta_kubernetes_node_address_Hostname: 'pi-1',
        __meta_kubernetes_node_address_InternalIP: '10.0.0.11',
        __meta_kubernetes_node_annotation_note: 'rack 2',
        __meta_kubernetes_node_annotationpresent_note: 'true',
        __meta_kubernetes_node_condition_ready: 'true',
        __meta_kubernetes_node_label_kubernetes_io_arch: 'arm64',
        __meta_kubernetes_node_labelpresent_kubernetes_io_arch: 'true',
        __meta_kubernetes_node_name: 'pi-1',
        __meta_kubernetes_node_provider_id: 'k3s://pi-1',
        instance: 'pi-1',
      },
    });
  });

  it('role pod: one target per port, port-free containers, init containers, no pending pods', async () => {
    const { groups, abort } = await discover(
      'pod',
      '        namespaces: {names: [apps]}\n        selectors: [{role: pod, label: "app=web"}]',
    );
    abort.abort();
    const t = byAddress(groups);
    assert.deepEqual(Object.keys(t).sort(), ['10.42.0.5:8080', '10.42.0.5:9113', '10.42.0.6']);
    assert.equal(groups.length, 4, 'two containers of web-2 share the port-free address');
    const m = t['10.42.0.5:9113']!;
    assert.equal(m['__meta_kubernetes_pod_container_port_name'], 'metrics');
    assert.equal(m['__meta_kubernetes_pod_container_id'], 'containerd://abc');
    assert.equal(m['__meta_kubernetes_pod_controller_kind'], 'ReplicaSet');
    assert.equal(m['__meta_kubernetes_pod_label_app_kubernetes_io_name'], 'web');
    assert.equal(m['__meta_kubernetes_pod_ready'], 'true');
    assert.equal(m['__meta_kubernetes_namespace'], 'apps');
    const init = groups.find(
      (g) => g.labels.get('__meta_kubernetes_pod_container_name') === 'init',
    );
    assert.equal(init?.labels.get('__meta_kubernetes_pod_container_init'), 'true');
    assert.ok(
      seen.some((s) => s.startsWith('/api/v1/namespaces/apps/pods?labelSelector=app%3Dweb')),
    );
  });

  it('role service and endpoints: service labels attached, pod labels for pod-backed endpoints', async () => {
    const svc = await discover('service');
    svc.abort.abort();
    assert.deepEqual(Object.keys(byAddress(svc.groups)), ['web.apps.svc:80']);
    assert.equal(svc.groups[0]!.labels.get('__meta_kubernetes_service_cluster_ip'), '10.43.0.10');
    const ep = await discover('endpoints', '', (g) =>
      g.some((x) => x.labels.get('__meta_kubernetes_pod_name') !== ''),
    );
    ep.abort.abort();
    const t = byAddress(ep.groups);
    const ready = t['10.42.0.5:8080']!;
    assert.equal(ready['__meta_kubernetes_endpoint_ready'], 'true');
    assert.equal(ready['__meta_kubernetes_pod_container_port_name'], 'http');
    assert.equal(ready['__meta_kubernetes_service_name'], 'web');
    assert.equal(t['10.42.0.9:8080']!['__meta_kubernetes_endpoint_ready'], 'false');
    // The pod's other container port is discovered too, without endpoint labels.
    const extra = t['10.42.0.5:9113']!;
    assert.equal(extra['__meta_kubernetes_pod_container_port_name'], 'metrics');
    assert.equal(extra['__meta_kubernetes_endpoint_ready'], undefined);
  });

  it('follows watch events', async () => {
    const before = watchers.length;
    const { groups, abort } = await discover('node');
    assert.equal(groups.length, 1);
    for (let i = 0; i < 100 && watchers.length === before; i++)
      await new Promise((r) => setTimeout(r, 10));
    let latest: readonly TargetGroup[] = groups;
    const abort2 = new AbortController();
    new KubernetesDiscoverer(sdFor('node'), Logger.nop()).run((g) => (latest = g), abort2.signal);
    for (let i = 0; i < 100 && watchers.length < before + 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    const w = watchers[watchers.length - 1]!;
    w.write(JSON.stringify({ type: 'DELETED', object: nodeList.items[0] }) + '\n');
    for (let i = 0; i < 100 && latest.length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(latest.length, 0);
    abort.abort();
    abort2.abort();
  });
});
