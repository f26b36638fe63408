/* "Is it real?": the verdict and the sweep's statistics (overfitting.json), the PBO's logit
 * histogram, in-sample against out-of-sample Sharpe across the CSCV splits, and the PSR, DSR and
 * bootstrap Sharpe intervals of the top variants. */
function drawOverfitting() {
  const o = data.overfitting;
  if (!o) return;
  const { grid } = part('real', 'Is it real?', o.verdict);
  card(grid, 'The sweep\'s statistics', 'overfitting.json (README, "Is the best variant real?"); Sharpe ratios annualised unless said', [
    table(['statistic', 'value'], o.stats.map((s) => [[s[0], 'text'], format(s[2], s[1])]), { id: 'overfitting-stats' }),
    o.whyMissing.length ? el('div', { class: 'missing' }, [el('h4', {}, ['What is missing, and why']), el('ul', { id: 'why-missing' }, o.whyMissing.map((w) => el('li', {}, [el('b', {}, [w[0] + ': ']), w[1]])))]) : null,
  ]);
  const l = o.logits;
  if (l) {
    const top = Math.max.apply(null, l.counts);
    chart(grid, 'pbo-logits', 'PBO: logits of the in-sample best\'s out-of-sample rank', 'λ = ln(ω ∕ (1 − ω)), ω its relative rank out of sample; λ ≤ 0 (left of the line): it fell to the bottom half. PBO = ' + ratio(l.pbo) + ', the share of splits there', {
      xAxis: { type: 'value', scale: true, name: 'λ', axisLabel: { formatter: (v) => v.toFixed(1) } },
      yAxis: { type: 'value', name: 'splits' },
      tooltip: { trigger: 'item', confine: true },
      series: [histogramSeries('splits', l.edges, l.counts, '#9b59b6', (v) => v.toFixed(2), 'splits'), vline('λ = 0', 0, top, '#333', true)],
    });
  }
  const s = o.scatter;
  if (s) {
    const lo = Math.min.apply(null, s.is), hi = Math.max.apply(null, s.is);
    const line = isNum(s.slope) && isNum(s.intercept) ? [{ name: 'degradation: oos = ' + ratio(s.slope) + ' × is + ' + ratio(s.intercept), type: 'line', data: [[lo, s.slope * lo + s.intercept], [hi, s.slope * hi + s.intercept]], showSymbol: false, lineStyle: { color: '#c0392b', width: 2 }, itemStyle: { color: '#c0392b' }, tooltip: { show: false } }] : [];
    chart(grid, 'pbo-scatter', 'In-sample against out-of-sample Sharpe', 'the in-sample best of each CSCV split' + (s.every > 1 ? ' (every ' + s.every + 'th split)' : '') + ', annualised; a slope near 1 keeps its edge, near 0 or below loses it', {
      legend: { top: 0 },
      xAxis: { type: 'value', scale: true, name: 'in sample', nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', scale: true, name: 'out of sample' },
      tooltip: { trigger: 'item', confine: true, formatter: (p) => tip('split', [[p.color, 'in sample', ratio(p.value[0])], [p.color, 'out of sample', ratio(p.value[1])]]) },
      series: [{ name: 'splits', type: 'scatter', symbolSize: 4, data: s.is.map((v, k) => [v, s.oos[k]]), itemStyle: { color: 'rgba(47, 111, 221, 0.45)' } }].concat(line),
    });
  }
  const t = o.top;
  if (t && t.dsr.some(isNum)) chart(grid, 'dsr', 'PSR and DSR of the top ' + t.labels.length + ' by ' + data.rankBy, 'the probability that the true Sharpe is above 0 (PSR), and above the best of as many tries of no skill (DSR); line: 0.95', {
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 36, bottom: 110 },
    xAxis: { type: 'category', data: t.labels, axisLabel: { rotate: 40, interval: 0, fontSize: 10, width: 150, overflow: 'truncate' } },
    yAxis: { type: 'value', min: 0, max: 1 },
    series: [
      { name: 'PSR', type: 'bar', data: t.psr, itemStyle: { color: '#9db7e8' }, barMaxWidth: 20 },
      { name: 'DSR', type: 'bar', data: t.dsr, itemStyle: { color: '#2f6fdd' }, barMaxWidth: 20, markLine: { symbol: 'none', silent: true, data: [{ yAxis: 0.95 }], lineStyle: { type: 'dashed', color: '#555' }, label: { formatter: '0.95' } } },
    ],
  });
  if (t && t.low.some(isNum)) chart(grid, 'sharpe-intervals', 'Sharpe with its bootstrap interval, top ' + t.labels.length, '90 % interval of the annualised Sharpe by the stationary bootstrap (sharpe_ci_low, sharpe_ci_high); dot: the Sharpe', {
    grid: { left: 56, right: 24, top: 24, bottom: 110 },
    xAxis: { type: 'category', data: t.labels, axisLabel: { rotate: 40, interval: 0, fontSize: 10, width: 150, overflow: 'truncate' } },
    yAxis: { type: 'value', scale: true },
    tooltip: { trigger: 'axis', confine: true, formatter: (params) => {
      const k = (Array.isArray(params) ? params[0] : params).dataIndex;
      return tip(t.labels[k], [['#2f6fdd', 'Sharpe', ratio(t.sharpe[k])], ['#9aa3ad', '90 % interval', ratio(t.low[k]) + ' to ' + ratio(t.high[k])]]);
    } },
    series: [
      { name: 'interval', type: 'custom', data: t.labels.map((_, k) => [k, t.low[k], t.high[k]]), encode: { x: 0, y: [1, 2] }, itemStyle: { color: '#9aa3ad' },
        renderItem: (params, api) => {
          if (!isNum(api.value(1)) || !isNum(api.value(2))) return null;
          const a = api.coord([api.value(0), api.value(1)]), b = api.coord([api.value(0), api.value(2)]);
          const w = Math.min(10, api.size([1, 0])[0] * 0.25);
          const style = { stroke: '#7b8794', lineWidth: 2 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style: style },
            { type: 'line', shape: { x1: a[0] - w, y1: a[1], x2: a[0] + w, y2: a[1] }, style: style },
            { type: 'line', shape: { x1: b[0] - w, y1: b[1], x2: b[0] + w, y2: b[1] }, style: style },
          ] };
        } },
      { name: 'Sharpe', type: 'scatter', data: t.sharpe, symbolSize: 8, itemStyle: { color: '#2f6fdd' },
        markLine: { symbol: 'none', silent: true, data: [{ yAxis: 0 }], lineStyle: { color: '#555' }, label: { show: false } } },
    ],
  });
}
