import { describe, expect, it } from 'vitest';
import { redactCommandLine } from '../src/util/redact.ts';

describe('redactCommandLine', () => {
  it('hides passwords in URLs, keeps everything else', () => {
    expect(redactCommandLine('backtest 2025-01-02 2025-12-31 --queue redis://:s3cret@queue-host:6379 --grid top=5,10'))
      .toBe('backtest 2025-01-02 2025-12-31 --queue redis://:***@queue-host:6379 --grid top=5,10');
    expect(redactCommandLine('backtest worker --queue=rediss://admin:p@ss@host/2')).not.toContain('p@ss');
    expect(redactCommandLine('backtest worker --queue=rediss://admin:pw@host/2')).toBe('backtest worker --queue=rediss://admin:***@host/2');
    expect(redactCommandLine('backtest --queue redis://host:6379')).toBe('backtest --queue redis://host:6379');
    expect(redactCommandLine('backtest --data ./a:b@c')).toBe('backtest --data ./a:b@c');
  });
});

describe('a queue password on the command line', () => {
  it('is never printed', async () => {
    const { backtest, tempDir } = await import('./support/cli.ts');
    const r = backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--queue', 'redis://:s3cret@127.0.0.1:9', '--out', tempDir()]);
    expect(r.code).toBe(1); // nothing listens on port 9
    expect(r.stdout + r.stderr).not.toContain('s3cret');
    expect(r.stderr).toMatch(/^backtest: /);
  });
});
