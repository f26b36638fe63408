/**
 * Simulation throughput with the data already loaded: symbol-days per second for `momentum`
 * (top 10 by 20-day rate of change, rebalanced daily) and `vopa` (defaults) on a synthetic
 * 500 symbols × 1,000 days panel made with the sample generator. Factors are computed inside
 * each measured run (a fresh cache every time): they are part of the work. Each workload runs in a
 * process of its own, as a backtest does (the JIT's feedback is per process: measured beside another
 * strategy, each would run the other's code paths too), with wall and CPU time (a loaded machine
 * disturbs the CPU time less). Besides: momentum with every cost model on (spread, per-share
 * commission with a minimum, a 5 % participation limit with carried remainders, Almgren impact, borrow
 * and cash interest), and both with the signal diagnostics.
 *
 * `--baseline DIR`: momentum and vopa also run by another checkout of the engine (its src/ and
 * strategies/, e.g. `git archive <commit> src strategies package.json | tar -x -C DIR`, node_modules
 * linked), in the same rounds as this one's, for the ratio to it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Params } from '../src/api.ts';
import type { Panel } from '../src/panel/panel.ts';
import type { SimulationSettings } from '../src/runner/simulate.ts';
import { generateSampleMarket, samplePanel } from '../src/sample/generator.ts';
import { summarize, type Measure } from './lib.ts';

const WORKLOADS = ['momentum', 'vopa', 'momentumWithCosts', 'momentumWithDiagnostics', 'vopaWithDiagnostics', 'bareLoop'] as const;
type Workload = (typeof WORKLOADS)[number] | 'numbaLoop';
const THIS_ENGINE = fileURLToPath(new URL('../', import.meta.url));

export interface Timed {
  readonly wall: Measure;
  readonly cpu: Measure;
}

export interface SimulationResult {
  readonly symbolDays: number;
  /** The backtest alone: factors, decisions, fills, marking, metrics (wall and CPU time). */
  readonly momentum: Timed;
  readonly vopa: Timed;
  /** Momentum with every cost model on. */
  readonly momentumWithCosts: Timed;
  /** With the signal diagnostics (IC, quintile spread, per-group IC on every decision day). */
  readonly momentumWithDiagnostics: Timed;
  readonly vopaWithDiagnostics: Timed;
  /** The same momentum as one plain JavaScript loop (bare-momentum.ts): JavaScript's floor on this workload. */
  readonly bareLoop: Timed;
  /**
   * The same loop compiled by numba (numba-momentum.py), in the same rounds, when `python3` (or
   * `BENCH_PYTHON`) can import numba; its fills were checked equal to the JavaScript loop's. Otherwise
   * why not.
   */
  readonly numbaLoop: Timed | { readonly unavailable: string };
  /** With `--baseline`: the other checkout's momentum and vopa, and this one's (from the same rounds). */
  readonly baseline?: { readonly dir: string; readonly momentum: Timed; readonly vopa: Timed; readonly current: { readonly momentum: Timed; readonly vopa: Timed } };
}

const SYMBOLS = 500, FROM = '2020-01-01', TO = '2023-10-31';
/** Runs before the timed ones, in every child (see `measure`). */
const WARMUP = 24;

