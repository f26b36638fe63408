"""The numba loop issue 21 measures the simulation against, run on this machine in the same bench run.

The same momentum as bench/bare-momentum.ts, operation for operation, so the fills are the same to the
bit: the 20-day rate of change of the whole panel, then for each bar the orders decided at the last
close filled at this open (sells first, whole shares, 1 bp slippage and 1 bp commission, each fill
logged in typed columns), equity and cash recorded at the close, and the top 10 of the day's rate of
change (the engine's selection: k largest finite values, +inf skipped, ties to the lower column, best
first). The bench checks that both loops end on the same equity and the same number of trades.

Usage: python3 bench/numba-momentum.py PANEL N BARS RUNS WARMUP
PANEL is a file of 2 * BARS * N little-endian doubles: the opens, then the closes, time-major (bar t,
symbol i at t * N + i), written by bench/simulation.ts. Prints one JSON line: the runs' wall and CPU
milliseconds (after the compile and WARMUP untimed runs, as many as the JavaScript workloads get) and the check value.
"""
import json
import sys
import time

import numpy as np
from numba import njit


@njit(cache=False)
def top_k(values, k, idx, key):
    size = 0
    worst = -np.inf
    length = values.shape[0]
    for i in range(length):
        v = values[i]
        if not (v > worst) or v == np.inf:
            continue
        j = size if size < k else k - 1
        if size < k:
            size += 1
        while j > 0 and key[j - 1] < v:
            key[j] = key[j - 1]
            idx[j] = idx[j - 1]
            j -= 1
        key[j] = v
        idx[j] = i
        if size == k:
            worst = key[k - 1]
    return size


@njit(cache=False)
def momentum(open_, close, n, bars, lookback, top):
    roc = np.full(bars * n, np.nan)
    for c in range(lookback * n, bars * n):
        roc[c] = close[c] / close[c - lookback * n] - 1.0
    quantity = np.zeros(n)
    weight = np.zeros(n)
    delta = np.zeros(n)
    held = np.zeros(n, np.int32)
    active = np.zeros(n, np.int32)
    equity = np.zeros(bars)
    cash_at = np.zeros(bars)
    cap = 4 * bars * top
    log_bar = np.zeros(cap, np.int32)
    log_column = np.zeros(cap, np.int32)
    log_quantity = np.zeros(cap)
    log_price = np.zeros(cap)
    log_fee = np.zeros(cap)
    targets = np.zeros(top, np.int32)
    key = np.zeros(top)
    n_targets = 0
    trades = 0
    cash = 1e7
    held_count = 0
    for t in range(lookback, bars):
        row = t * n
        if n_targets > 0:
            e = cash
            for k in range(held_count):
                e += quantity[held[k]] * open_[row + held[k]]
            count = 0
            for k in range(held_count):
                active[count] = held[k]
                count += 1
                weight[held[k]] = 0.0
            for k in range(n_targets):
                i = targets[k]
                if quantity[i] == 0:
                    active[count] = i
                    count += 1
                weight[i] = 1.0 / top
            for k in range(count):
                i = active[k]
                delta[i] = np.trunc((weight[i] * e) / open_[row + i]) - quantity[i]
            for pass_ in range(2):
                for k in range(count):
                    i = active[k]
                    d = delta[i]
                    if (not (d < 0)) if pass_ == 0 else (not (d > 0)):
                        continue
                    price = open_[row + i] * (1.0001 if d > 0 else 0.9999)
                    fee = abs(d * price) * 1e-4
                    quantity[i] += d
                    cash -= d * price + fee
                    log_bar[trades] = t
                    log_column[trades] = i
                    log_quantity[trades] = d
                    log_price[trades] = price
                    log_fee[trades] = fee
                    trades += 1
            held_count = 0
            for k in range(count):
                if quantity[active[k]] != 0:
                    held[held_count] = active[k]
                    held_count += 1
        value = 0.0
        for k in range(held_count):
            value += quantity[held[k]] * close[row + held[k]]
        equity[t] = cash + value
        cash_at[t] = cash
        n_targets = top_k(roc[row:row + n], top, targets, key)
    return equity[bars - 1] + trades


def main():
    path, n, bars, runs, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    data = np.fromfile(path, dtype='<f8')
    if data.shape[0] != 2 * n * bars:
        raise SystemExit(f'{path}: {data.shape[0]} doubles, expected 2 × {bars} × {n}')
    open_, close = data[: n * bars].copy(), data[n * bars:].copy()
    check = momentum(open_, close, n, bars, 20, 10)  # compiles
    for _ in range(warmup):
        momentum(open_, close, n, bars, 20, 10)
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        momentum(open_, close, n, bars, 20, 10)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    print(json.dumps({'wall': wall, 'cpu': cpu, 'symbolDays': n * bars, 'check': check}))


if __name__ == '__main__':
    main()
