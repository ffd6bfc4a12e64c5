import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { LOCALES, type Locale } from '@/lib/i18n/locales';
import { maskSecret } from '@/lib/secrets';
import { getDb } from '@/lib/store';
import { NOTIFY_EVENTS, NOTIFY_FORMATS, type NotifyEvent, type NotifyFormat } from './formats';
import { say } from '@/lib/i18n/server-text';
import { issueSaid, zodIssue, zodText } from '@/lib/i18n/zod-said';

export interface NotifyTarget {
  id: number;
  stack: string;
  name: string;
  format: NotifyFormat;
  url: string;
  events: NotifyEvent[];
  enabled: boolean;
  /** An admin allowed private, loopback and link-local addresses for this one (lib/notify/safe-post.ts). */
  allowPrivate: boolean;
  options: TargetOptions;
}

/**
 * What a channel needs beyond its URL: the robot's signing secret (DingTalk, Feishu), the bot token
 * and chat (Telegram, whose URL is the Bot API base), the sender and recipients (email, whose URL is
 * smtp:// or smtps://). Secrets never reach the browser.
 */
export const targetOptionsSchema = z.object({
  secret: z.string().trim().min(1, zodText(say('errors.notify.badSecret'))).max(300, zodText(say('errors.notify.badSecret'))).optional(),
  chatId: z.string().trim().regex(/^(-?\d{1,20}|@\w{4,64})$/, { error: zodText(say('errors.notify.badChatId')) }).optional(),
  from: z.email(zodText(say('errors.notify.badEmail'))).optional(),
  to: z.array(z.email(zodText(say('errors.notify.badEmail')))).min(1, zodText(say('errors.notify.recipients'))).max(20, zodText(say('errors.notify.recipients'))).optional(),
  /** The language its messages are written in (en when absent: targets made before it existed). */
  lang: z.enum(LOCALES, zodText(say('errors.notify.badLang'))).optional(),
});
export type TargetOptions = z.infer<typeof targetOptionsSchema>;

/** What the browser may see: the URL reduced to its origin plus the token's last 4 characters. */
export interface NotifyTargetView extends Omit<NotifyTarget, 'url' | 'options'> {
  urlMasked: string;
  lang: Locale;
  lastDelivery: { status: string; attempts: number; error: string | null; at: string; title: string } | null;
}

export const targetInputSchema = z.object({
  name: z.string().trim().min(1, { error: zodText(say('errors.notify.giveName')) }).max(60, zodText(say('errors.notify.nameTooLong'))),
  format: z.enum(NOTIFY_FORMATS, zodText(say('errors.notify.badFormat'))),
  url: z.url({ protocol: /^(https?|smtps?)$/, error: zodText(say('errors.notify.badUrl')) }),
  events: z.array(z.enum(NOTIFY_EVENTS, zodText(say('errors.notify.badEvent')))).min(1, { error: zodText(say('errors.notify.chooseEvent')) }),
  allowPrivate: z.boolean().default(false),
  options: targetOptionsSchema.default({}),
}).superRefine((t, ctx) => {
  const smtp = /^smtps?:/.test(t.url);
  if ((t.format === 'email') !== smtp) ctx.addIssue({ code: 'custom', path: ['url'], ...zodIssue(t.format === 'email' ? say('errors.notify.emailNeedsSmtp') : say('errors.notify.needsHttp')) });
  if (t.format === 'email' && (!t.options.from || !t.options.to)) ctx.addIssue({ code: 'custom', path: ['options'], ...zodIssue(say('errors.notify.emailNeedsAddresses')) });
  if (t.format === 'telegram' && (!t.options.secret || !t.options.chatId)) ctx.addIssue({ code: 'custom', path: ['options'], ...zodIssue(say('errors.notify.telegramNeeds')) });
});

interface Row {
  id: number; stack: string; name: string; format: NotifyFormat; url: string; events: string; enabled: number; allow_private: number; options: string | null;
}

const toTarget = (r: Row): NotifyTarget => ({ id: r.id, stack: r.stack, name: r.name, format: r.format, url: r.url, events: JSON.parse(r.events) as NotifyEvent[], enabled: r.enabled === 1, allowPrivate: r.allow_private === 1, options: r.options ? (JSON.parse(r.options) as TargetOptions) : {} });

export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    // An SMTP URL's secret is its user:password; the host and port say enough.
    if (u.protocol === 'smtp:' || u.protocol === 'smtps:') return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
    const rest = `${u.pathname}${u.search}`;
    return `${u.origin}/${maskSecret(rest.replace(/^\//, ''))}`;
  } catch {
    return maskSecret(url);
  }
}

/**
 * A new target's settings, checked: every problem named with its field, each keyed (lib/i18n/zod-said)
 * so the admin reads the list in their language; the English is what it was before keys.
 */
export function parseTargetInput(input: unknown): z.output<typeof targetInputSchema> {
  const parsed = targetInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((x) => say('errors.notify.fieldProblem', { field: x.path.join('.'), problem: issueSaid(x) }));
  throw new OpsdeckError('invalid_input', problems.reduce((a, b) => say('errors.notify.problems', { a, b })));
}

export function addTarget(stack: string, input: z.input<typeof targetInputSchema>, by: string | null): number {
  const r = getDb()
    .prepare('INSERT INTO notify_targets (stack, name, format, url, events, allow_private, options, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(stack, input.name, input.format, input.url, JSON.stringify(input.events), input.allowPrivate ? 1 : 0, JSON.stringify(input.options ?? {}), by, new Date().toISOString());
  return Number(r.lastInsertRowid);
}

export function deleteTarget(stack: string, id: number): void {
  const r = getDb().prepare('DELETE FROM notify_targets WHERE id = ? AND stack = ?').run(id, stack);
  if (r.changes === 0) throw new OpsdeckError('not_found', say('errors.webhookGone'));
}

export function getTarget(stack: string, id: number): NotifyTarget {
  const row = getDb().prepare('SELECT * FROM notify_targets WHERE id = ? AND stack = ?').get(id, stack) as Row | undefined;
  if (!row) throw new OpsdeckError('not_found', say('errors.webhookGone'));
  return toTarget(row);
}

export function targetsFor(stack: string, event: NotifyEvent): NotifyTarget[] {
  return (getDb().prepare('SELECT * FROM notify_targets WHERE stack = ? AND enabled = 1').all(stack) as Row[])
    .map(toTarget)
    .filter((t) => event === 'test' || t.events.includes(event));
}

export function listTargets(stack: string): NotifyTargetView[] {
  const last = getDb().prepare('SELECT status, attempts, last_error, updated_at, title FROM notify_deliveries WHERE target_id = ? ORDER BY id DESC LIMIT 1');
  return (getDb().prepare('SELECT * FROM notify_targets WHERE stack = ? ORDER BY id').all(stack) as Row[]).map((r) => {
    // The options hold secrets: only the language is shown.
    const { url, options, ...t } = toTarget(r);
    const d = last.get(r.id) as { status: string; attempts: number; last_error: string | null; updated_at: string; title: string } | undefined;
    return { ...t, urlMasked: maskUrl(url), lang: options.lang ?? 'en', lastDelivery: d ? { status: d.status, attempts: d.attempts, error: d.last_error, at: d.updated_at, title: d.title } : null };
  });
}
