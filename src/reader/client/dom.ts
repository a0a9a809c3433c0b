/** Tiny DOM helpers shared by the client modules. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T | null;

/** One element from trusted markup (our own templates). */
export function fromHtml(html: string): HTMLElement {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content.firstElementChild as HTMLElement;
}

/** Newest first: the first child whose data-published is older than `iso`, or null (append). */
export function olderSibling(list: Element, iso: string): Element | null {
  for (const el of Array.from(list.children)) {
    if ((el as HTMLElement).dataset.published! < iso) return el;
  }
  return null;
}
