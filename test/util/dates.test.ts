import { describe, expect, it } from 'vitest';
import { isoDate, parseIsoDate, weekday, yearOf } from '../../src/util/dates.ts';

describe('dates', () => {
  it('parses real YYYY-MM-DD dates into day numbers and back', () => {
    expect(parseIsoDate('1970-01-01')).toBe(0);
    expect(parseIsoDate('1970-01-02')).toBe(1);
    expect(parseIsoDate('2024-02-29')).toBe(19782);
    expect(isoDate(19782)).toBe('2024-02-29');
  });

  it('refuses dates that are not real or not in the form', () => {
    for (const bad of ['2025-02-30', '2023-02-29', '2025-13-01', '2025-1-7', '20251007', '2025/10/07', '', 'yesterday', '2025-10-07T00:00']) {
      expect(parseIsoDate(bad), bad).toBeNull();
    }
  });

  it('knows weekdays and years', () => {
    expect(weekday(parseIsoDate('2025-10-07')!)).toBe(2); // a Tuesday
    expect(weekday(parseIsoDate('2026-01-03')!)).toBe(6); // a Saturday
    expect(yearOf(parseIsoDate('2025-12-31')!)).toBe(2025);
  });
});
