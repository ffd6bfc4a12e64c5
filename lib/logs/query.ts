import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { parseResume } from './cursor';
import type { LogRequest } from './session';
import { parseTimeInput } from './timestamp';

export const DEFAULT_TAIL = 200;
export const MAX_TAIL = 10_000;

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const timeInput = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const d = parseTimeInput(value);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 40)}" is not a time: use an ISO 8601 instant with a zone (2024-05-01T12:00:00Z) or a span back from now (15m, 2h, 1d).` });
      return z.NEVER;
    }
    return d;
  });

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const schema = z
  .object({
    service: z.array(z.string().regex(SERVICE_NAME, 'A service name is letters, digits, ".", "_" and "-".')).max(20, 'At most 20 services at once.'),
    container: z.string().regex(/^[a-f0-9]{12,64}$/, 'A container id is 12 to 64 hexadecimal characters.').optional(),
    tail: z.coerce.number({ error: 'tail must be a number of lines.' }).int().min(0).max(MAX_TAIL, `tail is at most ${MAX_TAIL} lines.`).optional(),
    since: timeInput.optional(),
    until: timeInput.optional(),
    follow: flag.optional(),
    timestamps: flag.optional(),
  })
  .refine((q) => !q.since || !q.until || q.since.getTime() < q.until.getTime(), { message: '"since" must be before "until".', path: ['since'] });

export interface ParsedLogQuery extends LogRequest {
  /** Downloads: prefix each line with its stamp. */
  timestamps: boolean;
}

/**
 * The query string of the log endpoints, validated. `service` may repeat or hold a comma list.
 * Without a time range the stream opens with the last DEFAULT_TAIL lines; with `since`, all lines
 * since then (or the last `tail`). A download never follows and stops at `until` (default: now).
 */
export function parseLogQuery(params: URLSearchParams, opts: { mode: 'stream' | 'download'; lastEventId?: string | null }): ParsedLogQuery {
  const one = (k: string) => params.get(k) ?? undefined;
  const parsed = schema.safeParse({
    service: params.getAll('service').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean),
    container: one('container'),
    tail: one('tail') || undefined,
    since: one('since') || undefined,
    until: one('until') || undefined,
    follow: one('follow') || undefined,
    timestamps: one('timestamps') || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OpsdeckError('invalid_input', issue.message);
  }
  const q = parsed.data;
  const resume = opts.lastEventId ? parseResume(opts.lastEventId) : null;
  if (opts.lastEventId && !resume) throw new OpsdeckError('invalid_input', say('errors.logs.notPosition'));
  if (opts.mode === 'download') {
    return { services: q.service, containerId: q.container, tail: q.tail, since: q.since, until: q.until ?? new Date(), follow: false, resume: null, timestamps: q.timestamps ?? false };
  }
  return {
    services: q.service,
    containerId: q.container,
    tail: q.tail ?? (q.since ? undefined : DEFAULT_TAIL),
    since: q.since,
    until: q.until,
    follow: q.follow ?? true,
    resume,
    timestamps: true,
  };
}