/** One workload timed in this process, by the engine at `engineDir` (a checkout's root): the runs' milliseconds. */
async function measure(workload: Workload, engineDir: string, runs: number): Promise<Samples> {
  const from = (path: string) => import(new URL(path, `file://${engineDir.replace(/\/?$/, '/')}`).href);
  const [{ evaluateVariant, runSchedule }, { FactorCache }, { loadStrategy }] = await Promise.all([
    from('src/variants/evaluate.ts'), from('src/runner/factor-cache.ts'), from('src/strategy/registry.ts'),
  ]);
  const panel = samplePanel(generateSampleMarket({ seed: 7, symbols: SYMBOLS, from: FROM, to: TO }));
  const bars = panel.days.length;
  if (workload === 'numbaLoop') return numbaLoop(panel, runs);
  const plain: SimulationSettings = { cash: 1e7, fractional: false, commissionBps: 1, slippageBps: 1 };
  const costs: SimulationSettings = {
    ...plain, spreadBps: 2, commissionPerShare: 0.005, minCommission: 1, maxParticipation: 0.05, advDays: 20, impact: 'almgren', impactHorizon: 0.5, borrowBps: 50, cashRate: 0.03,
  };
  const isVopa = workload.startsWith('vopa');
  const params: Params = isVopa
    ? { lookback: 63, skip: 0, minPeers: 3, top: 10, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 }
    : { lookback: 20, top: 10, rebalance: 1 };
  const strategy = (await loadStrategy(isVopa ? 'vopa' : 'momentum')).strategy;
  const diagnostics = workload.endsWith('WithDiagnostics');
  const { bareMomentum } = await import('./bare-momentum.ts');
  const run = workload === 'bareLoop' ? () => bareMomentum(panel) : () => evaluateVariant({
    panel, strategy, id: 1, params,
    schedule: runSchedule(panel, strategy, [params], panel.days[0], panel.days[bars - 1], 'open'),
    settings: workload === 'momentumWithCosts' ? costs : plain,
    factors: new FactorCache(panel),
    diagnostics,
  });
  // Past the JIT's warm-up: as many runs for every workload. With 2 for the diagnostics' (to save
  // time), their simulation and factors were timed less warm than the plain workloads they are
  // divided by, which inflated the diagnostics' ratios. With 8, the runs were not yet steady either:
  // in children of 100 runs (2026-11-28, three of each), the medians of runs 9–18 were 10.9–12.2 ms
  // for vopa and 7.3–9.2 ms for momentum, and from about the 20th run on 8.5–9.2 and 5.7–6.9.
  let check = 0;
  for (let k = 0; k < WARMUP; k++) check = Number(run());
  const wall: number[] = [], cpu: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now(), c = process.cpuUsage();
    run();
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu, symbolDays: bars * panel.symbols.length, ...(workload === 'bareLoop' ? { check } : {}) };
}

interface Samples {
  readonly wall: number[];
  readonly cpu: number[];
  readonly symbolDays: number;
  /** The loops' last equity + their number of trades: the JavaScript and numba loops must agree on it. */
  readonly check?: number;
}

const PYTHON = process.env.BENCH_PYTHON ?? 'python3';

/** Why the numba loop cannot run here, or undefined when it can. */
function numbaUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import numba, numpy'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (BENCH_PYTHON names another interpreter)`;
  if (probe.status !== 0) return `${PYTHON} cannot import numba and numpy (pip install numba)`;
  return undefined;
}

/**
 * The numba loop on this panel: the opens and closes written to a file, numba-momentum.py run on it
 * (it compiles, warms up and times its runs itself, in its own process like every workload).
 */
