/* The report page's script: reads the run's data from #report-data and draws the summary table
 * and the charts with ECharts (inlined before this script). Plain browser JavaScript, no modules,
 * so that the page works from a file:// URL with no network. When done it sets
 * document.documentElement.dataset.charts to the ids of the charts drawn (the browser test waits
 * for it). */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');
  var drawn = [];
  var charts = [];
  var BENCH = 'buy-and-hold (benchmark)';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }
  function pct(v, digits) { return v === null || v === undefined || v === '-' ? '—' : (v * 100).toFixed(digits === undefined ? 2 : digits) + ' %'; }
  function format(kind, v) {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v !== 'number') return String(v);
    if (kind === 'percent') return pct(v);
    if (kind === 'integer') return v.toLocaleString('en-US');
    if (kind === 'money') return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    if (kind === 'ratio') return v.toFixed(Math.abs(v) < 0.1 ? 4 : 2);
    return String(v);
  }
  function money(v) { return v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'); }

  // 1. Header: the run in brief.
  var run = data.run;
  var range = run.range || {};
  var bench = data.benchmark;
  root.append(el('header', {}, [
    el('h1', {}, [(run.strategy || 'run') + ' — ' + run.id]),
    el('ul', { class: 'facts' }, [
      fact('range', range.first_trading_day + ' → ' + range.last_trading_day + ' (' + range.trading_days + ' trading days), season ' + range.season),
      fact('variants', String(data.table.rows.length) + ', ranked by ' + data.rankBy + (data.lowerIsBetter ? ' (lowest first)' : '')),
      fact('data', run.data ? run.data.kind + ' ' + run.data.location + ', ' + run.data.symbols + ' symbols' : '—'),
      fact('settings', run.settings ? 'fill ' + run.settings.fill + ', cash ' + money(run.settings.cash) + ', ' + run.settings.commission_bps + ' + ' + run.settings.slippage_bps + ' bps' : '—'),
      fact('benchmark', bench ? 'total return ' + pct(bench.total_return) + ', sharpe ' + format('ratio', bench.sharpe) + ', max drawdown ' + pct(bench.max_drawdown) : '—'),
      fact('status', run.status + (run.created_at ? ', ' + run.created_at : '')),
    ]),
  ]));
  function fact(name, text) { return el('li', {}, [el('b', {}, [name + ': ']), text]); }
  var notes = data.notes.concat(run.warnings.length ? ['run warnings: ' + run.warnings.join('; ')] : []);
  if (notes.length) root.append(el('ul', { class: 'notes', id: 'notes' }, notes.map(function (n) { return el('li', {}, [n]); })));

  // 2. The summary table, sortable by clicking a header.
  summaryTable();

  // 3. The charts.
  var grid = el('div', { class: 'charts' });
  root.append(grid);
  var base = { animation: false, grid: { left: 64, right: 24, top: 40, bottom: 64 }, tooltip: { trigger: 'axis' } };
  var zoom = [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }];

  if (data.equity) chart('equity', 'Equity: top ' + data.top.variants.length + ' by ' + data.rankBy + ' and the benchmark', '', {
    legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'category', data: data.equity.dates },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: money } },
    tooltip: { trigger: 'axis', valueFormatter: money },
    dataZoom: zoom,
    series: lines(data.equity),
  });
  if (data.drawdown) chart('drawdown', 'Drawdown from the running peak', '', {
    legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'category', data: data.drawdown.dates },
    yAxis: { type: 'value', max: 0, axisLabel: { formatter: function (v) { return pct(v, 0); } } },
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct(v); } },
    dataZoom: zoom,
    series: lines(data.drawdown, true),
  });
  if (data.monthly && data.monthly.cells.length) heat('monthly', 'Monthly returns of the best variant (' + data.monthly.label + ')', '',
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'], data.monthly.years.map(String),
    data.monthly.cells, function (v) { return pct(v, 1); }, 'month', 'year');
  if (data.ic) chart('ic-time', 'IC per decision day, best variant (' + data.ic.label + ')', 'Spearman rank correlation of the signal with the forward return; line: trailing mean of the last ' + data.ic.window + ' decision days', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: data.ic.dates },
    yAxis: { type: 'value' },
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return format('ratio', v); } },
    series: [
      { name: 'IC', type: 'bar', data: data.ic.ic, itemStyle: { color: '#9db7e8' } },
      { name: 'trailing mean', type: 'line', data: data.ic.mean, showSymbol: false, lineStyle: { width: 2, color: '#2f6fdd' } },
    ],
  });
  if (data.icGroups) chart('ic-groups', 'Mean IC by peer group, best variant (' + data.icGroups.label + ')', 'dashed line: the mean IC over all members', {
    grid: { left: 64, right: 24, top: 24, bottom: 110 },
    xAxis: { type: 'category', data: data.icGroups.groups, axisLabel: { rotate: 35, interval: 0 } },
    yAxis: { type: 'value' },
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return format('ratio', v); } },
    series: [{
      name: 'mean IC', type: 'bar', barMaxWidth: 48, data: data.icGroups.mean.map(function (v) { return { value: v, itemStyle: { color: v < 0 ? '#d9534f' : '#3c9d5d' } }; }),
      markLine: data.icGroups.icMean === null ? undefined : { symbol: 'none', data: [{ yAxis: data.icGroups.icMean, name: 'all' }], lineStyle: { type: 'dashed', color: '#555' }, label: { position: 'insideEndTop', formatter: function (p) { return 'all: ' + format('ratio', p.value); } } },
    }],
  });
  if (data.quintile) chart('quintile', 'Mean quintile spread per variant (top ' + data.quintile.labels.length + ' by ' + data.rankBy + ')', 'mean forward return of the top fifth of the signal minus the bottom fifth, per decision day', {
    grid: { left: 64, right: 24, top: 24, bottom: 120 },
    xAxis: { type: 'category', data: data.quintile.labels, axisLabel: { rotate: 45, interval: 0, fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { formatter: function (v) { return pct(v, 2); } } },
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct(v, 3); } },
    series: [{ name: 'quintile spread', type: 'bar', barMaxWidth: 48, data: data.quintile.spread.map(function (v) { return { value: v, itemStyle: { color: v < 0 ? '#d9534f' : '#3c9d5d' } }; }) }],
  });
  if (data.grid) heat('grid', data.rankBy + ' over ' + data.grid.x + ' × ' + data.grid.y, data.grid.others.length ? 'each cell: the best variant over ' + data.grid.others.join(', ') : '',
    data.grid.xValues.map(String), data.grid.yValues.map(String), data.grid.cells, function (v) { return format(kindOf(data.rankBy), v); }, data.grid.x, data.grid.y, true);

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.dataset.charts = drawn.join(' ');

  function lines(s, area) {
    var out = s.values.map(function (values, k) {
      return { name: data.top.labels[k], type: 'line', data: values, showSymbol: false, lineStyle: { width: k === 0 ? 2.5 : 1.5 }, areaStyle: area && k === 0 ? { opacity: 0.12 } : undefined };
    });
    if (s.benchmark) out.push({ name: BENCH, type: 'line', data: s.benchmark, showSymbol: false, lineStyle: { type: 'dashed', width: 1.5, color: '#555' }, itemStyle: { color: '#555' } });
    return out;
  }

  function heat(id, title, note, xs, ys, cells, fmt, xName, yName, tall) {
    var values = cells.map(function (c) { return c[2]; }).filter(function (v) { return v !== null; });
    var bound = Math.max.apply(null, values.map(Math.abs).concat([1e-12]));
    var diverging = values.some(function (v) { return v < 0; });
    var lowGood = data.lowerIsBetter && id === 'grid';
    var colors = diverging ? ['#c0392b', '#f7f7f7', '#2e8b57'] : ['#f7fbff', '#6baed6', '#08306b'];
    chart(id, title, note, {
      tooltip: { trigger: 'item', formatter: function (p) {
        var c = p.data;
        return xName + ' ' + xs[c[0]] + ', ' + yName + ' ' + ys[c[1]] + ': <b>' + fmt(c[2] === '-' ? null : c[2]) + '</b>' + (c.length > 3 ? ' (variant ' + c[3] + ')' : '');
      } },
      grid: { left: 72, right: 24, top: 24, bottom: 96 },
      xAxis: { type: 'category', data: xs, name: xName, nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
      yAxis: { type: 'category', data: ys, name: yName, nameLocation: 'middle', nameGap: 48, splitArea: { show: true } },
      visualMap: {
        type: 'continuous', dimension: 2, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160, calculable: true,
        min: diverging ? -bound : Math.min.apply(null, values.concat([0])), max: diverging ? bound : bound,
        inRange: { color: lowGood ? colors.slice().reverse() : colors }, formatter: function (v) { return fmt(v); },
      },
      series: [{
        type: 'heatmap', data: cells.map(function (c) { return c.length > 3 ? [c[0], c[1], c[2] === null ? '-' : c[2], c[3]] : [c[0], c[1], c[2] === null ? '-' : c[2]]; }),
        label: { show: xs.length * ys.length <= 144, fontSize: 10, formatter: function (p) { return fmt(p.data[2] === '-' ? null : p.data[2]); } },
      }],
    }, tall);
  }

  function chart(id, title, note, option, tall) {
    var box = el('div', { class: 'chart-box' + (tall ? ' tall' : ''), id: 'chart-' + id, 'data-chart': id });
    grid.append(el('section', { class: 'card' }, [el('h2', {}, [title]), note ? el('div', { class: 'muted' }, [note]) : '', box]));
    try {
      var c = echarts.init(box, null, { renderer: 'canvas' });
      var merged = Object.assign({}, base, option);
      c.setOption(merged);
      charts.push(c);
      drawn.push(id);
    } catch (err) {
      box.append(el('p', { class: 'chart-error' }, ['This chart could not be drawn: ' + err.message]));
      console.error('chart ' + id + ':', err);
    }
  }

  function kindOf(column) { return data.table.kinds[data.table.columns.indexOf(column)] || 'ratio'; }

  function summaryTable() {
    var t = data.table;
    var head = el('tr', {}, t.columns.map(function (c, k) {
      return el('th', { class: t.kinds[k] === 'text' ? 'text' : '', 'data-col': String(k), 'aria-sort': c === 'rank' ? 'ascending' : 'none', title: 'sort by ' + c }, [c]);
    }));
    var body = el('tbody');
    var topSet = {};
    data.top.variants.forEach(function (v) { topSet[v] = true; });
    var rows = t.rows.map(function (r) {
      var variant = r[t.columns.indexOf('variant')];
      var tr = el('tr', { 'data-variant': String(variant), class: topSet[variant] ? 'top' : '' }, r.map(function (v, k) {
        return el('td', { class: t.kinds[k] === 'text' ? 'text' : '' }, [format(t.kinds[k], v)]);
      }));
      return { values: r, node: tr };
    });
    rows.forEach(function (r) { body.append(r.node); });
    var table = el('table', { id: 'summary-table' }, [el('thead', {}, [head]), body]);
    head.addEventListener('click', function (event) {
      var th = event.target.closest('th');
      if (!th) return;
      var k = Number(th.dataset.col);
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      head.querySelectorAll('th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      rows.sort(function (a, b) { return compare(a.values[k], b.values[k], ascending); });
      rows.forEach(function (r) { body.append(r.node); });
    });
    root.append(el('section', { class: 'card' }, [
      el('h2', {}, ['Variants']),
      el('div', { class: 'muted' }, ['ranked by ' + data.rankBy + '; click a column to sort; highlighted: the variants drawn below']),
      el('div', { class: 'table-wrap' }, [table]),
    ]));
  }

  // Missing values sort last either way; numbers numerically, text alphabetically.
  function compare(a, b, ascending) {
    var na = a === null || a === undefined, nb = b === null || b === undefined;
    if (na || nb) return na === nb ? 0 : na ? 1 : -1;
    var d = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    return ascending ? d : -d;
  }
})();
