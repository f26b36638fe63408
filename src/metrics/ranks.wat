;; The loops of the signal diagnostics (spearman.ts's RankSpace, signal-diagnostics.ts's DayRanks), moved
;; here from TypeScript for speed (issue 21): in one process, on VOPA's 500 members a day, the two walks
;; take 0.55–0.60 of the TypeScript's time and the radix passes about 0.73, with the same results.
;; Each function does what the TypeScript did, step for step: every value written is the same, and the
;; floating-point sums are added in the same order (WebAssembly's f64 arithmetic is IEEE 754's, rounded
;; to nearest: nothing is fused or reordered), so the same bits (tested against TypeScript oracles).
;; Compiled by `npm run build:wasm` into ranks.wasm, beside it (a test checks the two agree).
;;
;; Every argument named like an array is a byte offset into the memory; i32 arrays are 4 bytes an
;; entry, f64 ones 8. n, m: values sorted or walked; G: peer groups.
(module
  (import "env" "memory" (memory 1))

  ;; gather: signalDiagnostics's pass over one decision day's n columns (the caller copies the day's rows
  ;; in: the signal, the closes at t (now) and t + h (ahead), each column's peer group, and, unless every
  ;; column is a member (mask = 0), the membership row, one byte a column). A member (mask byte not 0) with
  ;; a finite signal is covered; one in a group (≥ 0) whose forward return f = ahead / now − 1 is finite
  ;; too is kept: its signal into s[m], f into f[m], its group into group[m], m++, and the ranges of both
  ;; taken as it goes (out[0 … 3]: the signals' min, max, sum and sum of squares; out[4 … 7]: the forward
  ;; returns'). Returns m; the members and the covered, as i32, at out + 64 and out + 68.
  (func (export "gather")
    (param $signal i32) (param $now i32) (param $ahead i32) (param $groupOf i32) (param $mask i32) (param $n i32)
    (param $s i32) (param $f i32) (param $group i32) (param $out i32) (result i32)
    (local $i i32) (local $m i32) (local $members i32) (local $covered i32) (local $x f64) (local $y f64) (local $g i32)
    (local $minS f64) (local $maxS f64) (local $sumS f64) (local $squaresS f64)
    (local $minF f64) (local $maxF f64) (local $sumF f64) (local $squaresF f64)
    (local.set $minS (f64.const inf)) (local.set $maxS (f64.const -inf))
    (local.set $minF (f64.const inf)) (local.set $maxF (f64.const -inf))
    (block $done (loop $column
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (block $next
        ;; not a member
        (if (local.get $mask) (then (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $mask) (local.get $i)))))))
        (local.set $members (i32.add (local.get $members) (i32.const 1)))
        ;; no signal: x − x ≠ 0 (NaN, ±∞)
        (local.set $x (f64.load (i32.add (local.get $signal) (i32.shl (local.get $i) (i32.const 3)))))
        (br_if $next (f64.ne (f64.sub (local.get $x) (local.get $x)) (f64.const 0)))
        (local.set $covered (i32.add (local.get $covered) (i32.const 1)))
        ;; outside every peer group
        (local.set $g (i32.load (i32.add (local.get $groupOf) (i32.shl (local.get $i) (i32.const 2)))))
        (br_if $next (i32.lt_s (local.get $g) (i32.const 0)))
        ;; no forward return
        (local.set $y (f64.sub
          (f64.div (f64.load (i32.add (local.get $ahead) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (local.get $now) (i32.shl (local.get $i) (i32.const 3)))))
          (f64.const 1)))
        (br_if $next (f64.ne (f64.sub (local.get $y) (local.get $y)) (f64.const 0)))
        (f64.store (i32.add (local.get $s) (i32.shl (local.get $m) (i32.const 3))) (local.get $x))
        (f64.store (i32.add (local.get $f) (i32.shl (local.get $m) (i32.const 3))) (local.get $y))
        (i32.store (i32.add (local.get $group) (i32.shl (local.get $m) (i32.const 2))) (local.get $g))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (local.set $minS (select (local.get $x) (local.get $minS) (f64.lt (local.get $x) (local.get $minS))))
        (local.set $maxS (select (local.get $x) (local.get $maxS) (f64.gt (local.get $x) (local.get $maxS))))
        (local.set $sumS (f64.add (local.get $sumS) (local.get $x)))
        (local.set $squaresS (f64.add (local.get $squaresS) (f64.mul (local.get $x) (local.get $x))))
        (local.set $minF (select (local.get $y) (local.get $minF) (f64.lt (local.get $y) (local.get $minF))))
        (local.set $maxF (select (local.get $y) (local.get $maxF) (f64.gt (local.get $y) (local.get $maxF))))
        (local.set $sumF (f64.add (local.get $sumF) (local.get $y)))
        (local.set $squaresF (f64.add (local.get $squaresF) (f64.mul (local.get $y) (local.get $y)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $column)))
    (f64.store offset=0 (local.get $out) (local.get $minS))
    (f64.store offset=8 (local.get $out) (local.get $maxS))
    (f64.store offset=16 (local.get $out) (local.get $sumS))
    (f64.store offset=24 (local.get $out) (local.get $squaresS))
    (f64.store offset=32 (local.get $out) (local.get $minF))
    (f64.store offset=40 (local.get $out) (local.get $maxF))
    (f64.store offset=48 (local.get $out) (local.get $sumF))
    (f64.store offset=56 (local.get $out) (local.get $squaresF))
    (i32.store offset=64 (local.get $out) (local.get $members))
    (i32.store offset=68 (local.get $out) (local.get $covered))
    (local.get $m))

  ;; radix: spearman.ts's finiteArgsort, its keys and two stable scatters. Each value x gets the key
  ;; k = 0 when (x − lo)·scale < 0, top when it is ≥ top, else its truncation (as `x | 0` on a
  ;; non-negative double below 2³¹); keys[i] = k, and the counts of k's low digit (k & (radix − 1)) and
  ;; its high digit (k >> bits) are taken (counts: 2·radix entries, low digits first). The counts become
  ;; each digit's start; then the values are scattered by the low digit (keys into key1, indices into
  ;; index1), then by the high digit into order, each value carried into out (`sorted`). Returns 1 when a
  ;; high digit holds more than 32 values (`crowded`: the caller merge-sorts the long runs of one key).
  (func (export "radix")
    (param $values i32) (param $n i32) (param $lo f64) (param $scale f64) (param $top i32) (param $bits i32)
    (param $keys i32) (param $key1 i32) (param $index1 i32) (param $order i32) (param $out i32) (param $counts i32)
    (result i32)
    (local $i i32) (local $k i32) (local $x f64) (local $radix i32) (local $digit i32) (local $p i32) (local $a i32)
    (local $low i32) (local $high i32) (local $c0 i32) (local $c1 i32) (local $crowded i32) (local $topf f64) (local $hi i32)
    (local.set $radix (i32.shl (i32.const 1) (local.get $bits)))
    (local.set $digit (i32.sub (local.get $radix) (i32.const 1)))
    (local.set $topf (f64.convert_i32_u (local.get $top)))
    ;; counts.fill(0, 0, 2 * radix)
    (memory.fill (local.get $counts) (i32.const 0) (i32.shl (local.get $radix) (i32.const 3)))
    (local.set $hi (i32.add (local.get $counts) (i32.shl (local.get $radix) (i32.const 2))))
    (block $keyed (loop $key
      (br_if $keyed (i32.ge_u (local.get $i) (local.get $n)))
      ;; x = (values[i] − lo) · scale; k = x < 0 ? 0 : x >= top ? top : x | 0
      (local.set $x (f64.mul (f64.sub (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))) (local.get $lo)) (local.get $scale)))
      (local.set $k (select (i32.const 0)
        (select (local.get $top) (i32.trunc_sat_f64_u (local.get $x)) (f64.ge (local.get $x) (local.get $topf)))
        (f64.lt (local.get $x) (f64.const 0))))
      (i32.store (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 2))) (local.get $k))
      ;; counts[k & digit]++; counts[radix + (k >> bits)]++
      (local.set $a (i32.add (local.get $counts) (i32.shl (i32.and (local.get $k) (local.get $digit)) (i32.const 2))))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $a (i32.add (local.get $hi) (i32.shl (i32.shr_u (local.get $k) (local.get $bits)) (i32.const 2))))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $key)))
    ;; The counts become each digit's start, running sums in registers; a high digit of more than 32: crowded.
    (local.set $i (i32.const 0))
    (block $started (loop $start
      (br_if $started (i32.ge_u (local.get $i) (local.get $radix)))
      (local.set $a (i32.shl (local.get $i) (i32.const 2)))
      (local.set $c0 (i32.load (i32.add (local.get $counts) (local.get $a))))
      (local.set $c1 (i32.load (i32.add (local.get $hi) (local.get $a))))
      (if (i32.gt_s (local.get $c1) (i32.const 32)) (then (local.set $crowded (i32.const 1))))
      (i32.store (i32.add (local.get $counts) (local.get $a)) (local.get $low))
      (local.set $low (i32.add (local.get $low) (local.get $c0)))
      (i32.store (i32.add (local.get $hi) (local.get $a)) (local.get $high))
      (local.set $high (i32.add (local.get $high) (local.get $c1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $start)))
    ;; By the low digit, stably: p = counts[k & digit]++; key1[p] = k; index1[p] = i
    (local.set $i (i32.const 0))
    (block $lowDone (loop $lowScatter
      (br_if $lowDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $k (i32.load (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $a (i32.add (local.get $counts) (i32.shl (i32.and (local.get $k) (local.get $digit)) (i32.const 2))))
      (local.set $p (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $p) (i32.const 1)))
      (i32.store (i32.add (local.get $key1) (i32.shl (local.get $p) (i32.const 2))) (local.get $k))
      (i32.store (i32.add (local.get $index1) (i32.shl (local.get $p) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $lowScatter)))
    ;; By the high digit, stably: q = counts[radix + (key1[p] >> bits)]++; order[q] = index1[p]; out[q] = values[index1[p]]
    (local.set $p (i32.const 0))
    (block $highDone (loop $highScatter
      (br_if $highDone (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $a (i32.add (local.get $hi) (i32.shl (i32.shr_u (i32.load (i32.add (local.get $key1) (i32.shl (local.get $p) (i32.const 2)))) (local.get $bits)) (i32.const 2))))
      (local.set $k (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $k) (i32.const 1)))
      (local.set $i (i32.load (i32.add (local.get $index1) (i32.shl (local.get $p) (i32.const 2)))))
      (i32.store (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))
        (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $highScatter)))
    (local.get $crowded))

  ;; insertion: finiteArgsort's last pass, one stable insertion sort of order[0 … n) on the values
  ;; carried along in out: a value below the largest before it (`previous`) moves down past the larger
  ;; ones (never past an equal one); `previous` is then unchanged, else it becomes that value.
  (func (export "insertion") (param $order i32) (param $out i32) (param $n i32)
    (local $k i32) (local $j i32) (local $v f64) (local $previous f64) (local $i i32) (local $w f64)
    (if (i32.lt_s (local.get $n) (i32.const 1)) (then (return)))
    (local.set $previous (f64.load (local.get $out)))
    (local.set $k (i32.const 1))
    (block $done (loop $next
      (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
      (local.set $v (f64.load (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))))
      (if (f64.gt (local.get $previous) (local.get $v))
        (then
          (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $j (i32.sub (local.get $k) (i32.const 1)))
          (block $placed (loop $move
            (br_if $placed (i32.lt_s (local.get $j) (i32.const 0)))
            (local.set $w (f64.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))))
            (br_if $placed (i32.eqz (f64.gt (local.get $w) (local.get $v))))
            (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $w))
            (i32.store offset=4 (i32.add (local.get $order) (i32.shl (local.get $j) (i32.const 2)))
              (i32.load (i32.add (local.get $order) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $move)))
          (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $v))
          (i32.store offset=4 (i32.add (local.get $order) (i32.shl (local.get $j) (i32.const 2))) (local.get $i)))
        (else (local.set $previous (local.get $v))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next))))

  ;; t³ − t, a run of t tied values' term in Σ (t³ − t) (exact in a double for t < 2¹⁷).
  (func $tieTerm (param $t i32) (result f64)
    (local $x f64)
    (local.set $x (f64.convert_i32_s (local.get $t)))
    (f64.sub (f64.mul (f64.mul (local.get $x) (local.get $x)) (local.get $x)) (local.get $x)))

  ;; endRun: after a run of ties order[start … end), each group's members in it (inRun[g], counted at
  ;; the run's walk) become seen (seen[g] += inRun[g]) and its tie term is added to ties[g]; inRun[g] = 0.
  ;; A group whose count is already 0 was handled at its first member.
  (func $endRun (param $order i32) (param $group i32) (param $seen i32) (param $inRun i32) (param $ties i32) (param $start i32) (param $end i32)
    (local $k i32) (local $g i32) (local $count i32) (local $at i32)
    (local.set $k (local.get $start))
    (loop $member
      (local.set $g (i32.load (i32.add (local.get $group) (i32.shl (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2)))))
      (local.set $at (i32.add (local.get $inRun) (i32.shl (local.get $g) (i32.const 2))))
      (local.set $count (i32.load (local.get $at)))
      (if (local.get $count)
        (then
          (i32.store (i32.add (local.get $seen) (i32.shl (local.get $g) (i32.const 2)))
            (i32.add (i32.load (i32.add (local.get $seen) (i32.shl (local.get $g) (i32.const 2)))) (local.get $count)))
          (f64.store (i32.add (local.get $ties) (i32.shl (local.get $g) (i32.const 3)))
            (f64.add (f64.load (i32.add (local.get $ties) (i32.shl (local.get $g) (i32.const 3)))) (call $tieTerm (local.get $count))))
          (i32.store (local.get $at) (i32.const 0))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $member (i32.lt_s (local.get $k) (local.get $end)))))

  ;; runEnd: the end of the run of values equal to sorted[start] (start < end ≤ m), from start + 1.
  (func $runEnd (param $sorted i32) (param $start i32) (param $m i32) (result i32)
    (local $end i32) (local $v f64)
    (local.set $v (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $start) (i32.const 3)))))
    (local.set $end (i32.add (local.get $start) (i32.const 1)))
    (block $found (loop $scan
      (br_if $found (i32.ge_s (local.get $end) (local.get $m)))
      (br_if $found (f64.ne (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $end) (i32.const 3)))) (local.get $v)))
      (local.set $end (i32.add (local.get $end) (i32.const 1)))
      (br $scan)))
    (local.get $end))

  ;; alone: whether sorted[start] has no equal after it (start + 1 = m, or sorted[start + 1] ≠ it).
  ;; Both tests are evaluated; sorted holds m + 1 entries, so sorted[m] is read but decides nothing.
  (func $alone (param $sorted i32) (param $start i32) (param $m i32) (result i32)
    (local $at i32)
    (local.set $at (i32.add (local.get $sorted) (i32.shl (local.get $start) (i32.const 3))))
    (i32.or (i32.eq (i32.add (local.get $start) (i32.const 1)) (local.get $m))
            (f64.ne (f64.load offset=8 (local.get $at)) (f64.load (local.get $at)))))

  ;; ranks: DayRanks's `ranks`: average ranks (1-based) over all m members and within each peer group,
  ;; from the ascending order (order, and the values in that order, sorted), in one walk of it. A value
  ;; with no tie gets its position (start + 1) and the next rank of its group (++seen[g]); a run of ties
  ;; order[start … end) gets rank (start + 1 + end) / 2 for all, and each member of group g in it
  ;; seen[g] + (inRun[g] + 1) / 2, inRun[g] being the group's members in the run; ties[G] += the run's
  ;; tie term, then endRun. Zeroes seen (G) and ties (G + 1) first; seen ends as the group sizes.
  (func (export "ranks") (param $m i32) (param $order i32) (param $sorted i32) (param $group i32) (param $out i32) (param $groupOut i32)
    (param $seen i32) (param $inRun i32) (param $ties i32) (param $G i32)
    (local $start i32) (local $first i32) (local $at i32) (local $count i32) (local $end i32) (local $rank f64)
    (local $k i32) (local $i i32) (local $g i32)
    (memory.fill (local.get $seen) (i32.const 0) (i32.shl (local.get $G) (i32.const 2)))
    (memory.fill (local.get $ties) (i32.const 0) (i32.shl (i32.add (local.get $G) (i32.const 1)) (i32.const 3)))
    (block $done (loop $walk
      (br_if $done (i32.ge_s (local.get $start) (local.get $m)))
      (local.set $first (i32.load (i32.add (local.get $order) (i32.shl (local.get $start) (i32.const 2)))))
      (if (call $alone (local.get $sorted) (local.get $start) (local.get $m))
        (then ;; no tie: the common case
          ;; out[first] = start + 1; groupOut[first] = ++seen[group[first]]
          (f64.store (i32.add (local.get $out) (i32.shl (local.get $first) (i32.const 3))) (f64.convert_i32_s (i32.add (local.get $start) (i32.const 1))))
          (local.set $at (i32.add (local.get $seen) (i32.shl (i32.load (i32.add (local.get $group) (i32.shl (local.get $first) (i32.const 2)))) (i32.const 2))))
          (local.set $count (i32.add (i32.load (local.get $at)) (i32.const 1)))
          (i32.store (local.get $at) (local.get $count))
          (f64.store (i32.add (local.get $groupOut) (i32.shl (local.get $first) (i32.const 3))) (f64.convert_i32_s (local.get $count)))
          (local.set $start (i32.add (local.get $start) (i32.const 1)))
          (br $walk)))
      (local.set $end (call $runEnd (local.get $sorted) (local.get $start) (local.get $m)))
      (local.set $rank (f64.mul (f64.convert_i32_s (i32.add (i32.add (local.get $start) (i32.const 1)) (local.get $end))) (f64.const 0.5)))
      ;; out[i] = rank and inRun[group[i]]++ for the run's members i
      (local.set $k (local.get $start))
      (loop $member
        (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $rank))
        (local.set $at (i32.add (local.get $inRun) (i32.shl (i32.load (i32.add (local.get $group) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $member (i32.lt_s (local.get $k) (local.get $end))))
      ;; groupOut[i] = seen[g] + (inRun[g] + 1) / 2
      (local.set $k (local.get $start))
      (loop $member
        (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $g (i32.shl (i32.load (i32.add (local.get $group) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2)))
        (f64.store (i32.add (local.get $groupOut) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (f64.convert_i32_s (i32.load (i32.add (local.get $seen) (local.get $g))))
                   (f64.mul (f64.convert_i32_s (i32.add (i32.load (i32.add (local.get $inRun) (local.get $g))) (i32.const 1))) (f64.const 0.5))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $member (i32.lt_s (local.get $k) (local.get $end))))
      (local.set $at (i32.add (local.get $ties) (i32.shl (local.get $G) (i32.const 3))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (call $tieTerm (i32.sub (local.get $end) (local.get $start)))))
      (call $endRun (local.get $order) (local.get $group) (local.get $seen) (local.get $inRun) (local.get $ties) (local.get $start) (local.get $end))
      (local.set $start (local.get $end))
      (br $walk))))

  ;; signalSums: DayRanks's `signalSums`: one walk of the signal's order, its ranks (global and within
  ;; groups, as in `ranks`) against the forward returns' (rankF, groupRankF), returning Σ x·y of the
  ;; global ranks and adding each group's Σ x·y into sums[g], in the walk's order: a value with no tie adds
  ;; (start + 1)·rankF[first] and ++seen[g]·groupRankF[first]; a run of ties adds, member by member,
  ;; rank·rankF[i] and (seen[g] + (inRun[g] + 1) / 2)·groupRankF[i]; ties[G] and endRun as in `ranks`.
  ;; Zeroes seen (G), sums (G) and ties (G + 1) first.
  (func (export "signalSums") (param $m i32) (param $order i32) (param $sorted i32) (param $group i32) (param $rankF i32) (param $groupRankF i32)
    (param $seen i32) (param $inRun i32) (param $ties i32) (param $sums i32) (param $G i32) (result f64)
    (local $start i32) (local $first i32) (local $at i32) (local $count i32) (local $end i32) (local $rank f64)
    (local $k i32) (local $i i32) (local $g i32) (local $sxy f64) (local $sum i32)
    (memory.fill (local.get $seen) (i32.const 0) (i32.shl (local.get $G) (i32.const 2)))
    (memory.fill (local.get $sums) (i32.const 0) (i32.shl (local.get $G) (i32.const 3)))
    (memory.fill (local.get $ties) (i32.const 0) (i32.shl (i32.add (local.get $G) (i32.const 1)) (i32.const 3)))
    (block $done (loop $walk
      (br_if $done (i32.ge_s (local.get $start) (local.get $m)))
      (local.set $first (i32.load (i32.add (local.get $order) (i32.shl (local.get $start) (i32.const 2)))))
      (if (call $alone (local.get $sorted) (local.get $start) (local.get $m))
        (then ;; no tie: the common case
          (local.set $g (i32.load (i32.add (local.get $group) (i32.shl (local.get $first) (i32.const 2)))))
          ;; sxy += (start + 1) · rankF[first]
          (local.set $sxy (f64.add (local.get $sxy)
            (f64.mul (f64.convert_i32_s (i32.add (local.get $start) (i32.const 1))) (f64.load (i32.add (local.get $rankF) (i32.shl (local.get $first) (i32.const 3)))))))
          ;; sums[g] += ++seen[g] · groupRankF[first]
          (local.set $at (i32.add (local.get $seen) (i32.shl (local.get $g) (i32.const 2))))
          (local.set $count (i32.add (i32.load (local.get $at)) (i32.const 1)))
          (i32.store (local.get $at) (local.get $count))
          (local.set $sum (i32.add (local.get $sums) (i32.shl (local.get $g) (i32.const 3))))
          (f64.store (local.get $sum) (f64.add (f64.load (local.get $sum))
            (f64.mul (f64.convert_i32_s (local.get $count)) (f64.load (i32.add (local.get $groupRankF) (i32.shl (local.get $first) (i32.const 3)))))))
          (local.set $start (i32.add (local.get $start) (i32.const 1)))
          (br $walk)))
      (local.set $end (call $runEnd (local.get $sorted) (local.get $start) (local.get $m)))
      (local.set $rank (f64.mul (f64.convert_i32_s (i32.add (i32.add (local.get $start) (i32.const 1)) (local.get $end))) (f64.const 0.5)))
      ;; inRun[group[i]]++ for the run's members i
      (local.set $k (local.get $start))
      (loop $member
        (local.set $at (i32.add (local.get $inRun)
          (i32.shl (i32.load (i32.add (local.get $group) (i32.shl (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2)))) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $member (i32.lt_s (local.get $k) (local.get $end))))
      ;; sxy += rank · rankF[i]; sums[g] += (seen[g] + (inRun[g] + 1) / 2) · groupRankF[i]
      (local.set $k (local.get $start))
      (loop $member
        (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $g (i32.load (i32.add (local.get $group) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $sxy (f64.add (local.get $sxy) (f64.mul (local.get $rank) (f64.load (i32.add (local.get $rankF) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $sum (i32.add (local.get $sums) (i32.shl (local.get $g) (i32.const 3))))
        (f64.store (local.get $sum) (f64.add (f64.load (local.get $sum))
          (f64.mul
            (f64.add (f64.convert_i32_s (i32.load (i32.add (local.get $seen) (i32.shl (local.get $g) (i32.const 2)))))
                     (f64.mul (f64.convert_i32_s (i32.add (i32.load (i32.add (local.get $inRun) (i32.shl (local.get $g) (i32.const 2)))) (i32.const 1))) (f64.const 0.5)))
            (f64.load (i32.add (local.get $groupRankF) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $member (i32.lt_s (local.get $k) (local.get $end))))
      (local.set $at (i32.add (local.get $ties) (i32.shl (local.get $G) (i32.const 3))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (call $tieTerm (i32.sub (local.get $end) (local.get $start)))))
      (call $endRun (local.get $order) (local.get $group) (local.get $seen) (local.get $inRun) (local.get $ties) (local.get $start) (local.get $end))
      (local.set $start (local.get $end))
      (br $walk)))
    (local.get $sxy))
)
