/**
 * Loading a window at the scale of a whole market: a local data folder of 5,000 symbols × 5,040
 * trading days (20 years, 25.2 M rows, Parquet as `backtest import` writes it), read whole into the
 * panel by the local source, each load in its own process (so its peak memory is its own):
 * 1. the folder is generated once by DuckDB into a temp folder (deterministic values: a hash of
 *    symbol and day; a few missing opens and volumes), and removed afterwards;
 * 2. each child process opens the source and times `loadWindow` over the whole 20 years (the
 *    universe's rows, the calendar, the data checks, the panel), then reports its peak memory
 *    (VmHWM: the process's own high-water mark) and its CPU time;
 * 3. medians of the runs; the targets are < 5 s and < 2.5 GB peak.
 *
 * `node bench/load.ts` runs it alone; bench/run.ts runs it as the section `load`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuck, sqlString } from '../src/source/local/duckdb.ts';
import { LocalSource } from '../src/source/local/local-source.ts';
import { parseIsoDate } from '../src/util/dates.ts';
import { peakRssMb } from '../src/util/memory.ts';
import { summarize, type Measure } from './lib.ts';

const SELF = fileURLToPath(import.meta.url);
const FIRST_DAY = '2000-01-03';
const SEASON = 2010;

export interface LoadResult {
  readonly symbols: number;
  readonly days: number;
  readonly rows: number;
  readonly bytes: number;
  /** Wall time of `loadWindow` alone (the process's start-up and DuckDB's module load excluded). */
  readonly ms: Measure;
  /** CPU time of the process during the load (every thread: DuckDB's and the main one), and of the main thread alone. */
  readonly cpuMs: Measure;
  readonly mainCpuMs: Measure;
  readonly peakRssMb: number;
  /** The machine's 1-minute load average around the runs. */
  readonly load: number;
}

/**
 * Writes prices.parquet and universe.parquet for `symbols × days` weekdays from 2000-01-03 into
 * `dir`: sorted by symbol and date, zstd (as the import writes them); one season listing every
 * symbol in 10 peer groups.
 */
export async function writeScaleFolder(dir: string, symbols: number, days: number): Promise<void> {
  const duck = await openDuck();
  try {
    // One range in key order (symbol k ÷ days, day k mod days): written in that order with no sort.
    await duck.connection.run(`COPY (
      WITH v AS (SELECT k // ${days} AS i, k % ${days} AS j FROM range(${symbols * days}) t(k)),
           w AS (SELECT i, j, 'S' || lpad(i::VARCHAR, 4, '0') AS symbol, DATE '${FIRST_DAY}' + ((j // 5) * 7 + j % 5)::INTEGER AS date,
                   10 + (hash(i, j) % 10000) / 100.0 AS c FROM v)
      SELECT symbol, date,
        CASE WHEN hash(i, j, 1) % 1000 = 0 THEN NULL ELSE round(c * 1.001, 4) END AS open,
        round(c * 1.01, 4) AS high, round(c * 0.99, 4) AS low, round(c, 4) AS close,
        CASE WHEN hash(i, j, 2) % 1000 = 0 THEN NULL ELSE (hash(i, j, 3) % 1000000)::DOUBLE END AS volume
      FROM w) TO ${sqlString(join(dir, 'prices.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
    await duck.connection.run(`COPY (
      SELECT ${SEASON} AS season, 'S' || lpad(i::VARCHAR, 4, '0') AS symbol, 'group ' || (i % 10)::VARCHAR AS peer_group, 'Company ' || i::VARCHAR AS name
      FROM range(${symbols}) t(i) ORDER BY symbol) TO ${sqlString(join(dir, 'universe.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    duck.close();
  }
}

/** The last of `days` weekdays from FIRST_DAY, as a day number. */
function lastWeekday(days: number): number {
  const j = days - 1;
  return parseIsoDate(FIRST_DAY)! + Math.floor(j / 5) * 7 + (j % 5);
}

/** One load in a child process. */
interface LoadRun { ms: number; cpuMs: number; mainCpuMs: number; peakRssMb: number; rows: number }

function loadOnce(dir: string, days: number): LoadRun {
  const r = spawnSync(process.execPath, [SELF, '--child', dir, String(days)], { encoding: 'utf8', env: { ...process.env, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' } });
  if (r.status !== 0) throw new Error(`load of ${dir} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as LoadRun;
}

export async function loadBench(log: (line: string) => void = () => {}, runs = 3, symbols = 5000, days = 5040): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vopa-bench-load-'));
  try {
    log(`  writing ${symbols.toLocaleString('en-US')} symbols × ${days.toLocaleString('en-US')} days of Parquet…`);
    await writeScaleFolder(dir, symbols, days);
    // The files on disk before the first load: the kernel's write-back of 318 MB just written would
    // otherwise run during the first timed loads (a user's folder was not written a second ago).
    for (const f of ['prices.parquet', 'universe.parquet']) {
      const fd = openSync(join(dir, f), 'r');
      fsyncSync(fd);
      closeSync(fd);
    }
    const loads: number[] = [];
    const samples = Array.from({ length: runs }, (_, k) => {
      const s = loadOnce(dir, days);
      loads.push(loadavg()[0]!);
      log(`  run ${k + 1}/${runs}: ${(s.ms / 1000).toFixed(2)} s (${(s.cpuMs / 1000).toFixed(1)} s CPU, ${(s.mainCpuMs / 1000).toFixed(1)} s of it on the main thread), ${s.peakRssMb} MB peak, load ${loads.at(-1)!.toFixed(1)}`);
      return s;
    });
    return {
      symbols,
      days,
      rows: samples[0]!.rows,
      bytes: statSync(join(dir, 'prices.parquet')).size,
      ms: summarize(samples.map((s) => s.ms)),
      cpuMs: summarize(samples.map((s) => s.cpuMs)),
      mainCpuMs: summarize(samples.map((s) => s.mainCpuMs)),
      peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
      load: summarize(loads).median,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [dir, days] = process.argv.slice(3) as [string, string];
  const source = new LocalSource(dir);
  await source.seasons(); // opens DuckDB: its native module's load is start-up, not the window's read
  const cpu = process.cpuUsage(), mainCpu = process.threadCpuUsage();
  const t = performance.now();
  const { info } = await source.loadWindow({ season: SEASON, startDay: parseIsoDate(FIRST_DAY)!, endDay: lastWeekday(Number(days)), warmupBars: 0 });
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu), main = process.threadCpuUsage(mainCpu);
  await source.close();
  console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, mainCpuMs: (main.user + main.system) / 1000, peakRssMb: peakRssMb(), rows: info.rows }));
} else if (import.meta.main) {
  const [symbols, days] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await loadBench((l) => process.stderr.write(`${l}\n`), 3, symbols || 5000, days || 5040), null, 2));
}
