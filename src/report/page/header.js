/* The first screen: what ran, the best variant's headline numbers beside the benchmark's, the
 * verdict, warnings and notes folded away (a <details> each), and links to the parts below. It must
 * leave the first charts in view at 1,400 × 900 (the browser test measures it). */
function drawHeader() {
  const h = data.header;
  const status = data.run.status;
  const badges = [el('span', { class: 'badge ' + (status === 'complete' ? 'ok' : 'warn') }, [status])];
  if (h.ruined.count) {
    badges.push(el('span', { class: 'badge bad', id: 'ruined', title: 'ruined: ' + h.ruined.labels.join(', ') + (h.ruined.count > h.ruined.labels.length ? ', …' : '') }, [
      h.ruined.count + ' of ' + h.ruined.total + ' variant' + (h.ruined.total === 1 ? '' : 's') + ' ruined (equity reached 0: liquidated, no ratios, ranked last)',
    ]));
  }
  const title = el('div', { class: 'title-row' }, [el('h1', {}, [h.strategy || 'run']), el('span', { class: 'run-id muted' }, ['run ' + h.runId])].concat(badges));

  const hl = h.headline;
  const headline = el('table', { class: 'headline', id: 'headline' }, [
    el('thead', {}, [el('tr', {}, [el('th', { class: 'text' }, [''])].concat(hl.metrics.map((m) => el('th', {}, [HEADLINE_NAMES[m] || m]))))]),
    el('tbody', {}, hl.rows.map((r) => el('tr', { class: r.role + (r.status === 'ruined' ? ' ruined' : '') }, [
      el('td', { class: 'text', title: r.label }, [r.label + (r.status === 'ruined' ? ' — ruined' : '')]),
    ].concat(r.values.map((v, k) => el('td', {}, [format(hl.kinds[k], v)])))))),
  ]);
  const brief = el('dl', { class: 'brief' }, [].concat.apply([], h.brief.map((b) => [el('dt', {}, [b[0]]), el('dd', { title: b[1] }, [b[1]])])));
  const verdict = h.verdict
    ? el('p', { class: 'verdict', id: 'verdict' }, [el('b', {}, ['Is it real? ']), h.verdict])
    : null;

  const folds = el('div', { class: 'folds' });
  if (h.warnings.length) {
    folds.append(el('details', { id: 'warnings' }, [
      el('summary', {}, [h.warnings.length + ' warning' + (h.warnings.length === 1 ? '' : 's') + ' from the run']),
      el('ul', {}, h.warnings.map((w) => el('li', {}, [w.message, w.examples.length ? el('ul', {}, w.examples.map((e) => el('li', {}, [e]))) : null]))),
    ]));
  }
  if (data.notes.length) {
    folds.append(el('details', { id: 'notes' }, [
      el('summary', {}, [data.notes.length + ' note' + (data.notes.length === 1 ? '' : 's') + ' on what this report leaves out']),
      el('ul', {}, data.notes.map((n) => el('li', {}, [n]))),
    ]));
  }
  const nav = el('nav', { class: 'parts-nav' });
  root.append(el('header', { class: 'top' }, [title, el('div', { class: 'head-grid' }, [headline, brief]), verdict, folds, nav]));
  return nav;
}

const HEADLINE_NAMES = {
  total_return: 'return', cagr: 'CAGR', sharpe: 'Sharpe', sortino: 'Sortino', max_drawdown: 'max drawdown',
  alpha: 'alpha', beta: 'beta', information_ratio: 'IR',
};

/** Links to the parts the page drew, in the header's nav. */
function fillNav(nav) {
  root.querySelectorAll('section.part').forEach((s) => {
    nav.append(el('a', { href: '#' + s.id }, [s.querySelector('h2').textContent]));
  });
}
