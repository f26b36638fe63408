import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_DATA_DIR } from '../../../src/config/run-config.ts';
import { afterAll, beforeAll } from 'vitest';
import { loadSupabaseSettings, SupabaseRest, type RestTuning } from '../../../src/supabase/index.ts';
import { loadDataFolder, openDatabase } from './database.ts';
import { startPostgrest, SUPABASE_MAX_ROWS, type PostgrestServer } from './server.ts';

export { startPostgrest, SUPABASE_MAX_ROWS, type PostgrestServer } from './server.ts';
export { TRANSIENT_FAULTS, seeded, type FaultKind } from './faults.ts';

/** The server over the sample market (optionally only a date range of its prices). */
export async function sampleServer(range: { from?: string; to?: string } = {}, maxRows: number | null = SUPABASE_MAX_ROWS): Promise<PostgrestServer> {
  const db = await openDatabase();
  await loadDataFolder(db, SAMPLE_DATA_DIR, range);
  return startPostgrest({ db, maxRows, closeDb: true });
}

/**
 * The environment that points the CLI at a server (and nowhere else: no .env is read from the
 * test's cwd), with a cache folder of its own (XDG_CACHE_HOME): runs against one server share
 * their cached windows, and nothing is written to the user's ~/.cache.
 */
export function serverEnv(server: PostgrestServer): Record<string, string> {
  let cacheHome = cacheHomes.get(server);
  if (!cacheHome) cacheHomes.set(server, (cacheHome = mkdtempSync(join(tmpdir(), 'vopa-cache-'))));
  return { SUPABASE_URL: server.url, SUPABASE_SERVICE_ROLE_KEY: server.key, XDG_CACHE_HOME: cacheHome };
}

const cacheHomes = new WeakMap<PostgrestServer, string>();

/** A client for a server, with quick retries for tests. */
export function clientFor(server: PostgrestServer, connections = 8, tuning: RestTuning = {}): SupabaseRest {
  return SupabaseRest.open(loadSupabaseSettings(serverEnv(server), { connections }), { retry: { baseDelayMs: 5, maxDelayMs: 50 }, ...tuning });
}

/**
 * Two empty servers for a describe block — two Supabase projects — started before its tests and
 * closed after. Read them inside tests: `projects.a`, `projects.b`.
 */
export function twoProjects(): { readonly a: PostgrestServer; readonly b: PostgrestServer } {
  const servers: PostgrestServer[] = [];
  beforeAll(async () => {
    servers.push(...(await Promise.all([startPostgrest(), startPostgrest()])));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  return {
    get a() {
      return servers[0]!;
    },
    get b() {
      return servers[1]!;
    },
  };
}
