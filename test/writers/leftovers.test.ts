import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest, BIN, entries, ROOT, tempDir } from '../support/cli.ts';
import { serverEnv, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';
import { writeRunFolder } from '../support/run-folder.ts';

/**
 * Issue 18, defect 10: what killed runs and full disks leave behind. A killed run's hidden
 * `.<run-id>.partial` folder is removed by the next run in the same --out once it is older than a
 * day, and inspect lists those there; a write that fails (a full disk) leaves no half-written
 * file and names the path.
 */
const README_RUN = ['2025-10-07', '2026-01-03', '2025'];
const DAY = 86_400;

/** A partial folder as a killed run leaves it, last changed `ageSeconds` ago. */
function leftover(out: string, name: string, ageSeconds: number): string {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'equity.csv'), 'date,variant\n');
  const t = Date.now() / 1000 - ageSeconds;
  utimesSync(join(dir, 'equity.csv'), t, t);
  utimesSync(dir, t, t);
  return dir;
}

describe('partial folders left by killed runs', () => {
  it('the next run in the same --out removes those older than a day, in one line; younger ones stay', () => {
    const out = tempDir();
    leftover(out, '.20250101T000000Z-vopa-dead.partial', 2 * DAY);
    leftover(out, '.20250101T000000Z-vopa-aside.partial.old', 3 * DAY);
    leftover(out, '.20250102T000000Z-vopa-live.partial', 3_600); // a run writing now, or killed an hour ago
    const r = backtest([...README_RUN, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`backtest: removed 2 partial run folder(s) older than a day, left by runs that were killed, from ${out}: .20250101T000000Z-vopa-aside.partial.old, .20250101T000000Z-vopa-dead.partial\n`);
    const left = entries(out);
    expect(left).toContain('.20250102T000000Z-vopa-live.partial');
    expect(left.filter((e) => e.includes('dead') || e.includes('aside'))).toEqual([]);
  });

  it('inspect lists the partial folders beside a run, and says which the next run removes', () => {
    const out = tempDir();
    const r = backtest([...README_RUN, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const stale = leftover(out, '.20250101T000000Z-vopa-dead.partial', 2 * DAY);
    const fresh = leftover(out, '.20250102T000000Z-vopa-live.partial', 60);
    const text = backtest(['inspect', '--out', out]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('partial run folders beside this run (being written, or left by a run that was killed); 1 older than a day, which the next run in this folder removes:');
    expect(text.stdout).toMatch(new RegExp(`  ${stale.replaceAll('.', '\\.')} \\(last changed [0-9T:.Z-]+, older than a day\\)\\n  ${fresh.replaceAll('.', '\\.')} \\(last changed [0-9T:.Z-]+\\)\\n$`));
    const json = JSON.parse(backtest(['inspect', '--out', out, '--json']).stdout);
    expect(json.partial_folders.map((f: { run_id: string; stale: boolean }) => [f.run_id, f.stale])).toEqual([['20250101T000000Z-vopa-dead', true], ['20250102T000000Z-vopa-live', false]]);
  });
});

/**
 * A full disk, for real: a child in its own mount namespace (`unshare --user --map-root-user
 * --mount`, no privileges needed where user namespaces are allowed) mounts a tmpfs a few pages
 * large and runs `backtest` on it; the kernel answers ENOSPC. The tmpfs vanishes with the child,
 * so the script lists what was left before it ends.
 */
function unshareWorks(): boolean {
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs "$d" && umount "$d"'], { encoding: 'utf8' });
  return r.status === 0;
}
const canMount = unshareWorks();
if (!canMount) console.warn('skipping the full-disk tests: `unshare --user --map-root-user --mount` with a tmpfs is not allowed here');

/** Runs a bash script in a mount namespace of its own; asynchronous, so a server in this process can answer it. */
function onFullDisk(script: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['--user', '--map-root-user', '--mount', 'bash', '-c', script], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', NODE: process.execPath, BIN, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}

describe.skipIf(!canMount)('a full disk (ENOSPC from a tmpfs of a few pages)', () => {
  let server: PostgrestServer;
  beforeAll(async () => {
    server = await startPostgrest();
  });
  afterAll(async () => server?.close());

  it('a run whose CSVs do not fit: exit 1, one line naming the file, no partial folder left', async () => {
    const out = tempDir();
    const r = await onFullDisk(`mount -t tmpfs -o size=16k tmpfs ${out} && "$NODE" "$BIN" ${README_RUN.join(' ')} --out ${out}; echo "exit=$?"; ls -A ${out}`);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0], r.stderr).toBe('exit=1');
    expect(lines.slice(1)).toEqual([]); // nothing left, not even the hidden partial folder
    expect(r.stderr).toMatch(new RegExp(`^backtest: cannot write ${out}/\\.\\d{8}T\\d{6}Z-vopa-[0-9a-f]+\\.partial/\\w+\\.csv: no space left on device \\(ENOSPC\\) \\[E_WRITE\\]\\n$`));
  });

  it('an upload whose upload.json does not fit: exit 1 naming upload.json, no upload.json.partial left', async () => {
    const { dir, runId } = await writeRunFolder(tempDir());
    const disk = tempDir();
    const folder = join(disk, runId);
    // The run folder on the tmpfs, the rest of it filled but one page (the journal's).
    const script = [
      `mount -t tmpfs -o size=64k tmpfs ${disk}`,
      `cp -r ${dir} ${folder}`,
      `dd if=/dev/zero of=${disk}/fill bs=4096 2>/dev/null; truncate -s -4096 ${disk}/fill`,
      `"$NODE" "$BIN" upload ${folder}; echo "exit=$?"`,
      `ls -A ${folder}`,
    ].join(' && ').replace(/ && ls/, '; ls');
    const r = await onFullDisk(script, serverEnv(server));
    const lines = r.stdout.trim().split('\n');
    expect(lines[0], r.stderr).toBe('exit=1');
    expect(lines.slice(1).sort()).toEqual(['equity.csv', 'manifest.json', 'summary.csv', 'trades.csv', 'upload.journal']);
    expect(r.stderr.split('\n')[0]).toBe(`backtest: cannot write ${folder}/upload.json: no space left on device (ENOSPC) [E_WRITE]`);
    // The rows are all in Supabase: only the local record could not be written.
    const { rows } = await server.db.query<{ status: string }>('select status from backtest_runs where run_id = $1', [runId]);
    expect(rows[0]?.status).toBe('complete');
  });
});

