import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locales';
import type { Said } from '@/lib/i18n/said';
import { say, sayIn } from '@/lib/i18n/server-text';

/**
 * One notification, shaped for each receiver. Chat webhooks (DingTalk, Feishu/Lark, WeCom, Slack)
 * each expect their own JSON body; "generic" is ours, for scripts and other tools; Telegram's Bot
 * API takes a chat and a text; email is sent over SMTP (channels.ts).
 */
export const NOTIFY_EVENTS = [
  'backup.failed', 'backup.missed', 'service.down', 'service.restart-loop', 'ai.down', 'upgrade.rolled-back', 'restore.finished',
  'service.recovered', 'ai.recovered', 'backup.recovered', 'pitr.lag', 'pitr.slot-dropped', 'test',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export const NOTIFY_FORMATS = ['generic', 'slack', 'dingtalk', 'feishu', 'wecom', 'telegram', 'email'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export const EVENT_LABELS: Record<NotifyEvent, string> = {
  'backup.failed': 'Backup failed',
  'backup.missed': 'Scheduled backup missed',
  'service.down': 'Service down',
  'service.restart-loop': 'Restart loop',
  'ai.down': 'AI provider down',
  'upgrade.rolled-back': 'Upgrade rolled back',
  'restore.finished': 'Restore finished',
  'service.recovered': 'Service up again',
  'ai.recovered': 'AI provider back',
  'backup.recovered': 'Backups succeed again',
  'pitr.lag': 'Point-in-time archive behind',
  'pitr.slot-dropped': 'Point-in-time archive slot dropped',
  test: 'Test message',
};

export interface Notification {
  event: NotifyEvent;
  stack: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  text: string;
  at: string;
  /** A recovered notice: how long the outage lasted. */
  downForMs?: number;
  /** Title and text as keyed text, rendered in each target's language (its `lang` option). */
  said?: { title?: Said; text?: Said };
}

/** The notification as a target in `lang` reads it: title and text rendered, the keys dropped. */
export function inLanguage(n: Notification, lang: Locale = DEFAULT_LOCALE): Notification {
  // The keys are ours, not the receiver's.
  const { said, ...plain } = n;
  if (!said || lang === DEFAULT_LOCALE) return plain;
  return { ...plain, title: said.title ? sayIn(lang, said.title) : n.title, text: said.text ? sayIn(lang, said.text) : n.text };
}

// One literal key per severity, so the messages parity test sees each.
const SEVERITY: Record<Notification['severity'], () => Said> = {
  info: () => say('notify.severity.info'),
  warning: () => say('notify.severity.warning'),
  critical: () => say('notify.severity.critical'),
};

export function payloadFor(format: NotifyFormat, shown: Notification, opts: { chatId?: string; lang?: Locale } = {}): unknown {
  const n = inLanguage(shown, opts.lang);
  const line = sayIn(opts.lang ?? DEFAULT_LOCALE, say('notify.line', { severity: SEVERITY[n.severity](), title: n.title, stack: n.stack }));
  switch (format) {
    case 'generic':
      return n;
    case 'slack':
      return { text: `*${line}*\n${n.text}` };
    case 'dingtalk':
      return { msgtype: 'markdown', markdown: { title: n.title, text: `### ${line}\n\n${n.text}` } };
    case 'feishu':
      return { msg_type: 'text', content: { text: `${line}\n${n.text}` } };
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: `**${line}**\n${n.text}` } };
    case 'telegram':
      // Plain text: no parse_mode, so a log line with * or _ cannot break the message.
      return { chat_id: opts.chatId, text: `${line}\n${n.text}`, disable_web_page_preview: true };
    case 'email':
      return { subject: line, text: n.text };
  }
}

/**
 * DingTalk, Feishu and WeCom answer HTTP 200 even when they reject a message; the verdict is in the
 * body (`errcode` / `code` not 0). Returns the receiver's complaint, or null when it accepted.
 */
export function rejectionIn(format: NotifyFormat, body: string): string | null {
  if (format === 'generic' || format === 'slack' || format === 'email') return null;
  try {
    const j = JSON.parse(body) as { errcode?: number; errmsg?: string; code?: number; msg?: string; StatusCode?: number; ok?: boolean; description?: string; error_code?: number };
    if (format === 'telegram') return j.ok === false ? `${j.description ?? 'rejected'} (code ${j.error_code ?? 'unknown'})` : null;
    const code = j.errcode ?? j.code ?? j.StatusCode ?? 0;
    return code === 0 ? null : `${j.errmsg ?? j.msg ?? 'rejected'} (code ${code})`;
  } catch {
    return null;
  }
}
