/* The variants: summary.csv ranked, in a table that scrolls inside its box (the rank, variant and
 * parameter columns pinned while it scrolls sideways; sortable by a click on a column), and for grids
 * the ranking metric over two parameters as a heat map. Also the heat-map drawing the monthly
 * returns share. */
function drawVariants() {
  const t = data.table;
  const { grid } = part('variants', 'Variants', 'summary.csv ranked by ' + data.rankBy + (data.lowerIsBetter ? ' (lowest first)' : '') + '; click a column to sort; highlighted: the variants drawn above; ruined variants rank last');
  const head = el('tr', {}, t.columns.map((c, k) => el('th', { class: t.kinds[k] === 'text' ? 'text' : null, 'data-col': k, 'aria-sort': c === 'rank' ? 'ascending' : 'none', title: 'sort by ' + c }, [c])));
  const body = el('tbody');
  const topSet = new Set(data.top.variants);
  const vCol = t.columns.indexOf('variant'), sCol = t.columns.indexOf('status');
  // Rows are built when first shown: a sweep of thousands shows its first TABLE_ROWS (in the order
  // chosen) until asked for all, so that the page stays quick to open and to sort.
  const rows = t.rows.map((r) => ({ values: r, node: null }));
  const nodeOf = (row) => {
    if (!row.node) {
      const r = row.values;
      const classes = [topSet.has(r[vCol]) ? 'top' : '', sCol >= 0 && r[sCol] === 'ruined' ? 'ruined' : ''].join(' ').trim();
      row.node = el('tr', { 'data-variant': r[vCol], class: classes || null }, r.map((v, k) => el('td', { class: t.kinds[k] === 'text' ? 'text' : null }, [format(t.kinds[k], v)])));
    }
    return row.node;
  };
  let limit = Math.min(rows.length, TABLE_ROWS);
  const more = el('button', { type: 'button', class: 'more', id: 'all-variants' }, ['show all ' + rows.length.toLocaleString('en-US') + ' variants']);
  const render = () => {
    body.replaceChildren.apply(body, rows.slice(0, limit).map(nodeOf));
    more.hidden = limit >= rows.length;
  };
  more.addEventListener('click', () => { limit = rows.length; render(); });
  render();
  const tableNode = el('table', { id: 'summary-table' }, [el('thead', {}, [head]), body]);
  head.addEventListener('click', (event) => {
    const th = event.target.closest('th');
    if (!th) return;
    const k = Number(th.dataset.col);
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    head.querySelectorAll('th').forEach((h) => h.setAttribute('aria-sort', 'none'));
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    rows.sort((a, b) => compare(a.values[k], b.values[k], ascending));
    render();
  });
  const wrap = el('div', { class: 'table-wrap variants', id: 'variants-wrap' }, [tableNode]);
  card(grid, 'All ' + t.rows.length.toLocaleString('en-US') + ' variants', rows.length > limit ? 'the first ' + limit + ' in the order chosen are shown' : '', [wrap, more], true);
  pinColumns(tableNode, t.pinned);

  const g = data.grid;
  if (g) heat(grid, 'grid', data.rankBy + ' over ' + g.x + ' × ' + g.y, g.others.length ? 'each cell: the best variant over ' + g.others.join(', ') : '',
    g.xValues.map(String), g.yValues.map(String), g.cells, (v) => format(kindOf(data.rankBy), v), g.x, g.y, true);
}

/** Rows of the variants table shown before "show all". */
const TABLE_ROWS = 200;

/**
 * Keeps the first `n` columns (rank, variant, the parameters that vary) in view while the table
 * scrolls sideways — sticky, each at the width of those before it — as many of them as fit in
 * 45 % of the box, so that the rest can still be scrolled through. One rule per column is added to
 * the page's style sheet (CSSOM, which the page's CSP allows; no style attribute), not a style per cell.
 */
function pinColumns(tableNode, wanted) {
  const firstRow = tableNode.querySelector('tbody tr') || tableNode.querySelector('thead tr');
  const room = 0.45 * tableNode.parentNode.clientWidth;
  const lefts = [];
  let left = 0;
  for (let n = 0; n < wanted && firstRow.children[n]; n++) {
    const width = firstRow.children[n].getBoundingClientRect().width;
    if (n >= 2 && left + width > room) break;
    lefts.push(left);
    left += width;
  }
  const sheet = document.styleSheets[0];
  const add = (rule) => sheet.insertRule(rule, sheet.cssRules.length);
  lefts.forEach((x, n) => {
    const cells = '#summary-table tr > :nth-child(' + (n + 1) + ')';
    add(cells + ' { position: sticky; left: ' + x + 'px; z-index: 1; }');
    add('#summary-table th:nth-child(' + (n + 1) + ') { z-index: 3; }');
    if (n === lefts.length - 1) add(cells + ' { box-shadow: 1px 0 0 var(--line), 3px 0 4px -2px rgba(0, 0, 0, 0.12); }');
  });
  tableNode.dataset.pinned = String(lefts.length);
}

function kindOf(column) { return data.table.kinds[data.table.columns.indexOf(column)] || 'ratio'; }

/** Missing values sort last either way; numbers numerically, text alphabetically. */
function compare(a, b, ascending) {
  const na = a === null || a === undefined, nb = b === null || b === undefined;
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  const d = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return ascending ? d : -d;
}

/** A heat map of cells [x index, y index, value(, variant)] over category axes `xs` × `ys`. */
function heat(container, id, title, note, xs, ys, cells, fmt, xName, yName, tall) {
  const values = cells.map((c) => c[2]).filter(isNum);
  const bound = Math.max.apply(null, values.map(Math.abs).concat([1e-12]));
  const diverging = values.some((v) => v < 0);
  const lowGood = data.lowerIsBetter && id === 'grid';
  const colors = diverging ? ['#c0392b', '#f7f7f7', '#2e8b57'] : ['#f7fbff', '#6baed6', '#08306b'];
  chart(container, id, title, note, {
    tooltip: { trigger: 'item', confine: true, formatter: (p) => {
      const c = p.data;
      return tip(xName + ' ' + xs[c[0]] + ', ' + yName + ' ' + ys[c[1]], [[null, c.length > 3 ? 'variant ' + c[3] : 'value', fmt(c[2] === '-' ? null : c[2])]]);
    } },
    grid: { left: 72, right: 24, top: 24, bottom: 96 },
    xAxis: { type: 'category', data: xs, name: xName, nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
    yAxis: { type: 'category', data: ys, name: yName, nameLocation: 'middle', nameGap: 48, splitArea: { show: true } },
    visualMap: {
      type: 'continuous', dimension: 2, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160, calculable: true,
      min: diverging ? -bound : Math.min.apply(null, values.concat([0])), max: bound,
      inRange: { color: lowGood ? colors.slice().reverse() : colors }, formatter: (v) => fmt(v),
    },
    series: [{
      type: 'heatmap', data: cells.map((c) => (c.length > 3 ? [c[0], c[1], c[2] === null ? '-' : c[2], c[3]] : [c[0], c[1], c[2] === null ? '-' : c[2]])),
      label: { show: xs.length * ys.length <= 144, fontSize: 10, formatter: (p) => fmt(p.data[2] === '-' ? null : p.data[2]) },
    }],
  }, { tall: tall });
}
