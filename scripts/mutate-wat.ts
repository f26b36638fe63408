/**
 * Mutation testing of the WebAssembly text, which Stryker does not mutate (it edits TypeScript): each
 * mutant below is one edit of a module's text (src/factors/window-sums.wat, src/metrics/ranks.wat),
 * compiled into its binary, and the tests that reach that module are run against it; the text and the
 * binary are put back afterwards, whatever happens. Prints each mutant as killed or survived, and exits 1
 * when one that is not marked equivalent survives.
 *
 *   node scripts/mutate-wat.ts [window-sums|ranks]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWat } from './build-wasm.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Mutant { name: string; from: string; to: string; equivalent?: string }
interface WatModule { name: string; text: string; tests: string[]; mutants: Mutant[] }

const WINDOW_SUMS: Mutant[] = [
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

const RANKS: Mutant[] = [
  // gather
  { name: 'gather: the mask ignored', from: '(if (local.get $mask) (then (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $mask) (local.get $i)))))))', to: '(nop)' },
  { name: 'gather: members not counted', from: '(local.set $members (i32.add (local.get $members) (i32.const 1)))', to: '(nop)' },
  { name: 'gather: a missing signal kept', from: '(br_if $next (f64.ne (f64.sub (local.get $x) (local.get $x)) (f64.const 0)))', to: '(br_if $next (f64.ne (local.get $x) (local.get $x)))' },
  { name: 'gather: covered not counted', from: '(local.set $covered (i32.add (local.get $covered) (i32.const 1)))', to: '(nop)' },
  { name: 'gather: group 0 left out', from: '(br_if $next (i32.lt_s (local.get $g) (i32.const 0)))', to: '(br_if $next (i32.le_s (local.get $g) (i32.const 0)))' },
  { name: 'gather: a missing forward return kept', from: '(br_if $next (f64.ne (f64.sub (local.get $y) (local.get $y)) (f64.const 0)))', to: '(nop)' },
  { name: 'gather: f = ahead / now + 1', from: "(f64.const 1)))\n        (br_if $next (f64.ne (f64.sub (local.get $y)", to: "(f64.const -1)))\n        (br_if $next (f64.ne (f64.sub (local.get $y)" },
  { name: 'gather: the column kept, not its group', from: '(i32.store (i32.add (local.get $group) (i32.shl (local.get $m) (i32.const 2))) (local.get $g))', to: '(i32.store (i32.add (local.get $group) (i32.shl (local.get $m) (i32.const 2))) (i32.rem_u (local.get $i) (i32.const 2)))' },
  { name: "gather: the signals' min taken as their max", from: '(local.set $minS (select (local.get $x) (local.get $minS) (f64.lt (local.get $x) (local.get $minS))))', to: '(local.set $minS (select (local.get $x) (local.get $minS) (f64.gt (local.get $x) (local.get $minS))))', equivalent: 'the range only shapes the keys (speed): the insertion pass sorts any order' },
  { name: "gather: the forward returns' sum not taken", from: '(local.set $sumF (f64.add (local.get $sumF) (local.get $y)))', to: '(nop)', equivalent: 'the mean and deviation only narrow the keys\' range (speed): any range sorts the same' },
  // radix
  { name: 'keys truncated below 0 kept', from: '(f64.lt (local.get $x) (f64.const 0))))', to: '(i32.const 0)))', equivalent: 'a value below lo gets the truncation of a negative double, 0 with trunc_sat: key 0 either way' },
  { name: 'keys at the top clamped one early', from: '(f64.ge (local.get $x) (local.get $topf)))', to: '(f64.ge (local.get $x) (f64.sub (local.get $topf) (f64.const 1))))', equivalent: 'x in [top − 1, top) truncates to top − 1, and clamping sends it to top: keys stay monotone, and the insertion pass sorts any order (speed only)' },
  { name: 'the high digit counted by the low one', from: '(local.set $a (i32.add (local.get $hi) (i32.shl (i32.shr_u (local.get $k) (local.get $bits)) (i32.const 2))))', to: '(local.set $a (i32.add (local.get $hi) (i32.shl (i32.and (local.get $k) (local.get $digit)) (i32.const 2))))' },
  { name: 'crowded at 32 values', from: '(if (i32.gt_s (local.get $c1) (i32.const 32))', to: '(if (i32.ge_s (local.get $c1) (i32.const 32))', equivalent: 'crowded only decides whether the caller merge-sorts runs of one key over 32: speed only' },
  { name: 'never crowded', from: '(then (local.set $crowded (i32.const 1))))', to: '(then (nop)))', equivalent: 'the merge pass is for speed: the insertion pass after it sorts the whole order' },
  { name: 'starts not cumulated (low digit)', from: '(local.set $low (i32.add (local.get $low) (local.get $c0)))', to: '(local.set $low (local.get $c0))' },
  { name: 'the low scatter unstable (index + 1)', from: '(i32.store (i32.add (local.get $index1) (i32.shl (local.get $p) (i32.const 2))) (local.get $i))', to: '(i32.store (i32.add (local.get $index1) (i32.shl (local.get $p) (i32.const 2))) (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $i)))' },
  { name: 'sorted not carried', from: "(f64.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))\n        (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))", to: '' },
  // insertion
  { name: 'insertion moves equal values', from: '(br_if $placed (i32.eqz (f64.gt (local.get $w) (local.get $v))))', to: '(br_if $placed (i32.eqz (f64.ge (local.get $w) (local.get $v))))' },
  { name: 'insertion: previous follows every value', from: '(else (local.set $previous (local.get $v))))', to: '(else (nop)))\n      (local.set $previous (local.get $v))' },
  { name: 'insertion skipped', from: '(if (i32.lt_s (local.get $n) (i32.const 1)) (then (return)))', to: '(return)' },
  // walks
  { name: 'tie term t³ + t', from: '(f64.sub (f64.mul (f64.mul (local.get $x) (local.get $x)) (local.get $x)) (local.get $x)))', to: '(f64.add (f64.mul (f64.mul (local.get $x) (local.get $x)) (local.get $x)) (local.get $x)))' },
  { name: "endRun: seen not advanced", from: '(i32.add (i32.load (i32.add (local.get $seen) (i32.shl (local.get $g) (i32.const 2)))) (local.get $count)))', to: '(i32.load (i32.add (local.get $seen) (i32.shl (local.get $g) (i32.const 2)))))' },
  { name: "endRun: a group's tie term not counted", from: '(f64.add (f64.load (i32.add (local.get $ties) (i32.shl (local.get $g) (i32.const 3)))) (call $tieTerm (local.get $count))))', to: '(f64.load (i32.add (local.get $ties) (i32.shl (local.get $g) (i32.const 3)))))' },
  { name: 'endRun: inRun not reset', from: '(i32.store (local.get $at) (i32.const 0))))', to: '(nop)))' },
  { name: 'a run ends one value late', from: '(br_if $found (f64.ne (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $end) (i32.const 3)))) (local.get $v)))', to: '(br_if $found (f64.lt (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $end) (i32.const 3)))) (local.get $v)))' },
  { name: 'alone: the last value tied to the one past it', from: '(i32.or (i32.eq (i32.add (local.get $start) (i32.const 1)) (local.get $m))', to: '(i32.or (i32.const 0)', equivalent: 'the test is a shortcut: a last value sent to the run path (when the stale sorted[m] equals it) is a run of one, which gets the same rank, group rank and terms (t³ − t = 0)' },
  { name: 'alone: every value alone', from: '(f64.ne (f64.load offset=8 (local.get $at)) (f64.load (local.get $at)))))', to: '(i32.const 1)))' },
  { name: 'ranks: rank from 0', from: "(f64.store (i32.add (local.get $out) (i32.shl (local.get $first) (i32.const 3))) (f64.convert_i32_s (i32.add (local.get $start) (i32.const 1))))", to: "(f64.store (i32.add (local.get $out) (i32.shl (local.get $first) (i32.const 3))) (f64.convert_i32_s (local.get $start)))" },
  { name: 'ranks: a run ranked at its start', from: '(local.set $rank (f64.mul (f64.convert_i32_s (i32.add (i32.add (local.get $start) (i32.const 1)) (local.get $end))) (f64.const 0.5)))\n      ;; out[i]', to: '(local.set $rank (f64.convert_i32_s (i32.add (local.get $start) (i32.const 1))))\n      ;; out[i]' },
  { name: "ranks: a run's group rank from seen alone", from: '(f64.mul (f64.convert_i32_s (i32.add (i32.load (i32.add (local.get $inRun) (local.get $g))) (i32.const 1))) (f64.const 0.5))))', to: '(f64.const 1)))' },
  { name: "ranks: the whole day's tie term not counted", from: "(f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (call $tieTerm (i32.sub (local.get $end) (local.get $start)))))\n      (call $endRun (local.get $order) (local.get $group) (local.get $seen) (local.get $inRun) (local.get $ties) (local.get $start) (local.get $end))\n      (local.set $start (local.get $end))\n      (br $walk))))\n\n  ;; signalSums", to: "(call $endRun (local.get $order) (local.get $group) (local.get $seen) (local.get $inRun) (local.get $ties) (local.get $start) (local.get $end))\n      (local.set $start (local.get $end))\n      (br $walk))))\n\n  ;; signalSums" },
  { name: 'ranks: seen not zeroed', from: "(memory.fill (local.get $seen) (i32.const 0) (i32.shl (local.get $G) (i32.const 2)))\n    (memory.fill (local.get $ties) (i32.const 0) (i32.shl (i32.add (local.get $G) (i32.const 1)) (i32.const 3)))\n    (block $done (loop $walk\n      (br_if $done (i32.ge_s (local.get $start) (local.get $m)))\n      (local.set $first (i32.load (i32.add (local.get $order) (i32.shl (local.get $start) (i32.const 2)))))\n      (if (call $alone (local.get $sorted) (local.get $start) (local.get $m))\n        (then ;; no tie: the common case\n          ;; out[first]", to: "(memory.fill (local.get $ties) (i32.const 0) (i32.shl (i32.add (local.get $G) (i32.const 1)) (i32.const 3)))\n    (block $done (loop $walk\n      (br_if $done (i32.ge_s (local.get $start) (local.get $m)))\n      (local.set $first (i32.load (i32.add (local.get $order) (i32.shl (local.get $start) (i32.const 2)))))\n      (if (call $alone (local.get $sorted) (local.get $start) (local.get $m))\n        (then ;; no tie: the common case\n          ;; out[first]" },
  { name: 'signalSums: the global sum with the group rank', from: '(f64.mul (f64.convert_i32_s (i32.add (local.get $start) (i32.const 1))) (f64.load (i32.add (local.get $rankF) (i32.shl (local.get $first) (i32.const 3)))))))', to: '(f64.mul (f64.convert_i32_s (i32.add (local.get $start) (i32.const 1))) (f64.load (i32.add (local.get $groupRankF) (i32.shl (local.get $first) (i32.const 3)))))))' },
  { name: "signalSums: a group's count not kept", from: "(i32.store (local.get $at) (local.get $count))\n          (local.set $sum", to: "(local.set $sum" },
  { name: "signalSums: a run's global term with the group rank", from: '(local.set $sxy (f64.add (local.get $sxy) (f64.mul (local.get $rank) (f64.load (i32.add (local.get $rankF) (i32.shl (local.get $i) (i32.const 3)))))))', to: '(local.set $sxy (f64.add (local.get $sxy) (f64.mul (local.get $rank) (f64.load (i32.add (local.get $groupRankF) (i32.shl (local.get $i) (i32.const 3)))))))' },
  { name: "signalSums: a run's group term without the run", from: "(f64.mul (f64.convert_i32_s (i32.add (i32.load (i32.add (local.get $inRun) (i32.shl (local.get $g) (i32.const 2)))) (i32.const 1))) (f64.const 0.5)))\n            (f64.load (i32.add (local.get $groupRankF)", to: "(f64.const 1))\n            (f64.load (i32.add (local.get $groupRankF)" },
  { name: 'signalSums: sums not zeroed', from: '(memory.fill (local.get $sums) (i32.const 0) (i32.shl (local.get $G) (i32.const 3)))', to: '' },
];

const MODULES: WatModule[] = [
  { name: 'window-sums', text: 'src/factors/window-sums.wat', tests: ['test/factors/window-sums-wasm.test.ts', 'test/factors/window-sums.test.ts', 'test/factors/risk-adjusted-value.test.ts', 'test/factors/risk-adjusted-value-exact.test.ts'], mutants: WINDOW_SUMS },
  { name: 'ranks', text: 'src/metrics/ranks.wat', tests: ['test/metrics/spearman-reference.test.ts', 'test/metrics/signal-diagnostics-reference.test.ts', 'test/vopa/diagnostics.test.ts', 'test/metrics/signal-summary.test.ts'], mutants: RANKS },
];

const only = process.argv[2];
const modules = MODULES.filter((m) => !only || m.name === only);
if (modules.length === 0) throw new Error(`no module ${only}: ${MODULES.map((m) => m.name).join(', ')}`);
const scratch = mkdtempSync(join(tmpdir(), 'mutate-wat-'));
let failed = 0, count = 0;
try {
  for (const module of modules) {
    const textPath = ROOT + module.text, binaryPath = textPath.replace(/\.wat$/, '.wasm');
    const text = readFileSync(textPath, 'utf8'), binary = readFileSync(binaryPath);
    try {
      for (const mutant of module.mutants) {
        if (!text.includes(mutant.from)) throw new Error(`mutant "${mutant.name}": its text is not in ${module.text} any more`);
        const mutated = join(scratch, 'mutant.wat');
        writeFileSync(mutated, text.replace(mutant.from, mutant.to));
        writeFileSync(binaryPath, await compileWat(mutated));
        const run = spawnSync('npx', ['vitest', 'run', ...module.tests, '--reporter=dot'], { cwd: ROOT, encoding: 'utf8' });
        const killed = run.status !== 0;
        count++;
        if (!killed && !mutant.equivalent) failed++;
        console.log(`${killed ? 'killed  ' : mutant.equivalent ? 'survived (equivalent)' : 'SURVIVED'}  ${module.name}: ${mutant.name}${!killed && mutant.equivalent ? `: ${mutant.equivalent}` : ''}`);
      }
    } finally {
      writeFileSync(binaryPath, binary);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`${count} mutants, ${failed} survived that should not have`);
process.exit(failed ? 1 : 0);
