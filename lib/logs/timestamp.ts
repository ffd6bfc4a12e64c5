/**
 * Docker stamps every log message with RFC 3339 and exactly nine fractional digits in UTC
 * ("2024-05-01T12:00:00.123456789Z", 30 characters). Because the width is fixed, comparing two
 * stamps as strings compares them in time, with nanosecond precision that a JS Date would lose.
 */
export const TS_LENGTH = 30;

const TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

export function isDockerTs(s: string): boolean {
  return s.length === TS_LENGTH && TS_RE.test(s);
}

/** A Date as a Docker stamp (milliseconds padded with zeros). */
export function tsFromDate(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000000Z`;
}

/** A Docker stamp as Docker's `since` / `until` parameter: unix seconds with a 9-digit fraction. */
export function tsToDockerParam(ts: string): string {
  const seconds = Math.floor(Date.parse(`${ts.slice(0, 19)}Z`) / 1000);
  return `${seconds}.${ts.slice(20, 29)}`;
}

/** A Date as Docker's `since` / `until` parameter. */
export function dateToDockerParam(d: Date): string {
  return tsToDockerParam(tsFromDate(d));
}

/** Time-range inputs: an ISO 8601 instant, or a span back from now such as "15m", "2h", "1d". */
export const RELATIVE_RE = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseTimeInput(value: string, now = Date.now()): Date | null {
  const rel = RELATIVE_RE.exec(value);
  if (rel) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
  // Only full instants with a zone: a bare date or local time would depend on the server's zone.
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms) : null;
}
