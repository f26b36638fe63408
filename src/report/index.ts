export { reportData, DEFAULT_TOP, IC_WINDOW, QUINTILE_VARIANTS, type ChartId, type ReportData, type ReportOptions } from './report-data.ts';
export type { ChartSeries } from './parts/performance.ts';
export { reportHtml } from './html.ts';
export { writeReport, type WriteReportOptions, type WrittenReport } from './write-report.ts';
export { MAX_POINTS } from './series.ts';
