import { describe, expect, it } from 'vitest';
import { groupWarnings, warningLines } from '../../src/util/warnings.ts';

describe('warnings a person reads', () => {
  it('one line per kind, with the count and an example; the run\'s own first', () => {
    const variants = Array.from({ length: 48 }, (_, k) => ({ id: k + 1, warnings: [`${k % 3 + 1} order(s) not executed: no price on the fill day`, 'uses a fixed seed'] }));
    const groups = groupWarnings(['the range is cut'], variants, false);
    expect(groups.map((g) => g.message)).toEqual([
      'the range is cut',
      '48 variants, e.g. variant 1: 1 order(s) not executed: no price on the fill day',
      '48 variants: uses a fixed seed',
    ]);
    expect(groups[1]!.examples).toHaveLength(10);
  });

  it('a single variant\'s warnings are shown as they are; one variant of many is named', () => {
    expect(groupWarnings([], [{ id: 1, warnings: ['x 3'] }], true).map((g) => g.message)).toEqual(['x 3']);
    expect(groupWarnings([], [{ id: 7, warnings: ['x 3'] }, { id: 8, warnings: [] }], false).map((g) => g.message)).toEqual(['variant 7: x 3']);
  });

  it('never more than a handful of lines in a terminal', () => {
    const groups = groupWarnings(Array.from({ length: 9 }, (_, k) => `kind ${String.fromCharCode(97 + k)}`), [], false);
    expect(warningLines(groups)).toEqual(['kind a', 'kind b', 'kind c', 'kind d', '5 more warnings: see "warnings" in manifest.json']);
  });
});
