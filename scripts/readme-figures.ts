/**
 * `npm run readme:figures`: the README's precise figures, measured, into docs/readme-figures.json.
 * test/readme/figures.test.ts checks that the README states exactly these and measures them again,
 * so a change that moves one fails until this script is run and the README follows.
 *
 * 1. The sample market (data/sample): symbols, peer groups, first and last day, seasons.
 * 2. The README run through Supabase — `backtest 2025-10-07 2026-01-03 2025 --source supabase`
 *    against the PostgREST-compatible server of the tests (PGlite holding the sample's months around
 *    the run, a 1,000-row cap as Supabase's), as a real process: the rows read and the requests the read took
 *    (manifest.json), and what its upload sent (upload.json: rows per table, batches, requests).
 * 3. That run's report.html (`backtest report`), in bytes.
 * 4. What a queue worker ships for one variant of a year of VOPA (defaults, 2025, the sample): its
 *    result's encoded size with `--save none` and with every table.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_DATA_DIR } from '../src/config/run-config.ts';
import { encodeWire, shipped, wireOutcome } from '../src/distributed/wire.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { openDuck, queryRows } from '../src/source/local/duckdb.ts';
import { LocalSource } from '../src/source/local/local-source.ts';
import { loadStrategy } from '../src/strategy/registry.ts';
import { parseIsoDate } from '../src/util/dates.ts';
import { evaluateVariant, runSchedule } from '../src/variants/evaluate.ts';
import { sampleServer, serverEnv } from '../test/support/postgrest/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const FIGURES_FILE = join(ROOT, 'docs/readme-figures.json');
export const README_RUN = ['2025-10-07', '2026-01-03', '2025'] as const;
/**
 * The months of the sample the server holds: the run's window and its warm-up with room to spare (the
 * read asks for nothing outside them, so its rows and requests are those of a server holding it all,
 * as `npm run supabase:local` does; loading all of it into PGlite takes half a minute more).
 */
const SERVED = { from: '2025-05-01', to: '2026-02-28' };

export interface ReadmeFigures {
  readonly sample: { readonly symbols: number; readonly peer_groups: number; readonly first_day: string; readonly last_day: string; readonly first_season: number; readonly last_season: number };
  readonly supabase_read: { readonly rows: number; readonly requests: number };
  readonly upload: { readonly rows: Readonly<Record<string, number>>; readonly batches: number; readonly requests: number };
  readonly report_bytes: number;
  readonly wire_bytes: { readonly save_none: number; readonly save_all: number };
}

export async function measureReadmeFigures(): Promise<ReadmeFigures> {
  const tmp = mkdtempSync(join(tmpdir(), 'readme-figures-'));
  try {
    return { sample: await sampleFacts(), ...(await supabaseRun(tmp)), wire_bytes: await wireBytes() };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function sampleFacts(): Promise<ReadmeFigures['sample']> {
  const duck = await openDuck();
  try {
    const [u] = await queryRows(duck, `SELECT count(DISTINCT peer_group)::INTEGER AS groups, min(season)::INTEGER AS s0, max(season)::INTEGER AS s1 FROM '${SAMPLE_DATA_DIR}/universe.parquet'`);
    const [p] = await queryRows(duck, `SELECT count(DISTINCT symbol)::INTEGER AS symbols, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last FROM '${SAMPLE_DATA_DIR}/prices.parquet'`);
    return { symbols: p!.symbols as number, peer_groups: u!.groups as number, first_day: p!.first as string, last_day: p!.last as string, first_season: u!.s0 as number, last_season: u!.s1 as number };
  } finally {
    duck.close();
  }
}

/** The README run read from and uploaded to the PostgREST-compatible server, then its report. */
async function supabaseRun(tmp: string): Promise<Pick<ReadmeFigures, 'supabase_read' | 'upload' | 'report_bytes'>> {
  const server = await sampleServer(SERVED);
  try {
    const env = { ...process.env, NO_COLOR: '1', ...serverEnv(server) };
    await cli([...README_RUN, '--source', 'supabase', '--out', tmp], tmp, env);
    const dir = join(tmp, readdirSync(tmp).find((f) => !f.startsWith('.'))!);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const upload = JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8'));
    await cli(['report', dir], tmp, env);
    return {
      supabase_read: { rows: manifest.data.rows, requests: manifest.data.requests },
      upload: { rows: upload.rows, batches: upload.batchesSent, requests: upload.requests },
      report_bytes: statSync(join(dir, 'report.html')).size,
    };
  } finally {
    await server.close();
  }
}

/** Runs the real command (asynchronously: the server answers from this process). */
function cli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/backtest.js'), ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`backtest ${args.join(' ')}: exit ${code}: ${stderr}`))));
  });
}

/** One variant of a year of VOPA (defaults, 2025): its result as a queue worker encodes it. */
async function wireBytes(): Promise<ReadmeFigures['wire_bytes']> {
  const { strategy } = await loadStrategy('vopa');
  const params = Object.fromEntries(Object.entries(strategy.params).map(([k, p]) => [k, p.default]));
  const source = new LocalSource(SAMPLE_DATA_DIR);
  try {
    const start = parseIsoDate('2025-01-02')!, end = parseIsoDate('2025-12-31')!;
    const { panel } = await source.loadWindow({ season: 2025, startDay: start, endDay: end, warmupBars: strategy.warmup(params as never) + 1 });
    const schedule = runSchedule(panel, strategy, [params], start, end, 'open');
    const o = evaluateVariant({ panel, strategy, id: 1, params, schedule, settings: { cash: 1e6, fractional: false, commissionBps: 0, slippageBps: 0 }, factors: new FactorCache(panel) });
    const size = (save: readonly ('equity' | 'trades' | 'diagnostics')[]) => Buffer.byteLength(encodeWire(wireOutcome(o, shipped(save, false))));
    return { save_none: size([]), save_all: size(['equity', 'trades', 'diagnostics']) };
  } finally {
    await source.close();
  }
}

if (import.meta.main) {
  const figures = await measureReadmeFigures();
  writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\nwritten to ${FIGURES_FILE}\n`);
}
