import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../support/cli.ts';

/**
 * Issue 19, item 1: a closed stdout (`backtest … | head -1`) ends the output quietly, as Unix
 * tools do — no `Error: write EPIPE` and stack trace, the command's own exit code, and the results
 * already written stay. Real pipes, through bash; outputs larger than a pipe's buffer (64 KiB), so
 * the reader is gone before the writer is done.
 */
function piped(command: string): { status: string; stderr: string; first: string } {
  const dir = tempDir();
  const err = join(dir, 'stderr');
  const r = spawnSync('bash', ['-c', `${command} 2>${err} | head -1; echo "status=\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  const lines = r.stdout.trimEnd().split('\n');
  return { first: lines[0] ?? '', status: lines.at(-1) ?? '', stderr: existsSync(err) ? readFileSync(err, 'utf8') : '' };
}

describe('a closed stdout', () => {
  let out: string;
  beforeAll(() => {
    out = tempDir();
  });

  it('backtest … --json | head -1: quiet, exit 0, the run folder written', () => {
    // 120 variants: about 110 KB of JSON, more than the pipe holds.
    const r = piped(`node ${BIN} 2025-10-07 2026-01-03 2025 --grid top=1:60 --grid bottom=0,1 --save all --json --out ${out}`);
    expect(r.first).toBe('{');
    expect(r.stderr).toBe('');
    expect(r.status).toBe('status=0');
    const runs = spawnSync('ls', [out], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(runs).toHaveLength(1);
    expect(existsSync(join(out, runs[0]!, 'manifest.json'))).toBe(true);
  });

  it('backtest inspect --sql … | head -1: quiet, exit 0', () => {
    const table = piped(`node ${BIN} inspect --out ${out} --sql "SELECT * FROM equity"`);
    expect(table.first).toMatch(/^┌/);
    expect(table.stderr).toBe('');
    expect(table.status).toBe('status=0');
    const json = piped(`node ${BIN} inspect --out ${out} --sql "SELECT * FROM trades" --json`);
    expect(json.first).toBe('[');
    expect(json.stderr).toBe('');
    expect(json.status).toBe('status=0');
  });
});
