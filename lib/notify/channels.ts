/**
 * One attempt at delivering a notification over the target's channel. Webhooks go through
 * safePost (address checks, no redirects); the signing robots add their signature per attempt
 * (their timestamps must be fresh); email goes over SMTP with nodemailer.
 */
import { payloadFor, rejectionIn, type Notification } from './formats';
import { safePost } from './safe-post';
import { dingtalkSignedUrl, feishuSignedBody } from './signing';
import type { NotifyTarget } from './targets';

export const SEND_TIMEOUT_MS = 5000;

/** The Bot API method URL; the target's URL is the API base (https://api.telegram.org, or a test receiver). */
export function telegramUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/bot${token}/sendMessage`;
}

async function sendEmail(target: NotifyTarget, n: Notification): Promise<string | null> {
  const { subject, text } = payloadFor('email', n, { lang: target.options.lang }) as { subject: string; text: string };
  // Loaded on first use: most installs never send email, and the module costs memory in every process.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(target.url, {
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({ from: target.options.from, to: target.options.to, subject, text });
    return info.rejected.length ? `the server refused ${info.rejected.length} recipient(s)` : null;
  } finally {
    transport.close();
  }
}

/** null when the receiver accepted; else the reason in words (never the URL's secret parts). */
export async function sendOnce(target: NotifyTarget, n: Notification): Promise<string | null> {
  if (target.format === 'email') return sendEmail(target, n);
  const secret = target.options.secret;
  let url = target.url;
  let payload = payloadFor(target.format, n, { chatId: target.options.chatId, lang: target.options.lang });
  if (target.format === 'dingtalk' && secret) url = dingtalkSignedUrl(url, secret);
  if (target.format === 'feishu' && secret) payload = feishuSignedBody(payload as Record<string, unknown>, secret);
  if (target.format === 'telegram') url = telegramUrl(url, secret ?? '');
  const res = await safePost(url, JSON.stringify(payload), { allowPrivate: target.allowPrivate, timeoutMs: SEND_TIMEOUT_MS });
  if (res.status < 200 || res.status >= 300) {
    // Telegram explains a refusal in the body with a 4xx status.
    return (target.format === 'telegram' && rejectionIn('telegram', res.body)) || `HTTP ${res.status}`;
  }
  return rejectionIn(target.format, res.body);
}
