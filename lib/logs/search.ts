/**
 * Search across the whole retained log of a stack's services, on the server: the browser only holds
 * the lines it shows, so "when did this error first appear last week" needs the engine's full log.
 * The result streams as NDJSON (one match per line, then a summary line), and stops reading from
 * Docker as soon as the client goes away.
 */
import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { issueSaid, zodText } from '@/lib/i18n/zod-said';
import type { LogSession } from './session';
import type { LogLevel } from './types';

export const MAX_SEARCH_MATCHES = 10_000;
const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const flag = (name: string) => z.enum(['0', '1', 'true', 'false'], zodText(say('errors.logs.badFlag', { name }))).transform((v) => v === '1' || v === 'true');
const badLimit = zodText(say('errors.logs.badLimit', { max: String(MAX_SEARCH_MATCHES) }));

const searchSchema = z.object({
  q: z.string().max(200, zodText(say('errors.logs.searchTooLong'))).default(''),
  regex: flag('regex').default(false),
  case: flag('case').default(false),
  level: z.enum(LEVELS, zodText(say('errors.logs.badLevel'))).optional(),
  limit: z.coerce.number(badLimit).int(badLimit).min(1, badLimit).max(MAX_SEARCH_MATCHES, badLimit).default(1000),
});

export interface LogSearch {
  match: (text: string) => boolean;
  minLevel: LogLevel | null;
  limit: number;
}

/** The search part of the query string (the time range and services are parseLogQuery's). */
export function parseSearchQuery(params: URLSearchParams): LogSearch {
  const parsed = searchSchema.safeParse({
    q: params.get('q') ?? undefined, regex: params.get('regex') || undefined, case: params.get('case') || undefined,
    level: params.get('level') || undefined, limit: params.get('limit') || undefined,
  });
  if (!parsed.success) throw new OpsdeckError('invalid_input', issueSaid(parsed.error.issues[0]));
  const s = parsed.data;
  if (!s.q && !s.level) throw new OpsdeckError('invalid_input', say('errors.logs.nothingToSearch'));
  let match: (text: string) => boolean = () => true;
  if (s.q && s.regex) {
    let re: RegExp;
    try {
      re = new RegExp(s.q, s.case ? '' : 'i');
    } catch (e) {
      throw new OpsdeckError('invalid_input', say('errors.logs.badRegex', { error: (e as Error).message }));
    }
    match = (t) => re.test(t);
  } else if (s.q) {
    const needle = s.case ? s.q : s.q.toLowerCase();
    match = s.case ? (t) => t.includes(needle) : (t) => t.toLowerCase().includes(needle);
  }
  return { match, minLevel: s.level ?? null, limit: s.limit };
}

export interface SearchSummary { done: true; scanned: number; matches: number; truncated: boolean }

/** NDJSON: {"service","ts","stream","level","text"} per match, then the summary. */
export function searchStream(session: LogSession, search: LogSearch, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const minRank = search.minLevel ? LEVELS.indexOf(search.minLevel) : -1;
  let iterator: AsyncIterator<unknown> | null = null;
  const stop = () => session.close();
  signal?.addEventListener('abort', stop, { once: true });
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let scanned = 0;
      let matches = 0;
      let truncated = false;
      try {
        const it = session.items[Symbol.asyncIterator]();
        iterator = it;
        outer: for (;;) {
          const r = await it.next();
          if (r.done || signal?.aborted) break;
          const out: string[] = [];
          for (const item of r.value) {
            if (item.kind !== 'line') continue;
            scanned++;
            if (minRank >= 0 && (item.level === null || LEVELS.indexOf(item.level) < minRank)) continue;
            if (!search.match(item.text)) continue;
            out.push(JSON.stringify({ service: session.sources[item.source], ts: item.ts, stream: item.stream, level: item.level, text: item.text }));
            if (++matches >= search.limit) {
              truncated = true;
              break;
            }
          }
          if (out.length) controller.enqueue(enc.encode(`${out.join('\n')}\n`));
          if (truncated) break outer;
        }
        if (!signal?.aborted) {
          const summary: SearchSummary = { done: true, scanned, matches, truncated };
          controller.enqueue(enc.encode(`${JSON.stringify(summary)}\n`));
        }
        controller.close();
      } catch (e) {
        if (!signal?.aborted) controller.error(e);
      } finally {
        stop();
        signal?.removeEventListener('abort', stop);
      }
    },
    cancel() {
      stop();
      void iterator?.return?.();
    },
  });
}
