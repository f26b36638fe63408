import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/index.ts';
import { registerSecret, REDACTED, SecretScrubber } from '../../src/util/redact.ts';
import { entries, tempDir } from '../support/cli.ts';
import { writeFixture } from './fixture.ts';

/**
 * report.html is written like every file of a run (writers/write-file.ts): scrubbed of the service
 * key, whole or in part, and atomically. (Its own file: registering a secret lasts for the process.)
 */
describe('writing report.html', () => {
  it('removes the Supabase key, whole, in part and base64-encoded, and the page still holds valid data and matching hashes', async () => {
    const key = 'sb_secret_Zq7Xv2Lr9Tn4Wm8Kp3Hd6Fy1Jc5Bg0Ns';
    const fixture = writeFixture(tempDir());
    const manifestFile = join(fixture.dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.command = `backtest … --note ${key}`;
    manifest.warnings = [`echoed ${key.slice(3, 23)}`, `and ${Buffer.from(key).toString('base64')}`];
    manifest.warning_details = [];
    (await import('node:fs')).writeFileSync(manifestFile, JSON.stringify(manifest));
    registerSecret(key);
    const report = await writeReport(fixture.dir);
    const html = readFileSync(report.path, 'utf8');
    expect(new SecretScrubber(key).find(html)).toEqual([]); // no 12 characters of it, in any form
    expect(html).toContain(REDACTED);
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.run.command).toBe(`backtest … --note ${REDACTED}`);
    const policy = /content="([^"]+)"/.exec(html)![1]!;
    for (const [, script] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) expect(policy).toContain(`'sha256-${createHash('sha256').update(script!).digest('base64')}'`);
    expect(entries(fixture.dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
