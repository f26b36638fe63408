import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecret, SecretScrubber } from '../../src/util/redact.ts';
import { writeJsonAtomic } from '../../src/writers/write-file.ts';
import { backtestAsync, tempDir } from '../support/cli.ts';
import { writeRunFolder } from '../support/run-folder.ts';

/**
 * Issue 18, defect 8: a server (or a proxy before it) that echoes the service key in part — its
 * first 20 characters, its base64, its URL-encoded form, the base64 of its Authorization header —
 * must get none of it printed or written. The forms are computed here, independently of the
 * scrubber: no 12-character run of any of them may appear.
 */
const KEY = `sk+live/${randomBytes(24).toString('base64')}=${randomBytes(8).toString('hex')}`; // + / = change when URL-encoded
const b64 = (s: string) => Buffer.from(s).toString('base64');
const FORMS = [
  KEY,
  b64(KEY),
  b64(KEY).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''),
  encodeURIComponent(KEY),
  b64(`Bearer ${KEY}`).slice(10, -4), // "Bearer " is 7 bytes: from the 10th character on, only the key's bytes
];

/** The 12-character runs of the forms that a text holds (none, when it is clean). */
function leaks(text: string): string[] {
  const found = new Set<string>();
  for (const form of FORMS) for (let i = 0; i + 12 <= form.length; i++) if (text.includes(form.slice(i, i + 12))) found.add(form.slice(i, i + 12));
  return [...found];
}

let echo: Server;
let url: string;
beforeAll(async () => {
  // Answers every request 400 with PostgREST's error shape, its words quoting the key every way.
  echo = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({
        code: 'PGRST100',
        message: `bad token ${KEY.slice(0, 20)}… (query ${encodeURIComponent(KEY)})`,
        details: `got base64 ${b64(KEY)}`,
        hint: `header ${b64(`Bearer ${KEY}`)}`,
      });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((r) => echo.close(() => r())));

const env = () => ({ SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: KEY });

describe('a server that echoes the key in part', () => {
  it('the forms really are in what the server sends (so the tests below prove something)', () => {
    const body = `bad token ${KEY.slice(0, 20)} ${encodeURIComponent(KEY)} ${b64(KEY)} ${b64(`Bearer ${KEY}`)}`;
    expect(leaks(body).length).toBeGreaterThan(50);
    expect(encodeURIComponent(KEY)).not.toBe(KEY);
  });

  it('backtest doctor prints none of it', async () => {
    const r = await backtestAsync(['doctor'], { env: env(), cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[redacted]'); // the echo reached the output, scrubbed
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    // Every table answered 400: each is a failure, none "ok" (issue 18, defect 6); the optional borrow table a note.
    expect(r.stdout.match(/^FAIL table \w+: a read of its columns was refused \(check \w+: HTTP 400 PGRST100: /gm)).toHaveLength(8);
    expect(r.stdout).toMatch(/^note table borrow: a read of its columns was refused .* — needed only with --borrow-table$/m);
    expect(r.stdout).not.toMatch(/^ok {3}table /m);
  });

  it('a run reading Supabase prints none of it in its error', async () => {
    const out = tempDir();
    const r = await backtestAsync(['2025-10-07', '2026-01-03', '2025', '--source', 'supabase', '--out', out], { env: env(), cwd: out });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backtest: .*HTTP 400 PGRST100: bad token \[redacted\]/);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('backtest upload prints none of it, nor writes it into upload.json or the journal', async () => {
    const { dir } = await writeRunFolder(tempDir());
    const r = await backtestAsync(['upload', dir], { env: env(), cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const written = readFileSync(join(dir, 'upload.json'), 'utf8');
    expect(written).toContain('[redacted]');
    expect(leaks(written)).toEqual([]);
    expect(existsSync(join(dir, 'upload.journal'))).toBe(true);
    expect(leaks(readFileSync(join(dir, 'upload.journal'), 'utf8'))).toEqual([]);
  });
});

describe('the scrubber', () => {
  it('removes every run of 12 characters or more of a secret\'s forms, whatever surrounds it', () => {
    const scrubber = new SecretScrubber(KEY);
    fc.assert(fc.property(
      fc.constantFrom(...FORMS), fc.nat(), fc.integer({ min: 12, max: 400 }), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }),
      (form, at, length, before, after) => {
        const start = at % Math.max(1, form.length - 12);
        const piece = form.slice(start, start + length);
        if (piece.length < 12) return;
        const text = scrubber.scrub(`${before}${piece}${after}`);
        expect(text.includes(piece)).toBe(false);
        for (let i = 0; i + 12 <= piece.length; i++) expect(text).not.toContain(piece.slice(i, i + 12));
      },
    ), { seed: 8, numRuns: 2_000 });
  });

  it('leaves text alone that shares fewer than 12 characters with the key', () => {
    const scrubber = new SecretScrubber(KEY);
    const short = `${KEY.slice(0, 11)} and ${KEY.slice(30, 41)}`;
    expect(scrubber.scrub(short)).toBe(short);
    expect(scrubber.scrub(`x${KEY}y`)).toBe('x[redacted]y');
  });

  it('files written through the writers are scrubbed of a registered secret', () => {
    const secret = `registered-${randomBytes(16).toString('hex')}`;
    registerSecret(secret);
    const file = join(tempDir(), 'x.json');
    writeJsonAtomic(file, { error: `the server said ${secret.slice(3, 25)}` });
    expect(readFileSync(file, 'utf8')).toBe('{\n  "error": "the server said [redacted]"\n}\n');
  });
});
