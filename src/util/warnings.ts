/**
 * Warnings a person reads: the same warning from many variants is one line with a count and an
 * example (a 1,000-variant sweep must not print 1,000 lines); the full list goes to the manifest.
 * 1. Warnings of the run come first, each once.
 * 2. Variants' warnings are grouped by their text with numbers blanked ("3 order(s) …" and
 *    "5 order(s) …" are one kind); a group names how many variants and one example.
 */
export interface WarningGroup {
  /** The line shown. */
  readonly message: string;
  /** How many variants gave it (0 for a warning of the run). */
  readonly variants: number;
  /** Up to 10 (variant, text) examples. */
  readonly examples: ReadonlyArray<{ readonly variant: number; readonly text: string }>;
}

export function groupWarnings(run: readonly string[], variants: ReadonlyArray<{ readonly id: number; readonly warnings: readonly string[] }>, single: boolean): WarningGroup[] {
  const groups: WarningGroup[] = [...new Set(run)].map((message) => ({ message, variants: 0, examples: [] }));
  const byKind = new Map<string, Array<{ variant: number; text: string }>>();
  for (const v of variants) {
    for (const text of new Set(v.warnings)) {
      const kind = text.replace(/\d+(?:[.,]\d+)*/g, '#');
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = []));
      list.push({ variant: v.id, text });
    }
  }
  for (const list of byKind.values()) {
    const first = list[0]!;
    const same = list.every((e) => e.text === first.text);
    const message = single ? first.text
      : list.length === 1 ? `variant ${first.variant}: ${first.text}`
      : same ? `${list.length} variants: ${first.text}`
      : `${list.length} variants, e.g. variant ${first.variant}: ${first.text}`;
    groups.push({ message, variants: list.length, examples: list.slice(0, 10) });
  }
  return groups;
}

/** At most `max` lines for a terminal; the rest are counted, with where to find them. */
export function warningLines(groups: readonly WarningGroup[], max = 5): string[] {
  if (groups.length <= max) return groups.map((g) => g.message);
  return [...groups.slice(0, max - 1).map((g) => g.message), `${groups.length - max + 1} more warnings: see "warnings" in manifest.json`];
}
