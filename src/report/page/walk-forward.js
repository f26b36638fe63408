/* Walk-forward: the stitched out-of-sample equity against the benchmark with the folds marked, the
 * parameters chosen fold by fold, the in-sample metric beside the out-of-sample one, and the folds. */
function drawWalkForward() {
  const w = data.walkForward;
  if (!w) return;
  const figures = w.figures.map((f) => f[0].replace(/_/g, ' ') + ' ' + (isNum(f[1]) ? format('number', f[1]) : String(f[1]))).join(' · ');
  const { grid } = part('walk-forward', 'Walk-forward', 'Each fold chooses the best variant by ' + w.metric + ' on its training window and trades it on the next test window; only the stitched out-of-sample record is judged.' + (figures ? ' ' + figures : ''));
  const e = w.equity;
  if (e) chart(grid, 'wf-equity', 'Out of sample, stitched', 'one account across the folds; vertical lines: the first day of each test window; dashed: the benchmark', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: e.dates },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: money } },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis(money) },
    dataZoom: ZOOM,
    series: [{
      name: 'out of sample', type: 'line', data: e.oos, showSymbol: false, lineStyle: { width: 2.2 },
      markLine: { symbol: 'none', silent: true, lineStyle: { color: '#9aa3ad', type: 'solid' }, label: { formatter: (p) => p.name, fontSize: 10 },
        data: e.boundaries.map((b) => ({ xAxis: b.date, name: 'fold ' + String(b.fold) })) },
    }].concat(e.benchmark ? [benchSeries(e.benchmark)] : []),
  });
  if (w.params.length) {
    const n = w.params.length, h = 84 / n;
    chart(grid, 'wf-params', 'Parameters chosen, fold by fold', 'the variant each fold chose on its training window', {
      grid: w.params.map((_, k) => ({ left: 96, right: 24, top: (6 + k * h) + '%', height: (h - 10) + '%' })),
      xAxis: w.params.map((_, k) => ({ type: 'category', gridIndex: k, data: w.foldLabels, axisLabel: { show: k === n - 1, fontSize: 10 } })),
      yAxis: w.params.map((p, k) => (p.numeric
        ? { type: 'value', gridIndex: k, scale: true, splitNumber: 3, name: p.name, nameTextStyle: { align: 'left' } }
        : { type: 'category', gridIndex: k, name: p.name, nameTextStyle: { align: 'left' }, data: distinct(p.values), axisLabel: { width: 84, overflow: 'truncate' } })),
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v) => String(v)) },
      series: w.params.map((p, k) => ({ name: p.name, type: 'line', step: 'middle', xAxisIndex: k, yAxisIndex: k, data: p.values.map((v) => (v === null ? null : p.numeric ? v : String(v))), symbolSize: 6 })),
    }, { tall: n > 2 });
  }
  const c = w.compare;
  if (c.is.some(isNum)) chart(grid, 'wf-metric', c.isName.replace(/^is_/, '') + ': in sample and out of sample, per fold', 'in sample: the chosen variant on its training window (the best there, by construction); out of sample: the same variant on the test window' + (c.oosName ? ' (' + c.oosName + ')' : ''), {
    legend: { top: 0 },
    xAxis: { type: 'category', data: w.foldLabels, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value' },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis(ratio) },
    series: [{ name: 'in sample (' + c.isName + ')', type: 'bar', data: c.is, barMaxWidth: 28, itemStyle: { color: '#9db7e8' } }]
      .concat(c.oos ? [{ name: 'out of sample (' + c.oosName + ')', type: 'bar', data: c.oos, barMaxWidth: 28, itemStyle: { color: '#2f6fdd' } }] : []),
  });
  const f = w.folds;
  card(grid, 'Folds', 'folds.csv; oos_rank: the rank the chosen variant had out of sample among all variants (1 = it was also the best there)', [
    table(f.columns, f.rows.map((r) => r.map((v, k) => (f.kinds[k] === 'text' ? [format('text', v), 'text'] : format(f.kinds[k], v)))), { id: 'folds' }),
  ], true);
}

function distinct(values) {
  const seen = [];
  values.forEach((v) => { if (v !== null && seen.indexOf(String(v)) < 0) seen.push(String(v)); });
  return seen;
}
