/**
 * A small cron parser (the classic five fields, in the server's local time, like crond):
 * minute hour day-of-month month day-of-week, with `*`, lists, ranges, steps, month and day names,
 * 7 as Sunday, and the @hourly/@daily/@weekly/@monthly/@yearly shorthands. As in Vixie cron, when
 * both day fields are restricted a day matching either one runs.
 */

export class CronError extends Error {}

export interface CronSchedule {
  source: string;
  minutes: boolean[];
  hours: boolean[];
  days: boolean[];
  months: boolean[];
  weekdays: boolean[];
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Offset of names[0] (months start at 1). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 7 is accepted for Sunday and folded to 0 below.
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

function value(text: string, spec: FieldSpec): number {
  const lower = text.toLowerCase();
  const named = spec.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new CronError(`"${text}" is not a valid ${spec.name}`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new CronError(`${spec.name} ${n} is out of range (${spec.min}-${spec.max})`);
  return n;
}

function parseField(text: string, spec: FieldSpec): boolean[] {
  const set = new Array<boolean>(spec.max + 1).fill(false);
  for (const part of text.split(',')) {
    if (part === '') throw new CronError(`empty item in the ${spec.name} field`);
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new CronError(`"${part}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new CronError(`step "${stepText}" in the ${spec.name} field must be a positive number`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max === 7 ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a, spec);
      to = value(b, spec);
      if (from > to) throw new CronError(`range "${range}" in the ${spec.name} field goes backwards`);
    } else {
      from = value(range, spec);
      // "5/15" means from 5 to the end in steps of 15, as in Vixie cron.
      to = stepText !== undefined ? (spec.max === 7 ? 6 : spec.max) : from;
    }
    for (let v = from; v <= to; v += step) set[v] = true;
  }
  return set;
}

export function parseCron(expression: string): CronSchedule {
  const source = expression.trim().replace(/\s+/g, ' ');
  const expanded = MACROS[source.toLowerCase()] ?? source;
  if (expanded.startsWith('@')) throw new CronError(`unknown shorthand "${source}" (use @hourly, @daily, @weekly, @monthly or @yearly)`);
  const parts = expanded.split(' ');
  if (parts.length !== 5) throw new CronError(`a schedule has 5 fields (minute hour day month weekday), this one has ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => parseField(p, FIELDS[i]));
  if (weekdays[7]) weekdays[0] = true;
  return {
    source,
    minutes,
    hours,
    days,
    months,
    weekdays: weekdays.slice(0, 7),
    dayRestricted: !parts[2].startsWith('*'),
    weekdayRestricted: !parts[4].startsWith('*'),
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.days[d.getDate()];
  const dow = s.weekdays[d.getDay()];
  if (s.dayRestricted && s.weekdayRestricted) return dom || dow;
  if (s.dayRestricted) return dom;
  if (s.weekdayRestricted) return dow;
  return true;
}

/** The first time strictly after `after` (to the minute) at which the schedule fires. */
export function nextRun(schedule: CronSchedule, after: Date): Date {
  const d = new Date(after.getTime());
  d.setSeconds(0, 0);
  d.setMinutes(d.getMinutes() + 1);
  // Jumps by month, day, hour, minute; 5 years of misses means a date that never exists (Feb 30).
  const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
  while (d.getTime() <= limit) {
    if (!schedule.months[d.getMonth() + 1]) {
      d.setMonth(d.getMonth() + 1, 1);
      d.setHours(0, 0, 0, 0);
    } else if (!dayMatches(schedule, d)) {
      d.setDate(d.getDate() + 1);
      d.setHours(0, 0, 0, 0);
    } else if (!schedule.hours[d.getHours()]) {
      d.setHours(d.getHours() + 1, 0, 0, 0);
    } else if (!schedule.minutes[d.getMinutes()]) {
      d.setMinutes(d.getMinutes() + 1, 0, 0);
    } else {
      return d;
    }
  }
  throw new CronError(`"${schedule.source}" never fires (no such date)`);
}
