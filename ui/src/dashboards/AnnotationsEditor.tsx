/**
 * The Annotations section of the dashboard settings: the entries of `annotations.list` with
 * their Prometheus query fields; the built-in entry (the alert history) can be switched and
 * hidden, entries of other datasources are kept and marked as unsupported.
 */
import type { ReactElement } from 'react';
import { annotationDefs } from './annotations.js';

type Entry = Record<string, unknown>;

function isObj(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The list of `annotations` as editable objects (unknown entries kept). */
export function annotationList(annotations: unknown): Entry[] {
  const list = isObj(annotations) ? annotations['list'] : undefined;
  return Array.isArray(list) ? (list as unknown[]).filter(isObj) : [];
}

function text(e: Entry, key: string): string {
  const v = e[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** Props of {@link AnnotationsEditor}. */
export interface AnnotationsEditorProps {
  readonly list: readonly Entry[];
  readonly onChange: (list: Entry[]) => void;
}

const FIELDS: readonly { key: string; label: string; placeholder: string }[] = [
  {
    key: 'expr',
    label: 'Query',
    placeholder: 'changes(kube_deployment_status_observed_generation[1m]) > 0',
  },
  { key: 'step', label: 'Step', placeholder: '60s' },
  { key: 'titleFormat', label: 'Title', placeholder: '{{job}} deployed' },
  { key: 'textFormat', label: 'Text', placeholder: '{{instance}}' },
  { key: 'tagKeys', label: 'Tags (label names)', placeholder: 'job,env' },
  { key: 'iconColor', label: 'Colour', placeholder: 'red' },
];

/** The editor. */
export function AnnotationsEditor({ list, onChange }: AnnotationsEditorProps): ReactElement {
  const defs = annotationDefs({ list });
  const set = (i: number, key: string, value: unknown): void => {
    onChange(
      list.map((e, j) => {
        if (j !== i) return e;
        // Keys keep their order, so that editing back leaves the JSON as it was.
        const keep = value !== undefined && value !== '';
        const next = Object.entries(e)
          .filter(([k]) => keep || k !== key)
          .map(([k, v]): [string, unknown] => [k, k === key ? value : v]);
        if (keep && !(key in e)) next.push([key, value]);
        return Object.fromEntries(next);
      }),
    );
  };
  return (
    <div className="db-annotations-editor">
      {list.map((e, i) => {
        const def = defs.find((d) => d.index === i);
        const name = text(e, 'name') || `Annotation ${i + 1}`;
        return (
          <fieldset key={i}>
            <legend>
              {name}
              {def?.kind === 'alerts' && ' (alert history)'}
              {def?.kind === 'unsupported' && ' (datasource not supported)'}
            </legend>
            <label>
              Name{' '}
              <input
                value={text(e, 'name')}
                onChange={(ev) => {
                  set(i, 'name', ev.target.value);
                }}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={e['enable'] !== false}
                onChange={(ev) => {
                  set(i, 'enable', ev.target.checked);
                }}
              />{' '}
              Enabled
            </label>
            <label>
              <input
                type="checkbox"
                checked={e['hide'] === true}
                onChange={(ev) => {
                  set(i, 'hide', ev.target.checked ? true : undefined);
                }}
              />{' '}
              Hide the switch
            </label>
            {def?.kind !== 'alerts' &&
              FIELDS.map((f) => (
                <label key={f.key}>
                  {f.label}{' '}
                  <input
                    value={text(e, f.key)}
                    placeholder={f.placeholder}
                    onChange={(ev) => {
                      set(i, f.key, ev.target.value);
                    }}
                  />
                </label>
              ))}
            {def?.kind !== 'alerts' && (
              <label>
                <input
                  type="checkbox"
                  checked={e['useValueForTime'] === true}
                  onChange={(ev) => {
                    set(i, 'useValueForTime', ev.target.checked ? true : undefined);
                  }}
                />{' '}
                Series value as timestamp (ms)
              </label>
            )}
            <button
              type="button"
              aria-label={`Remove annotation ${name}`}
              onClick={() => {
                onChange(list.filter((_, j) => j !== i));
              }}
            >
              Remove
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() => {
          onChange([
            ...list,
            {
              name: `Annotation ${list.length + 1}`,
              datasource: { type: 'prometheus', uid: 'kansoku' },
              enable: true,
              expr: '',
              step: '60s',
              iconColor: 'red',
            },
          ]);
        }}
      >
        Add annotation query
      </button>
    </div>
  );
}
