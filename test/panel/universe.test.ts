import { describe, expect, it } from 'vitest';
import { eligibility } from '../../src/panel/eligibility.ts';
import { allocatePanel, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { applyUniverse, missingSeasons, universeColumns, universeGroups, type UniverseRow } from '../../src/panel/universe.ts';
import { HistoryView } from '../../src/panel/view.ts';
import { parseIsoDate } from '../../src/util/dates.ts';

const day = (d: string) => parseIsoDate(d)!;
// Two seasons around a year end: A in both (tech, then energy), B leaves, C joins on 2025-01-03 (start_date), D in 2025 until 2025-01-06.
const ROWS: UniverseRow[] = [
  { season: 2024, symbol: 'A', peer_group: 'tech' },
  { season: 2024, symbol: 'B', peer_group: 'tech' },
  { season: 2025, symbol: 'A', peer_group: 'energy' },
  { season: 2025, symbol: 'C', peer_group: 'tech', start_day: day('2025-01-03') },
  { season: 2025, symbol: 'D', peer_group: 'energy', end_day: day('2025-01-06') },
];
const DATES = ['2024-12-30', '2024-12-31', '2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07'];

function panelOf(rows: readonly UniverseRow[], mode: 'pinned' | 'rolling', season = 2025): Panel {
  const columns = universeColumns(rows);
  const p = allocatePanel({ days: DATES.map(day), symbols: columns.map((c) => c.symbol), peerGroups: columns.map((c) => c.peer_group), otherGroups: universeGroups(rows) });
  p.close.fill(10);
  return applyUniverse(indexCloses(p), rows, mode, season);
}
const memberRows = (p: Panel) => DATES.map((_, t) => Array.from(p.member.subarray(t * 4, t * 4 + 4)).join(''));

describe('the universe of a window', () => {
  it('columns: every symbol any season lists, sorted, shown in its latest season\'s peer group', () => {
    expect(universeColumns(ROWS)).toEqual([
      { symbol: 'A', peer_group: 'energy', name: '' }, { symbol: 'B', peer_group: 'tech', name: '' },
      { symbol: 'C', peer_group: 'tech', name: '' }, { symbol: 'D', peer_group: 'energy', name: '' },
    ]);
  });

  it('rolling: each day its calendar year\'s members, within their start and end dates; peer groups by season', () => {
    const p = panelOf(ROWS, 'rolling');
    //                      A B C D
    expect(memberRows(p)).toEqual(['1100', '1100', '1001', '1011', '1011', '1010']);
    expect(p.seasons.map((s) => [s.season, s.firstBar])).toEqual([[2024, 0], [2025, 2]]);
    const g = (s: number) => Array.from(p.seasons[s]!.groupOf, (k) => (k < 0 ? '-' : p.groups[k]));
    expect(g(0)).toEqual(['tech', 'tech', '-', '-']);
    expect(g(1)).toEqual(['energy', '-', 'tech', 'energy']);
  });

  it('pinned: the season\'s members on every day, their dates not used; others never', () => {
    const p = panelOf(ROWS, 'pinned', 2025);
    expect(memberRows(p)).toEqual(Array(6).fill('1011'));
    expect(p.seasons).toHaveLength(1);
  });

  it('eligibility: a decision may hold the members of its fill day (next open; the same close with close fills)', () => {
    const p = panelOf(ROWS, 'rolling');
    const open = eligibility(p, 'open');
    const rows = (m: Uint8Array) => DATES.map((_, t) => Array.from(m.subarray(t * 4, t * 4 + 4)).join(''));
    expect(rows(open.mask)).toEqual(['1100', '1001', '1011', '1011', '1010', '1010']);
    expect(open.span(1).season).toBe(2025); // the decision at 2024-12-31's close fills on 2025-01-02
    expect(open.span(0).season).toBe(2024);
    const close = eligibility(p, 'close');
    expect(rows(close.mask)).toEqual(memberRows(p));
    expect(close.span(1).season).toBe(2024);
    expect(open.all).toBe(false);
    expect(eligibility(panelOf(ROWS.filter((r) => r.season === 2025), 'pinned'), 'open').all).toBe(true);
  });

  it('the history a decision sees follows it: member row, season and peer groups', () => {
    const p = panelOf(ROWS, 'rolling');
    const view = new HistoryView(p, eligibility(p, 'open'));
    view.at(1);
    expect([Array.from(view.member).join(''), view.season, view.groupOf[0]]).toEqual(['1001', 2025, p.groups.indexOf('energy')]);
    view.at(0);
    expect([Array.from(view.member).join(''), view.season, view.groupOf[0]]).toEqual(['1100', 2024, p.groups.indexOf('tech')]);
  });

  it('a rolling run needs a season for every year it trades in', () => {
    const p = panelOf(ROWS.filter((r) => r.season === 2025), 'rolling');
    expect(missingSeasons(p, day('2024-12-30'), day('2025-01-07'), ROWS.filter((r) => r.season === 2025))).toEqual([2024]);
    expect(missingSeasons(p, day('2025-01-01'), day('2025-01-07'), ROWS.filter((r) => r.season === 2025))).toEqual([]);
  });
});
