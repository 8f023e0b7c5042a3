/** The dashboards list: search, folders, tags; create, import, duplicate, export and delete. */
import { type ReactElement, useState } from 'react';
import { navigate } from '../route.js';
import { useApi } from '../useApi.js';
import {
  createFolder,
  type DashboardSummary,
  deleteDashboard,
  duplicateDashboard,
  exportUrl,
  listDashboards,
  listFolders,
} from './api.js';
import { ImportDialog } from './ImportDialog.js';

/** Props of {@link DashboardList}. */
export interface DashboardListProps {
  readonly search: string;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The list page; filters live in the URL (`?query=&folder=&tag=`). */
export function DashboardList({ search }: DashboardListProps): ReactElement {
  const params = new URLSearchParams(search);
  const query = params.get('query') ?? '';
  const folder = params.get('folder') ?? '';
  const tag = params.get('tag') ?? '';
  const [reload, setReload] = useState(0);
  const [importing, setImporting] = useState(params.has('import'));
  const [error, setError] = useState('');
  const list = useApi(
    (s) => listDashboards({ query, folder, tag }, s),
    `${query}|${folder}|${tag}|${reload}`,
  );
  const folders = useApi(listFolders, String(reload));
  const folderList = folders.kind === 'done' ? folders.data : [];
  const folderTitle = (uid: string): string =>
    uid === '' ? 'General' : (folderList.find((f) => f.uid === uid)?.title ?? uid);

  const setFilter = (k: string, v: string): void => {
    const p = new URLSearchParams(search);
    if (v === '') p.delete(k);
    else p.set(k, v);
    const qs = p.toString();
    navigate(`/dashboards${qs ? `?${qs}` : ''}`, true);
  };
  const act = (f: () => Promise<unknown>): void => {
    setError('');
    f().then(
      () => {
        setReload((n) => n + 1);
      },
      (e: unknown) => {
        setError(message(e));
      },
    );
  };

  const groups = new Map<string, DashboardSummary[]>();
  if (list.kind === 'done') {
    for (const d of list.data) {
      const g = groups.get(d.folder) ?? [];
      g.push(d);
      groups.set(d.folder, g);
    }
  }
  const tags = list.kind === 'done' ? [...new Set(list.data.flatMap((d) => d.tags))].sort() : [];

  return (
    <section aria-labelledby="dashboards-title" className="db-list">
      <div className="db-toolbar">
        <h1 id="dashboards-title">Dashboards</h1>
        <div className="db-actions">
          <button
            type="button"
            className="primary"
            onClick={() => {
              navigate('/dashboards/new');
            }}
          >
            New dashboard
          </button>
          <button
            type="button"
            onClick={() => {
              setImporting(true);
            }}
          >
            Import
          </button>
          <button
            type="button"
            onClick={() => {
              const name = window.prompt('Folder name');
              if (name !== null && name.trim() !== '') act(() => createFolder(name.trim()));
            }}
          >
            New folder
          </button>
        </div>
      </div>
      <div className="controls db-filters">
        <input
          type="search"
          aria-label="Search dashboards"
          placeholder="Search dashboards"
          defaultValue={query}
          onChange={(e) => {
            setFilter('query', e.target.value);
          }}
        />
        <select
          aria-label="Folder"
          value={folder}
          onChange={(e) => {
            setFilter('folder', e.target.value);
          }}
        >
          <option value="">All folders</option>
          {folderList.map((f) => (
            <option key={f.uid} value={f.uid}>
              {f.title}
            </option>
          ))}
        </select>
        {tag !== '' && (
          <button
            type="button"
            className="label-chip"
            onClick={() => {
              setFilter('tag', '');
            }}
          >
            tag: {tag} ✕
          </button>
        )}
      </div>
      {tags.length > 0 && tag === '' && (
        <div className="db-tags" aria-label="Tags">
          {tags.map((t) => (
            <button
              key={t}
              type="button"
              className="label-chip"
              onClick={() => {
                setFilter('tag', t);
              }}
            >
              {t}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list.kind === 'loading' && <p className="meta">Loading…</p>}
      {list.kind === 'error' && (
        <p className="error" role="alert">
          cannot list dashboards: {list.message}
        </p>
      )}
      {list.kind === 'done' && list.data.length === 0 && (
        <p className="empty">No dashboards{query || folder || tag ? ' match' : ' yet'}.</p>
      )}
      {[...groups.entries()]
        .sort(([a], [b]) => folderTitle(a).localeCompare(folderTitle(b)))
        .map(([g, items]) => (
          <div key={g} className="db-folder">
            <h2>{folderTitle(g)}</h2>
            <ul className="db-items">
              {items.map((d) => (
                <li key={d.uid} className="db-entry">
                  <a
                    href={`/dashboards/d/${encodeURIComponent(d.uid)}`}
                    onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey) return;
                      e.preventDefault();
                      navigate(`/dashboards/d/${encodeURIComponent(d.uid)}`);
                    }}
                  >
                    {d.title || d.uid}
                  </a>
                  {d.provisioned && <span className="badge">provisioned</span>}
                  {d.tags.map((t) => (
                    <button
                      key={t}
                      type="button"
                      className="label-chip"
                      onClick={() => {
                        setFilter('tag', t);
                      }}
                    >
                      {t}
                    </button>
                  ))}
                  <span className="db-entry-actions">
                    <button
                      type="button"
                      aria-label={`Duplicate ${d.title}`}
                      onClick={() => {
                        act(() => duplicateDashboard(d.uid, `${d.title} (copy)`));
                      }}
                    >
                      Duplicate
                    </button>
                    <a
                      href={exportUrl(d.uid)}
                      download={`${d.uid}.json`}
                      aria-label={`Export ${d.title}`}
                    >
                      Export
                    </a>
                    <button
                      type="button"
                      aria-label={`Delete ${d.title}`}
                      onClick={() => {
                        if (window.confirm(`Delete dashboard “${d.title}”?`))
                          act(() => deleteDashboard(d.uid));
                      }}
                    >
                      Delete
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      {importing && (
        <ImportDialog
          folders={folderList}
          onClose={() => {
            setImporting(false);
            setReload((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
