import type { Portfolio } from './portfolio.ts';

/**
 * What holding a book costs or earns overnight, accrued at each close of the evaluation window
 * (trading days, not calendar days: a position held over a weekend pays one day at Friday's close
 * and the next at Monday's), on the book as it stands after that day's fills, marked at the close:
 * 1. borrow: Σ over short positions |shares × close| × b / 10,000 / 252, b the annual fee in bps of
 *    that symbol that day — the borrow table's (as of its latest row) where it has one, else
 *    `--borrow-bps`; paid from cash;
 * 2. cash interest: max(0, cash − S) × R / 252 after the borrow fee, S = Σ |short market value| at the
 *    close: short-sale proceeds stay with the broker as collateral (marked to market) and earn
 *    nothing, the rest of the cash earns the annual rate R (`--cash-rate`); a debit balance pays
 *    nothing (no debit rate is modelled).
 */
export const FINANCING_DAYS = 252;

/**
 * The day's borrow fee of the book at `marks`: the table's rates (annual bps, bars × n, NaN where it
 * has none; this bar's row starts at `row`) where given, else `flatBps`.
 */
export function borrowFee(portfolio: Portfolio, marks: Float64Array, rates: Float64Array | undefined, row: number, flatBps: number): number {
  if (!rates) return ((portfolio.long - portfolio.net) * flatBps) / 10_000 / FINANCING_DAYS;
  const { quantity, held, heldCount } = portfolio;
  let fee = 0;
  for (let k = 0; k < heldCount; k++) {
    const i = held[k]!;
    const q = quantity[i]!;
    if (q >= 0) continue;
    const b = rates[row + i]!;
    fee += -q * marks[i]! * (b === b ? b : flatBps);
  }
  return fee / 10_000 / FINANCING_DAYS;
}

/** The day's interest on the cash that is not short-sale proceeds: max(0, cash − S) × R / 252. */
export function cashInterest(portfolio: Portfolio, annualRate: number): number {
  const free = portfolio.cash - (portfolio.long - portfolio.net);
  return free > 0 ? (free * annualRate) / FINANCING_DAYS : 0;
}
