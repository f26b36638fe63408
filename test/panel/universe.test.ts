import { describe, expect, it } from 'vitest';
import { eligibility, maskRow } from '../../src/panel/eligibility.ts';
import { allocatePanel, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { DataError } from '../../src/errors.ts';
import { applyUniverse, checkedShares, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type UniverseRow } from '../../src/panel/universe.ts';
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

  it('a pinned season that leaves a column out masks it, the first column included; its factors are NaN there', () => {
    // pinned 2025 without A: column 0 (A) is never a member
    const rows = ROWS.filter((r) => !(r.season === 2025 && r.symbol === 'A'));
    const p = panelOf(rows, 'pinned', 2025);
    for (const fill of ['open', 'close'] as const) {
      const e = eligibility(p, fill);
      expect(e.all).toBe(false);
      const row = Float64Array.of(1, 2, 3, 4);
      maskRow(e, 2, row);
      expect(Array.from(row)).toEqual([NaN, NaN, 3, 4]); // A and B are not in 2025's list
    }
    // all members on every bar, and one season: nothing to mask
    const all = eligibility(panelOf(ROWS.filter((r) => r.season === 2025), 'pinned'), 'open');
    const row = Float64Array.of(1, 2, 3);
    maskRow(all, 0, row);
    expect(Array.from(row)).toEqual([1, 2, 3]);
  });

  it('eligibility reads the member flags of the panel\'s own view only, wherever it lies in its memory', () => {
    const p = panelOf(ROWS.filter((r) => r.season === 2025), 'pinned');
    const memory = new Uint8Array(p.member.length + 16); // zeros before and after the view
    const member = memory.subarray(5, 5 + p.member.length);
    member.set(p.member);
    expect(eligibility({ ...p, member }, 'open').all).toBe(true);
    for (const k of [0, 7, member.length - 1]) {
      const one = Uint8Array.from(member);
      one[k] = 0;
      expect(eligibility({ ...p, member: one }, 'open').all, `member ${k} out`).toBe(false);
    }
  });

  it('two seasons whose members are all the columns: a decision still takes its fill day\'s season', () => {
    const rows: UniverseRow[] = [
      { season: 2024, symbol: 'A', peer_group: 'tech' }, { season: 2025, symbol: 'A', peer_group: 'energy' },
    ];
    const p = panelOf(rows, 'rolling');
    const e = eligibility(p, 'open');
    expect(DATES.map((_, t) => e.span(t).season)).toEqual([2024, 2025, 2025, 2025, 2025, 2025]);
  });

  it('an empty window has an empty mask', () => {
    const p = allocatePanel({ days: [], symbols: ['A', 'B'], peerGroups: ['g', 'g'], otherGroups: ['g'] });
    const e = eligibility({ ...p, seasons: [] }, 'open');
    expect(e.mask).toHaveLength(0);
  });

  it('the history a decision sees follows it: member row, season and peer groups', () => {
    const p = panelOf(ROWS, 'rolling');
    const view = new HistoryView(p, eligibility(p, 'open'));
    view.at(1);
    expect([Array.from(view.member).join(''), view.season, view.groupOf[0]]).toEqual(['1001', 2025, p.groups.indexOf('energy')]);
    view.at(0);
    expect([Array.from(view.member).join(''), view.season, view.groupOf[0]]).toEqual(['1100', 2024, p.groups.indexOf('tech')]);
  });

  it('shares outstanding per season (for --impact almgren): the season\'s rows\' values, NaN where a member has none, none without any', () => {
    const rows: UniverseRow[] = [
      { season: 2024, symbol: 'A', peer_group: 'tech', shares_outstanding: 1e6 },
      { season: 2024, symbol: 'B', peer_group: 'tech' },
      { season: 2025, symbol: 'A', peer_group: 'energy', shares_outstanding: 2e6 },
      { season: 2025, symbol: 'C', peer_group: 'tech', shares_outstanding: 5e5 },
      { season: 2025, symbol: 'D', peer_group: 'energy' },
    ];
    const rolling = panelOf(rows, 'rolling');
    expect(Array.from(rolling.seasons[0]!.shares!)).toEqual([1e6, NaN, NaN, NaN]);
    expect(Array.from(rolling.seasons[1]!.shares!)).toEqual([2e6, NaN, 5e5, NaN]);
    const pinned = panelOf(rows, 'pinned', 2024);
    expect(Array.from(pinned.seasons[0]!.shares!)).toEqual([1e6, NaN, NaN, NaN]);
    expect(pinned.seasons[0]!.shares).toBeInstanceOf(Float64Array);
    expect('shares' in panelOf(ROWS, 'rolling').seasons[0]!).toBe(false);
    expect('shares' in panelOf(ROWS, 'pinned').seasons[0]!).toBe(false);
  });

  it('a shares_outstanding value is a positive number or missing; anything else is bad input naming where', () => {
    for (const missing of [null, undefined, '']) expect(checkedShares(missing, 'x')).toBeNull();
    expect(checkedShares(1500, 'x')).toBe(1500);
    expect(checkedShares('2500.5', 'x')).toBe(2500.5);
    for (const bad of [0, -3, '0', 'many', Number.NaN, Number.POSITIVE_INFINITY, true]) {
      expect(() => checkedShares(bad, 'universe.csv line 4')).toThrow(DataError);
      expect(() => checkedShares(bad, 'universe.csv line 4')).toThrow(`universe.csv line 4: shares_outstanding ${String(bad)} (must be a positive number, or missing)`);
    }
    try {
      checkedShares(-1, 'here');
    } catch (e) {
      expect((e as DataError).code).toBe('E_BAD_UNIVERSE');
    }
  });

  it('extra symbols (a benchmark read beside the universe) join the columns, sorted, with no peer group; ones already there are not repeated', () => {
    const members = universeColumns(ROWS);
    expect(withExtra(members)).toBe(members);
    expect(withExtra(members, ['A', 'C'])).toBe(members);
    expect(withExtra(members, ['SPY', 'AAA', 'B']).map((m) => [m.symbol, m.peer_group])).toEqual([
      ['A', 'energy'], ['AAA', null], ['B', 'tech'], ['C', 'tech'], ['D', 'energy'], ['SPY', null],
    ]);
    // an extra symbol has no name, like a universe row without one
    expect(withExtra(universeColumns([{ season: 2025, symbol: 'M', peer_group: 'g', name: 'Em' }]), ['SPY', 'AAA'])).toEqual([
      { symbol: 'AAA', peer_group: null, name: '' }, { symbol: 'M', peer_group: 'g', name: 'Em' }, { symbol: 'SPY', peer_group: null, name: '' },
    ]);
  });

  it('columns: a later season\'s row wins whatever the order of the rows; names come along', () => {
    const rows: UniverseRow[] = [
      { season: 2025, symbol: 'Z', peer_group: 'new', name: 'Zed' },
      { season: 2024, symbol: 'Z', peer_group: 'old', name: 'Old Zed' },
      { season: 2024, symbol: 'Y', peer_group: 'old' },
    ];
    expect(universeColumns(rows)).toEqual([{ symbol: 'Y', peer_group: 'old', name: '' }, { symbol: 'Z', peer_group: 'new', name: 'Zed' }]);
    // sorted by symbol (code-point order), whatever the rows' order
    const scrambled = ['MSFT', 'AAPL', 'ZM', 'A', 'BRK.B', 'aa', 'B'].map((symbol) => ({ season: 2025, symbol, peer_group: 'g' }));
    expect(universeColumns(scrambled).map((c) => c.symbol)).toEqual(['A', 'AAPL', 'B', 'BRK.B', 'MSFT', 'ZM', 'aa']);
    // the peer groups: every one any row uses, once, in order of first use
    expect(universeGroups(ROWS)).toEqual(['tech', 'energy']);
  });

  it('a season that lists a symbol twice: its column shows the last row, as the season\'s peer groups and shares do', () => {
    // a hand-written universe.csv in a data folder is not checked for repeats (the import keeps the first, Supabase's key forbids them)
    const rows: UniverseRow[] = [
      { season: 2024, symbol: 'A', peer_group: 'old', name: 'A 2024' },
      { season: 2025, symbol: 'A', peer_group: 'tech', name: 'Alpha', shares_outstanding: 1e6 },
      { season: 2025, symbol: 'A', peer_group: 'energy', name: 'Alpha Corp', shares_outstanding: 2e6 },
      { season: 2025, symbol: 'B', peer_group: 'tech' },
    ];
    expect(universeColumns(rows)).toEqual([{ symbol: 'A', peer_group: 'energy', name: 'Alpha Corp' }, { symbol: 'B', peer_group: 'tech', name: '' }]);
    for (const mode of ['pinned', 'rolling'] as const) {
      const p = panelOf(rows, mode, 2025);
      const season = p.seasons.find((s) => s.season === 2025)!;
      expect([p.groups[p.groupOf[0]!], p.groups[season.groupOf[0]!], season.shares![0]], mode).toEqual(['energy', 'energy', 2e6]);
    }
  });

  it('pinned: a column the season does not list has no peer group', () => {
    const p = panelOf(ROWS, 'pinned', 2025);
    expect(Array.from(p.seasons[0]!.groupOf, (k) => (k < 0 ? '-' : p.groups[k]))).toEqual(['energy', '-', 'tech', 'energy']);
  });

  it('the missing seasons\' error names them, the source, and what it has', () => {
    const one = missingSeasonsError([2024], 'the data folder', [2025, 2026]);
    expect(one).toBeInstanceOf(DataError);
    expect(one.code).toBe('E_NO_SEASON');
    expect(one.message).toBe('--universe rolling: the data folder has no universe for season 2024, which the range trades in (seasons there: 2025, 2026); add it, shorten the range, or pin one season (--universe pinned)');
    expect(missingSeasonsError([2023, 2024], 'Supabase', []).message).toBe(
      '--universe rolling: Supabase has no universe for seasons 2023, 2024, which the range trades in (seasons there: none); add them, shorten the range, or pin one season (--universe pinned)',
    );
  });

  it('a rolling run needs a season for every year it trades in', () => {
    const p = panelOf(ROWS.filter((r) => r.season === 2025), 'rolling');
    expect(missingSeasons(p, day('2024-12-30'), day('2025-01-07'), ROWS.filter((r) => r.season === 2025))).toEqual([2024]);
    expect(missingSeasons(p, day('2025-01-01'), day('2025-01-07'), ROWS.filter((r) => r.season === 2025))).toEqual([]);
    // only the trading days inside the range count, at both ends; several missing seasons come ascending, once each
    expect(missingSeasons(p, day('2024-12-31'), day('2024-12-31'), [])).toEqual([2024]);
    expect(missingSeasons(p, day('2025-01-07'), day('2025-01-07'), ROWS.filter((r) => r.season === 2024))).toEqual([2025]);
    expect(missingSeasons(p, day('2024-12-30'), day('2025-01-07'), [])).toEqual([2024, 2025]);
    expect(missingSeasons(p, day('2024-12-30'), day('2024-12-30'), ROWS)).toEqual([]);
  });
});
