;; WindowSums.slide (src/factors/risk-adjusted-value.ts) on two symbols a step, one in each f64x2 lane:
;; the same additions, in the same order, as the scalar loop it replaced, so the same bits (tested
;; against that loop, kept in test/factors/window-sums-wasm.test.ts). WebAssembly's f64 arithmetic is
;; IEEE 754's, rounded to nearest: nothing here is fused or reordered. Compiled by `npm run build:wasm`
;; into window-sums.wasm, beside it (a test checks the two agree).
;;
;; Memory, per pair of symbols p (symbols 2p and 2p + 1, lanes 0 and 1), in doubles:
;;   now, before    [2p, 2p + 1] of a row (the caller's copy of the two closes' rows)
;;   ring           [2p, 2p + 1] of the row at the slot leaving the window
;;   sums           [8p …  8p + 7]: Σr's high words, its low words, Σq's high words, its low words
;;   counts         [4p …  4p + 3]: returns in the window (not NaN), then those left to the direct formula
(module
  (import "env" "memory" (memory 1))

  (func (export "slide")
    (param $now i32) (param $before i32) (param $ring i32) (param $sums i32) (param $counts i32)
    (param $pairs i32)
    (local $end i32)
    (local $old v128) (local $r v128) (local $oldIn v128) (local $rIn v128)
    (local $x v128) (local $q v128) (local $y v128) (local $f v128) (local $m v128)
    (local $s v128) (local $c v128) (local $ss v128) (local $cc v128) (local $t v128) (local $z v128)
    (local.set $end (i32.add (local.get $now) (i32.shl (local.get $pairs) (i32.const 4))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $now) (local.get $end)))

        ;; r = now / before − 1 takes the slot of the return leaving the window
        (local.set $old (v128.load (local.get $ring)))
        (local.set $r (f64x2.sub
          (f64x2.div (v128.load (local.get $now)) (v128.load (local.get $before)))
          (f64x2.splat (f64.const 1))))
        (v128.store (local.get $ring) (local.get $r))

        ;; in the sums: there and tame, |r| < 2 (NaN fails the test)
        (local.set $oldIn (f64x2.lt (f64x2.abs (local.get $old)) (f64x2.splat (f64.const 2))))
        (local.set $rIn (f64x2.lt (f64x2.abs (local.get $r)) (f64x2.splat (f64.const 2))))

        ;; The counts change only when one of the four is not tame. Returns there (r = r: not NaN)
        ;; count 1 and 0 elsewhere; wild ones (there, not tame) count in the second.
        (if (i32.eqz (i64x2.all_true (v128.and (local.get $oldIn) (local.get $rIn))))
          (then
            (local.set $x (v128.and (f64x2.eq (local.get $old) (local.get $old)) (f64x2.splat (f64.const 1))))
            (local.set $y (v128.and (f64x2.eq (local.get $r) (local.get $r)) (f64x2.splat (f64.const 1))))
            (v128.store offset=0 (local.get $counts)
              (f64x2.add (f64x2.sub (v128.load offset=0 (local.get $counts)) (local.get $x)) (local.get $y)))
            (v128.store offset=16 (local.get $counts)
              (f64x2.add
                (f64x2.sub (v128.load offset=16 (local.get $counts)) (v128.andnot (local.get $x) (local.get $oldIn)))
                (v128.andnot (local.get $y) (local.get $rIn))))))

        (local.set $s (v128.load offset=0 (local.get $sums)))
        (local.set $c (v128.load offset=16 (local.get $sums)))
        (local.set $ss (v128.load offset=32 (local.get $sums)))
        (local.set $cc (v128.load offset=48 (local.get $sums)))

        ;; The return leaving: x = −old where it is in the sums, +0 where it is not. Adding +0 leaves
        ;; a pair's bits as they are (x + 0 = x for every x but −0, and no word here is ever −0: each
        ;; starts +0 and a sum of doubles is −0 only when both are).
        (local.set $x (v128.and (f64x2.neg (local.get $old)) (local.get $oldIn)))
        ;; Σr += x by two-sum: t = s + x, z = t − s, c += (s − (t − z)) + (x − z), s = t
        (local.set $t (f64x2.add (local.get $s) (local.get $x)))
        (local.set $z (f64x2.sub (local.get $t) (local.get $s)))
        (local.set $c (f64x2.add (local.get $c)
          (f64x2.add (f64x2.sub (local.get $s) (f64x2.sub (local.get $t) (local.get $z)))
                     (f64x2.sub (local.get $x) (local.get $z)))))
        (local.set $s (local.get $t))
        ;; q = x² on the 2⁻⁸⁸ grid: as it is from 2⁻³⁵ up (a double there is a multiple of 2⁻⁸⁷; from 2⁻³⁶ up
        ;; would do as well); below, round(x² · 2⁸⁸) · 2⁻⁸⁸ with halves up, as Math.round: y − floor(y) is
        ;; exact there (y < 2⁵³), and so is floor(y) + 1
        (local.set $q (f64x2.mul (local.get $x) (local.get $x)))
        (local.set $m (f64x2.lt (local.get $q) (f64x2.splat (f64.const 0x1p-35))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $y (f64x2.mul (local.get $q) (f64x2.splat (f64.const 0x1p+88))))
            (local.set $f (f64x2.floor (local.get $y)))
            (local.set $f (v128.bitselect
              (f64x2.add (local.get $f) (f64x2.splat (f64.const 1))) (local.get $f)
              (f64x2.ge (f64x2.sub (local.get $y) (local.get $f)) (f64x2.splat (f64.const 0.5)))))
            (local.set $q (v128.bitselect
              (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0x1p-88))) (local.get $q) (local.get $m)))))
        ;; Σq −= q by two-sum
        (local.set $q (f64x2.neg (local.get $q)))
        (local.set $t (f64x2.add (local.get $ss) (local.get $q)))
        (local.set $z (f64x2.sub (local.get $t) (local.get $ss)))
        (local.set $cc (f64x2.add (local.get $cc)
          (f64x2.add (f64x2.sub (local.get $ss) (f64x2.sub (local.get $t) (local.get $z)))
                     (f64x2.sub (local.get $q) (local.get $z)))))
        (local.set $ss (local.get $t))

        ;; The return entering, likewise: x = r where it is in the sums, +0 where it is not
        (local.set $x (v128.and (local.get $r) (local.get $rIn)))
        ;; Σr += x
        (local.set $t (f64x2.add (local.get $s) (local.get $x)))
        (local.set $z (f64x2.sub (local.get $t) (local.get $s)))
        (local.set $c (f64x2.add (local.get $c)
          (f64x2.add (f64x2.sub (local.get $s) (f64x2.sub (local.get $t) (local.get $z)))
                     (f64x2.sub (local.get $x) (local.get $z)))))
        (local.set $s (local.get $t))
        ;; q = x² on the grid
        (local.set $q (f64x2.mul (local.get $x) (local.get $x)))
        (local.set $m (f64x2.lt (local.get $q) (f64x2.splat (f64.const 0x1p-35))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $y (f64x2.mul (local.get $q) (f64x2.splat (f64.const 0x1p+88))))
            (local.set $f (f64x2.floor (local.get $y)))
            (local.set $f (v128.bitselect
              (f64x2.add (local.get $f) (f64x2.splat (f64.const 1))) (local.get $f)
              (f64x2.ge (f64x2.sub (local.get $y) (local.get $f)) (f64x2.splat (f64.const 0.5)))))
            (local.set $q (v128.bitselect
              (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0x1p-88))) (local.get $q) (local.get $m)))))
        ;; Σq += q
        (local.set $t (f64x2.add (local.get $ss) (local.get $q)))
        (local.set $z (f64x2.sub (local.get $t) (local.get $ss)))
        (local.set $cc (f64x2.add (local.get $cc)
          (f64x2.add (f64x2.sub (local.get $ss) (f64x2.sub (local.get $t) (local.get $z)))
                     (f64x2.sub (local.get $q) (local.get $z)))))
        (local.set $ss (local.get $t))

        ;; Where Σq's low word has drifted past 2⁻³⁷ (DRIFT), both of that symbol's pairs go back to
        ;; canonical, (fl(hi + lo), hi + lo − fl(hi + lo)); the other lane's stay as they are
        (local.set $m (f64x2.gt (f64x2.abs (local.get $cc)) (f64x2.splat (f64.const 0x1p-37))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $t (f64x2.add (local.get $s) (local.get $c)))
            (local.set $z (f64x2.sub (local.get $t) (local.get $s)))
            (local.set $c (v128.bitselect
              (f64x2.add (f64x2.sub (local.get $s) (f64x2.sub (local.get $t) (local.get $z)))
                         (f64x2.sub (local.get $c) (local.get $z)))
              (local.get $c) (local.get $m)))
            (local.set $s (v128.bitselect (local.get $t) (local.get $s) (local.get $m)))
            (local.set $t (f64x2.add (local.get $ss) (local.get $cc)))
            (local.set $z (f64x2.sub (local.get $t) (local.get $ss)))
            (local.set $cc (v128.bitselect
              (f64x2.add (f64x2.sub (local.get $ss) (f64x2.sub (local.get $t) (local.get $z)))
                         (f64x2.sub (local.get $cc) (local.get $z)))
              (local.get $cc) (local.get $m)))
            (local.set $ss (v128.bitselect (local.get $t) (local.get $ss) (local.get $m)))))

        (v128.store offset=0 (local.get $sums) (local.get $s))
        (v128.store offset=16 (local.get $sums) (local.get $c))
        (v128.store offset=32 (local.get $sums) (local.get $ss))
        (v128.store offset=48 (local.get $sums) (local.get $cc))

        (local.set $now (i32.add (local.get $now) (i32.const 16)))
        (local.set $before (i32.add (local.get $before) (i32.const 16)))
        (local.set $ring (i32.add (local.get $ring) (i32.const 16)))
        (local.set $sums (i32.add (local.get $sums) (i32.const 64)))
        (local.set $counts (i32.add (local.get $counts) (i32.const 32)))
        (br $pair))))
)
