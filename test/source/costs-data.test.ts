import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintPanel } from '../../src/panel/fingerprint.ts';
import { seasonAt } from '../../src/panel/panel.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { SupabaseSource } from '../../src/source/supabase/supabase-source.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { sampleWithBorrow } from '../support/borrow.ts';
import { tempDir } from '../support/cli.ts';
import { clientFor, sampleServer, type PostgrestServer } from '../support/postgrest/index.ts';

const day = (s: string) => parseIsoDate(s)!;

/** A tiny local data folder: prices of A and B on 01-02 … 01-10 (business days), a universe (optionally with shares). */
function tinyFolder(universe: string, borrow?: string): string {
  const dir = tempDir('vopa-costs-data-');
  const dates = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10'];
  writeFileSync(join(dir, 'prices.csv'), `symbol,date,open,high,low,close,volume\n${dates.flatMap((d) => [`A,${d},10,10,10,10,1000`, `B,${d},20,20,20,20,2000`]).join('\n')}\n`);
  writeFileSync(join(dir, 'universe.csv'), universe);
  if (borrow !== undefined) writeFileSync(join(dir, 'borrow.csv'), borrow);
  return dir;
}

const window = { season: 2024, startDay: day('2024-01-03'), endDay: day('2024-01-10'), warmupBars: 1 };

describe('the data the cost models read', () => {
  it('shares outstanding from the universe\'s optional column, per season; in the fingerprint only when given', async () => {
    const plain = new LocalSource(tinyFolder('season,symbol,peer_group,name\n2024,A,g,\n2024,B,g,\n'));
    const withShares = new LocalSource(tinyFolder('season,symbol,peer_group,name,shares_outstanding\n2024,A,g,,263000\n2024,B,g,,\n'));
    try {
      const p = (await plain.loadWindow(window)).panel;
      const s = (await withShares.loadWindow(window)).panel;
      expect(seasonAt(p, 0).shares).toBeUndefined();
      expect(Array.from(seasonAt(s, 0).shares!)).toEqual([263000, NaN]);
      expect(fingerprintPanel(s)).not.toBe(fingerprintPanel(p));
    } finally {
      await plain.close();
      await withShares.close();
    }
    const bad = new LocalSource(tinyFolder('season,symbol,peer_group,name,shares_outstanding\n2024,A,g,,-5\n2024,B,g,,\n'));
    try {
      await expect(bad.loadWindow(window)).rejects.toThrow(/season 2024, A: shares_outstanding -5 \(must be a positive number, or missing\)/);
    } finally {
      await bad.close();
    }
  });

  it('borrow rows hold from their date (a weekend row from Monday) to the symbol\'s next; unknown before the first', async () => {
    const dir = tinyFolder('season,symbol,peer_group,name\n2024,A,g,\n2024,B,g,\n',
      'symbol,date,fee_bps\nA,2024-01-03,100\nA,2024-01-06,250\nB,2024-01-09,40\nC,2024-01-03,1\nA,2023-06-01,7\n');
    const source = new LocalSource(dir);
    try {
      const { panel, info } = await source.loadWindow({ ...window, borrow: true });
      const a = panel.dates.map((_, t) => panel.borrow![t * 2]);
      const b = panel.dates.map((_, t) => panel.borrow![t * 2 + 1]);
      expect(panel.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10']);
      expect(a).toEqual([NaN, 100, 100, 100, 250, 250, 250]); // Saturday's row from Monday; the 2023 row is before the window
      expect(b).toEqual([NaN, NaN, NaN, NaN, NaN, 40, 40]);
      expect(info.files).toContain(join(dir, 'borrow.csv'));
      const without = await source.loadWindow(window);
      expect(without.panel.borrow).toBeUndefined();
      expect(fingerprintPanel(panel)).not.toBe(fingerprintPanel(without.panel));
    } finally {
      await source.close();
    }
  });

  it('a (symbol, date) twice in the borrow table is bad input', async () => {
    const source = new LocalSource(tinyFolder('season,symbol,peer_group,name\n2024,A,g,\n2024,B,g,\n', 'symbol,date,fee_bps\nA,2024-01-03,100\nA,2024-01-03,120\n'));
    try {
      await expect(source.loadWindow({ ...window, borrow: true })).rejects.toThrow(/borrow\.csv: A on 2024-01-03 appears more than once/);
    } finally {
      await source.close();
    }
  });
});

describe('the borrow table in Supabase', () => {
  let server: PostgrestServer;
  beforeAll(async () => { server = await sampleServer(); });
  afterAll(async () => { await server?.close(); });

  it('reads into the same fees as the local file (same fingerprint), paged as prices are', async () => {
    const data = sampleWithBorrow(null);
    const symbols = await (async () => {
      const plain = new LocalSource(data);
      try { return (await plain.loadWindow({ season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 1 })).panel.symbols; } finally { await plain.close(); }
    })();
    const rows = [[symbols[0]!, '2025-08-01', 150], [symbols[0]!, '2025-11-15', 90], [symbols[7]!, '2025-09-06', 2000.5]] as const;
    writeFileSync(join(data, 'borrow.csv'), `symbol,date,fee_bps\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    await server.db.exec(`insert into borrow (symbol, date, fee_bps) values ${rows.map(([s, d, f]) => `('${s}', '${d}', ${f})`).join(', ')}`);
    const request = { season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 64, borrow: true };
    server.maxRows = 1000;
    const rest = clientFor(server, 4);
    const local = new LocalSource(data);
    try {
      const remote = await new SupabaseSource(rest).loadWindow(request);
      const mine = await local.loadWindow(request);
      expect(Array.from(remote.panel.borrow!)).toEqual(Array.from(mine.panel.borrow!));
      expect(fingerprintPanel(remote.panel)).toBe(fingerprintPanel(mine.panel));
      expect(mine.panel.borrow!.some((v) => v === 2000.5)).toBe(true);
    } finally {
      await rest.close();
      await local.close();
      server.maxRows = null;
    }
  });
});
