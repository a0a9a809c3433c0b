/**
 * Entry bodies are Markdown written by reporters and shown to every reader, so the
 * HTML is rendered once at write time with raw HTML off, then sanitized again with an
 * allow-list: whatever a user types can never run as script on a reader's page.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: true, typographer: true, breaks: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    // Reporters link to sources; readers' browsers must not pass them our page's authority.
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow noopener', target: '_blank' },
    }),
    // A heading inside an entry must not outrank the entry's own headline (h2 on the page).
    h1: 'h2',
  },
};

/** Markdown source → sanitized HTML, safe to insert into any page. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(md.render(source), SANITIZE).trim();
}

/** Any HTML → sanitized HTML (used for defence in depth on stored values). */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}
