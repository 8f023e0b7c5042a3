/**
 * End to end: `--ingest.config.file` relabels every pushed series (remote write and line
 * protocol here), and a reload applies a changed file to series already seen.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const FIRST = `relabel_configs:
  - source_labels: [__name__]
    regex: 'debug_.*'
    action: drop
  - target_label: pushed
    replacement: 'yes'
`;
const SECOND = `relabel_configs:
  - target_label: pushed
    replacement: 'again'
`;

interface VectorBody {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('ingest relabeling (end to end)', () => {
  let tmp = '';
  let file = '';
  let k: KansokuProcess;
  before(async () => {
    tmp = await makeTemp();
    file = path.join(tmp, 'ingest.yml');
    await writeFile(file, FIRST);
    k = await startKansoku(path.join(tmp, 'data'), [`--ingest.config.file=${file}`]);
    await waitFor200(`${k.base}/-/ready`);
  });
  after(async () => {
    await k.stop();
    await removeTemp(tmp);
  });

  const remoteWrite = async (name: string, t: number): Promise<void> => {
    const enc = new WriteRequestEncoder();
    enc.addSeries(['__name__', name, 'job', 'app'], [t], [1]);
    const res = await fetch(`${k.base}/api/v1/write`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      body: encodeSnappyBody(enc.writer.finish()),
    });
    assert.equal(res.status, 204, await res.text());
  };
  const lineProtocol = async (line: string): Promise<void> => {
    const res = await fetch(`${k.base}/api/v2/write?org=o&bucket=b&precision=ms`, {
      method: 'POST',
      body: line,
    });
    assert.equal(res.status, 204, await res.text());
  };
  const query = async (q: string): Promise<VectorBody['data']['result']> => {
    const res = await fetch(`${k.base}/api/v1/query?query=${encodeURIComponent(q)}`);
    return ((await res.json()) as VectorBody).data.result;
  };

  it('drops and labels pushed series as the file says, whatever the protocol', async () => {
    const t = Date.now() - 5000;
    await remoteWrite('app_requests', t);
    await remoteWrite('debug_internal', t);
    await lineProtocol(`weather,city=kyoto temp=12 ${t}\ndebug,x=1 value=3 ${t}`);
    const app = await query('app_requests');
    assert.equal(app.length, 1);
    assert.equal(app[0]!.metric['pushed'], 'yes');
    const weather = await query('weather_temp');
    assert.equal(weather.length, 1);
    assert.equal(weather[0]!.metric['pushed'], 'yes');
    assert.deepEqual(await query('{__name__=~"debug_.*"}'), []);
  });

  it('applies a changed file on reload, also to series seen before', async () => {
    await writeFile(file, SECOND);
    const res = await fetch(`${k.base}/-/reload`, { method: 'POST' });
    assert.equal(res.status, 200, await res.text());
    const t = Date.now() - 3000;
    await remoteWrite('app_requests', t);
    await remoteWrite('debug_internal', t);
    const app = await query('app_requests{pushed="again"}');
    assert.equal(app.length, 1);
    assert.equal((await query('debug_internal')).length, 1);
  });

  it('keeps the running rules when the changed file is invalid', async () => {
    await writeFile(file, 'relabel_configs:\n  - action: nonsense\n');
    await fetch(`${k.base}/-/reload`, { method: 'POST' });
    const t = Date.now() - 1000;
    await remoteWrite('other_metric', t);
    const r = await query('other_metric');
    assert.equal(r[0]?.metric['pushed'], 'again');
  });
});
