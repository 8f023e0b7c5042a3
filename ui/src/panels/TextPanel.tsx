/**
 * The text panel: markdown or HTML content, always sanitized (no scripts, no event handlers,
 * no javascript: URLs, no forms or frames) before it reaches the page.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { type ReactElement, useMemo } from 'react';
import { optObject, optString } from './fieldconfig.js';
import type { PanelModel, PanelProps } from './types.js';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** Links leave the dashboard in a new tab without giving it a handle back to Kansoku. */
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** Markdown or HTML as sanitized HTML. */
export function renderTextContent(content: string, mode: string): string {
  const html = mode === 'markdown' ? (markdown.parse(content) as string) : content;
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: [
      'style',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'iframe',
      'object',
      'embed',
      'base',
      'meta',
      'link',
    ],
    FORBID_ATTR: ['style', 'srcset', 'formaction'],
    ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  });
}

/** The content and mode of a text panel, current (`options`) or legacy (top-level) schema. */
export function textOf(panel: PanelModel): { content: string; mode: string } {
  const o = panel.options;
  const legacyContent = typeof panel['content'] === 'string' ? panel['content'] : '';
  const legacyMode = typeof panel['mode'] === 'string' ? panel['mode'] : 'markdown';
  return {
    content: optString(o, 'content', legacyContent),
    mode: optString(o, 'mode', legacyMode),
  };
}

/** Renders a `text` panel. */
export function TextPanel({ panel }: PanelProps): ReactElement {
  const { content, mode } = textOf(panel);
  const html = useMemo(
    () => (mode === 'code' ? '' : renderTextContent(content, mode)),
    [content, mode],
  );
  if (mode === 'code') {
    const lang = optString(optObject(panel.options, 'code'), 'language', 'plaintext');
    return (
      <pre className="kp-text kp-text-code" data-language={lang}>
        {content}
      </pre>
    );
  }
  return <div className="kp-text" dangerouslySetInnerHTML={{ __html: html }} />;
}
