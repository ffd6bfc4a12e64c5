import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { createUser } from '@/lib/auth/users';
import { checkSecondFactor, SECOND_FACTOR_NEEDED } from '@/lib/auth/second-factor';
import { beginEnrolment, confirmEnrolment, disableTwoFactor, mustEnrolTwoFactor, recoveryCodesLeft, TOTP_PERIOD, twoFactorEnabled, verifySecondFactor } from '@/lib/auth/totp';

const tmp = withTempDb();
const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });
const STEP = TOTP_PERIOD * 1000;

async function enrolled(username = 'alice', role: 'viewer' | 'admin' = 'viewer') {
  const user = await createUser({ username, password: 'a long enough password', role });
  const t0 = Date.now();
  const { secret, uri, qrDataUrl } = await beginEnrolment(user);
  expect(uri).toMatch(new RegExp(`^otpauth://totp/Opsdeck:${username}\\?secret=${secret}`));
  expect(Buffer.from(qrDataUrl.split(',')[1], 'base64').toString()).toContain('<svg');
  const codes = await confirmEnrolment(user.id, await codeAt(secret, t0), t0);
  return { user, secret, codes, t0 };
}

describe('TOTP enrolment', () => {
  it('is off until a code from the app confirms the shown secret', async () => {
    const user = await createUser({ username: 'bob', password: 'a long enough password', role: 'viewer' });
    const { secret } = await beginEnrolment(user);
    expect(twoFactorEnabled(user.id)).toBe(false);
    await expect(confirmEnrolment(user.id, '000000')).rejects.toThrow(/does not match/);
    expect(twoFactorEnabled(user.id)).toBe(false);
    const codes = await confirmEnrolment(user.id, await codeAt(secret, Date.now()));
    expect(twoFactorEnabled(user.id)).toBe(true);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // Stored hashed: no code (with or without dashes) appears in the table.
    const stored = JSON.stringify(tmp.db.prepare('SELECT * FROM recovery_codes').all());
    for (const c of codes) expect(stored).not.toContain(c.replace(/-/g, ''));
    await expect(beginEnrolment(user)).rejects.toThrow(/already on/);
  });

  it('refuses a confirmation after the pending secret expired', async () => {
    const user = await createUser({ username: 'carol', password: 'a long enough password', role: 'viewer' });
    const { secret } = await beginEnrolment(user);
    const later = Date.now() + 16 * 60_000;
    await expect(confirmEnrolment(user.id, await codeAt(secret, later), later)).rejects.toThrow(/expired/);
  });
});

describe('second factor at sign-in', () => {
  it('accepts a current code once, and not the one used at enrolment', async () => {
    const { user, secret, t0 } = await enrolled();
    expect(await verifySecondFactor(user.id, await codeAt(secret, t0), t0)).toBeNull();
    const next = t0 + STEP;
    const code = await codeAt(secret, next);
    expect(await verifySecondFactor(user.id, code, next)).toBe('totp');
    expect(await verifySecondFactor(user.id, code, next)).toBeNull();
    expect(await verifySecondFactor(user.id, await codeAt(secret, next + 10 * STEP), next)).toBeNull();
  });

  it('spends each recovery code once, typed in any case and spacing', async () => {
    const { user, codes } = await enrolled();
    expect(await verifySecondFactor(user.id, ` ${codes[0].toUpperCase().replace(/-/g, ' ')} `)).toBe('recovery');
    expect(await verifySecondFactor(user.id, codes[0])).toBeNull();
    expect(recoveryCodesLeft(user.id)).toBe(9);
    expect(await verifySecondFactor(user.id, 'ffff-ffff-fffff')).toBeNull();
  });

  it('asks for a code, counts wrong codes against the throttle, and ignores users without 2FA', async () => {
    const { user } = await enrolled();
    expect(await checkSecondFactor(user, '', '10.0.0.1')).toBe(SECOND_FACTOR_NEEDED);
    for (let i = 0; i < 5; i++) await expect(checkSecondFactor(user, '000000', '10.0.0.1')).rejects.toThrow(/not valid/);
    await expect(checkSecondFactor(user, '000000', '10.0.0.1')).rejects.toThrow(/Too many/);
    const plain = await createUser({ username: 'dave', password: 'a long enough password', role: 'viewer' });
    expect(await checkSecondFactor(plain, '', null)).toBeNull();
  });

  it('turning off removes the secret and the recovery codes', async () => {
    const { user, codes } = await enrolled();
    disableTwoFactor(user.id);
    expect(twoFactorEnabled(user.id)).toBe(false);
    expect(await verifySecondFactor(user.id, codes[1])).toBeNull();
    expect(recoveryCodesLeft(user.id)).toBe(0);
  });
});

describe('OPSDECK_REQUIRE_2FA', () => {
  it('sends only admins without 2FA to enrol', async () => {
    const admin = await createUser({ username: 'root', password: 'a long enough password', role: 'admin' });
    const viewer = await createUser({ username: 'vic', password: 'a long enough password', role: 'viewer' });
    const before = process.env.OPSDECK_REQUIRE_2FA;
    try {
      delete process.env.OPSDECK_REQUIRE_2FA;
      expect(mustEnrolTwoFactor(admin)).toBe(false);
      process.env.OPSDECK_REQUIRE_2FA = '1';
      expect(mustEnrolTwoFactor(admin)).toBe(true);
      expect(mustEnrolTwoFactor(viewer)).toBe(false);
      const { user } = await enrolled('root2', 'admin');
      expect(mustEnrolTwoFactor(user)).toBe(false);
      // An OIDC user's second factor is the identity provider's.
      tmp.db.prepare("INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ('http://idp', 's', ?, '')").run(admin.id);
      expect(mustEnrolTwoFactor(admin)).toBe(false);
    } finally {
      if (before === undefined) delete process.env.OPSDECK_REQUIRE_2FA;
      else process.env.OPSDECK_REQUIRE_2FA = before;
    }
  });
});
