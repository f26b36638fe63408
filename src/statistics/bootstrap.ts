import type { Xoshiro128StarStar } from './rng.ts';

/**
 * The stationary bootstrap — D. N. Politis and J. P. Romano, "The Stationary Bootstrap", Journal of
 * the American Statistical Association 89(428) (1994) 1303–1313 — resampling T days in blocks of
 * random (geometric) length, so that the dependence between neighbouring days survives.
 * For each replication:
 * 1. the first day is uniform on 0 … T − 1;
 * 2. each next day starts a new block with probability p = 1/b (its day uniform again), otherwise it
 *    is the day after the previous one, circularly (after T − 1 comes 0);
 * 3. b is the mean block length, √T by default (not rounded: T = 252 gives b ≈ 15.87).
 * Draws per day, in order: one uniform u (a new block when u < p), then for a new block one uniform
 * day; the first day takes one uniform day. The same seed gives the same resamples on every machine.
 *
 * A resample is kept as segments [start, end) of consecutive days — maximal runs t, t + 1, … that
 * do not wrap past T − 1 — so a sum over a resample costs one prefix-sum difference per segment
 * instead of T additions: about T/b + 1 segments a replication.
 */
export interface BootstrapSample {
  readonly days: number;
  readonly reps: number;
  /** The mean block length b (p = 1/b). */
  readonly blockLength: number;
  /** Replication r's segments are offsets[r] … offsets[r + 1] − 1. */
  readonly offsets: Int32Array;
  /** Segment g covers days segments[2g] … segments[2g + 1] − 1 (start, end interleaved). */
  readonly segments: Int32Array;
}

/** Segments accumulated replication by replication (growing typed arrays). */
class SegmentWriter {
  bounds = new Int32Array(2048);
  count = 0;
  push(start: number, length: number): void {
    if (2 * this.count === this.bounds.length) {
      const grown = new Int32Array(this.bounds.length * 2);
      grown.set(this.bounds);
      this.bounds = grown;
    }
    this.bounds[2 * this.count] = start;
    this.bounds[2 * this.count + 1] = start + length;
    this.count++;
  }
  finish(days: number, blockLength: number, offsets: Int32Array): BootstrapSample {
    return { days, reps: offsets.length - 1, blockLength, offsets, segments: this.bounds.slice(0, 2 * this.count) };
  }
}

/** Appends the maximal runs of consecutive days of one resample (given day by day) to `out`. */
function appendRuns(days: ArrayLike<number>, out: SegmentWriter): void {
  let start = days[0]!, length = 1;
  for (let t = 1; t < days.length; t++) {
    const d = days[t]!;
    if (d === start + length) length++;
    else {
      out.push(start, length);
      start = d;
      length = 1;
    }
  }
  if (days.length > 0) out.push(start, length);
}

/**
 * `reps` stationary-bootstrap resamples of `days` days (the outline above), mean block length
 * `blockLength` (default √days).
 *
 * @example stationaryBootstrap(252, 1000, new Xoshiro128StarStar(42)) // 1,000 resamples, b ≈ 15.87
 */
export function stationaryBootstrap(days: number, reps: number, rng: Xoshiro128StarStar, blockLength = Math.sqrt(days)): BootstrapSample {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days ${days}: must be a whole number ≥ 1`);
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`reps ${reps}: must be a whole number ≥ 1`);
  if (!(blockLength >= 1)) throw new RangeError(`blockLength ${blockLength}: must be ≥ 1`);
  const p = 1 / blockLength;
  const out = new SegmentWriter();
  const offsets = new Int32Array(reps + 1);
  const resample = new Int32Array(days);
  for (let r = 0; r < reps; r++) {
    offsets[r] = out.count;
    let day = rng.nextBelow(days);
    resample[0] = day;
    for (let t = 1; t < days; t++) {
      // Stryker disable next-line EqualityOperator: equivalent, u = p exactly has probability 0 (and p = 1 makes every u < p)
      if (rng.nextFloat() < p) day = rng.nextBelow(days);
      else day = day + 1 === days ? 0 : day + 1;
      resample[t] = day;
    }
    appendRuns(resample, out);
  }
  offsets[reps] = out.count;
  return out.finish(days, blockLength, offsets);
}

/**
 * A sample from explicit resamples (each an array of `days` day indices), in the same segment form:
 * for tests and for reproducing another program's draws.
 */
export function sampleFromIndices(days: number, resamples: readonly ArrayLike<number>[], blockLength = Math.sqrt(days)): BootstrapSample {
  const out = new SegmentWriter();
  const offsets = new Int32Array(resamples.length + 1);
  resamples.forEach((idx, r) => {
    if (idx.length !== days) throw new RangeError(`resample ${r} has ${idx.length} days, expected ${days}`);
    for (let t = 0; t < days; t++) {
      const d = idx[t]!;
      if (!Number.isInteger(d) || d < 0 || d >= days) throw new RangeError(`resample ${r}, position ${t}: day ${d} is not in 0 … ${days - 1}`);
    }
    offsets[r] = out.count;
    appendRuns(idx, out);
  });
  offsets[resamples.length] = out.count;
  return out.finish(days, blockLength, offsets);
}

/** Replication `rep` as day indices (length `days`), expanded from its segments. */
export function resampleIndices(sample: BootstrapSample, rep: number): Int32Array {
  const idx = new Int32Array(sample.days);
  let t = 0;
  for (let g = sample.offsets[rep]!; g < sample.offsets[rep + 1]!; g++) {
    for (let d = sample.segments[2 * g]!; d < sample.segments[2 * g + 1]!; d++) idx[t++] = d;
  }
  return idx;
}
