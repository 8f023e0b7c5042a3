import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadChart, renderChart, type RenderOptions } from './helm.js';
import { parseObjects, validateObject, type KubeObject } from './k8s.js';
import { projectRoot } from './root.js';
import { unknownFieldErrors, type Located } from './strict.js';

const root = projectRoot();
const chart = loadChart(path.join(root, 'deploy', 'helm', 'kansoku'));
/** Every object rendered by the tests below, checked for unknown fields at the end at once. */
const rendered: Located[] = [];

/** Renders the chart, parses every output and validates each object against its schema. */
async function renderValid(opts: RenderOptions = {}): Promise<KubeObject[]> {
  const objs: KubeObject[] = [];
  for (const [file, text] of renderChart(chart, opts)) {
    for (const o of parseObjects(text, file)) {
      await validateObject(o, file);
      objs.push(o);
      rendered.push({ obj: o, where: `${file} (${opts.releaseName ?? 'kansoku'})` });
    }
  }
  return objs;
}

function byKind(objs: KubeObject[], kind: string): Record<string, unknown> | undefined {
  return objs.find((o) => o.kind === kind);
}

interface PodShape {
  spec: {
    volumeClaimTemplates?: {
      spec: { storageClassName?: string; resources: { requests: { storage: string } } };
    }[];
    template: {
      spec: {
        containers: { image: string; args: string[]; resources: unknown }[];
        volumes: { name: string; emptyDir?: object; secret?: { secretName: string } }[];
      };
    };
  };
}

function sts(objs: KubeObject[]): PodShape {
  const s = byKind(objs, 'StatefulSet');
  assert.ok(s, 'no StatefulSet rendered');
  return s as unknown as PodShape;
}

describe('Helm chart', () => {
  it('renders with default values into schema-valid objects', async () => {
    const objs = await renderValid();
    assert.deepEqual(objs.map((o) => o.kind).sort(), ['ConfigMap', 'Service', 'StatefulSet']);
    const s = sts(objs);
    const c = s.spec.template.spec.containers[0];
    assert.ok(c);
    assert.equal(c.image, `ghcr.io/kansoku/kansoku:${String(chart.meta['appVersion'])}`);
    assert.deepEqual(c.args, [
      'server',
      '--web.listen-address=0.0.0.0:9777',
      '--storage.tsdb.path=/data',
      '--config.file=/etc/kansoku/prometheus.yml',
    ]);
    assert.equal(s.spec.volumeClaimTemplates?.[0]?.spec.resources.requests.storage, '20Gi');
    assert.equal(s.spec.volumeClaimTemplates[0].spec.storageClassName, undefined);
    // The ConfigMap holds the values' config as prometheus.yml.
    const cm = byKind(objs, 'ConfigMap') as { data: Record<string, string> };
    const values = chart.values as { config: unknown };
    assert.deepEqual(parse(cm.data['prometheus.yml'] ?? ''), values.config);
  });

  it('renders the Ingress with TLS, a storage class and no PVC when persistence is off', async () => {
    const objs = await renderValid({
      releaseName: 'mon',
      values: {
        ingress: {
          enabled: true,
          className: 'nginx',
          host: 'metrics.example.org',
          tlsSecretName: 'metrics-tls',
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        },
        persistence: { enabled: false },
        service: { type: 'LoadBalancer', port: 80 },
      },
    });
    const ing = byKind(objs, 'Ingress') as {
      metadata: { name: string; annotations: Record<string, string> };
      spec: { ingressClassName: string; rules: { host: string }[]; tls: { secretName: string }[] };
    };
    assert.equal(ing.metadata.name, 'mon');
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.equal(ing.spec.rules[0]?.host, 'metrics.example.org');
    assert.equal(ing.spec.tls[0]?.secretName, 'metrics-tls');
    assert.equal(ing.metadata.annotations['cert-manager.io/cluster-issuer'], 'letsencrypt');
    const s = sts(objs);
    assert.equal(s.spec.volumeClaimTemplates, undefined);
    const data = s.spec.template.spec.volumes.find((v) => v.name === 'data');
    assert.deepEqual(data?.emptyDir, {});
    const svc = byKind(objs, 'Service') as { spec: { type: string; ports: { port: number }[] } };
    assert.equal(svc.spec.type, 'LoadBalancer');
    assert.equal(svc.spec.ports[0]?.port, 80);
  });

  it('persistence size and storage class, resources, image tag and extra args come from values', async () => {
    const objs = await renderValid({
      values: {
        image: { tag: '9.9.9' },
        persistence: { size: '100Gi', storageClass: 'fast-ssd' },
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } },
        extraArgs: ['--storage.tsdb.retention.time=90d', '--log.format=json'],
      },
    });
    const s = sts(objs);
    const vct = s.spec.volumeClaimTemplates?.[0];
    assert.ok(vct);
    assert.equal(vct.spec.storageClassName, 'fast-ssd');
    assert.equal(vct.spec.resources.requests.storage, '100Gi');
    const c = s.spec.template.spec.containers[0];
    assert.ok(c);
    assert.equal(c.image, 'ghcr.io/kansoku/kansoku:9.9.9');
    assert.deepEqual(c.resources, {
      requests: { cpu: '1', memory: '2Gi' },
      limits: { memory: '4Gi' },
    });
    assert.deepEqual(c.args.slice(-2), ['--storage.tsdb.retention.time=90d', '--log.format=json']);
  });

  it('an admin password becomes a Secret mounted as --auth.admin-password-file', async () => {
    const objs = await renderValid({ values: { auth: { adminPassword: 's3cr"et' } } });
    const secret = byKind(objs, 'Secret') as { stringData: Record<string, string> };
    assert.equal(secret.stringData['password'], 's3cr"et');
    const s = sts(objs);
    assert.ok(
      s.spec.template.spec.containers[0]?.args.includes(
        '--auth.admin-password-file=/etc/kansoku-auth/password',
      ),
    );
    const vol = s.spec.template.spec.volumes.find((v) => v.name === 'auth');
    assert.equal(vol?.secret?.secretName, 'kansoku');
  });

  it('an existing Secret is used instead of creating one', async () => {
    const objs = await renderValid({ values: { auth: { existingSecret: 'my-admin' } } });
    assert.equal(byKind(objs, 'Secret'), undefined);
    const vol = sts(objs).spec.template.spec.volumes.find((v) => v.name === 'auth');
    assert.equal(vol?.secret?.secretName, 'my-admin');
  });

  it('no rendered object has a field its kind does not define (strict field validation)', () => {
    assert.ok(rendered.length >= 15, `only ${rendered.length} objects rendered`);
    assert.deepEqual(unknownFieldErrors(rendered, root), []);
  });

  it('refuses an enabled Ingress without a host', () => {
    assert.throws(
      () => renderChart(chart, { values: { ingress: { enabled: true, host: '' } } }),
      /ingress\.host is required/,
    );
  });
});