function numbaLoop(panel: Panel, runs: number): Samples {
  const n = panel.symbols.length, bars = panel.days.length;
  const dir = mkdtempSync(join(tmpdir(), 'bench-numba-'));
  try {
    const file = join(dir, 'panel.f64');
    writeFileSync(file, Buffer.concat([panel.open, panel.close].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
    const script = fileURLToPath(new URL('numba-momentum.py', import.meta.url));
    const child = spawnSync(PYTHON, [script, file, String(n), String(bars), String(runs), String(WARMUP)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`numba loop failed: ${child.stderr}`);
    return JSON.parse(child.stdout) as Samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `measure` in a child process of its own. */
function inChild(workload: Workload, engineDir: string, runs: number): Samples {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', workload, engineDir, String(runs)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench child ${workload} (${engineDir}) failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Samples;
}

/**
 * Every workload (and, with a baseline, its momentum and vopa) in `rounds` rounds of child processes,
 * each round in the reverse order of the one before (A B C, C B A, …), the runs of all rounds pooled:
 * on a machine whose load swings from second to second, no engine or workload always runs at the
 * calm or the busy moment (one identical checkout measured against itself otherwise came out 0.86× and 1.25×).
 * Eight rounds, about a minute: with four, VOPA against momentum ranged from 1.39× to 1.92× over six runs
 * of the same code in one afternoon (2026-11-28), the machine's load swinging from minute to minute.
 */
export async function simulationBench(runs = 6, baselineDir?: string, rounds = 8): Promise<SimulationResult> {
  const plan: Array<{ key: string; workload: Workload; engine: string }> = WORKLOADS.map((w) => ({ key: w, workload: w, engine: THIS_ENGINE }));
  const unavailable = numbaUnavailable();
  if (unavailable === undefined) plan.push({ key: 'numbaLoop', workload: 'numbaLoop', engine: THIS_ENGINE });
  const checks = new Map<string, number>();
  if (baselineDir) plan.splice(2, 0, { key: 'baseline.momentum', workload: 'momentum', engine: baselineDir }, { key: 'baseline.vopa', workload: 'vopa', engine: baselineDir });
  const pooled = new Map<string, { wall: number[]; cpu: number[] }>();
  let symbolDays = 0;
  for (let r = 0; r < rounds; r++) {
    for (const { key, workload, engine } of r % 2 ? [...plan].reverse() : plan) {
      const s = inChild(workload, engine, runs); // as many timed runs for every workload (the diagnostics had half as many)
      symbolDays = s.symbolDays;
      if (s.check !== undefined) checks.set(key, s.check);
      const into = pooled.get(key) ?? { wall: [], cpu: [] };
      into.wall.push(...s.wall);
      into.cpu.push(...s.cpu);
      pooled.set(key, into);
    }
  }
  const timed = (key: string): Timed => ({ wall: summarize(pooled.get(key)!.wall), cpu: summarize(pooled.get(key)!.cpu) });
  const result = Object.fromEntries(WORKLOADS.map((w) => [w, timed(w)])) as Record<(typeof WORKLOADS)[number], Timed>;
  // The same fills, or the comparison means nothing.
  if (unavailable === undefined && checks.get('numbaLoop') !== checks.get('bareLoop')) {
    throw new Error(`the numba loop ended on ${checks.get('numbaLoop')} (last equity + trades), the JavaScript loop on ${checks.get('bareLoop')}`);
  }
  const numba = unavailable === undefined ? timed('numbaLoop') : { unavailable };
  const baseline = baselineDir
    ? { dir: baselineDir, momentum: timed('baseline.momentum'), vopa: timed('baseline.vopa'), current: { momentum: result.momentum, vopa: result.vopa } }
    : undefined;
  return { symbolDays, ...result, numbaLoop: numba, ...(baseline ? { baseline } : {}) };
}

if (import.meta.main) {
  const child = process.argv.indexOf('--child');
  if (child >= 0) {
    const [workload, engineDir, runs] = process.argv.slice(child + 1);
    process.stdout.write(JSON.stringify(await measure(workload as Workload, engineDir!, Number(runs))));
  } else {
    const k = process.argv.indexOf('--baseline');
    const r = await simulationBench(6, k >= 0 ? process.argv[k + 1] : undefined);
    const rate = (ms: number) => `${(r.symbolDays / ms / 1000).toFixed(1)} M symbol-days/s`;
    if ('unavailable' in r.numbaLoop) console.log(`numbaLoop: ${r.numbaLoop.unavailable}`);
    else console.log(`numbaLoop: ${r.numbaLoop.cpu.median.toFixed(1)} ms CPU (${rate(r.numbaLoop.cpu.median)}), ${r.numbaLoop.wall.median.toFixed(1)} ms wall`);
    for (const w of WORKLOADS) console.log(`${w}: ${r[w].cpu.median.toFixed(1)} ms CPU (${rate(r[w].cpu.median)}), ${r[w].wall.median.toFixed(1)} ms wall`);
    if (r.baseline) {
      const b = r.baseline;
      console.log(`baseline ${b.dir}: momentum ${b.momentum.cpu.median.toFixed(1)} ms CPU (this one ${b.current.momentum.cpu.median.toFixed(1)}, ${(b.current.momentum.cpu.median / b.momentum.cpu.median).toFixed(2)}×), vopa ${b.vopa.cpu.median.toFixed(1)} ms CPU (this one ${b.current.vopa.cpu.median.toFixed(1)}, ${(b.current.vopa.cpu.median / b.vopa.cpu.median).toFixed(2)}×)`);
    }
  }
}
