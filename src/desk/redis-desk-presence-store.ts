/**
 * Desk presence shared by every node: one hash per live blog (`<prefix>desk:<id>`), a
 * field per user holding `{name, editing, at}`. A beat writes the user's field and reads
 * the fresh ones in one Lua call, timed by Redis's own clock so nodes' clocks need not
 * agree; stale fields are dropped as they are read, and the whole hash expires when no
 * desk reports any more.
 */
import type { Redis } from 'ioredis';
import type { User } from '../auth/roles.ts';
import { byName, TTL_MS, type DeskMember, type DeskPresenceStore } from './desk-presence-store.ts';

// ARGV: userId, JSON {name, editing} (or '' to leave), ttl ms. Answers [id, json-with-at, …].
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return {}
end
redis.call('HSET', KEYS[1], ARGV[1], now .. ' ' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local at = tonumber(string.match(all[i + 1], '^(%d+) '))
  if at and now - at <= ttl then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return out
`;

type WithScript = Redis & { unfoldDeskBeat(key: string, userId: string, value: string, ttl: string): Promise<string[]> };

export class RedisDeskPresence implements DeskPresenceStore {
  private readonly client: WithScript;

  /** `client` belongs to the caller (shared with the bus's commands). */
  constructor(client: Redis, private readonly prefix: string, private readonly ttlMs = TTL_MS) {
    if (!('unfoldDeskBeat' in client)) client.defineCommand('unfoldDeskBeat', { numberOfKeys: 1, lua: BEAT });
    this.client = client as WithScript;
  }

  private key(liveblogId: string): string {
    return `${this.prefix}desk:${liveblogId}`;
  }

  async beat(liveblogId: string, user: Pick<User, 'id' | 'name'>, editing: string | null): Promise<DeskMember[]> {
    const raw = await this.client.unfoldDeskBeat(this.key(liveblogId), user.id, JSON.stringify({ name: user.name, editing }), String(this.ttlMs));
    const out: DeskMember[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const sp = raw[i + 1].indexOf(' ');
      try {
        const v = JSON.parse(raw[i + 1].slice(sp + 1)) as { name: string; editing: string | null };
        out.push({ user: { id: raw[i], name: v.name }, editing: v.editing, seenAt: new Date(Number(raw[i + 1].slice(0, sp))).toISOString() });
      } catch {
        // A field another version wrote in another shape: not a colleague we can show.
      }
    }
    return out.sort(byName);
  }

  async leave(liveblogId: string, userId: string): Promise<void> {
    await this.client.unfoldDeskBeat(this.key(liveblogId), userId, '', String(this.ttlMs));
  }

  async close(): Promise<void> {
    // The client is the caller's; our fields expire by themselves.
  }
}
