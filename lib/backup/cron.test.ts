import { describe, expect, it } from 'vitest';
import { CronError, nextRun, parseCron } from './cron';

// Local-time arithmetic: tests build dates with the local constructor so they hold in any TZ.
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi);
const next = (expr: string, from: Date) => nextRun(parseCron(expr), from);

describe('parseCron', () => {
  it('reads the five fields with lists, ranges, steps and names', () => {
    const s = parseCron('*/15 2,14 1-5 jan-mar MON-fri');
    expect(s.minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([0, 15, 30, 45]);
    expect(s.hours.flatMap((v, i) => (v ? [i] : []))).toEqual([2, 14]);
    expect(s.days.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3, 4, 5]);
    expect(s.months.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3]);
    expect(s.weekdays.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes 7 as Sunday, "a/n" as a range to the end, and the @ shorthands', () => {
    expect(parseCron('0 0 * * 7').weekdays[0]).toBe(true);
    expect(parseCron('5/20 * * * *').minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([5, 25, 45]);
    expect(parseCron('@daily').source).toBe('@daily');
    expect(parseCron('@hourly').minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([0]);
  });

  it.each([
    ['0 2 * *', /5 fields/],
    ['61 * * * *', /minute 61 is out of range/],
    ['* 24 * * *', /hour 24 is out of range/],
    ['* * 0 * *', /day of month 0 is out of range/],
    ['* * * 13 *', /month 13 is out of range/],
    ['* * * * 8', /day of week 8 is out of range/],
    ['*/0 * * * *', /step "0"/],
    ['5-1 * * * *', /goes backwards/],
    ['x * * * *', /"x" is not a valid minute/],
    ['1,,2 * * * *', /empty item/],
    ['@fortnightly', /unknown shorthand/],
  ])('rejects %s with a message', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(CronError);
    expect(() => parseCron(expr)).toThrow(message);
  });
});

describe('nextRun', () => {
  it('finds the next matching minute strictly after the given time', () => {
    expect(next('0 2 * * *', at(2025, 1, 10, 1, 30))).toEqual(at(2025, 1, 10, 2, 0));
    expect(next('0 2 * * *', at(2025, 1, 10, 2, 0))).toEqual(at(2025, 1, 11, 2, 0));
    expect(next('*/15 * * * *', at(2025, 1, 10, 2, 7))).toEqual(at(2025, 1, 10, 2, 15));
    expect(next('* * * * *', new Date(2025, 0, 10, 2, 7, 30))).toEqual(at(2025, 1, 10, 2, 8));
  });

  it('crosses months and years, and skips days that do not exist', () => {
    expect(next('0 0 31 * *', at(2025, 4, 1))).toEqual(at(2025, 5, 31));
    expect(next('0 0 29 2 *', at(2025, 3, 1))).toEqual(at(2028, 2, 29));
    expect(next('@yearly', at(2025, 6, 15))).toEqual(at(2026, 1, 1));
  });

  it('matches either day field when both are restricted (Vixie cron), only the restricted one otherwise', () => {
    // 2025-01-13 is a Monday.
    expect(next('0 0 20 * mon', at(2025, 1, 12))).toEqual(at(2025, 1, 13));
    expect(next('0 0 20 * mon', at(2025, 1, 13, 1))).toEqual(at(2025, 1, 20));
    expect(next('0 0 * * mon', at(2025, 1, 13, 1))).toEqual(at(2025, 1, 20));
    expect(next('0 0 15 * *', at(2025, 1, 13, 1))).toEqual(at(2025, 1, 15));
  });

  it('reports a schedule that never fires', () => {
    expect(() => next('0 0 30 2 *', at(2025, 1, 1))).toThrow(/never fires/);
  });
});
