/** The reader pages: / and /live/{slug}. (Being built: see src/reader/README once present.) */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import type { LiveblogService } from '../liveblogs/liveblog-service.ts';
import type { EntryService } from '../entries/entry-service.ts';

export interface ReaderDeps {
  deps: Deps;
  liveblogs: LiveblogService;
  entries: EntryService;
}

export async function readerRoutes(_app: FastifyInstance, _d: ReaderDeps): Promise<void> {}
