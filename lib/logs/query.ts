import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { issueSaid, zodIssue, zodText } from '@/lib/i18n/zod-said';
import { parseResume } from './cursor';
import type { LogRequest } from './session';
import { parseTimeInput } from './timestamp';

export const DEFAULT_TAIL = 200;
export const MAX_TAIL = 10_000;

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const timeInput = z
  .string()
  .max(40, zodText(say('errors.logs.timeTooLong')))
  .transform((value, ctx) => {
    const d = parseTimeInput(value);
    if (!d) {
      ctx.addIssue({ code: 'custom', ...zodIssue(say('errors.logs.notATime', { value: value.slice(0, 40) })) });
      return z.NEVER;
    }
    return d;
  });

const flag = (name: string) => z.enum(['0', '1', 'true', 'false'], zodText(say('errors.logs.badFlag', { name }))).transform((v) => v === '1' || v === 'true');

const schema = z
  .object({
    service: z.array(z.string().regex(SERVICE_NAME, zodText(say('errors.logs.badServiceName')))).max(20, zodText(say('errors.logs.tooManyServices'))),
    container: z.string().regex(/^[a-f0-9]{12,64}$/, zodText(say('errors.logs.badContainerId'))).optional(),
    tail: z.coerce
      .number({ error: zodText(say('errors.logs.tailNotNumber')) })
      .int(zodText(say('errors.logs.tailWhole')))
      .min(0, zodText(say('errors.logs.tailNegative')))
      .max(MAX_TAIL, zodText(say('errors.logs.tailTooBig', { max: String(MAX_TAIL) })))
      .optional(),
    since: timeInput.optional(),
    until: timeInput.optional(),
    follow: flag('follow').optional(),
    timestamps: flag('timestamps').optional(),
  })
  .refine((q) => !q.since || !q.until || q.since.getTime() < q.until.getTime(), { message: zodText(say('errors.logs.sinceAfterUntil')), path: ['since'] });

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
    // The refusal in the reader's language: the schema's messages are keyed (lib/i18n/zod-said).
    throw new OpsdeckError('invalid_input', issueSaid(parsed.error.issues[0]));
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
