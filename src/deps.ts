/** Everything the app needs from outside, as one typed object (built in server.ts or by tests). */
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import type { Bus } from './live/bus.ts';
import type { Presence } from './live/presence.ts';
import type { RateLimiter } from './ratelimit/rate-limiter.ts';
import type { Clock } from './time.ts';
import type { DeskPresenceStore } from './desk/desk-presence-store.ts';

export interface Deps {
  config: Config;
  db: Db;
  bus: Bus;
  presence: Presence;
  clock: Clock;
  /** Shared across nodes with Redis (runtime.ts); tests may leave it out. */
  rateLimiter?: RateLimiter;
  /** Who is on each desk; shared across nodes with Redis (runtime.ts); tests may leave it out (memory). */
  deskPresence?: DeskPresenceStore;
}
