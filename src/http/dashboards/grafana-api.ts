/**
 * Grafana-compatible dashboard endpoints, so that Grafana tooling (grizzly, grafanalib, Terraform's
 * Grafana provider, scripts written against Grafana's HTTP API) can manage Kansoku's dashboards:
 * `GET /api/search`, `GET|DELETE /api/dashboards/uid/:uid` and `POST /api/dashboards/db`.
 */
import { createHash } from 'node:crypto';
import type { DashboardService, DashboardSummary, Folder } from '../../dashboards/index.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { grafanaHandler, readJson } from './errors.js';

/** Adds the Grafana-compatible routes. */
export function addGrafanaDashboardRoutes(
  router: Router,
  svc: DashboardService,
  author: () => string = () => '',
): void {
  const h = grafanaHandler;
  router.get(
    '/api/search',
    h(async (ctx) => {
      const p = ctx.url.searchParams;
      const type = p.get('type') ?? '';
      const query = p.get('query') ?? '';
      const tags = p.getAll('tag').filter((t) => t !== '');
      const folderUids = p
        .getAll('folderUIDs')
        .flatMap((f) => f.split(','))
        .filter((f) => f !== '');
      const limit = Number(p.get('limit') ?? '1000') || 1000;
      const folders = await svc.folders.list();
      const byUid = new Map(folders.map((f) => [f.uid, f]));
      const out: Record<string, unknown>[] = [];
      if (type === '' || type === 'dash-folder') {
        for (const f of folders)
          if (tags.length === 0 && f.title.toLowerCase().includes(query.toLowerCase()))
            out.push(folderHit(f));
      }
      if (type === '' || type === 'dash-db') {
        for (const d of await svc.list({ query, ...(tags.length === 0 ? {} : { tags }) })) {
          if (folderUids.length > 0 && !folderUids.includes(d.folder === '' ? 'general' : d.folder))
            continue;
          out.push(dashboardHit(d, byUid.get(d.folder)));
        }
      }
      sendJson(ctx.res, 200, out.slice(0, limit));
    }),
  );
  router.get(
    '/api/dashboards/uid/:uid',
    h(async (ctx) => {
      const { dashboard, meta } = await svc.get(ctx.params['uid'] ?? '');
      const folder = meta.folder === '' ? undefined : await svc.folders.get(meta.folder);
      sendJson(ctx.res, 200, {
        dashboard: { ...dashboard, id: numericId(dashboard.uid) },
        meta: {
          type: 'db',
          canSave: meta.editable,
          canEdit: meta.editable,
          canAdmin: true,
          canStar: false,
          canDelete: !meta.provisioned,
          slug: slug(dashboard.title),
          url: `/d/${dashboard.uid}/${slug(dashboard.title)}`,
          expires: '0001-01-01T00:00:00Z',
          created: new Date(meta.updatedAt).toISOString(),
          updated: new Date(meta.updatedAt).toISOString(),
          updatedBy: 'kansoku',
          createdBy: 'kansoku',
          version: meta.version,
          hasAcl: false,
          isFolder: false,
          folderId: folder ? numericId(folder.uid) : 0,
          folderUid: folder?.uid ?? '',
          folderTitle: folder?.title ?? 'General',
          folderUrl: folder ? `/dashboards/f/${folder.uid}/${slug(folder.title)}` : '',
          provisioned: meta.provisioned,
          provisionedExternalId: meta.file ?? '',
        },
      });
    }),
  );
  router.add(
    ['DELETE'],
    '/api/dashboards/uid/:uid',
    h(async (ctx) => {
      const uid = ctx.params['uid'] ?? '';
      const { dashboard } = await svc.get(uid);
      await svc.delete(uid);
      sendJson(ctx.res, 200, {
        title: dashboard.title,
        message: `Dashboard ${dashboard.title} deleted`,
        id: numericId(uid),
        uid,
      });
    }),
  );
  router.post(
    '/api/dashboards/db',
    h(async (ctx) => {
      const body = await readJson(ctx);
      // Older tools name the folder by its numeric id; map it to the folder's uid.
      if (
        isRecord(body) &&
        typeof body['folderId'] === 'number' &&
        body['folderUid'] === undefined
      ) {
        const id = body['folderId'];
        const folder = (await svc.folders.list()).find((f) => numericId(f.uid) === id);
        if (folder) body['folderUid'] = folder.uid;
      }
      const r = await svc.saveGrafana(body, author());
      const s = slug(r.dashboard.title);
      sendJson(ctx.res, 200, {
        id: numericId(r.uid),
        uid: r.uid,
        url: `/d/${r.uid}/${s}`,
        status: 'success',
        version: r.version,
        slug: s,
        warnings: r.warnings,
      });
    }),
  );
}

function dashboardHit(d: DashboardSummary, folder: Folder | undefined): Record<string, unknown> {
  const s = slug(d.title);
  return {
    id: numericId(d.uid),
    uid: d.uid,
    title: d.title,
    uri: `db/${s}`,
    url: `/d/${d.uid}/${s}`,
    slug: '',
    type: 'dash-db',
    tags: d.tags,
    isStarred: false,
    sortMeta: 0,
    ...(folder
      ? {
          folderId: numericId(folder.uid),
          folderUid: folder.uid,
          folderTitle: folder.title,
          folderUrl: `/dashboards/f/${folder.uid}/${slug(folder.title)}`,
        }
      : {}),
  };
}

function folderHit(f: Folder): Record<string, unknown> {
  const s = slug(f.title);
  return {
    id: numericId(f.uid),
    uid: f.uid,
    title: f.title,
    uri: `db/${s}`,
    url: `/dashboards/f/${f.uid}/${s}`,
    slug: '',
    type: 'dash-folder',
    tags: [],
    isStarred: false,
    sortMeta: 0,
  };
}

/** A stable positive numeric id for a uid (Grafana clients expect one beside the uid). */
export function numericId(uid: string): number {
  return createHash('sha256').update(uid).digest().readUInt32BE(0) & 0x7fffffff;
}

/** Grafana's URL slug of a title. */
function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
