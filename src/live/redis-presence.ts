/**
 * Reader counts shared by every node: one hash per live blog, a field per node holding
 * `count:reportedAtMs`. Each report rewrites this node's field and sums the fresh ones in
 * one Lua call, timed by Redis's own clock so nodes' clocks need not agree. A node that
 * dies stops reporting and its field is dropped once stale.
 */
import type { Redis } from 'ioredis';
import type { Presence } from './presence.ts';

const REPORT_AND_SUM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. now)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
local all = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #all, 2 do
  local c, at = string.match(all[i + 1], '^(%d+):(%d+)$')
  if c and now - tonumber(at) <= ttl then
    total = total + tonumber(c)
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return total
`;

export interface RedisPresenceOptions {
  client: Redis;
  prefix: string;
  nodeId: string;
  /** A node's count is trusted this long after its last report (hubs report every 5 s). */
  ttlMs?: number;
}

type WithScript = Redis & { unfoldPresence(key: string, node: string, count: string, ttl: string): Promise<number> };

export class RedisPresence implements Presence {
  private readonly client: WithScript;
  private readonly ttl: string;

  constructor(private readonly o: RedisPresenceOptions) {
    if (!('unfoldPresence' in o.client)) o.client.defineCommand('unfoldPresence', { numberOfKeys: 1, lua: REPORT_AND_SUM });
    this.client = o.client as WithScript;
    this.ttl = String(o.ttlMs ?? 15_000);
  }

  /** Rejects when Redis is down; the hub then shows the local count. */
  async total(liveblogId: string, localReaders: number): Promise<number> {
    const n = await this.client.unfoldPresence(`${this.o.prefix}presence:${liveblogId}`, this.o.nodeId, String(localReaders), this.ttl);
    return Number(n);
  }

  async close(): Promise<void> {
    // The client belongs to the caller; our fields expire by themselves.
  }
}
