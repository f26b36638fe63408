import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportData } from './report-data.ts';

/**
 * The report as one self-contained HTML page: styles, the data (JSON), the charting library and
 * the page's script are all inlined, so the file opens offline and can be mailed as it is.
 *
 * Charts: ECharts (Apache, well kept), chosen over uPlot and Vega-Lite because one library draws
 * every chart here — time series with zoom, bars, and heat maps with a colour scale — where uPlot
 * has no heat map or category bars and Vega-Lite needs three libraries (vega, vega-lite, vega-embed).
 * Its full build (~1.1 MB) is read from node_modules when the report is written.
 */
const PAGE = new URL('./page/', import.meta.url);

export function echartsSource(): string {
  return readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
}

/** The page for a run's report data. */
export function reportHtml(data: ReportData): string {
  const css = readFileSync(new URL('report.css', PAGE), 'utf8');
  const script = readFileSync(new URL('report.js', PAGE), 'utf8');
  const title = `${data.run.strategy ?? 'run'} ${data.run.id} — vopa-backtest report`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vopa-backtest">
<title>${escapeHtml(title)}</title>
<style>
${css}</style>
</head>
<body>
<main id="report"><noscript>This report draws its tables and charts with JavaScript; enable it to see them.</noscript></main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${inlineScript(echartsSource())}</script>
<script>${inlineScript(script)}</script>
</body>
</html>
`;
}

/** JSON safe inside a <script> element; numbers kept to 10 significant digits (plenty for charts and tables). */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value, (_, v) => (typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(10)) : null) : v));
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A script's text made safe to inline: no `</script` can end the element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
