/**
 * Overfitting statistics of a sweep (issue 15): is the best variant real? Pure functions over
 * typed arrays; `sweepStatistics` is the one entry point a run needs, the rest are its parts.
 */
export { stationaryBootstrap, sampleFromIndices, resampleIndices, type BootstrapSample } from './bootstrap.ts';
export { deflatedSharpeThreshold, expectedMaxStandardNormal, minBacktestYears, EULER_GAMMA } from './deflated-sharpe.ts';
export { effectiveTrials } from './effective-trials.ts';
export { normalCdf, normalQuantile } from './normal.ts';
export {
  DEFAULT_BOOTSTRAP_REPS, DEFAULT_PBO_BLOCKS, DEFAULT_SEED, MAX_BOOTSTRAP_REPS, MAX_PBO_BLOCKS, MIN_BOOTSTRAP_REPS,
  validateBootstrapReps, validatePboBlocks, validateSeed,
} from './options.ts';
export { logitHistogram, probabilityOfBacktestOverfitting, type PboResult } from './pbo.ts';
export { minTrackRecordLength, probabilisticSharpe, sharpeStandardError } from './probabilistic-sharpe.ts';
export { createReturnsMatrix, returnsMatrixFrom, variantColumn, writeVariantReturns, type ReturnsMatrix } from './returns-matrix.ts';
export { Xoshiro128StarStar } from './rng.ts';
export { bootstrapSharpeIntervals } from './sharpe-interval.ts';
export { longRunVariance, superiorPredictiveAbility, type SpaResult } from './spa.ts';
export { sweepStatistics, type PerVariantStatistics, type SweepOptions, type SweepStatistics, type SweepSummary } from './sweep.ts';
export { verdictSentence, VERDICT_THRESHOLDS, type VerdictInput } from './verdict.ts';
