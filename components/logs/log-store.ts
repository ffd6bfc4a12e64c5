import { displayText } from './json-view';
import type { Matcher } from './search';
import { LEVEL_RANK, type ViewLine } from './wire';

/** Lines kept in the page. Older ones are dropped (and counted): memory stays flat at any rate. */
export const MAX_LINES = 50_000;
/**
 * React hears about new lines at most this often. ~100 ms would do for the eye; 50 ms keeps a
 * line's way from the container to the screen under 100 ms at the 95th percentile. The first
 * lines after a quiet spell are published at once (leading edge); light traffic (a few dozen lines
 * per flush, e.g. 1,000 lines/s) flushes every 25 ms, which a windowed list renders cheaply. In a
 * flood (more lines per flush than fit on screen) nobody reads them as they scroll by: render less
 * often.
 */
export const FLUSH_MS = 50;
export const LIGHT_FLUSH_MS = 25;
export const FLOOD_FLUSH_MS = 150;
const LIGHT_LINES = 100;
const FLOOD_LINES = 400;

export interface ViewFilter {
  matcher: Matcher | null;
  /** Hide lines that do not match the search. */
  onlyMatches: boolean;
  /** Minimum JSON level rank; null = all lines. With a level set, lines without one are hidden. */
  minLevel: number | null;
}

/** Search matches what the row shows (readable JSON, no escapes); cached on the line once needed. */
const searchable = (l: ViewLine) => (l.view ??= displayText(l.text, l.level).text);

/**
 * The page's log buffer, outside React: lines arrive thousands per second and React only hears
 * about them at each flush. Every line that arrived is accounted for:
 * received = kept + evicted (older than the cap) + pending (arrived while paused) + skipped
 * (arrived while paused, beyond the cap).
 */
export class LogStore {
  private lines: ViewLine[] = [];
  private start = 0;
  private nextId = 0;
  received = 0;
  evicted = 0;
  skipped = 0;
  pending: ViewLine[] = [];
  paused = false;
  matchCount = 0;
  private gen = 1;
  private filter: ViewFilter = { matcher: null, onlyMatches: false, minLevel: null };
  /** Ids of the lines shown under the filter; null when every line is shown. */
  private visible: number[] | null = null;
  private visibleStart = 0;
  /** Bumped on every change; `published` is what React last heard (useSyncExternalStore). */
  private version = 0;
  private published = 0;
  private lastPublish = 0;
  /** Lines added since the last publish, and in the interval before it. */
  private sincePublish = 0;
  private lastBurst = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): number => this.published;

  /** Batches changes: the first after a quiet spell is shown at once, the next ones every interval. */
  private changed(now = false, lines = 0): void {
    this.version++;
    this.sincePublish += lines;
    if (this.timer && !now) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const every = this.lastBurst > FLOOD_LINES ? FLOOD_FLUSH_MS : this.lastBurst > LIGHT_LINES ? FLUSH_MS : LIGHT_FLUSH_MS;
    const wait = now ? 0 : this.lastPublish + every - performance.now();
    // Leading edge: no timer hop (which a busy page delays behind its network reads).
    if (!now && wait <= 0) return this.publish();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.publish();
    }, Math.max(0, wait));
  }

  private publish(): void {
    this.lastPublish = performance.now();
    this.lastBurst = this.sincePublish;
    this.sincePublish = 0;
    this.published = this.version;
    for (const fn of this.listeners) fn();
  }

  get size(): number {
    return this.lines.length - this.start;
  }

  /** Lines shown (after filters), in order. */
  get viewCount(): number {
    return this.visible ? this.visible.length - this.visibleStart : this.size;
  }

  /** The i-th shown line. */
  at(i: number): ViewLine | undefined {
    if (this.visible) {
      const id = this.visible[this.visibleStart + i];
      return id === undefined ? undefined : this.lines[this.start + (id - this.lines[this.start].id)];
    }
    return this.lines[this.start + i];
  }

  /** A kept line by id (selection survives filtering and scrolling). */
  byId(id: number): ViewLine | undefined {
    if (this.size === 0) return undefined;
    const i = this.start + (id - this.lines[this.start].id);
    return i >= this.start && i < this.lines.length ? this.lines[i] : undefined;
  }

  add(batch: Omit<ViewLine, 'id' | 'mg'>[]): void {
    if (!batch.length) return;
    this.received += batch.length;
    const lines = batch.map((l) => ({ ...l, id: this.nextId++, mg: 0 }) as ViewLine);
    if (this.paused) {
      this.pending.push(...lines);
      const over = this.pending.length - MAX_LINES;
      if (over > 0) {
        this.pending.splice(0, over);
        this.skipped += over;
      }
    } else this.append(lines);
    this.changed(false, lines.length);
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (!paused && this.pending.length) {
      const lines = this.pending;
      this.pending = [];
      this.append(lines);
    }
    this.changed(true);
  }

  /** Lines that arrived while paused (pending and skipped), for the "N new lines" notice. */
  get arrivedWhilePaused(): number {
    return this.pending.length + this.skipped;
  }

  setFilter(filter: ViewFilter): void {
    const searchChanged = filter.matcher !== this.filter.matcher || filter.minLevel !== this.filter.minLevel;
    this.filter = filter;
    if (searchChanged) this.gen++;
    this.matchCount = 0;
    const active = filter.minLevel !== null || (filter.onlyMatches && filter.matcher !== null);
    this.visible = active ? [] : null;
    this.visibleStart = 0;
    for (let i = this.start; i < this.lines.length; i++) this.classify(this.lines[i]);
    this.changed(true);
  }

  /** A new stream (other services or range): everything starts from zero. */
  reset(): void {
    this.lines = [];
    this.start = 0;
    this.pending = [];
    this.received = this.evicted = this.skipped = this.matchCount = 0;
    if (this.visible) this.visible = [];
    this.visibleStart = 0;
    this.changed(true);
  }

  /** Marks the line as matching (current generation), counts it, and lists it if shown. */
  private classify(l: ViewLine): void {
    const f = this.filter;
    if (l.kind === 'marker') {
      this.visible?.push(l.id);
      return;
    }
    const levelOk = f.minLevel === null || (l.level !== null && LEVEL_RANK[l.level] >= f.minLevel);
    const matches = levelOk && f.matcher !== null && f.matcher.test(searchable(l));
    if (matches) {
      l.mg = this.gen;
      this.matchCount++;
    }
    if (this.visible && levelOk && (!f.onlyMatches || !f.matcher || matches)) this.visible.push(l.id);
  }

  private append(lines: ViewLine[]): void {
    for (const l of lines) {
      this.lines.push(l);
      this.classify(l);
    }
    const over = this.size - MAX_LINES;
    if (over > 0) {
      for (let i = this.start; i < this.start + over; i++) if (this.lines[i].mg === this.gen) this.matchCount--;
      this.start += over;
      this.evicted += over;
      if (this.visible) {
        const firstId = this.lines[this.start].id;
        while (this.visibleStart < this.visible.length && this.visible[this.visibleStart] < firstId) this.visibleStart++;
      }
    }
    // Compact now and then instead of shifting arrays on every eviction.
    if (this.start > 20_000) {
      this.lines = this.lines.slice(this.start);
      this.start = 0;
    }
    if (this.visible && this.visibleStart > 20_000) {
      this.visible = this.visible.slice(this.visibleStart);
      this.visibleStart = 0;
    }
  }
}
