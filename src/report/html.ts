import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { scrubSecrets } from '../util/redact.ts';
import type { ReportData } from './report-data.ts';

/**
 * The report as one self-contained HTML page: styles, the data (JSON), the charting library and
 * the page's script are all inlined, so the file opens offline and can be mailed as it is.
 *
 * 1. The data go in a `<script type="application/json">` element, never run: JSON with `<`, U+2028
 *    and U+2029 escaped, so no text from the run can close the element or start markup.
 * 2. The page's script is page/*.js joined in PAGE_SCRIPTS order inside one function (they share
 *    core.js's helpers); it builds every text as DOM text nodes (page/core.js says the rules).
 * 3. A Content-Security-Policy (meta tag) allows exactly the page's two inline scripts and its one
 *    style element, by their SHA-256 hashes, and nothing else: no inline event handler or
 *    `javascript:` URL can run, no other script or style applies, and no request can leave the page
 *    (default-src 'none': no images, fonts, frames, fetch or XHR; form-action and base-uri 'none').
 * 4. Every part is scrubbed of secrets (util/redact.ts) before it is hashed, so scrubbing the whole
 *    file again when it is written (writers/write-file.ts) changes nothing the hashes cover.
 *
 * Charts: ECharts (Apache, well kept), chosen over uPlot and Vega-Lite because one library draws
 * every chart here — time series with zoom, bars, scatter, custom shapes, and heat maps with a colour
 * scale — where uPlot has no heat map or category bars and Vega-Lite needs three libraries. Its full
 * build (~1.1 MB) is read from node_modules when the report is written. It draws on a canvas, uses no
 * eval, and its tooltips here are DOM the page builds.
 */
const PAGE = new URL('./page/', import.meta.url);
export const PAGE_SCRIPTS = ['core.js', 'header.js', 'performance.js', 'exposure.js', 'signal.js', 'overfitting.js', 'costs.js', 'walk-forward.js', 'variants.js', 'main.js'] as const;

export function echartsSource(): string {
  return readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
}

/** The page's own script: page/*.js in order, in one function scope, in strict mode. */
export function pageScript(): string {
  const parts = PAGE_SCRIPTS.map((f) => `// ${f}\n${readFileSync(new URL(f, PAGE), 'utf8')}`);
  return `(function () {\n'use strict';\n${parts.join('\n')}\n})();\n`;
}

/** The page for a run's report data. */
export function reportHtml(data: ReportData): string {
  const css = scrubSecrets(readFileSync(new URL('report.css', PAGE), 'utf8'));
  const scripts = [echartsSource(), pageScript()].map((s) => scrubSecrets(inlineScript(s)));
  const title = scrubSecrets(`${data.run.strategy ?? 'run'} ${data.run.id} — vopa-backtest report`);
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map(hashSource).join(' ')}`,
    `style-src ${hashSource(css)}`,
    "img-src 'none'", "font-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vopa-backtest">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<main id="report"><noscript>This report draws its tables and charts with JavaScript; enable it to see them.</noscript></main>
<script type="application/json" id="report-data">${scrubSecrets(jsonForScript(data))}</script>
<script>${scripts[0]}</script>
<script>${scripts[1]}</script>
</body>
</html>
`;
}

/** A CSP source for an inline element's exact text: 'sha256-<base64>'. */
export function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * JSON safe inside a <script> element: `<` (so no `</script>` or `<!--`), U+2028 and U+2029 escaped;
 * numbers kept to 10 significant digits (plenty for charts and tables).
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value, (_, v) => (typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(10)) : null) : v));
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A script's text made safe to inline: no `</script` can end the element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
