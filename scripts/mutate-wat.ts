/**
 * Mutation testing of the WebAssembly text, which Stryker does not mutate (it edits TypeScript): each
 * mutant below is one edit of src/factors/window-sums.wat, compiled into window-sums.wasm, and the tests
 * that reach the slide are run against it; the text and the binary are put back afterwards, whatever
 * happens. Prints each mutant as killed or survived, and exits 1 when one that is not marked
 * equivalent survives.
 *
 *   node scripts/mutate-wat.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWat } from './build-wasm.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEXT = `${ROOT}src/factors/window-sums.wat`, BINARY = `${ROOT}src/factors/window-sums.wasm`;
const TESTS = ['test/factors/window-sums-wasm.test.ts', 'test/factors/window-sums.test.ts', 'test/factors/risk-adjusted-value.test.ts', 'test/factors/risk-adjusted-value-exact.test.ts'];

interface Mutant { name: string; from: string; to: string; equivalent?: string }
const MUTANTS: Mutant[] = [
  { name: "Σr's high word canonical in both lanes", from: '(local.set $s (v128.bitselect (local.get $t) (local.get $s) (local.get $m)))', to: '(local.set $s (local.get $t))' },
  { name: "Σq's high word canonical in both lanes", from: '(local.set $ss (v128.bitselect (local.get $t) (local.get $ss) (local.get $m)))', to: '(local.set $ss (local.get $t))' },
  { name: "Σr's low word canonical in the other lane", from: '(local.get $c) (local.get $m)))', to: '(local.get $c) (v128.not (local.get $m))))' },
  { name: 'drift bound 2⁻³⁶', from: '(f64x2.splat (f64.const 0x1p-37))', to: '(f64x2.splat (f64.const 0x1p-36))' },
  { name: 'halves down', from: '(f64x2.ge (f64x2.sub (local.get $y) (local.get $f)) (f64x2.splat (f64.const 0.5)))', to: '(f64x2.gt (f64x2.sub (local.get $y) (local.get $f)) (f64x2.splat (f64.const 0.5)))' },
  { name: 'nearest (ties to even) for floor', from: '(local.set $f (f64x2.floor (local.get $y)))', to: '(local.set $f (f64x2.nearest (local.get $y)))', equivalent: 'y − nearest(y) is ½ only on a tie rounded down to even, which the next line then rounds up: halves up either way' },
  { name: 'the grid from 2⁻³⁶', from: '(local.set $m (f64x2.lt (local.get $q) (f64x2.splat (f64.const 0x1p-35))))', to: '(local.set $m (f64x2.lt (local.get $q) (f64x2.splat (f64.const 0x1p-36))))', equivalent: 'a double in [2⁻³⁶, 2⁻³⁵) is a multiple of 2⁻⁸⁸ already: rounding it onto the grid gives it back' },
  { name: 'a leaving return of exactly 2 in the sums', from: '(local.set $oldIn (f64x2.lt (f64x2.abs (local.get $old)) (f64x2.splat (f64.const 2))))', to: '(local.set $oldIn (f64x2.le (f64x2.abs (local.get $old)) (f64x2.splat (f64.const 2))))' },
  { name: 'an entering return of exactly 2 in the sums', from: '(local.set $rIn (f64x2.lt (f64x2.abs (local.get $r)) (f64x2.splat (f64.const 2))))', to: '(local.set $rIn (f64x2.le (f64x2.abs (local.get $r)) (f64x2.splat (f64.const 2))))' },
  { name: 'every entering return counted wild', from: '(v128.andnot (local.get $y) (local.get $rIn))', to: '(local.get $y)' },
  { name: 'wild returns entering the sums', from: '(local.set $x (v128.and (local.get $r) (local.get $rIn)))', to: '(local.set $x (local.get $r))' },
  { name: 'the leaving return masked by the entering one', from: '(local.set $x (v128.and (f64x2.neg (local.get $old)) (local.get $oldIn)))', to: '(local.set $x (v128.and (f64x2.neg (local.get $old)) (local.get $rIn)))' },
  { name: "two-sum's error negated", from: '(f64x2.sub (local.get $x) (local.get $z)))))', to: '(f64x2.sub (local.get $z) (local.get $x)))))' },
  { name: 'the counts left alone when one of the four is tame', from: '(if (i32.eqz (i64x2.all_true (v128.and (local.get $oldIn) (local.get $rIn))))', to: '(if (i32.eqz (i64x2.all_true (v128.or (local.get $oldIn) (local.get $rIn))))' },
  { name: 'r = now / before + 1', from: '(f64x2.splat (f64.const 1))))\n        (v128.store (local.get $ring) (local.get $r))', to: '(f64x2.splat (f64.const -1))))\n        (v128.store (local.get $ring) (local.get $r))' },
  { name: 'the ring not written', from: '(v128.store (local.get $ring) (local.get $r))', to: '' },
  { name: 'one pair short', from: '(br_if $done (i32.ge_u (local.get $now) (local.get $end)))', to: '(br_if $done (i32.ge_u (i32.add (local.get $now) (i32.const 16)) (local.get $end)))' },
];

const text = readFileSync(TEXT, 'utf8'), binary = readFileSync(BINARY);
const scratch = mkdtempSync(join(tmpdir(), 'mutate-wat-'));
let failed = 0;
try {
  for (const mutant of MUTANTS) {
    if (!text.includes(mutant.from)) throw new Error(`mutant "${mutant.name}": its text is not in window-sums.wat any more`);
    const mutated = join(scratch, 'mutant.wat');
    writeFileSync(mutated, text.replace(mutant.from, mutant.to));
    writeFileSync(BINARY, await compileWat(mutated));
    const run = spawnSync('npx', ['vitest', 'run', ...TESTS, '--reporter=dot'], { cwd: ROOT, encoding: 'utf8' });
    const killed = run.status !== 0;
    if (!killed && !mutant.equivalent) failed++;
    console.log(`${killed ? 'killed  ' : mutant.equivalent ? 'survived (equivalent)' : 'SURVIVED'}  ${mutant.name}${!killed && mutant.equivalent ? `: ${mutant.equivalent}` : ''}`);
  }
} finally {
  writeFileSync(BINARY, binary);
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`${MUTANTS.length} mutants, ${failed} survived that should not have`);
process.exit(failed ? 1 : 0);
