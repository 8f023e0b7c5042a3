import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '../../auth/index.js';
import { Labels, Matcher } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { localWhenRestricted, parseTokenMatchers, restrictedStorage } from './restricted.js';

const token = (matchers: string[]): Principal => ({
  kind: 'token',
  tokenId: matchers.join(),
  user: '',
  scopes: ['read'],
  matchers,
  capabilities: ['read'],
});

describe('restricted storage', () => {
  it('adds the token matchers to every select and label lookup', async () => {
    const s = new MemStorage();
    const app = s.appender();
    for (const [job, env] of [
      ['a', 'prod'],
      ['b', 'prod'],
      ['a', 'dev'],
    ] as const)
      app.append(0, Labels.fromRecord({ __name__: 'up', job, env }), 1000, 1);
    await app.commit();
    let current: Principal | undefined = token(['{job="a"}', 'env="prod"']);
    const get = restrictedStorage(
      () => s,
      () => current,
    );
    const q = await (get() ?? assert.fail('no storage')).querier(0, 2000);
    const set = await q.select(false, undefined, [new Matcher('=', '__name__', 'up')]);
    const seen: string[] = [];
    while (set.next()) seen.push(set.at().labels.toString());
    assert.deepEqual(seen, ['up{env="prod", job="a"}']);
    assert.deepEqual(await q.labelValues('job', []), ['a']);
    assert.deepEqual(await q.labelValues('env', []), ['prod']);
    q.close();
    current = token([]);
    assert.equal(get(), s, 'unrestricted principals get the storage itself');
  });

  it('parses selectors with or without braces and refuses bad ones', () => {
    assert.equal(parseTokenMatchers(['{a="b", c=~"d|e"}', 'f!="g"']).length, 3);
    assert.throws(() => parseTokenMatchers(['{a=}']));
  });

  it('never pushes down the queries of restricted tokens', async () => {
    const state: { current?: Principal } = {};
    const f = localWhenRestricted(
      async (x: string) => Promise.resolve(`remote ${x}`),
      () => state.current,
    );
    assert.equal(await f('q'), 'remote q');
    state.current = token(['{job="a"}']);
    assert.equal(await f('q'), undefined);
  });
});
