/**
 * The variants workloads, each in its own process (so its peak memory is its own), with the data
 * already loaded, median over several runs of the whole sweep (factors, simulation, metrics,
 * diagnostics; no file writing):
 * (a) sma-cross, fast 5..50 step 5 × slow 20..200 step 20 with fast < slow (90 variants), on the
 *     real ORCL file (test/fixtures), 1995–2014 — issue 21's target: under 20 ms after loading;
 * (b) 1,000 VOPA variants (lookback 30..120 step 10 × top 5..50 step 5 × rebalance 1..10) on one
 *     year of the sample market, on the machine's cores.
 * `--baseline DIR` (`npm run bench -- --only variants --baseline DIR`): the sma sweep also run by
 * another checkout of the engine (its bench/variants.ts, src/ and strategies/), the two engines'
 * processes alternated round by round, each round's median kept: the ratio of the medians of those.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRunConfig, type RunConfig } from '../src/config/run-config.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { openSource } from '../src/source/index.ts';
import { importToFolder } from '../src/source/import/index.ts';
import { peakRssMb } from '../src/util/memory.ts';
import { runVariants } from '../src/variants/run-variants.ts';
import { runSchedule } from '../src/variants/evaluate.ts';
import { summarize, timeWithCpu, type Measure } from './lib.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface SweepResult {
  readonly variants: number;
  readonly ms: Measure;
  /** CPU time of the process (every thread) over the same runs: a loaded machine disturbs it less. */
  readonly cpuMs: Measure;
  readonly threads: number;
  readonly peakRssMb: number;
}

export const WORKLOADS = {
  sma: { strategy: 'sma-cross', start: '1995-01-03', end: '2014-12-31', grid: ['fast=5:50:5', 'slow=20:200:20'], cash: 100_000 },
  vopa: { strategy: 'vopa', start: '2025-01-02', end: '2025-12-31', grid: ['lookback=30:120:10', 'top=5:50:5', 'rebalance=1:10'], cash: 1_000_000 },
} as const;

/** Runs in the child: load once, then time the sweep. */
async function sweep(name: keyof typeof WORKLOADS, runs: number): Promise<SweepResult> {
  const w = WORKLOADS[name];
  let data: string | undefined;
  if (name === 'sma') {
    data = mkdtempSync(join(tmpdir(), 'vopa-bench-orcl-'));
    await importToFolder({ files: [join(ROOT, 'test/fixtures/orcl-1995-2014.txt')], dir: data });
  }
  try {
    const config: RunConfig = await buildRunConfig({ command: 'bench', start: w.start, end: w.end, strategy: w.strategy, grid: [...w.grid], data, cash: w.cash, source: 'local', env: {} });
    const strategy = config.strategy.strategy;
    const warmup = Math.max(...config.variants.map((p) => strategy.warmup(p as never)));
    const shared = config.workers > 1;
    const source = openSource(config.source);
    const { panel } = await source.loadWindow({ season: config.season, startDay: config.startDay, endDay: config.endDay, warmupBars: warmup + 1, shared });
    await source.close();
    let threads = 1;
    const { wall: ms, cpu: cpuMs } = await timeWithCpu(async () => {
      const r = await runVariants({
        shared: { panel, strategySource: config.strategy.source, schedule: runSchedule(panel, strategy, config.variants, config.startDay, config.endDay, 'open'), settings: { cash: config.cash, fractional: false, commissionBps: 0, slippageBps: 0 }, factors: [] },
        strategy, variants: config.variants, factors: new FactorCache(panel, { shared }), workers: config.workers,
      });
      threads = r.threads;
    }, runs, 1);
    return { variants: config.variants.length, ms, cpuMs, threads, peakRssMb: peakRssMb() };
  } finally {
    if (data) rmSync(data, { recursive: true, force: true });
  }
}

/** Runs one workload in a fresh process (of `engine`, a checkout: this one by default) and returns what it measured. */
export function variantsBench(name: keyof typeof WORKLOADS, runs = 5, engine = ROOT): SweepResult {
  const r = spawnSync(process.execPath, [join(engine, 'bench/variants.ts'), '--child', name, String(runs)], { cwd: engine, encoding: 'utf8', env: { ...process.env, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' } });
  if (r.status !== 0) throw new Error(`variants benchmark ${name} (${engine}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as SweepResult;
}

export interface SideBySide {
  readonly dir: string;
  /** Medians over the rounds of each round's median (wall and CPU), this engine and the baseline. */
  readonly current: { readonly ms: number; readonly cpuMs: number };
  readonly baseline: { readonly ms: number; readonly cpuMs: number };
  readonly rounds: number;
}

/** The sma sweep of this engine and of `baselineDir`'s, in alternating processes (A B, B A, …). */
export function smaSideBySide(baselineDir: string, rounds = 4, runs = 9): SideBySide {
  const wall = { current: [] as number[], baseline: [] as number[] }, cpu = { current: [] as number[], baseline: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
    for (const which of order) {
      const s = variantsBench('sma', runs, which === 'current' ? ROOT : baselineDir);
      wall[which].push(s.ms.median);
      cpu[which].push(s.cpuMs.median);
    }
  }
  return {
    dir: baselineDir, rounds,
    current: { ms: summarize(wall.current).median, cpuMs: summarize(cpu.current).median },
    baseline: { ms: summarize(wall.baseline).median, cpuMs: summarize(cpu.baseline).median },
  };
}

if (import.meta.main) {
  const [mode, name, runs] = process.argv.slice(2);
  if (mode === '--child') console.log(JSON.stringify(await sweep(name as keyof typeof WORKLOADS, Number(runs))));
  else if (mode === '--baseline') console.log(JSON.stringify(smaSideBySide(name!)));
  else for (const w of ['sma', 'vopa'] as const) console.log(w, JSON.stringify(variantsBench(w)), `cores ${availableParallelism()}`);
}
