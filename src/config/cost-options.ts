import { IMPACT_MODELS, type ImpactModel } from '../broker/impact.ts';
import { DEFAULT_ADV_DAYS } from '../broker/market-model.ts';
import { UsageError } from '../errors.ts';
import { requireBps, requireNumber, requireRate, requireShare } from './numbers.ts';

/**
 * The cost, liquidity and financing options of a run (README, "Costs, liquidity and capacity"),
 * checked once at the edge: every default is 0 / off, so a run that asks for none of them is the
 * run it always was. A bad value is one line naming the option (exit 2).
 */
export interface CostConfig {
  /** The quoted spread in bps: each fill pays half. */
  readonly spreadBps: number;
  readonly commissionPerShare: number;
  readonly minCommission: number;
  /** Largest share of a day's volume a fill may take, in (0, 1]; undefined: no limit. */
  readonly maxParticipation: number | undefined;
  readonly advDays: number;
  readonly impact: ImpactModel;
  readonly impactK: number;
  readonly impactHorizon: number;
  /** Annual borrow fee on shorts, bps (the borrow table's rate where it has one, with `borrowTable`). */
  readonly borrowBps: number;
  /** Read the borrow(symbol, date, fee_bps) table with the window. */
  readonly borrowTable: boolean;
  /** Annual interest on free cash, a fraction (0.04 = 4 %). */
  readonly cashRate: number;
  /** `--capacity`: starting capitals to run every variant at, ascending (empty: none). */
  readonly capacity: readonly number[];
}

/** The options as the CLI received them (text where the user typed it). */
export interface CostOptionsInput {
  readonly spreadBps?: string | number | undefined;
  readonly commissionPerShare?: string | number | undefined;
  readonly minCommission?: string | number | undefined;
  readonly maxParticipation?: string | number | undefined;
  readonly advDays?: string | number | undefined;
  readonly impact?: string | undefined;
  readonly impactK?: string | number | undefined;
  readonly impactHorizon?: string | number | undefined;
  readonly borrowBps?: string | number | undefined;
  readonly borrowTable?: boolean | undefined;
  readonly cashRate?: string | number | undefined;
  readonly capacity?: string | undefined;
}

export function parseCostOptions(o: CostOptionsInput = {}): CostConfig {
  const impact = o.impact ?? 'none';
  if (!(IMPACT_MODELS as readonly string[]).includes(impact)) throw new UsageError(`--impact ${impact}: must be one of ${IMPACT_MODELS.join(', ')}`, 'E_BAD_OPTION');
  return Object.freeze({
    spreadBps: requireBps('--spread-bps', o.spreadBps ?? 0),
    commissionPerShare: requireNumber('--commission-per-share', o.commissionPerShare ?? 0),
    minCommission: requireNumber('--min-commission', o.minCommission ?? 0),
    maxParticipation: o.maxParticipation === undefined ? undefined : requireShare('--max-participation', o.maxParticipation, 'e.g. 0.05 for 5 % of the day\'s volume'),
    advDays: requireAdvDays(o.advDays ?? DEFAULT_ADV_DAYS),
    impact: impact as ImpactModel,
    impactK: requireNumber('--impact-k', o.impactK ?? 1, { positive: true }),
    impactHorizon: requireShare('--impact-horizon', o.impactHorizon ?? 1, 'the fraction of a day an order is worked, e.g. 0.5'),
    borrowBps: requireNumber('--borrow-bps', o.borrowBps ?? 0),
    borrowTable: o.borrowTable ?? false,
    cashRate: requireRate('--cash-rate', o.cashRate ?? 0),
    capacity: o.capacity === undefined ? [] : parseCapacity(o.capacity),
  });
}

/** What the simulation reads of them (the borrow table and the capitals are the run's business). */
export function simulationCosts(c: CostConfig) {
  const { borrowTable: _, capacity: __, ...settings } = c;
  return settings;
}

/** `--capacity 1e6,1e7,1e8`: positive numbers, each once, ascending. */
export function parseCapacity(text: string): number[] {
  const parts = String(text).split(',').map((p) => p.trim());
  const values = parts.map((p) => (p === '' ? NaN : Number(p)));
  const bad = parts.find((_, k) => !(Number.isFinite(values[k]!) && values[k]! > 0));
  if (bad !== undefined) throw new UsageError(`--capacity ${text}: "${bad}" is not a positive number; give starting capitals such as 1e6,1e7,1e8`, 'E_BAD_OPTION');
  return [...new Set(values)].sort((a, b) => a - b);
}





/** σ needs two returns: at least 2 days. */
function requireAdvDays(value: string | number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw new UsageError(`--adv-days ${value}: must be a whole number ≥ 2`, 'E_BAD_OPTION');
  return n;
}
