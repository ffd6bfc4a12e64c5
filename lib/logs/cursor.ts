import { isDockerTs } from './timestamp';

/**
 * A position in a log: the stamp of the last line delivered and how many lines carried exactly that
 * stamp. Docker's `since` is inclusive, so resuming with `since = ts` returns those lines again;
 * the count says how many to skip. Nanosecond stamps rarely collide, but a guess here would be a
 * duplicate or a hole in an incident timeline.
 *
 * As an SSE event id it reads "<ts>" (one line at that stamp) or "<ts>~<n>".
 */
export interface Cursor {
  ts: string;
  n: number;
}

export function formatCursor(c: Cursor): string {
  // n = 0 (a floor: nothing at that stamp delivered yet) must survive the round trip.
  return c.n === 1 ? c.ts : `${c.ts}~${c.n}`;
}

export function parseCursor(id: string | null | undefined): Cursor | null {
  if (!id) return null;
  const [ts, count, ...rest] = id.trim().split('~');
  if (rest.length || !isDockerTs(ts)) return null;
  if (count === undefined) return { ts, n: 1 };
  if (!/^\d{1,6}$/.test(count)) return null;
  return { ts, n: Number(count) };
}

/** Moves a cursor past one delivered line; never backwards (a line older than the cursor leaves it). */
export function advance(c: Cursor | null, ts: string): Cursor {
  if (c && c.ts === ts) return { ts, n: c.n + 1 };
  if (c && ts < c.ts) return c;
  return { ts, n: 1 };
}

/**
 * Where a merged stream stands: one cursor per service, because a live merge may release a line of
 * a slow service after a newer line of another (see merge.ts), so no single stamp separates
 * "delivered" from "not yet". `floor` is where a service that delivered nothing yet resumes.
 *
 * As an SSE id: "<floor>|<service>=<cursor>|…"; a plain cursor is read as a floor alone.
 */
export interface ResumePoint {
  floor: Cursor;
  bySource: Record<string, Cursor>;
}

const SERVICE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function formatPosition(floor: Cursor, sources: readonly string[], cursors: readonly (Cursor | null)[]): string {
  let out = formatCursor(floor);
  sources.forEach((name, i) => {
    const c = cursors[i];
    if (c) out += `|${name}=${formatCursor(c)}`;
  });
  return out;
}

export function parseResume(id: string | null | undefined): ResumePoint | null {
  if (!id) return null;
  const [first, ...parts] = id.trim().split('|');
  if (parts.length > 20) return null;
  // A position always has a floor: without one, a quiet service would be read from its very start.
  const floor = parseCursor(first);
  if (!floor) return null;
  const bySource: Record<string, Cursor> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq);
    const c = eq > 0 ? parseCursor(part.slice(eq + 1)) : null;
    if (!c || !SERVICE_RE.test(name) || Object.hasOwn(bySource, name)) return null;
    bySource[name] = c;
  }
  return { floor, bySource };
}

/** Accepts a plain cursor (one service, older clients) where a resume point is expected. */
export function toResumePoint(r: Cursor | ResumePoint | null | undefined): ResumePoint | null {
  if (!r) return null;
  return 'ts' in r ? { floor: r, bySource: {} } : r;
}

/**
 * Lets through only lines after a cursor: older stamps are dropped, and of the lines at exactly the
 * cursor's stamp the first `n` (already delivered) are dropped.
 */
export class CursorGate {
  private skip: number;

  constructor(private readonly from: Cursor | null) {
    this.skip = from?.n ?? 0;
  }

  admit(ts: string): boolean {
    const from = this.from;
    if (!from) return true;
    if (ts > from.ts) return true;
    if (ts < from.ts) return false;
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    return true;
  }
}
