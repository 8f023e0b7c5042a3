/**
 * Kansoku's dashboard API under `/api/kansoku/`: dashboards, versions, import and export,
 * folders. Answers use the usual envelope `{"status":"success","data":…}`.
 */
import type { DashboardService } from '../../dashboards/index.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';
import { BadParamError } from '../params.js';
import { kansokuHandler, readJson } from './errors.js';

/** Adds the `/api/kansoku/dashboards` and `/api/kansoku/folders` routes. */
export function addDashboardApiRoutes(
  router: Router,
  svc: DashboardService,
  author: () => string = () => '',
): void {
  const base = '/api/kansoku/dashboards';
  const h = kansokuHandler;
  router.get(
    base,
    h(async (ctx) => {
      const p = ctx.url.searchParams;
      const tags = p.getAll('tag').filter((t) => t !== '');
      const folder = p.get('folder') ?? '';
      sendSuccess(
        ctx.res,
        await svc.list({
          query: p.get('query') ?? '',
          ...(folder === '' ? {} : { folder }),
          ...(tags.length === 0 ? {} : { tags }),
        }),
      );
    }),
  );
  router.post(
    base,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.create(await readJson(ctx), author()));
    }),
  );
  router.post(
    `${base}/import`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.import(await readJson(ctx), author()));
    }),
  );
  router.get(
    `${base}/:uid`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.get(uid(ctx.params)));
    }),
  );
  router.add(
    ['PUT'],
    `${base}/:uid`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.update(uid(ctx.params), await readJson(ctx), author()));
    }),
  );
  router.add(
    ['DELETE'],
    `${base}/:uid`,
    h(async (ctx) => {
      const id = uid(ctx.params);
      await svc.delete(id);
      sendSuccess(ctx.res, { uid: id, deleted: true });
    }),
  );
  router.post(
    `${base}/:uid/duplicate`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.duplicate(uid(ctx.params), await readJson(ctx), author()));
    }),
  );
  router.get(
    `${base}/:uid/versions`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.versions(uid(ctx.params)));
    }),
  );
  router.get(
    `${base}/:uid/versions/:version`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.version(uid(ctx.params), versionParam(ctx.params)));
    }),
  );
  router.post(
    `${base}/:uid/versions/:version/restore`,
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.restore(uid(ctx.params), versionParam(ctx.params), author()));
    }),
  );
  router.get(
    `${base}/:uid/export`,
    h(async (ctx) => {
      const d = await svc.export(uid(ctx.params));
      const json = JSON.stringify(d, null, 2);
      const name = (typeof d['title'] === 'string' ? d['title'] : 'dashboard')
        .replace(/[^A-Za-z0-9_.-]+/g, '-')
        .slice(0, 100);
      ctx.res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(json),
        'Content-Disposition': `inline; filename="${name}.json"`,
      });
      ctx.res.end(json);
    }),
  );

  router.get(
    '/api/kansoku/folders',
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.folders.list());
    }),
  );
  router.post(
    '/api/kansoku/folders',
    h(async (ctx) => {
      sendSuccess(ctx.res, await svc.folders.create(await readJson(ctx)));
    }),
  );
  router.add(
    ['DELETE'],
    '/api/kansoku/folders/:uid',
    h(async (ctx) => {
      const id = ctx.params['uid'] ?? '';
      await svc.deleteFolder(id);
      sendSuccess(ctx.res, { uid: id, deleted: true });
    }),
  );
}

function uid(params: Readonly<Record<string, string>>): string {
  return params['uid'] ?? '';
}

function versionParam(params: Readonly<Record<string, string>>): number {
  const raw = params['version'] ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1)
    throw new BadParamError(`invalid version "${raw}": must be a positive integer`);
  return n;
}
