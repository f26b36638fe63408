/**
 * `backtest import` at the scale of a whole market, each import in its own process (so its peak
 * memory is its own), median of several runs:
 * (a) 25 M rows: 5,000 symbols × 5,000 trading days in the long format (symbol, date, open, high,
 *     low, close, volume), written by symbol then date as exports usually are;
 * (b) 5 M rows: 1,000 symbols × 5,000 days, the same way;
 * and, for the record (no target): 5 M rows written by date then symbol (the import sorts them),
 * 5 M rows with one refused row (the import reads the file's text again for its line), and the
 * baseline: the same 5 M rows through the row-by-row import this one replaced (csv-parse into
 * JavaScript rows, kept as the tests' oracle in test/support/legacy-import.ts, written by the same
 * Parquet writer). 25 M rows are beyond it: it runs out of memory.
 * Each run reports its wall time, its CPU time (every thread) and the machine's load average:
 * on a shared machine the wall time depends on what else runs, the CPU time much less.
 * The CSV files are made by DuckDB into a temp folder (deterministic values: a hash of symbol and
 * day) and removed afterwards.
 *
 * `node bench/scale.ts` runs it alone; bench/run.ts runs it as the section `scale`.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importToFolder } from '../src/source/import/index.ts';
import { openDuck, sqlString } from '../src/source/local/duckdb.ts';
import { peakRssMb } from '../src/util/memory.ts';
import { summarize, type Measure } from './lib.ts';

const SELF = fileURLToPath(import.meta.url);

export interface ImportRun {
  readonly rows: number;
  readonly bytes: number;
  /** Wall time of the whole process. */
  readonly ms: Measure;
  /** CPU time of the process (every thread, user + system). */
  readonly cpuMs: Measure;
  readonly peakRssMb: number;
  /** The machine's 1-minute load average around the runs: other work shares the cores. */
  readonly load: number;
}

export interface ScaleResult {
  readonly big: ImportRun;
  readonly medium: ImportRun;
  readonly dateMajor: ImportRun;
  readonly oneRefused: ImportRun;
  readonly baseline: ImportRun;
}

/** Writes `symbols × days` rows of long-format CSV; `order` is the order of the rows. */
async function writeCsv(file: string, symbols: number, days: number, order: 'symbol' | 'date'): Promise<void> {
  const duck = await openDuck();
  try {
    await duck.connection.run(`COPY (
      WITH s AS (SELECT i, 'S' || lpad(i::VARCHAR, 4, '0') AS symbol FROM range(${symbols}) t(i)),
           d AS (SELECT j, DATE '2000-01-03' + ((j // 5) * 7 + j % 5)::INTEGER AS date FROM range(${days}) t(j)),
           v AS (SELECT i, j, symbol, date, 10 + (hash(i, j) % 10000) / 100.0 AS c FROM s, d)
      SELECT symbol, date, round(c * 1.001, 4) AS open, round(c * 1.01, 4) AS high, round(c * 0.99, 4) AS low, round(c, 4) AS close,
        hash(i, j, 3) % 1000000 AS volume
      FROM v ORDER BY ${order === 'symbol' ? 'i, j' : 'j, i'}) TO ${sqlString(file)} (HEADER)`);
  } finally {
    duck.close();
  }
}

/** One import in a child process: its wall time (process start to exit), CPU time and peak memory. */
function importOnce(file: string, how: '--child' | '--baseline'): { ms: number; cpuMs: number; peakRssMb: number } {
  const dir = mkdtempSync(join(tmpdir(), 'vopa-bench-import-'));
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, [SELF, how, file, join(dir, 'store')], { encoding: 'utf8' });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`import of ${file} failed: ${r.stderr}`);
    return { ms, ...(JSON.parse(r.stdout) as { cpuMs: number; peakRssMb: number }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(file: string, rows: number, runs: number, log: (line: string) => void, how: '--child' | '--baseline' = '--child'): ImportRun {
  const loads: number[] = [];
  const samples = Array.from({ length: runs }, (_, k) => {
    const s = importOnce(file, how);
    loads.push(loadavg()[0]!);
    log(`  ${(rows / 1e6).toFixed(0)} M rows${how === '--baseline' ? ', row by row' : ''}, run ${k + 1}/${runs}: ${(s.ms / 1000).toFixed(1)} s (${(s.cpuMs / 1000).toFixed(1)} s CPU), ${s.peakRssMb} MB peak, load ${loads.at(-1)!.toFixed(1)}`);
    return s;
  });
  return {
    rows,
    bytes: statSync(file).size,
    ms: summarize(samples.map((s) => s.ms)),
    cpuMs: summarize(samples.map((s) => s.cpuMs)),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    load: summarize(loads).median,
  };
}

export async function scaleBench(log: (line: string) => void = () => {}, runs = 3): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vopa-bench-scale-'));
  try {
    const files = { big: join(dir, 'long-25m.csv'), medium: join(dir, 'long-5m.csv'), dateMajor: join(dir, 'by-date-5m.csv'), oneRefused: join(dir, 'one-refused-5m.csv') };
    log('  writing the CSV files…');
    await writeCsv(files.big, 5000, 5000, 'symbol');
    await writeCsv(files.medium, 1000, 5000, 'symbol');
    await writeCsv(files.dateMajor, 1000, 5000, 'date');
    await writeCsv(files.oneRefused, 1000, 5000, 'symbol');
    appendFileSync(files.oneRefused, 'S0999,2019-03-04,1,1,1,-1,1\n'); // close not positive: refused
    return {
      big: measure(files.big, 25e6, runs, log),
      medium: measure(files.medium, 5e6, runs, log),
      dateMajor: measure(files.dateMajor, 5e6, 1, log),
      oneRefused: measure(files.oneRefused, 5e6 + 1, 1, log),
      baseline: measure(files.medium, 5e6, 1, log, '--baseline'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child' || process.argv[2] === '--baseline') {
  const [file, store] = process.argv.slice(3) as [string, string];
  if (process.argv[2] === '--child') {
    await importToFolder({ files: [file], dir: store });
  } else {
    const { legacyImport } = await import('../test/support/legacy-import.ts');
    const { appendPrices, appendUniverse, createTables, writeParquetStore } = await import('../src/source/import/write-store.ts');
    const { prices, universe } = await legacyImport([file]);
    mkdirSync(store, { recursive: true });
    const duck = await openDuck();
    try {
      await createTables(duck);
      await appendPrices(duck, prices);
      await appendUniverse(duck, universe);
      await writeParquetStore(duck, store);
    } finally {
      duck.close();
    }
  }
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRssMb() }));
} else if (import.meta.main) {
  console.log(JSON.stringify(await scaleBench((l) => process.stderr.write(`${l}\n`)), null, 2));
}
