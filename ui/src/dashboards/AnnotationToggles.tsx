/** The annotation switches of the dashboard header, one per annotation whose toggle is shown. */
import type { ReactElement } from 'react';
import type { AnnotationDef } from './annotations.js';

/** Props of {@link AnnotationToggles}. */
export interface AnnotationTogglesProps {
  readonly defs: readonly AnnotationDef[];
  readonly enabled: ReadonlySet<number>;
  readonly errors: ReadonlyMap<string, string>;
  readonly onToggle: (index: number, on: boolean) => void;
}

/** Checkboxes like Grafana's annotation toggles; unsupported sources are listed, switched off. */
export function AnnotationToggles(props: AnnotationTogglesProps): ReactElement | null {
  const shown = props.defs.filter((d) => !d.hide);
  if (shown.length === 0) return null;
  return (
    <div className="db-annotations" role="group" aria-label="Annotations">
      {shown.map((d) => {
        const error = props.errors.get(d.name);
        const unsupported = d.kind === 'unsupported';
        return (
          <label
            key={d.index}
            className="db-annotation-toggle"
            title={
              unsupported
                ? 'This annotation’s datasource is not supported by Kansoku'
                : (error ?? (d.kind === 'alerts' ? 'Alert history' : d.expr))
            }
          >
            <input
              type="checkbox"
              checked={!unsupported && props.enabled.has(d.index)}
              disabled={unsupported}
              onChange={(e) => {
                props.onToggle(d.index, e.target.checked);
              }}
            />
            <span className="db-annotation-swatch" style={{ background: d.color }} />
            {d.name}
            {error !== undefined && (
              <span className="warning" aria-label={`Annotation error: ${error}`}>
                {' '}
                ⚠
              </span>
            )}
          </label>
        );
      })}
    </div>
  );
}
