/**
 * Walk-forward (issue 16): choose a variant on the past, trade it on the future, fold after fold,
 * as one account. The sweep runs once (any executor); this folder turns its curves into each fold's
 * choice and runs the stitched out-of-sample record.
 */
export { describeSpec, parseHoldout, parseWalkForward, WALK_FORWARD_SYNTAX, type WalkForwardSpec } from './spec.ts';
export { planFolds, type Fold, type FoldWindow } from './folds.ts';
export { WINDOW_METRICS, windowMetric, windowEquity, annualReturn, type CurveWindow } from './window-metrics.ts';
export { chooseFolds, rankWindow, type FoldChoice } from './choose.ts';
export { walkForwardStrategy, type Segment } from './composite.ts';
export { runOutOfSample, type OutOfSample } from './oos.ts';
export { parameterStability, walkForwardEfficiency, type Efficiency, type Stability } from './efficiency.ts';
export { FOLD_OOS_METRICS, runWalkForward, type FoldResult, type WalkForwardInput, type WalkForwardOutcome } from './run.ts';
