/* The report page's script, part 1 of its files (html.ts joins them, in order, into one inline
 * script inside one function, so they share these helpers): reading the data, building DOM, formatting
 * numbers, and drawing a chart with ECharts (inlined before this script).
 *
 * Rules every part keeps (README, "the report's security"): text from the run — symbols, peer
 * groups, parameters, names, warnings, file names — reaches the page only as DOM text nodes or as
 * text ECharts paints on a canvas, never as HTML: `el` appends strings as text, attributes are set one
 * by one (never `style`, never an event handler), and every tooltip is built here as DOM (`tip`), so
 * no ECharts formatter returns HTML. Plain browser JavaScript, no modules and no network: the page
 * works from a file:// URL. When done, main.js sets document.documentElement.dataset.charts to the
 * ids of the charts drawn (the browser test waits for it). */
const data = JSON.parse(document.getElementById('report-data').textContent);
const root = document.getElementById('report');
const drawn = [];
const charts = [];
const PALETTE = ['#2f6fdd', '#e07b39', '#3c9d5d', '#9b59b6', '#c0392b', '#16a2b8', '#8c6d31', '#d35f9a', '#5c6b7a', '#b8a01a', '#7f7f7f'];
const BENCH_COLOR = '#555';
const benchName = 'benchmark: ' + (data.header.headline.rows.filter((r) => r.role === 'benchmark').map((r) => r.label.replace(/^benchmark: /, ''))[0] || '—');

/** An element with attributes (set one by one) and children (strings become text nodes). */
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach((k) => {
    if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, String(attrs[k]));
  });
  (children || []).forEach((c) => { if (c !== null && c !== undefined && c !== '') node.append(c); });
  return node;
}

const isNum = (v) => typeof v === 'number' && isFinite(v);
function pct(v, digits) { return isNum(v) ? (v * 100).toFixed(digits === undefined ? 2 : digits) + ' %' : '—'; }
function ratio(v) { return isNum(v) ? v.toFixed(Math.abs(v) < 0.1 && v !== 0 ? 4 : 2) : '—'; }
function money(v) { return isNum(v) ? Math.round(v).toLocaleString('en-US') : '—'; }
function bps(v) { return isNum(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) + ' bp' : '—'; }
/** A value shown by its kind (writers/terminal.ts's metric kinds): percent, ratio, money, integer, number, bps, text. */
function format(kind, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  if (!isFinite(v)) return '—';
  switch (kind) {
    case 'percent': return pct(v);
    case 'integer': return v.toLocaleString('en-US');
    case 'money': return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'ratio': return ratio(v);
    case 'number': return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
    case 'bps': return bps(v);
    default: return String(v);
  }
}
function capital(v) { return !isNum(v) ? '—' : v >= 1e9 ? +(v / 1e9).toFixed(2) + ' bn' : v >= 1e6 ? +(v / 1e6).toFixed(2) + ' m' : v >= 1e3 ? +(v / 1e3).toFixed(1) + ' k' : String(v); }

/** A part of the page: a titled section with an intro and a grid for its cards; appended to the page. */
function part(id, title, intro) {
  const grid = el('div', { class: 'charts' });
  const node = el('section', { class: 'part', id: 'part-' + id }, [el('h2', {}, [title]), intro ? el('p', { class: 'muted intro' }, [intro]) : null, grid]);
  root.append(node);
  return { node: node, grid: grid };
}

/** A card with a title and a note, in a part's grid; `wide` spans both columns. */
function card(container, title, note, body, wide) {
  const node = el('section', { class: 'card' + (wide ? ' wide' : '') }, [el('h3', {}, [title]), note ? el('div', { class: 'muted note' }, [note]) : null].concat(body || []));
  container.append(node);
  return node;
}

/**
 * Draws a chart in a new card: `option` is ECharts' option (merged over the defaults below); `tools`
 * are elements shown beside the title (a toggle). Returns the ECharts instance, or null when it
 * could not be drawn (the error is said in the card and logged).
 */
