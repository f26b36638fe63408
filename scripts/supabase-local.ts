/**
 * `npm run supabase:local`: a PostgREST-compatible server on 127.0.0.1 over PGlite (real
 * Postgres, in memory) with our migrations applied and the sample market loaded. It prints the
 * two lines to paste into .env; PORT picks the port (default 54321), MAX_ROWS the row cap
 * (default 1000, as Supabase). Ctrl-C stops it; nothing is kept.
 */
import { SAMPLE_DATA_DIR } from '../src/config/run-config.ts';
import { loadDataFolder, openDatabase } from '../test/support/postgrest/database.ts';
import { startPostgrest, SUPABASE_MAX_ROWS } from '../test/support/postgrest/server.ts';

const port = Number(process.env.PORT ?? 54321);
const maxRows = process.env.MAX_ROWS === undefined ? SUPABASE_MAX_ROWS : Number(process.env.MAX_ROWS) || null;
process.stderr.write('starting Postgres (PGlite) and applying supabase/migrations …\n');
const db = await openDatabase();
const loaded = await loadDataFolder(db, process.env.DATA_DIR ?? SAMPLE_DATA_DIR);
const server = await startPostgrest({ db, port, maxRows, key: process.env.SUPABASE_SERVICE_ROLE_KEY });
process.stderr.write(`loaded ${loaded.prices.toLocaleString('en-US')} price rows and ${loaded.universe.toLocaleString('en-US')} universe rows; max-rows ${maxRows ?? 'none'}\n`);
process.stdout.write(`SUPABASE_URL=${server.url}\nSUPABASE_SERVICE_ROLE_KEY=${server.key}\n`);
process.stderr.write('serving; Ctrl-C to stop\n');
const stop = async () => {
  const s = server.stats;
  process.stderr.write(`\n${s.requests} requests, ${s.socketsAccepted} sockets accepted, at most ${s.socketsPeak} open\n`);
  await server.close();
  await db.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
