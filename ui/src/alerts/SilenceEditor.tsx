/**
 * The silence form: create (optionally prefilled from an alert's labels), edit, and recurring
 * windows (Kansoku extension). Shows which current alerts the matchers select.
 */
import { useEffect, useState, type SyntheticEvent, type ReactElement } from 'react';
import { ApiError } from '../api/client.js';
import { navigate } from '../route.js';
import { useApi } from '../useApi.js';
import { fetchAmAlerts, fetchSilence, saveSilence } from './api.js';
import {
  draftProblem,
  matcherFromOp,
  matcherOp,
  matchersFromLabels,
  silenceBody,
  silenceMatches,
  type Recurrence,
  type SilenceMatcher,
} from './model.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const AUTHOR_KEY = 'kansoku.silence.author';
const DURATIONS: [string, number][] = [
  ['1h', 3_600_000],
  ['2h', 7_200_000],
  ['8h', 28_800_000],
  ['1d', 86_400_000],
  ['1w', 604_800_000],
  ['30d', 2_592_000_000],
];

/** `YYYY-MM-DDTHH:MM` in local time, for `datetime-local` inputs. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function fromLocalInput(v: string): number {
  return v === '' ? NaN : new Date(v).getTime();
}

function labelsFromSearch(search: string): Record<string, string> {
  const raw = new URLSearchParams(search).get('labels');
  if (raw === null) return {};
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
    return out;
  } catch {
    return {};
  }
}

function storedAuthor(): string {
  try {
    return window.localStorage.getItem(AUTHOR_KEY) ?? '';
  } catch {
    return '';
  }
}

interface Form {
  matchers: SilenceMatcher[];
  start: string;
  end: string;
  createdBy: string;
  comment: string;
  recurring: boolean;
  weekdays: string[];
  startTime: string;
  endTime: string;
  location: string;
}

function initialForm(search: string): Form {
  const now = Date.now();
  const labels = labelsFromSearch(search);
  const ms = matchersFromLabels(labels);
  return {
    matchers: ms.length > 0 ? ms : [{ name: '', value: '', isRegex: false, isEqual: true }],
    start: toLocalInput(now),
    end: toLocalInput(now + 2 * 3_600_000),
    createdBy: storedAuthor(),
    comment: '',
    recurring: false,
    weekdays: [],
    startTime: '',
    endTime: '',
    location: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

function recurrenceOf(f: Form): Recurrence | undefined {
  if (!f.recurring) return undefined;
  return {
    weekdays: f.weekdays,
    times:
      f.startTime !== '' || f.endTime !== ''
        ? [{ start_time: f.startTime, end_time: f.endTime }]
        : [],
    location: f.location || 'UTC',
  };
}

/** The silence editor (`id` empty: a new silence). */
export function SilenceEditor(props: { id: string; search: string }): ReactElement {
  const [form, setForm] = useState<Form>(() => initialForm(props.search));
  const [problem, setProblem] = useState('');
  const [saving, setSaving] = useState(false);
  const [loadError, setLoadError] = useState('');
  const alerts = useApi(fetchAmAlerts);
  useEffect(() => {
    if (props.id === '') return;
    const ac = new AbortController();
    fetchSilence(props.id, ac.signal).then(
      (s) => {
        const r = s.recurrence;
        setForm({
          matchers: [...s.matchers],
          start: toLocalInput(Date.parse(s.startsAt)),
          end: toLocalInput(Date.parse(s.endsAt)),
          createdBy: s.createdBy,
          comment: s.comment,
          recurring: r !== undefined,
          weekdays: [...(r?.weekdays ?? [])],
          startTime: r?.times?.[0]?.start_time ?? '',
          endTime: r?.times?.[0]?.end_time ?? '',
          location: r?.location ?? 'UTC',
        });
      },
      (e: unknown) => {
        if (!ac.signal.aborted) setLoadError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      ac.abort();
    };
  }, [props.id]);

  const set = (patch: Partial<Form>): void => {
    setForm((f) => ({ ...f, ...patch }));
  };
  const setMatcher = (i: number, m: SilenceMatcher): void => {
    setForm((f) => ({ ...f, matchers: f.matchers.map((x, j) => (j === i ? m : x)) }));
  };
  const draft = {
    id: props.id,
    matchers: form.matchers,
    startsAtMs: fromLocalInput(form.start),
    endsAtMs: fromLocalInput(form.end),
    createdBy: form.createdBy,
    comment: form.comment,
    recurrence: recurrenceOf(form),
  };
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    const p = draftProblem(draft, Date.now());
    if (p !== undefined) {
      setProblem(p);
      return;
    }
    setSaving(true);
    setProblem('');
    try {
      window.localStorage.setItem(AUTHOR_KEY, form.createdBy.trim());
    } catch {
      // storage may be unavailable (private mode); the author is only a convenience
    }
    saveSilence(silenceBody(draft)).then(
      () => {
        navigate('/alerts/silences');
      },
      (err: unknown) => {
        setSaving(false);
        setProblem(err instanceof ApiError ? `Cannot save: ${err.message}` : String(err));
      },
    );
  };
  const named = form.matchers.filter((m) => m.name !== '');
  const affected =
    alerts.kind === 'done' && named.length > 0
      ? alerts.data.filter((a) => silenceMatches(named, a.labels)).length
      : undefined;

  return (
    <form className="silence-form" onSubmit={submit} aria-labelledby="silence-form-title">
      <h2 id="silence-form-title">{props.id === '' ? 'New silence' : 'Edit silence'}</h2>
      {loadError !== '' && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
      <fieldset>
        <legend>Matchers</legend>
        {form.matchers.map((m, i) => (
          <div className="matcher-row" key={i}>
            <label>
              <span className="visually-hidden">Label name {i + 1}</span>
              <input
                className="mono"
                placeholder="label"
                value={m.name}
                onChange={(e) => {
                  setMatcher(i, { ...m, name: e.target.value });
                }}
              />
            </label>
            <label>
              <span className="visually-hidden">Operator {i + 1}</span>
              <select
                value={matcherOp(m)}
                onChange={(e) => {
                  setMatcher(i, matcherFromOp(m.name, e.target.value, m.value));
                }}
              >
                {['=', '!=', '=~', '!~'].map((op) => (
                  <option key={op} value={op}>
                    {op}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="visually-hidden">Value {i + 1}</span>
              <input
                className="mono"
                placeholder="value"
                value={m.value}
                onChange={(e) => {
                  setMatcher(i, { ...m, value: e.target.value });
                }}
              />
            </label>
            <button
              type="button"
              aria-label={`Remove matcher ${i + 1}`}
              onClick={() => {
                set({ matchers: form.matchers.filter((_, j) => j !== i) });
              }}
            >
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => {
            set({
              matchers: [...form.matchers, { name: '', value: '', isRegex: false, isEqual: true }],
            });
          }}
        >
          Add matcher
        </button>
        {affected !== undefined && (
          <p className="meta" aria-live="polite">
            Matches {affected} current alert{affected === 1 ? '' : 's'}.
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>Time</legend>
        <div className="form-grid">
          <label>
            Start
            <input
              type="datetime-local"
              value={form.start}
              onChange={(e) => {
                set({ start: e.target.value });
              }}
            />
          </label>
          <label>
            End
            <input
              type="datetime-local"
              value={form.end}
              onChange={(e) => {
                set({ end: e.target.value });
              }}
            />
          </label>
        </div>
        <div className="duration-buttons" role="group" aria-label="Duration from start">
          {DURATIONS.map(([label, ms]) => (
            <button
              type="button"
              key={label}
              onClick={() => {
                const s = fromLocalInput(form.start);
                set({ end: toLocalInput((Number.isFinite(s) ? s : Date.now()) + ms) });
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={form.recurring}
            onChange={(e) => {
              set({ recurring: e.target.checked });
            }}
          />{' '}
          Recurring: mute only in a weekly window between start and end
        </label>
        {form.recurring && (
          <div className="recurrence">
            <fieldset>
              <legend>Weekdays</legend>
              {WEEKDAYS.map((d) => (
                <label key={d} className="check">
                  <input
                    type="checkbox"
                    checked={form.weekdays.includes(d)}
                    onChange={(e) => {
                      set({
                        weekdays: e.target.checked
                          ? WEEKDAYS.filter((x) => x === d || form.weekdays.includes(x))
                          : form.weekdays.filter((x) => x !== d),
                      });
                    }}
                  />{' '}
                  {d.slice(0, 3)}
                </label>
              ))}
            </fieldset>
            <div className="form-grid">
              <label>
                From (time of day)
                <input
                  type="time"
                  value={form.startTime}
                  onChange={(e) => {
                    set({ startTime: e.target.value });
                  }}
                />
              </label>
              <label>
                To
                <input
                  type="time"
                  value={form.endTime}
                  onChange={(e) => {
                    set({ endTime: e.target.value });
                  }}
                />
              </label>
              <label>
                Time zone
                <input
                  value={form.location}
                  onChange={(e) => {
                    set({ location: e.target.value });
                  }}
                />
              </label>
            </div>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Details</legend>
        <div className="form-grid">
          <label>
            Created by
            <input
              value={form.createdBy}
              onChange={(e) => {
                set({ createdBy: e.target.value });
              }}
            />
          </label>
          <label className="wide">
            Comment
            <textarea
              rows={2}
              value={form.comment}
              onChange={(e) => {
                set({ comment: e.target.value });
              }}
            />
          </label>
        </div>
      </fieldset>
      {problem !== '' && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {props.id === '' ? 'Create silence' : 'Save silence'}
        </button>{' '}
        <button
          type="button"
          onClick={() => {
            navigate('/alerts/silences');
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
