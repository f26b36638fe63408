/**
 * The overfitting statistics of a sweep (src/statistics/) on 1,000 variants × 252 days of synthetic
 * returns (iid normal, mean 0.03 %, sd 1 % a day, a fixed seed) with a benchmark, the defaults:
 * 1,000 bootstrap resamples, 16 PBO blocks (12,870 splits). Medians of repeated runs, in process:
 * 1. everything (`sweepStatistics`), against the 1 s target;
 * 2. its parts, each on its own: PBO, the bootstrap Sharpe intervals, SPA and Reality Check, N_eff;
 * 3. PBO the naive way (every column's Sharpe re-summed from the raw rows of both halves of every
 *    split), measured on 256 splits and scaled to 12,870, against PBO from block sums.
 * The code runs on one thread, so its CPU time (process.cpuUsage, which also counts V8's helper threads:
 * if anything an overstatement) is its cost on one core; on a shared machine the wall time also holds
 * the waits for a core, so both are reported, with the load average at the start.
 */
import { loadavg } from 'node:os';
import { stationaryBootstrap } from '../src/statistics/bootstrap.ts';
import { effectiveTrials } from '../src/statistics/effective-trials.ts';
import { blockBounds, probabilityOfBacktestOverfitting } from '../src/statistics/pbo.ts';
import type { ReturnsMatrix } from '../src/statistics/returns-matrix.ts';
import { Xoshiro128StarStar } from '../src/statistics/rng.ts';
import { bootstrapSharpeIntervals } from '../src/statistics/sharpe-interval.ts';
import { superiorPredictiveAbility } from '../src/statistics/spa.ts';
import { sweepStatistics } from '../src/statistics/sweep.ts';
import { summarize, time, type Measure } from './lib.ts';

export interface StatisticsResult {
  readonly days: number;
  readonly variants: number;
  readonly reps: number;
  readonly splits: number;
  readonly all: Measure;
  /** CPU milliseconds of one `sweepStatistics` call (median). */
  readonly allCpu: Measure;
  /** The 1-minute load average when the measurement started. */
  readonly loadAverage: number;
  readonly pbo: Measure;
  readonly intervals: Measure;
  readonly spa: Measure;
  readonly effectiveTrials: Measure;
  /** The naive PBO, scaled to all splits from `naiveSplits` of them. */
  readonly naivePbo: number;
  readonly naiveSplits: number;
}

function syntheticReturns(days: number, variants: number, seed: number): { matrix: ReturnsMatrix; benchmark: Float64Array } {
  const rng = new Xoshiro128StarStar(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const values = new Float64Array(days * variants);
  for (let i = 0; i < values.length; i++) values[i] = 0.0003 + 0.01 * normal();
  const benchmark = Float64Array.from({ length: days }, () => 0.0003 + 0.01 * normal());
  return { matrix: { days, variants, values }, benchmark };
}

/** The naive CSCV: for each of the first `splits` splits, re-sum every column over the raw rows of both halves. */
function naivePbo(m: ReturnsMatrix, blocks: number, splits: number): number {
  const { days: T, variants: N, values } = m;
  const bounds = blockBounds(T, blocks), half = blocks / 2;
  const chosen = Array.from({ length: half }, (_, i) => i);
  const inSample = new Uint8Array(T);
  let overfit = 0;
  for (let s = 0; s < splits; s++) {
    inSample.fill(0);
    for (const b of chosen) for (let t = bounds[b]!; t < bounds[b + 1]!; t++) inSample[t] = 1;
    let best = 0, bestSharpe = -Infinity;
    const oos = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      const stats = [0, 0, 0, 0, 0, 0]; // n, sum, sum of squares: in sample, out of sample
      for (let t = 0; t < T; t++) {
        const x = values[j * T + t]!, o = inSample[t] ? 0 : 3;
        stats[o]++;
        stats[o + 1]! += x;
        stats[o + 2]! += x * x;
      }
      const sharpeOf = (o: number) => {
        const n = stats[o]!, mean = stats[o + 1]! / n;
        return mean / Math.sqrt((stats[o + 2]! - n * mean * mean) / (n - 1));
      };
      const is = sharpeOf(0);
      oos[j] = sharpeOf(3);
      if (is > bestSharpe) { bestSharpe = is; best = j; }
    }
    let below = 0;
    for (let j = 0; j < N; j++) if (oos[j]! < oos[best]!) below++;
    if (below + 1 <= (N + 1) / 2) overfit++;
    let i = half - 1;
    while (i >= 0 && chosen[i] === blocks - half + i) i--;
    if (i < 0) break;
    chosen[i]!++;
    for (let d = i + 1; d < half; d++) chosen[d] = chosen[d - 1]! + 1;
  }
  return overfit;
}

export async function statisticsBench(runs = 7): Promise<StatisticsResult> {
  const days = 252, variants = 1000, reps = 1000, blocks = 16;
  const { matrix, benchmark } = syntheticReturns(days, variants, 2025);
  const loadAverage = loadavg()[0]!;
  const cpu: number[] = [];
  const all = await time(() => {
    const c = process.cpuUsage();
    sweepStatistics(matrix, benchmark, { seed: 1, bootstrapReps: reps, pboBlocks: blocks });
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }, runs, 1);
  const sample = stationaryBootstrap(days, reps, new Xoshiro128StarStar(1));
  const pbo = await time(() => probabilityOfBacktestOverfitting(matrix, blocks), runs, 1);
  const intervals = await time(() => bootstrapSharpeIntervals(matrix, sample), runs, 1);
  const spa = await time(() => superiorPredictiveAbility(matrix, benchmark, sample), runs, 1);
  const neff = await time(() => effectiveTrials(matrix), runs, 1);
  const naiveSplits = 256, splits = 12_870;
  const naive = await time(() => naivePbo(matrix, blocks, naiveSplits), 3, 1);
  return {
    days, variants, reps, splits, all, allCpu: summarize(cpu.slice(1)), loadAverage, pbo, intervals, spa, effectiveTrials: neff,
    naivePbo: (naive.median * splits) / naiveSplits, naiveSplits,
  };
}

if (import.meta.main) {
  const r = await statisticsBench();
  console.log(`all: ${r.all.median.toFixed(0)} ms (cpu ${r.allCpu.median.toFixed(0)} ms); pbo ${r.pbo.median.toFixed(0)}, intervals ${r.intervals.median.toFixed(0)}, spa ${r.spa.median.toFixed(0)}, N_eff ${r.effectiveTrials.median.toFixed(0)}; naive pbo ${(r.naivePbo / 1000).toFixed(1)} s`);
}
