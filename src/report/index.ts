export { reportData, DEFAULT_TOP, IC_WINDOW, QUINTILE_VARIANTS, type ChartId, type ChartSeries, type ReportData, type ReportOptions } from './report-data.ts';
export { reportHtml } from './html.ts';
export { writeReport, type WriteReportOptions, type WrittenReport } from './write-report.ts';
export { MAX_POINTS } from './series.ts';
