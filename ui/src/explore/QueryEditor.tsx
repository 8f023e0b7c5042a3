/**
 * The PromQL editor: CodeMirror 6 with PromQL highlighting, linting and autocompletion served by
 * our own API. Enter (or Ctrl/Cmd+Enter) runs the query; Shift+Enter inserts a newline.
 */
import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands';
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { type ReactElement, useEffect, useRef } from 'react';

/** Props of the editor. */
export interface QueryEditorProps {
  /** The text to show; when it changes from outside (history, URL), the editor follows. */
  readonly value: string;
  readonly onChange: (v: string) => void;
  /** Called with the current text when the user asks to run it. */
  readonly onRun: (v: string) => void;
}

/** A one-line-ish PromQL editor. */
export function QueryEditor({ value, onChange, onRun }: QueryEditorProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const cb = useRef({ onChange, onRun });
  cb.current = { onChange, onRun };

  useEffect(() => {
    if (!host.current) return;
    const promql = new PromQLExtension().setComplete({
      remote: { url: window.location.origin, httpMethod: 'GET', cache: { maxAge: 60_000 } },
    });
    const run = (v: EditorView): boolean => {
      cb.current.onRun(v.state.doc.toString());
      return true;
    };
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(
            keymap.of([
              { key: 'Mod-Enter', run },
              { key: 'Shift-Enter', run: insertNewline },
            ]),
          ),
          history(),
          closeBrackets(),
          bracketMatching(),
          autocompletion(),
          // Enter accepts a completion when the list is open, and runs the query otherwise.
          keymap.of([
            ...completionKeymap,
            { key: 'Enter', run },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          placeholder('Expression (press Enter to run, Shift+Enter for a new line)'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
          promql.asExtension(),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) cb.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once; later value changes are pushed in by the effect below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div className="query-editor" ref={host} />;
}
