import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAll, writeAtomically } from '../../src/cache/atomic-write.ts';
import { tempDir } from '../support/cli.ts';

describe('an atomic write (the cache\'s windows and universes)', () => {
  it('a failure in the middle of the write leaves no file under the final name and no temporary file', () => {
    const dir = tempDir();
    const file = join(dir, 'w.vwin'), temp = join(dir, '.w.1.tmp');
    expect(() => writeAtomically(file, temp, (fd) => {
      writeAll(fd, Buffer.alloc(1 << 16, 7));
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a failure leaves an existing file as it was, whole', () => {
    const dir = tempDir();
    const file = join(dir, 'w.vwin'), temp = join(dir, '.w.1.tmp');
    writeFileSync(file, 'the old window');
    expect(() => writeAtomically(file, temp, (fd) => {
      writeSync(fd, 'the new');
      throw new Error('cut');
    })).toThrow('cut');
    expect(readFileSync(file, 'utf8')).toBe('the old window');
    expect(readdirSync(dir)).toEqual(['w.vwin']);
  });

  it('replaces an existing entry whole (a longer old file leaves nothing of itself behind)', () => {
    const dir = tempDir();
    const file = join(dir, 'w.vwin'), temp = join(dir, '.w.1.tmp');
    writeFileSync(file, 'x'.repeat(10_000));
    writeAtomically(file, temp, (fd) => writeAll(fd, Buffer.from('short')));
    expect(readFileSync(file, 'utf8')).toBe('short');
    expect(readdirSync(dir)).toEqual(['w.vwin']);
  });

  it('a rename that fails (the final name is a folder) removes the temporary file too', () => {
    const dir = tempDir();
    const file = join(dir, 'w.vwin'), temp = join(dir, '.w.1.tmp');
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), '');
    expect(() => writeAtomically(file, temp, (fd) => writeAll(fd, Buffer.from('data')))).toThrow();
    expect(existsSync(temp)).toBe(false);
    expect(readdirSync(dir)).toEqual(['w.vwin']);
  });
});
