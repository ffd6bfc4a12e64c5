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
  return c.n <= 1 ? c.ts : `${c.ts}~${c.n}`;
}

export function parseCursor(id: string | null | undefined): Cursor | null {
  if (!id) return null;
  const [ts, count, ...rest] = id.trim().split('~');
  if (rest.length || !isDockerTs(ts)) return null;
  if (count === undefined) return { ts, n: 1 };
  if (!/^\d{1,6}$/.test(count)) return null;
  return { ts, n: Number(count) };
}

/** Moves a cursor past one delivered line. */
export function advance(c: Cursor | null, ts: string): Cursor {
  if (c && c.ts === ts) return { ts, n: c.n + 1 };
  return { ts, n: 1 };
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
