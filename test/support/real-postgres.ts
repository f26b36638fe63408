import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from './postgrest/database.ts';
import { PostgresDatabase } from './postgrest/pg.ts';

/**
 * A throwaway real PostgreSQL cluster for tests and the bench:
 * 1. the binaries: the newest /usr/lib/postgresql/<major>/bin with initdb and postgres (or
 *    POSTGRES_BIN); run as root, the cluster runs as the `postgres` OS user (Postgres refuses
 *    root), otherwise as the current user;
 * 2. a temporary folder owned by that user holds the data folder and the unix socket (no TCP
 *    port: nothing listens on the network, no port to collide with);
 * 3. initdb (trust for local connections, UTF8, locale C), then postgres itself as a child of
 *    this process (fsync off: the data is thrown away);
 * 4. `createDatabase`: a new database with the repository's migrations applied (as database.ts
 *    does for PGlite), behind `Database`;
 * 5. `stop`: a fast shutdown, waited for, and the folder removed; also when this process exits,
 *    is interrupted (SIGINT, SIGTERM) or loses its parent (a forked child's IPC channel).
 */
export interface PostgresBinaries {
  readonly bin: string;
  /** The OS user the cluster runs as (uid, gid), or undefined for this process' own user. */
  readonly runAs: { uid: number; gid: number; name: string } | undefined;
}

/** The binaries and the user to run them as, or why a real Postgres cannot be started here. */
export function findPostgres(): PostgresBinaries | { missing: string } {
  const root = '/usr/lib/postgresql';
  const candidates = process.env.POSTGRES_BIN
    ? [process.env.POSTGRES_BIN]
    : existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)).map((v) => join(root, v, 'bin')) : [];
  const bin = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (!bin) return { missing: `no PostgreSQL binaries (initdb, postgres) under ${process.env.POSTGRES_BIN ?? `${root}/<version>/bin`}` };
  if (process.getuid?.() !== 0) return { bin, runAs: undefined };
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return { missing: 'running as root and there is no `postgres` OS user to run PostgreSQL as' };
  return { bin, runAs: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' } };
}

export interface PostgresCluster {
  /** `postgres 15.x` */
  readonly version: string;
  /** The unix socket's folder (node-postgres' `host`) and port. */
  readonly host: string;
  readonly port: number;
  /** A new database, with the migrations unless told otherwise. */
  createDatabase(options?: { migrations?: boolean; connections?: number }): Promise<PostgresDatabase>;
  stop(): Promise<void>;
}

const PORT = 5432;

export async function startPostgresCluster(options: { settings?: Record<string, string> } = {}): Promise<PostgresCluster> {
  const found = findPostgres();
  if ('missing' in found) throw new Error(`cannot start PostgreSQL: ${found.missing}`);
  const { bin, runAs } = found;
  // A short path: a unix socket's path is limited to 107 bytes.
  const home = mkdtempSync(join(tmpdir().length < 60 ? tmpdir() : '/tmp', 'vopa-pg-'));
  const data = join(home, 'data');
  const user = runAs?.name ?? 'postgres';
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  let child: ChildProcess | undefined;
  let stopped = false;

  // Cleanup that can run when the process is going away (synchronous: no promise is awaited then).
  const cleanupNow = () => {
    if (stopped) return;
    stopped = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT'); // immediate shutdown
      spawnSync('sh', ['-c', `while kill -0 ${child.pid} 2>/dev/null; do sleep 0.05; done`], { timeout: 10_000 });
    }
    rmSync(home, { recursive: true, force: true });
    detach();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanupNow();
    process.kill(process.pid, signal);
  };
  const onDisconnect = () => {
    cleanupNow();
    process.exit(1);
  };
  const attach = () => {
    process.on('exit', cleanupNow);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (process.send) process.once('disconnect', onDisconnect);
  };
  const detach = () => {
    process.off('exit', cleanupNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('disconnect', onDisconnect);
  };
  attach();

  try {
    if (runAs) chownSync(home, runAs.uid, runAs.gid);
    const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...ids, encoding: 'utf8', cwd: home });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const settings: Record<string, string> = {
      listen_addresses: '', unix_socket_directories: home, port: String(PORT), fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off',
      max_connections: '100', ...options.settings,
    };
    child = spawn(join(bin, 'postgres'), ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], { ...ids, cwd: home, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => { log = (log + chunk.toString('utf8')).slice(-4_000); });
    const socket = join(home, `.s.PGSQL.${PORT}`);
    const started = performance.now();
    while (!existsSync(socket) || spawnSync(join(bin, 'pg_isready'), ['-h', home, '-p', String(PORT), '-U', user], { ...ids }).status !== 0) {
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log.trim().split('\n').slice(-3).join(' ')}`);
      if (performance.now() - started > 30_000) throw new Error(`postgres did not start within 30 s: ${log.trim().split('\n').slice(-3).join(' ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    cleanupNow();
    throw err;
  }
  const stage = join(home, 'stage');
  mkdirSync(stage);
  if (runAs) chownSync(stage, runAs.uid, runAs.gid);

  const admin = await PostgresDatabase.open({ host: home, port: PORT, user, database: 'postgres', connections: 1 });
  const version = admin.version;
  const opened: PostgresDatabase[] = [];
  let count = 0;
  return {
    version,
    host: home,
    port: PORT,
    async createDatabase(o = {}) {
      const name = `vopa_${++count}`;
      await admin.exec(`create database ${name}`);
      const db = await PostgresDatabase.open({ host: home, port: PORT, user, database: name, connections: o.connections, stageDir: stage });
      opened.push(db);
      if (o.migrations ?? true) for (const sql of migrations()) await db.exec(sql);
      return db;
    },
    async stop() {
      if (stopped) return;
      await Promise.allSettled([admin, ...opened].map((db) => db.close()));
      const exited = child!.exitCode !== null || child!.signalCode !== null ? Promise.resolve() : new Promise((r) => child!.once('exit', r));
      child!.kill('SIGINT'); // fast shutdown: ends the sessions, no checkpoint to wait for with fsync off
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
      cleanupNow();
    },
  };
}
