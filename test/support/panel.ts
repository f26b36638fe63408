import { allocatePanel, FIELDS, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { parseIsoDate } from '../../src/util/dates.ts';

/**
 * A small panel by hand: rows are trading days, columns symbols (sorted as given).
 * `open` defaults to `close`; `volume` is missing unless given; null marks a missing value.
 */
export function handPanel(spec: {
  dates: readonly string[];
  symbols: readonly string[];
  groups?: readonly string[];
  close: ReadonlyArray<ReadonlyArray<number | null>>;
  open?: ReadonlyArray<ReadonlyArray<number | null>>;
  /** Missing (NaN) unless given. */
  volume?: ReadonlyArray<ReadonlyArray<number | null>>;
}): Panel {
  const panel = allocatePanel({
    days: spec.dates.map((d) => parseIsoDate(d)!),
    symbols: spec.symbols,
    peerGroups: spec.groups ?? spec.symbols.map(() => 'g'),
  });
  const n = spec.symbols.length;
  spec.close.forEach((row, t) => row.forEach((v, i) => { panel.close[t * n + i] = v ?? NaN; }));
  (spec.open ?? spec.close).forEach((row, t) => row.forEach((v, i) => { panel.open[t * n + i] = v ?? NaN; }));
  spec.volume?.forEach((row, t) => row.forEach((v, i) => { panel.volume[t * n + i] = v ?? NaN; }));
  return indexCloses(panel);
}

/** Consecutive business days from a start date. */
export function businessDates(from: string, count: number): string[] {
  const out: string[] = [];
  let day = parseIsoDate(from)!;
  while (out.length < count) {
    const wd = (day + 4) % 7;
    if (wd !== 0 && wd !== 6) out.push(new Date(day * 86_400_000).toISOString().slice(0, 10));
    day++;
  }
  return out;
}

/** A copy of the panel with every value after bar c changed (scaled by 0.5–1.5, or made missing): the no-look-ahead tests' perturbation. */
export function perturbAfter(panel: Panel, c: number, seed: number): Panel {
  const n = panel.symbols.length;
  const copy = { ...panel } as Record<string, unknown>;
  let s = seed;
  for (const field of FIELDS) {
    const data = Float64Array.from(panel[field]);
    for (let k = (c + 1) * n; k < data.length; k++) {
      s = (s * 16807) % 2147483647;
      data[k] = s % 13 === 0 ? NaN : data[k]! * (0.5 + (s % 1000) / 1000);
    }
    copy[field] = data;
  }
  return copy as unknown as Panel;
}

/**
 * One symbol (XYZ) on a seeded random walk (Park–Miller), business days from 2020-01-01, opens apart
 * from closes, cents. `gaps`: bars without data; `endAt`: the data end there (a delisting); `noOpen`:
 * bars with a close but no open; `drift`: added to each bar's return.
 */
export function walkPanel(seed: number, bars: number, { noOpen = [], gaps = [], endAt, drift = 0 }: { noOpen?: readonly number[]; gaps?: readonly number[]; endAt?: number; drift?: number } = {}): Panel {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const close: (number | null)[][] = [], open: (number | null)[][] = [];
  let price = 50;
  for (let t = 0; t < bars; t++) {
    const o = price * (1 + (rand() - 0.5) * 0.02);
    price = Math.max(1, price * (1 + drift + (rand() - 0.5) * 0.06));
    const missing = gaps.includes(t) || (endAt !== undefined && t > endAt);
    close.push([missing ? null : Math.round(price * 100) / 100]);
    open.push([missing || noOpen.includes(t) ? null : Math.round(o * 100) / 100]);
  }
  return handPanel({ dates: businessDates('2020-01-01', bars), symbols: ['XYZ'], close, open });
}
