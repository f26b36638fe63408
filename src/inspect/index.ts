export { findRun, openRun, saveOption, type FindRunOptions, type RunFolder, type RunManifest } from './run-folder.ts';
export { hasSignal, openRunTables, query, queryObjects, sqlName, RUN_TABLES, type QueryResult, type RunTable, type RunTables } from './run-tables.ts';
export { userQuery } from './user-query.ts';
export { checkParam, LOWER_IS_BETTER, numberOrNull, rankSummary, summaryLayout, variantLabel, type RankedSummary, type SummaryRow } from './ranking.ts';
export { buildInspectView, peerGroupIc, peerGroups, rankedSummary, runBrief, walkForwardView, type InspectView, type PartialFolderBrief, type PeerGroupIc, type RunBrief, type WalkForwardView } from './run-view.ts';
export { queryJson, renderInspect, renderQuery } from './render.ts';
