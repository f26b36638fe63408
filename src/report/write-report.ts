import { join } from 'node:path';
import { openRun, openRunTables, type RunFolder } from '../inspect/index.ts';
import { writeFileAtomic } from '../writers/write-file.ts';
import { reportHtml } from './html.ts';
import { reportData, type ChartId, type ReportData, type ReportOptions } from './report-data.ts';

export interface WrittenReport {
  readonly path: string;
  readonly bytes: number;
  /** The charts the page draws, by id (what the browser test expects to find rendered). */
  readonly charts: readonly ChartId[];
  readonly notes: readonly string[];
}

/** Options of `backtest report` (and of `--report` on a run). */
export interface WriteReportOptions extends ReportOptions {
  /** Accept a run interrupted after some variants finished. */
  readonly allowPartial?: boolean | undefined;
}

/**
 * Writes `<run folder>/report.html` for a complete run (a folder path, or a run already found), as
 * every file of a run is written (writers/write-file.ts): scrubbed of secrets, through a temporary
 * file renamed at the end so that a half-written report never stays behind, errors naming the file.
 *
 * @example await writeReport('results/20261122T100239Z-vopa-60bc', { rankBy: 'sharpe', top: 5 })
 */
export async function writeReport(run: string | RunFolder, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const folder = typeof run === 'string' ? openRun(run, { allowPartial: options.allowPartial }) : run;
  const tables = await openRunTables(folder);
  let data: ReportData;
  try {
    data = await reportData(tables, options);
  } finally {
    tables.close();
  }
  const html = reportHtml(data);
  const path = join(folder.dir, 'report.html');
  writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html), charts: data.charts, notes: data.notes };
}
