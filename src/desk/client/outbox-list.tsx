/** The composer's outbox as the reporter sees it: queued / sending… / sent / not sent. */
import { discard, retry, type OutboxItem } from './outbox.ts';
import { hhmm } from './types.ts';

const LABEL: Record<OutboxItem['state'], string> = { queued: 'queued', sending: 'sending…', sent: 'sent', failed: 'not sent' };

/** An entry that waited (offline) shows when it was written as well as when it went out. */
function Times({ i }: { i: OutboxItem }) {
  if (i.state !== 'sent' || !i.sentAt || hhmm(i.sentAt) === hhmm(i.composedAt)) return null;
  return (
    <span class="muted sent-late">
      written {hhmm(i.composedAt)}, sent {hhmm(i.sentAt)}
    </span>
  );
}

export function OutboxList({ items }: { items: OutboxItem[] }) {
  if (items.length === 0) return null;
  return (
    <ul class="plain" aria-label="Outbox" style="margin-top:.6rem">
      {items.map((i) => (
        <li key={i.key} class="row outbox-item" data-state={i.state}>
          <span class="grow">
            {i.input.status === 'draft' && <span class="muted">Draft: </span>}
            {i.input.headline || i.input.body.slice(0, 80)}
          </span>
          <Times i={i} />
          <span class={`pill ${i.state}`}>{LABEL[i.state]}</span>
          {i.error && <span class="err">{i.error}</span>}
          {i.state === 'failed' && <button onClick={() => retry(i.key)}>Retry</button>}
          {(i.state === 'failed' || i.state === 'sent') && <button onClick={() => discard(i.key)}>Dismiss</button>}
        </li>
      ))}
    </ul>
  );
}
