/**
 * The walk-forward against the plain sweep (issue 16: target < 1.5×), in a process of its own:
 * 1. the variants benchmark's VOPA workload (1,000 variants: lookback 30..120 step 10 × top 5..50
 *    step 5 × rebalance 1..10) on one year of the sample market, the data loaded once;
 * 2. a whole run (app/backtest.ts runBacktest: the sweep on the machine's cores, the statistics, the
 *    files; --save none) without and with `--walk-forward train=N−132,test=11` — 12 folds of 11
 *    days — alternately, median of `runs` each (the ratio is what the walk-forward adds to a run);
 * 3. the walk-forward step alone (each fold's ranking of the 1,000 curves over its training and test
 *    days, and the stitched record's one simulation) on the outcomes of one sweep, against the
 *    sweep alone (runVariants), medians of wall time.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../src/app/backtest.ts';
import { buildRunConfig, type RunConfig } from '../src/config/run-config.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { openSource } from '../src/source/index.ts';
import { peakRssMb } from '../src/util/memory.ts';
import { runSchedule } from '../src/variants/evaluate.ts';
import { runVariants } from '../src/variants/run-variants.ts';
import { parseWalkForward, planFolds, runWalkForward } from '../src/walkforward/index.ts';
import { summarize, time, type Measure } from './lib.ts';
import { WORKLOADS } from './variants.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface WalkForwardBench {
  readonly variants: number;
  readonly folds: number;
  readonly days: number;
  readonly spec: string;
  readonly threads: number;
  /** Whole runs (runBacktest, --save none), without and with the walk-forward. */
  readonly plain: Measure;
  readonly walkForward: Measure;
  /** The sweep alone (runVariants) and the walk-forward step alone, on its outcomes. */
  readonly sweep: Measure;
  readonly step: Measure;
  readonly peakRssMb: number;
}

async function measure(runs: number): Promise<WalkForwardBench> {
  const w = WORKLOADS.vopa;
  const out = join(tmpdir(), `vopa-bench-wf-${process.pid}`);
  const base: RunConfig = await buildRunConfig({ command: 'bench', start: w.start, end: w.end, strategy: w.strategy, grid: [...w.grid], cash: w.cash, save: 'none', out, source: 'local', env: {} });
  const strategy = base.strategy.strategy;
  const warmup = Math.max(...base.variants.map((p) => strategy.warmup(p as never)));
  const source = openSource(base.source);
  const { panel } = await source.loadWindow({ season: base.season, universe: base.universe, startDay: base.startDay, endDay: base.endDay, warmupBars: warmup + 1, shared: base.workers > 1 });
  await source.close();
  const schedule = runSchedule(panel, strategy, base.variants, base.startDay, base.endDay, 'open');
  const days = schedule.last - schedule.first + 1;
  const spec = parseWalkForward(`train=${days - 132},test=11`);
  const folds = planFolds(spec, { days, dates: panel.dates.slice(schedule.first, schedule.last + 1), warmup });
  const withWf: RunConfig = Object.freeze({ ...base, walkForward: spec });

  try {
    // 2. whole runs, alternately (each reads the window again, as a run does)
    const plain: number[] = [], wf: number[] = [];
    await runBacktest(base);
    for (let k = 0; k < runs; k++) {
      for (const [config, samples] of [[base, plain], [withWf, wf]] as const) {
        const t = performance.now();
        await runBacktest(config);
        samples.push(performance.now() - t);
      }
    }
    // 3. the sweep and the step apart, on the loaded panel
    const settings = { cash: base.cash, fractional: false, commissionBps: 0, slippageBps: 0 };
    const factors = new FactorCache(panel, { shared: base.workers > 1 });
    let sweep = await runVariants({ shared: { panel, strategySource: base.strategy.source, schedule, settings, factors: [] }, strategy, variants: base.variants, factors, workers: base.workers });
    const sweepMs = await time(async () => {
      sweep = await runVariants({ shared: { panel, strategySource: base.strategy.source, schedule, settings, factors: [] }, strategy, variants: base.variants, factors, workers: base.workers });
    }, runs, 0);
    const benchmark = new Float64Array(days);
    const step = await time(() => runWalkForward({ spec, folds, variants: sweep.outcomes, rankBy: 'sharpe', panel, strategy, schedule, settings, factors, benchmark, statistics: { seed: 1 } }), 5, 1);
    return { variants: base.variants.length, folds: folds.length, days, spec: `train=${days - 132},test=11`, threads: sweep.threads, plain: summarize(plain), walkForward: summarize(wf), sweep: sweepMs, step, peakRssMb: peakRssMb() };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Runs the measurement in a fresh process and returns what it measured. */
export function walkForwardBench(runs = 3): WalkForwardBench {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(runs)], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' } });
  if (r.status !== 0) throw new Error(`walk-forward benchmark failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as WalkForwardBench;
}

if (import.meta.main) {
  const [mode, runs] = process.argv.slice(2);
  if (mode === '--child') console.log(JSON.stringify(await measure(Number(runs))));
  else console.log(JSON.stringify(walkForwardBench(), null, 2));
}