function chart(container, id, title, note, option, opts) {
  const o = opts || {};
  const box = el('div', { class: 'chart-box' + (o.tall ? ' tall' : ''), id: 'chart-' + id, 'data-chart': id });
  const head = el('div', { class: 'card-head' }, [el('h3', {}, [title])].concat(o.tools || []));
  const node = el('section', { class: 'card' + (o.wide ? ' wide' : '') }, [head, note ? el('div', { class: 'muted note' }, [note]) : null, box]);
  container.append(node);
  try {
    const c = echarts.init(box, null, { renderer: 'canvas' });
    c.setOption(Object.assign({
      animation: false,
      color: PALETTE,
      grid: { left: 64, right: 24, top: 36, bottom: 56 },
      tooltip: { trigger: 'axis', confine: true, formatter: tipAxis(ratio) },
    }, option));
    charts.push(c);
    drawn.push(id);
    return c;
  } catch (err) {
    box.append(el('p', { class: 'chart-error' }, ['This chart could not be drawn: ' + err.message]));
    console.error('chart ' + id + ':', err);
    return null;
  }
}

const ZOOM = [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }];

/** A tooltip as DOM: a heading and rows of [colour, name, value] (text nodes only). */
function tip(heading, rows) {
  const box = el('div', { class: 'tip' }, [heading === null || heading === undefined ? null : el('div', { class: 'tip-head' }, [String(heading)])]);
  rows.forEach((r) => {
    const dot = el('span', { class: 'tip-dot' });
    if (typeof r[0] === 'string') dot.style.background = r[0]; // CSSOM, not a style attribute
    box.append(el('div', { class: 'tip-row' }, [dot, el('span', { class: 'tip-name' }, [String(r[1])]), el('b', {}, [String(r[2])])]));
  });
  return box;
}

/** Tooltip formatter for axis-triggered charts: the axis value, then each series' value formatted by `fmt(value, seriesIndex)`. */
function tipAxis(fmt) {
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    if (!list.length) return tip('', []);
    return tip(list[0].axisValueLabel !== undefined ? list[0].axisValueLabel : list[0].name, list.map((p) => {
      const v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      return [typeof p.color === 'string' ? p.color : null, p.seriesName, v === null || v === undefined || v === '-' ? '—' : fmt(v, p.seriesIndex)];
    }));
  };
}

/** The first date of `dates` on or after `day` (dates are sorted ISO days), else the last: where a day falls on a thinned axis. */
function onAxis(dates, day) {
  for (let k = 0; k < dates.length; k++) if (dates[k] >= day) return dates[k];
  return dates[dates.length - 1];
}

/** A table of rows (arrays of cells already formatted, or [text, class]) under a head row. */
function table(head, rows, attrs) {
  const cell = (tag, c) => (Array.isArray(c) ? el(tag, { class: c[1] }, [c[0]]) : el(tag, {}, [c]));
  return el('div', { class: 'table-wrap small' }, [el('table', attrs || {}, [
    el('thead', {}, [el('tr', {}, head.map((h) => cell('th', h)))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => cell('td', c))))),
  ])]);
}

/** A line series for the benchmark, dashed grey. */
function benchSeries(values, extra) {
  return Object.assign({ name: benchName, type: 'line', data: values, showSymbol: false, lineStyle: { type: 'dashed', width: 1.5, color: BENCH_COLOR }, itemStyle: { color: BENCH_COLOR } }, extra || {});
}

/** A histogram as rectangles on a value axis: `edges` (n + 1) and `counts` (n); the tooltip names the bin by `fmt`. */
function histogramSeries(name, edges, counts, color, fmt, unit) {
  return {
    name: name, type: 'custom', data: counts.map((c, k) => [edges[k], edges[k + 1], c]), encode: { x: [0, 1], y: 2 },
    itemStyle: { color: color },
    renderItem: (params, api) => {
      const a = api.coord([api.value(0), api.value(2)]), b = api.coord([api.value(1), 0]);
      return { type: 'rect', shape: { x: a[0], y: a[1], width: Math.max(1, b[0] - a[0] - 1), height: b[1] - a[1] }, style: api.style() };
    },
    tooltip: { trigger: 'item', formatter: (p) => tip(name, [[color, '[' + fmt(p.value[0]) + ', ' + fmt(p.value[1]) + ')', p.value[2] + ' ' + unit]]) },
  };
}

/** A vertical marker line at x = `at` on a value x-axis, from 0 to `top`. */
function vline(name, at, top, color, dashed) {
  return { name: name, type: 'line', data: [[at, 0], [at, top]], showSymbol: false, lineStyle: { color: color, width: 2, type: dashed ? 'dashed' : 'solid' }, itemStyle: { color: color }, tooltip: { show: false } };
}
