/**
 * Why a row is refused: a small code in the Parquet stage (computed in SQL for the rows that fail
 * a check, null for the rest), and the cells the message quotes. The words are made here, in
 * JavaScript, only for refused rows, so numbers print as they always did (shortest round trip:
 * `close -3 is not positive`, not DuckDB's `-3.0`).
 */
export const REASON = {
  /** A line of spaces: csv-parse skipped it, so it is dropped, not refused. */
  blank: 0,
  symbolMissing: 1,
  badDate: 2,
  notANumber: { open: 3, high: 4, low: 5, close: 6, adjClose: 7, volume: 8 },
  closeMissing: 9,
  closeNotPositive: 10,
  adjNotPositive: 11,
  highBelowLow: 12,
  duplicate: 13,
  emptyFile: 14,
  /** Marked refused when read, with no reason when its text was checked again (should not happen). */
  unexplained: 15,
  // the universe file
  seasonNotAYear: 20,
  universeSymbolMissing: 21,
  peerGroupMissing: 22,
  badStartDate: 23,
  badEndDate: 24,
  endBeforeStart: 25,
  universeDuplicate: 26,
} as const;

const FIELD_NAMES: Record<number, string> = { 3: 'open', 4: 'high', 5: 'low', 6: 'close', 7: 'adj close', 8: 'volume' };

/** Text of a cell as csv-parse gave it (trimmed). */
const text = (cell: string | null | undefined) => (cell ?? '').trim();
/** A number as JavaScript prints it, from the cell it was read from. */
const number = (cell: string | null | undefined) => String(Number(text(cell)));

/**
 * The message of a refused row. `detail` holds the cells the message quotes (the date, the value
 * that is not a number, …; for a duplicate: symbol, date text and where the first one was).
 */
export function reasonText(code: number, detail: readonly (string | null)[] | null): string {
  const d = detail ?? [];
  switch (code) {
    case REASON.symbolMissing:
    case REASON.universeSymbolMissing:
      return 'symbol missing';
    case REASON.badDate: {
      const date = text(d[0]);
      return /^\d{4}-\d{2}-\d{2}[ T]\d/.test(date)
        ? `date "${date}" has a time of day: only daily bars are supported`
        : `date "${date}" is not a real YYYY-MM-DD date`;
    }
    case REASON.unexplained:
      return 'refused when read, though its cells pass the checks when read again';
    case REASON.emptyFile:
      return 'the file is empty';
    case REASON.closeMissing:
      return 'close is missing';
    case REASON.closeNotPositive:
      return `close ${number(d[0])} is not positive`;
    case REASON.adjNotPositive:
      return 'adj close is missing or not positive';
    case REASON.highBelowLow:
      return `high ${number(d[0])} is below low ${number(d[1])}`;
    case REASON.duplicate:
      return `duplicate of ${d[0]} ${text(d[1])} at ${d[2]}`;
    case REASON.seasonNotAYear:
      return `season "${text(d[0])}" is not a year`;
    case REASON.peerGroupMissing:
      return 'peer_group missing';
    case REASON.badStartDate:
      return `start_date "${text(d[0])}" is not a real YYYY-MM-DD date`;
    case REASON.badEndDate:
      return `end_date "${text(d[0])}" is not a real YYYY-MM-DD date`;
    case REASON.endBeforeStart:
      return `end_date ${text(d[1])} is before start_date ${text(d[0])}`;
    case REASON.universeDuplicate:
      return `duplicate of season ${d[0]} symbol ${d[1]}`;
    default: {
      const field = FIELD_NAMES[code];
      if (field) return `${field} "${text(d[0])}" is not a number`;
      return `refused (reason ${code})`;
    }
  }
}
