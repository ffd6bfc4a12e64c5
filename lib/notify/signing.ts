import crypto from 'node:crypto';

/**
 * DingTalk custom robot, "加签" (signature) security setting: the string to sign is
 * `${timestamp}\n${secret}` with the timestamp in milliseconds; HMAC-SHA256 keyed with the secret,
 * Base64, URL-encoded, sent as the `timestamp` and `sign` query parameters next to access_token.
 * The robot refuses a timestamp more than an hour off.
 * https://open.dingtalk.com/document/robots/customize-robot-security-settings
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return crypto.createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function dingtalkSignedUrl(url: string, secret: string, now = Date.now()): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(now));
  u.searchParams.set('sign', dingtalkSign(secret, now));
  return u.toString();
}

/**
 * Feishu / Lark custom bot, "签名校验" (signature verification): the key is `${timestamp}\n${secret}`
 * with the timestamp in seconds, and the HMAC-SHA256 is computed over an empty message (the key is
 * the secret part, unlike DingTalk); Base64. `timestamp` (a string) and `sign` go into the JSON body.
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 */
export function feishuSign(secret: string, timestampSec: number): string {
  return crypto.createHmac('sha256', `${timestampSec}\n${secret}`).update('', 'utf8').digest('base64');
}

export function feishuSignedBody(payload: Record<string, unknown>, secret: string, now = Date.now()): Record<string, unknown> {
  const timestamp = Math.floor(now / 1000);
  return { timestamp: String(timestamp), sign: feishuSign(secret, timestamp), ...payload };
}
