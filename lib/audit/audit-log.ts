/**
 * The audit log: who did what to which stack, from where, and how it ended.
 *
 * NEVER pass secrets. The log is shown to every admin and kept indefinitely, so callers must mask
 * passwords, tokens, DSNs and env-file values in `detail` and `target` before calling `recordAudit`
 * (e.g. "DATABASE_URL=postgres://memos:***@db/memos", never the raw value). This module cannot tell
 * a secret from a message and stores what it is given, only truncated.
 */
import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getDb } from '@/lib/store/db';

export const AUDIT_RESULTS = ['ok', 'error', 'denied'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export const AUDIT_DETAIL_MAX_BYTES = 2048;
const FIELD_MAX_CHARS = 200;
const TRUNCATED = '…[truncated]';

export interface AuditEntry {
  /** Username, or null for anonymous events (a failed sign-in for an unknown user, a system job). */
  actor: string | null;
  role: string | null;
  ip: string | null;
  /** Dotted verb, e.g. "stack.restart", "user.create", "auth.login". */
  action: string;
  stack?: string | null;
  /** What was acted on within the stack or the console: a service, a backup file, a username. */
  target?: string | null;
  result: AuditResult;
  /** Masked free text (an error message, a summary). Truncated to 2 KB. */
  detail?: string | null;
  /** Defaults to now; settable for imports and tests. */
  at?: Date;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  stack: string | null;
  target: string | null;
  result: AuditResult;
  detail: string | null;
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(TRUNCATED, 'utf8');
  let used = 0;
  let out = '';
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > budget) break;
    used += size;
    out += ch;
  }
  return out + TRUNCATED;
}

const clip = (value: string | null | undefined, max = FIELD_MAX_CHARS) =>
  value == null ? null : value.length > max ? value.slice(0, max - TRUNCATED.length) + TRUNCATED : value;

/**
 * Appends one entry and returns its id. Never throws: the action being audited has already happened
 * (a deploy ran, a user was created), and failing the request over the log write would report that
 * action as failed. A failed write is reported on stderr instead and yields null.
 */
export function recordAudit(entry: AuditEntry): number | null {
  try {
    const { lastInsertRowid } = getDb()
      .prepare(
        `INSERT INTO audit (at, actor, role, ip, action, stack, target, result, detail)
         VALUES (@at, @actor, @role, @ip, @action, @stack, @target, @result, @detail)`,
      )
      .run({
        at: (entry.at ?? new Date()).toISOString(),
        actor: clip(entry.actor),
        role: clip(entry.role),
        ip: clip(entry.ip),
        action: clip(entry.action) ?? '',
        stack: clip(entry.stack),
        target: clip(entry.target),
        result: entry.result,
        detail: entry.detail == null ? null : truncateUtf8(entry.detail, AUDIT_DETAIL_MAX_BYTES),
      });
    return Number(lastInsertRowid);
  } catch (e) {
    // Only the action and the error: the detail may be large and is not needed to diagnose the write.
    console.error(`opsdeck: could not write audit entry "${entry.action}":`, e instanceof Error ? e.message : e);
    return null;
  }
}

// Form fields arrive as strings, and an untouched field as "": treat that as "no filter".
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.string().max(FIELD_MAX_CHARS).optional(),
);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Accepts "2025-01-31", "2025-01-31T10:30" (datetime-local input) or a full ISO timestamp and yields
 * a full ISO timestamp. Values without a zone are taken as UTC, the zone of the stored timestamps, so
 * results do not depend on the server's TZ. A date-only `to` means the end of that day (inclusive).
 * The output parses to itself, so a parsed filter can be passed to queryAudit again.
 */
function timeBound(endOfDay: boolean) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const dateOnly = DATE_ONLY.test(v);
        const date = new Date(dateOnly ? `${v}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : HAS_ZONE.test(v) ? v : `${v}Z`);
        if (Number.isNaN(date.getTime())) {
          ctx.addIssue({ code: 'custom', message: `"${v.slice(0, 40)}" is not a date.` });
          return z.NEVER;
        }
        return date.toISOString();
      }),
  );
}

export const auditFilterSchema = z.object({
  actor: optionalText,
  action: optionalText,
  stack: optionalText,
  result: z.preprocess((v) => (v === '' ? undefined : v), z.enum(AUDIT_RESULTS).optional()),
  from: timeBound(false),
  to: timeBound(true),
  limit: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(500).default(100)),
  offset: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).default(0)),
});
export type AuditFilterInput = z.input<typeof auditFilterSchema>;
export type AuditFilter = z.output<typeof auditFilterSchema>;

/** Matching rows, newest first, plus the total number of matches for pagination. */
export function queryAudit(filter: AuditFilterInput | AuditFilter = {}): { rows: AuditRow[]; total: number } {
  const parsed = auditFilterSchema.safeParse(filter);
  if (!parsed.success) {
    throw new OpsdeckError('invalid_input', say('errors.audit.badFilter', { why: parsed.error.issues[0]?.message ?? 'invalid.' }));
  }
  const f = parsed.data;
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  const add = (sql: string, key: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(sql);
    params[key] = value;
  };
  // Exact matches so the indexes apply; actors are stored with the username's canonical spelling.
  add('actor = @actor', 'actor', f.actor);
  add('action = @action', 'action', f.action);
  add('stack = @stack', 'stack', f.stack);
  add('result = @result', 'result', f.result);
  // Stored `at` values are all toISOString() output, so string comparison is chronological.
  add('at >= @from', 'from', f.from);
  add('at <= @to', 'to', f.to);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';

  const db = getDb();
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit ${clause}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT id, at, actor, role, ip, action, stack, target, result, detail FROM audit ${clause}
       ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: f.limit, offset: f.offset }) as AuditRow[];
  return { rows, total };
}
