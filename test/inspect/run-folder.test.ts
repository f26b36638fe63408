import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRun, saveOption } from '../../src/inspect/index.ts';
import { tempDir } from '../support/cli.ts';

/** A run folder by hand: the finder reads only the manifest and checks that summary.csv exists. */
function fakeRun(parent: string, id: string, manifest: Record<string, unknown> | null, files = ['summary.csv']): string {
  const dir = join(parent, id);
  mkdirSync(dir, { recursive: true });
  if (manifest) writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ run_id: id, ...manifest }));
  for (const f of files) writeFileSync(join(dir, f), 'variant\n1\n');
  return dir;
}

describe('finding a run', () => {
  it('takes the latest complete run, passing over partial, failed and unfinished folders', () => {
    const out = tempDir();
    fakeRun(out, '20260101T000000Z-vopa-aaaa', { status: 'complete', created_at: '2026-01-01T00:00:00.000Z' });
    const latest = fakeRun(out, '20260102T000000Z-vopa-bbbb', { status: 'complete', created_at: '2026-01-02T00:00:00.000Z' });
    fakeRun(out, '20260103T000000Z-vopa-cccc', { status: 'partial', created_at: '2026-01-03T00:00:00.000Z', variants: [] });
    fakeRun(out, '20260104T000000Z-vopa-dddd', { status: 'failed', created_at: '2026-01-04T00:00:00.000Z' });
    fakeRun(out, '20260105T000000Z-vopa-eeee', null);
    fakeRun(out, '.20260106T000000Z-vopa-ffff.partial', null);
    expect(findRun(undefined, { out }).dir).toBe(latest);
    expect(findRun(undefined, { out, allowPartial: true }).id).toBe('20260103T000000Z-vopa-cccc');
  });

  it('finds a run by id, by unique prefix and by folder path', () => {
    const out = tempDir();
    const dir = fakeRun(out, '20260101T000000Z-vopa-aaaa', { status: 'complete' });
    fakeRun(out, '20260102T000000Z-momentum-bbbb', { status: 'complete' });
    expect(findRun('20260101T000000Z-vopa-aaaa', { out }).dir).toBe(dir);
    expect(findRun('20260101', { out }).dir).toBe(dir);
    expect(findRun(dir, { out: '/nowhere' }).dir).toBe(dir);
    expect(() => findRun('2026', { out })).toThrow(/run "2026" is ambiguous in .*: 20260101T000000Z-vopa-aaaa, 20260102T000000Z-momentum-bbbb/);
  });

  const refusals: Array<[string, Record<string, unknown> | null, string[], RegExp, string]> = [
    ['no manifest', null, ['summary.csv'], /has no manifest.json, so it is not a complete run .*run it again/, 'E_RUN_INCOMPLETE'],
    ['a partial run', { status: 'partial', variants: [{ variant: 1, params: {} }] }, ['summary.csv'], /is partial: it was interrupted after 1 variant\(s\) finished; pass --partial/, 'E_RUN_PARTIAL'],
    ['a failed run', { status: 'failed', error: 'upload refused' }, ['summary.csv'], /did not complete \(status "failed": upload refused\)/, 'E_RUN_FAILED'],
    ['no summary.csv', { status: 'complete' }, [], /has a manifest but no summary.csv/, 'E_RUN_INCOMPLETE'],
  ];
  it.each(refusals)('refuses %s with a clear message', (_, manifest, files, message, code) => {
    const out = tempDir();
    fakeRun(out, 'r1', manifest, files);
    expect(() => findRun('r1', { out })).toThrow(message);
    expect(() => findRun('r1', { out })).toThrow(expect.objectContaining({ code }));
  });

  it('says that a run is still being written, or died, when only its .partial folder exists', () => {
    const out = tempDir();
    mkdirSync(join(out, '.20260101T000000Z-vopa-aaaa.partial'));
    expect(() => findRun('20260101T000000Z-vopa-aaaa', { out })).toThrow(/is not complete: .*\.20260101T000000Z-vopa-aaaa\.partial is still being written, or its run failed/);
    expect(() => findRun(undefined, { out })).toThrow(/no complete run in .* \(1 incomplete or failed folder\(s\) there\); run a backtest first/);
  });

  it('knows which per-variant tables a run saved: from its manifest, or from its files for runs that did not record it', () => {
    const out = tempDir();
    fakeRun(out, 'recorded', { status: 'complete', settings: { save: ['trades'] } }, ['summary.csv', 'trades.csv']);
    fakeRun(out, 'older', { status: 'complete', settings: {} }, ['summary.csv', 'equity.csv', 'diagnostics.csv']);
    fakeRun(out, 'none', { status: 'complete', settings: { save: [] } }, ['summary.csv']);
    expect([...findRun('recorded', { out }).saved]).toEqual(['trades']);
    expect([...findRun('older', { out }).saved]).toEqual(['equity', 'diagnostics']);
    expect(saveOption(findRun('none', { out }))).toBe('--save none');
    expect(saveOption(findRun('older', { out }))).toBe('--save equity,diagnostics');
  });

  it('says there are no runs when the folder is missing or empty', () => {
    expect(() => findRun(undefined, { out: join(tempDir(), 'missing') })).toThrow(/no runs: .*missing does not exist/);
    expect(() => findRun(undefined, { out: tempDir() })).toThrow(/no complete run in /);
    expect(() => findRun('nope', { out: tempDir() })).toThrow(/no run "nope" in /);
  });
});
