/**
 * TOTP two-factor sign-in (RFC 6238, the 6-digit codes of authenticator apps) with otplib, plus
 * single-use recovery codes.
 *
 * Enrolment is two steps so a typo in the app cannot lock anyone out: `beginEnrolment` keeps the
 * new secret aside (totp_pending) and shows it once; only `confirmEnrolment` with a valid code makes
 * it the user's secret and hands out the recovery codes (shown once, stored as SHA-256).
 */
import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getDb } from '@/lib/store/db';

export const TOTP_PERIOD = 30;
const ISSUER = 'Opsdeck';
const RECOVERY_CODES = 10;
// Enrolment must be confirmed within this time; an old pending secret may have been seen by others.
const PENDING_MAX_MS = 15 * 60 * 1000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const nowIso = () => new Date().toISOString();

/** Recovery codes are typed by hand: lower-case, dashes, no ambiguous look-alikes matter (hex). */
const normaliseRecovery = (code: string) => code.trim().toLowerCase().replace(/[^0-9a-f]/g, '');
const isTotpShaped = (code: string) => /^\d{6}$/.test(code.replace(/\s/g, ''));

export function twoFactorEnabled(userId: number): boolean {
  const row = getDb().prepare('SELECT totp_secret FROM users WHERE id = ?').get(userId) as { totp_secret: string | null } | undefined;
  return Boolean(row?.totp_secret);
}

/**
 * Whether OPSDECK_REQUIRE_2FA asks this user to enrol before doing anything else: admins who sign
 * in with a password. A user created by OIDC signs in at the identity provider, whose own
 * second factor applies (they have no password here to pair a code with).
 */
export function mustEnrolTwoFactor(user: { id: number; role: string }): boolean {
  if (process.env.OPSDECK_REQUIRE_2FA !== '1' || user.role !== 'admin' || twoFactorEnabled(user.id)) return false;
  return !getDb().prepare('SELECT 1 FROM user_identities WHERE user_id = ?').get(user.id);
}

export interface Enrolment {
  secret: string;
  uri: string;
  /** An SVG data URL of the otpauth:// URI, for the authenticator app to scan. */
  qrDataUrl: string;
}

export async function beginEnrolment(user: { id: number; username: string }): Promise<Enrolment> {
  if (twoFactorEnabled(user.id)) throw new OpsdeckError('conflict', say('errors.auth.totpAlreadyOn'));
  const secret = generateSecret();
  getDb()
    .prepare('INSERT INTO totp_pending (user_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at')
    .run(user.id, secret, nowIso());
  const uri = generateURI({ issuer: ISSUER, label: user.username, secret });
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** The time step a code is valid in, or null. Accepts one step either side (clock drift). */
async function matchingStep(secret: string, code: string, afterStep: number | null, at: number): Promise<number | null> {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(at / 1000),
    epochTolerance: TOTP_PERIOD,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Confirms the pending secret with a code from the app; returns the recovery codes (shown once). */
export async function confirmEnrolment(userId: number, code: string, at = Date.now()): Promise<string[]> {
  const db = getDb();
  const pending = db.prepare('SELECT secret, created_at FROM totp_pending WHERE user_id = ?').get(userId) as { secret: string; created_at: string } | undefined;
  if (!pending || at - Date.parse(pending.created_at) > PENDING_MAX_MS) {
    throw new OpsdeckError('invalid_input', say('errors.auth.enrolExpired'));
  }
  const step = await matchingStep(pending.secret, code, null, at);
  if (step === null) throw new OpsdeckError('invalid_input', say('errors.auth.codeMismatch'));
  const codes = Array.from({ length: RECOVERY_CODES }, () => randomBytes(8).toString('hex').slice(0, 15).replace(/(.{5})(?=.)/g, '$1-'));
  db.transaction(() => {
    db.prepare('UPDATE users SET totp_secret = ?, totp_last_step = ?, updated_at = ? WHERE id = ?').run(pending.secret, step, nowIso(), userId);
    db.prepare('DELETE FROM totp_pending WHERE user_id = ?').run(userId);
    db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    const insert = db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
    for (const c of codes) insert.run(userId, sha256(normaliseRecovery(c)));
  }).immediate();
  return codes;
}

/**
 * The second factor at sign-in: a current TOTP code (not one already used) or an unused recovery
 * code, which is then spent. Both updates are conditional so two concurrent sign-ins cannot both
 * spend the same code.
 */
export async function verifySecondFactor(userId: number, code: string, at = Date.now()): Promise<'totp' | 'recovery' | null> {
  const db = getDb();
  const row = db.prepare('SELECT totp_secret, totp_last_step FROM users WHERE id = ?').get(userId) as { totp_secret: string | null; totp_last_step: number | null } | undefined;
  if (!row?.totp_secret) return null;
  if (isTotpShaped(code)) {
    const step = await matchingStep(row.totp_secret, code, row.totp_last_step, at);
    if (step === null) return null;
    const { changes } = db
      .prepare('UPDATE users SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)')
      .run(step, userId, step);
    return changes === 1 ? 'totp' : null;
  }
  const hash = sha256(normaliseRecovery(code));
  const { changes } = db
    .prepare('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL')
    .run(nowIso(), userId, hash);
  return changes === 1 ? 'recovery' : null;
}

export function recoveryCodesLeft(userId: number): number {
  return (getDb().prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').get(userId) as { n: number }).n;
}

/** Turns 2FA off (the caller has checked the password and a code). Sessions stay: it is their owner. */
export function disableTwoFactor(userId: number): void {
  const db = getDb();
  db.transaction(() => {
    db.prepare('UPDATE users SET totp_secret = NULL, totp_last_step = NULL, updated_at = ? WHERE id = ?').run(nowIso(), userId);
    db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    db.prepare('DELETE FROM totp_pending WHERE user_id = ?').run(userId);
  })();
}
