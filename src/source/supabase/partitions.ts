/**
 * Splits a sorted symbol list into contiguous partitions read concurrently: about one per
 * connection, each small enough that its `symbol=in.(…)` filter keeps the URL well under the
 * 8 KB that gateways accept.
 */
const URL_BUDGET = 6_000;

/** A PostgREST list value: quoted when it holds a reserved character. */
function listValue(symbol: string): string {
  return /[,()".:\s\\]/.test(symbol) ? `"${symbol.replace(/[\\"]/g, '\\$&')}"` : symbol;
}

/** A value inside a logic tree (`or=(…)`), always double-quoted. */
export function treeValue(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

export function partitionSymbols(symbols: readonly string[], parts: number, budget = URL_BUDGET): string[][] {
  if (symbols.length === 0) return [];
  const size = Math.ceil(symbols.length / Math.max(1, Math.min(parts, symbols.length)));
  const out: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const s of symbols) {
    const cost = encodeURIComponent(listValue(s)).length + 3; // the value and an encoded comma
    if (current.length && (current.length >= size || length + cost > budget)) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(s);
    length += cost;
  }
  out.push(current);
  return out;
}
