import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/cli.ts';

it('type-checks under TypeScript strict (src, strategies, tests)', () => {
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', join(ROOT, 'tsconfig.json')], { encoding: 'utf8', cwd: ROOT });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
