import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRun, openRunTables, type RunFolder } from '../inspect/index.ts';
import { reportHtml } from './html.ts';
import { reportData, type ReportOptions } from './report-data.ts';

export interface WrittenReport {
  readonly path: string;
  readonly bytes: number;
  /** The charts the page draws, by id (what the browser test expects to find rendered). */
  readonly charts: readonly string[];
  readonly notes: readonly string[];
}

/** Options of `backtest report` (and of `--report` on a run). */
export interface WriteReportOptions extends ReportOptions {
  /** Accept a run interrupted after some variants finished. */
  readonly allowPartial?: boolean | undefined;
}

/**
 * Writes `<run folder>/report.html` for a complete run (a folder path, or a run already found),
 * through a temporary file renamed at the end so that a half-written report never stays behind.
 *
 * @example await writeReport('results/20261122T100239Z-vopa-60bc', { rankBy: 'sharpe', top: 5 })
 */
export async function writeReport(run: string | RunFolder, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const folder = typeof run === 'string' ? openRun(run, { allowPartial: options.allowPartial }) : run;
  const tables = await openRunTables(folder);
  let html: string;
  let charts: string[];
  let notes: readonly string[];
  try {
    const data = await reportData(tables, options);
    html = reportHtml(data);
    notes = data.notes;
    charts = (['equity', 'drawdown', 'monthly', 'ic-time', 'ic-groups', 'quintile', 'grid'] as const).filter((id) => chartDrawn(data, id));
  } finally {
    tables.close();
  }
  const path = join(folder.dir, 'report.html');
  const temp = join(folder.dir, '.report.html.partial');
  try {
    writeFileSync(temp, html);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return { path, bytes: Buffer.byteLength(html), charts, notes };
}

function chartDrawn(data: Awaited<ReturnType<typeof reportData>>, id: string): boolean {
  switch (id) {
    case 'equity': return data.equity !== null;
    case 'drawdown': return data.drawdown !== null;
    case 'monthly': return data.monthly !== null && data.monthly.cells.length > 0;
    case 'ic-time': return data.ic !== null;
    case 'ic-groups': return data.icGroups !== null;
    case 'quintile': return data.quintile !== null;
    case 'grid': return data.grid !== null;
    default: return false;
  }
}
