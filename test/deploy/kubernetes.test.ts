import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseObjects, validateObject, type KubeObject } from './k8s.js';
import { projectRoot } from './root.js';
import { unknownFieldErrors } from './strict.js';

const root = projectRoot();
const dir = path.join(root, 'deploy', 'kubernetes');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .sort();

function load(file: string): KubeObject[] {
  return parseObjects(readFileSync(path.join(dir, file), 'utf8'), `deploy/kubernetes/${file}`);
}

function find(kind: string): KubeObject {
  for (const f of files) for (const o of load(f)) if (o.kind === kind) return o;
  assert.fail(`no ${kind} in deploy/kubernetes`);
}

describe('Kubernetes manifests', () => {
  it('every object validates against the Kubernetes API schema of its kind', async () => {
    const kinds: string[] = [];
    for (const f of files) {
      for (const o of load(f)) {
        await validateObject(o, f);
        kinds.push(o.kind);
      }
    }
    assert.deepEqual(kinds.sort(), ['ConfigMap', 'DaemonSet', 'Ingress', 'Service', 'StatefulSet']);
  });

  it('the schema check rejects a broken object (the validator is live)', async () => {
    const sts = structuredClone(find('StatefulSet')) as Record<string, unknown>;
    const spec = sts['spec'] as Record<string, unknown>;
    spec['replicas'] = 'one';
    await assert.rejects(validateObject(sts as unknown as KubeObject, 'mutated'), /replicas/);
  });

  it('no object has a field its kind does not define (strict field validation)', () => {
    const items = files.flatMap((f) => load(f).map((obj) => ({ obj, where: f })));
    assert.deepEqual(unknownFieldErrors(items, root), []);
    const sts = structuredClone(find('StatefulSet')) as Record<string, unknown>;
    (sts['spec'] as Record<string, unknown>)['replica'] = 1;
    const errs = unknownFieldErrors([{ obj: sts as unknown as KubeObject, where: 'typo' }], root);
    assert.equal(errs.length, 1);
    assert.match(errs[0] ?? '', /typo: StatefulSet\/kansoku: .*'"?replica"?' does not exist/);
  });

  it('kustomization lists existing files', () => {
    const k = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    for (const r of k.resources) assert.ok(files.includes(r), `missing ${r}`);
  });

  it('wires the StatefulSet, Service, ConfigMap and Ingress together', () => {
    const sts = find('StatefulSet') as unknown as StatefulSetShape;
    const svc = find('Service') as unknown as ServiceShape;
    const cm = find('ConfigMap');
    const ing = find('Ingress') as unknown as IngressShape;
    assert.equal(sts.spec.serviceName, svc.metadata.name);
    assert.deepEqual(svc.spec.selector, sts.spec.selector.matchLabels);
    assert.deepEqual(sts.spec.template.metadata.labels, sts.spec.selector.matchLabels);
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    assert.ok(c);
    assert.ok(c.args.includes('--storage.tsdb.path=/data'));
    assert.ok(c.args.includes('--web.listen-address=0.0.0.0:9777'));
    assert.ok(c.args.includes('--config.file=/etc/kansoku/prometheus.yml'));
    assert.equal(sts.spec.volumeClaimTemplates[0]?.metadata.name, 'data');
    assert.ok(c.volumeMounts.some((m) => m.name === 'data' && m.mountPath === '/data'));
    const cfgVol = pod.volumes.find((v) => v.configMap?.name === cm.metadata?.name);
    assert.ok(cfgVol, 'the ConfigMap is mounted');
    assert.ok(c.volumeMounts.some((m) => m.name === cfgVol.name && m.mountPath === '/etc/kansoku'));
    const data = cm['data'] as Record<string, string>;
    const prom = parse(data['prometheus.yml'] ?? '') as { scrape_configs: unknown[] };
    assert.ok(Array.isArray(prom.scrape_configs));
    assert.equal(pod.securityContext.runAsUser, 1000);
    assert.equal(ing.spec.rules[0]?.http.paths[0]?.backend.service.name, svc.metadata.name);
  });
});

interface StatefulSetShape {
  spec: {
    serviceName: string;
    selector: { matchLabels: Record<string, string> };
    volumeClaimTemplates: { metadata: { name: string } }[];
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: { runAsUser: number };
        containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string; configMap?: { name: string } }[];
      };
    };
  };
}
interface ServiceShape {
  metadata: { name: string };
  spec: { selector: Record<string, string> };
}
interface IngressShape {
  spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] };
}
