import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURES_FILE, measureReadmeFigures, type ReadmeFigures } from '../../scripts/readme-figures.ts';
import { ROOT } from '../support/cli.ts';

/**
 * The README's precise figures come from `npm run readme:figures` (docs/readme-figures.json): the
 * README must state exactly those, and they must still be what the code does — measured again here.
 * A change that moves one fails this test until the script is run and the README follows it.
 */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const figures = JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as ReadmeFigures;
const n = (x: number) => x.toLocaleString('en-US');
const kb = (bytes: number) => (bytes < 10_000 ? (bytes / 1000).toFixed(1) : String(Math.round(bytes / 1000)));

/** Each figure as the README words it. */
function readmeSentences(f: ReadmeFigures): Record<string, string> {
  const s = f.sample;
  const rows = Object.values(f.upload.rows);
  const counts = f.upload.requests - 2 - f.upload.batches;
  return {
    sample: `${n(s.symbols)} symbols in ${s.peer_groups} peer groups, business days ${s.first_day} … ${s.last_day}, seasons ${s.first_season}–${s.last_season}`,
    read: `The README run reads ${n(f.supabase_read.rows)} rows in ${f.supabase_read.requests} requests`,
    upload: `The README run uploads ${n(rows.reduce((a, b) => a + b, 0))} rows (${rows.join(' + ')}) in ${f.upload.requests} requests: the run row twice, ${f.upload.batches} batches, and ${counts} counts`,
    report: `inlined; about ${(f.report_bytes / 1e6).toFixed(1)} MB, nearly all of it ECharts`,
    wire: `(\`--save none\`: about ${kb(f.wire_bytes.save_none)} KB a variant; with every table, about ${kb(f.wire_bytes.save_all)} KB for a year of VOPA)`,
  };
}

describe('the README states the measured figures', () => {
  it.each(Object.entries(readmeSentences(figures)))('%s', (_key, sentence) => {
    expect(readme).toContain(sentence);
  });

  it('and they are still what the code does (run `npm run readme:figures` when this fails)', async () => {
    // the report's size may move by a few bytes (a port number, a run id): the README quotes it to 0.1 MB
    expect(await measureReadmeFigures()).toEqual({ ...figures, report_bytes: expect.closeTo(figures.report_bytes, -4) });
  });
});
